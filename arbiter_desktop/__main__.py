"""`python -m arbiter_desktop`: the desktop window (or, given arguments, the command line: see cli.py)."""

import sys

from arbiter_desktop.cli import main

sys.exit(main(sys.argv[1:] or ["gui", "--or-demo"]))
