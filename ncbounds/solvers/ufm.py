r"""Regularised unconstrained-features model (UFM), layer-peeled model and norm-constrained margins.

Three families of global problems of neural-collapse theory, each solved to a certified optimum:

1. **Regularised UFM** (Zhu et al. 2021; Zhou et al. 2022; classic.md §3.3, §3.6),
   :func:`regularized_ufm`, with the closed forms :func:`ufm_ce_closed_form` and
   :func:`ufm_mse_closed_form` and the certificate :func:`certify_regularized_ufm`.
2. **Layer-peeled model** (Fang, He, Long & Su 2021; classic.md §3.4), :func:`layer_peeled_model`,
   :func:`lpm_two_group`, :func:`minority_collapse_curve`, the closed form
   :func:`lpm_balanced_closed_form` and the certificate :func:`certify_lpm`.
3. **Norm-constrained max-min margin problems** (gao2023.md GAO-F5),
   :func:`spherical_max_margin` and :func:`frobenius_max_margin`.

Conventions (ARCHITECTURE.md): ``W`` is (K, d), ``H`` is (N, d) (one row per sample), ``b`` is
(K,), labels ``y`` are (N,) integers in ``0..K-1``; the logit matrix ``X = W H^T (+ b 1^T)`` is
(K, N). float64 throughout. cvxpy is imported lazily (only the SDP/SOCP solvers and the ``cvxpy``
reference method of :func:`regularized_ufm` need it).

Design notes
------------
*Class-level reduction of the UFM (exact, any class sizes).* Write ``A`` for the orthogonal
projector of R^N that averages the columns of each class. For any (X, b),
``||X A||_* <= ||X||_* ||A||_op = ||X||_*`` and, by Jensen (the loss is convex in each column),
``sum_i l(X A e_i + b, y_i) <= sum_i l(x_i + b, y_i)``. So some optimum has class-constant
columns, ``X = Z Y`` with ``Z`` (K, K) and ``Y`` the one-hot matrix, and because ``Y Y^T = D =
diag(n_k)``, ``||Z Y||_* = ||Z D^{1/2}||_*``. With ``V = Z D^{1/2}`` the convex problem becomes

.. math::  \min_{V\in\mathbb R^{K\times K},\,b}\ \sum_k \tfrac{n_k}{N}\,
           \ell\big(v_k/\sqrt{n_k} + b,\ k\big) + \sqrt{\lambda_W\lambda_H}\,\|V\|_*
           \;(+\tfrac{\lambda_b}{2}\|b\|^2),

a K x K problem whatever N is (the bias is rescaled to β = √N b so that both blocks have the
same curvature). The proximal map of the nuclear norm on a K x K matrix is one small SVD, so
accelerated proximal gradient (FISTA, fixed step 1/L from the global Lipschitz bound, gradient
restart; warm-started at the balanced closed form, which is exact for balanced classes) is cheap
per iteration, and a Fenchel duality gap computed every 10 iterations gives a rigorous stopping
rule. For MSE without bias or with a free bias the solution is a singular-value soft-threshold
(no iterations), truncated to the d largest directions when d < rank (exact by Mirsky's
inequality). The optimal ``X = Z Y`` factors exactly as ``X = U Σ Ṽ^T`` with
``V = U Σ Q^T`` and ``Ṽ = Y^T D^{-1/2} Q``. Measured (2 cores): K = 10, n = 100 balanced in
~15 ms, imbalanced (100 x 5, 10 x 5) in ~50-200 ms, relative gaps <= 1e-12; an interior-point
cvxpy solve of the same class-level problem is kept as ``method="cvxpy"`` (independent reference,
~0.1 s, gaps ~1e-11 with Clarabel).

*Certificates on the sample level.* :func:`certify_regularized_ufm` works on any candidate
(W, H, b) — e.g. taken from a trained network — in O(NKd + NK^2): it evaluates the factored
objective f and a Fenchel dual lower bound of the convex problem built from the candidate's own
gradient, so ``f - dual >= 0`` always, with equality only at a global minimiser. Because the
gradient's top singular values must all equal √(λ_Wλ_H) at the optimum and split near it, the
plain scaled gradient loses a term linear in the error; spectrally reshaped gradients restore a
quadratic dependence (``_fenchel_dual``).

*Layer-peeled model and GAO-F5 margins* are small Gram SDPs (side 2K) solved with cvxpy
(Clarabel by default); each answer is factored, rescaled onto the constraint set and certified
by an explicit dual bound computed here, not by trusting the solver's status.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp, softmax, xlogy

from .._results import Result
from .._validate import (
    as_float_array,
    as_labels,
    check_int,
    check_nonnegative,
    check_num_classes,
    check_positive,
)
from ..errors import DimensionError, InputError, ShapeError, SolverError
from ..geometry import orthogonal_frame
from .certificates import Certificate, raise_if_failed

__all__ = [
    "UFMSolution",
    "UFMClosedForm",
    "regularized_ufm",
    "ufm_ce_closed_form",
    "ufm_mse_closed_form",
    "certify_regularized_ufm",
    "LPMSolution",
    "LPMClosedForm",
    "MinorityCollapseCurve",
    "layer_peeled_model",
    "lpm_two_group",
    "two_group_weights",
    "lpm_balanced_closed_form",
    "minority_collapse_curve",
    "certify_lpm",
    "MaxMarginSolution",
    "spherical_max_margin",
    "frobenius_max_margin",
]

_LOSSES = ("ce", "mse")
_PENALTIES = ("half", "no_half")


# ================================================================================================
# Losses, gradients and conjugates (columns are logit vectors; y holds each column's class)
# ================================================================================================

def _ce_offsets(U: np.ndarray, y: np.ndarray):
    """Logit offsets a_j = u_j - u_y (a_y = 0) and the off-label softmax mass, computed stably."""
    idx = np.arange(U.shape[1])
    A = U - U[y, idx][None, :]
    return A, idx


def _loss_cols(loss: str, U: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-column loss l(u_i, y_i) of a (K, C) logit array.

    CE is evaluated as ``log(sum_j exp(u_j - u_y))``, through ``log1p`` when the label logit is
    the largest, so that losses far below machine epsilon keep full relative accuracy.
    """
    if loss == "ce":
        A, idx = _ce_offsets(U, y)
        A[y, idx] = -np.inf
        top = A.max(axis=0)
        out = np.empty(U.shape[1])
        low = top <= 0
        if np.any(low):
            out[low] = np.log1p(np.exp(A[:, low]).sum(axis=0))
        if np.any(~low):
            Ah = A[:, ~low]
            Ah[y[~low], np.arange(Ah.shape[1])] = 0.0
            out[~low] = logsumexp(Ah, axis=0)
        return out
    idx = np.arange(U.shape[1])
    R = U.copy()
    R[y, idx] -= 1.0
    return 0.5 * np.einsum("ij,ij->j", R, R)


