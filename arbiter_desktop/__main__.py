"""`python -m arbiter_desktop`: the desktop window (or, given arguments, the command line: see cli.py).

Also the entry point of the offline bundle (installer/arbiter_desktop.spec): there, the indexing process and
the extraction workers are started by running the bundle's executable again, and ``freeze_support`` turns such a
run into the child it was started as, before anything else is imported.
"""

import multiprocessing
import sys

multiprocessing.freeze_support()

from arbiter_desktop.cli import main  # noqa: E402 (after freeze_support: a child needs none of it)

sys.exit(main(sys.argv[1:] or ["gui", "--or-demo"]))
