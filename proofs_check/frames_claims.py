"""Frame-geometry claims of ``shared/spec/gao2023.md`` (GAO-F15, GAO-F16, GAO-PRE1, GAO-E9, GAO-E10).

§4 claims 20 (GAO-F15-FRAMES) and 21 (GAO-F16-UFMWD), and the errata GAO-E9 and GAO-E10. The
library under test is :mod:`ncbounds.frames`: the annealed log-sum-exp + L-BFGS frame optimiser with
sequential-LP polish (Tammes / Rankin 1955; Grassmannian frames, Strohmer–Heath 2003; Welch bound)
and the local minimiser of the UFM with cross-entropy and weight decay.

Every optimiser run is computed once per context and shared between claims (``ctx.memo`` keys
``frames:<kind>:<K>,<d>:<restarts>:<seed>`` and ``frames:ufmwd:<K>,<d>:<n>:<λ>:<restarts>:<seed>``).
Restart budget: the spec's reference values are "best of 40 restarts" for the frames; the default
run uses 8 seeded restarts per frame (at seed 0 every one of them reaches the polished optimum, and
all four claims pass at seeds 0–3) and ``ctx.deep`` uses the spec's 40 (also passing). The UFM
runs use the spec's counts (12, 40 for (5,3)) in both modes: they are cheap.
"""

from __future__ import annotations

import math

import numpy as np

from ncbounds.bounds.alignment import named_frame, orbit_count
from ncbounds.frames import optimize_frame, orthogonal_simplices, ufm_ce_weight_decay_local

from .registry import claim, verdict_from

PAPER = "gao2023"

RANKIN = ((4, 2), (5, 3), (6, 3), (6, 4), (8, 4))
ANTIPODAL = ((4, 2), (6, 3), (8, 4), (5, 3))          # max-sep optimum has coherence 1
SIMPLEX_CASES = ((3, 2), (4, 3), (5, 4))              # K = d+1
GRASS_MU = {(4, 2): 1 / math.sqrt(2), (6, 3): 1 / math.sqrt(5), (5, 3): 0.4472, (8, 3): 0.6476}
ANTIPRISM_ANGLE = 74.8585
PENTAGON_ANGLE, COS36 = 72.0, math.cos(math.radians(36.0))


# ============================================================================================
# shared runs
# ============================================================================================

def _frame_restarts(ctx) -> int:
    return 40 if ctx.deep else 8


def _frame(ctx, K: int, d: int, kind: str):
    R = _frame_restarts(ctx)
    return ctx.memo(f"frames:{kind}:{K},{d}:{R}:{ctx.seed}",
                    lambda: optimize_frame(K, d, kind, restarts=R, seed=ctx.seed))


def _ufm(ctx, K: int, d: int, n: int, lam: float, restarts: int | None = None):
    R = restarts if restarts is not None else (40 if (K, d) == (5, 3) else 12)
    return ctx.memo(f"frames:ufmwd:{K},{d}:{n}:{lam:g}:{R}:{ctx.seed}",
                    lambda: ufm_ce_weight_decay_local(K, d, n, lam, restarts=R, seed=ctx.seed))


def _ufm_relaxed_90(ctx, n: int = 1, lam: float = 5e-4):
    """GAO-F16 "relaxed 90° configuration" of (5,3): L-BFGS from W = H = 2.5·(±e_1 + triangle)."""
    def run():
        C = 2.5 * orthogonal_simplices((2, 3))
        return ufm_ce_weight_decay_local(5, 3, n, lam, init=(C, np.repeat(C, n, axis=0)))
    return ctx.memo(f"frames:ufmwd:relaxed90:{n}:{lam:g}", run)


def _gram_signature(A: np.ndarray) -> np.ndarray:
    U = A / np.linalg.norm(A, axis=1, keepdims=True)
    G = U @ U.T
    return np.sort(G[np.triu_indices(len(A), 1)])


def _f(x: float, nd: int = 6) -> float:
    return float(round(float(x), nd)) if math.isfinite(x) else float(x)


# ============================================================================================
# claim 20: GAO-F15-FRAMES
# ============================================================================================

