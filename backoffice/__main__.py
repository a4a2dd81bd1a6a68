"""``python -m backoffice`` runs the command line."""

import sys

from backoffice.cli.main import main

sys.exit(main())
