"""Regenerate the papers' tables and figures at CPU scale: one script per table.

``ncbounds tables [--only T4] [--quick] [--out DIR]`` is the front end; :func:`run_tables` the
library entry point. Every script lists its seeds and settings in its header docstring and writes,
into ``DIR/<NAME>/``, a CSV, Markdown, LaTeX and JSON file per table and one PNG plot. A small
reference per table (the toolkit's own ``--quick`` output) is stored in ``paper_tables/reference``
and compared by the test suite with the tolerances each script declares.
"""

from .runner import SCRIPTS, TableRun, load_script, run_tables

__all__ = ["SCRIPTS", "TableRun", "load_script", "run_tables"]
