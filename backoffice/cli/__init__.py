"""``payterm-backoffice``: the operator's command line."""
