"""Every claim of the four papers and the classic results as a runnable check with a negative control.

``from proofs_check import registry; registry.run(registry.select())`` runs the default set;
``ncbounds check`` is the command-line front end. See :mod:`proofs_check.registry`.
"""

from . import registry
from .registry import Claim, Context, Evidence, Report, all_claims, run, select

__all__ = ["registry", "Claim", "Context", "Evidence", "Report", "all_claims", "run", "select"]
