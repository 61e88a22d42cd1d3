r"""Optimal frames for K > d+1 classes and the UFM with cross-entropy and weight decay (GAO-F15, GAO-F16).

gao2023.md §3.4 GAO-F15 / GAO-F16 / §3.2 GAO-PRE1, claims 20 and 21, errata GAO-E9 and GAO-E10.

* :func:`max_separation_frame` — the **Tammes problem** / optimal spherical code: K unit vectors in
  ℝ^d minimising the largest pairwise inner product ``max_{i≠j} ⟨x_i, x_j⟩`` (equivalently
  maximising the smallest pairwise angle). For K ≤ d+1 the optimum is the simplex (max-ip
  −1/(K−1)); for d+2 ≤ K ≤ 2d it is 0, i.e. 90° (Rankin 1955, "The closest packing of spherical
  caps in n dimensions", Proc. Glasgow Math. Assoc. 2), and for K = 2d only the cross-polytope
  {±e_i} attains it.
* :func:`grassmannian_frame` — the **Grassmannian frame** (Strohmer & Heath 2003, "Grassmannian
  frames with applications to coding and communication", ACHA 14): K unit vectors minimising the
  coherence ``μ = max_{i≠j} |⟨x_i, x_j⟩|``, bounded below by the Welch bound
  ``μ ≥ √((K−d)/(d(K−1)))`` (Welch 1974), attained by equiangular tight frames.
* :func:`ufm_ce_weight_decay_local` — local minimisers of the unconstrained feature model with
  cross-entropy and weight decay, ``(1/N)Σ_i CE(W h_i, y_i) + (λ/2)(‖W‖_F² + ‖H‖_F²)`` without bias
  (GAO-F16). For d < K−1 this problem is nonconvex: the result carries a **first-order certificate**
  (gradient norm) and an optional second-order one (smallest Hessian eigenvalue off the rotation
  gauge), never a claim of global optimality.

Frame optimiser (both objectives). Rows are parametrised as x_i/‖x_i‖ with x_i ∈ ℝ^d free; the
non-smooth max is replaced by the log-sum-exp smooth max

.. math::  f_β(X) = \frac1β \log \sum_{i<j} \sum_{s} \exp\big(β\, s⟨u_i, u_j⟩\big),
           \qquad u_i = x_i/‖x_i‖,

with s ∈ {+1} (max-separation) or s ∈ {+1, −1} (coherence). f_β over-estimates the max by at most
log(#terms)/β. β is annealed geometrically from 5 to 5120 (factor 2 by default), each stage
minimised with scipy's L-BFGS-B from the previous stage's answer, from ``restarts`` seeded Gaussian
starts. The best ``polish_top`` candidates (by the true objective) are then **polished** by
sequential linear programming on the tangent spaces of the sphere: minimise t subject to the
linearised constraints ``s(G_ij + u_i·Δ_j + u_j·Δ_i) ≤ t`` for all pairs and a box trust region
on Δ, retract by renormalising, accept if the true objective decreases (trust region doubled)
and shrink the region otherwise (HiGHS via ``scipy.optimize.linprog``). At optima where the active
constraints pin the configuration (the simplex, the Rankin configurations, the square antiprism)
SLP converges fast, so the Rankin max-ip 0 is reached to ~1e-12.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog, minimize
from scipy.special import logsumexp

from ._results import Result
from ._validate import as_float_array, as_rng, check_int, check_nonnegative, check_positive
from .errors import DimensionError, InputError, ShapeError
from .geometry import welch_bound

__all__ = [
    "FrameResult",
    "optimize_frame",
    "max_separation_frame",
    "grassmannian_frame",
    "orthogonal_simplices",
    "frame_objective",
    "smooth_frame_objective",
    "polish_frame",
    "UFMWDResult",
    "ufm_ce_weight_decay_objective",
    "ufm_ce_weight_decay_local",
    "ufm_wd_stats",
]

KINDS = ("maxsep", "grassmannian")
DEFAULT_BETAS = tuple(5.0 * 2.0 ** k for k in range(11))  # 5, 10, ..., 5120


# ============================================================================================
# frames: objectives
# ============================================================================================

def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InputError(f"kind must be one of {KINDS}, got {kind!r}", argument="kind")
    return kind


def _check_Kd(K, d) -> tuple[int, int]:
    K = check_int(K, "K")
    d = check_int(d, "d")
    if K < 2:
        raise InputError(f"K must be >= 2 (a frame needs at least two vectors), got {K}", argument="K")
    if d < 1:
        raise DimensionError(f"d must be >= 1, got {d}", argument="d")
    return K, d


def _unit(X: np.ndarray) -> np.ndarray:
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def frame_objective(frame, kind: str = "maxsep") -> float:
    """True (non-smooth) objective of a frame: ``max_{i≠j}⟨u_i, u_j⟩`` (``kind="maxsep"``) or the
    coherence ``max_{i≠j}|⟨u_i, u_j⟩|`` (``kind="grassmannian"``) of the normalised rows (GAO-F15)."""
    _check_kind(kind)
    A = as_float_array(frame, "frame", ndim=2)
    if A.shape[0] < 2:
        raise ShapeError("a frame needs at least two rows", argument="frame")
    nrm = np.linalg.norm(A, axis=1, keepdims=True)
    if np.any(nrm == 0):
        raise InputError("every row of the frame must be nonzero", argument="frame")
    U = A / nrm
    g = (U @ U.T)[np.triu_indices(A.shape[0], 1)]
    return float(g.max() if kind == "maxsep" else np.abs(g).max())


def _smooth_value_grad(x: np.ndarray, K: int, d: int, beta: float, kind: str, iu) -> tuple[float, np.ndarray]:
    X = x.reshape(K, d)
    n = np.linalg.norm(X, axis=1)
    U = X / n[:, None]
    g = (U @ U.T)[iu]
    vals = g if kind == "maxsep" else np.concatenate([g, -g])
    m = vals.max()
    e = np.exp(beta * (vals - m))
    S = e.sum()
    f = m + math.log(S) / beta
    w = e / S
    P = g.size
    c = w if kind == "maxsep" else w[:P] - w[P:]
    C = np.zeros((K, K))
    C[iu] = c
    C += C.T
    gU = C @ U
    gX = (gU - U * np.sum(gU * U, axis=1, keepdims=True)) / n[:, None]
    return f, gX.ravel()


def smooth_frame_objective(frame, beta: float, kind: str = "maxsep") -> tuple[float, np.ndarray]:
    r"""Log-sum-exp smooth max f_β of the pairwise (signed or absolute) inner products of the
    normalised rows, and its gradient with respect to the *unnormalised* rows (module docstring).

    ``max ≤ f_β ≤ max + log(#terms)/β``. Returns ``(value, gradient)`` with gradient shape (K, d).
    """
    _check_kind(kind)
    A = as_float_array(frame, "frame", ndim=2)
    beta = check_positive(beta, "beta")
    K, d = A.shape
    f, g = _smooth_value_grad(A.ravel(), K, d, beta, kind, np.triu_indices(K, 1))
    return f, g.reshape(K, d)


# ============================================================================================
# frames: polish (sequential LP on the tangent spaces)
# ============================================================================================

def _tangent_bases(U: np.ndarray) -> np.ndarray:
    """(K, d, d-1): orthonormal bases of the tangent spaces u_i^⊥."""
    K, d = U.shape
    B = np.empty((K, d, d - 1))
    for i in range(K):
        Q, _ = np.linalg.qr(np.column_stack([U[i], np.eye(d)]))
        B[i] = Q[:, 1:d]
    return B


def polish_frame(frame, kind: str = "maxsep", *, max_iter: int = 200, radius: float = 1e-2,
                 tol: float = 1e-13) -> tuple[np.ndarray, dict]:
    """Sequential-LP polish of a frame for the true max-ip / coherence objective (GAO-F15).

    Each step solves ``min t`` s.t. ``s(G_ij + u_i·B_j a_j + u_j·B_i a_i) ≤ t`` for all pairs
    (s = +1, and also −1 for the coherence), ``|a|_∞ ≤ r`` (B_i a tangent basis of u_i^⊥), then
    retracts ``u_i ← (u_i + B_i a_i)/‖·‖``. A step is accepted iff the true objective decreases
    (then r doubles, capped at 0.1); otherwise r is divided by 4. Stops when r < ``tol``, the LP
    predicts a decrease below ``tol``, or after ``max_iter`` LPs. Returns the polished unit
    frame and a dict (``initial``, ``final``, ``lp_solves``, ``accepted``).

    For d = 1 there is nothing to polish (the only unit vectors are ±1).
    """
    _check_kind(kind)
    U = _unit(as_float_array(frame, "frame", ndim=2).copy())
    K, d = U.shape
    obj = frame_objective(U, kind)
    info = {"initial": obj, "final": obj, "lp_solves": 0, "accepted": 0}
    if d == 1:
        return U, info
    iu, ju = np.triu_indices(K, 1)
    P = iu.size
    signs = (1.0,) if kind == "maxsep" else (1.0, -1.0)
    nv = K * (d - 1) + 1
    r = float(radius)
    for _ in range(int(max_iter)):
        if r < tol:
            break
        B = _tangent_bases(U)
        G = U @ U.T
        rows, rhs = [], []
        # coefficient of a_j in u_i·B_j a_j is B_jᵀ u_i
        coef_j = np.einsum("pdk,pd->pk", B[ju], U[iu])  # (P, d-1)
        coef_i = np.einsum("pdk,pd->pk", B[iu], U[ju])
        A0 = np.zeros((P, K, d - 1))
        A0[np.arange(P), iu] = coef_i
        A0[np.arange(P), ju] = coef_j
        A0 = np.column_stack([A0.reshape(P, -1), -np.ones(P)])
        for s in signs:
            A = A0.copy()
            A[:, :-1] *= s
            rows.append(A)
            rhs.append(-s * G[iu, ju])
        A_ub = np.vstack(rows)
        b_ub = np.concatenate(rhs)
        cvec = np.zeros(nv)
        cvec[-1] = 1.0
        bounds = [(-r, r)] * (nv - 1) + [(None, None)]
        res = linprog(cvec, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        info["lp_solves"] += 1
        if res.status != 0:
            r /= 4.0
            continue
        pred = obj - res.x[-1]
        if pred < tol:
            break
        a = res.x[:-1].reshape(K, d - 1)
        Un = _unit(U + np.einsum("kdj,kj->kd", B, a))
        new = frame_objective(Un, kind)
        if new < obj:
            U, obj = Un, new
            info["accepted"] += 1
            r = min(2.0 * r, 0.1)
        else:
            r /= 4.0
    info["final"] = obj
    return U, info


# ============================================================================================
# frames: optimiser
# ============================================================================================

@dataclass(frozen=True)
class FrameResult(Result):
    """Best frame found by :func:`optimize_frame` (GAO-F15; Tammes/Rankin, Strohmer–Heath, Welch).

    Attributes:
      kind: ``"maxsep"`` (minimise max-ip; Tammes) or ``"grassmannian"`` (minimise coherence).
      K, d: number of unit vectors and ambient dimension.
      frame: (K, d) unit rows of the best configuration.
      objective: its optimised objective (``max_ip`` for maxsep, ``coherence`` for grassmannian).
      max_ip: ``max_{i≠j}⟨x_i, x_j⟩``; min_angle_deg: ``arccos(max_ip)`` in degrees.
      coherence: ``max_{i≠j}|⟨x_i, x_j⟩|``; welch: the Welch bound √((K−d)/(d(K−1))) (0 if K ≤ d).
      simplex_value: −1/(K−1), the max-ip of the simplex (a lower bound on max-ip for every d).
      restarts: number of random starts; restart_objectives: the true objective of each start after
        annealing (before polish), in start order; hits: starts whose annealed objective is within
        1e-3 of the best polished objective.
      smooth_objective: the best annealed objective before polish; polished: whether the polish ran;
        polish_lp_solves: LPs used on the winning candidate.
      betas: the annealing schedule; seed; seconds: wall-clock time.
    """

    kind: str
    K: int
    d: int
    frame: np.ndarray
    objective: float
    max_ip: float
    min_angle_deg: float
    coherence: float
    welch: float
    simplex_value: float
    restarts: int
    restart_objectives: np.ndarray
    hits: int
    smooth_objective: float
    polished: bool
    polish_lp_solves: int
    betas: tuple
    seed: int | None
    seconds: float
    tag: str = "[derived]"
    ids: tuple = ("GAO-F15", "GAO-PRE1")

    @property
    def gram(self) -> np.ndarray:
        return self.frame @ self.frame.T

    @property
    def rankin_regime(self) -> bool:
        """d+2 ≤ K ≤ 2d: the max-separation optimum is 90° (Rankin 1955)."""
        return self.d + 2 <= self.K <= 2 * self.d


def optimize_frame(K: int, d: int, kind: str = "maxsep", *, restarts: int = 10, seed=0,
                   betas=DEFAULT_BETAS, polish: bool = True, polish_top: int = 2,
                   max_iter: int = 500) -> FrameResult:
    r"""Optimal K-vector frame in ℝ^d for the max-ip (Tammes) or coherence (Grassmannian) objective.

    Annealed log-sum-exp smooth max (β over ``betas``, default 5 → 5120 doubling) + L-BFGS-B from
    ``restarts`` seeded Gaussian starts; the best ``polish_top`` candidates are polished by
    sequential LP (:func:`polish_frame`). See the module docstring and gao2023.md GAO-F15.

    Args:
      K: number of vectors (≥ 2). d: dimension (≥ 1). kind: ``"maxsep"`` or ``"grassmannian"``.
      restarts: random starts (the spec's table is "best of 40"). seed: int / Generator / None.
      betas: increasing positive β schedule. polish: run the SLP polish. polish_top: how many of the
        best annealed candidates to polish. max_iter: L-BFGS iterations per β stage.

    Returns:
      :class:`FrameResult`.

    Raises:
      InputError: K < 2, restarts < 1, bad kind or β schedule. DimensionError: d < 1.

    Example:
      >>> r = optimize_frame(4, 2, "maxsep", restarts=3, seed=0)
      >>> round(r.min_angle_deg, 6), round(r.coherence, 6)
      (90.0, 1.0)
    """
    t0 = time.perf_counter()
    K, d = _check_Kd(K, d)
    kind = _check_kind(kind)
    restarts = check_int(restarts, "restarts")
    if restarts < 1:
        raise InputError(f"restarts must be >= 1, got {restarts}", argument="restarts")
    polish_top = check_int(polish_top, "polish_top")
    max_iter = check_int(max_iter, "max_iter")
    betas = tuple(check_positive(b, "betas[i]") for b in betas)
    if not betas or any(b2 < b1 for b1, b2 in zip(betas, betas[1:])):
        raise InputError("betas must be a nonempty nondecreasing sequence", argument="betas")
    seed_val = seed if isinstance(seed, (int, np.integer)) else None
    rng = as_rng(seed)
    iu = np.triu_indices(K, 1)
    cands = []
    for _ in range(restarts):
        x = _unit(rng.standard_normal((K, d))).ravel()
        if d > 1:
            for beta in betas:
                res = minimize(_smooth_value_grad, x, args=(K, d, beta, kind, iu), jac=True,
                               method="L-BFGS-B", options={"maxiter": max_iter, "gtol": 1e-10, "ftol": 1e-15})
                x = _unit(res.x.reshape(K, d)).ravel()
        U = x.reshape(K, d)
        cands.append((frame_objective(U, kind), U))
    objs = np.array([c[0] for c in cands])
    order = np.argsort(objs, kind="stable")
    best_U, best_obj, lp = cands[order[0]][1], float(objs[order[0]]), 0
    if polish:
        best_obj = math.inf
        for idx in order[:max(1, polish_top)]:
            Up, inf = polish_frame(cands[idx][1], kind)
            if inf["final"] < best_obj:
                best_U, best_obj, lp = Up, inf["final"], inf["lp_solves"]
    G = best_U @ best_U.T
    g = G[iu]
    mip = float(g.max())
    return FrameResult(
        kind=kind, K=K, d=d, frame=best_U, objective=float(best_obj), max_ip=mip,
        min_angle_deg=math.degrees(math.acos(min(1.0, max(-1.0, mip)))),
        coherence=float(np.abs(g).max()), welch=welch_bound(K, d), simplex_value=-1.0 / (K - 1),
        restarts=restarts, restart_objectives=objs, hits=int(np.sum(objs <= best_obj + 1e-3)),
        smooth_objective=float(objs.min()), polished=bool(polish), polish_lp_solves=lp, betas=betas,
        seed=seed_val, seconds=time.perf_counter() - t0)


def max_separation_frame(K: int, d: int, **kw) -> FrameResult:
    """Tammes / optimal spherical code: minimise ``max_{i≠j}⟨x_i, x_j⟩`` (GAO-F15; Rankin 1955).
    Keyword arguments as :func:`optimize_frame`."""
    return optimize_frame(K, d, "maxsep", **kw)


def grassmannian_frame(K: int, d: int, **kw) -> FrameResult:
    """Grassmannian frame: minimise the coherence ``max_{i≠j}|⟨x_i, x_j⟩|`` (GAO-F15;
    Strohmer–Heath 2003; ≥ Welch bound). Keyword arguments as :func:`optimize_frame`."""
    return optimize_frame(K, d, "grassmannian", **kw)


def orthogonal_simplices(sizes, d: int | None = None) -> np.ndarray:
    """Orthogonal direct sum of unit simplices: a simplex of k_i vertices in its own (k_i − 1)-dim
    coordinate block, blocks mutually orthogonal (zero-padded to ``d``, default Σ(k_i − 1)).

    Every pairwise inner product is ≤ 0, so for K = Σk_i ≥ d+2 these are max-separated (90°)
    configurations of the Rankin regime (Rankin 1955): ``(2, 3)`` is ±e₁ plus a triangle, the
    "relaxed 90° configuration" of (5,3) in GAO-F16; ``(2, 2, 2)`` the octahedron; ``(3, 3)``
    the two orthogonal triangles of GAO-F13. Sizes must be ≥ 2.
    """
    from .geometry import simplex_etf

    sizes = [check_int(k, "sizes[i]") for k in sizes]
    if not sizes or any(k < 2 for k in sizes):
        raise InputError("sizes must be a nonempty list of integers >= 2", argument="sizes")
    need = sum(k - 1 for k in sizes)
    d = need if d is None else check_int(d, "d")
    if d < need:
        raise DimensionError(f"d = {d} is too small: the blocks need sum(k_i - 1) = {need}", argument="d")
    F = np.zeros((sum(sizes), d))
    r = c = 0
    for k in sizes:
        F[r:r + k, c:c + k - 1] = simplex_etf(k)
        r, c = r + k, c + k - 1
    return F


# ============================================================================================
# UFM + cross-entropy + weight decay (GAO-F16)
# ============================================================================================

def _ufm_labels(K: int, n: int) -> np.ndarray:
    return np.repeat(np.arange(K), n)


def _ufm_value_grad(theta: np.ndarray, K: int, d: int, y: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
    N = y.size
    W = theta[:K * d].reshape(K, d)
    H = theta[K * d:].reshape(N, d)
    Z = H @ W.T
    m = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - m)
    S = E.sum(axis=1, keepdims=True)
    rows = np.arange(N)
    ce = float(np.sum(m) + np.sum(np.log(S)) - np.sum(Z[rows, y])) / N
    E /= S
    E[rows, y] -= 1.0
    E /= N
    f = ce + 0.5 * lam * float(theta @ theta)
    g = lam * theta
    g[:K * d] += (E.T @ H).ravel()
    g[K * d:] += (E @ W).ravel()
    return f, g


def ufm_ce_weight_decay_objective(W, H, y, lam: float, *, grad: bool = False):
    r"""GAO-F16 objective of the bias-free UFM with cross-entropy and weight decay:

    .. math::  F(W, H) = \frac1N\sum_{i=1}^N \Big(\log\sum_k e^{w_k·h_i} - w_{y_i}·h_i\Big)
               + \frac λ2\big(‖W‖_F^2 + ‖H‖_F^2\big)

    (mean CE; one λ for W and H). ``W`` is (K, d), ``H`` is (N, d), ``y`` labels in 0..K−1.
    Returns F, or ``(F, dF/dW, dF/dH)`` with ``grad=True`` (analytic: dF/dZ = (softmax(Z) − Y)/N
    for the logits Z = H Wᵀ, so dF/dW = (dF/dZ)ᵀH + λW and dF/dH = (dF/dZ)W + λH).
    """
    W = as_float_array(W, "W", ndim=2)
    H = as_float_array(H, "H", ndim=2)
    K, d = W.shape
    if H.shape[1] != d:
        raise ShapeError(f"H must have d = {d} columns like W, got {H.shape}", argument="H")
    yy = np.asarray(y)
    if yy.shape != (H.shape[0],) or not np.issubdtype(yy.dtype, np.integer) or yy.min() < 0 or yy.max() >= K:
        raise InputError("y must be N integer labels in 0..K-1", argument="y")
    lam = check_nonnegative(lam, "lam")
    f, g = _ufm_value_grad(np.concatenate([W.ravel(), H.ravel()]), K, d, yy.astype(np.int64), lam)
    if not grad:
        return f
    return f, g[:K * d].reshape(K, d), g[K * d:].reshape(H.shape)


def _fd_hessian(theta, K, d, y, lam, h=1e-5) -> np.ndarray:
    p = theta.size
    Hs = np.empty((p, p))
    for k in range(p):
        e = np.zeros(p)
        e[k] = h
        Hs[:, k] = (_ufm_value_grad(theta + e, K, d, y, lam)[1] - _ufm_value_grad(theta - e, K, d, y, lam)[1]) / (2 * h)
    return 0.5 * (Hs + Hs.T)


def _gauge_basis(theta, K, d, N) -> np.ndarray:
    """Orthonormal basis of the tangent space of the O(d) orbit (W, H) → (WQ, HQ)."""
    W = theta[:K * d].reshape(K, d)
    H = theta[K * d:].reshape(N, d)
    vecs = []
    for a in range(d):
        for b in range(a + 1, d):
            A = np.zeros((d, d))
            A[a, b], A[b, a] = 1.0, -1.0
            vecs.append(np.concatenate([(W @ A).ravel(), (H @ A).ravel()]))
    if not vecs:
        return np.zeros((theta.size, 0))
    Q, R = np.linalg.qr(np.array(vecs).T)
    keep = np.abs(np.diag(R)) > 1e-12 * max(1.0, np.abs(R).max())
    return Q[:, keep]


def _second_order(theta, K, d, y, lam):
    """Hessian (finite differences of the analytic gradient) restricted to the complement of the
    rotation gauge: (smallest eigenvalue there, Hessian, complement basis)."""
    Hs = _fd_hessian(theta, K, d, y, lam)
    Gb = _gauge_basis(theta, K, d, y.size)
    if Gb.shape[1]:
        full, _ = np.linalg.qr(np.column_stack([Gb, np.eye(theta.size)]))
        C = full[:, Gb.shape[1]:theta.size]
    else:
        C = np.eye(theta.size)
    ev = np.linalg.eigvalsh(C.T @ Hs @ C)
    return float(ev[0]), Hs, C


def _newton_polish(theta, K, d, y, lam, steps=6):
    """Newton steps on the complement of the gauge with the FD Hessian; kept only while the
    gradient norm decreases and the objective does not increase (local minima only)."""
    f, g = _ufm_value_grad(theta, K, d, y, lam)
    for _ in range(steps):
        mineig, Hs, C = _second_order(theta, K, d, y, lam)
        if mineig <= 0:
            break
        Hc = C.T @ Hs @ C
        step = -C @ np.linalg.solve(Hc, C.T @ g)
        t2 = theta + step
        f2, g2 = _ufm_value_grad(t2, K, d, y, lam)
        if not (np.linalg.norm(g2) < np.linalg.norm(g) and f2 <= f + 1e-15 * max(1.0, abs(f))):
            break
        theta, f, g = t2, f2, g2
    return theta


def ufm_wd_stats(W, H, y) -> dict:
    """Geometry of a UFM solution (GAO-F16 table columns): classifier norms ``w_norms`` and their
    relative spread ``equinorm_spread = (max − min)/mean``; class-mean norms ``mean_norms``;
    ``min_angle_deg`` / ``max_ip`` / ``coherence`` of the classifier rows; self-duality
    ``cos(w_k, μ_k)`` per class and its minimum; within-class spread
    ``max_i ‖h_i − μ_{y_i}‖/‖μ_{y_i}‖``; ``mean_min_angle_deg`` of the class means."""
    W = as_float_array(W, "W", ndim=2)
    H = as_float_array(H, "H", ndim=2)
    y = np.asarray(y, dtype=np.int64)
    K = W.shape[0]
    mu = np.stack([H[y == k].mean(axis=0) for k in range(K)])
    wn = np.linalg.norm(W, axis=1)
    mn = np.linalg.norm(mu, axis=1)
    sd = np.sum(W * mu, axis=1) / (wn * mn)
    spread = float(np.max(np.linalg.norm(H - mu[y], axis=1) / mn[y]))
    mip = frame_objective(W, "maxsep")
    return {
        "w_norms": wn, "equinorm_spread": float((wn.max() - wn.min()) / wn.mean()),
        "mean_norms": mn, "min_angle_deg": math.degrees(math.acos(min(1.0, max(-1.0, mip)))),
        "max_ip": mip, "coherence": frame_objective(W, "grassmannian"),
        "self_duality": sd, "self_duality_min": float(sd.min()), "within_class_spread": spread,
        "mean_min_angle_deg": math.degrees(math.acos(min(1.0, max(-1.0, frame_objective(mu, "maxsep"))))),
    }


@dataclass(frozen=True)
class UFMWDResult(Result):
    """Best local minimiser found by :func:`ufm_ce_weight_decay_local` (GAO-F16, GAO-PRE1).

    A **first-order certificate** only (plus a second-order one when ``hessian_min_eig > 0``):
    the problem is nonconvex for d < K−1 and the best of the restarts need not be global.

    Attributes:
      K, d, n, lam: problem (N = Kn balanced samples, labels ``y = repeat(arange(K), n)``).
      W (K, d), H (N, d), y: the best solution. objective, ce: F and its mean-CE part.
      grad_norm: ‖∇F‖ (Euclidean, over W and H); stationary: grad_norm ≤ gtol.
      hessian_min_eig: smallest eigenvalue of the finite-difference Hessian on the complement of
        the O(d) rotation gauge (NaN if not computed); local_min: hessian_min_eig > 0.
      w_norms, equinorm_spread, mean_norms, min_angle_deg, max_ip, coherence, self_duality,
        self_duality_min, within_class_spread, mean_min_angle_deg: see :func:`ufm_wd_stats`.
      restarts; restart_objectives, restart_min_angles: per start (after L-BFGS), in start order;
      hits: starts within 1e-7 of the best objective; init: ``"random"`` (N(0, init_std²)) or
      ``"given"``; init_std; seed; seconds.
    """

    K: int
    d: int
    n: int
    lam: float
    W: np.ndarray
    H: np.ndarray
    y: np.ndarray
    objective: float
    ce: float
    grad_norm: float
    gtol: float
    stationary: bool
    hessian_min_eig: float
    local_min: bool
    w_norms: np.ndarray
    equinorm_spread: float
    mean_norms: np.ndarray
    min_angle_deg: float
    max_ip: float
    coherence: float
    self_duality: np.ndarray
    self_duality_min: float
    within_class_spread: float
    mean_min_angle_deg: float
    restarts: int
    restart_objectives: np.ndarray
    restart_min_angles: np.ndarray
    hits: int
    init: str
    init_std: float
    seed: int | None
    seconds: float
    tag: str = "[derived]"
    ids: tuple = ("GAO-F16", "GAO-PRE1")


def ufm_ce_weight_decay_local(K: int, d: int, n: int, lam: float, *, restarts: int = 12, seed=0,
                              init_std: float = 0.5, init=None, max_iter: int = 20000,
                              gtol: float = 1e-8, newton: bool = True, hessian: bool = True) -> UFMWDResult:
    r"""Local minimisers of the bias-free UFM with CE and weight decay (GAO-F16), best of restarts.

    Minimises :func:`ufm_ce_weight_decay_objective` over W ∈ ℝ^{K×d}, H ∈ ℝ^{Kn×d} with scipy's
    L-BFGS-B (analytic gradient) from ``restarts`` seeded N(0, init_std²) starts (the spec's
    "N(0, 0.25)" is init_std = 0.5), or from ``init = (W0, H0)`` (then ``restarts`` is ignored).
    The best start is refined by Newton steps on the finite-difference Hessian (``newton``), and
    the Hessian's smallest eigenvalue off the O(d) gauge is reported (``hessian``).

    Certificate: first order (``grad_norm``, ``stationary``) and, if ``hessian_min_eig > 0``, a
    strict local minimum modulo rotations. **Never a global certificate**: for d < K−1 the problem
    is nonconvex (GAO-F16: at (5,3), λ = 5e-4 the best minimiser has min angle 87.18°, not 90°).

    Raises:
      InputError: K < 2, n < 1, restarts < 1, lam ≤ 0, init of the wrong shape. DimensionError: d < 1.
    """
    t0 = time.perf_counter()
    K, d = _check_Kd(K, d)
    n = check_int(n, "n")
    if n < 1:
        raise InputError(f"n must be >= 1, got {n}", argument="n")
    lam = check_positive(lam, "lam")
    restarts = check_int(restarts, "restarts")
    if restarts < 1:
        raise InputError(f"restarts must be >= 1, got {restarts}", argument="restarts")
    init_std = check_positive(init_std, "init_std")
    gtol = check_positive(gtol, "gtol")
    max_iter = check_int(max_iter, "max_iter")
    y = _ufm_labels(K, n)
    N = y.size
    seed_val = seed if isinstance(seed, (int, np.integer)) else None
    if init is not None:
        W0 = as_float_array(init[0], "init[0]", shape=(K, d))
        H0 = as_float_array(init[1], "init[1]", shape=(N, d))
        starts = [np.concatenate([W0.ravel(), H0.ravel()])]
    else:
        rng = as_rng(seed)
        starts = [init_std * rng.standard_normal(K * d + N * d) for _ in range(restarts)]
    runs = []
    for th in starts:
        res = minimize(_ufm_value_grad, th, args=(K, d, y, lam), jac=True, method="L-BFGS-B",
                       options={"maxiter": int(max_iter), "maxfun": 4 * int(max_iter), "gtol": 1e-10,
                                "ftol": 1e-15, "maxcor": 30})
        runs.append((float(res.fun), res.x))
    objs = np.array([r[0] for r in runs])
    mips = np.array([frame_objective(r[1][:K * d].reshape(K, d)) for r in runs])
    angs = np.degrees(np.arccos(np.clip(mips, -1.0, 1.0)))
    theta = runs[int(np.argmin(objs))][1]
    if newton:
        theta = _newton_polish(theta, K, d, y, lam)
    f, g = _ufm_value_grad(theta, K, d, y, lam)
    gn = float(np.linalg.norm(g))
    mineig = _second_order(theta, K, d, y, lam)[0] if hessian else float("nan")
    W = theta[:K * d].reshape(K, d).copy()
    H = theta[K * d:].reshape(N, d).copy()
    Z = H @ W.T
    ce = float(np.mean(logsumexp(Z, axis=1) - Z[np.arange(N), y]))
    st = ufm_wd_stats(W, H, y)
    return UFMWDResult(
        K=K, d=d, n=n, lam=lam, W=W, H=H, y=y, objective=f, ce=ce, grad_norm=gn, gtol=gtol,
        stationary=gn <= gtol, hessian_min_eig=mineig, local_min=bool(mineig > 0), **st,
        restarts=len(starts), restart_objectives=objs, restart_min_angles=angs,
        hits=int(np.sum(objs <= f + 1e-7)), init="given" if init is not None else "random",
        init_std=init_std, seed=seed_val, seconds=time.perf_counter() - t0)
