"""Digits-experiment claims of ``shared/spec/gao2023.md`` (§4 claims 8, 17, 22; errata GAO-E6, GAO-E7)
and ``shared/spec/ji2022.md`` (§6 X2, claim JI-X2-DIGITS).

The gao2023 claims run the numpy minibatch trainer :func:`ncbounds.nets.train_digits` on scikit-learn's
bundled digits (gao2023.md §6.2: 1000 train / 797 test, pixels/16, backbone relu(A x) trained — see the
trainer's docstring for that reading). JI-X2-DIGITS runs ji2022.md §6 X2's **standalone protocol** with
the full-batch ReLU-MLP trainer :func:`ncbounds.nets.train_mlp` (1347 / 450 split, standardised, MLP
64 → 128 → 128 → 32, momentum GD, 6000 steps). Shared runs are computed once per
:class:`~proofs_check.registry.Context` through ``ctx.memo``:

* ``digits:t4:16:3000`` — the T4 run at d = 16 (learnable bias-free W ~ N(0, 1/d), V ~ N(0, 1/64),
  lr 0.02, no weight decay, init seed 5, order seed 9, checkpoints 10, 30, 100, 300, 1000, 3000 plus
  the first epoch with 100% training accuracy). Used by GAO-T4.1-DIGITS and GAO-E6. JI-X2-DIGITS only
  *reports* its NC columns (the spec's preferred route) when it is already in the cache — on it the X2
  criterion does not hold for NC1, equinorm_H, NC3 and the SEL distance, which end slightly above
  their first-fit values (spec-level note in the claim's evidence).
* ``digits:t4:4:E`` — the same at d = 4, E = 300 epochs by default and 3000 with ``--deep`` (the
  trajectory up to epoch 300 is the same either way; only later checkpoints are added).
* ``digits:f12:*`` — the coupled-initialisation runs of GAO-F12 (T5 protocol, 150 epochs).
* ``digits:t5-pilot`` — the T5 pilot (3 settings × 4 permutations × 8 seeds × 200 epochs), slow;
  shared by GAO-ABS3-PERMTEST and GAO-E7.
* ``ji-digits:mlp:S:trained`` / ``ji-digits:mlp:S:frozen`` — the X2 standalone run of S steps (6000
  for the claim, 1500 for the spec's quick variant used by the test suite) and its control with every
  hidden layer frozen.

The spec's reference numbers come from other implementations; they are reported next to ours as
``ref_*`` entries, never asserted. Only the structural expectations and the stated tolerances are
asserted.
"""

from __future__ import annotations

import numpy as np

from ncbounds.geometry import permutation_matrix, random_rotation, simplex_etf
from ncbounds.nets import JI_DIGITS_CHECKPOINTS, train_digits, train_mlp
from ncbounds.stats import anova_permutation_test

from .registry import NA, Evidence, claim, verdict_from

PAPER = "gao2023"
T4_CHECKPOINTS = (10, 30, 100, 300, 1000, 3000)
K = 10

# T5 protocol constants (gao2023.md §6.2)
T5_LR, T5_WD, T5_VVAR = 0.05, 5e-4, 2.0 / 64
ROTATION_SEED = 16      # seed of the Gaussian whose QR gives the d = 16 rotation
PERMUTATION_SEED = 2023  # seed of the 3 random label permutations
F12_EPOCHS = 150


# ============================================================================================
# shared runs
# ============================================================================================

def _t4(ctx, d: int, epochs: int):
    """T4 protocol run (gao2023.md §6.2) at dimension d for ``epochs`` epochs."""
    return ctx.memo(f"digits:t4:{d}:{epochs}", lambda: train_digits(
        d, epochs=epochs, lr=0.02, init_seed=5, order_seed=9,
        checkpoints=tuple(c for c in T4_CHECKPOINTS if c <= epochs), checkpoint_first_fit=True))


def _t4_d16(ctx):
    return _t4(ctx, 16, 3000)


def _t4_d4(ctx):
    return _t4(ctx, 4, 3000 if ctx.deep else 300)


def _rotation16():
    return random_rotation(16, seed=ROTATION_SEED)


