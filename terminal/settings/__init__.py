"""Settings: one typed, validated, immutable object (see ``model.Settings``)."""
