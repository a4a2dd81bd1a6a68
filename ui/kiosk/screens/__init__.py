"""One module per screen; each is a ``Screen`` shown in the window's stack."""
