"""``python -m paper_tables`` is ``ncbounds tables``."""

import sys

from ncbounds.cli import main

sys.exit(main(["tables", *sys.argv[1:]]))
