"""`python -m arbiter_desktop`: the command line (the desktop window comes with the GUI)."""

import sys

from arbiter_desktop.cli import main

sys.exit(main(sys.argv[1:] or ["demo"]))
