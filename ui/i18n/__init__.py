"""Simplified Chinese and English strings for the kiosk, switchable at run time."""

from ui.i18n.language import Language, Translator, pick

__all__ = ["Language", "Translator", "pick"]
