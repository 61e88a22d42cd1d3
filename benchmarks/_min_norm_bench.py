"""Benchmark: ULPM minimum-norm separation, naive cvxpy versus ncbounds' convex solvers.

Problem (ji2022.md JI-P1N): min ||X||_* s.t. X[y_i, i] - X[j, i] >= 1, balanced labels.

Rows
----
* naive cvxpy: ``cp.normNuc(X)`` + margin constraints (one PSD block of side K+N after
  canonicalisation), solved by SCS (cvxpy's default eps) and by Clarabel. Naive + Clarabel runs in
  a subprocess with a time cap (``CLARABEL_CAP`` s) and only at N = 100: at N = 500 Clarabel tries
  to allocate about 136 GB (ji2022.md §7), recorded as "skipped (memory)".
* cvxpy per-column (``matrix_frac``, JI-P1F) + Clarabel: the spec's per-column reference.
* ours ``convex``/``admm`` (the default of ``method="convex"``) and ours ``convex``/``clarabel``
  (per-column SDP assembled directly for Clarabel).

Columns: seconds (best of ``repeats`` runs where cheap), ratio = seconds / seconds of ours-admm on
the same instance, value, relative error against the closed form ``(K-1)√n``, and the relative
certificate gap (:func:`ncbounds.solvers.min_norm.certify_min_norm` with the closed-form dual,
after scaling to unit margin) of the returned X.

Timings include cvxpy canonicalisation and every certificate ncbounds computes. The machine has 2
cores and other jobs may run concurrently: numbers are noisy (factor ~2).

Usage: ``python benchmarks/_min_norm_bench.py [--quick]``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time

import numpy as np

CLARABEL_CAP = 150.0  # seconds for naive cvxpy + Clarabel (measured 34-123 s at K=10, N=100)
SEED = 0


def _labels(K: int, N: int) -> np.ndarray:
    return np.repeat(np.arange(K), N // K)


def _naive(K: int, N: int, solver: str) -> dict:
    """Naive cvxpy nuclear-norm form; returns seconds, value, relative error, certificate gap."""
    import cvxpy as cp

    from ncbounds.solvers.min_norm import certify_min_norm, closed_form_value

    y = _labels(K, N)
    Y = np.zeros((K, N))
    Y[y, np.arange(N)] = 1.0
    t0 = time.perf_counter()
    X = cp.Variable((K, N))
    top = cp.sum(cp.multiply(Y, X), axis=0, keepdims=True)
    cons = [np.ones((K, 1)) @ top - X + Y >= 1.0]
    prob = cp.Problem(cp.Minimize(cp.normNuc(X)), cons)
    prob.solve(solver=solver)
    sec = time.perf_counter() - t0
    p = closed_form_value(np.bincount(y))
    Xv = np.asarray(X.value)
    cert = certify_min_norm(X=Xv, y=y)
    return {"seconds": sec, "value": float(prob.value), "rel_error": abs(prob.value - p) / p,
            "cert_gap": cert.relative_gap, "status": prob.status}


def _per_column(K: int, N: int) -> dict:
    from ncbounds.solvers.min_norm import min_norm_separation

    y = _labels(K, N)
    t0 = time.perf_counter()
    sol = min_norm_separation(y, method="convex", solver="cvxpy", formulation="per_column",
                              cvxpy_solver="CLARABEL", check=False)
    return {"seconds": time.perf_counter() - t0, "value": sol.objective,
            "rel_error": sol.relative_error, "cert_gap": sol.relative_gap, "status": sol.status}


def _ours(K: int, N: int, solver: str, repeats: int) -> dict:
    from ncbounds.solvers.min_norm import min_norm_separation

    y = _labels(K, N)
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        sol = min_norm_separation(y, method="convex", solver=solver, seed=SEED)
        sec = time.perf_counter() - t0
        if best is None or sec < best[0]:
            best = (sec, sol)
    sec, sol = best
    return {"seconds": sec, "value": sol.objective, "rel_error": sol.relative_error,
            "cert_gap": sol.relative_gap, "status": sol.status,
            "own_gap": sol.solver_relative_gap, "iterations": sol.iterations}


def _best(fn, repeats: int) -> dict:
    out = None
    for _ in range(repeats):
        r = fn()
        if out is None or r["seconds"] < out["seconds"]:
            out = r
    return out


def _naive_subprocess(K: int, N: int, solver: str, cap: float) -> dict:
    cmd = [sys.executable, __file__, "--worker", str(K), str(N), solver]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return {"seconds": math.inf, "status": f"timeout (> {cap:.0f} s)"}
    if res.returncode != 0:
        tail = (res.stderr or "").strip().splitlines()[-1:] or ["?"]
        return {"seconds": math.nan, "status": f"failed: {tail[0][:80]}"}
    return json.loads(res.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> list[dict]:
    """Run the benchmark and return one dict per row (see the module docstring).

    ``quick=True``: K = 10, N = 100 (naive SCS and ours) and ours at N = 1000 only.
    """
    rows: list[dict] = []

    def add(K, N, name, r):
        rows.append({"K": K, "N": N, "method": name, **r})

    sizes = [(10, 100)] if quick else [(10, 100), (10, 500)]
    for K, N in sizes:
        ours = _ours(K, N, "admm", repeats=3)
        add(K, N, "ours convex/admm", ours)
        if not quick:
            add(K, N, "ours convex/clarabel (direct per-column)", _ours(K, N, "clarabel", repeats=1))
        add(K, N, "naive cvxpy normNuc + SCS",
            _best(lambda: _naive(K, N, "SCS"), 3 if N <= 100 else 1))
        if quick:
            add(K, N, "naive cvxpy normNuc + Clarabel", {"seconds": math.nan, "status": "skipped (quick)"})
        elif N <= 100:
            add(K, N, "naive cvxpy normNuc + Clarabel", _naive_subprocess(K, N, "CLARABEL", CLARABEL_CAP))
        else:
            add(K, N, "naive cvxpy normNuc + Clarabel",
                {"seconds": math.nan, "status": "skipped (memory: ~136 GB PSD cone)"})
        if not quick:
            add(K, N, "cvxpy per-column matrix_frac + Clarabel", _per_column(K, N))
    big = [(10, 1000)] if quick else [(10, 1000), (100, 10_000)]
    for K, N in big:
        add(K, N, "ours convex/admm", _ours(K, N, "admm", repeats=2 if N <= 1000 else 1))
        if not quick and K * N <= 10_000:
            add(K, N, "ours convex/clarabel (direct per-column)", _ours(K, N, "clarabel", repeats=1))
    # ratios against ours-admm on the same instance
    base = {(r["K"], r["N"]): r["seconds"] for r in rows if r["method"] == "ours convex/admm"}
    for r in rows:
        b = base.get((r["K"], r["N"]))
        s = r.get("seconds", math.nan)
        r["ratio_vs_ours"] = s / b if b and np.isfinite(s) else (math.inf if s == math.inf else math.nan)
    return rows


def _fmt(v, spec):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    return format(v, spec)


def print_table(rows: list[dict]) -> None:
    hdr = f"{'K':>4} {'N':>6}  {'method':<42} {'seconds':>9} {'ratio':>9} {'value':>16} {'rel.err':>9} {'cert.gap':>9}  status"
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(f"{r['K']:>4} {r['N']:>6}  {r['method']:<42} {_fmt(r.get('seconds'), '9.3f')} "
              f"{_fmt(r.get('ratio_vs_ours'), '9.1f')} {_fmt(r.get('value'), '16.10f')} "
              f"{_fmt(r.get('rel_error'), '9.1e')} {_fmt(r.get('cert_gap'), '9.1e')}  {r.get('status', '')}")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        K_, N_, solver_ = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        print(json.dumps(_naive(K_, N_, solver_)))
        sys.exit(0)
    print_table(run(quick="--quick" in sys.argv))