def _grad_cols(loss: str, U: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-column gradient ∇l(u_i, y_i): ``softmax(u) - e_y`` (CE) or ``u - e_y`` (MSE).

    For CE the label entry is computed as minus the off-label mass (no cancellation in 1 - p_y).
    """
    idx = np.arange(U.shape[1])
    if loss == "ce":
        G = softmax(U, axis=0)
        G[y, idx] = 0.0
        G[y, idx] = -G.sum(axis=0)
        return G
    G = U.copy()
    G[y, idx] -= 1.0
    return G


def _conj_cols(loss: str, P: np.ndarray, y: np.ndarray, t: float) -> np.ndarray:
    r"""Per-column conjugate ``l^*(t p_i)`` for dual-feasible columns ``p_i`` of P.

    CE: :math:`\ell^*(p) = \sum_j q_j\log q_j` with ``q = p + e_y`` in the simplex (``P``'s
    off-label entries are >= 0 and their column sums <= 1; then ``q = e_y + t p`` stays in the
    simplex for t in [0, 1]). The label term is ``(1 - ε)log1p(-ε)`` with ``ε = t·Σ_{j≠y} p_j``
    (accurate for tiny ε). MSE: :math:`\ell^*(p) = p_y + \tfrac12\|p\|^2`.
    """
    idx = np.arange(P.shape[1])
    if loss == "ce":
        Q = np.clip(t * P, 0.0, None)
        Q[y, idx] = 0.0
        eps = np.minimum(Q.sum(axis=0), 1.0)
        return xlogy(Q, Q).sum(axis=0) + (1.0 - eps) * np.log1p(-np.minimum(eps, 1.0 - 1e-300))
    return t * P[y, idx] + 0.5 * t * t * np.einsum("ij,ij->j", P, P)


def _op_norm(A: np.ndarray) -> float:
    """Spectral norm of a (K, C) matrix via the K x K Gram matrix (C may be huge)."""
    if A.size == 0:
        return 0.0
    if A.shape[0] <= A.shape[1]:
        ev = np.linalg.eigvalsh(A @ A.T)
    else:
        ev = np.linalg.eigvalsh(A.T @ A)
    return float(math.sqrt(max(ev[-1], 0.0)))


def _spectral_variants(A: np.ndarray, target: float | None, rank_hint: int | None):
    r"""Left multipliers that reshape the spectrum of A (K, C) = U Σ V^T, for better dual points.

    Returns ``[(label, M)]`` with ``M = U diag(f) U^T + (I - U U^T)``: for each cluster size r in
    a small candidate set (the candidate's rank ``rank_hint`` and the number of singular values
    within 1e-8 ... 1e-2 of the top one), ``"flat"`` sets the top r singular values to
    ``target`` (the dual-feasibility level; default σ_1) and ``"clip"`` clips every singular value at σ_r.
    Directions outside the range of A are fixed, so column sums and the free-bias condition
    are preserved.
    """
    U, sig, _ = np.linalg.svd(A, full_matrices=False)
    if not sig.size or sig[0] <= 0:
        return []
    if target is None:
        target = float(sig[0])
    pos = sig > 1e-3 * sig[0]  # never amplify round-off directions
    npos = int(pos.sum())
    rs = {int(np.sum(sig >= sig[0] * (1.0 - dl))) for dl in (1e-8, 1e-6, 1e-4, 1e-2)}
    if rank_hint is not None and 1 <= rank_hint <= npos:
        rs.add(int(rank_hint))
    out = []
    safe = np.where(pos, sig, 1.0)
    rs = {min(r, npos) for r in rs}
    for r in sorted(rs):
        f = np.ones(sig.size)
        f[:r] = target / safe[:r]
        out.append((f"flat{r}", (U * (f - 1.0)[None, :]) @ U.T + np.eye(U.shape[0])))
        if r >= 2:
            f = np.where(pos, np.minimum(1.0, sig[r - 1] / safe), 1.0)
            out.append((f"clip{r}", (U * (f - 1.0)[None, :]) @ U.T + np.eye(U.shape[0])))
    return out


def _ce_repair(P0: np.ndarray, P1: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Largest step ``P0 + s (P1 - P0)``, s in [0, 1], keeping CE dual feasibility.

    Feasible columns p (``q = p + e_y`` in the simplex, given that columns sum to 0): off-label
    entries >= 0 and off-label mass <= 1. P0 must be feasible.
    """
    idx = np.arange(P0.shape[1])
    D = P1 - P0
    off0 = P0.copy()
    off0[y, idx] = 0.0
    offD = D.copy()
    offD[y, idx] = 0.0
    s = 1.0
    neg = offD < 0
    if np.any(neg):
        s = min(s, float(np.min(np.clip(off0[neg], 0.0, None) / -offD[neg])))
    m0 = off0.sum(axis=0)
    mD = offD.sum(axis=0)
    up = mD > 0
    if np.any(up):
        s = min(s, float(np.min(np.clip(1.0 - m0[up], 0.0, None) / mD[up])))
    s = max(0.0, s * (1.0 - 1e-12))
    return P0 + s * D


def _best_t(negD, t_max: float) -> tuple[float, float]:
    """Maximise a concave function of t on [0, t_max] (endpoints + bounded Brent)."""
    cands = [0.0]
    if t_max > 0 and math.isfinite(t_max):
        cands.append(t_max)
        res = minimize_scalar(negD, bounds=(0.0, t_max), method="bounded",
                              options={"xatol": 1e-14 * max(1.0, t_max)})
        cands.append(float(res.x))
    vals = [negD(tt) for tt in cands]
    j = int(np.argmin(vals))
    return cands[j], -vals[j]


def _fenchel_dual(loss: str, U: np.ndarray, y: np.ndarray, m: np.ndarray, N: float, mu: float,
                  bias: str, lambda_b: float, rank_hint: int | None = None,
                  good_enough: float = math.inf) -> tuple[float, dict]:
    r"""Fenchel dual lower bound of the convex UFM problem, built from the candidate's gradient.

    Problem (columns ``x_i`` with multiplicities ``m_i``, ``sum m_i = N``; ``u_i = x_i + b``):

    .. math:: P = \min_{X,b}\ \tfrac1N\sum_i m_i\,\ell(x_i + b, y_i)
              + \mu\,\|X\,\mathrm{diag}(\sqrt m)\|_* + \tfrac{\lambda_b}{2}\|b\|^2 .

    For any ``Γ`` with ``||Γ diag(√m)||_op <= μ``, ``μ||X diag(√m)||_* >= -Σ m_i <γ_i, x_i>``, so

    .. math:: P \ge -\tfrac1N\sum_i m_i\,\ell^*(N\gamma_i) + \min_b\,[\langle r, b\rangle
              + \tfrac{\lambda_b}{2}\|b\|^2],\quad r = \sum_i m_i\gamma_i ,

    the last term being 0 without bias, ``-||r||^2/(2λ_b)`` with a regularised bias and requiring
    ``r = 0`` with a free bias. We take ``N γ_i = t p_i`` with ``p_i = ∇l(u_i, y_i)`` (the exact
    optimal dual at the optimum), repair ``r = 0`` for a free bias (CE: mix the softmax columns
    with the class frequencies; MSE: subtract the weighted mean, which cannot raise the spectral
    norm), and maximise the concave function of ``t`` over ``[0, t_max]``,
    ``t_max = μ N / ||P diag(√m)||_op`` (and ``t <= 1`` for CE, where the conjugate is finite).

    At the optimum the gradient's singular values on the range of X all equal μ
    (complementary slackness); near it they split, and plain scaling loses a term *linear* in
    the distance to the optimum (e.g. interior-point answers). So we also try reshaped
    gradients ``M P`` (:func:`_spectral_variants`: the leading cluster set to μ, or clipped at
    its smallest member; for CE mixed back towards P as far as feasibility needs) and keep the
    best bound, which restores a quadratic dependence. Every variant is dual feasible, so the
    maximum is a valid bound.
    """
    P = _grad_cols(loss, U, y)
    K = U.shape[0]
    idx = np.arange(U.shape[1])
    repair = 0.0
    if bias == "free":
        if loss == "ce":
            Q = P.copy()
            Q[y, idx] += 1.0  # softmax columns
            counts = np.bincount(y, weights=m, minlength=K)
            pi = counts / N
            c = (Q @ m - counts) / N  # sums to 0
            Qc = Q - c[:, None]
            neg = Qc < 0
            tau = 0.0
            if np.any(neg):
                ratio = -Qc / (pi[:, None] - Qc)
                tau = float(np.max(ratio[neg]))
                tau = min(1.0, tau * (1.0 + 1e-12) + 1e-300)
            Q = (1.0 - tau) * Qc + tau * pi[:, None]
            P = Q
            P[y, idx] -= 1.0
            repair = tau
        else:
            P = P - (P @ m)[:, None] / N
    w = m / N
    sq = np.sqrt(m)[None, :]
    best = (-math.inf, 0.0, 0.0, 0.0, "grad")
    def variants():
        yield "grad", P
        for lab, Mv in _spectral_variants(P * sq, mu * N, rank_hint):
            yield lab, Mv @ P

    for level, Pv in variants():
        if best[0] >= good_enough:
            break  # (used inside the solver loop, where any bound above the target will do)
        if loss == "ce" and level != "grad":
            Pv = _ce_repair(P, Pv, y)
            Pv[y, idx] = 0.0
            Pv[y, idx] = -Pv.sum(axis=0)  # exactly the matrix whose conjugate is evaluated
        if bias == "free" and level != "grad":
            # the free bias needs sum_i m_i p_i = 0; keep a variant only if that survived
            if np.linalg.norm(Pv @ m) > 1e-12 * max(1.0, float(np.sum(np.abs(Pv) @ m))):
                continue
        s = _op_norm(Pv * sq) / N
        t_max = math.inf if s == 0.0 else mu / s
        if loss == "ce":
            t_max = min(t_max, 1.0)
        r1 = (Pv @ m) / N  # r(t) = t * r1
        if loss == "mse":
            a = float(w @ Pv[y, idx])
            c2 = float(w @ np.einsum("ij,ij->j", Pv, Pv))
            if bias == "reg":
                c2 += float(r1 @ r1) / lambda_b
            if c2 <= 0.0:
                t = 0.0
            else:
                t = min(max(-a / c2, 0.0), t_max)
            D = -t * a - 0.5 * t * t * c2
        else:
            rr = float(r1 @ r1) if bias == "reg" else 0.0

            def negD(tt: float, Pv=Pv, rr=rr) -> float:
                val = float(w @ _conj_cols("ce", Pv, y, tt))
                if bias == "reg":
                    val += 0.5 * tt * tt * rr / lambda_b
                return val

            t, D = _best_t(negD, t_max)
        if D > best[0]:
            best = (float(D), float(t), float(t_max), float(s), level)
    D, t, t_max, s, level = best
    return D, {"t": t, "t_max": t_max, "grad_op_norm": s, "dual_variant": level,
               "bias_repair": float(repair)}


# ================================================================================================
# Regularised UFM: validation helpers
# ================================================================================================

def _check_choice(x: Any, name: str, choices: Sequence[str]) -> str:
    if not isinstance(x, str) or x not in choices:
        raise InputError(f"{name} must be one of {list(choices)}, got {x!r}", argument=name)
    return x


def _resolve_lambdas(lambda_W, lambda_H, lambda_b, bias, penalty):
    """Return (λ_W, λ_H, λ_b, bias_mode) in the ½-convention; bias_mode ∈ {none, free, reg}."""
    penalty = _check_choice(penalty, "penalty", _PENALTIES)
    lw = check_positive(lambda_W, "lambda_W")
    lh = check_positive(lambda_H, "lambda_H")
    if bias is not None and not isinstance(bias, (bool, np.bool_)):
        raise InputError(f"bias must be True, False or None, got {bias!r}", argument="bias")
    if lambda_b is None:
        lb = 0.0
        mode = "free" if bias else "none"
    else:
        lb = check_nonnegative(lambda_b, "lambda_b")
        if bias is False:
            raise InputError("lambda_b was given but bias=False; drop lambda_b or set bias=True",
                             argument="lambda_b")
        mode = "reg" if lb > 0 else "free"
    if penalty == "no_half":  # λ||W||² = (2λ/2)||W||²
        lw, lh, lb = 2.0 * lw, 2.0 * lh, 2.0 * lb
    return lw, lh, lb, mode, penalty


# ================================================================================================
# Closed forms
# ================================================================================================

@dataclass(frozen=True)
class UFMClosedForm(Result):
    """Closed-form optimum of the balanced regularised UFM (classic.md CL-ZHU-CF, CL-MSE-NB/B).

    Attributes:
      loss: ``"ce"`` or ``"mse"``.
      K, n: number of classes and samples per class.
      lambda_W, lambda_H: regularisation in the ½-convention (after any ``penalty`` conversion).
      kappa: ``κ = K sqrt(n λ_W λ_H)``.
      objective: optimal value f*.
      collapsed_to_zero: ``True`` iff the optimum is W = 0, H = 0 (κ >= 1).
      u: CE only: common logit margin (optimal logits ``u·P Y``); 0 if collapsed.
      logit_scale: MSE only: the factor a with optimal logits ``a·Y`` (no bias) or ``a·P Y``.
      w_norm_sq: ``||w_k||^2`` (equal for all k).
      h_norm_sq: ``||h_i||^2`` (equal for all i).
      c: ``sqrt(λ_W/(n λ_H))``, the NC3 ratio ``h_i = c·w_{y_i}``.
      bias: MSE with free bias: the optimal bias value ``b_k = 1/K``; else ``None``.
      d: rank budget the value refers to (MSE without bias: the value changes for d < K).
    """

    loss: str
    K: int
    n: int
    lambda_W: float
    lambda_H: float
    kappa: float
    objective: float
    collapsed_to_zero: bool
    u: float | None
    logit_scale: float | None
    w_norm_sq: float
    h_norm_sq: float
    c: float
    bias: float | None
    d: int | None


def ufm_ce_closed_form(K: int, n: int, lambda_W: float, lambda_H: float, *,
                       penalty: str = "half") -> UFMClosedForm:
    r"""Closed-form global optimum of the balanced CE UFM (classic.md CL-ZHU-T1, CL-ZHU-CF).

    With :math:`\kappa = K\sqrt{n\lambda_W\lambda_H}` and :math:`c = \sqrt{\lambda_W/(n\lambda_H)}`
    (Zhu et al. 2021, Thm 3.1; the values are derived in classic.md §3.3):

    - κ < 1: :math:`u = \log(K/\kappa - (K-1))`, logits :math:`X^* = u\,PY`,
      :math:`\|w_k\|^2 = (K-1)u/(Kc)`, :math:`\|h_i\|^2 = c^2\|w_k\|^2`,
      :math:`f^* = \log(1 + (K-1)e^{-u}) + (K-1)\kappa u/K`;
    - κ >= 1: W = 0, H = 0, f* = log K.

    Valid for d >= K-1 and any bias option (for balanced classes the optimal bias is a multiple
    of 1, hence 0 when regularised). ``penalty="no_half"`` reads λ as the coefficients of
    ``λ_W||W||² + λ_H||H||²``.

    Example:
      >>> cf = ufm_ce_closed_form(4, 3, 1e-2, 1e-2)
      >>> round(cf.objective, 8), round(cf.w_norm_sq, 6), round(cf.u, 6)
      (0.26133639, 5.199405, 4.002504)
    """
    K = check_num_classes(K)
    n = check_int(n, "n")
    if n < 1:
        raise InputError(f"n must be >= 1 (samples per class), got {n}", argument="n")
    lw, lh, _, _, _ = _resolve_lambdas(lambda_W, lambda_H, None, None, penalty)
    kappa = K * math.sqrt(n * lw * lh)
    c = math.sqrt(lw / (n * lh))
    if kappa >= 1.0:
        return UFMClosedForm("ce", K, n, lw, lh, kappa, math.log(K), True, 0.0, None, 0.0, 0.0,
                             c, None, None)
    u = math.log(K / kappa - (K - 1))
    w2 = (K - 1) * u / (K * c)
    f = math.log1p((K - 1) * math.exp(-u)) + (K - 1) * kappa * u / K
    return UFMClosedForm("ce", K, n, lw, lh, kappa, f, False, u, None, w2, c * c * w2, c, None, None)


def ufm_mse_closed_form(K: int, n: int, lambda_W: float, lambda_H: float, *, bias: bool = False,
                        d: int | None = None, penalty: str = "half") -> UFMClosedForm:
    r"""Closed-form global optimum of the balanced MSE UFM (classic.md CL-MSE-NB, CL-MSE-B).

    Objective :math:`\tfrac1{2N}\|WH^\top (+b1^\top) - Y\|^2 + \tfrac{\lambda_W}2\|W\|^2
    + \tfrac{\lambda_H}2\|H\|^2`, κ = K sqrt(n λ_W λ_H), a = (1-κ)_+:

    - no bias, d >= K: :math:`X^* = aY`, f* = κ - κ²/2 (κ < 1) or ½; W Wᵀ =
      √(λ_H/λ_W)·a√n·I_K (orthogonal frame).
    - no bias, d < K: the orthogonal frame does not fit; the optimum keeps d of the K equal
      singular directions: f* = (d/K)(κ - κ²/2) + (K-d)/(2K) (d = K-1: CL-MSE-NB's
      0.1751615242 at (4, 3, 1e-2, 1e-2)).
    - free (unregularised) bias, d >= K-1: b* = 1/K, :math:`X^* = aPY`,
      f* = ((K-1)/K)(κ - κ²/2) (κ < 1) or (K-1)/(2K); W Wᵀ = √(λ_H/λ_W)·a√n·P (simplex ETF).
      For d < K-1: f* = (d/K)(κ - κ²/2) + (K-1-d)/(2K).

    ``w_norm_sq`` is the full-rank value (d >= K, resp. K-1). A regularised bias (λ_b > 0) has no
    closed form: use :func:`regularized_ufm`.
    """
    K = check_num_classes(K)
    n = check_int(n, "n")
    if n < 1:
        raise InputError(f"n must be >= 1 (samples per class), got {n}", argument="n")
    if not isinstance(bias, (bool, np.bool_)):
        raise InputError(f"bias must be True (free bias) or False, got {bias!r}", argument="bias")
    lw, lh, _, _, _ = _resolve_lambdas(lambda_W, lambda_H, None, None, penalty)
    full = K - 1 if bias else K
    if d is not None:
        d = check_int(d, "d")
        if d < 1:
            raise DimensionError(f"d must be >= 1, got {d}", argument="d")
    keep = full if d is None else min(d, full)
    kappa = K * math.sqrt(n * lw * lh)
    c = math.sqrt(lw / (n * lh))
    a = max(1.0 - kappa, 0.0)
    per_dir = (kappa - kappa * kappa / 2.0) / K if kappa < 1.0 else 0.5 / K
    f = keep * per_dir + (full - keep) * 0.5 / K
    scale = math.sqrt(lh / lw) * a * math.sqrt(n)  # W Wᵀ = scale · (I or P)
    w2 = scale * ((K - 1) / K if bias else 1.0)
    return UFMClosedForm("mse", K, n, lw, lh, kappa, f, kappa >= 1.0, None, a, w2, c * c * w2, c,
                         1.0 / K if bias else None, d)


# ================================================================================================
# Regularised UFM: result, certificate, solver
# ================================================================================================

@dataclass(frozen=True)
class UFMSolution(Result):
    """Certified global minimiser of the regularised UFM (classic.md CL-ZHU-CVX, CL-MSE-*).

    Attributes:
      W: (K, d) classifier. H: (N, d) features. b: (K,) bias or ``None`` (no bias). For CE with a
        free bias the loss only sees b modulo 1, and the minimum-norm representative is returned.
      X: (K, N) optimal logit matrix ``W H^T`` (without the bias).
      objective: the factored objective f(W, H, b) at the returned factors (the user's penalty
        convention; equal to the convex optimum when d >= rank X).
      dual_value: the certificate's Fenchel lower bound. duality_gap, relative_gap: f - dual and
        its relative form.
      certificate: the full :class:`~ncbounds.solvers.certificates.Certificate`.
      status: ``"optimal"`` (certificate passed) or ``"inaccurate"`` (only with ``check=False``).
      solver: ``"ncbounds"`` for the built-in methods, else the cvxpy solver name.
      method: ``"apg"`` (accelerated proximal gradient), ``"svt"`` (closed-form singular-value
        soft-threshold, MSE) or ``"cvxpy"``.
      seconds: wall time. iterations: APG iterations (0 for svt/cvxpy).
      loss, lambda_W, lambda_H, lambda_b, penalty, bias: the problem (λ as given by the user).
      counts: class sizes. rank: rank of X. singular_values: of X.
      closed_form: the balanced closed form when it applies (balanced classes; CE with any bias;
        MSE without bias or with a free bias), else ``None`` (CL-A10: never use the balanced
        formula for unequal class sizes).
      closed_form_objective, objective_error: f* from the formula and |objective - f*|.
      logit_error: ``||X - X_cf||_F`` against the closed-form logits where they are unique.
    """

    W: np.ndarray
    H: np.ndarray
    b: np.ndarray | None
    X: np.ndarray
    objective: float
    dual_value: float
    duality_gap: float
    relative_gap: float
    certificate: Certificate
    status: str
    solver: str
    method: str
    seconds: float
    iterations: int
    loss: str
    lambda_W: float
    lambda_H: float
    lambda_b: float | None
    penalty: str
    bias: str
    counts: np.ndarray
    rank: int
    singular_values: np.ndarray
    closed_form: UFMClosedForm | None = None
    closed_form_objective: float | None = None
    objective_error: float | None = None
    logit_error: float | None = None


def certify_regularized_ufm(W, H, y, b=None, *, loss: str = "ce", lambda_W, lambda_H,
                            lambda_b=None, bias: bool | None = None, penalty: str = "half",
                            K: int | None = None, tol: float = 1e-8,
                            stationarity_tol: float | None = None) -> Certificate:
    r"""Certificate of a candidate (W, H, b) for the regularised UFM, without solving anything.

    Primal value: the factored objective

    .. math:: f(W,H,b) = \tfrac1N\sum_i \ell(Wh_i + b, y_i) + \tfrac{\lambda_W}2\|W\|_F^2
              + \tfrac{\lambda_H}2\|H\|_F^2 \;(+\tfrac{\lambda_b}2\|b\|^2)

    (CE: cross-entropy; MSE: ½‖·‖² to the one-hot target, i.e. (1/(2N))‖X + b1ᵀ − Y‖²).
    Dual value: a Fenchel lower bound of the convex problem
    :math:`\min_{X,b} \tfrac1N\sum_i\ell(x_i+b,y_i) + \sqrt{\lambda_W\lambda_H}\|X\|_*`
    (classic.md CL-ZHU-CVX; CL-A1 on the coefficient) built from the candidate's own gradient
    ``G = ∇_X`` of the data term, scaled so that ``||G||_op <= √(λ_Wλ_H)``, and from a few
    spectrally reshaped versions of it (the best bound is kept; see ``_fenchel_dual``). For MSE
    without bias or with a free bias the exact rank-<=d optimum (Mirsky's inequality) is used as
    well, so rank-constrained candidates (d < rank X*) can be certified too. Since f(W, H, b) >= the convex value for every d, ``f - dual >= 0``
    always; it is 0 exactly at a global minimiser when d >= rank X* (d >= K-1 for CE and MSE with
    a free bias, d >= K for MSE without bias). For smaller d the gap stays positive.

    Stationarity: ``||∇f(W, H, b)||_F`` (gradient of the factored objective). It scales like the
    square root of the gap; by default it is checked against ``sqrt(tol)`` (set
    ``stationarity_tol`` to change that). Residuals are absolute (f is an average, O(1)).

    Args:
      W: (K, d). H: (N, d). y: (N,) labels. b: (K,) bias or ``None``.
      loss: ``"ce"`` or ``"mse"``. lambda_W, lambda_H (> 0), lambda_b (>= 0), bias, penalty: as
        in :func:`regularized_ufm`. A ``b`` given with ``bias=None`` and no ``lambda_b`` is a
        free bias.
      tol: relative-gap tolerance of the verdict.

    Returns:
      :class:`~ncbounds.solvers.certificates.Certificate` (problem ``"ufm"``); ``details`` holds
      the loss term, the nuclear-norm coefficient, ``||G||_op``, the dual scaling ``t``, the
      convex objective at ``X = W H^T`` and the imbalance ``f - convex``.

    Cost: O(NKd + NK^2).
    """
    loss = _check_choice(loss, "loss", _LOSSES)
    if bias is None and b is not None and lambda_b is None:
        bias = True
    lw, lh, lb, mode, penalty = _resolve_lambdas(lambda_W, lambda_H, lambda_b, bias, penalty)
    H_, y_, W_, b_, K = _check_ufm_candidate(W, H, y, b, K, mode)
    tol = check_positive(tol, "tol")
    stol = math.sqrt(tol) if stationarity_tol is None else check_positive(stationarity_tol,
                                                                          "stationarity_tol")
    N = H_.shape[0]
    mu = math.sqrt(lw * lh)
    X = W_ @ H_.T
    U = X + b_[:, None] if b_ is not None else X
    lcols = _loss_cols(loss, U, y_)
    data = float(lcols.mean())
    nW2 = float(np.sum(W_ * W_))
    nH2 = float(np.sum(H_ * H_))
    f = data + 0.5 * lw * nW2 + 0.5 * lh * nH2
    if mode == "reg":
        f += 0.5 * lb * float(b_ @ b_)
    sv = np.linalg.svd(X, compute_uv=False)
    nuc = float(sv.sum())
    convex = data + mu * nuc + (0.5 * lb * float(b_ @ b_) if mode == "reg" else 0.0)
    rank_x = int(np.sum(sv > 1e-9 * sv.max())) if sv.size and sv.max() > 0 else 0
    # identical (label, logit) columns are merged into one column with a multiplicity: the dual
    # bound is exactly the same, and collapsed candidates (solver output) shrink from N to ~K
    key = np.column_stack([y_.astype(np.float64), U.T])
    uniq, first, mult = np.unique(key, axis=0, return_index=True, return_counts=True)
    if uniq.shape[0] < N:
        Ud, yd, m = U[:, first], y_[first], mult.astype(np.float64)
    else:
        Ud, yd, m = U, y_, np.ones(N)
    D, info = _fenchel_dual(loss, Ud, yd, m, float(N), mu, mode, lb, rank_hint=rank_x)
    info["distinct_columns"] = int(m.size)
    if loss == "mse" and mode in ("none", "free"):
        # exact optimum of the rank-<=d problem (Mirsky / von Neumann), a lower bound for every
        # candidate with d = W.shape[1]; needed where the convex bound is not tight (d < rank X*)
        counts = np.bincount(y_, minlength=K).astype(np.float64)
        Ds = _mse_spectral_bound(counts, mu, mode, W_.shape[1])
        info["fenchel_dual"] = D
        info["spectral_bound"] = Ds
        D = max(D, Ds)
    # stationarity of the factored objective
    G = _grad_cols(loss, U, y_) / N  # ∇_X of the data term
    gW = G @ H_ + lw * W_
    gH = G.T @ W_ + lh * H_
    st2 = float(np.sum(gW * gW) + np.sum(gH * gH))
    if mode != "none":
        gb = G.sum(axis=1) + (lb * b_ if mode == "reg" else 0.0)
        st2 += float(gb @ gb)
    stat = math.sqrt(st2)
    cert = Certificate.build(
        "ufm", primal_value=f, dual_value=D, primal_infeasibility=0.0,
        dual_infeasibility=0.0, stationarity=float("nan"), tol=tol,
        details={"loss": loss, "data_term": data, "nuclear_coefficient": mu,
                 "nuclear_norm": nuc, "convex_objective": convex, "balance_excess": f - convex,
                 "stationarity_tol": stol, "d": int(W_.shape[1]), "bias": mode, **info})
    # the stationarity verdict uses its own tolerance (it scales like sqrt(gap))
    return dataclasses.replace(cert, stationarity=stat, passed=bool(cert.passed and stat <= stol))


def _mse_spectral_bound(counts: np.ndarray, mu: float, mode: str, d: int) -> float:
    r"""Optimal value of the MSE UFM (no bias or free bias) over logits of rank <= d.

    With target T = Y (no bias) or Y P_N (free bias; the optimal bias absorbs the mean),
    :math:`\|X - T\|^2 \ge \sum_i(\sigma_i(X) - \sigma_i(T))^2` (Mirsky), so the value is
    :math:`\sum_{i\le d} h(\sigma_i) + \sum_{i>d}\sigma_i^2/(2N)` with
    :math:`h(\sigma) = \min_{s\ge0}(\sigma-s)^2/(2N) + \mu s`, attained by the truncated
    soft-threshold. Zero-singular-value classes of Y P_N (the 1 direction) contribute nothing.
    """
    K = counts.size
    N = float(counts.sum())
    s = np.sqrt(counts)
    if mode == "none":
        sig = np.sort(s)[::-1]
    else:
        sig = np.linalg.svd((np.eye(K) - np.outer(counts / N, np.ones(K))) * s[None, :],
                            compute_uv=False)
    h = np.where(sig > N * mu, mu * sig - 0.5 * N * mu * mu, sig * sig / (2.0 * N))
    tail = sig * sig / (2.0 * N)
    return float(h[:d].sum() + tail[d:].sum())


def _check_ufm_candidate(W, H, y, b, K, mode):
    H_ = as_float_array(H, "H", ndim=2)
    W_ = as_float_array(W, "W", ndim=2)
    if W_.shape[1] != H_.shape[1]:
        raise ShapeError(f"W must have shape (K, d) with d={H_.shape[1]} matching H's columns, "
                         f"got {W_.shape}", argument="W")
    if K is None:
        K = W_.shape[0]
    K = check_num_classes(K)
    if W_.shape[0] != K:
        raise ShapeError(f"W must have K={K} rows (one per class), got {W_.shape[0]}", argument="W")
    y_, K = as_labels(y, "y", K=K, n=H_.shape[0], require_all_classes=False)
    if mode == "none":
        if b is not None:
            raise InputError("b was given for a problem without bias (bias=False)", argument="b")
        b_ = None
    else:
        b_ = np.zeros(K) if b is None else as_float_array(b, "b", shape=(K,))
    return H_, y_, W_, b_, K


# --- class-level solvers --------------------------------------------------------------------------

def _class_smooth(loss, V, beta, s, pi, N, lb, mode, ycls):
    """Smooth part ψ(V, β) of the class-level problem and its gradient (b = β/√N)."""
    sqN = math.sqrt(N)
    U = V / s[None, :]
    if mode != "none":
        U = U + (beta / sqN)[:, None]
    lc = _loss_cols(loss, U, ycls)
    val = float(pi @ lc)
    g = _grad_cols(loss, U, ycls)
    gV = g * (s / N)[None, :]
    if mode == "none":
        gB = None
    else:
        gb = g @ pi
        if mode == "reg":
            b = beta / sqN
            val += 0.5 * lb * float(b @ b)
            gb = gb + lb * b
        gB = gb / sqN
    return val, gV, gB, U


def _svt(A: np.ndarray, thr: float, keep: int | None = None):
    """Singular-value soft-threshold of A at ``thr``, keeping at most ``keep`` directions."""
    Uu, sig, Vt = np.linalg.svd(A)
    sig = np.maximum(sig - thr, 0.0)
    if keep is not None:
        sig[keep:] = 0.0
    return (Uu * sig) @ Vt, float(sig.sum())


def _class_gap(loss, V, beta, s, pi, counts, N, mu, lb, mode, ycls, gap_tol=0.0):
    val, _, _, U = _class_smooth(loss, V, beta, s, pi, N, lb, mode, ycls)
    sv = np.linalg.svd(V, compute_uv=False)
    F = val + mu * float(sv.sum())
    rank_v = int(np.sum(sv > 1e-9 * sv[0])) if sv[0] > 0 else 0
    D, _ = _fenchel_dual(loss, U, ycls, counts, N, mu, mode, lb, rank_hint=rank_v,
                         good_enough=F - gap_tol * max(1.0, abs(F)))
    return F, D


def _apg(loss, counts, mu, lb, mode, V0, beta0, gap_tol, max_iter):
    """FISTA (fixed step 1/L) with gradient-based adaptive restart on the class-level problem.

    Returns (V, beta, iterations, F, D). Stops when the relative Fenchel gap <= gap_tol.
    """
    K = counts.size
    N = float(counts.sum())
    s = np.sqrt(counts)
    pi = counts / N
    ycls = np.arange(K)
    Ll = 0.5 if loss == "ce" else 1.0
    L = (2.0 * Ll + lb) / N if mode != "none" else Ll / N
    step = 1.0 / L
    x_V, x_b = V0.copy(), beta0.copy()
    y_V, y_b = x_V.copy(), x_b.copy()
    theta = 1.0
    F = D = float("nan")
    best = None
    best_it = 0
    it = 0
    for it in range(1, max_iter + 1):
        _, gV, gB, _ = _class_smooth(loss, y_V, y_b, s, pi, N, lb, mode, ycls)
        # fixed step 1/L with the global Lipschitz bound (no backtracking: function-value tests
        # lose their meaning at the 1e-15 accuracy we aim for)
        n_V, _ = _svt(y_V - step * gV, step * mu)
        n_b = y_b - step * gB if mode != "none" else y_b
        dV = n_V - y_V
        db = n_b - y_b
        # gradient restart (O'Donoghue & Candès 2015)
        if float(np.sum(dV * (n_V - x_V)) + db @ (n_b - x_b)) < 0:  # <y - x+, x+ - x> > 0
            theta = 1.0
        theta_n = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * theta * theta))
        mom = (theta - 1.0) / theta_n
        y_V = n_V + mom * (n_V - x_V)
        y_b = n_b + mom * (n_b - x_b)
        x_V, x_b, theta = n_V, n_b, theta_n
        if it % 10 == 0 or it == max_iter:
            F, D = _class_gap(loss, x_V, x_b, s, pi, counts, N, mu, lb, mode, ycls, gap_tol)
            gap = (F - D) / max(1.0, abs(F))
            if best is None or gap < best[0]:
                best = (gap, x_V.copy(), x_b.copy(), F, D)
                best_it = it
            if gap <= gap_tol:
                break
            if best[0] <= 1e3 * gap_tol and it - best_it >= 1000:
                break  # stagnated at the round-off floor, close enough to the target
    gap, V, beta, F, D = best
    return V, beta, it, F, D


