"""A sentence in Simplified Chinese and English, kept as a keyed pair.

Screens show one language at a time; logs and the command line show both
(``str(text)`` is "中文 / English"). Building the pair from its two halves means text
that came from outside (a host's ``sub_msg``, a file name, a member's input) is never
split on a separator it happens to contain. ``Bilingual.of`` reads the "中文 / English"
constants written in this code base, at the boundary where they meet a screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

SEPARATOR = " / "


class Language(str, Enum):
    ZH = "zh"
    EN = "en"


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh if self.zh == self.en else f"{self.zh}{SEPARATOR}{self.en}"

    def __contains__(self, part: str) -> bool:
        """Whether either language's sentence contains ``part``."""
        return part in self.zh or part in self.en

    def pick(self, language: Language | str) -> str:
        """The sentence in ``language`` ("zh" or "en")."""
        return self.zh if Language(language) is Language.ZH else self.en

    @classmethod
    def same(cls, text: str) -> "Bilingual":
        """Text that reads the same in both languages (a code, a number, a name)."""
        return cls(text, text)

    @classmethod
    def of(cls, text: "Bilingual | str") -> "Bilingual":
        """A pair as it is, or one of this code base's "中文 / English" constants read
        at its first separator; text without one is the same in both languages. Never
        use this on text from outside: build the pair from its halves instead."""
        if isinstance(text, Bilingual):
            return text
        zh, sep, en = text.partition(SEPARATOR)
        return cls(zh.strip(), en.strip()) if sep else cls.same(text)