@claim("GAO-F15-FRAMES", paper=PAPER, provenance="derived", cost="medium", covers=("GAO-F15", "GAO-PRE1"),
       statement="Annealed log-sum-exp smooth max (β = 5 → 5120, doubling) + L-BFGS on unit vectors, best of 8 seeded "
                 "restarts (40 with --deep), SLP-polished, for the max-separation (Tammes) and coherence (Grassmannian, "
                 "Strohmer–Heath 2003) objectives: (i) Rankin regime (4,2), (5,3), (6,3), (6,4), (8,4): max-ip = 0 "
                 "(1e-4 before polish, 1e-8 after); (ii) the max-sep optimum of (4,2), (6,3), (8,4), (5,3) has "
                 "coherence 1 (1e-6); (iii) Grassmannian μ*: (4,2) 1/√2, (6,3) 1/√5, (5,3) 0.4472, (8,3) 0.6476 "
                 "(1e-3); (iv) K = d+1 ∈ {(3,2), (4,3), (5,4)}: max-sep → simplex (max-ip −1/(K−1), Gram = ETF Gram) "
                 "and μ = Welch for both objectives (1e-6); (v) (5,2): pentagon, 72°, μ = cos 36° = 0.80902 (1e-6); "
                 "(8,3): 74.8585° (0.01°), the square antiprism (orbit count 2520, GAO-F13).",
       control="(iv)'s assertion 'max-sep optimum = simplex value −1/(K−1)' run with d = K−2 ((4,2), (5,3), (6,4)): "
               "the simplex does not fit, max-ip is 0, so it must fail")
