"""The benchmark suite's package (``bench/``, beside ``arbiter_desktop``) is importable from these tests."""

import sys

from support import PACKAGE_ROOT

if str(PACKAGE_ROOT) not in sys.path:
    sys.path.insert(0, str(PACKAGE_ROOT))
