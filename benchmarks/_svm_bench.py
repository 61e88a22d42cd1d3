"""Benchmark of the hard-margin multi-class SVM (issue 3): ncbounds vs scikit-learn vs plain cvxpy.

    python benchmarks/_svm_bench.py            # full: (1000, 64, 10), (5000, 128, 10), (100000, 64, 10)
    python benchmarks/_svm_bench.py --quick    # (1000, 64, 10) without cvxpy, (20000, 64, 10)

Data (seeded): K class means at ``SEP`` times a random orthonormal frame in R^d, plus N(0, I_d)
noise, labels sorted. ``SEP`` is chosen per size so that the data are linearly separable (checked:
the solver raises NotSeparableError otherwise) but not trivially: the nearest-class-mean rule
misclassifies some samples and hundreds of constraints are active at the optimum (both reported).

Compared, per size:

* ``ncbounds``: :func:`ncbounds.solvers.multiclass_svm` (block Lawson–Hanson active set), best of 3.
* ``sklearn``: ``LinearSVC(multi_class="crammer_singer", C=1e4, fit_intercept=False)`` with its
  default tolerance (1e-4), best of 3; and ``sklearn tol=1e-8`` (``max_iter=1e5``), whose accuracy is
  closer to ours. It is soft-margin: its W is rescaled to unit min margin before the objective is
  reported, and its gap is measured against ncbounds' dual point (a valid lower bound);
  ``min_margin`` is its margin before rescaling.
* ``cvxpy``: :func:`ncbounds.solvers.multiclass_svm_cvxpy` with Clarabel, once, in a child process
  that is stopped after ``CVXPY_TIMEOUT`` seconds (reported as skipped).

Columns: seconds (best of the repeats), ratio = seconds / ncbounds' seconds, objective
(0.5||W||^2 at unit min margin), min_margin of the returned W as returned, rel_gap (relative
duality gap). Timings are wall-clock on a shared 2-core machine (other jobs may be running), hence
best of 3; compare ratios within one run only. Nothing here is asserted by the tests.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import time
import warnings

import numpy as np

SIZES_FULL = [  # (N, d, K, SEP, compare)
    (1000, 64, 10, 4.0, True),
    (5000, 128, 10, 4.0, True),
    (100000, 64, 10, 5.0, False),
]
SIZES_QUICK = [
    (1000, 64, 10, 4.0, "no-cvxpy"),
    (20000, 64, 10, 5.0, False),
]
SEED = 0
REPEATS = 3
CVXPY_TIMEOUT = 120.0


def clusters(N: int, d: int, K: int, sep: float, seed: int = SEED):
    """Separable-but-not-trivial Gaussian clusters: means at ``sep`` x a random orthonormal frame."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, K)))
    y = np.sort(np.r_[np.arange(K), rng.integers(0, K, size=N - K)])
    H = sep * Q.T[y] + rng.normal(size=(N, d))
    return H, y


def _margins(W, H, y):
    Z = H @ W.T
    Q = Z[np.arange(len(y)), y][:, None] - Z
    Q[np.arange(len(y)), y] = np.inf
    return Q


def _ncc_error(H, y, K):
    mu = np.stack([H[y == k].mean(axis=0) for k in range(K)])
    d2 = (H * H).sum(1)[:, None] - 2 * H @ mu.T + (mu * mu).sum(1)[None, :]
    return float(np.mean(np.argmin(d2, axis=1) != y))