def _cvxpy_class_level(loss, counts, mu, lb, mode, solver, tol):
    import cvxpy as cp

    K = counts.size
    N = float(counts.sum())
    s = np.sqrt(counts)
    pi = counts / N
    V = cp.Variable((K, K))
    U = V @ np.diag(1.0 / s)
    b = None
    if mode != "none":
        b = cp.Variable(K)
        U = U + cp.reshape(b, (K, 1), order="F") @ np.ones((1, K))
    if loss == "ce":
        data = pi @ (cp.log_sum_exp(U, axis=0) - cp.diag(U))
    else:
        data = 0.5 * cp.sum_squares((U - np.eye(K)) @ np.diag(np.sqrt(pi)))
    obj = data + mu * cp.normNuc(V)
    if mode == "reg":
        obj = obj + 0.5 * lb * cp.sum_squares(b)
    prob = cp.Problem(cp.Minimize(obj))
    status, secs = _cvx_solve(prob, solver, tol)
    Vv = np.asarray(V.value, dtype=np.float64)
    beta = np.zeros(K) if b is None else np.asarray(b.value, dtype=np.float64) * math.sqrt(N)
    return Vv, beta, status


def _mse_svt(counts, mu, mode, keep):
    """Exact class-level MSE solution (no bias or free bias): singular-value soft-threshold."""
    K = counts.size
    N = float(counts.sum())
    s = np.sqrt(counts)
    pi = counts / N
    if mode == "none":
        # Y has singular values sqrt(n_k); keep the `keep` largest (ties: lowest index first)
        order = np.argsort(-s, kind="stable")
        sig = np.maximum(s - N * mu, 0.0)
        mask = np.zeros(K, dtype=bool)
        mask[order[:keep]] = True
        V = np.diag(np.where(mask, sig, 0.0))
        beta = np.zeros(K)
    else:  # free bias: X = SVT(Y P_N), b = (Y - X) 1 / N
        Vy = (np.eye(K) - np.outer(pi, np.ones(K))) * s[None, :]
        V, _ = _svt(Vy, N * mu, keep)
        Z = V / s[None, :]
        b = (np.eye(K) - Z) @ pi
        beta = b * math.sqrt(N)
    return V, beta


