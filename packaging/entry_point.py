"""What the frozen executable runs: exactly the dispatch of `python -m wizard`.

A separate script (rather than wizard/__main__.py itself) keeps PyInstaller from putting the package
folder on its search path, where wizard/logs.py and friends would shadow top-level module names.
"""

import sys

from wizard.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