def _permutations() -> list[np.ndarray]:
    """Identity plus 3 seeded random permutations of the K labels (gao2023.md §6.2, T5)."""
    rng = np.random.default_rng(PERMUTATION_SEED)
    perms = [np.arange(K)]
    while len(perms) < 4:
        p = rng.permutation(K)
        if not any(np.array_equal(p, q) for q in perms):
            perms.append(p)
    return perms


def _t5_setting(name: str):
    """(d, activation, unpermuted unit ETF W, U or None) of a T5 setting.

    ``rotated-*``: W = E Uᵀ, E the canonical K × K unit ETF, U = R[:K]ᵀ (16 × K, orthonormal columns)
    from the seeded rotation R (so W = simplex_etf(K, 16, rotation=R)); ``canonical-relu``: d = K,
    W = E (canonical, unrotated)."""
    if name.startswith("rotated"):
        R = _rotation16()
        return 16, ("identity" if name.endswith("linear") else "relu"), simplex_etf(K, 16, rotation=R), R[:K].T
    return K, "relu", simplex_etf(K, K), None


def _symmetry_Q(name: str, P: np.ndarray) -> np.ndarray:
    """Orthogonal Q with P W = W Q (GAO-F12): the coordinate permutation P itself for the canonical
    ETF in d = K; Q = U P Uᵀ + (I − U Uᵀ) for the rotated ETF W = E Uᵀ."""
    d, _, _, U = _t5_setting(name)
    if U is None:
        return P.copy()
    return U @ P @ U.T + (np.eye(d) - U @ U.T)


def _f12_pair(ctx, name: str, activation: str | None = None):
    """Coupled runs (W; V₀, A₀) and (P W; QᵀV₀, A₀), T5 protocol, 150 epochs, init seed 1000, order
    seed 0, π = the first random permutation. Returns (run, run′, P, Q, ‖PW − WQ‖_max)."""
    def run():
        d, act, W, _ = _t5_setting(name)
        act = activation or act
        P = permutation_matrix(_permutations()[1])
        Q = _symmetry_Q(name, P)
        kw = dict(epochs=F12_EPOCHS, lr=T5_LR, weight_decay=T5_WD, v_var=T5_VVAR, activation=act,
                  order_seed=0, full_metrics=False)
        r0 = train_digits(d, W_fixed=W, init_seed=1000, **kw)
        V0, A0 = r0.params0["V"], r0.params0["A"]
        r1 = train_digits(d, W_fixed=P @ W, init={"A": A0, "V": Q.T @ V0}, init_seed=1000, **kw)
        return r0, r1, P, Q, float(np.abs(P @ W - W @ Q).max())
    return ctx.memo(f"digits:f12:{name}:{activation}", run)


def _pilot(ctx):
    """T5 pilot (gao2023.md §6.2): 3 settings × 4 permutations × 8 seeds, 200 epochs, lr 0.05, weight
    decay 5e-4, V ~ N(0, 2/64), init seed 1000 + s shared by the permutations, order seed s.
    Returns {setting: {"test": (4, 8) %, "train": (4, 8) %}}."""
    def run():
        out = {}
        perms = _permutations()
        for name in ("rotated-linear", "rotated-relu", "canonical-relu"):
            d, act, W, _ = _t5_setting(name)
            te = np.zeros((4, 8))
            tr = np.zeros((4, 8))
            for i, pi in enumerate(perms):
                Wp = permutation_matrix(pi) @ W
                for s in range(8):
                    r = train_digits(d, epochs=200, lr=T5_LR, weight_decay=T5_WD, v_var=T5_VVAR, W_fixed=Wp,
                                     activation=act, init_seed=1000 + s, order_seed=s, full_metrics=False)
                    te[i, s] = 100 * r.records["test_acc"][-1]
                    tr[i, s] = 100 * r.records["train_acc"][-1]
            out[name] = {"test": te, "train": tr}
        return out
    return ctx.memo("digits:t5-pilot", run)


def _planted_matrix(seed: int = 7) -> np.ndarray:
    """GAO-ABS3-PERMTEST / GAO-E7 control: 4 × 8 accuracy table (pp) with seed effects N(0, 1 pp),
    noise sd 0.2 pp and +2 pp on permutation 2."""
    rng = np.random.default_rng(seed)
    Y = 97.0 + rng.normal(0.0, 1.0, size=8)[None, :] + rng.normal(0.0, 0.2, size=(4, 8))
    Y[2] += 2.0
    return Y


