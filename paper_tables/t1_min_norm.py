"""T1 — minimum-norm separation and the SVM family against their closed forms.

Protocols: ji2022.md §6 (X0 → T1, Ji rows), classic.md §6 (T1, SELI rows), gao2023.md §6.2 (T1,
Gao rows). Deterministic: no random draws except the ADMM start (``seed=0``).

Table ``T1-minnorm`` (ULPM minimum-norm separation JI-P1 = Gao's S1):
  balanced (K, n) ∈ {(3,2), (4,3), (4,4), (10,2), (10,10)}; counts [4,4,1], [5,5,1,1], [8,2,2,2],
  [100]*5+[1]*5, [50]*5+[5]*5. Methods: ``convex`` (ADMM; never uses the closed form) and
  ``closed_form`` (X* = PY with its dual certificate). Columns: solver value, closed form
  ((K−1)√n balanced, ‖PY‖_* always, the two-group formula CL-SELI-2G where the counts have two
  sizes), relative error, certificate gap (the solver's own weak-duality gap for ``convex``),
  seconds. Quick: N ≤ 1000 for the convex method (the ADMM solves them in milliseconds). Full adds (10,50), (10,100) for the convex method
  and K = 100, N = 10,000 (n = 100) for closed form + certificate and convex.
Table ``T1-svm`` (Gao S1–S3 closed forms, gao2023.md claims 3–5):
  S1 (= T1-minnorm, balanced) over (K, n) ∈ {(3,1), (3,2), (4,2), (5,3), (10,1), (10,2), (10,3)}
  and counts (2,1,1), (3,1,1,1), (1,1,1,5); S2 fixed-ETF SVM over K ∈ {3, 4, 6}, n ∈ {1, 3};
  S3 spherical over K ∈ {3, 4, 7}, Frobenius over (3,2), (4,3), (2,1,1). Quick: K ≤ 5.
Plot: relative error and seconds against N for the two min-norm methods.

Measured on the project's 2-core machine: quick ≈ 2 s, full ≈ 9 s (K = 100, N = 10,000: convex 4.5 s).
"""

from __future__ import annotations

import math
from pathlib import Path


from ncbounds.data import labels_from_counts

from .common import Table

NAME = "T1"
TITLE = "Min-norm separation and the SVM family: solver value against closed form"

BALANCED_QUICK = [(3, 2), (4, 3), (4, 4), (10, 2), (10, 10)]
BALANCED_FULL_EXTRA = [(10, 50), (10, 100), (100, 100)]
IMBALANCED = [[4, 4, 1], [5, 5, 1, 1], [8, 2, 2, 2], [100] * 5 + [1] * 5, [50] * 5 + [5] * 5]
S1_GRID = [(3, 1), (3, 2), (4, 2), (5, 3), (10, 1), (10, 2), (10, 3)]
S1_COUNTS = [[2, 1, 1], [3, 1, 1, 1], [1, 1, 1, 5]]

SETTINGS = {
    "quick": {"balanced": BALANCED_QUICK, "imbalanced": IMBALANCED, "convex N max": 1000,
              "svm K max": 5, "seed": 0},
    "full": {"balanced": BALANCED_QUICK + BALANCED_FULL_EXTRA, "imbalanced": IMBALANCED,
             "convex N max": 10_000, "svm K max": 10, "seed": 0},
}

_REL = (0.0, 1e-9)       # values: agree to 1e-9 absolute with the reference (both are certified optima)
_ERR = (0.0, 1e-7)       # relative errors and gaps are round-off: compared only against a ceiling


def _two_group(counts) -> float | None:
    from ncbounds.solvers.min_norm import two_group_value

    sizes = sorted(set(counts), reverse=True)
    if len(sizes) != 2:
        return None
    n_A, n_B = sizes
    return two_group_value(counts.count(n_A), n_A, counts.count(n_B), n_B)


def _minnorm_rows(quick: bool, progress) -> list[dict]:
    from ncbounds.solvers import min_norm_separation

    cfg = SETTINGS["quick" if quick else "full"]
    instances = [(f"K={K}, n={n}", [n] * K) for K, n in cfg["balanced"]]
    instances += [(str(c) if len(c) <= 4 else f"{c[0]}×{c.count(c[0])} + {c[-1]}×{c.count(c[-1])}", c)
                  for c in cfg["imbalanced"]]
    rows = []
    for label, counts in instances:
        y = labels_from_counts(counts)
        K, N = len(counts), len(y)
        balanced = len(set(counts)) == 1
        for method in ("convex", "closed_form"):
            if method == "convex" and N > cfg["convex N max"]:
                continue
            progress(f"min-norm {label} {method}")
            sol = min_norm_separation(y, method=method, seed=cfg["seed"])
            gap = sol.solver_relative_gap if method == "convex" else sol.relative_gap
            rows.append({
                "instance": label, "K": K, "N": N, "method": method, "solver": sol.solver,
                "value": sol.objective,
                "(K-1)sqrt(n)": (K - 1) * math.sqrt(counts[0]) if balanced else None,
                "||PY||_*": sol.closed_form_value, "two-group": _two_group(counts),
                "rel. error": sol.relative_error, "certificate gap": abs(gap), "certified": sol.certified,
                "seconds": sol.seconds,
            })
    return rows


