"""Solver benchmarks (issue 3), one run, printed as tables with times, ratios and accuracy.

    python benchmarks/solvers.py            # full sizes (several minutes; naive baselines are slow)
    python benchmarks/solvers.py --quick    # small sizes only

Min-norm separation: the naive cvxpy formulation (``cp.normNuc(X)`` + margin constraints, one
(K+N)-sided PSD block) with SCS and with Clarabel against ncbounds' ``convex`` method, accuracy
against the closed form ‖PY‖_*. SVM: ncbounds' ``multiclass_svm`` against scikit-learn's
Crammer–Singer ``LinearSVC`` and a plain cvxpy formulation. Timings are wall-clock on this machine;
compare ratios within one run, never across machines. Nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _min_norm_bench  # noqa: E402
from _table import print_table  # noqa: E402
import _svm_bench  # noqa: E402


def _table(title: str, rows: list[dict]) -> None:
    print_table(title, rows, digits=3)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=("min_norm", "svm"))
    args = ap.parse_args(argv)
    if args.only in (None, "min_norm"):
        _table("min-norm separation (ULPM, JI-P1)", _min_norm_bench.run(quick=args.quick))
    if args.only in (None, "svm"):
        _table("hard-margin multi-class SVM", _svm_bench.run(quick=args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
