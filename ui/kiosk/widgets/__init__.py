"""Reusable widgets: keypad, amount entry, camera view, status banner."""