def _best_of(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _sklearn(H, y, tol=None):
    from sklearn.svm import LinearSVC

    kw = {} if tol is None else dict(tol=tol, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its accuracy is what the min_margin / rel_gap columns show
        m = LinearSVC(multi_class="crammer_singer", C=1e4, fit_intercept=False, **kw).fit(H, y)
    return m.coef_


def _cvxpy_child(H, y, q):
    from ncbounds.solvers import multiclass_svm_cvxpy

    t = time.perf_counter()
    try:
        s = multiclass_svm_cvxpy(H, y, solver="CLARABEL", check=False)
        q.put(dict(seconds=time.perf_counter() - t, objective=s.objective, min_margin=s.min_margin,
                   rel_gap=s.relative_gap, certified=s.certificate.passed))
    except Exception as exc:  # reported, not raised: a benchmark row
        q.put(dict(error=f"{type(exc).__name__}: {exc}"[:200]))


def _cvxpy_with_timeout(H, y, timeout):
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    q = ctx.Queue()
    p = ctx.Process(target=_cvxpy_child, args=(H, y, q), daemon=True)
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()  # our own child process, by handle
        p.join(5)
        return None
    return q.get() if not q.empty() else dict(error=f"child exited with code {p.exitcode}")


def run(quick: bool = False) -> list[dict]:
    """Run the benchmark; one dict per (size, method)."""
    from ncbounds.solvers import multiclass_svm
    from ncbounds.solvers.svm import certify_svm

    rows: list[dict] = []
    for N, d, K, sep, compare in (SIZES_QUICK if quick else SIZES_FULL):
        H, y = clusters(N, d, K, sep)
        size = f"({N}, {d}, {K})"
        t_ours, sol = _best_of(lambda: multiclass_svm(H, y), REPEATS)
        n_active = int(np.sum(sol.dual > 0))
        rows.append(dict(size=size, method="ncbounds", seconds=t_ours, ratio=1.0, objective=sol.objective,
                         min_margin=sol.min_margin, rel_gap=sol.relative_gap,
                         note=f"sep={sep}, NCC error {_ncc_error(H, y, K):.3%}, {n_active} active "
                              f"constraints, {sol.iterations} blocks, certified={sol.certificate.passed}"))
        if not compare:
            continue
        for tol, label, note in [
                (None, "sklearn", "LinearSVC crammer_singer C=1e4, default tol 1e-4; rescaled"),
                (1e-8, "sklearn tol=1e-8", "same with tol=1e-8, max_iter=1e5 (accuracy closer to ours)")]:
            t_sk, W = _best_of(lambda: _sklearn(H, y, tol), REPEATS)
            mm = float(_margins(W, H, y).min())
            Ws = W / mm
            cert = certify_svm(Ws, H, y, dual=sol.dual, rescale=False)  # our dual: a lower bound
            rows.append(dict(size=size, method=label, seconds=t_sk, ratio=t_sk / t_ours,
                             objective=0.5 * float(np.sum(Ws * Ws)), min_margin=mm,
                             rel_gap=cert.relative_gap, note=note))
        if compare == "no-cvxpy":
            continue
        res = _cvxpy_with_timeout(H, y, CVXPY_TIMEOUT)
        if res is None:
            rows.append(dict(size=size, method="cvxpy", seconds=float("nan"), ratio=float("nan"),
                             objective=float("nan"), min_margin=float("nan"), rel_gap=float("nan"),
                             note=f"skipped: Clarabel did not finish within {CVXPY_TIMEOUT:.0f} s"))
        elif "error" in res:
            rows.append(dict(size=size, method="cvxpy", seconds=float("nan"), ratio=float("nan"),
                             objective=float("nan"), min_margin=float("nan"), rel_gap=float("nan"),
                             note=res["error"]))
        else:
            rows.append(dict(size=size, method="cvxpy", seconds=res["seconds"],
                             ratio=res["seconds"] / t_ours, objective=res["objective"],
                             min_margin=res["min_margin"], rel_gap=res["rel_gap"],
                             note=f"Clarabel via cvxpy, once (incl. canonicalisation); "
                                  f"certified={res['certified']}"))
    return rows


def _print(rows: list[dict]) -> None:
    cols = ["size", "method", "seconds", "ratio", "objective", "min_margin", "rel_gap", "note"]
    fmt = {"seconds": "{:.3f}", "ratio": "{:.2f}", "objective": "{:.10g}", "min_margin": "{:.12f}",
           "rel_gap": "{:.2e}"}
    cells = [[(fmt[c].format(r[c]) if c in fmt and r[c] == r[c] else ("-" if c in fmt else str(r[c])))
              for c in cols] for r in rows]
    widths = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    for x in cells:
        print("  ".join(v.ljust(w) for v, w in zip(x, widths)))


if __name__ == "__main__":
    _print(run(quick="--quick" in sys.argv[1:]))