def regularized_ufm(y, *, loss: str = "ce", lambda_W, lambda_H, lambda_b=None,
                    bias: bool | None = None, K: int | None = None, d: int | None = None,
                    penalty: str = "half", method: str = "auto", solver: str | None = None,
                    tol: float | None = None, max_iter: int = 200_000, check: bool = True) -> UFMSolution:
    r"""Certified global minimiser of the regularised UFM (Zhu et al. 2021; classic.md §3.3, §3.6).

    .. math:: f(W,H,b) = \frac1N\sum_{i=1}^N \ell(Wh_i + b, y_i) + \frac{\lambda_W}2\|W\|_F^2
              + \frac{\lambda_H}2\|H\|_F^2 \;\Big(+\frac{\lambda_b}2\|b\|^2\Big)

    with ℓ the cross-entropy (``loss="ce"``) or ``½||x - e_y||²`` (``loss="mse"``, so the data
    term is (1/(2N))‖X + b1ᵀ − Y‖²). Solved through the convex reformulation (CL-ZHU-CVX)

    .. math:: \min_{X,b}\ \frac1N\sum_i\ell(x_i + b, y_i) + \sqrt{\lambda_W\lambda_H}\,\|X\|_*,

    exact when d >= rank X* (CL-A1: the coefficient is √(λ_Wλ_H) with the ½ factors; d >= K-1
    suffices for CE and for MSE with a free bias, MSE without bias needs d >= K), reduced
    exactly to a K x K class-level problem (module docstring), and factored with the balanced
    factors :math:`W = (\lambda_H/\lambda_W)^{1/4}U\Sigma^{1/2}R`,
    :math:`H = (\lambda_W/\lambda_H)^{1/4}\tilde V\Sigma^{1/2}R`, ``R = [I_r, 0]``.

    Any class sizes are allowed (imbalanced: the closed forms do not apply, CL-A10).

    Args:
      y: (N,) integer labels; every class 0..K-1 must occur.
      loss: ``"ce"`` or ``"mse"``.
      lambda_W, lambda_H: > 0. lambda_b: >= 0 or ``None``.
      bias: ``None`` (default): no bias unless ``lambda_b`` is given; ``True``: a bias, free
        (unregularised) when ``lambda_b`` is ``None`` or 0, regularised when ``lambda_b > 0``;
        ``False``: no bias (then ``lambda_b`` must be ``None``).
      K: number of classes (default ``max(y)+1``).
      d: feature dimension of the returned factors (default K). CE (and MSE with a regularised
        bias) need d >= rank X* (<= K-1 for CE), else :class:`DimensionError`. MSE without bias
        or with a free bias accept any d >= 1: the rank-constrained optimum is the truncated
        soft-threshold (exact, by Mirsky's inequality), e.g. d = K-1 without bias gives
        classic.md's 0.1751615242.
      penalty: ``"half"`` (the objective above) or ``"no_half"``: the regulariser is
        ``λ_W||W||² + λ_H||H||² (+ λ_b||b||²)``, converted internally to the ½ form (λ -> 2λ, so
        the nuclear coefficient is 2√(λ_Wλ_H)).
      method: ``"auto"`` (``"svt"`` for MSE without bias or with a free bias, else ``"apg"``;
        ``"cvxpy"`` when ``solver`` names a cvxpy solver), ``"apg"`` (accelerated proximal
        gradient on the class-level problem, exact SVD prox), ``"svt"`` (MSE closed-form
        soft-threshold) or ``"cvxpy"`` (class-level problem in cvxpy; a reference).
      solver: cvxpy solver for ``method="cvxpy"`` (default ``"CLARABEL"``; ``"SCS"`` works too).
      tol: relative duality-gap tolerance of the certificate (APG stops at tol/1000, floor 1e-15).
        Default 1e-9, and 1e-7 for ``method="cvxpy"`` (interior-point answers are accurate to
        ~1e-10 in value but only ~1e-5 in X; measured certificate gaps 4e-11 with Clarabel). The
        cvxpy solver itself always runs at tolerance 1e-10.
      max_iter: APG iteration cap.
      check: raise :class:`CertificateError` if the certificate fails (default); with ``False``
        the result is returned with ``status="inaccurate"``.

    Returns:
      :class:`UFMSolution`.

    Example:
      >>> import numpy as np
      >>> sol = regularized_ufm(np.repeat(np.arange(4), 3), lambda_W=1e-2, lambda_H=1e-2)
      >>> round(sol.objective, 8), sol.rank
      (0.26133639, 3)
    """
    t0 = time.perf_counter()
    loss = _check_choice(loss, "loss", _LOSSES)
    lw, lh, lb, mode, penalty = _resolve_lambdas(lambda_W, lambda_H, lambda_b, bias, penalty)
    y_, K = as_labels(y, "y", K=K)
    counts = np.bincount(y_, minlength=K).astype(np.float64)
    if d is None:
        d = K
    d = check_int(d, "d")
    if d < 1:
        raise DimensionError(f"d must be >= 1, got {d}", argument="d")
    max_iter = check_int(max_iter, "max_iter")
    if max_iter < 1:
        raise InputError(f"max_iter must be >= 1, got {max_iter}", argument="max_iter")
    method = _check_choice(method, "method", ("auto", "apg", "svt", "cvxpy"))
    if solver is not None and not isinstance(solver, str):
        raise InputError(f"solver must be a cvxpy solver name or None, got {solver!r}",
                         argument="solver")
    svt_ok = loss == "mse" and mode in ("none", "free")
    if method == "auto":
        method = "cvxpy" if solver is not None else ("svt" if svt_ok else "apg")
    tol = (1e-7 if method == "cvxpy" else 1e-9) if tol is None else check_positive(tol, "tol")
    if method == "svt" and not svt_ok:
        raise InputError("method='svt' (closed-form soft-threshold) applies only to loss='mse' "
                         "without bias or with a free bias", argument="method")
    if loss == "ce" and d < K - 1:
        raise DimensionError(
            f"d={d} is too small: the CE UFM optimum has rank K-1={K - 1}, and for d < K-1 the "
            "convex reformulation is only a lower bound (classic.md CL-A1)", argument="d")
    mu = math.sqrt(lw * lh)
    iters = 0
    used_solver = "ncbounds"
    if method == "svt":
        full = K if mode == "none" else K - 1
        V, beta = _mse_svt(counts, mu, mode, min(d, full))
    elif method == "cvxpy":
        if not svt_ok or d >= (K if mode == "none" else K - 1):
            pass
        else:
            raise DimensionError(f"d={d} < rank of the MSE optimum; use method='svt' for the "
                                 "rank-constrained optimum", argument="d")
        used_solver = (solver or "CLARABEL").upper()
        V, beta, _ = _cvxpy_class_level(loss, counts, mu, lb, mode, used_solver, 1e-10)
    else:
        if svt_ok and d < (K if mode == "none" else K - 1):
            raise DimensionError(f"d={d} < rank of the MSE optimum; use method='svt' for the "
                                 "rank-constrained optimum", argument="d")
        V0, beta0 = _initial_point(loss, counts, mu, mode)
        V, beta, iters, _, _ = _apg(loss, counts, mu, lb, mode, V0, beta0,
                                    max(tol * 1e-3, 1e-15), max_iter)
    sol = _assemble_ufm(V, beta, y_, counts, K, d, loss, lw, lh, lb, mode)
    W, H, b, X, sv, r = sol
    if loss == "ce" and mode != "none" and b is not None:
        b = b - b.mean()  # CE sees b modulo 1: minimum-norm representative
    if r > d:
        if sv[d] > 1e-6 * sv[0]:
            raise DimensionError(f"d={d} is smaller than the rank {r} of the optimal logits; the "
                                 "convex value is only a lower bound there (classic.md CL-A1)",
                                 argument="d")
        r = d  # solver noise below 1e-6 relative (cvxpy): the factors keep the top d directions
    cert = certify_regularized_ufm(
        W, H, y_, b, loss=loss, lambda_W=lw, lambda_H=lh,
        lambda_b=(lb if mode == "reg" else (0.0 if mode == "free" else None)),
        bias=(mode != "none"), K=K, tol=tol)
    if not cert.passed and check:
        raise_if_failed(cert, solver=used_solver, status="inaccurate")
    status = "optimal" if cert.passed else "inaccurate"
    # closed forms (balanced only)
    cf = cf_obj = obj_err = logit_err = None
    balanced = bool(np.all(counts == counts[0]))
    n = int(counts[0])
    if balanced:
        if loss == "ce":
            cf = ufm_ce_closed_form(K, n, lw, lh)
            Xcf = cf.u * (np.eye(K) - 1.0 / K)[:, y_] if not cf.collapsed_to_zero else np.zeros_like(X)
            logit_err = float(np.linalg.norm(X - Xcf))
        elif mode in ("none", "free"):
            cf = ufm_mse_closed_form(K, n, lw, lh, bias=(mode == "free"), d=d)
            full = K if mode == "none" else K - 1
            if d >= full:
                base = np.eye(K) if mode == "none" else (np.eye(K) - 1.0 / K)
                logit_err = float(np.linalg.norm(X - cf.logit_scale * base[:, y_]))
        if cf is not None:
            cf_obj = cf.objective
            obj_err = abs(cert.primal_value - cf.objective)
    scale = 0.5 if penalty == "no_half" else 1.0
    return UFMSolution(
        W=W, H=H, b=b, X=X, objective=cert.primal_value, dual_value=cert.dual_value,
        duality_gap=cert.duality_gap, relative_gap=cert.relative_gap, certificate=cert,
        status=status, solver=used_solver, method=method, seconds=time.perf_counter() - t0,
        iterations=iters, loss=loss, lambda_W=lw * scale, lambda_H=lh * scale,
        lambda_b=(None if mode == "none" else lb * scale), penalty=penalty, bias=mode,
        counts=counts.astype(np.int64), rank=r, singular_values=sv, closed_form=cf,
        closed_form_objective=cf_obj, objective_error=obj_err, logit_error=logit_err)