def f15_frames(ctx, control=False):
    tol6, tol8, tol3 = ctx.tol(1e-6), ctx.tol(1e-8), ctx.tol(1e-3)
    meas, exp, conds = {}, {}, {}
    if control:
        for K in (4, 5, 6):
            r = _frame(ctx, K, K - 2, "maxsep")
            key = f"({K},{K - 2}) max_ip"
            meas[key], exp[key] = r.max_ip, -1.0 / (K - 1)
            conds[f"{key} = -1/(K-1)"] = abs(r.max_ip + 1.0 / (K - 1)) <= tol6
        return verdict_from(conds, measured=meas, expected=exp, tolerance=tol6)
    # (i) Rankin regime
    for K, d in RANKIN:
        r = _frame(ctx, K, d, "maxsep")
        meas[f"({K},{d}) max_ip"], exp[f"({K},{d}) max_ip"] = r.max_ip, 0.0
        meas[f"({K},{d}) max_ip before polish"] = r.smooth_objective
        meas[f"({K},{d}) hits/restarts"] = f"{r.hits}/{r.restarts}"
        conds[f"(i) ({K},{d}) |max-ip| <= 1e-4 before polish"] = abs(r.smooth_objective) <= ctx.tol(1e-4)
        conds[f"(i) ({K},{d}) |max-ip| <= 1e-8 after polish"] = abs(r.max_ip) <= tol8
    # (ii) antipodal pair in every max-separated optimum
    for K, d in ANTIPODAL:
        r = _frame(ctx, K, d, "maxsep")
        meas[f"({K},{d}) maxsep coherence"], exp[f"({K},{d}) maxsep coherence"] = r.coherence, 1.0
        conds[f"(ii) ({K},{d}) coherence 1"] = abs(r.coherence - 1.0) <= tol6
    # (iii) Grassmannian coherence
    for (K, d), mu in GRASS_MU.items():
        r = _frame(ctx, K, d, "grassmannian")
        meas[f"({K},{d}) grassmannian mu"], exp[f"({K},{d}) grassmannian mu"] = r.coherence, _f(mu)
        conds[f"(iii) ({K},{d}) mu"] = abs(r.coherence - mu) <= tol3
    # (iv) K = d+1: simplex, Welch
    for K, d in SIMPLEX_CASES:
        m, g = _frame(ctx, K, d, "maxsep"), _frame(ctx, K, d, "grassmannian")
        etf_sig = np.full(K * (K - 1) // 2, -1.0 / (K - 1))
        meas[f"({K},{d}) maxsep max_ip"], exp[f"({K},{d}) maxsep max_ip"] = m.max_ip, -1.0 / (K - 1)
        meas[f"({K},{d}) grassmannian mu"], exp[f"({K},{d}) grassmannian mu"] = g.coherence, m.welch
        gram_err = float(np.max(np.abs(_gram_signature(m.frame) - etf_sig)))
        meas[f"({K},{d}) maxsep Gram - ETF Gram"] = gram_err
        conds[f"(iv) ({K},{d}) max-ip = -1/(K-1)"] = abs(m.max_ip + 1.0 / (K - 1)) <= tol6
        conds[f"(iv) ({K},{d}) Gram = ETF Gram"] = gram_err <= tol6
        conds[f"(iv) ({K},{d}) maxsep coherence = Welch"] = abs(m.coherence - m.welch) <= tol6
        conds[f"(iv) ({K},{d}) Grassmannian mu = Welch"] = abs(g.coherence - g.welch) <= tol6
    # (v) pentagon and square antiprism
    p, pg = _frame(ctx, 5, 2, "maxsep"), _frame(ctx, 5, 2, "grassmannian")
    meas["(5,2) maxsep angle"], exp["(5,2) maxsep angle"] = p.min_angle_deg, PENTAGON_ANGLE
    meas["(5,2) maxsep coherence"], exp["(5,2) maxsep coherence"] = p.coherence, _f(COS36)
    meas["(5,2) grassmannian mu"], exp["(5,2) grassmannian mu"] = pg.coherence, _f(COS36)
    conds["(v) (5,2) 72 deg"] = abs(p.min_angle_deg - PENTAGON_ANGLE) <= tol6
    conds["(v) (5,2) maxsep coherence cos 36"] = abs(p.coherence - COS36) <= tol6
    conds["(v) (5,2) Grassmannian mu cos 36"] = abs(pg.coherence - COS36) <= tol6
    a = _frame(ctx, 8, 3, "maxsep")
    orb = orbit_count(a.frame).orbits
    meas["(8,3) maxsep angle"], exp["(8,3) maxsep angle"] = a.min_angle_deg, ANTIPRISM_ANGLE
    meas["(8,3) orbit count"], exp["(8,3) orbit count"] = orb, 2520
    sig_err = float(np.max(np.abs(_gram_signature(a.frame) - _gram_signature(named_frame("square_antiprism")))))
    meas["(8,3) Gram - antiprism Gram"] = sig_err
    conds["(v) (8,3) 74.8585 deg"] = abs(a.min_angle_deg - ANTIPRISM_ANGLE) <= ctx.tol(0.01)
    conds["(v) (8,3) square antiprism (sorted Gram, 1e-6)"] = sig_err <= tol6
    conds["(v) (8,3) orbit count 2520"] = orb == 2520
    meas["restarts per frame"] = _frame_restarts(ctx)
    return verdict_from(conds, measured=meas, expected=exp, tolerance=tol6)


# ============================================================================================
# claim 21: GAO-F16-UFMWD
# ============================================================================================

_SHAPES = {(4, 3): "simplex", (4, 2): "square", (5, 2): "pentagon", (6, 3): "octahedron"}
_F16_NORMS_43 = {5e-3: 2.2868, 5e-4: 2.7735}                  # n = 2 (measured; the spec omits n)
_F16_83 = {(1, 5e-3): 72.86, (1, 5e-4): 73.54, (1, 5e-5): 73.88, (2, 5e-3): 72.706, (2, 5e-4): 73.467}


@claim("GAO-F16-UFMWD", paper=PAPER, provenance="derived", cost="medium", covers=("GAO-F16", "GAO-PRE1"),
       statement="Bias-free UFM, (1/N)ΣCE + (λ/2)(‖W‖² + ‖H‖²), L-BFGS (analytic gradient) from seeded N(0, 0.25) "
                 "starts, 12 restarts (40 for (5,3)), best refined by Newton; each best point is first-order "
                 "stationary (‖∇‖ ≤ 1e-8; the Hessian's smallest eigenvalue off the rotation gauge is reported, never "
                 "a global claim). (4,3) ETF, (4,2) square, (5,2) pentagon, (6,3) octahedron at λ ∈ {5e-3, 5e-4}, "
                 "n ∈ {1, 2}: sorted Gram of W/‖w‖ = the named frame's (1e-6), equinorm (relative spread < 1e-4), "
                 "within-class spread < 1e-6, self-duality cos(w_k, μ_k) > 1 − 1e-6; (4,3), n = 2: ‖w_k‖ = 2.2868 / "
                 "2.7735 (1e-4). (5,3): λ = 5e-3, n = 2: 90.000° (1e-3°), norms 2.4291–2.4982 (1e-4); λ = 5e-4: best "
                 "objective 0.0196115 (n = 1, 1e-6) below the relaxed 90° configuration's 0.0196653 (1e-6), min angle "
                 "87.18° (n = 1) and 87.163° (n = 2) (0.05°). (8,3): min angle 72.86° / 73.54° / 73.88° at λ = 5e-3 / "
                 "5e-4 / 5e-5 (n = 1), 72.706° / 73.467° (n = 2) (0.05°), all below 74.856°.",
       control="assert 'equinorm' (relative spread of ‖w_k‖ < 1e-4) for (5,3), λ = 5e-4, n = 1: must fail "
               "(norms 2.3765–2.6794)")
def f16_ufmwd(ctx, control=False):
    tol6 = ctx.tol(1e-6)
    meas, exp, conds = {}, {}, {}
    if control:
        r = _ufm(ctx, 5, 3, 1, 5e-4)
        meas = {"w_norm_min": r.w_norms.min(), "w_norm_max": r.w_norms.max(), "equinorm_spread": r.equinorm_spread}
        return verdict_from({"equinorm (spread < 1e-4)": r.equinorm_spread < ctx.tol(1e-4)}, measured=meas,
                            expected={"equinorm_spread": 0.0}, tolerance=ctx.tol(1e-4))
    worst_grad = 0.0
    for (K, d), name in _SHAPES.items():
        ref = _gram_signature(named_frame(name))
        for lam in (5e-3, 5e-4):
            for n in (1, 2):
                r = _ufm(ctx, K, d, n, lam)
                tag = f"({K},{d}) lam={lam:g} n={n}"
                worst_grad = max(worst_grad, r.grad_norm)
                gerr = float(np.max(np.abs(_gram_signature(r.W) - ref)))
                meas[f"{tag} min angle"] = r.min_angle_deg
                conds[f"{tag} {name}"] = gerr <= tol6
                conds[f"{tag} equinorm"] = r.equinorm_spread < ctx.tol(1e-4)
                conds[f"{tag} within-class spread"] = r.within_class_spread < tol6
                conds[f"{tag} self-dual"] = r.self_duality_min > 1 - tol6
                if (K, d) == (4, 3) and n == 2:
                    meas[f"{tag} |w_k|"], exp[f"{tag} |w_k|"] = float(r.w_norms.mean()), _F16_NORMS_43[lam]
                    conds[f"{tag} |w_k| = {_F16_NORMS_43[lam]}"] = abs(r.w_norms.mean() - _F16_NORMS_43[lam]) <= ctx.tol(1e-4)
    # (5,3)
    a = _ufm(ctx, 5, 3, 2, 5e-3)
    meas["(5,3) lam=0.005 n=2 min angle"], exp["(5,3) lam=0.005 n=2 min angle"] = a.min_angle_deg, 90.0
    meas["(5,3) lam=0.005 n=2 norms"] = f"{a.w_norms.min():.4f}-{a.w_norms.max():.4f}"
    conds["(5,3) lam=5e-3 90 deg"] = abs(a.min_angle_deg - 90.0) <= ctx.tol(1e-3)
    conds["(5,3) lam=5e-3 norms 2.4291-2.4982"] = (abs(a.w_norms.min() - 2.4291) <= ctx.tol(1e-4)
                                                   and abs(a.w_norms.max() - 2.4982) <= ctx.tol(1e-4))
    b1, b2, rx = _ufm(ctx, 5, 3, 1, 5e-4), _ufm(ctx, 5, 3, 2, 5e-4), _ufm_relaxed_90(ctx)
    for k, v, e in (("(5,3) lam=5e-4 n=1 objective", b1.objective, 0.0196115),
                    ("(5,3) relaxed 90 objective", rx.objective, 0.0196653)):
        meas[k], exp[k] = v, e
        conds[k] = abs(v - e) <= tol6
    meas["(5,3) relaxed 90 min angle"] = rx.min_angle_deg
    conds["(5,3) best < relaxed 90"] = b1.objective < rx.objective
    for k, r, e in (("(5,3) lam=5e-4 n=1 min angle", b1, 87.18), ("(5,3) lam=5e-4 n=2 min angle", b2, 87.163)):
        meas[k], exp[k] = r.min_angle_deg, e
        conds[k] = abs(r.min_angle_deg - e) <= ctx.tol(0.05)
    # (8,3)
    for (n, lam), e in _F16_83.items():
        r = _ufm(ctx, 8, 3, n, lam)
        k = f"(8,3) lam={lam:g} n={n} min angle"
        meas[k], exp[k] = r.min_angle_deg, e
        conds[k] = abs(r.min_angle_deg - e) <= ctx.tol(0.05) and r.min_angle_deg < 74.856
        worst_grad = max(worst_grad, r.grad_norm)
    for r in (a, b1, b2, rx):
        worst_grad = max(worst_grad, r.grad_norm)
    meas["max grad norm"] = worst_grad
    meas["(5,3) lam=5e-4 n=1 hessian min eig"] = b1.hessian_min_eig
    meas["(5,3) relaxed 90 hessian min eig"] = rx.hessian_min_eig
    conds["first-order certificate (grad <= 1e-8)"] = worst_grad <= ctx.tol(1e-8)
    return verdict_from(conds, measured=meas, expected=exp, tolerance=tol6)


# ============================================================================================
# GAO-E9, GAO-E10
# ============================================================================================

@claim("GAO-E9", paper=PAPER, provenance="derived", cost="medium", covers=("GAO-E9", "GAO-F15", "GAO-PRE1"),
       statement="'Grassmannian frame' (min coherence, Strohmer–Heath 2003) and 'maximal separation' (min max-ip, "
                 "Tammes) differ for K > d+1: for (4,2), (5,3), (6,3), (8,4) the max-separated optimum (GAO-F15 "
                 "optimiser, SLP-polished) has coherence 1 (1e-6; an antipodal pair) while the Grassmannian optimum has "
                 "μ < 1 (at most 0.75).",
       control="K = d+1 ((3,2), (4,3), (5,4)), where both objectives give the simplex: the assertion 'max-sep coherence "
               "1 and Grassmannian μ < 1' must fail (both coherences equal the Welch bound 1/(K−1))")
def e9_grassmannian_vs_maxsep(ctx, control=False):
    cases = SIMPLEX_CASES if control else ANTIPODAL
    meas, conds = {}, {}
    for K, d in cases:
        m, g = _frame(ctx, K, d, "maxsep"), _frame(ctx, K, d, "grassmannian")
        meas[f"({K},{d}) maxsep coherence"] = m.coherence
        meas[f"({K},{d}) grassmannian mu"] = g.coherence
        conds[f"({K},{d}) maxsep coherence 1"] = abs(m.coherence - 1.0) <= ctx.tol(1e-6)
        conds[f"({K},{d}) grassmannian mu < 1"] = g.coherence <= 0.75
    return verdict_from(conds, measured=meas, expected={}, tolerance=ctx.tol(1e-6))


@claim("GAO-E10", paper=PAPER, provenance="derived", cost="medium", covers=("GAO-E10", "GAO-F16", "GAO-PRE1"),
       statement="'Generalized NC ⇒ max-separated frame' fails for CE + weight decay: at (5,3), λ = 5e-4, n = 1 the best "
                 "of 40 seeded L-BFGS restarts (first-order stationary, ‖∇‖ ≤ 1e-8, positive Hessian off the gauge) has "
                 "classifier min angle 87.18° < 90° (Tammes/Rankin optimum) and objective 0.0196115 < 0.0196653 of the "
                 "relaxed 90° configuration (±e₁ + triangle).",
       control="(6,3), λ = 5e-4: the minimiser is the octahedron (90°, the max-separated frame), so 'min angle < 90°' "
               "must fail")
def e10_ufmwd_not_maxsep(ctx, control=False):
    if control:
        r = _ufm(ctx, 6, 3, 1, 5e-4)
        meas = {"(6,3) min angle": r.min_angle_deg, "grad norm": r.grad_norm}
        return verdict_from({"min angle < 90 - 0.5": r.min_angle_deg < 89.5}, measured=meas,
                            expected={"(6,3) min angle": 90.0})
    r, rx = _ufm(ctx, 5, 3, 1, 5e-4), _ufm_relaxed_90(ctx)
    meas = {"(5,3) min angle": r.min_angle_deg, "objective": r.objective, "relaxed 90 objective": rx.objective,
            "relaxed 90 min angle": rx.min_angle_deg, "grad norm": r.grad_norm,
            "hessian min eig (off gauge)": r.hessian_min_eig, "hits/restarts": f"{r.hits}/{r.restarts}"}
    conds = {"min angle < 90 - 0.5": r.min_angle_deg < 89.5,
             "below relaxed 90 objective": r.objective < rx.objective - 1e-6,
             "first-order stationary": r.grad_norm <= ctx.tol(1e-8),
             "strict local min off gauge": r.hessian_min_eig > 0}
    return verdict_from(conds, measured=meas, expected={"(5,3) min angle": 87.18, "objective": 0.0196115,
                                                        "relaxed 90 objective": 0.0196653})
