"""T6 — Jacot, Súkeník, Wang, Mondelli 2024: Theorem 3.1/B.1 bounds against trained deep-linear-head networks.

Protocol: jacot2024.md §6.2 (T6a claim 18, T6b claim 19, T6c claims 5–13, 16, 17). The paper has no
tables (its numbers live in figures, MNIST/CIFAR-10, no code); every number here is a CPU-scale
regeneration on the reference setting R0 and is compared with the spec's reference values.

Setting R0 (``ncbounds.nets.r0_data``, data seed 0): K = 3, n = 10, d = 10, class means 3·N(0, I),
noise N(0, I), columns of X scaled to unit norm; widths [10, 64, 32, 16, 16, 3] (L1 = 2, L2 = 3);
the reference smooth leaky σ (γ = 0.1); LeCun init seed 1; full-batch GD
(``ncbounds.nets.train_deep_head``), η = 0.01, record grid every 1000 steps.

Table ``T6a`` (NC1 against weight decay, claim 18): λ ∈ {0.04, 0.02, 0.01}, c/(ηλ) steps, c = 12
(full: 3e4 / 6e4 / 1.2e5 steps) or c = 2 (quick: 5e3 / 1e4 / 2e4). Columns ε1 = ‖Z_L − Y‖_F,
ε2 = max‖D_ℓ‖_op, r (H3), NC1(Z_{L−1}), bound (18) (``jacot_theorem31`` at the measured ε1, ε2, r)
and bound (28) of Theorem B.2 (the same row with ε1_B2 = ε1/√2, i.e. ‖Z_L − Y‖ ≤ √2ε1_B2 as in (30),
and r from (29): r = max{ε1_B2√(2/λ), (ε1_B2√(2/λ))^{L−2}‖X‖_op, (ε1_B2√(2/λ))^{L−1}‖X‖_op}).
Table ``T6b`` (head depth, claim 19): λ = 0.02, η = 0.01, widths [10, 64, 32] + [16]·(L2 − 1) + [3];
full: L2 ∈ {2, 3, 4, 6}, init seeds {1, 2}, 6e4 steps (+ seed-mean rows); quick: L2 ∈ {2, 4}, seed 1,
2e4 steps. The (L2 = 3, seed 1) run is the T6a λ = 0.02 run when the step counts agree (full mode).
Table ``T6b-bounds``: (19) (both exponents, both s modes), (20), (21) (c_N = √K printed, √N
corrected) on every T6b network: measured left side, right side, ratio, hypotheses, verdict.
Table ``T6c`` (bound against measured on R0, λ = 0.01): full: 1e5 steps (the 1e5 checkpoint of the
T6a λ = 0.01 run, same trajectory); quick: 2e4 steps. Rows (22), (23), (18), Lemma C.2, (19)×4,
(20), (21)×2, the JACOT-E1 proof step (√K printed, √N corrected), Proposition 5.1 (14), the NTK bound
(17) with K² (asserted form) and K (reported form), and the phase-2 balancedness decay
‖D_ℓ^{k+Δ}‖/‖D_ℓ^k‖ against (1 − ηλ)^{2Δ}, Δ = 1e4, for windows with loss monotone and ‖D‖ > 1e-4.
Table ``T6-balancedness``: ‖D_ℓ‖_op of both linear pairs, C_λ and ε1 on the 1000-step grid of the R0
run, with the line ‖D‖_max(1e4)·(1 − ηλ)^{2(k − 1e4)}.
Plot: NC2(Z_{L−1}), κ(W_L), κ(W_{L:L1+1})^{1/L2} and head-input NC2 against L2; ‖D_ℓ‖ against steps
(log scale) with the (1 − ηλ)^{2k} line.

Runtimes with OMP_NUM_THREADS=1 (CPU time; the shared 2-core machine was 3–5× oversubscribed, so wall times
were longer): quick 32 s CPU (≈ 9.5e4 GD steps; wall 83–206 s under that load); full 4 min 15 s CPU (≈ 6.3e5
GD steps: T6a 2.1e5, T6b 4.2e5 after re-using the L2 = 3 seed-1 run, 90 NTK backward passes; wall 19 min
under load). Quick and full outputs are identical run to run and with 1 or 2 BLAS threads.

‖Θ‖_op and the right side of (17) come from ``ncbounds.bounds.nc1.ntk_op`` / ``ntk_bound``; the r of
(29) is a one-line formula of Theorem B.2 computed here.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .common import Table

NAME = "T6"
TITLE = "Jacot et al. 2024: Theorem 3.1/B.1 bounds against trained deep-linear-head networks (R0)"

WIDTHS = (10, 64, 32, 16, 16, 3)
L1 = 2
ETA = 0.01
R0_LAMBDA = 0.01
DEPTH_LAMBDA = 0.02
PHASE2_DELTA = 10_000
PHASE2_FLOOR = 1e-4

SETTINGS = {
    "quick": {"data seed": 0, "init seed": 1, "eta": ETA, "record every": 1000,
              "T6a lambdas": [0.04, 0.02, 0.01], "T6a steps x eta*lambda": 2,
              "T6b L2": [2, 4], "T6b seeds": [1], "T6b steps": 20_000, "T6b lambda": DEPTH_LAMBDA,
              "T6c steps": 20_000, "T6c lambda": R0_LAMBDA, "phase-2 window": PHASE2_DELTA},
    "full": {"data seed": 0, "init seed": 1, "eta": ETA, "record every": 1000,
             "T6a lambdas": [0.04, 0.02, 0.01], "T6a steps x eta*lambda": 12,
             "T6b L2": [2, 3, 4, 6], "T6b seeds": [1, 2], "T6b steps": 60_000, "T6b lambda": DEPTH_LAMBDA,
             "T6c steps": 100_000, "T6c lambda": R0_LAMBDA, "phase-2 window": PHASE2_DELTA},
}

# spec reference values (jacot2024.md §4 claims 18, 19 and §6.2; R0 after 1e5 steps, depth runs after 6e4 steps)
SPEC_T6A = {0.04: (4.95e-3, 0.317), 0.02: (3.35e-3, 0.253), 0.01: (1.67e-3, 0.175)}
SPEC_T6B_NC2 = {(2, 1): 1.38, (2, 2): 1.53, (3, 1): 1.37, (3, 2): 1.36, (4, 1): 1.28, (4, 2): 1.28,
                (6, 1): 1.18, (6, 2): 1.18}
SPEC_T6C = {
    "eq23": "0.161 <= 0.187", "nc1": "1.65e-3 <= 2.04e-2", "lc2": "1.8e-7 <= 3.0e-5",
    "kappa[e=1/(2L2),s=direct]": "1.26787 <= 1.26789", "nc2": "1.268 <= 1.786",
    "nc3[sqrt(K) printed]": "0.984 >= 0.493", "nc3[sqrt(N) corrected]": "0.984 >= 0.352",
    "e1_step[sqrt(K) printed]": "1.87 > 0.83 (fails)", "e1_step[sqrt(N) corrected]": "1.87 <= 2.62",
    "p51": "2.04 <= 7.0e3", "ntk[K^2]": "95.4 >= 5.11", "ntk[K]": "95.4 vs 15.3 (reported)",
    "phase2": "0.135 vs 0.1353 (0.421 -> 0.057 -> 0.0077)",
}

_TRAINED = (1e-6, 1e-12)     # quantities of a network after 1e4+ GD steps: round-off / BLAS-thread differences
_EXACT = (0, 0)              # strings and booleans


def _cfg(quick: bool) -> dict:
    return SETTINGS["quick" if quick else "full"]


def _train(widths, lam, steps, seed, *, checkpoint_at=(), record_every=1000):
    from ncbounds import nets

    X, Y, _ = nets.r0_data(seed=0)
    return nets.train_deep_head(X, Y, widths=widths, L1=L1, lam=lam, eta=ETA, steps=steps, seed=seed,
                                record_every=record_every, checkpoint_at=checkpoint_at)


def _failed(hyp: dict) -> str:
    return "; ".join(k for k, v in hyp.items() if not v)


def _ineq_row(r, **extra) -> dict:
    """The common columns of one :class:`ncbounds.bounds.nc1.Inequality`."""
    return {**extra, "bound": r.name, "id": r.id, "lhs": float(r.lhs), "relation": r.relation, "rhs": float(r.rhs),
            "ratio": float(r.ratio), "hypotheses hold": bool(all(r.hypotheses.values())),
            "failed hypotheses": _failed(r.hypotheses), "verdict": r.verdict}


# ------------------------------------------------------------------------------------------------ helpers (thin)
def _r29(eps1_B2: float, lam: float, X_op: float, L: int) -> float:
    """Theorem B.2 (29): r = max{ε1√(2/λ), (ε1√(2/λ))^{L−2}‖X‖_op, (ε1√(2/λ))^{L−1}‖X‖_op}."""
    t = eps1_B2 * math.sqrt(2.0 / lam)
    return max(t, t ** (L - 2) * X_op, t ** (L - 1) * X_op)


def _head_input_nc2(run) -> float:
    """κ of the uncentred class means of Z_{L1} (the head input), as claim 19 measures it."""
    from ncbounds.bounds.nc1 import kappa

    Z = run.forward()[L1]
    K = run.Y.shape[0]
    return kappa(np.stack([Z[:, run.y == c].mean(axis=1) for c in range(K)], axis=1), K)


# ------------------------------------------------------------------------------------------------ tables
def _t6a(runs: dict, quick: bool) -> Table:
    from ncbounds.bounds.nc1 import jacot_from_run

    rows = []
    for lam in _cfg(quick)["T6a lambdas"]:
        run = runs[lam]
        b = jacot_from_run(run)
        m = b.measured
        eps1_B2 = m.eps1 / math.sqrt(2.0)
        r29 = _r29(eps1_B2, lam, m.X_op, len(run.Ws))
        b28 = jacot_from_run(run, eps1=math.sqrt(2.0) * eps1_B2, r=r29)
        r18, r28 = b.rows["nc1"], b28.rows["nc1"]
        spec_nc1, spec_e1 = SPEC_T6A[lam]
        rows.append({
            "lambda": lam, "steps": run.steps, "eps1": m.eps1, "eps2": m.eps2, "r": m.r, "NC1": m.nc1,
            "NC1/lambda": m.nc1 / lam,
            "bound (18)": r18.rhs, "ratio (18)": r18.ratio, "hypotheses (18)": bool(all(r18.hypotheses.values())),
            "verdict (18)": r18.verdict,
            "r (29)": r29, "bound (28)": r28.rhs, "ratio (28)": r28.ratio,
            "hypotheses (28)": bool(all(r28.hypotheses.values())), "verdict (28)": r28.verdict,
            "loss monotone": bool(np.all(np.diff(run.records["loss"]) <= 0)),
            "spec NC1": spec_nc1, "spec eps1": spec_e1,
        })
    nc = [r["NC1"] for r in rows]
    ratios = [r["NC1/lambda"] for r in rows]
    dec = all(a > b for a, b in zip(nc, nc[1:]))
    tol = dict.fromkeys(("eps1", "eps2", "r", "NC1", "NC1/lambda", "bound (18)", "ratio (18)", "r (29)", "bound (28)",
                         "ratio (28)"), _TRAINED)
    tol.update(dict.fromkeys(("steps", "hypotheses (18)", "verdict (18)", "hypotheses (28)", "verdict (28)",
                              "loss monotone"), _EXACT))
    return Table(
        name="T6a", title="NC1(Z_{L-1}) against weight decay on R0 (claim 18): measured against (18) and (28)",
        columns=("lambda", "steps", "eps1", "eps2", "r", "NC1", "NC1/lambda", "bound (18)", "ratio (18)",
                 "hypotheses (18)", "verdict (18)", "r (29)", "bound (28)", "ratio (28)", "hypotheses (28)",
                 "verdict (28)", "loss monotone", "spec NC1", "spec eps1"),
        rows=rows, key=("lambda",), tolerances=tol,
        formats={c: ".4g" for c in ("eps1", "eps2", "r", "NC1", "NC1/lambda", "bound (18)", "ratio (18)", "r (29)",
                                    "bound (28)", "ratio (28)", "spec NC1", "spec eps1")},
        notes=("Spec (12/(ηλ) steps): NC1 = 4.95e-3 / 3.35e-3 / 1.67e-3, ε1 = 0.317 / 0.253 / 0.175 for λ = 0.04 / "
               "0.02 / 0.01; NC1 decreasing as λ decreases, NC1/λ within a factor 2. Ours "
               f"({rows[0]['steps']}/{rows[1]['steps']}/{rows[2]['steps']} steps): NC1 = "
               + " / ".join(f"{v:.3g}" for v in nc) + ", ε1 = " + " / ".join(f"{r['eps1']:.3g}" for r in rows)
               + f"; decreasing: {'yes' if dec else 'no'}; max/min NC1/λ = {max(ratios) / min(ratios):.2f} (spec band 2: "
               + ("met" if max(ratios) <= 2 * min(ratios) else "not met") + "; the spec's own values spread 1.35 and come "
               "from another implementation, so values differ while the trend reproduces). "
               "(18) is Theorem 3.1 at the measured ε1, ε2, r; (28) is Theorem B.2's conclusion with ε1_B2 = ε1/√2 "
               "and r from (29), which is much larger than the measured r, so (28) is looser."
               + (" Quick mode runs only 2/(ηλ) steps: the spec values do not apply." if quick else "")),
    )


def _t6b(depth_runs: dict, quick: bool) -> tuple[Table, Table]:
    from ncbounds.bounds.nc1 import jacot_from_run

    cfg = _cfg(quick)
    rows, brows = [], []
    for L2 in cfg["T6b L2"]:
        per_seed = []
        for seed in cfg["T6b seeds"]:
            run = depth_runs[(L2, seed)]
            b = jacot_from_run(run)
            m = b.measured
            row = {"L2": L2, "seed": str(seed), "steps": run.steps, "eps1": m.eps1, "eps2": m.eps2, "r": m.r,
                   "NC1": m.nc1, "NC2(Z_{L-1})": m.nc2, "kappa(W_L)": m.kappa_WL,
                   "kappa(P)^(1/L2)": m.kappa_P ** (1.0 / L2), "head-input NC2": _head_input_nc2(run), "NC3": m.nc3,
                   "spec NC2": SPEC_T6B_NC2.get((L2, seed))}
            rows.append(row)
            per_seed.append(row)
            for name in ("kappa[e=1/(2L2),s=direct]", "kappa[e=1/L2,s=direct]", "kappa[e=1/(2L2),s=printed]",
                         "kappa[e=1/L2,s=printed]", "nc2", "nc3[sqrt(K) printed]", "nc3[sqrt(N) corrected]"):
                brows.append(_ineq_row(b.rows[name], L2=L2, seed=seed))
        if len(per_seed) > 1:
            mean = {"L2": L2, "seed": "mean", "steps": per_seed[0]["steps"], "spec NC2": None}
            for c in ("eps1", "eps2", "r", "NC1", "NC2(Z_{L-1})", "kappa(W_L)", "kappa(P)^(1/L2)", "head-input NC2",
                      "NC3"):
                mean[c] = float(np.mean([r[c] for r in per_seed]))
            rows.append(mean)
    means = [r for r in rows if r["seed"] == "mean"] or rows
    dec = lambda v: all(a > b for a, b in zip(v, v[1:]))  # noqa: E731
    nc2 = [r["NC2(Z_{L-1})"] for r in means]
    kap = [r["kappa(W_L)"] for r in means]
    hin = [r["head-input NC2"] for r in means]
    nc3 = [r["NC3"] for r in means]
    kdev = max(abs(r["kappa(W_L)"] - r["kappa(P)^(1/L2)"]) / r["kappa(W_L)"] for r in rows
               if r["seed"] != "mean" and r["L2"] <= 4)
    cols = ("L2", "seed", "steps", "eps1", "eps2", "r", "NC1", "NC2(Z_{L-1})", "kappa(W_L)", "kappa(P)^(1/L2)",
            "head-input NC2", "NC3", "spec NC2")
    tol = dict.fromkeys(cols[3:-1], _TRAINED)
    tol["steps"] = _EXACT
    t6b = Table(
        name="T6b", title="Head depth on R0 (claim 19): NC2, κ(W_L), κ(W_{L:L1+1})^{1/L2}, head-input NC2, NC1, NC3",
        columns=cols, rows=rows, key=("L2", "seed"), tolerances=tol,
        formats={c: ".4g" for c in cols[3:]},
        notes=("Spec (6e4 steps, seeds 1/2): NC2(Z_{L−1}) = 1.38/1.53, 1.37/1.36, 1.28/1.28, 1.18/1.18 for L2 = 2, 3, 4, 6; "
               "head-input NC2 1.56–2.30 rising with L2; NC1 ≈ 0.003; NC3 0.966 → 0.994; NC2 and κ(W_L) decreasing in L2, "
               "κ(W_L) = κ(P)^{1/L2} to 4 digits for L2 ≤ 4. Ours"
               + (" (seed means)" if len(cfg["T6b seeds"]) > 1 else "") + f", L2 = {list(cfg['T6b L2'])}: NC2 = "
               + " / ".join(f"{v:.3g}" for v in nc2) + " (decreasing: " + ("yes" if dec(nc2) else "no")
               + "); κ(W_L) = " + " / ".join(f"{v:.4g}" for v in kap) + " (decreasing: " + ("yes" if dec(kap) else "no")
               + f"); max rel. |κ(W_L) − κ(P)^(1/L2)| (L2 ≤ 4) = {kdev:.1e}; head-input NC2 = "
               + " / ".join(f"{v:.3g}" for v in hin) + "; NC3 = " + " / ".join(f"{v:.3g}" for v in nc3)
               + "; NC1 = " + " / ".join(f"{r['NC1']:.2g}" for r in means) + ". Trends reproduce; the spec's values "
               "(another implementation) are larger in NC2 by 0.1–0.3."
               + (" Quick mode: 2e4 steps, seed 1 only, so the spec values do not apply." if quick else "")),
    )
    bcols = ("L2", "seed", "bound", "id", "lhs", "relation", "rhs", "ratio", "hypotheses hold", "failed hypotheses",
             "verdict")
    btol = dict.fromkeys(("lhs", "rhs", "ratio"), _TRAINED)
    btol.update(dict.fromkeys(("hypotheses hold", "failed hypotheses", "verdict"), _EXACT))
    nv = {v: sum(r["verdict"] == v for r in brows) for v in ("PASS", "FAIL", "N/A")}
    t6bb = Table(
        name="T6b-bounds", title="Theorem 3.1 (19)–(21) on the T6b networks: measured against bound",
        columns=bcols, rows=brows, key=("L2", "seed", "bound"), tolerances=btol,
        formats={"lhs": ".6g", "rhs": ".6g", "ratio": ".4g"},
        notes=("Spec: (19)–(21) hold wherever their hypotheses do (claims 9–11); κ rows are N/A when s² ≤ δ (not-tiny ε2) "
               "and the printed s mode also needs ‖Z_{L1}‖_op ≤ ‖X‖_op r^{L1}. Ours: "
               f"{nv['PASS']} PASS, {nv['FAIL']} FAIL, {nv['N/A']} N/A over {len(brows)} rows."),
    )
    return t6b, t6bb


def _phase2_rows(run, upto: int) -> list[dict]:
    rec = run.records
    steps, D, loss = rec["step"], rec["D"], rec["loss"]
    sel = steps <= upto
    monotone = bool(np.all(np.diff(loss[sel]) <= 0))
    target = (1 - run.eta * run.lam) ** (2 * PHASE2_DELTA)
    out = []
    for k in range(PHASE2_DELTA, upto - PHASE2_DELTA + 1, PHASE2_DELTA):
        i, j = int(np.searchsorted(steps, k)), int(np.searchsorted(steps, k + PHASE2_DELTA))
        for p in range(D.shape[1]):
            above = bool(D[j, p] > PHASE2_FLOOR)
            if not above:
                continue
            ratio = float(D[j, p] / D[i, p])
            dev = abs(ratio - target) / target
            ok = monotone and above
            out.append({"bound": f"phase2[pair {L1 + 1 + p}, {k}->{k + PHASE2_DELTA}]", "id": "JACOT-F3 / JACOT-T4.4",
                        "lhs": ratio, "relation": "~= (20%)", "rhs": target, "ratio": ratio / target,
                        "hypotheses hold": ok,
                        "failed hypotheses": "; ".join(n for n, v in (("loss monotone", monotone),
                                                                      ("||D|| above floor", above)) if not v),
                        "verdict": ("PASS" if dev <= 0.2 else "FAIL") if ok else "N/A", "spec": SPEC_T6C["phase2"]})
    return out


def _t6c(run, step: int, quick: bool) -> Table:
    from ncbounds.bounds.nc1 import jacot_from_run, ntk_bound, ntk_op

    b = jacot_from_run(run, step=step)
    m = b.measured
    Ws = [np.array(W) for W in next(c["Ws"] for c in run.checkpoints if c["step"] == step)]
    rows = []
    for name, r in b.rows.items():
        rows.append({**_ineq_row(r), "spec": SPEC_T6C.get(name, "")})
    op = ntk_op(Ws, run.X, L1)
    for power, label in ((2, "ntk[K^2]"), (1, "ntk[K]")):
        val = ntk_bound(Ws, run.X, run.Y, L1, power=power)["bound"]
        hyp = {"eps1<s_K(Y)": m.eps1 < m.sK_Y, "||W_l|| <= r (r = max linear ||W_l||)": True}
        holds = bool(op >= val) if np.isfinite(val) else None
        verdict = "N/A" if not all(hyp.values()) or holds is None else ("PASS" if holds else "FAIL")
        if power == 1 and verdict != "N/A":
            verdict = "REPORT " + verdict  # the K form is PARAM (JACOT-E10): reported, not asserted
        rows.append({"bound": label, "id": "JACOT-P5.3-NTK", "lhs": op, "relation": ">=", "rhs": val,
                     "ratio": op / val if np.isfinite(val) and val else float("nan"),
                     "hypotheses hold": bool(all(hyp.values())), "failed hypotheses": _failed(hyp), "verdict": verdict,
                     "spec": SPEC_T6C[label]})
    rows += _phase2_rows(run, step)
    cols = ("bound", "id", "lhs", "relation", "rhs", "ratio", "hypotheses hold", "failed hypotheses", "verdict", "spec")
    tol = dict.fromkeys(("lhs", "rhs", "ratio"), _TRAINED)
    tol.update(dict.fromkeys(("hypotheses hold", "failed hypotheses", "verdict"), _EXACT))
    get = {r["bound"]: r for r in rows}

    def show(name, fmt=".3g"):
        r = get[name]
        return f"{r['lhs']:{fmt}} {r['relation']} {r['rhs']:{fmt}} ({r['verdict']})"

    ph = [r for r in rows if r["bound"].startswith("phase2")]
    nv = {v: sum(r["verdict"] == v for r in rows) for v in ("PASS", "FAIL", "N/A")}
    return Table(
        name="T6c", title=f"Bound against measured on R0 after {step} GD steps (λ = η = 0.01; claims 5–13, 16, 17)",
        columns=cols, rows=rows, key=("bound",), tolerances=tol,
        formats={"lhs": ".6g", "rhs": ".6g", "ratio": ".4g"},
        notes=("Spec (R0, 1e5 steps; column `spec`): (23) 0.161 ≤ 0.187; (18) 1.65e-3 ≤ 2.04e-2; Lemma C.2 1.8e-7 ≤ 3.0e-5; "
               "(19) 1.26787 ≤ 1.26789; (20) 1.268 ≤ 1.786; (21) 0.984 ≥ 0.493 / 0.352; E1 step 1.87 > 0.83 (printed √K "
               "fails), ≤ 2.62 (√N); (14) 2.04 ≤ 7.0e3; (17) 95.4 ≥ 5.11 (K form 15.3); phase-2 factor 0.135 against "
               f"0.1353 per 1e4 steps. Ours ({step} steps, ε1 = {m.eps1:.3g}, ε2 = {m.eps2:.3g}, r = {m.r:.3g}): "
               f"(23) {show('eq23')}; (18) {show('nc1')}; C.2 {show('lc2')}; (19) {show('kappa[e=1/(2L2),s=direct]', '.6g')}; "
               f"(20) {show('nc2')}; (21) {show('nc3[sqrt(K) printed]')} / {show('nc3[sqrt(N) corrected]')}; "
               f"E1 {show('e1_step[sqrt(K) printed]')} / {show('e1_step[sqrt(N) corrected]')}; (14) {show('p51')}; "
               f"(17) {show('ntk[K^2]')}, K form {get['ntk[K]']['rhs']:.3g}; phase-2 factors "
               + (", ".join(f"{r['lhs']:.4f}" for r in ph) if ph else "none above the floor")
               + f" against {(1 - ETA * R0_LAMBDA) ** (2 * PHASE2_DELTA):.4f}. Verdicts: {nv['PASS']} PASS, "
               f"{nv['FAIL']} FAIL (the printed E1 step is the expected erratum), {nv['N/A']} N/A."
               + (" Quick mode: 2e4 steps, so the κ rows may be N/A (s² ≤ δ) and the spec values do not apply."
                  if quick else "")),
    )


def _balancedness(run, upto: int) -> Table:
    rec = run.records
    steps = rec["step"]
    sel = steps <= upto
    k0 = PHASE2_DELTA
    i0 = int(np.searchsorted(steps, k0))
    anchor = float(rec["D"][i0].max())
    q = (1 - run.eta * run.lam) ** 2
    rows = []
    for i in np.flatnonzero(sel):
        k = int(steps[i])
        row = {"step": k, "loss": float(rec["loss"][i]), "eps1": float(rec["eps1"][i])}
        for p in range(rec["D"].shape[1]):
            row[f"||D_{L1 + 1 + p}||"] = float(rec["D"][i, p])
        row["(1-eta*lam)^(2k) line"] = anchor * q ** (k - k0)
        rows.append(row)
    dcols = tuple(f"||D_{L1 + 1 + p}||" for p in range(rec["D"].shape[1]))
    cols = ("step", "loss", "eps1") + dcols + ("(1-eta*lam)^(2k) line",)
    tol = dict.fromkeys(("loss", "eps1") + dcols, _TRAINED)
    tol["(1-eta*lam)^(2k) line"] = _TRAINED
    last = rows[-1]
    return Table(
        name="T6-balancedness", title="Balancedness ‖D_ℓ‖_op of the linear pairs along GD on R0 (λ = η = 0.01)",
        columns=cols, rows=rows, key=("step",), tolerances=tol, formats={c: ".4g" for c in cols[1:]},
        notes=("Spec (claim 17): once C_λ is monotone ‖D‖ decays as (1 − ηλ)^{2k} (0.421 → 0.057 → 0.0077 per 1e4 steps, "
               "~1e-8 reached after 1e5 steps) down to a floor O(η‖T‖²/λ). The line is anchored at max_ℓ‖D_ℓ‖ at step 1e4. "
               f"Ours at step {last['step']}: " + ", ".join(f"{c} = {last[c]:.3g}" for c in dcols) + "."),
    )


# ------------------------------------------------------------------------------------------------ build / plot
def build(*, quick: bool, progress=lambda msg: None) -> list[Table]:
    cfg = _cfg(quick)
    c = cfg["T6a steps x eta*lambda"]
    r0_steps = cfg["T6c steps"]
    lam_runs = {}
    for lam in cfg["T6a lambdas"]:
        steps = int(round(c / (ETA * lam)))
        progress(f"T6a: R0 λ = {lam}, {steps} steps")
        cps = [r0_steps] if lam == R0_LAMBDA else []
        if lam == R0_LAMBDA and steps < r0_steps:
            steps = r0_steps
        lam_runs[lam] = _train(WIDTHS, lam, steps, 1, checkpoint_at=cps)
    depth_runs = {}
    for L2 in cfg["T6b L2"]:
        widths = [10, 64, 32] + [16] * (L2 - 1) + [3]
        for seed in cfg["T6b seeds"]:
            reuse = lam_runs.get(DEPTH_LAMBDA)
            if (tuple(widths) == WIDTHS and seed == 1 and reuse is not None and reuse.steps == cfg["T6b steps"]):
                depth_runs[(L2, seed)] = reuse
                continue
            progress(f"T6b: L2 = {L2}, seed {seed}, {cfg['T6b steps']} steps")
            depth_runs[(L2, seed)] = _train(widths, DEPTH_LAMBDA, cfg["T6b steps"], seed, record_every=cfg["T6b steps"])
    progress("T6a table")
    t6a = _t6a(lam_runs, quick)
    progress("T6b tables")
    t6b, t6bb = _t6b(depth_runs, quick)
    progress(f"T6c: R0 after {r0_steps} steps (incl. NTK, {30 * 3} backward passes)")
    r0 = lam_runs[R0_LAMBDA]
    t6c = _t6c(r0, r0_steps, quick)
    bal = _balancedness(r0, r0_steps)
    return [t6a, t6b, t6bb, t6c, bal]


def plot(tables: dict[str, Table], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    rows = tables["T6b"].rows
    seeds = sorted({r["seed"] for r in rows})
    ax = axes[0]
    sel = [r for r in rows if r["seed"] == "mean"] or [r for r in rows if r["seed"] == seeds[0]]
    sel = sorted(sel, key=lambda r: r["L2"])
    L2s = [r["L2"] for r in sel]
    for col, mk in (("NC2(Z_{L-1})", "o-"), ("kappa(W_L)", "s-"), ("kappa(P)^(1/L2)", "x--"), ("head-input NC2", "^:")):
        ax.plot(L2s, [r[col] for r in sel], mk, label=col)
    for r in rows:
        if r["seed"] != "mean" and len(seeds) > 1:
            ax.plot(r["L2"], r["NC2(Z_{L-1})"], ".", color="grey", alpha=0.6)
    spec = [(r["L2"], r["spec NC2"]) for r in rows if r.get("spec NC2") is not None]
    if spec:
        ax.plot(*zip(*spec), "+", color="k", ms=9, label="spec NC2 (6e4 steps)")
    ax.set(xlabel="L2 (linear head depth)", ylabel="condition number", xticks=L2s,
           title="NC2 and κ(W_L) against head depth" + (" (seed mean)" if any(r["seed"] == "mean" for r in rows) else ""))
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)

    ax = axes[1]
    brow = tables["T6-balancedness"].rows
    st = [r["step"] for r in brow]
    dcols = [c for c in tables["T6-balancedness"].columns if c.startswith("||D_")]
    for c in dcols:
        ax.semilogy(st, [max(r[c], 1e-300) for r in brow], label=c.replace("||", "‖"))
    ax.semilogy(st, [r["(1-eta*lam)^(2k) line"] for r in brow], "k--", label="(1 − ηλ)^{2k} (anchored at 1e4)")
    ax.set(xlabel="GD step", ylabel="‖D_ℓ‖_op", title="balancedness of the linear pairs (R0, λ = η = 0.01)")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.suptitle("T6: Jacot et al. 2024 on R0")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