def _initial_point(loss, counts, mu, mode):
    """Warm start: the balanced closed form at the mean class size (exact when balanced)."""
    K = counts.size
    N = counts.sum()
    s = np.sqrt(counts)
    n_bar = N / K
    kappa = K * math.sqrt(n_bar) * mu
    P = np.eye(K) - 1.0 / K
    if loss == "ce":
        u = math.log(K / kappa - (K - 1)) if kappa < 1 else 0.0
        Z = u * P
    else:
        Z = max(1.0 - kappa, 0.0) * (np.eye(K) if mode == "none" else P)
    V = Z * s[None, :]
    beta = np.zeros(K)
    if loss == "mse" and mode != "none":
        beta = (np.eye(K) - Z) @ (counts / N) * math.sqrt(N)
    return V, beta


def _assemble_ufm(V, beta, y, counts, K, d, loss, lw, lh, lb, mode):
    """Class-level solution -> (W, H, b, X, singular values, rank)."""
    N = float(counts.sum())
    s = np.sqrt(counts)
    Uu, sig, Qt = np.linalg.svd(V)
    tiny = max(sig[0], 1e-300) * 1e-10 if sig.size and sig[0] > 0 else 0.0
    r = int(np.sum(sig > tiny)) if sig.size and sig[0] > 1e-14 else 0
    rd = min(r, d)
    W = np.zeros((K, d))
    Hc = np.zeros((K, d))  # class-level feature rows
    if rd > 0:
        root = np.sqrt(sig[:rd])
        W[:, :rd] = (lh / lw) ** 0.25 * Uu[:, :rd] * root[None, :]
        Q = Qt.T  # V = U Σ Q^T; X = U Σ (Y^T D^{-1/2} Q)^T
        Hc[:, :rd] = (lw / lh) ** 0.25 * (Q[:, :rd] / s[:, None]) * root[None, :]
    H = Hc[y]
    X = W @ H.T  # = Z Y with Z = V D^{-1/2} (up to round-off), truncated to rank <= d
    b = None if mode == "none" else beta / math.sqrt(N)
    # singular values of X equal those of V (Y^T D^{-1/2} has orthonormal columns)
    return W, H, b, X, sig.copy(), r


# ================================================================================================
# cvxpy helper
# ================================================================================================

def _cvx_solve(prob, solver: str, tol: float) -> tuple[str, float]:
    """Solve a cvxpy problem with tight tolerances; raise SolverError unless (nearly) optimal."""
    import cvxpy as cp

    solver = solver.upper()
    opts: dict[str, Any] = {}
    if solver == "CLARABEL":
        opts = dict(tol_gap_abs=tol, tol_gap_rel=tol, tol_feas=tol, tol_ktratio=min(1e-6, tol),
                    max_iter=500)
    elif solver == "SCS":
        opts = dict(eps_abs=tol, eps_rel=tol, max_iters=200_000)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():  # "inaccurate" is reported through the status instead
            warnings.filterwarnings("ignore", message="Solution may be inaccurate")
            prob.solve(solver=solver, **opts)
    except cp.error.SolverError as exc:
        raise SolverError(f"cvxpy solver {solver} failed: {exc}", solver=solver) from exc
    except Exception as exc:  # unknown solver name and the like
        raise SolverError(f"cvxpy could not solve with {solver!r}: {exc}", solver=solver) from exc
    secs = time.perf_counter() - t0
    if prob.status not in ("optimal", "optimal_inaccurate"):
        raise SolverError(f"cvxpy solver {solver} returned status {prob.status!r}",
                          status=str(prob.status), solver=solver)
    return str(prob.status), secs


def _check_solver_name(solver) -> str:
    if not isinstance(solver, str) or not solver:
        raise InputError(f"solver must be a cvxpy solver name such as 'CLARABEL' or 'SCS', got "
                         f"{solver!r}", argument="solver")
    return solver.upper()


# ================================================================================================
# Layer-peeled model (Fang, He, Long & Su 2021)
# ================================================================================================

@dataclass(frozen=True)
class LPMClosedForm(Result):
    """Balanced layer-peeled optimum (classic.md CL-FANG-BAL).

    Attributes: K, E_H, E_W; ``per_class_loss`` ℓ* = log(1 + (K-1) exp(-K√(E_H E_W)/(K-1)));
    ``objective`` = K ℓ* (the class-level sum, weights 1); ``cosine`` = -1/(K-1);
    ``w_norm_sq`` = E_W, ``h_norm_sq`` = E_H.
    """

    K: int
    E_H: float
    E_W: float
    per_class_loss: float
    objective: float
    cosine: float
    w_norm_sq: float
    h_norm_sq: float


def lpm_balanced_closed_form(K: int, E_H: float, E_W: float) -> LPMClosedForm:
    r"""Closed-form optimum of the balanced layer-peeled model (classic.md CL-FANG-BAL).

    For d >= K-1 the optimum is neural collapse with ``||h_k||² = E_H``, ``||w_k||² = E_W``,
    ``w_k = √(E_W/E_H) h_k`` and cosines -1/(K-1); every class has loss

    .. math:: \ell^* = \log\Big(1 + (K-1)\exp\big(-\tfrac{K\sqrt{E_HE_W}}{K-1}\big)\Big),

    and the class-level objective (weights 1) is K ℓ*. Example: (4, 5, 1) -> 0.5665595764.
    """
    K = check_num_classes(K)
    eh = check_positive(E_H, "E_H")
    ew = check_positive(E_W, "E_W")
    lstar = math.log1p((K - 1) * math.exp(-K * math.sqrt(eh * ew) / (K - 1)))
    return LPMClosedForm(K, eh, ew, lstar, K * lstar, -1.0 / (K - 1), ew, eh)


@dataclass(frozen=True)
class LPMSolution(Result):
    """Solution of the layer-peeled model's class-level Gram SDP (classic.md CL-FANG-SDP).

    Attributes:
      objective: ``Σ_k w_k ℓ(W h_k, k)`` with weights ``w_k = n_k / max_j n_j`` (the scaling of the
        authors' public code: 1 for the majority, 1/R for the minority of a two-group instance).
      mean_loss: the LPM's per-sample objective ``Σ_k (n_k/N) ℓ_k`` (= objective · max n / N).
      G: (2K, 2K) optimal Gram of ``[h_1..h_K, w_1..w_K]``. W, H: (K, d) class-level factors
        (d = rank unless requested), rescaled onto the constraint set.
      rank: number of eigenvalues of G above 1e-6 · max; eigenvalues: of G (descending).
      weights: the class weights; minority: indices of the minority classes.
      cosines: (K, K) cosines between classifiers (from G).
      minority_cosine_mean, minority_cosine_std: over minority pairs (NaN if < 2 minority classes).
      minority_max_sqdist: ``max ||w_k - w_k'||²`` over minority pairs.
      minority_norm_sq_mean: mean ``||w_k||²`` over minority classes.
      majority_cosine_mean: over majority pairs (NaN if < 2).
      multipliers: the solver's dual values of the two norm constraints (α for E_H, β for E_W).
      duality_gap, relative_gap: from the certificate (:func:`certify_lpm`), a Lagrangian dual
        bound built from the candidate's gradient.
      certificate, status, solver, seconds, E_W, E_H.
    """

    objective: float
    mean_loss: float | None
    G: np.ndarray
    W: np.ndarray
    H: np.ndarray
    rank: int
    eigenvalues: np.ndarray
    weights: np.ndarray
    minority: np.ndarray
    cosines: np.ndarray
    minority_cosine_mean: float
    minority_cosine_std: float
    minority_max_sqdist: float
    minority_norm_sq_mean: float
    majority_cosine_mean: float
    multipliers: dict
    duality_gap: float
    relative_gap: float
    certificate: Certificate
    status: str
    solver: str
    seconds: float
    E_W: float
    E_H: float