# ============================================================================================
# claim 8: GAO-T4.1-DIGITS
# ============================================================================================

def _tpt_conditions(run, epochs, tol: float, label: str):
    """GAO-T4.1 standard form at the given checkpoints of one run: p_min > 0, GAO-F1 exact inversions
    p_min_lower ≤ p_min ≤ p_min_upper (relative tol), ν_net nondecreasing (−1e-3). Returns
    (conditions, measured, n_tpt) — n_tpt = 0 means the TPT hypothesis holds at none of them."""
    rows = [run.row(e) for e in epochs]
    conds, meas = {}, {}
    n_tpt = sum(r["p_min"] > 0 for r in rows)
    for e, r in zip(epochs, rows):
        meas[f"{label} ep{e} p_min"] = r["p_min"]
        meas[f"{label} ep{e} nu_net"] = r["nu_net"]
        meas[f"{label} ep{e} train_ce"] = r["train_ce"]
        meas[f"{label} ep{e} test_acc"] = r["test_acc"]
        conds[f"{label} ep{e}: p_min > 0"] = r["p_min"] > 0
        lo, p, hi = r["p_min_lower"], r["p_min"], r["p_min_upper"]
        conds[f"{label} ep{e}: GAO-F1 inversions"] = (lo <= p + tol * max(1.0, abs(p))
                                                      and p <= hi + tol * max(1.0, abs(p)))
    nus = [r["nu_net"] for r in rows]
    conds[f"{label}: nu_net nondecreasing (-1e-3)"] = all(b >= a - 1e-3 for a, b in zip(nus, nus[1:]))
    ces = [r["train_ce"] for r in rows]
    meas[f"{label}: train CE nonincreasing (reported)"] = all(b <= a for a, b in zip(ces, ces[1:]))
    accs = [r["test_acc"] for r in rows]
    meas[f"{label}: test acc last - first (reported)"] = accs[-1] - accs[0]
    meas[f"{label}: first 100% epoch"] = run.first_fit_epoch
    return conds, meas, n_tpt


@claim("GAO-T4.1-DIGITS", paper=PAPER, provenance="derived", cost="medium",
       covers=("GAO-T4.1", "GAO-D3", "GAO-R4.6"),
       statement="T4 protocol on digits (gao2023.md §6.2; numpy SGD, heavy-ball 0.9, batch 100, lr 0.02, no weight "
                 "decay, learnable bias-free W, backbone trained): at the terminal-phase checkpoints d = 16: epochs "
                 "100, 300, 1000, 3000 and d = 4: epoch 300 (plus 1000, 3000 with --deep) p_min > 0, the GAO-F1 exact "
                 "inversions −log(expm1(N L)) ≤ p_min ≤ log(K−1) − log(expm1(L)) hold (1e-9 relative) and ν_net is "
                 "nondecreasing (−1e-3). Test-accuracy change is reported, not asserted.",
       control="the same TPT assertions at the d = 16 epoch-30 checkpoint (training accuracy < 100%, p_min < 0): "
               "the hypothesis p_min > 0 fails, so the check must end N/A")
def t41_digits(ctx, control=False):
    tol = ctx.tol(1e-9)
    r16 = _t4_d16(ctx)
    if control:
        conds, meas, n_tpt = _tpt_conditions(r16, (30,), tol, "d16")
        meas["d16 ep30 train_acc"] = r16.row(30)["train_acc"]
        if n_tpt == 0:
            return Evidence(verdict=NA, measured=meas, tolerance=tol,
                            message="TPT hypothesis p_min > 0 not met at epoch 30: GAO-T4.1 does not apply")
        return verdict_from(conds, measured=meas, tolerance=tol)
    r4 = _t4_d4(ctx)
    e4 = tuple(e for e in (300, 1000, 3000) if e <= r4.settings["epochs"])
    c16, m16, n16 = _tpt_conditions(r16, (100, 300, 1000, 3000), tol, "d16")
    c4, m4, n4 = _tpt_conditions(r4, e4, tol, "d4")
    meas = {**m16, **m4, "seconds d16 run": r16.seconds, "seconds d4 run": r4.seconds}
    meas.update({"ref d16 ep100 p_min": 0.405, "ref d16 ep3000 p_min": 6.188, "ref d4 ep300 p_min": 2.967})
    if n16 + n4 == 0:
        return Evidence(verdict=NA, measured=meas, tolerance=tol, message="no checkpoint in TPT")
    return verdict_from({**c16, **c4}, measured=meas, tolerance=tol)


