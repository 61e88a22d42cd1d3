"""Bounds: sympy derivations, the margin-bound family, alignment dependence and the NC inequalities.

Submodules are imported lazily (sympy is slow to import), so ``import ncbounds.bounds`` is cheap.

===========================  ===========================================================================
:mod:`.symbolic`             sympy derivations (Gao et al.): CE–margin sandwich, margin bound, covering
                             and Hoeffding bounds, ETF closed forms, scale/permutation facts; LaTeX
:mod:`.margin`               margin bound on an instance / trajectory / run, every term, both readings
:mod:`.alignment`            label↔vertex assignments: exhaustive (K ≤ 8) or local search; rotations;
                             exact-symmetry facts (GAO-F8, GAO-F13)
:mod:`.nc1`                  Jacot et al. Theorem 3.1/B.1 and Wu–Mondelli Theorem 4.2/Corollary 4.4,
                             both sides, hypotheses as booleans, N/A when a hypothesis fails
===========================  ===========================================================================

:func:`evaluate` is the single entry point of the ``ncbounds bound`` command.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    # symbolic
    "Derivation": "symbolic", "DERIVATIONS": "symbolic", "derive": "symbolic",
    # margin
    "evaluate_margin_bound": "margin", "evaluate_margin_trajectory": "margin", "margin_bound_terms": "margin",
    "plot_margin_trajectory": "margin", "MarginBoundResult": "margin", "MarginTrajectoryResult": "margin",
    # alignment
    "evaluate_alignment": "alignment", "rotation_scan": "alignment", "etf_invariance": "alignment",
    "orbit_count": "alignment", "named_frame": "alignment", "AlignmentResult": "alignment",
    # nc1
    "jacot_theorem31": "nc1", "jacot_measure": "nc1", "jacot_from_run": "nc1", "wu_mondelli_bounds": "nc1",
    "wu_from_run": "nc1", "wu_gamma_counterexample": "nc1", "Inequality": "nc1",
}

KINDS = ("margin", "alignment", "symbolic", "jacot", "wu", "wu-counterexample")

__all__ = sorted(_EXPORTS) + ["evaluate", "latex", "KINDS"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    if name in ("symbolic", "margin", "alignment", "nc1"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


def evaluate(kind: str, features=None, *, W=None, H=None, y=None, name: str | None = None, quick: bool = True,
             seed: int | None = None, **options: Any):
    """One call per ``ncbounds bound KIND`` invocation; returns a Result (``.to_dict()`` for ``--json``).

    Kinds and their options:

    * ``"margin"`` — GAO-T4.4 on an instance: ``features`` (path to ``.npz`` with H, y, W; see
      :func:`ncbounds.data.load_features`) or ``W``, ``H``, ``y``; options of
      :func:`.margin.evaluate_margin_bound` (``gamma``, ``c_K``, ``u``, ``delta``, ``r``,
      ``rademacher_fixed``, ``r_fixed``).
    * ``"alignment"`` — GAO-T4.10/T4.8 over label→vertex assignments: same inputs; options of
      :func:`.alignment.evaluate_alignment` (``bound``, ``a``, ``c``, ``agg``, ``L_f``,
      ``prefactor_mode``, ``radius_factor``, ``method``, ``restarts``, ``seed``).
    * ``"symbolic"`` — ``name`` one of :data:`.symbolic.DERIVATIONS` (default ``"margin_bound"``);
      options passed to the derivation (e.g. ``c_K="4K"``, ``K=3``). ``--latex`` prints ``.latex``.
    * ``"jacot"`` — trains the R0 network (:func:`ncbounds.nets.r0_data`, widths
      [10, 64, 32, 16, 16, 3], L1 = 2) and evaluates Theorem 3.1: ``quick`` (default) uses η = 0.02,
      4e4 steps (≈ 5 s); ``quick=False`` the spec's η = λ = 0.01, 1e5 steps (≈ 11 s). Options:
      ``steps``, ``eta``, ``lam``.
    * ``"wu"`` — trains the WU-T4.2-TRAIN network (S0 data, q = 3, m = 10, d = 8, p = 16, N = 300,
      γ = 1, λ = 1e-4, η = 1, noiseless) and evaluates Theorem 4.2 / Corollary 4.4: ``quick`` 5000 steps,
      else 15000 (≈ 2 s). Options: ``steps``, ``train_W`` (default True), ``gamma``.
    * ``"wu-counterexample"`` — the WU-E1 instance at ``gamma`` (default 5.8).
    """
    if kind in ("margin", "alignment"):
        if features is not None:
            from ..data import load_features
            inst = load_features(features)
            W = inst.W if W is None else W
            H, y = inst.H, inst.y
        if W is None or H is None or y is None:
            from ..errors import InputError
            raise InputError(f"bound {kind} needs W, H and y (a features file with a classifier W)", argument="W")
        if kind == "margin":
            from .margin import evaluate_margin_bound
            return evaluate_margin_bound(W, H, y, **options)
        from .alignment import evaluate_alignment
        return evaluate_alignment(W, H, y, **options)
    if kind == "symbolic":
        from .symbolic import derive
        return derive(name or "margin_bound", **options)
    if kind == "jacot":
        from .. import nets
        from .nc1 import jacot_from_run
        X, Y, _ = nets.r0_data(seed=0)
        steps = options.pop("steps", 40000 if quick else 100000)
        eta = options.pop("eta", 0.02 if quick else 0.01)
        lam = options.pop("lam", 0.01)
        run = nets.train_deep_head(X, Y, widths=[10, 64, 32, 16, 16, 3], L1=2, lam=lam, eta=eta, steps=steps,
                                   seed=1 if seed is None else seed, record_every=max(1, steps // 20))
        return jacot_from_run(run, **options)
    if kind == "wu":
        from .. import nets
        from .nc1 import wu_from_run
        X, Y, _ = nets.s0_data(q=3, m=10, d=8, seed=0)
        steps = options.pop("steps", 5000 if quick else 15000)
        run = nets.train_mean_field(X, Y, N=300, p=16, gamma=options.pop("gamma", 1.0), lambda_rho=1e-4, eta=1.0,
                                    steps=steps, train_W=options.pop("train_W", True),
                                    seed=0 if seed is None else seed, record_every=max(1, steps // 10))
        return wu_from_run(run, **options)
    if kind == "wu-counterexample":
        from .nc1 import wu_gamma_counterexample
        return wu_gamma_counterexample(options.pop("gamma", 5.8), **options)
    from ..errors import InputError
    raise InputError(f"unknown bound kind {kind!r}; choose one of {KINDS}", argument="kind")


def _num(v) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if f != f:
        return "--"
    return f"{f:.6g}"


def latex(result) -> str:
    """LaTeX for ``ncbounds bound ... --latex``: the formula and/or a ``tabular`` of the evaluated result.

    * a symbolic :class:`.symbolic.Derivation` → its LaTeX expression;
    * a :class:`.margin.MarginBoundResult` → the GAO-T4.4 standard form (sympy) and a table of the terms of
      both readings;
    * an :class:`.alignment.AlignmentResult` → a summary table (best, worst, spread, argmin);
    * Jacot/Wu results (rows of :class:`.nc1.Inequality`) → one table row per inequality.
    """
    from .symbolic import Derivation

    if isinstance(result, Derivation):
        return result.latex
    name = type(result).__name__
    if name == "MarginBoundResult":
        from .symbolic import margin_bound
        formula = margin_bound(c_K=result.c_K_mode if result.c_K_mode in ("4K", "2K^2") else None, u=result.u).latex
        lines = [r"\[ P[\rho_h \le 0] \le " + formula + r" \]", r"\begin{tabular}{lrrrrrl}",
                 r"reading & $\hat R$ & complexity & uniformity & confidence & total & \\ \hline"]
        for t in (result.norm_based, result.fixed):
            lines.append(" & ".join([t.reading.replace("_", " "), _num(t.empirical_risk), _num(t.complexity),
                                     _num(t.uniformity), _num(t.confidence), _num(t.total),
                                     "N/A" if not t.applicable else ""]) + r" \\")
        lines.append(r"\end{tabular}")
        return "\n".join(lines)
    if name == "AlignmentResult":
        return "\n".join([r"\begin{tabular}{ll}", f"bound & {result.bound} ({result.method}) \\\\",
                          f"best & {_num(result.best)} \\\\", f"worst & {_num(result.worst)} \\\\",
                          f"spread & {_num(result.spread)} \\\\",
                          f"argmin & ${result.argmin}$ \\\\", r"\end{tabular}"])
    rows = getattr(result, "rows", None)
    if isinstance(rows, dict):
        out = [r"\begin{tabular}{llrcrl}", r"row & ID & lhs & & rhs & verdict \\ \hline"]
        for r in rows.values():
            rel = r"$\le$" if r.relation == "<=" else r"$\ge$"
            out.append(" & ".join([r.name.replace("_", r"\_"), r.id, _num(r.lhs), rel, _num(r.rhs), r.verdict])
                       + r" \\")
        out.append(r"\end{tabular}")
        return "\n".join(out)
    from ..errors import InputError
    raise InputError(f"no LaTeX form for a {name}", argument="result")