def _class_weights(counts, y, weights, K):
    given = [a is not None for a in (counts, y, weights)]
    if sum(given) != 1:
        raise InputError("give exactly one of counts, y or weights", argument="counts")
    n_samples = None
    if y is not None:
        y_, K = as_labels(y, "y", K=K)
        c = np.bincount(y_, minlength=K).astype(np.float64)
        n_samples = float(y_.size)
        name = "y"
    else:
        name = "counts" if counts is not None else "weights"
        c = as_float_array(counts if counts is not None else weights, name, ndim=1)
        if np.any(c <= 0):
            raise InputError(f"{name} must be positive (every class needs weight > 0)",
                             argument=name)
        if K is not None and c.size != check_num_classes(K):
            raise ShapeError(f"{name} must have K={K} entries, got {c.size}", argument=name)
        check_num_classes(c.size, f"len({name})")
        if counts is not None:
            n_samples = float(c.sum())
    return c / c.max(), c, n_samples


def _logsumexp_rows_grad(Zl: np.ndarray):
    """Per-row CE of logits Zl (K, K) with label k on row k: values and softmax rows."""
    K = Zl.shape[0]
    idx = np.arange(K)
    lse = logsumexp(Zl, axis=1)
    return lse - Zl[idx, idx], softmax(Zl, axis=1)


def certify_lpm(W, H, y=None, *, counts=None, weights=None, E_W: float, E_H: float,
                tol: float = 1e-7) -> Certificate:
    r"""Certificate of a layer-peeled candidate (W, H) against the LPM optimum (CL-FANG-SDP).

    Class level (``H`` is (K, d), one feature per class, with ``counts`` or ``weights``):
    primal value ``Φ = Σ_k w_k ℓ(W h_k, k)`` with ``w_k = n_k/max n``; constraints
    ``(1/K)Σ||w_k||² <= E_W``, ``(1/K)Σ||h_k||² <= E_H``. Sample level (``H`` is (N, d) with labels
    ``y``): primal value ``(N/max n)·(1/N)Σ_i ℓ(W h_i, y_i)`` in the same units, constraint
    ``(1/K)Σ_k (1/n_k)Σ_{y_i=k}||h_i||² <= E_H`` (Fang et al.'s CL-FANG-LPM).

    Dual bound (Lagrangian of the Gram SDP; valid for every d): for any Γ (K, K) and
    multipliers α, β >= 0 with ``[[αI, Γ/2], [Γᵀ/2, βI]] ⪰ 0`` (i.e. ``||Γ||_op <= 2√(αβ)``),
    ``Φ* >= -Φ^*(Γ) - K(αE_H + βE_W)``; the best α, β give ``-Φ^*(Γ) - K||Γ||_op √(E_H E_W)``.
    We take ``Γ = t ∇Φ`` at the class means of the candidate and maximise over ``t ∈ [0, 1]``
    (``Φ^*`` is a sum of negative entropies there). At the optimum the gap is 0.

    Primal infeasibility: the relative violation of the two norm constraints.
    """
    eh = check_positive(E_H, "E_H")
    ew = check_positive(E_W, "E_W")
    tol = check_positive(tol, "tol")
    W_ = as_float_array(W, "W", ndim=2)
    K = check_num_classes(W_.shape[0], "W.shape[0]")
    H_ = as_float_array(H, "H", ndim=2)
    if H_.shape[1] != W_.shape[1]:
        raise ShapeError(f"H must have d={W_.shape[1]} columns like W, got {H_.shape}", argument="H")
    if y is not None:
        if counts is not None or weights is not None:
            raise InputError("with sample-level y, do not also give counts or weights", argument="y")
        y_, _ = as_labels(y, "y", K=K, n=H_.shape[0])
        n = np.bincount(y_, minlength=K).astype(np.float64)
        w = n / n.max()
        logits = H_ @ W_.T  # (N, K)
        idx = np.arange(y_.size)
        per = logsumexp(logits, axis=1) - logits[idx, y_]
        primal = float(per.sum() / n.max())
        Hbar = np.zeros_like(W_)
        np.add.at(Hbar, y_, H_)
        Hbar /= n[:, None]
        sq = np.bincount(y_, weights=np.einsum("ij,ij->i", H_, H_), minlength=K) / n
        h_load = float(sq.mean())
        mean_loss = float(per.mean())
    else:
        w, _, _ = _class_weights(counts, None, weights, K)
        if H_.shape[0] != K:
            raise ShapeError(f"class-level H must have K={K} rows, got {H_.shape[0]} (pass y for "
                             "sample-level features)", argument="H")
        Hbar = H_
        per, _ = _logsumexp_rows_grad(Hbar @ W_.T)
        primal = float(w @ per)
        h_load = float(np.mean(np.sum(H_ * H_, axis=1)))
        mean_loss = None
    w_load = float(np.mean(np.sum(W_ * W_, axis=1)))
    infeas = max(0.0, (h_load - eh) / eh, (w_load - ew) / ew)
    # dual bound from the gradient at the class means (Jensen: the class-mean loss is <= primal);
    # columns p_k = softmax(W h_k) - e_k with multiplicity w_k, Γ^T = P diag(w)
    Zl = Hbar @ W_.T
    _, S = _logsumexp_rows_grad(Zl)
    P = (S - np.eye(K)).T
    ycls = np.arange(K)
    P[ycls, ycls] = 0.0
    P[ycls, ycls] = -P.sum(axis=0)
    root = math.sqrt(eh * ew)
    best = (-math.inf, 0.0, 0.0, "grad")
    variants = [("grad", P)] + [(lab, Mv @ P) for lab, Mv in
                                _spectral_variants(P * w[None, :], None, None)]
    for lab, Pv in variants:
        if lab != "grad":
            Pv = _ce_repair(P, Pv, ycls)
            Pv[ycls, ycls] = 0.0
            Pv[ycls, ycls] = -Pv.sum(axis=0)
        sv_ = _op_norm(Pv * w[None, :])

        def negD(t: float, Pv=Pv, sv_=sv_) -> float:
            return float(w @ _conj_cols("ce", Pv, ycls, t)) + t * K * sv_ * root

        t, Dv = _best_t(negD, 1.0)
        if Dv > best[0]:
            best = (Dv, t, sv_, lab)
    D, tbest, s, lab = best
    return Certificate.build(
        "lpm", primal_value=primal, dual_value=D, primal_infeasibility=infeas,
        dual_infeasibility=0.0, tol=tol,
        details={"t": tbest, "grad_op_norm": s, "dual_variant": lab, "w_load": w_load,
                 "h_load": h_load, "alpha": 0.5 * tbest * s * math.sqrt(ew / eh),
                 "beta": 0.5 * tbest * s * math.sqrt(eh / ew), "mean_loss": mean_loss})


def _gram_factor(G: np.ndarray, d: int | None, rel: float = 1e-6):
    """Eigen-factor a PSD matrix: F with F Fᵀ ≈ G, numerical rank (eigenvalues > rel · max)."""
    G = 0.5 * (G + G.T)
    ev, Q = np.linalg.eigh(G)
    ev, Q = ev[::-1], Q[:, ::-1]
    top = max(ev[0], 0.0)
    r = int(np.sum(ev > rel * top)) if top > 0 else 0
    if d is None:
        d = max(r, 1)
    if d < r:
        raise DimensionError(f"d={d} is smaller than the rank {r} of the optimal Gram matrix; the "
                             "Gram relaxation is exact only for d >= rank", argument="d")
    F = np.zeros((G.shape[0], d))
    F[:, :r] = Q[:, :r] * np.sqrt(ev[:r])[None, :]
    return F, r, ev


def _pair_stats(Gw: np.ndarray, idx: np.ndarray):
    if idx.size < 2:
        return float("nan"), float("nan"), float("nan")
    nrm = np.sqrt(np.clip(np.diag(Gw), 1e-300, None))
    C = Gw / np.outer(nrm, nrm)
    iu = np.triu_indices(idx.size, 1)
    sub = C[np.ix_(idx, idx)][iu]
    dG = np.diag(Gw)[idx]
    sq = (dG[:, None] + dG[None, :] - 2 * Gw[np.ix_(idx, idx)])[iu]
    return float(sub.mean()), float(sub.std()), float(max(sq.max(), 0.0))