# ============================================================================================
# GAO-E6: TPT not reached although training accuracy is high
# ============================================================================================

@claim("GAO-E6", paper=PAPER, provenance="derived", cost="medium", covers=("GAO-E6", "GAO-D3", "GAO-T4.1"),
       statement="Erratum GAO-E6 (reviewer 3: p_min < 0 at the end of a reported run). On the T4 runs the TPT flag "
                 "equals (p_min > 0) at every checkpoint (and equals 100% training accuracy); at d = 4, epoch 100 "
                 "the flag is false although training accuracy is ≥ 99% (spec: 99.90%, p_min = −0.749): a model can "
                 "look fitted without being in the terminal phase.",
       control="the d = 16, epoch-300 checkpoint: the flag is true, so the 'TPT not reached' demonstration must FAIL")
def e6_tpt_not_reached(ctx, control=False):
    r16 = _t4_d16(ctx)
    r4 = _t4_d4(ctx)
    consistent = True
    for r in (r16, r4):
        R = r.records
        consistent &= bool(np.all((R["tpt"] > 0) == (R["p_min"] > 0)))
        consistent &= bool(np.all((R["tpt"] > 0) == (R["train_acc"] == 1.0)))
    run, d, ep = (r16, 16, 300) if control else (r4, 4, 100)
    row = run.row(ep)
    meas = {"d": d, "epoch": ep, "train_acc": row["train_acc"], "p_min": row["p_min"], "tpt_flag": bool(row["tpt"]),
            "test_acc": row["test_acc"], "ref d4 ep100 train_acc": 0.999, "ref d4 ep100 p_min": -0.749}
    conds = {"flag == (p_min > 0) == (train acc = 100%) at every checkpoint": consistent,
             f"TPT not reached at d={d}, epoch {ep}": not row["tpt"],
             "training accuracy >= 99%": row["train_acc"] >= 0.99}
    return verdict_from(conds, measured=meas)


# ============================================================================================
# JI-X2-DIGITS (ji2022.md §6 X2, standalone protocol: full-batch ReLU MLP on digits)
# ============================================================================================

JI_METRICS = ("train_ce", "nc1", "equinorm_H", "maxangle_H", "nc3", "nc4", "sel_distance")
JI_STEPS, JI_QUICK_STEPS = 6000, 1500
JI_FACTOR_SLACK = 0.02  # each value ≤ previous × (1 + slack)
# spec reference (another numpy implementation, 55 s): first 100% step and (first, last) values
JI_REF_FIRST_FIT = 71
JI_REF = {"nc1": (0.582, 0.502), "equinorm_H": (0.217, 0.195), "maxangle_H": (0.312, 0.293),
          "nc3": (0.498, 0.398), "nc4": (0.040, 0.008), "sel_distance": (0.823, 0.791),
          "test_acc": (0.953, 0.973), "train_ce": (1.0e-2, 2.8e-5)}


def _ji_run(ctx, steps: int, frozen: bool):
    """The X2 standalone run (:func:`ncbounds.nets.train_mlp` defaults) for ``steps`` steps; ``frozen``:
    every hidden layer frozen, only the classifier trains (the control)."""
    return ctx.memo(f"ji-digits:mlp:{steps}:{'frozen' if frozen else 'trained'}", lambda: train_mlp(
        steps=steps, checkpoints=tuple(c for c in JI_DIGITS_CHECKPOINTS if c <= steps),
        freeze=("hidden",) if frozen else ()))


