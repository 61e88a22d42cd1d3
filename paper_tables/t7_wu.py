"""T7 — Wu & Mondelli 2025: NC1 in the mean-field regime, Theorem 4.2 / Corollary 4.4 against trained networks.

Protocol: wu2025.md §6.2 (T7a: claims 7, 13, 19; T7b: the digits analogue of Figures 1–2). The paper
has no tables: Figures 1–2 (MNIST / CIFAR-100 features) carry only the final NB values in the text
(setting (a) 0.8093, 0.7149, 0.5895, 0.8531; setting (b) 0.5386, 0.2779, 0.4141, 0.5257).

Model: the finite-particle mean-field network of ``ncbounds.nets`` (A (N × p), U (N × d), W (p × q),
predictor γWᵀH, H = AᵀS/N, S = σ(UX)); drifts ``mean_field_drifts``; bounds
``ncbounds.bounds.nc1.wu_from_run`` (printed (7), (10), WU-F3, Corollary 4.4 printed / γ-restored,
WU-F4 sharp). ε_a² = mean_j‖g_{a,j}‖² is the drift-only stationarity (WU-E7).

Table ``T7a`` (synthetic reference rows; full-batch GD ``ncbounds.nets.train_mean_field``):
  claim 7: S0 data (q = 3, m = 10, d = 8, data seed 0), N = 300, p = 16, γ = 1, tanh,
    λ_ρ = λ_W = 1e-4, β⁻¹ = 0, η = 1, init seed 0, (a) W trained / (b) W frozen; full 15000 steps,
    quick 5000 steps.
  claim 13 (full only): S0 (q = 3, m = 10, d = 5, data seed 0), N = 300, p = 6, γ = 2, η = 0.2, noisy GD
    30000 steps, λ_ρ = λ_W = β⁻¹ ∈ {0.1, 0.01, 0.001}, init/noise seed 0, time averages every 50 steps
    from step 24000.
  claim 19 (full only): separable caps — class k uniform in the ball of radius 0.3 around 0.8e_k
    (d = 6, q = 3), X scaled by 1/1.1; m ∈ {5, 20, 80} with data seed 190 + m (train, then 2000 test
    points per class from the same generator); sigmoid, γ = 1, N = 300, p = 6,
    λ_ρ = λ_W = β⁻¹ = 1e-3, η = 1, 6000 noisy steps, init/noise seed m. The caps generator is the one of
    ``ncbounds.nets.caps_data``.
Table ``T7b-curves`` / ``T7b-final`` (digits, minibatch SGD): ``ncbounds.data.load_digits_features``
  (pixels/16, stratified split seed 0, 1000 train / 797 test), labels mod 3 (q = 3; classes are
  402/302/296 in training, so the balanced-class hypothesis of Corollary 4.4 fails and those rows are
  N/A), X divided by the largest training norm (max‖x_i‖ = 1); N = 8d = 512, p = 16, γ = 1, tanh,
  λ_ρ = λ_W = 1e-4, batch 64 (reshuffled every epoch); setting (a) β⁻¹ = 0, W frozen at W₀;
  setting (b) β⁻¹ = 1e-4, W trained; init/shuffle/noise seeds 0–3 (one stream each, as
  ``train_mean_field``). Step size: η = 0.5 for the first half of the epochs, 0.05 for the second
  (the paper's two rates 10× apart, in the decaying — "possibly reversed" — reading). **Deviation:**
  the spec's η = 0.01 is too slow at this scale (measured: L_n = 0.13, NC1 = 0.34, NB = 0.32 after
  300 epochs of setting (a)); at η = 0.5 the epoch-level loss fluctuates under SGD (setting (b)) but
  falls overall and never diverges, so η was not halved. Full: 400 epochs, 4 seeds, both
  settings, records every 10 epochs; quick: setting (a), seed 0, 20 epochs, records every 5 epochs.
  Training: ``ncbounds.nets.train_mean_field_sgd`` (minibatch steps with the drifts of
  ``mean_field_drifts``, θ_j ← θ_j − ηg_j + √(2ηβ⁻¹)ξ_j, W ← W − ηg_W unless frozen); the final point is
  evaluated by ``wu_from_run`` on the full training set.
Table ``T7-bounds``: every bound row of every final point (measured left side, right side, ratio,
  hypotheses as booleans, verdict).
Plot: NC1, L_n, ε_a², NB against epochs for the T7b runs, with the paper's final NB values.

Runtimes with OMP_NUM_THREADS=1 (CPU time; the shared 2-core machine was 3–5× oversubscribed, so wall times
were longer): quick 14 s CPU (wall 49–71 s under that load); full 4 min 56 s CPU (wall 19.7 min under load;
T7b is ≈ 2/3 of it: 8 × 6400 SGD steps plus, per final point, ``wu_from_run`` with n = 1000, whose explicit
Kronecker products take ≈ 0.8 GB). Quick outputs are identical run to run (except the ``seconds`` column).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .common import Table

NAME = "T7"
TITLE = "Wu & Mondelli 2025: NC1 in the mean-field regime, Theorem 4.2 / Corollary 4.4 against trained networks"

PAPER_NB = {"a": (0.8093, 0.7149, 0.5895, 0.8531), "b": (0.5386, 0.2779, 0.4141, 0.5257)}
DIGITS = {"N": 512, "p": 16, "gamma": 1.0, "lambda": 1e-4, "batch": 64, "activation": "tanh",
          "eta": (0.5, 0.05), "beta_inv": {"a": 0.0, "b": 1e-4}, "train_W": {"a": False, "b": True}}

SETTINGS = {
    "quick": {"claim 7 steps": 5000, "claim 13 steps": 0, "claim 19 steps": 0,
              "digits settings": ["a"], "digits seeds": [0], "digits epochs": 20, "digits record every": 5,
              **{f"digits {k}": v for k, v in DIGITS.items()}},
    "full": {"claim 7 steps": 15_000, "claim 13 steps": 30_000, "claim 19 steps": 6000,
             "digits settings": ["a", "b"], "digits seeds": [0, 1, 2, 3], "digits epochs": 400,
             "digits record every": 10, **{f"digits {k}": v for k, v in DIGITS.items()}},
}

SPEC_CLAIM7 = {"a": "L_n 1.53e-5, eps^2 1.49e-8, NC1 4.40e-4, NB 0.016, ||E2||^2 1.10e-2, (17) 7.32e-2 (15000 steps)",
               "b": "L_n 5.55e-5, eps^2 1.54e-8, NC1 3.36e-4, NB 0.280, ||E2||^2 3.15e-2, (17) 5.11e-2 (15000 steps)"}
SPEC_CLAIM13 = {0.1: "avg L_n 0.152, beta L 9.3, avg NC1 0.172", 0.01: "avg L_n 0.0297, beta L 15.0, avg NC1 0.0519",
                0.001: "avg L_n 6.96e-4, beta L 18.8, avg NC1 7.62e-3"}
SPEC_CLAIM19 = {5: "test error 0, NC1 5.69e-3, L_n 1.93e-3", 20: "test error 0, NC1 7.75e-3, L_n 2.53e-3",
                80: "test error 0, NC1 9.08e-3, L_n 3.03e-3"}

_TRAINED = (1e-6, 1e-14)
_EXACT = (0, 0)


def _cfg(quick: bool) -> dict:
    return SETTINGS["quick" if quick else "full"]


def _failed(hyp: dict) -> str:
    return "; ".join(k for k, v in hyp.items() if not v)


# ------------------------------------------------------------------------------------------------ runs
def _claim7(steps: int):
    from ncbounds import nets

    X, Y, _ = nets.s0_data(q=3, m=10, d=8, seed=0)
    kw = dict(N=300, p=16, gamma=1.0, lambda_rho=1e-4, eta=1.0, steps=steps, seed=0, record_every=steps)
    return {"a": nets.train_mean_field(X, Y, train_W=True, **kw), "b": nets.train_mean_field(X, Y, train_W=False, **kw)}


def _claim13(steps: int):
    from ncbounds import nets

    X, Y, _ = nets.s0_data(q=3, m=10, d=5, seed=0)
    return {lam: nets.train_mean_field(X, Y, N=300, p=6, gamma=2.0, lambda_rho=lam, beta_inv=lam, eta=0.2, steps=steps,
                                       average_from=steps - steps // 5, average_every=50, record_every=steps, seed=0)
            for lam in (0.1, 0.01, 0.001)}


def _claim19(steps: int):
    from ncbounds import nets

    out = {}
    for m in (5, 20, 80):
        rng = np.random.default_rng(190 + m)
        X, Y, _ = nets.caps_data(m, seed=rng)
        Xt, _, yt = nets.caps_data(2000, seed=rng)
        run = nets.train_mean_field(X, Y, N=300, p=6, gamma=1.0, lambda_rho=1e-3, beta_inv=1e-3, eta=1.0, steps=steps,
                                    activation="sigmoid", seed=m, record_every=steps)
        out[m] = (run, run.class_error(Xt, yt))
    return out


def _digits_data():
    from ncbounds import nets
    from ncbounds.data import load_digits_features

    tr, te = load_digits_features(test_size=797, seed=0)
    X, Xt = np.array(tr.H, dtype=float).T, np.array(te.H, dtype=float).T
    s = float(np.linalg.norm(X, axis=0).max())
    y, yt = np.asarray(tr.y) % 3, np.asarray(te.y) % 3
    return X / s, nets.onehot_columns(y, 3), y, Xt / s, yt


def _digits_run(setting: str, seed: int, epochs: int, record_every: int, data):
    """``ncbounds.nets.train_mean_field_sgd`` in one setting; returns (MeanFieldRun, curve rows)."""
    from ncbounds import nets

    X, Y, y, Xt, yt = data
    eta0, eta1 = DIGITS["eta"]
    run = nets.train_mean_field_sgd(
        X, Y, N=DIGITS["N"], p=DIGITS["p"], gamma=DIGITS["gamma"], lambda_rho=DIGITS["lambda"],
        beta_inv=DIGITS["beta_inv"][setting], eta=lambda ep: eta0 if ep <= epochs // 2 else eta1, epochs=epochs,
        batch_size=DIGITS["batch"], train_W=DIGITS["train_W"][setting], activation=DIGITS["activation"], seed=seed,
        record_every=record_every, X_test=Xt, y_test=yt)
    r = run.records
    curve = [{"setting": setting, "seed": seed, "epoch": int(r["epoch"][i]), "eta": float(r["eta"][i]),
              "L_n": float(r["L_n"][i]), "eps_a2": float(r["eps_a2"][i]), "eps_u2": float(r["eps_u2"][i]),
              "NC1": float(r["nc1"][i]), "NB": float(r["nb"][i]), "train error": float(r["train_error"][i]),
              "test error": float(r["test_error"][i])} for i in range(r["epoch"].size)]
    return run, curve


# ------------------------------------------------------------------------------------------------ rows
_MEAS_COLS = ("L_n", "eps_a2", "eps_u2", "eps_a2+eps_u2", "NC1", "NB", "||E2||^2", "(17) printed", "(17) gamma-restored",
              "F4 sharp", "F3 safe", "(10) printed", "sigma_min(W)", "sigma_max(W)")


def _measured(w) -> dict:
    m = w.measured
    return {"L_n": m.L_n, "eps_a2": m.eps_a2, "eps_u2": None, "eps_a2+eps_u2": None, "NC1": m.nc1, "NB": m.nb,
            "||E2||^2": m.E2_sq, "(17) printed": w.rows["c44_printed"].rhs, "(17) gamma-restored": w.rows["c44_gamma"].rhs,
            "F4 sharp": w.rows["f4_sharp"].rhs, "F3 safe": w.rows["f3_safe"].rhs, "(10) printed": w.rows["eq10"].rhs,
            "sigma_min(W)": m.sigma_min, "sigma_max(W)": m.sigma_max}


def _bound_rows(w, part: str, setting: str, seed) -> list[dict]:
    return [{"part": part, "setting": setting, "seed": seed, "bound": r.name, "id": r.id, "lhs": float(r.lhs),
             "relation": r.relation, "rhs": float(r.rhs), "ratio": float(r.ratio),
             "hypotheses hold": bool(all(r.hypotheses.values())), "failed hypotheses": _failed(r.hypotheses),
             "verdict": r.verdict} for r in w.rows.values()]


def _fmt_list(v, f=".3g"):
    return " / ".join(format(x, f) for x in v)


def build(*, quick: bool, progress=lambda msg: None) -> list[Table]:
    from ncbounds.bounds.nc1 import wu_from_run

    cfg = _cfg(quick)
    rows, brows = [], []
    progress(f"claim 7: W trained / frozen, {cfg['claim 7 steps']} steps")
    c7 = _claim7(cfg["claim 7 steps"])
    for s, label in (("a", "claim 7 (a) W trained"), ("b", "claim 7 (b) W frozen")):
        run = c7[s]
        w = wu_from_run(run)
        dr = run.drifts()
        row = {"part": "claim 7", "setting": label, "steps": run.steps, **_measured(w),
               "eps_u2": dr["eps_u2"], "eps_a2+eps_u2": dr["eps_a2"] + dr["eps_u2"],
               "identity residual": w.measured.identity_residual, "test error": None, "avg L_n": None,
               "avg NC1": None, "beta*L_lambda": None, "spec": SPEC_CLAIM7[s]}
        rows.append(row)
        brows += _bound_rows(w, "T7a", label, 0)
    if cfg["claim 13 steps"]:
        progress(f"claim 13: beta scan, 3 x {cfg['claim 13 steps']} noisy steps")
        for lam, run in _claim13(cfg["claim 13 steps"]).items():
            w = wu_from_run(run)
            dr = run.drifts()
            label = f"claim 13 lambda = 1/beta = {lam:g}"
            rows.append({"part": "claim 13", "setting": label, "steps": run.steps, **_measured(w),
                         "eps_u2": dr["eps_u2"], "eps_a2+eps_u2": dr["eps_a2"] + dr["eps_u2"],
                         "identity residual": w.measured.identity_residual, "test error": None,
                         "avg L_n": run.averages["L_n"], "avg NC1": run.averages["nc1"],
                         "beta*L_lambda": run.averages["L_lambda"] / lam, "spec": SPEC_CLAIM13[lam]})
            brows += _bound_rows(w, "T7a", label, 0)
    if cfg["claim 19 steps"]:
        progress("claim 19: separable caps, m in {5, 20, 80}")
        for m, (run, err) in _claim19(cfg["claim 19 steps"]).items():
            w = wu_from_run(run)
            dr = run.drifts()
            label = f"claim 19 caps m = {m}"
            rows.append({"part": "claim 19", "setting": label, "steps": run.steps, **_measured(w),
                         "eps_u2": dr["eps_u2"], "eps_a2+eps_u2": dr["eps_a2"] + dr["eps_u2"],
                         "identity residual": w.measured.identity_residual, "test error": err, "avg L_n": None,
                         "avg NC1": None, "beta*L_lambda": None, "spec": SPEC_CLAIM19[m]})
            brows += _bound_rows(w, "T7a", label, m)

    data = _digits_data()
    curves, finals = [], []
    for setting in cfg["digits settings"]:
        for seed in cfg["digits seeds"]:
            progress(f"T7b digits setting ({setting}), seed {seed}, {cfg['digits epochs']} epochs")
            run, curve = _digits_run(setting, seed, cfg["digits epochs"], cfg["digits record every"], data)
            curves += curve
            w = wu_from_run(run)
            last = curve[-1]
            finals.append({"setting": setting, "seed": seed, "epochs": cfg["digits epochs"], "SGD steps": run.steps,
                           "L_n": w.measured.L_n, "eps_a2": last["eps_a2"], "NC1": w.measured.nc1,
                           "NB": w.measured.nb, "paper NB": PAPER_NB[setting][seed] if seed < 4 else None,
                           "train error": last["train error"], "test error": last["test error"],
                           "||E2||^2": w.measured.E2_sq, "sigma_min(W)": w.measured.sigma_min,
                           "sigma_max(W)": w.measured.sigma_max, "seconds": run.seconds})
            brows += _bound_rows(w, "T7b", setting, seed)
    return [_t7a(rows, quick), _t7b_curves(curves, quick), _t7b_final(finals, quick), _t7_bounds(brows)]


# ------------------------------------------------------------------------------------------------ tables
def _t7a(rows, quick) -> Table:
    cols = ("part", "setting", "steps") + _MEAS_COLS + ("identity residual", "test error", "avg L_n", "avg NC1",
                                                        "beta*L_lambda", "spec")
    tol = dict.fromkeys(_MEAS_COLS + ("test error", "avg L_n", "avg NC1", "beta*L_lambda"), _TRAINED)
    tol["identity residual"] = (0.0, 1e-10)
    tol["steps"] = _EXACT
    by = {r["setting"]: r for r in rows}
    a, b = by["claim 7 (a) W trained"], by["claim 7 (b) W frozen"]

    def c7(r):
        return (f"L_n {r['L_n']:.3g}, eps^2 {r['eps_a2+eps_u2']:.3g}, NC1 {r['NC1']:.3g}, NB {r['NB']:.3g}, "
                f"||E2||^2 {r['||E2||^2']:.3g}, (17) {r['(17) printed']:.3g}")

    notes = (f"Claim 7 spec (15000 steps): (a) {SPEC_CLAIM7['a']}; (b) {SPEC_CLAIM7['b']}; NB < 0.1 in (a), > 0.2 in (b) "
             f"(5000 steps gave NB = 0.12 in (a)). Ours ({a['steps']} steps): (a) {c7(a)}; (b) {c7(b)}.")
    s13 = [r for r in rows if r["part"] == "claim 13"]
    if s13:
        notes += (" Claim 13 spec (λ = β⁻¹ = 0.1 / 0.01 / 0.001, averages over the last 20%): L_n 0.152 / 0.0297 / 6.96e-4, "
                  "β·L_{λ,n} 9.3 / 15.0 / 18.8, NC1 0.172 / 0.0519 / 7.62e-3. Ours: L_n "
                  + _fmt_list([r["avg L_n"] for r in s13]) + ", β·L_{λ,n} " + _fmt_list([r["beta*L_lambda"] for r in s13])
                  + ", NC1 " + _fmt_list([r["avg NC1"] for r in s13]) + ".")
    s19 = [r for r in rows if r["part"] == "claim 19"]
    if s19:
        notes += (" Claim 19 spec (m = 5 / 20 / 80): test error 0, NC1 5.69e-3 / 7.75e-3 / 9.08e-3, L_n 1.93e-3 / 2.53e-3 / "
                  "3.03e-3. Ours: test error " + _fmt_list([r["test error"] for r in s19]) + ", NC1 "
                  + _fmt_list([r["NC1"] for r in s19]) + ", L_n " + _fmt_list([r["L_n"] for r in s19]) + ".")
    notes += (" Bound columns are right sides (verdicts in T7-bounds); NaN = undefined (hypothesis such as x ≤ A/4 fails "
              "or, for the noisy runs, the bound is vacuous).")
    if quick:
        notes += " Quick mode: claim 7 only, 5000 steps, so the spec values (15000 steps) do not apply."
    return Table(name="T7a", title="Synthetic reference rows (claims 7, 13, 19): measured quantities and bound right sides",
                 columns=cols, rows=rows, key=("setting",), tolerances=tol,
                 formats={c: ".4g" for c in cols[3:-1]}, notes=notes)


def _t7b_curves(curves, quick) -> Table:
    cols = ("setting", "seed", "epoch", "eta", "L_n", "eps_a2", "eps_u2", "NC1", "NB", "train error", "test error")
    tol = dict.fromkeys(("L_n", "eps_a2", "eps_u2", "NC1", "NB", "train error", "test error"), _TRAINED)
    return Table(name="T7b-curves", title="Digits analogue of Figures 1–2: NC1, L_n, ε_a², NB against epochs",
                 columns=cols, rows=curves, key=("setting", "seed", "epoch"), tolerances=tol,
                 formats={c: ".4g" for c in cols[3:]},
                 notes=("The paper (Figures 1–2, MNIST / CIFAR-100 features) shows NC1 tracking the loss and the gradient "
                        "norm while NB stays large; no curve values are printed. ε_a² is the full-batch drift "
                        "mean_j‖g_{a,j}‖² on the training set; errors are argmax errors (test: class-averaged)."
                        + (" Quick mode: setting (a), seed 0, 20 epochs." if quick else "")))


def _t7b_final(finals, quick) -> Table:
    cols = ("setting", "seed", "epochs", "SGD steps", "L_n", "eps_a2", "NC1", "NB", "paper NB", "train error",
            "test error", "||E2||^2", "sigma_min(W)", "sigma_max(W)", "seconds")
    tol = dict.fromkeys(("L_n", "eps_a2", "NC1", "NB", "train error", "test error", "||E2||^2", "sigma_min(W)",
                         "sigma_max(W)"), _TRAINED)
    tol["SGD steps"] = _EXACT
    parts = []
    for s in ("a", "b"):
        sel = [r for r in finals if r["setting"] == s]
        if sel:
            parts.append(f"({s}) NB " + _fmt_list([r["NB"] for r in sel]) + " against the paper's "
                         + _fmt_list(PAPER_NB[s][:len(sel)], ".4f") + ", NC1 " + _fmt_list([r["NC1"] for r in sel])
                         + ", test error " + _fmt_list([r["test error"] for r in sel]))
    return Table(name="T7b-final", title="Digits analogue: final NB per seed beside the paper's values, NC1, test error",
                 columns=cols, rows=finals, key=("setting", "seed"), tolerances=tol,
                 formats={c: ".4g" for c in cols[4:]},
                 notes=("Paper (NB at convergence, 4 seeds): (a) MNIST, W frozen, no noise 0.8093, 0.7149, 0.5895, 0.8531; "
                        "(b) CIFAR-100 features, W trained, β⁻¹ = 1e-4 0.5386, 0.2779, 0.4141, 0.5257 — compared "
                        "qualitatively only (both settings end imbalanced). Ours: " + "; ".join(parts) + "."
                        + (" Quick mode: 20 epochs only, far from convergence." if quick else "")))


def _t7_bounds(brows) -> Table:
    cols = ("part", "setting", "seed", "bound", "id", "lhs", "relation", "rhs", "ratio", "hypotheses hold",
            "failed hypotheses", "verdict")
    tol = dict.fromkeys(("lhs", "rhs", "ratio"), _TRAINED)
    tol.update(dict.fromkeys(("hypotheses hold", "failed hypotheses", "verdict"), _EXACT))
    nv = {v: sum(r["verdict"] == v for r in brows) for v in ("PASS", "FAIL", "N/A")}
    dig = [r for r in brows if r["part"] == "T7b" and r["verdict"] == "N/A" and math.isfinite(r["rhs"])]
    raw_def, raw_ok = len(dig), sum(r["lhs"] <= r["rhs"] for r in dig)
    return Table(name="T7-bounds", title="Theorem 4.2 (7), (10), WU-F3, Corollary 4.4 printed / γ-restored, WU-F4 at every final point",
                 columns=cols, rows=brows, key=("part", "setting", "seed", "bound"), tolerances=tol,
                 formats={"lhs": ".6g", "rhs": ".6g", "ratio": ".4g"},
                 notes=("Spec: at the claim-7 points every bound holds with the exact E₂ (printed (7), (10) with slack of "
                        "several orders of magnitude; (17) = 7.32e-2 (a), 5.11e-2 (b)); the printed (17) can only fail "
                        "for γ > 4√2 (WU-E1), here γ ≤ 2. Ours: "
                        f"{nv['PASS']} PASS, {nv['FAIL']} FAIL, {nv['N/A']} N/A over {len(brows)} rows. Digits rows: "
                        "Corollary 4.4 and WU-F4 are N/A because the mod-3 classes are unbalanced (402/302/296); "
                        f"of those digits N/A rows, {raw_ok} of {raw_def} with a defined right side hold as raw "
                        "comparisons (the rest have x > A/4: undefined). Noisy claim-13 rows: x exceeds A/4 or A_γ, "
                        "so (17) is undefined there."))


# ------------------------------------------------------------------------------------------------ plot
def plot(tables: dict[str, Table], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = tables["T7b-curves"].rows
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    colors = {"a": "tab:blue", "b": "tab:red"}
    runs = sorted({(r["setting"], r["seed"]) for r in rows})
    for (s, seed) in runs:
        sel = sorted((r for r in rows if r["setting"] == s and r["seed"] == seed), key=lambda r: r["epoch"])
        ep = [r["epoch"] for r in sel]
        lab = f"({s}) seed {seed}"
        for ax, col in zip(axes.flat, ("NC1", "L_n", "eps_a2", "NB")):
            vals = [max(r[col], 1e-300) if col != "NB" else r[col] for r in sel]
            (ax.plot if col == "NB" else ax.semilogy)(ep, vals, color=colors.get(s, "k"), alpha=0.5 + 0.1 * seed,
                                                      lw=1.2, label=lab)
    nb_ax = axes.flat[3]
    for s, vals in PAPER_NB.items():
        if any(r[0] == s for r in runs):
            xmax = max(r["epoch"] for r in rows)
            for i, v in enumerate(vals):
                nb_ax.plot([xmax * 1.02], [v], "_", ms=14, mew=2, color=colors[s], label="paper final NB" if i == 0 else None)
    titles = {"NC1": "NC1 (WU-D4)", "L_n": "training loss L_n", "eps_a2": "ε_a² (full-batch drift)",
              "NB": "NB (WU-D5); bars: paper's final values"}
    for ax, col in zip(axes.flat, ("NC1", "L_n", "eps_a2", "NB")):
        ax.set(xlabel="epoch", title=titles[col])
        ax.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=7, ncol=2)
    fig.suptitle("T7b: digits (q = 3 via label mod 3), (a) W frozen, no noise; (b) W trained, β⁻¹ = 1e-4")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
