"""`python -m autopilot` runs the command-line interface."""

import sys

from autopilot.cli import main

sys.exit(main())