def _ji_criterion(records: dict, times: np.ndarray, first_fit, names=JI_METRICS, slack: float = JI_FACTOR_SLACK,
                  label: str = ""):
    """The X2 criterion on one run's records (``times`` = their steps or epochs).

    From the first 100%-train-accuracy time on, every metric in ``names`` is ≤ its previous recorded value
    × (1 + slack), and its last value is below its first. Without any 100% time the criterion is evaluated
    from the first recorded time and the condition "training reaches 100%" fails. Returns
    (conditions, measured)."""
    start = times[0] if first_fit is None else first_fit
    keep = times >= start
    conds = {f"{label}training reaches 100%": first_fit is not None}
    meas = {f"{label}criterion from": int(start), f"{label}recorded": [int(t) for t in times[keep]]}
    for n in names:
        v = records[n][keep]
        ratios = v[1:] / v[:-1]
        meas[f"{label}{n} first"] = float(v[0])
        meas[f"{label}{n} last"] = float(v[-1])
        meas[f"{label}{n} max step ratio"] = float(ratios.max()) if ratios.size else float("nan")
        conds[f"{label}{n}: each <= previous x {1 + slack:g}"] = bool(np.all(v[1:] <= v[:-1] * (1 + slack)))
        conds[f"{label}{n}: last < first"] = bool(v[-1] < v[0])
    return conds, meas


def _ji_t4_reported(ctx) -> dict:
    """The spec's preferred route (NC columns of the gao2023 T4 run, d = 16, epochs from the first 100%
    epoch to 3000), REPORTED only and only if that run is already in ``ctx.cache`` (computed by
    GAO-T4.1-DIGITS / GAO-E6 in the same session) — never trained here."""
    run = ctx.cache.get("digits:t4:16:3000")
    if run is None:
        return {"T4 route (reported)": "not computed in this session (run GAO-T4.1-DIGITS first to include it)"}
    R = run.records
    conds, meas = _ji_criterion(R, R["epoch"], run.first_fit_epoch, label="T4 route: ")
    out = {f"{k} (reported)": v for k, v in meas.items() if k.endswith((" first", " last", "criterion from"))}
    out.update({f"{k} (reported)": v for k, v in conds.items()})
    return out


def ji_x2_evidence(ctx, control: bool = False, steps: int = JI_STEPS) -> Evidence:
    """Evidence of JI-X2-DIGITS for a run of ``steps`` steps (the claim: 6000; the spec's quick variant
    and the test suite: 1500). The check and control assert the same :func:`_ji_criterion`."""
    run = _ji_run(ctx, steps, frozen=control)
    slack = ctx.tol(JI_FACTOR_SLACK)
    R = run.records
    conds, meas = _ji_criterion(R, R["step"], run.first_fit_step, slack=slack)
    keep = R["step"] >= (R["step"][0] if run.first_fit_step is None else run.first_fit_step)
    meas.update({"steps": steps, "first 100% step": run.first_fit_step, "status": run.status,
                 "frozen": list(run.settings["frozen"]), "seconds (run)": run.seconds,
                 "train_acc at recorded steps": [float(x) for x in R["train_acc"][keep]],
                 "test_acc first": float(R["test_acc"][keep][0]), "test_acc last": float(R["test_acc"][-1])})
    conds["run finished (not diverged)"] = run.status == "ok"
    if not control:
        meas["ref_first 100% step"] = JI_REF_FIRST_FIT
        for n, (a, b) in JI_REF.items():
            meas[f"ref_{n} first"], meas[f"ref_{n} last"] = a, b
        meas["ref_horizon steps"] = JI_STEPS
        meas.update(_ji_t4_reported(ctx))
    return verdict_from(conds, measured=meas, tolerance=slack)


@claim("JI-X2-DIGITS", paper="ji2022", provenance="paper", cost="slow", covers=("JI-X2", "JI-DIGITS"),
       statement="NC without weight decay on digits, tested at CPU scale with ji2022.md §6 X2's standalone protocol: "
                 "digits (pixels/16, stratified 1347/450 split, random_state 0, standardised with train statistics), "
                 "MLP 64→128→128→32, ReLU after every hidden layer (H = the 32-d output), hidden biases, bias-free "
                 "classifier W (10×32), He init, W ~ N(0, 1/32), seed 0, full-batch GD, heavy-ball momentum 0.9, "
                 "lr 0.05, mean CE, no weight decay, 6000 steps, recorded at the first 100%-train step and at 100, "
                 "300, 1000, 2000, 4000, 6000. Training reaches 100% accuracy and, from that step on, every recorded "
                 "metric — train CE, NC1 (Papyan), equinorm_H, maxangle_H, NC3 (Papyan, uncentred W), NC4 and the "
                 "SEL distance — is ≤ its previous value × 1.02 and ends below its first value. Accuracies, the "
                 "spec's reference values (ref_*) and the gao2023 T4-route values are reported, not asserted.",
       control="freeze every hidden layer (only the classifier W trains, the features never move), same data, init and "
               "optimiser, 6000 steps: NC1, equinorm_H and maxangle_H stay exactly constant, so 'last below first' "
               "fails (and training does not reach 100%, which also fails): the check must FAIL")
