r"""Sufficient conditions for neural collapse, both sides evaluated: Jacot et al. 2024 and Wu & Mondelli 2025.

Every inequality is returned as an :class:`Inequality`: the measured left side, the explicit right
side, the hypotheses as booleans, and a verdict — ``"PASS"`` (applicable and holds), ``"FAIL"``
(applicable and violated: a finding), ``"N/A"`` (some hypothesis fails, or the right side is
undefined). **A bound whose hypothesis is violated is reported as N/A, never as holding**; the raw
comparison is still available as ``raw_holds`` so that planted counterexamples (e.g. a constant
passed below its measured value) can be demonstrated.

Jacot, Súkeník, Wang, Mondelli 2024 (``shared/spec/jacot2024.md``), :func:`jacot_theorem31`
----------------------------------------------------------------------------------------------------
Setting (JACOT-D1): X (d × N) columns are samples, Y (K × N) one-hot columns, L1 nonlinear then
L2 ≥ 2 linear layers, Z_ℓ (n_ℓ × N). Measured (:func:`jacot_measure`): ε1 = ‖Z_L − Y‖_F,
ε2 = max_ℓ‖D_ℓ‖_op over linear pairs (D_ℓ = W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ, JACOT-D6), r = max of
‖Z_{L−2}‖_op, ‖Z_{L−1}‖_op and ‖W_ℓ‖_op over the linear layers (H3). Ψ = r(ε1/(s_K(Y) − ε1) +
√(n_{L−1}ε2)). Rows (Theorem 3.1 / B.1 as the spec reconstructs them):

=================  ===================================================================  ==============
row                inequality                                                           extra hyp.
=================  ===================================================================  ==============
``eq22``           s_K(W_L) ≥ (s_K(Y) − ε1)/r                                           —
``eq23``           ‖Z_{L−1} − W_L⁺Y‖_F ≤ Ψ                                                —
``nc1``            NC1(Z_{L−1}) ≤ r²Ψ²/(N(√((K−1)/K) − 2ε1/√N)²)                          size cond.
``lc2``            ‖(W_LW_Lᵀ)^{L2} − PPᵀ‖_op ≤ (L2²/2)ε2 r^{2(L2−1)}, P = W_{L:L1+1}       —
``kappa[e,s]``     κ(W_L) ≤ c3^{1/L2}(1+ε)^e + c3^{1/L2−1}ε, ε = δ/(s²−δ),                 κ(P) ≤ c3, s² > δ
                   δ = (L2²/2)r^{2(L2−1)}ε2; e ∈ {1/(2L2), 1/L2}; s "direct" = s_K(P) or
                   "printed" = (s_K(Y) − ε1)/(‖X‖_op r^{L1}) (needs ‖Z_{L1}‖ ≤ ‖X‖ r^{L1})
``nc2``            κ(Z̄) ≤ (κ(W_L) + rΨ/s_K(Y))/(1 − rΨ/s_K(Y))                           rΨ < s_K(Y)
``nc3[c_N]``       NC3 ≥ [(√N − ε1)² + Nκ⁻² − (rΨ + c_N(κ² − 1))²]/(2Nκ(1 + ε1)),         size cond.
                   κ = κ(W_L), c_N = √K (printed) or √N (corrected, JACOT-E1)
``e1_step[c_N]``   ‖((W′)⁺ − W′ᵀ)Y‖_F ≤ c_N(κ − 1/κ), W′ = W_L/‖W_L‖_op (the NC3 proof        —
                   step; √K as printed fails for n ≥ 2, √N holds: JACOT-E1)
``p51``            κ(P) ≤ exp(½[c + L1K log K − 2K log((s_K(Y) − ε1)/‖X‖_op)]),          σ meets A4.2
                   c = ‖θ‖² − LK (Proposition 5.1, (14))
=================  ===================================================================  ==============

Common hypotheses of Theorem 3.1: L2 ≥ 2; balanced classes; ε1 < s_K(Y) and
ε1 ≤ √((K−1)N/(4K)) (the size condition); (H1)–(H3) with the ε1, ε2, r used (they hold
automatically for the measured values; passing smaller values violates them).

Wu & Mondelli 2025 (``shared/spec/wu2025.md``), :func:`wu_mondelli_bounds`
----------------------------------------------------------------------------
Paper orientation: H (p × n) = H_ρ, W (p × q), Y (q × n), predictor γWᵀH, R = γWᵀH − Y,
L_n = ‖R‖²/(2n). E₂ = H − γ⁻¹W(WᵀW)⁻¹Y, x = ‖E₂‖², A = (q−1)n/(2qσ_max(W)²), A_γ = A/γ².
ε_S² is measured drift-only as ε_a² = mean_j‖g_{a,j}‖² (the entropy score is undefined for finite
particles, WU-E7; Theorem 4.2's proof uses only D = (1/N)Σ_j g_{a,j}σ(u_jᵀX)). Rows:

=================  ===================================================================  ==============
``eq7``            ‖E₁‖² ≤ 2(λ⁻⁴γ⁴C₁²σ_max⁴ + λ⁻²)C₁²nε_S²  (printed (7))                  D given
``eq10``           ‖E₂‖² ≤ (7)'s RHS + [2nγ⁻²L_n + 2λ⁻²σ_max²C₁²nε_S²]/σ_min² (printed)   rank W = q
``D_bound``        ‖D‖_F² ≤ C₁²nε_a²  (WU-F3; ``D_bound_sharp`` with sup|σ|² in place of C₁²)
``f3_safe``        ‖E₂‖² ≤ 2·2(λ⁻⁴γ⁴s_K²σ_max⁴ + λ⁻²)‖D‖² + 2(4nγ⁻²L_n + 2λ⁻²σ_max²‖D‖²)/σ_min²
                   (WU-F3, measured ‖D‖, s_K = ‖K′‖_op; ``f3_safe_from_eps`` with the ε_a² bounds)
``c44_printed``    NC1 ≤ 16x/(A − 4x)  (Corollary 4.4 as printed; γ missing: WU-E1)      x ≤ A/4
``c44_gamma``      NC1 ≤ 16x/(A_γ − 4x)  (γ restored)                                     x ≤ A_γ/4
``f4_sharp``       NC1 ≤ x/(A_γ − x)  (WU-F4)                                             x < A_γ
=================  ===================================================================  ==============

At γ > 4√2 an adversarial within-class E₂ makes ``c44_printed`` FAIL while its hypotheses hold
(:func:`wu_gamma_counterexample`, WU-E1); the γ-restored forms hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .._results import Result
from .._validate import as_float_array, check_positive
from ..errors import InputError
from ..nets import Activation, deep_head_forward, deep_head_grad, get_activation, jacot_nc1, wu_nc1

__all__ = [
    "Inequality",
    "JacotMeasured",
    "JacotBounds",
    "WuMeasured",
    "WuBounds",
    "jacot_measure",
    "jacot_theorem31",
    "jacot_from_run",
    "jacot_nc3_step",
    "wu_measure",
    "wu_mondelli_bounds",
    "wu_from_run",
    "wu_gamma_counterexample",
    "kappa",
    "ntk_op",
    "ntk_bound",
]

PASS, FAIL, NA = "PASS", "FAIL", "N/A"


# ------------------------------------------------------------------------------------------------
# the inequality record
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inequality(Result):
    """One inequality with both sides evaluated.

    Attributes:
      id: spec statement ID (e.g. ``"JACOT-T3.1-NC1"``). name: row name. statement: in words.
      lhs, rhs: measured left side and explicit right side (NaN where undefined).
      relation: ``"<="`` or ``">="`` (lhs relation rhs).
      hypotheses: name → bool. applicable: all hypotheses hold and rhs is defined.
      holds: lhs relation rhs when applicable, else ``None`` (never True for a violated hypothesis).
      raw_holds: the comparison regardless of hypotheses (``None`` if rhs undefined).
      verdict: ``"PASS"``/``"FAIL"``/``"N/A"``. ratio: lhs/rhs. tag: provenance/strength. params.
    """

    id: str
    name: str
    statement: str
    lhs: float
    rhs: float
    relation: str
    hypotheses: dict
    applicable: bool
    holds: bool | None
    raw_holds: bool | None
    verdict: str
    ratio: float
    tag: str
    params: dict = field(default_factory=dict)
    note: str = ""


def _ineq(id_, name, statement, lhs, rhs, relation, hyp, tag, params=None, note="", rtol=1e-9,
          atol=0.0) -> Inequality:
    """``atol``: the round-off of computing ``lhs`` where it is a difference of large terms (never a
    tolerance on the inequality itself)."""
    lhs, rhs = float(lhs), float(rhs)
    defined = np.isfinite(rhs) and np.isfinite(lhs)
    raw = None
    if defined:
        slack = rtol * max(abs(lhs), abs(rhs), 1e-300) + atol
        raw = bool(lhs <= rhs + slack) if relation == "<=" else bool(lhs >= rhs - slack)
    applicable = bool(all(hyp.values()) and defined)
    holds = raw if applicable else None
    verdict = NA if not applicable else (PASS if holds else FAIL)
    if not defined and all(hyp.values()):
        note = (note + " " if note else "") + "right side undefined at these values"
    ratio = lhs / rhs if defined and rhs != 0 else float("nan")
    return Inequality(id=id_, name=name, statement=statement, lhs=lhs, rhs=rhs, relation=relation,
                      hypotheses={k: bool(v) for k, v in hyp.items()}, applicable=applicable, holds=holds,
                      raw_holds=raw, verdict=verdict, ratio=float(ratio), tag=tag, params=dict(params or {}), note=note)


class _Rows:
    """Mixin for results holding a dict of inequalities."""

    def table(self) -> list[dict]:
        """One dict per row: name, id, lhs, relation, rhs, verdict, failed hypotheses."""
        return [{"name": r.name, "id": r.id, "lhs": r.lhs, "relation": r.relation, "rhs": r.rhs,
                 "verdict": r.verdict, "failed_hypotheses": [k for k, v in r.hypotheses.items() if not v]}
                for r in self.rows.values()]

    @property
    def verdicts(self) -> dict:
        return {k: r.verdict for k, r in self.rows.items()}

    @property
    def ok(self) -> bool:
        """No applicable row fails."""
        return all(r.verdict != FAIL for r in self.rows.values())


def kappa(A, k: int | None = None) -> float:
    """Condition number s_1/s_k (JACOT-D2); ``k`` defaults to the numerical rank (tol 1e-12·s_1)."""
    s = np.linalg.svd(np.asarray(A, dtype=float), compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return float("inf")
    if k is None:
        k = int(np.sum(s > 1e-12 * s[0]))
    if k > s.size or s[k - 1] == 0:
        return float("inf")
    return float(s[0] / s[k - 1])


def ntk_op(Ws: Sequence, X, L1: int, activation="smooth_leaky") -> float:
    r"""‖Θ‖_op of the NTK Gram :math:`\Theta = \nabla_\theta Z_L (\nabla_\theta Z_L)^\top` (jacot2024.md JACOT-D9).

    Row (c, i) of the Jacobian is the gradient of ⟨Z_L, E_ci⟩, i.e. :func:`ncbounds.nets.deep_head_grad`
    with residual E_ci and λ = 0: N·K backward passes, exact (no sketching)."""
    Zs, _ = deep_head_forward(Ws, X, L1, activation)
    ZL = Zs[-1]
    K, N = ZL.shape
    rows = []
    for c in range(K):
        for i in range(N):
            A = np.zeros((K, N))
            A[c, i] = 1.0
            _, _, T, _ = deep_head_grad(Ws, X, ZL - A, L1, 0.0, activation, return_T=True)
            rows.append(np.concatenate([t.ravel() for t in T]))
    J = np.array(rows)
    return float(np.linalg.eigvalsh(J @ J.T).max())


def ntk_bound(Ws: Sequence, X, Y, L1: int, *, r: float | None = None, power: int = 2,
              activation="smooth_leaky") -> dict:
    r"""Right side of Proposition 5.3, eq. (17) (jacot2024.md JACOT-P5.3):

    .. math:: \|\Theta\|_{op} \ge \frac{(s_K(Y)-\epsilon_1)^2}{K^{p} r^2}\sum_{\ell=L_1+1}^{L}\kappa(W_{L:\ell})^2,

    with ε1 = ‖Z_L − Y‖_F, r = max over the linear layers of ‖W_ℓ‖_op unless given, and p = ``power``
    (2 as printed; 1 is the variant the spec reports, PARAM K² vs K). NaN when ε1 ≥ s_K(Y) (the bound
    needs interpolation). Returns ``{"bound", "r", "eps1", "kappas"}``."""
    Zs, _ = deep_head_forward(Ws, X, L1, activation)
    Y = np.asarray(Y, dtype=float)
    K = Y.shape[0]
    e1 = float(np.linalg.norm(Zs[-1] - Y))
    sKY = float(np.linalg.svd(Y, compute_uv=False)[K - 1])
    L = len(Ws)
    rr = max(float(np.linalg.norm(W, 2)) for W in Ws[L1:]) if r is None else float(r)
    kap = []
    for ell in range(L1 + 1, L + 1):
        P = Ws[-1]
        for W in reversed(Ws[ell - 1:-1]):
            P = P @ W
        kap.append(kappa(P, K))
    val = (sKY - e1) ** 2 * sum(k * k for k in kap) / (K ** power * rr ** 2) if e1 < sKY else float("nan")
    return {"bound": val, "r": rr, "eps1": e1, "kappas": kap}


def _op(A) -> float:
    return float(np.linalg.norm(A, 2))


def _as_onehot(Y) -> np.ndarray:
    Y = np.asarray(Y)
    if Y.ndim == 1:
        K = int(Y.max()) + 1
        O = np.zeros((K, Y.size))
        O[Y.astype(int), np.arange(Y.size)] = 1.0
        return O
    return as_float_array(Y, "Y", ndim=2)


# ------------------------------------------------------------------------------------------------
# Jacot et al. 2024
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JacotMeasured(Result):
    """Measured quantities of a network in the Jacot setting (columns are samples).

    ``D_norms``: ‖D_ℓ‖_op per linear pair; ``r_parts``: the norms r is the max of; ``kappa_P``,
    ``sK_P``: of P = W_{L:L1+1}; ``ZL1_op``: ‖Z_{L1}‖_op; ``X_op``: ‖X‖_op (NaN without X);
    ``theta_sq``: ‖θ‖²; ``nc1`` (JACOT-D3), ``nc2`` = κ(Z̄) of the uncentred class means (JACOT-D4),
    ``nc3`` = mean cos(z_ci, W_{c:}) (JACOT-D5); ``forward_consistent``: Z_L = W_L Z_{L−1} etc.
    (informational); ``activation_A42``: σ satisfies JACOT-A4.2 (from the activation's metadata).
    """

    K: int
    N: int
    counts: np.ndarray
    balanced: bool
    L1: int
    L2: int
    widths: tuple
    eps1: float
    eps2: float
    D_norms: np.ndarray
    r: float
    r_parts: dict
    sK_Y: float
    sK_WL: float
    kappa_WL: float
    kappa_P: float
    sK_P: float
    X_op: float
    ZL1_op: float
    theta_sq: float
    nc1: float
    nc2: float
    nc3: float
    pinv_residual: float
    forward_consistent: bool
    activation_A42: bool


def jacot_measure(Ws: Sequence, Y, L1: int, *, X=None, Zs: Sequence | None = None,
                  activation="smooth_leaky") -> JacotMeasured:
    """Measure ε1, ε2, r, singular values, κ's and NC1–NC3 of a Jacot-setting network.

    Args:
      Ws: [W_1, …, W_L], W_ℓ of shape (n_ℓ, n_{ℓ−1}). Y: one-hot (K, N) or labels (N,). L1: number of
        nonlinear layers (L2 = L − L1).
      X: inputs (d, N); needed for the forward pass (unless ``Zs`` is given), for ‖X‖_op (the
        "printed" κ mode and Proposition 5.1).
      Zs: [Z_0, …, Z_L] as given — used verbatim (so a control can pass inconsistent features);
        default: the forward pass on X.
      activation: name or :class:`~ncbounds.nets.Activation` (forward pass; A4.2 flag).
    """
    Ws = [as_float_array(W, f"Ws[{i}]", ndim=2) for i, W in enumerate(Ws)]
    Y = _as_onehot(Y)
    act = get_activation(activation) if not isinstance(activation, Activation) else activation
    L = len(Ws)
    L2 = L - int(L1)
    if Zs is None:
        if X is None:
            raise InputError("give X (inputs) or Zs (all layer outputs)", argument="X")
        X = as_float_array(X, "X", ndim=2)
        Zs = deep_head_forward(Ws, X, L1, act)[0]
    else:
        Zs = [as_float_array(Z, f"Zs[{i}]", ndim=2) for i, Z in enumerate(Zs)]
        if len(Zs) != L + 1:
            raise InputError(f"Zs must hold L + 1 = {L + 1} arrays Z_0..Z_L, got {len(Zs)}", argument="Zs")
    K, N = Y.shape
    y = np.argmax(Y, axis=0)
    counts = np.bincount(y, minlength=K)
    ZL, ZL1, ZL2 = Zs[L], Zs[L - 1], Zs[L - 2]
    eps1 = float(np.linalg.norm(ZL - Y))
    D = []
    for l in range(int(L1) + 1, L):
        D.append(_op(Ws[l].T @ Ws[l] - Ws[l - 1] @ Ws[l - 1].T))
    eps2 = max(D) if D else 0.0
    r_parts = {"Z_{L-2}": _op(ZL2), "Z_{L-1}": _op(ZL1)}
    for l in range(int(L1) + 1, L + 1):
        r_parts[f"W_{l}"] = _op(Ws[l - 1])
    r = max(r_parts.values())
    sY = np.linalg.svd(Y, compute_uv=False)
    WL = Ws[-1]
    sW = np.linalg.svd(WL, compute_uv=False)
    P = Ws[-1]
    for W in reversed(Ws[int(L1):-1]):
        P = P @ W
    sP = np.linalg.svd(P, compute_uv=False)
    Zbar = np.stack([ZL1[:, y == c].mean(axis=1) for c in range(K)], axis=1)
    nrm = np.linalg.norm(ZL1, axis=0) * np.linalg.norm(WL[y], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("ij,ji->i", WL[y], ZL1) / nrm
    X_op = _op(X) if X is not None else float("nan")
    consistent = bool(np.allclose(Ws[-1] @ ZL1, ZL, rtol=1e-9, atol=1e-12))
    pinv_res = float(np.linalg.norm(ZL1 - np.linalg.pinv(WL) @ Y))
    return JacotMeasured(
        K=K, N=N, counts=counts, balanced=bool(np.all(counts == counts[0])), L1=int(L1), L2=L2,
        widths=tuple(Z.shape[0] for Z in Zs), eps1=eps1, eps2=float(eps2), D_norms=np.array(D), r=float(r),
        r_parts=r_parts, sK_Y=float(sY[K - 1]), sK_WL=float(sW[K - 1]) if sW.size >= K else 0.0,
        kappa_WL=kappa(WL, K), kappa_P=kappa(P, K), sK_P=float(sP[K - 1]) if sP.size >= K else 0.0,
        X_op=X_op, ZL1_op=_op(Zs[int(L1)]), theta_sq=float(sum((W * W).sum() for W in Ws)),
        nc1=jacot_nc1(ZL1, y, K), nc2=kappa(Zbar, K), nc3=float(np.nanmean(cos)), pinv_residual=pinv_res,
        forward_consistent=consistent, activation_A42=act.leaky_gamma is not None,
    )


@dataclass(frozen=True)
class JacotBounds(_Rows, Result):
    """Theorem 3.1/B.1 (and Proposition 5.1) of Jacot et al. evaluated: ``rows`` name → :class:`Inequality`.

    ``eps1``, ``eps2``, ``r``, ``c3``, ``Psi`` are the values used (measured unless overridden);
    ``hypotheses`` the common hypotheses of Theorem 3.1; ``measured`` the :class:`JacotMeasured`.
    """

    measured: JacotMeasured
    eps1: float
    eps2: float
    r: float
    c3: float
    Psi: float
    hypotheses: dict
    rows: dict
    tag: str = "[reconstructed]"

    @property
    def theorem31_rows(self) -> dict:
        """The rows that are conclusions of Theorem 3.1 itself ((22), (23), (18), (19), (20), (21)); Lemma C.2,
        the E1 proof step and Proposition 5.1 have their own hypotheses."""
        return {k: v for k, v in self.rows.items() if k.startswith(("eq22", "eq23", "nc1", "kappa", "nc2", "nc3"))}

    ids: tuple = ("JACOT-T3.1-EQ22", "JACOT-T3.1-EQ23", "JACOT-T3.1-NC1", "JACOT-LC.2", "JACOT-T3.1-KAPPA",
                  "JACOT-T3.1-NC2", "JACOT-T3.1-NC3", "JACOT-E1", "JACOT-P5.1")


def jacot_nc3_step(WL, Y) -> dict:
    r"""The NC3-proof step of JACOT-E1: ‖((W′)⁺ − W′ᵀ)Y‖_F against c_N(κ − 1/κ), W′ = W_L/‖W_L‖_op.

    Returns ``{"lhs", "rhs_printed" (√K), "rhs_corrected" (√N), "kappa"}``. Since Y repeats each
    class n times, ‖BY‖_F = √n‖B‖_F and the singular values of B = (W′)⁺ − W′ᵀ are 1/t − t ≤ κ − 1/κ
    (t = s_i/s_1), so √N(κ − 1/κ) holds for balanced classes while √K fails once n ≥ 2.
    """
    WL = as_float_array(WL, "WL", ndim=2)
    Y = _as_onehot(Y)
    K, N = Y.shape
    Wp = WL / _op(WL)
    k = kappa(WL, K)
    lhs = float(np.linalg.norm((np.linalg.pinv(Wp) - Wp.T) @ Y))
    return {"lhs": lhs, "rhs_printed": math.sqrt(K) * (k - 1.0 / k), "rhs_corrected": math.sqrt(N) * (k - 1.0 / k),
            "kappa": k}


def jacot_theorem31(Ws=None, Y=None, L1: int | None = None, *, measured: JacotMeasured | None = None, X=None,
                    Zs=None, activation="smooth_leaky", eps1: float | None = None, eps2: float | None = None,
                    r: float | None = None, c3: float | None = None,
                    activation_A42: bool | None = None) -> JacotBounds:
    r"""Evaluate Theorem 3.1/B.1 of Jacot et al. 2024 (both sides, hypotheses as booleans).

    Give the network (``Ws``, ``Y``, ``L1`` and ``X`` or ``Zs``; see :func:`jacot_measure`) or a
    ``measured`` record. ``eps1``, ``eps2``, ``r``: values of the hypotheses (H1)–(H3); default the
    measured ones (then (H1)–(H3) hold by construction); a value below the measured one violates
    the hypothesis and the affected rows become N/A. ``c3``: the κ(W_{L:L1+1}) ≤ c3 hypothesis of
    (19), default the measured κ(P). ``activation_A42``: override the A4.2 flag used by
    Proposition 5.1 (default from the activation's metadata).
    """
    m = measured if measured is not None else jacot_measure(Ws, Y, L1, X=X, Zs=Zs, activation=activation)
    if Ws is None and measured is not None:
        raise InputError("the rows need the weights; pass Ws with measured=", argument="Ws")
    Ws = [np.asarray(W, dtype=float) for W in Ws]
    Y1 = _as_onehot(Y)
    K, N, L2 = m.K, m.N, m.L2
    e1 = m.eps1 if eps1 is None else float(eps1)
    e2 = m.eps2 if eps2 is None else float(eps2)
    rr = m.r if r is None else float(r)
    c3v = m.kappa_P if c3 is None else float(c3)
    sKY = m.sK_Y
    n_L1 = m.widths[-2]
    tiny = 1e-12
    H1 = m.eps1 <= e1 * (1 + tiny) + tiny
    H2 = m.eps2 <= e2 * (1 + tiny) + tiny
    H3 = m.r <= rr * (1 + tiny)
    size_ok = e1 <= min(sKY, math.sqrt((K - 1) * N / (4.0 * K)))
    strict = e1 < sKY
    common = {"L2>=2": L2 >= 2, "balanced": m.balanced, "eps1<s_K(Y)": strict, "H1": H1, "H2": H2, "H3": H3}
    Psi = rr * (e1 / (sKY - e1) + math.sqrt(n_L1 * e2)) if strict else float("inf")
    rows: dict[str, Inequality] = {}
    par = {"eps1": e1, "eps2": e2, "r": rr}

    # (22)
    thm = {**common, "size_condition": size_ok}  # the hypotheses of Theorem 3.1 as stated
    rows["eq22"] = _ineq("JACOT-T3.1-EQ22", "eq22", "s_K(W_L) >= (s_K(Y) - eps1)/r", m.sK_WL, (sKY - e1) / rr, ">=",
                         dict(thm), "[reconstructed] HARD", par)
    # (23)
    rows["eq23"] = _ineq("JACOT-T3.1-EQ23", "eq23", "||Z_{L-1} - W_L^+ Y||_F <= Psi", m.pinv_residual, Psi, "<=",
                         dict(thm), "[reconstructed] HARD", par)
    # (18)
    br = math.sqrt((K - 1) / K) - 2 * e1 / math.sqrt(N)
    rhs18 = rr ** 2 * Psi ** 2 / (N * br ** 2) if br > 0 else float("nan")
    rows["nc1"] = _ineq("JACOT-T3.1-NC1", "nc1", "NC1(Z_{L-1}) <= r^2 Psi^2 / (N (sqrt((K-1)/K) - 2 eps1/sqrt(N))^2)",
                        m.nc1, rhs18, "<=", {**common, "size_condition": size_ok}, "[reconstructed] HARD", par)
    # Lemma C.2
    WL = Ws[-1]
    P = WL
    for W in reversed(Ws[m.L1:-1]):
        P = P @ W
    lhs_c2 = _op(np.linalg.matrix_power(WL @ WL.T, L2) - P @ P.T)
    delta = (L2 ** 2 / 2.0) * rr ** (2 * (L2 - 1)) * e2
    lin_ok = all(_op(W) <= rr * (1 + tiny) for W in Ws[m.L1:])
    # the left side subtracts two matrices of norm ~ ‖W_L‖^{2 L2}: its round-off is ~ eps·size·that norm
    roundoff_c2 = 16 * np.finfo(float).eps * WL.shape[0] * max(_op(WL) ** (2 * L2), _op(P) ** 2)
    rows["lc2"] = _ineq("JACOT-LC.2", "lc2", "||(W_L W_L^T)^{L2} - P P^T||_op <= (L2^2/2) eps2 r^{2(L2-1)}", lhs_c2,
                        delta, "<=", {"H2": H2, "linear ||W_l|| <= r": lin_ok}, "[reconstructed] HARD", par,
                        atol=roundoff_c2)
    # (19), both exponents and both s modes
    for s_mode in ("direct", "printed"):
        if s_mode == "direct":
            s = m.sK_P
            extra = {}
        else:
            s = (sKY - e1) / (m.X_op * rr ** m.L1) if np.isfinite(m.X_op) and strict else float("nan")
            extra = {"X given": bool(np.isfinite(m.X_op)),
                     "||Z_{L1}||_op <= ||X||_op r^{L1}": bool(np.isfinite(m.X_op) and m.ZL1_op <= m.X_op * rr ** m.L1 * (1 + tiny))}
        defined = np.isfinite(s) and s * s > delta
        for e_name, e_val in (("1/(2L2)", 1.0 / (2 * L2)), ("1/L2", 1.0 / L2)):
            if defined:
                eps = delta / (s * s - delta)
                rhs = c3v ** (1.0 / L2) * (1 + eps) ** e_val + c3v ** (1.0 / L2 - 1) * eps
            else:
                rhs = float("nan")
            rows[f"kappa[e={e_name},s={s_mode}]"] = _ineq(
                "JACOT-T3.1-KAPPA", f"kappa[e={e_name},s={s_mode}]",
                "kappa(W_L) <= c3^{1/L2} (1+eps)^e + c3^{1/L2-1} eps, eps = delta/(s^2 - delta)",
                m.kappa_WL, rhs, "<=",
                {**thm, "linear ||W_l|| <= r": lin_ok, "kappa(P) <= c3": m.kappa_P <= c3v * (1 + tiny),
                 "s^2 > delta": bool(defined), **extra},
                "[reconstructed] PARAM", {**par, "c3": c3v, "e": e_name, "s_mode": s_mode, "s": s, "delta": delta})
    # (20)
    t = rr * Psi / sKY if strict else float("inf")
    rhs20 = (m.kappa_WL + t) / (1 - t) if t < 1 else float("nan")
    rows["nc2"] = _ineq("JACOT-T3.1-NC2", "nc2", "NC2 = kappa(Zbar) <= (kappa(W_L) + r Psi/s_K(Y)) / (1 - r Psi/s_K(Y))",
                        m.nc2, rhs20, "<=", {**thm, "r Psi < s_K(Y)": t < 1}, "[reconstructed] HARD", par)
    # (21) and the E1 step
    k = m.kappa_WL
    step = jacot_nc3_step(WL, Y1)
    for cname, cN in (("sqrt(K) printed", math.sqrt(K)), ("sqrt(N) corrected", math.sqrt(N))):
        num = (math.sqrt(N) - e1) ** 2 + N / k ** 2 - (rr * Psi + cN * (k ** 2 - 1)) ** 2
        rhs21 = num / (2 * N * k * (1 + e1))
        rows[f"nc3[{cname}]"] = _ineq(
            "JACOT-T3.1-NC3", f"nc3[{cname}]",
            "NC3 >= [(sqrt(N) - eps1)^2 + N kappa^-2 - (r Psi + c_N (kappa^2 - 1))^2] / (2 N kappa (1 + eps1))",
            m.nc3, rhs21, ">=", {**common, "size_condition": size_ok}, "[reconstructed] PARAM", {**par, "c_N": cname},
            note="both forms rest on a step valid only for eps2 = 0 (JACOT-E2)")
    rows["e1_step[sqrt(K) printed]"] = _ineq(
        "JACOT-E1", "e1_step[sqrt(K) printed]", "||((W')^+ - W'^T) Y||_F <= sqrt(K) (kappa - 1/kappa) (as printed)",
        step["lhs"], step["rhs_printed"], "<=", {}, "[derived] erratum",
        note="fails whenever n >= 2 and W_L is not perfectly conditioned enough: ||BY||_F = sqrt(n)||B||_F")
    rows["e1_step[sqrt(N) corrected]"] = _ineq(
        "JACOT-E1", "e1_step[sqrt(N) corrected]", "||((W')^+ - W'^T) Y||_F <= sqrt(N) (kappa - 1/kappa)",
        step["lhs"], step["rhs_corrected"], "<=", {"balanced": m.balanced}, "[derived] HARD")
    # Proposition 5.1 (14)
    a42 = m.activation_A42 if activation_A42 is None else bool(activation_A42)
    if np.isfinite(m.X_op) and strict:
        c = m.theta_sq - len(Ws) * K
        rhs14 = math.exp(0.5 * (c + m.L1 * K * math.log(K) - 2 * K * math.log((sKY - e1) / m.X_op)))
    else:
        rhs14 = float("nan")
    rows["p51"] = _ineq("JACOT-P5.1", "p51",
                        "kappa(W_{L:L1+1}) <= exp(1/2 [c + L1 K log K - 2K log((s_K(Y) - eps1)/||X||_op)]), c = ||theta||^2 - LK",
                        m.kappa_P, rhs14, "<=", {"sigma satisfies A4.2": a42, "H1": H1, "eps1<s_K(Y)": strict,
                                                 "X given": bool(np.isfinite(m.X_op))}, "[reconstructed] HARD", par)
    return JacotBounds(measured=m, eps1=e1, eps2=e2, r=rr, c3=c3v, Psi=Psi, hypotheses={**common, "size_condition": size_ok},
                       rows=rows)


def jacot_from_run(run, step: int | None = None, **overrides) -> JacotBounds:
    """:func:`jacot_theorem31` on a :class:`ncbounds.nets.DeepHeadRun` (final weights, or a checkpoint step)."""
    Ws = run.Ws
    if step is not None:
        match = [c for c in run.checkpoints if c["step"] == step]
        if not match:
            raise InputError(f"step {step} is not a checkpoint of this run ({[c['step'] for c in run.checkpoints]})",
                             argument="step")
        Ws = match[0]["Ws"]
    return jacot_theorem31(Ws, run.Y, run.L1, X=run.X, activation=run.activation, **overrides)


# ------------------------------------------------------------------------------------------------
# Wu & Mondelli 2025
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WuMeasured(Result):
    """Measured quantities at a point (ρ, W) of the Wu–Mondelli model (paper orientation).

    ``E2_sq`` = ‖H − γ⁻¹W(WᵀW)⁻¹Y‖² (NaN if W is rank deficient); ``E1_sq``, ``E2t_sq`` (Ẽ₂),
    ``D_sq``, ``sK`` (‖K′‖_op) and ``identity_residual`` (relative residual of
    vec(H) = vec(γ⁻¹W(WᵀW)⁻¹Y) + Ẽ₂ + E₁, WU-F2) need D and K′; ``nb`` needs E[aaᵀ].
    """

    p: int
    q: int
    n: int
    gamma: float
    lambda_rho: float
    L_n: float
    eps_a2: float
    nc1: float
    sigma_min: float
    sigma_max: float
    full_rank: bool
    balanced: bool
    E2_sq: float
    E1_sq: float
    E2t_sq: float
    D_sq: float
    sK: float
    identity_residual: float
    nb: float


def wu_measure(H, W, Y, gamma: float, *, lambda_rho: float, eps_a2: float | None = None, D=None, Kp=None,
               L_n: float | None = None, Eaa=None) -> WuMeasured:
    """Measure the quantities of Theorem 4.2 / Corollary 4.4 (see :class:`WuMeasured`).

    H (p, n), W (p, q), Y one-hot (q, n) or labels; D (p, n) and Kp = K′ (n, n) from
    :func:`ncbounds.nets.mean_field_drifts` (optional: without them E₁/Ẽ₂ are NaN); ``Eaa`` = E_ρ[aaᵀ]
    (p, p) for NB (WU-D5).
    """
    H = as_float_array(H, "H", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    Y = _as_onehot(Y)
    gamma = float(gamma)
    lam = check_positive(lambda_rho, "lambda_rho")
    p, n = H.shape
    q = W.shape[1]
    if W.shape[0] != p or Y.shape != (q, n):
        raise InputError(f"shapes disagree: H {H.shape}, W {W.shape}, Y {Y.shape}", argument="W")
    R = gamma * (W.T @ H) - Y
    Ln = float((R * R).sum() / (2 * n)) if L_n is None else float(L_n)
    sv = np.linalg.svd(W, compute_uv=False)
    smin, smax = float(sv[-1]), float(sv[0])
    full = bool(sv.size == q and smin > 1e-12 * smax)
    counts = Y.sum(axis=1)
    nan = float("nan")
    E2_sq = E1_sq = E2t_sq = D_sq = sK = resid = nan
    if full:
        WWi = W @ np.linalg.inv(W.T @ W)
        E2 = H - WWi @ Y / gamma
        E2_sq = float((E2 * E2).sum())
        if D is not None and Kp is not None:
            D = as_float_array(D, "D", shape=(p, n))
            Kp = as_float_array(Kp, "Kp", shape=(n, n))
            D_sq = float((D * D).sum())
            sK = _op(Kp)
            M = gamma ** 2 * np.kron(Kp, W.T @ W) + lam * np.eye(n * q)
            vecWD = (gamma * (W.T @ D)).reshape(-1, order="F")
            Minv_v = np.linalg.solve(M, vecWD)
            E1 = -(gamma / lam) * (np.kron(Kp, W) @ Minv_v) + D.reshape(-1, order="F") / lam
            E2t = (np.kron(np.eye(n), WWi) @ (R.reshape(-1, order="F") - Minv_v)) / gamma
            E1_sq = float(E1 @ E1)
            E2t_sq = float(E2t @ E2t)
            lhs = H.reshape(-1, order="F")
            rhs = (WWi @ Y / gamma).reshape(-1, order="F") + E2t + E1
            resid = float(np.linalg.norm(lhs - rhs) / max(np.linalg.norm(lhs), 1e-300))
    nb = nan
    if Eaa is not None:
        Eaa = as_float_array(Eaa, "Eaa", shape=(p, p))
        WWt = W @ W.T
        c = float((Eaa * WWt).sum() / (WWt * WWt).sum())
        nb = _op(Eaa - c * WWt) / _op(Eaa)
    return WuMeasured(p=p, q=q, n=n, gamma=gamma, lambda_rho=lam, L_n=Ln,
                      eps_a2=nan if eps_a2 is None else float(eps_a2), nc1=wu_nc1(H, Y), sigma_min=smin,
                      sigma_max=smax, full_rank=full, balanced=bool(np.all(counts == counts[0])), E2_sq=E2_sq,
                      E1_sq=E1_sq, E2t_sq=E2t_sq, D_sq=D_sq, sK=sK, identity_residual=resid, nb=nb)


@dataclass(frozen=True)
class WuBounds(_Rows, Result):
    """Theorem 4.2 / Corollary 4.4 of Wu & Mondelli evaluated: ``rows`` name → :class:`Inequality`."""

    measured: WuMeasured
    C1: float | None
    sup_sigma: float | None
    x: float
    A: float
    A_gamma: float
    rows: dict
    tag: str = "[reconstructed]"
    ids: tuple = ("WU-T4.2", "WU-C4.4", "WU-F3", "WU-F4", "WU-E1", "WU-E2")


def wu_mondelli_bounds(H=None, W=None, Y=None, gamma: float | None = None, *, measured: WuMeasured | None = None,
                       lambda_rho: float | None = None, C1: float | None = None, sup_sigma: float | None = None,
                       eps_a2: float | None = None, D=None, Kp=None, L_n: float | None = None, Eaa=None,
                       inputs_bounded: bool | None = None) -> WuBounds:
    r"""Evaluate Theorem 4.2 (7), (10), WU-F3 and Corollary 4.4 (printed, γ-restored, sharp).

    Args:
      H (p, n), W (p, q), Y (q, n) one-hot or labels, gamma: the point (paper orientation); or a
        ``measured`` :class:`WuMeasured`.
      lambda_rho: λ_ρ (> 0). C1: the constant of (A3) (tanh 2, sigmoid 1; ``None`` = (A3) fails,
        e.g. ReLU). sup_sigma: sup|σ| for the sharpened ‖D‖ bound (default C1).
      eps_a2: drift-only ε_S² (mean_j‖g_{a,j}‖²). D, Kp: see :func:`wu_measure`. L_n: training loss
        (default recomputed). Eaa: E_ρ[aaᵀ] for NB.
      inputs_bounded: (A2) ‖x_i‖ ≤ 1 when known (``None`` = not checked, treated as holding).
    """
    m = measured if measured is not None else wu_measure(H, W, Y, gamma, lambda_rho=lambda_rho, eps_a2=eps_a2, D=D,
                                                         Kp=Kp, L_n=L_n, Eaa=Eaa)
    g, lam, n, q = m.gamma, m.lambda_rho, m.n, m.q
    smin, smax = m.sigma_min, m.sigma_max
    inv_smin2 = 1.0 / smin ** 2 if smin > 0 else float("nan")  # (10) and WU-F3 need W of full column rank
    A = (q - 1) * n / (2.0 * q * smax ** 2)
    Ag = A / g ** 2
    x = m.E2_sq
    sup = C1 if sup_sigma is None else sup_sigma
    a3 = C1 is not None
    a2 = True if inputs_bounded is None else bool(inputs_bounded)
    C = C1 if C1 is not None else float("nan")
    e2 = m.eps_a2
    base = {"(A2) ||x_i|| <= 1": a2, "(A3) C1 finite": a3}
    rows: dict[str, Inequality] = {}
    nan = float("nan")
    k7 = 2 * (lam ** -4 * g ** 4 * C ** 2 * smax ** 4 + lam ** -2) * C ** 2 * n * e2
    rows["eq7"] = _ineq("WU-T4.2", "eq7", "||E1||^2 <= 2 (lam^-4 g^4 C1^2 smax^4 + lam^-2) C1^2 n eps_S^2 (printed (7))",
                        m.E1_sq, k7, "<=", {**base, "D given": np.isfinite(m.E1_sq), "eps_a2 given": np.isfinite(e2)},
                        "[reconstructed]", note="eps_S^2 measured drift-only (WU-E7)")
    rhs10 = k7 + (2 * n * g ** -2 * m.L_n + 2 * lam ** -2 * smax ** 2 * C ** 2 * n * e2) * inv_smin2
    rows["eq10"] = _ineq("WU-T4.2", "eq10", "||E2||^2 <= (7) + [2 n g^-2 L_n + 2 lam^-2 smax^2 C1^2 n eps_S^2]/smin^2 (printed (10))",
                         x, rhs10, "<=", {**base, "W full column rank": m.full_rank, "eps_a2 given": np.isfinite(e2)},
                         "[reconstructed]", note="printed constants (WU-E2: the safe form is f3_safe)")
    rows["D_bound"] = _ineq("WU-F3", "D_bound", "||D||_F^2 <= C1^2 n eps_a^2", m.D_sq, C ** 2 * n * e2, "<=",
                            {**base, "D given": np.isfinite(m.D_sq)}, "[derived]")
    rows["D_bound_sharp"] = _ineq("WU-F3", "D_bound_sharp", "||D||_F^2 <= sup|sigma|^2 n eps_a^2", m.D_sq,
                                  (sup if sup is not None else nan) ** 2 * n * e2, "<=",
                                  {**base, "D given": np.isfinite(m.D_sq)}, "[derived]")

    def safe(Dsq, sK):
        e1b = 2 * (lam ** -4 * g ** 4 * sK ** 2 * smax ** 4 + lam ** -2) * Dsq
        e2tb = (4 * n * g ** -2 * m.L_n + 2 * lam ** -2 * smax ** 2 * Dsq) * inv_smin2
        return 2 * e1b + 2 * e2tb

    rows["f3_safe"] = _ineq("WU-F3", "f3_safe", "||E2||^2 <= 2 ||E1||^2_bound + 2 ||E2~||^2_bound (measured ||D||, ||K'||)",
                            x, safe(m.D_sq, m.sK) if m.full_rank else nan, "<=",
                            {"W full column rank": m.full_rank, "D given": np.isfinite(m.D_sq)}, "[derived]")
    rows["f3_safe_from_eps"] = _ineq("WU-F3", "f3_safe_from_eps", "f3_safe with ||D||^2 <= C1^2 n eps_a^2, ||K'|| <= C1^2",
                                     x, safe(C ** 2 * n * e2, C ** 2) if m.full_rank else nan, "<=",
                                     {**base, "W full column rank": m.full_rank, "eps_a2 given": np.isfinite(e2)},
                                     "[derived]")
    hyp_c = {"W full column rank": m.full_rank, "balanced": m.balanced}
    rows["c44_printed"] = _ineq("WU-C4.4", "c44_printed", "NC1 <= 16x/(A - 4x), A = (q-1)n/(2q smax^2) (printed, no gamma)",
                                m.nc1, 16 * x / (A - 4 * x) if x < A / 4 else nan, "<=", {**hyp_c, "x <= A/4": x <= A / 4},
                                "[paper]", note="gamma missing (WU-E1): fails for gamma > 4 sqrt(2) on adversarial E2")
    rows["c44_gamma"] = _ineq("WU-F4", "c44_gamma", "NC1 <= 16x/(A_g - 4x), A_g = A/gamma^2 (gamma restored)",
                              m.nc1, 16 * x / (Ag - 4 * x) if x < Ag / 4 else nan, "<=", {**hyp_c, "x <= A_g/4": x <= Ag / 4},
                              "[derived]")
    rows["f4_sharp"] = _ineq("WU-F4", "f4_sharp", "NC1 <= x/(A_g - x)", m.nc1, x / (Ag - x) if x < Ag else nan, "<=",
                             {**hyp_c, "x < A_g": x < Ag}, "[derived]")
    return WuBounds(measured=m, C1=C1, sup_sigma=sup, x=x, A=A, A_gamma=Ag, rows=rows)


def wu_from_run(run, **overrides) -> WuBounds:
    """:func:`wu_mondelli_bounds` at the final point of a :class:`ncbounds.nets.MeanFieldRun`."""
    act = get_activation(run.activation)
    dr = run.drifts()
    Eaa = run.A.T @ run.A / run.A.shape[0]
    inputs_bounded = bool(np.linalg.norm(run.X, axis=0).max() <= 1 + 1e-12)
    kw = dict(lambda_rho=run.lambda_rho, C1=act.C1, sup_sigma=act.sup_abs, eps_a2=dr["eps_a2"], D=dr["D"], Kp=dr["Kp"],
              L_n=dr["L_n"], Eaa=Eaa, inputs_bounded=inputs_bounded)
    kw.update(overrides)
    return wu_mondelli_bounds(dr["H"], run.W, run.Y, run.gamma, **kw)


def wu_gamma_counterexample(gamma: float, *, q: int = 3, m: int = 4, p: int = 6, x_over_A: float = 1e-3,
                            seed=0) -> WuBounds:
    r"""The WU-E1 instance: W orthonormal (p × q), H = γ⁻¹WY + E with E purely within-class and
    ‖E‖² = x = (x_over_A)·A, A = (q−1)n/(2q) (σ_max = 1). Then NC1 = x/(x + 2A_γ) exactly (WU-F4), and
    the printed (17) fails iff γ² > 32/(1 − 20x/A) (γ > 5.714 at x = A/1000); the γ-restored
    forms hold. Reference: γ = 5.8 → NC1 0.01654 > printed 0.01606."""
    rng = np.random.default_rng(seed)
    n = q * m
    Q, _ = np.linalg.qr(rng.standard_normal((p, q)))
    y = np.repeat(np.arange(q), m)
    Y = np.zeros((q, n))
    Y[y, np.arange(n)] = 1.0
    E = rng.standard_normal((p, n))
    for k in range(q):  # purely within-class: zero class means
        E[:, y == k] -= E[:, y == k].mean(axis=1, keepdims=True)
    A = (q - 1) * n / (2.0 * q)
    E *= math.sqrt(x_over_A * A) / np.linalg.norm(E)
    H = Q @ Y / gamma + E
    return wu_mondelli_bounds(H, Q, Y, gamma, lambda_rho=1.0, C1=2.0)