def layer_peeled_model(counts=None, *, y=None, weights=None, K: int | None = None, E_W: float,
                       E_H: float, minority=None, d: int | None = None, solver: str = "CLARABEL",
                       tol: float = 1e-10, check: bool = True, cert_tol: float = 1e-6) -> LPMSolution:
    r"""Global optimum of the layer-peeled model via its class-level Gram SDP (classic.md §3.4).

    LPM (CL-FANG-LPM; Fang et al. 2021, Eq. (2) with cross-entropy, no bias):

    .. math:: \min_{W,H}\ \frac1N\sum_i \ell(Wh_i, y_i)\ \text{ s.t. }\
              \frac1K\sum_k\|w_k\|^2\le E_W,\
              \frac1K\sum_k\frac1{n_k}\sum_{y_i=k}\|h_i\|^2\le E_H .

    Class-level reduction and Gram relaxation (CL-FANG-SDP): with G ⪰ 0 the (2K, 2K) Gram of
    ``[h_1..h_K, w_1..w_K]``, logits of class k are ``(G_{k,K+j})_j`` and the problem is

    .. math:: \min_{G\succeq0}\ \sum_k w_k\,\ell\big((G_{k,K+j})_j, k\big)\ \text{ s.t. }\
              \sum_{k} G_{kk}\le KE_H,\ \sum_j G_{K+j,K+j}\le KE_W,

    with ``w_k = n_k/max n`` (weights 1 and 1/R for two groups, the authors' public code
    ``HornHehhf/LPM``). Exact whenever d >= rank G* (reported). Solved with cvxpy (default
    Clarabel at tolerance ``tol``); certified by :func:`certify_lpm`.

    Args:
      counts: (K,) positive class sizes (real numbers allowed: only ratios matter). Or
      y: (N,) labels. Or weights: (K,) positive class weights. Exactly one of the three.
      E_W, E_H: > 0, the classifier and feature energy budgets.
      minority: indices of the minority classes for the cosine statistics (default: the classes
        whose weight is below the maximum; empty when balanced, then the statistics are over all
        classes).
      d: columns of the returned factors (default rank G*); d < rank raises DimensionError.
      solver: cvxpy solver ("CLARABEL" or "SCS"). tol: solver tolerance.
      check: raise CertificateError if the certificate's relative gap exceeds ``cert_tol``.

    Returns:
      :class:`LPMSolution`.
    """
    t0 = time.perf_counter()
    eh = check_positive(E_H, "E_H")
    ew = check_positive(E_W, "E_W")
    w, raw, n_samples = _class_weights(counts, y, weights, K)
    K = w.size
    solver = _check_solver_name(solver)
    tol = check_positive(tol, "tol")
    cert_tol = check_positive(cert_tol, "cert_tol")
    if d is not None:
        d = check_int(d, "d")
        if d < 1:
            raise DimensionError(f"d must be >= 1, got {d}", argument="d")
    if minority is None:
        mino = np.flatnonzero(w < 1.0 - 1e-12)
    else:
        mino = np.unique(np.asarray(minority, dtype=np.int64).ravel())
        if mino.size and (mino.min() < 0 or mino.max() >= K):
            raise InputError(f"minority must hold class indices in 0..{K - 1}", argument="minority")
    import cvxpy as cp

    G = cp.Variable((2 * K, 2 * K), PSD=True)
    Zl = G[:K, K:]
    obj = w @ (cp.log_sum_exp(Zl, axis=1) - cp.diag(Zl))
    cons = [cp.trace(G[:K, :K]) <= K * eh, cp.trace(G[K:, K:]) <= K * ew]
    prob = cp.Problem(cp.Minimize(obj), cons)
    status, _ = _cvx_solve(prob, solver, tol)
    Gv = np.asarray(G.value, dtype=np.float64)
    Gv = 0.5 * (Gv + Gv.T)
    F, r, ev = _gram_factor(Gv, d)
    Hc, Wc = F[:K].copy(), F[K:].copy()
    # rescale onto the constraint set (removes the solver's ~tol infeasibility)
    Wc *= min(1.0, math.sqrt(K * ew / max(np.sum(Wc * Wc), 1e-300)))
    Hc *= min(1.0, math.sqrt(K * eh / max(np.sum(Hc * Hc), 1e-300)))
    cert = certify_lpm(Wc, Hc, weights=w, E_W=ew, E_H=eh, tol=cert_tol)
    if check:
        raise_if_failed(cert, solver=solver, status=status)
    Gw = Gv[K:, K:]
    nrm = np.sqrt(np.clip(np.diag(Gw), 1e-300, None))
    cos = Gw / np.outer(nrm, nrm)
    stats_idx = mino if mino.size else np.arange(K)
    mc, ms, md = _pair_stats(Gw, stats_idx)
    majo = np.setdiff1d(np.arange(K), mino)
    maj_c = _pair_stats(Gw, majo)[0] if mino.size else mc
    mn = float(np.mean(np.diag(Gw)[stats_idx]))
    obj_val = float(prob.value)
    mean_loss = None
    if n_samples is not None:
        mean_loss = obj_val * raw.max() / n_samples
    mult = {"alpha_E_H": float(cons[0].dual_value), "beta_E_W": float(cons[1].dual_value)}
    return LPMSolution(
        objective=obj_val, mean_loss=mean_loss, G=Gv, W=Wc, H=Hc, rank=r, eigenvalues=ev,
        weights=w, minority=mino, cosines=cos, minority_cosine_mean=mc, minority_cosine_std=ms,
        minority_max_sqdist=md, minority_norm_sq_mean=mn, majority_cosine_mean=maj_c,
        multipliers=mult, duality_gap=cert.duality_gap, relative_gap=cert.relative_gap,
        certificate=cert, status=("optimal" if cert.passed and status == "optimal" else
                                  "inaccurate"),
        solver=solver, seconds=time.perf_counter() - t0, E_W=ew, E_H=eh)


def two_group_weights(K: int, K_A: int, R: float) -> np.ndarray:
    """Class weights of the two-group instance: K_A majority classes weight 1, K-K_A weight 1/R.

    R = n_A / n_B >= ... any positive ratio (classic.md CL-FANG-SDP: "after scaling, weights 1
    for majority and 1/R for minority classes").
    """
    K = check_num_classes(K)
    K_A = check_int(K_A, "K_A")
    if not 1 <= K_A <= K - 1:
        raise InputError(f"K_A must be in 1..K-1 = 1..{K - 1}, got {K_A}", argument="K_A")
    R = check_positive(R, "R")
    return np.array([1.0] * K_A + [1.0 / R] * (K - K_A))


def lpm_two_group(R: float, *, K: int = 10, K_A: int = 5, E_H: float = 5.0, E_W: float = 1.0,
                  **kwargs) -> LPMSolution:
    """Layer-peeled model with K_A majority classes (size n_A) and K-K_A minority (n_B = n_A/R).

    Weights 1 (majority) and 1/R (minority) after scaling; the minority statistics are over
    classes K_A..K-1 for every R (so R = 1 gives the balanced cosine -1/(K-1)). Defaults are the
    public code's (K = 10, K_A = 5, E_H = 5, E_W = 1; classic.md CL-FANG-R0). Other keyword
    arguments go to :func:`layer_peeled_model`.
    """
    w = two_group_weights(K, K_A, R)
    return layer_peeled_model(weights=w, E_W=E_W, E_H=E_H, minority=np.arange(K_A, K), **kwargs)


@dataclass(frozen=True)
class MinorityCollapseCurve(Result):
    """The layer-peeled model over the imbalance ratio R (classic.md CL-FANG-MC/R0, table T3).

    Column arrays, one entry per R: ``R``, ``cosine_mean``, ``cosine_std`` (minority pairs),
    ``max_sqdist`` (max ||w_k - w_k'||² over minority pairs), ``minority_norm_sq``, ``objective``,
    ``rank``, ``seconds``, ``collapsed`` (max_sqdist <= collapse_tol). ``R0``: bisected onset of
    exact collapse (``None`` unless requested and bracketed), ``R0_bracket``: final interval;
    plus the configuration.
    """

    R: np.ndarray
    cosine_mean: np.ndarray
    cosine_std: np.ndarray
    max_sqdist: np.ndarray
    minority_norm_sq: np.ndarray
    objective: np.ndarray
    rank: np.ndarray
    seconds: np.ndarray
    collapsed: np.ndarray
    R0: float | None
    R0_bracket: tuple | None
    K: int
    K_A: int
    E_H: float
    E_W: float
    solver: str
    collapse_tol: float

    def rows(self) -> list[dict]:
        """One dict per R (the table T3 rows)."""
        keys = ("R", "cosine_mean", "cosine_std", "max_sqdist", "minority_norm_sq", "objective",
                "rank", "seconds", "collapsed")
        return [{k: getattr(self, k)[i].item() for k in keys} for i in range(self.R.size)]


def minority_collapse_curve(R_values, *, K: int = 10, K_A: int = 5, E_H: float = 5.0,
                            E_W: float = 1.0, solver: str = "CLARABEL", tol: float = 1e-10,
                            find_R0: bool = False, R0_bracket=None, R0_xtol: float = 1e-3,
                            collapse_tol: float = 1e-7) -> MinorityCollapseCurve:
    r"""Minority collapse in the layer-peeled model as a function of R = n_A/n_B (CL-FANG-MC/R0).

    Solves :func:`lpm_two_group` at every R in ``R_values`` and records the minority statistics.
    With ``find_R0=True`` it bisects the onset R0 of exact collapse, defined by
    ``max_{k,k' minority} ||w_k - w_k'||² <= collapse_tol`` (monotone in R), on ``R0_bracket``
    (default: the first grid interval where the criterion switches; else (1, 100)) down to width
    ``R0_xtol``. classic.md: R0 = 12.195 ± 0.02 for the defaults; rank G* 9 below, 5 above.
    Solver accuracy degrades right at R0: test away from it.
    """
    Rv = as_float_array(R_values, "R_values", ndim=1)
    if np.any(Rv <= 0):
        raise InputError("R_values must be positive ratios n_A/n_B", argument="R_values")
    collapse_tol = check_positive(collapse_tol, "collapse_tol")
    R0_xtol = check_positive(R0_xtol, "R0_xtol")
    two_group_weights(K, K_A, 1.0)  # validates K, K_A
    rows = []
    for R in Rv:
        sol = lpm_two_group(float(R), K=K, K_A=K_A, E_H=E_H, E_W=E_W, solver=solver, tol=tol)
        rows.append((sol.minority_cosine_mean, sol.minority_cosine_std, sol.minority_max_sqdist,
                     sol.minority_norm_sq_mean, sol.objective, sol.rank, sol.seconds))
    arr = np.array(rows, dtype=np.float64).reshape(-1, 7)
    collapsed = arr[:, 2] <= collapse_tol
    R0 = None
    bracket = None
    if find_R0:
        if R0_bracket is not None:
            lo, hi = (float(v) for v in R0_bracket)
            if not 0 < lo < hi:
                raise InputError(f"R0_bracket must be (lo, hi) with 0 < lo < hi, got {R0_bracket}",
                                 argument="R0_bracket")
        else:
            order = np.argsort(Rv)
            lo, hi = 1.0, 100.0
            for a, b_ in zip(order[:-1], order[1:]):
                if not collapsed[a] and collapsed[b_]:
                    lo, hi = float(Rv[a]), float(Rv[b_])
                    break

        def is_collapsed(R: float) -> bool:
            s_ = lpm_two_group(R, K=K, K_A=K_A, E_H=E_H, E_W=E_W, solver=solver, tol=tol)
            return s_.minority_max_sqdist <= collapse_tol

        if is_collapsed(lo) or not is_collapsed(hi):
            R0, bracket = None, (lo, hi)
        else:
            while hi - lo > R0_xtol:
                mid = 0.5 * (lo + hi)
                if is_collapsed(mid):
                    hi = mid
                else:
                    lo = mid
            R0, bracket = 0.5 * (lo + hi), (lo, hi)
    return MinorityCollapseCurve(
        R=Rv, cosine_mean=arr[:, 0], cosine_std=arr[:, 1], max_sqdist=arr[:, 2],
        minority_norm_sq=arr[:, 3], objective=arr[:, 4], rank=arr[:, 5].astype(np.int64),
        seconds=arr[:, 6], collapsed=collapsed, R0=R0, R0_bracket=bracket, K=int(K),
        K_A=int(K_A), E_H=float(E_H), E_W=float(E_W), solver=_check_solver_name(solver),
        collapse_tol=collapse_tol)


# ================================================================================================
# Norm-constrained max-min margin problems (gao2023.md GAO-F5, S3)
# ================================================================================================

@dataclass(frozen=True)
class MaxMarginSolution(Result):
    """Solution of a norm-constrained max-min margin problem (gao2023.md GAO-F5).

    Attributes:
      problem: ``"spherical"``, ``"spherical_fixed_W"`` or ``"frobenius"``.
      objective: optimal margin t* (solver value of the convex program).
      margin: min margin of the returned factors (rescaled into the constraint set).
      upper_bound: dual upper bound on t* (see the certificate). duality_gap:
        ``upper_bound - margin``; relative_gap: over max(1, t).
      M: (K, d) classifier. H: (K, d) class features (one per class).
      G: Gram matrix of the SDP (``None`` for the fixed-W SOCP). rank: its numerical rank
        (eigenvalues > 1e-6 · max); tight: ``d >= rank`` (the relaxation is exact).
      closed_form: the known value (K/(K-1), √(K/(K-1)) with orthonormal fixed rows, 1/‖PY‖_*) or
        ``None``. certificate, status, solver, seconds.
    """

    problem: str
    objective: float
    margin: float
    upper_bound: float
    duality_gap: float
    relative_gap: float
    M: np.ndarray
    H: np.ndarray
    G: np.ndarray | None
    rank: int
    tight: bool
    closed_form: float | None
    certificate: Certificate
    status: str
    solver: str
    seconds: float


def _min_margin(M: np.ndarray, Hc: np.ndarray) -> float:
    """min_{k, j != k} (M_k - M_j)·h_k for class-level features Hc (K, d)."""
    A = M @ Hc.T  # A[j, k] = M_j · h_k
    C = np.diag(A)[None, :] - A
    np.fill_diagonal(C, np.inf)
    return float(C.min())


def _margin_cert(problem, margin, upper, tol, details):
    # stated as the minimisation of -t: primal -margin, dual -upper
    return Certificate.build(problem, primal_value=-margin, dual_value=-upper,
                             primal_infeasibility=0.0, dual_infeasibility=0.0, tol=tol,
                             details=details)