def ji_x2_digits(ctx, control=False):
    return ji_x2_evidence(ctx, control=control, steps=JI_STEPS)


# ============================================================================================
# claim 17: GAO-F12-SYMMETRY
# ============================================================================================

def _f12_evidence(ctx, pairs, tol):
    meas, conds = {}, {}
    for label, (r0, r1, P, Q, comm) in pairs.items():
        diff = float(np.abs(r0.logits(split="test") - r1.logits(split="test")).max())
        meas[f"{label}: max |logit diff| (test, epoch {F12_EPOCHS})"] = diff
        meas[f"{label}: ||PW - WQ||_max"] = comm
        meas[f"{label}: test acc"] = [float(r0.records["test_acc"][-1]), float(r1.records["test_acc"][-1])]
        conds[f"{label}: PW = WQ (1e-12)"] = comm <= 1e-12
        conds[f"{label}: logits equal ({tol:g})"] = diff <= tol
    return verdict_from(conds, measured=meas, tolerance=tol)


@claim("GAO-F12-SYMMETRY", paper=PAPER, provenance="derived", cost="medium",
       covers=("GAO-F12", "GAO-ABS3", "GAO-PRE2"),
       statement="Exact symmetry of fixed-classifier training (GAO-F12), T5 protocol (lr 0.05, weight decay 5e-4, "
                 "heavy-ball SGD, backbone A trained, 150 epochs): (a) canonical ETF d = 10, ReLU features, classifier "
                 "P_π E with coupled init V′ = P_πᵀV₀; (b) rotated ETF W = EUᵀ, d = 16, linear features, "
                 "V′ = QᵀV₀ with Q = UPUᵀ + (I − UUᵀ). The permuted run's test logits equal the unpermuted run's at "
                 "epoch 150: max |difference| ≤ 1e-10 (spec observed 1.07e-14 and 2.31e-14).",
       control="(b) with ReLU features (ReLU does not commute with the non-permutation Q): the logits must differ "
               "(spec observed 31.4), so the check must FAIL")
def f12_symmetry(ctx, control=False):
    tol = ctx.tol(1e-10)
    if control:
        pairs = {"rotated d=16 ReLU": _f12_pair(ctx, "rotated-linear", activation="relu")}
    else:
        pairs = {"canonical d=10 ReLU": _f12_pair(ctx, "canonical-relu"),
                 "rotated d=16 linear": _f12_pair(ctx, "rotated-linear")}
    return _f12_evidence(ctx, pairs, tol)


# ============================================================================================
# claim 22: GAO-ABS3-PERMTEST
# ============================================================================================

SYMMETRIC = ("rotated-linear", "canonical-relu")
REF_P = {"rotated-linear": 0.251, "rotated-relu": 0.131, "canonical-relu": 0.250}


def _pilot_measured(pilot, n_permutations: int, seed: int) -> tuple[dict, dict]:
    meas, tests = {}, {}
    for name, tab in pilot.items():
        t = anova_permutation_test(tab["test"], n_permutations=n_permutations, seed=seed)
        tests[name] = t
        meas[f"{name}: per-permutation mean test %"] = [round(float(x), 3) for x in t.treatment_means]
        meas[f"{name}: sd over seeds"] = [round(float(x), 3) for x in tab["test"].std(axis=1, ddof=1)]
        meas[f"{name}: mean train %"] = float(tab["train"].mean())
        meas[f"{name}: range pp"] = t.effect_range
        meas[f"{name}: median same-seed diff pp"] = t.median_block_difference
        meas[f"{name}: F(3,21)"] = t.F
        meas[f"{name}: p permutation"] = t.p_value
        meas[f"{name}: p parametric"] = t.p_parametric
        meas[f"{name}: ref p"] = REF_P[name]
    return meas, tests


