"""Fake services behind the same interfaces as ``ui.services`` (scripted outcomes)."""