def spherical_max_margin(K: int, *, d: int | None = None, fixed_W=None, solver: str = "CLARABEL",
                         tol: float = 1e-9, check: bool = True,
                         cert_tol: float = 1e-6) -> MaxMarginSolution:
    r"""Spherical max-min margin problem, one feature per class (gao2023.md GAO-F5 (a), S3).

    .. math:: \max_{t,M,h}\ t\ \text{ s.t. }\ \|M_k\|\le1,\ \|h_k\|\le1,\
              (M_k - M_j)\cdot h_k\ge t\quad(\forall k, j\ne k).

    Jointly nonconvex in (M, h); solved through the convex Gram relaxation (G ⪰ 0 the Gram of
    ``[M_1..M_K, h_1..h_K]``, diagonal <= 1, linear margin constraints), which is exact when
    d >= rank G* (rank K-1 at the optimum; t* = K/(K-1) at aligned simplex ETFs). Upper-bound
    certificate from the solver's multipliers: with λ >= 0 on the margin constraints (normalised
    to sum 1) and α, β >= 0 on the norm constraints, ``t* <= Σα' + Σβ'`` after raising α, β by
    ``δ = λ_max(S(λ) - Diag(α, β))_+`` (S(λ) the symmetric matrix of ``Σ λ_jk (A_kk - A_jk)``).
    This bounds the nonconvex problem for every d.

    With ``fixed_W`` (a (K, d) matrix with rows of norm <= 1, or ``"orthonormal"`` for the
    orthogonal frame in R^d, d >= K) only h is optimised: an SOCP, separable over classes,
    ``t_k = max_{||h||<=1} min_j (M_k - M_j)·h = min_{λ∈Δ} ||Σ_j λ_j (M_k - M_j)||``; the
    certificate uses the solver's λ in that formula. Orthonormal rows give t* = √(K/(K-1)).

    The certificate is stated for the minimisation of -t (primal = -margin, dual = -upper bound).
    """
    t0 = time.perf_counter()
    K = check_num_classes(K)
    solver = _check_solver_name(solver)
    tol = check_positive(tol, "tol")
    cert_tol = check_positive(cert_tol, "cert_tol")
    import cvxpy as cp

    if fixed_W is not None:
        if isinstance(fixed_W, str):
            if fixed_W != "orthonormal":
                raise InputError(f"fixed_W must be a (K, d) array or 'orthonormal', got {fixed_W!r}",
                                 argument="fixed_W")
            M = orthogonal_frame(K, K if d is None else check_int(d, "d"))
            closed = math.sqrt(K / (K - 1.0))
        else:
            M = as_float_array(fixed_W, "fixed_W", ndim=2)
            if M.shape[0] != K:
                raise ShapeError(f"fixed_W must have K={K} rows, got {M.shape[0]}", argument="fixed_W")
            if d is not None and check_int(d, "d") != M.shape[1]:
                raise ShapeError(f"fixed_W has d={M.shape[1]} columns but d={d} was given",
                                 argument="d")
            if np.max(np.linalg.norm(M, axis=1)) > 1.0 + 1e-9:
                raise InputError("fixed_W rows must have norm <= 1 (the constraint ||M_k|| <= 1)",
                                 argument="fixed_W")
            closed = None
        dd = M.shape[1]
        Hv = cp.Variable((K, dd))
        t = cp.Variable()
        cons_norm = [cp.norm(Hv, 2, axis=1) <= 1]
        margin_cons = []
        for k in range(K):
            others = [j for j in range(K) if j != k]
            Dk = M[k][None, :] - M[others]  # (K-1, d)
            margin_cons.append(Dk @ Hv[k] >= t)
        prob = cp.Problem(cp.Maximize(t), cons_norm + margin_cons)
        status, _ = _cvx_solve(prob, solver, tol)
        Hc = np.asarray(Hv.value, dtype=np.float64)
        nr = np.linalg.norm(Hc, axis=1, keepdims=True)
        Hc = Hc / np.maximum(nr, 1.0)
        margin = _min_margin(M, Hc)
        upper = math.inf
        for k in range(K):
            lam = np.clip(np.asarray(margin_cons[k].dual_value, dtype=np.float64), 0, None)
            if lam.sum() <= 1e-12:
                continue
            lam = lam / lam.sum()
            others = [j for j in range(K) if j != k]
            upper = min(upper, float(np.linalg.norm(lam @ (M[k][None, :] - M[others]))))
        cert = _margin_cert("spherical_fixed_W", margin, upper, cert_tol,
                            {"solver_value": float(prob.value)})
        if check:
            raise_if_failed(cert, solver=solver, status=status)
        return MaxMarginSolution(
            problem="spherical_fixed_W", objective=float(prob.value), margin=margin,
            upper_bound=upper, duality_gap=upper - margin,
            relative_gap=(upper - margin) / max(1.0, abs(margin)), M=M, H=Hc, G=None,
            rank=int(np.linalg.matrix_rank(Hc)), tight=True, closed_form=closed, certificate=cert,
            status="optimal" if cert.passed else "inaccurate", solver=solver,
            seconds=time.perf_counter() - t0)

    G = cp.Variable((2 * K, 2 * K), PSD=True)
    t = cp.Variable()
    A = G[:K, K:]  # A[j, k] = M_j · h_k
    rows, cols = np.where(~np.eye(K, dtype=bool))  # pairs (j, k), j != k
    diagA = cp.diag(A)
    margin_expr = cp.hstack([diagA[k] - A[j, k] for j, k in zip(rows, cols)])
    c_margin = margin_expr >= t
    c_diag = cp.diag(G) <= 1
    prob = cp.Problem(cp.Maximize(t), [c_margin, c_diag])
    status, _ = _cvx_solve(prob, solver, tol)
    Gv = np.asarray(G.value, dtype=np.float64)
    Gv = 0.5 * (Gv + Gv.T)
    F, r, _ = _gram_factor(Gv, d)
    dd = F.shape[1]
    M, Hc = F[:K], F[K:]
    M = M / np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1.0)
    Hc = Hc / np.maximum(np.linalg.norm(Hc, axis=1, keepdims=True), 1.0)
    margin = _min_margin(M, Hc)
    # dual upper bound from the solver's multipliers
    lam = np.clip(np.asarray(c_margin.dual_value, dtype=np.float64), 0, None)
    lam = lam / max(lam.sum(), 1e-300)
    B = np.zeros((K, K))
    np.add.at(B, (cols, cols), lam)
    np.add.at(B, (rows, cols), -lam)
    S = np.zeros((2 * K, 2 * K))
    S[:K, K:] = 0.5 * B
    S[K:, :K] = 0.5 * B.T
    ab = np.clip(np.asarray(c_diag.dual_value, dtype=np.float64), 0, None)
    delta = max(0.0, float(np.linalg.eigvalsh(S - np.diag(ab))[-1]))
    upper = float(ab.sum() + 2 * K * delta)
    cert = _margin_cert("spherical", margin, upper, cert_tol,
                        {"solver_value": float(prob.value), "delta": delta, "rank": r})
    if check:
        raise_if_failed(cert, solver=solver, status=status)
    return MaxMarginSolution(
        problem="spherical", objective=float(prob.value), margin=margin, upper_bound=upper,
        duality_gap=upper - margin, relative_gap=(upper - margin) / max(1.0, abs(margin)),
        M=M, H=Hc, G=Gv, rank=r, tight=dd >= r, closed_form=K / (K - 1.0), certificate=cert,
        status="optimal" if cert.passed else "inaccurate", solver=solver,
        seconds=time.perf_counter() - t0)


def frobenius_max_margin(counts=None, *, y=None, K: int | None = None, d: int | None = None,
                         solver: str = "CLARABEL", tol: float = 1e-9, check: bool = True,
                         cert_tol: float = 1e-6) -> MaxMarginSolution:
    r"""Frobenius-constrained max-min margin problem (gao2023.md GAO-F5 (b), S3).

    .. math:: \max_{t,M,Z}\ t\ \text{ s.t. }\ \|M\|_F\le1,\ \|Z\|_F\le1,\
              (M_{y_i} - M_k)\cdot z_i\ge t\quad(\forall i, k\ne y_i).

    Replacing each z_i by its class mean h_k keeps every class's minimum margin (it is the mean of
    linear functions) and does not increase ``||Z||_F`` (Jensen), so the problem reduces exactly to
    class level with ``||Z||_F² = Σ_k n_k ||h_k||²``; its Gram relaxation (G ∈ S^{2K}) is exact
    for d >= rank G*. By homogeneity t* = 1/p* with p* the min-norm value of S1 (GAO-F3, JI-P1),
    p* = ‖PY‖_* = tr((PDP)^{1/2}): balanced t* = 1/((K-1)√n); counts (2, 1, 1) -> 0.43649.

    Certificate: the closed-form dual of the min-norm problem (ji2022.md JI-P1D),
    ``λ_{i,j} = -M_{j,y_i}`` with ``M = (PDP)^{+1/2}``, gives p* >= Σλ/‖Λ‖_op, hence
    ``t* <= ‖Λ‖_op/Σλ``; checked against the margin of the returned factors.

    Args:
      counts: (K,) positive integer class sizes, or y: (N,) labels (exactly one).
    """
    t0 = time.perf_counter()
    if (counts is None) == (y is None):
        raise InputError("give exactly one of counts or y", argument="counts")
    if y is not None:
        y_, K = as_labels(y, "y", K=K)
        n = np.bincount(y_, minlength=K).astype(np.float64)
    else:
        n = as_float_array(counts, "counts", ndim=1)
        if np.any(n <= 0) or np.any(n != np.round(n)):
            raise InputError("counts must be positive integers", argument="counts")
        K = check_num_classes(n.size, "len(counts)")
    solver = _check_solver_name(solver)
    tol = check_positive(tol, "tol")
    cert_tol = check_positive(cert_tol, "cert_tol")
    if d is not None:
        d = check_int(d, "d")
    import cvxpy as cp

    G = cp.Variable((2 * K, 2 * K), PSD=True)
    t = cp.Variable()
    A = G[:K, K:]
    rows, cols = np.where(~np.eye(K, dtype=bool))
    diagA = cp.diag(A)
    margin_expr = cp.hstack([diagA[k] - A[j, k] for j, k in zip(rows, cols)])
    cons = [margin_expr >= t, cp.trace(G[:K, :K]) <= 1, n @ cp.diag(G[K:, K:]) <= 1]
    prob = cp.Problem(cp.Maximize(t), cons)
    status, _ = _cvx_solve(prob, solver, tol)
    Gv = np.asarray(G.value, dtype=np.float64)
    Gv = 0.5 * (Gv + Gv.T)
    F, r, _ = _gram_factor(Gv, d)
    M, Hc = F[:K].copy(), F[K:].copy()
    M /= max(1.0, float(np.linalg.norm(M)))
    Hc /= max(1.0, math.sqrt(float(n @ np.sum(Hc * Hc, axis=1))))
    margin = _min_margin(M, Hc)
    # closed-form dual of the min-norm problem (JI-P1D)
    P = np.eye(K) - 1.0 / K
    ev, Q = np.linalg.eigh(P @ np.diag(n) @ P)
    inv_root = np.where(ev > 1e-12 * ev.max(), 1.0 / np.sqrt(np.clip(ev, 1e-300, None)), 0.0)
    Mh = (Q * inv_root[None, :]) @ Q.T
    lam = np.clip(-Mh, 0.0, None)
    np.fill_diagonal(lam, 0.0)  # lam[j, k] = λ for class k, wrong class j
    L = -lam
    np.fill_diagonal(L, lam.sum(axis=0))
    opn = _op_norm(L * np.sqrt(n)[None, :])
    total = float(n @ lam.sum(axis=0))
    upper = opn / total
    pstar = float(np.sqrt(np.clip(ev, 0, None)).sum())
    cert = _margin_cert("frobenius", margin, upper, cert_tol,
                        {"solver_value": float(prob.value), "p_star": pstar, "rank": r})
    if check:
        raise_if_failed(cert, solver=solver, status=status)
    return MaxMarginSolution(
        problem="frobenius", objective=float(prob.value), margin=margin, upper_bound=upper,
        duality_gap=upper - margin, relative_gap=(upper - margin) / max(1.0, abs(margin)),
        M=M, H=Hc, G=Gv, rank=r, tight=F.shape[1] >= r, closed_form=1.0 / pstar,
        certificate=cert, status="optimal" if cert.passed else "inaccurate", solver=solver,
        seconds=time.perf_counter() - t0)