def _planted_evidence(ctx, n_permutations: int):
    Y = _planted_matrix()
    t = anova_permutation_test(Y, n_permutations=n_permutations, seed=ctx.seed)
    meas = {"planted: F": t.F, "planted: p permutation": t.p_value, "planted: p parametric": t.p_parametric,
            "planted: smallest attainable permutation p": 1.0 / (1 + n_permutations)}
    conds = {"planted: no permutation effect (p > 0.01)": t.p_value > 0.01}
    meas["planted: parametric p < 1e-6"] = t.p_parametric < 1e-6
    return conds, meas


@claim("GAO-ABS3-PERMTEST", paper=PAPER, provenance="derived", cost="slow",
       covers=("GAO-ABS3", "GAO-F12", "GAO-PRE2"),
       statement="T5 pilot on digits (gao2023.md §6.2: fixed unit-ETF classifier P_πW, 3 settings × 4 permutations × "
                 "8 seeds, 200 epochs): in the two exactly symmetric settings (rotated ETF d = 16 with linear "
                 "features; canonical ETF d = 10 with ReLU features) the two-way ANOVA (permutation × seed) "
                 "permutation p-value (9999 within-seed permutations) is > 0.01 — no detectable alignment effect. The "
                 "broken-symmetry setting (rotated ETF, ReLU) is reported only.",
       control="a synthetic 4 × 8 accuracy table with seed effects, noise sd 0.2 pp and +2 pp on one permutation: the "
               "'no effect' assertion (p > 0.01) must FAIL (parametric p < 1e-6 reported; the permutation p is bounded "
               "below by 1/(1 + 9999))")
def abs3_permtest(ctx, control=False):
    nperm = 9999
    if control:
        conds, meas = _planted_evidence(ctx, nperm)
        return verdict_from(conds, measured=meas)
    meas, tests = _pilot_measured(_pilot(ctx), nperm, ctx.seed)
    conds = {f"{n}: permutation p > 0.01": tests[n].p_value > 0.01 for n in SYMMETRIC}
    return verdict_from(conds, measured=meas)


# ============================================================================================
# GAO-E7: significance of Fig. 4
# ============================================================================================

@claim("GAO-E7", paper=PAPER, provenance="derived", cost="slow", covers=("GAO-E7", "GAO-F12", "GAO-ABS3"),
       statement="Erratum GAO-E7 (reviewers 1, 4): with a canonical fixed ETF (and a rotated ETF with linear features) "
                 "the permutation effect is zero in distribution (GAO-F12), so same-seed accuracy differences are "
                 "noise. Check: (i) coupled-init runs give identical test logits (≤ 1e-10, GAO-F12-SYMMETRY runs); "
                 "(ii) in the T5 pilot's exactly symmetric settings the ANOVA permutation p-value is > 0.01 while the "
                 "median same-seed difference is > 0 (reported: spec 0.13 pp linear, 16.44 pp fragile canonical-ReLU).",
       control="the planted-effect matrix (seed effects, sd 0.2 pp, +2 pp on one permutation): 'no effect' must FAIL")
def e7_significance(ctx, control=False):
    nperm = 9999
    if control:
        conds, meas = _planted_evidence(ctx, nperm)
        return verdict_from(conds, measured=meas)
    tol = ctx.tol(1e-10)
    ev = _f12_evidence(ctx, {"canonical d=10 ReLU": _f12_pair(ctx, "canonical-relu"),
                             "rotated d=16 linear": _f12_pair(ctx, "rotated-linear")}, tol)
    meas, tests = _pilot_measured(_pilot(ctx), nperm, ctx.seed)
    conds = {"coupled-init logits identical": ev.passed}
    for n in SYMMETRIC:
        conds[f"{n}: permutation p > 0.01"] = tests[n].p_value > 0.01
        conds[f"{n}: same-seed differences are nonzero"] = tests[n].median_block_difference > 0
    return verdict_from(conds, measured={**ev.measured, **meas}, tolerance=tol)

