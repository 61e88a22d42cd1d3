"""Gradient-dynamics benchmarks (issue 4): throughput of ``gd_ufm`` and steps-to-angle per schedule.

    python benchmarks/dynamics.py            # full: 2e4 timed steps, 1e5-step convergence runs (~1 min)
    python benchmarks/dynamics.py --quick    # 5e3 timed steps, 2e4-step convergence runs

1. Throughput at K = 10, n = 10 (N = 100), d = 64: ``gd_ufm`` (log-domain, preallocated buffers,
   one logits product per step) for the constant and the time-rescaled schedules, against a plain
   numpy loop of the same constant-step update (``softmax − onehot``, fresh temporaries each
   step). Records on a 3-point grid so recording does not count. Best of 3 (other processes share
   the cores); goal >= 5,000 steps/s.
2. Convergence to the SVM direction on fixed features: separable Gaussian clusters
   (``gaussian_mixture(5, 20, 10, separation=3, noise=1, seed=0)``, K = 5, n = 20, d = 10), W0 = 0;
   per schedule and step size, the first step with 1 − cos(W, Ŵ) <= 1e-3 and <= 1e-6 (on a
   2,000-point log grid, so within 0.5 %), Ŵ from ``solvers.multiclass_svm``. Goal for the fastest
   schedule: <= 1,000 steps to 1e-3 and <= 100,000 to 1e-6.

Timings are wall-clock on this machine; compare ratios within one run. Nothing here is asserted by
the tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _table import print_table  # noqa: E402
from ncbounds import dynamics as D  # noqa: E402
from ncbounds.data import gaussian_mixture, ulpm_init  # noqa: E402

K, N_PER, DIM = 10, 10, 64


def _plain_loop(W: np.ndarray, H: np.ndarray, y: np.ndarray, steps: int, lr: float) -> None:
    """The textbook update: softmax − onehot with temporaries (summed CE, constant step)."""
    Y = np.eye(W.shape[0])[y]
    for _ in range(steps):
        Z = H @ W.T
        Z -= Z.max(axis=1, keepdims=True)
        S = np.exp(Z)
        S /= S.sum(axis=1, keepdims=True)
        G = S - Y
        gW = G.T @ H
        gH = G @ W
        W -= lr * gW
        H -= lr * gH


def _best_of(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def throughput(steps: int) -> list[dict]:
    y = np.repeat(np.arange(K), N_PER)
    rows = []
    inst = ulpm_init(K, N_PER, DIM, s=0.5, seed=0)

    def plain():
        _plain_loop(inst.W.copy(), inst.H.copy(), y, steps, 1e-2)

    t_plain = _best_of(plain)
    rows.append({"implementation": "plain numpy loop (constant)", "K": K, "N": K * N_PER, "d": DIM,
                 "steps": steps, "seconds": t_plain, "steps/s": steps / t_plain, "vs plain": 1.0})
    for sched, lr in (("constant", 1e-2), ("rescaled", 0.2), ("normalized", 1e-3)):
        def run(sched=sched, lr=lr):
            D.gd_ufm(y, DIM, steps=steps, lr=lr, schedule=sched, seed=0, n_records=3, nc=False,
                     reference=False)

        t = _best_of(run)
        rows.append({"implementation": f"gd_ufm ({sched})", "K": K, "N": K * N_PER, "d": DIM,
                     "steps": steps, "seconds": t, "steps/s": steps / t, "vs plain": t_plain / t})
    return rows


SCHEDULES = (("constant", "auto"), ("normalized", "auto"), ("normalized", 1.0),
             ("grad_normalized", 1.0), ("grad_normalized", 10.0))


def convergence(steps: int) -> list[dict]:
    from ncbounds.solvers import multiclass_svm

    inst = gaussian_mixture(5, 20, 10, separation=3.0, noise=1.0, seed=0)
    H, y = inst.H, inst.y
    sol = multiclass_svm(H, y)
    rows = []
    for sched, lr in SCHEDULES:
        t0 = time.perf_counter()
        tr = D.gd_fixed_features(H, y, steps=steps, lr=lr, schedule=sched, svm=sol, n_records=2000)
        sec = time.perf_counter() - t0
        rows.append({"schedule": sched, "lr": f"{tr.lr:.4g}" + (" (1/||H||²)" if lr == "auto" else ""),
                     "steps": steps, "to 1e-3": tr.first_step_below("angle", 1e-3) or f"> {steps}",
                     "to 1e-6": tr.first_step_below("angle", 1e-6) or f"> {steps}",
                     "final 1-cos": tr.final("angle"), "final log L": tr.final("log_loss"),
                     "seconds": sec})
    return rows


def run(quick: bool = False) -> list[dict]:
    """All benchmark rows (``"bench"`` says which table a row belongs to)."""
    rows = [{"bench": "throughput", **r} for r in throughput(5000 if quick else 20_000)]
    rows += [{"bench": "convergence", **r} for r in convergence(20_000 if quick else 100_000)]
    return rows


def _table(title: str, rows: list[dict]) -> None:
    print_table(title, rows, skip=("bench",), digits=4)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    rows = run(quick=args.quick)
    _table(f"gd_ufm throughput, K={K}, N={K * N_PER}, d={DIM} (best of 3)",
           [r for r in rows if r["bench"] == "throughput"])
    _table("fixed features, Gaussian clusters K=5 n=20 d=10: steps to 1 − cos(W, Ŵ) <= tol",
           [r for r in rows if r["bench"] == "convergence"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
