"""The current language and the lookup of a string key in it.

Domain messages arrive bilingual: a ``terminal.bilingual.Bilingual`` pair (anything that
carries outside text, such as a host's decline reason, is built that way and never
split), or one of the code base's "中文 / English" constants; ``pick`` keeps the half in
the current language, so a message needs no second catalogue entry. Screens connect to
``Translator.language_changed`` and re-set their texts (``retranslate``).
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QObject, Signal

from terminal.bilingual import Bilingual
from ui.i18n.strings import STRINGS


class Language(str, Enum):
    ZH = "zh"
    EN = "en"


def pick(bilingual: Bilingual | str, language: Language) -> str:
    """The sentence in ``language``: a pair's own half, or the half of a "中文 /
    English" constant; text without the separator is returned as it is."""
    return Bilingual.of(bilingual).pick(language.value)


class Translator(QObject):
    """Holds the language; ``t(key, **values)`` formats the string for it."""

    language_changed = Signal(str)

    def __init__(self, language: Language = Language.ZH) -> None:
        super().__init__()
        self._language = language

    @property
    def language(self) -> Language:
        return self._language

    def set_language(self, language: Language | str) -> None:
        language = Language(language)
        if language is not self._language:
            self._language = language
            self.language_changed.emit(language.value)

    def toggle(self) -> None:
        self.set_language(Language.EN if self._language is Language.ZH else Language.ZH)

    def t(self, key: str, **values) -> str:
        """The string for ``key``; a missing key raises KeyError (caught by the tests)."""
        entry = STRINGS[key]
        text = entry[0] if self._language is Language.ZH else entry[1]
        return text.format(**values) if values else text

    def pick(self, bilingual: Bilingual | str) -> str:
        return pick(bilingual, self._language)
