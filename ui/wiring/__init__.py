"""Builders that turn settings into working services (the composition root's parts)."""
