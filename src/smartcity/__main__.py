"""``python -m smartcity`` runs the command line."""

import sys

from smartcity.cli import main

sys.exit(main())