def _svm_rows(quick: bool, progress) -> list[dict]:
    from ncbounds.geometry import simplex_etf
    from ncbounds.solvers import frobenius_max_margin, min_norm_separation, multiclass_svm, spherical_max_margin

    kmax = SETTINGS["quick" if quick else "full"]["svm K max"]
    rows = []

    def add(problem, label, value, closed, gap, seconds, solver):
        rows.append({"problem": problem, "instance": label, "solver": solver, "value": value, "closed form": closed,
                     "rel. error": abs(value - closed) / abs(closed), "certificate gap": abs(gap), "seconds": seconds})

    for K, n in S1_GRID:
        if K > kmax:
            continue
        progress(f"S1 K={K} n={n}")
        sol = min_norm_separation(labels_from_counts([n] * K), method="convex", d=K + 2)
        add("S1 min-norm", f"K={K}, n={n}", sol.objective, (K - 1) * math.sqrt(n), sol.solver_relative_gap,
            sol.seconds, sol.solver)
    for counts in S1_COUNTS:
        progress(f"S1 {counts}")
        sol = min_norm_separation(labels_from_counts(counts), method="convex")
        add("S1 min-norm", str(tuple(counts)), sol.objective, sol.closed_form_value, sol.solver_relative_gap,
            sol.seconds, sol.solver)
    for K in (3, 4, 6):
        if K > kmax:
            continue
        for n in (1, 3):
            progress(f"S2 K={K} n={n}")
            y = labels_from_counts([n] * K)
            sol = multiclass_svm(simplex_etf(K, K + 1)[y], y)
            add("S2 fixed-ETF SVM", f"K={K}, n={n}", sol.objective, (K - 1) ** 2 / (2 * K), sol.relative_gap,
                sol.seconds, sol.solver)
    for K in (3, 4, 7):
        if K > kmax:
            continue
        progress(f"S3 spherical K={K}")
        sol = spherical_max_margin(K)
        add("S3 spherical", f"K={K}", sol.objective, K / (K - 1), sol.relative_gap, sol.seconds, sol.solver)
    for counts in ([2, 2, 2], [3, 3, 3, 3], [2, 1, 1]):
        progress(f"S3 Frobenius {counts}")
        sol = frobenius_max_margin(counts)
        y = labels_from_counts(counts)
        closed = 1.0 / min_norm_separation(y).closed_form_value
        add("S3 Frobenius", str(tuple(counts)), sol.objective, closed, sol.relative_gap, sol.seconds, sol.solver)
    return rows


def build(*, quick: bool, progress=lambda msg: None) -> list[Table]:
    mn = _minnorm_rows(quick, progress)
    svm = _svm_rows(quick, progress)
    return [
        Table(name="T1-minnorm", title="ULPM minimum-norm separation (JI-P1 = Gao S1): solver value against closed forms",
              columns=("instance", "K", "N", "method", "solver", "value", "(K-1)sqrt(n)", "||PY||_*", "two-group",
                       "rel. error", "certificate gap", "certified", "seconds"),
              rows=mn, key=("instance", "method"),
              tolerances={"value": _REL, "||PY||_*": _REL, "two-group": _REL, "(K-1)sqrt(n)": _REL,
                           "certified": (0, 0)},
              formats={"value": ".10f", "||PY||_*": ".10f", "two-group": ".10f", "(K-1)sqrt(n)": ".10f",
                       "rel. error": ".1e", "certificate gap": ".1e", "seconds": ".3f"},
              notes="Ji et al. report no numbers; reference values of ji2022.md §6 (2.8284271247, 5.1961524227, 6, "
                    "12.7279220614, 28.4604989415; 3.4142135624, 4.9681187851, 5.3779368815, 51.1063352018) are "
                    "reproduced to every printed digit. `convex` never uses the closed form; its gap is its own "
                    "weak-duality gap."),
        Table(name="T1-svm", title="Gao et al. S1–S3 (min-norm, fixed-ETF SVM, max-min margin): solver against closed form",
              columns=("problem", "instance", "solver", "value", "closed form", "rel. error", "certificate gap",
                       "seconds"),
              rows=svm, key=("problem", "instance"),
              tolerances={"value": (0.0, 1e-7), "closed form": _REL},
              formats={"value": ".8f", "closed form": ".8f", "rel. error": ".1e", "certificate gap": ".1e",
                       "seconds": ".3f"},
              notes="Gao et al.'s text is unavailable (gao2023.md); the closed forms are ours [derived] "
                    "(GAO-F3, GAO-F4, GAO-F5)."),
    ]


def plot(tables: dict[str, Table], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = tables["T1-minnorm"].rows
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for method, marker in (("convex", "o"), ("closed_form", "s")):
        sel = sorted((r for r in rows if r["method"] == method), key=lambda r: r["N"])
        N = [r["N"] for r in sel]
        axes[0].loglog(N, [max(r["rel. error"], 1e-17) for r in sel], marker, label=method)
        axes[1].loglog(N, [r["seconds"] for r in sel], marker, label=method)
    axes[0].set(xlabel="N", ylabel="relative error vs ‖PY‖_* (floored at 1e-17)", title="accuracy")
    axes[1].set(xlabel="N", ylabel="seconds", title="time (incl. certificate)")
    for ax in axes:
        ax.legend()
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle("T1: minimum-norm separation against its closed form")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
