r"""ULPM minimum-norm separation (Ji et al. 2022): convex solve, closed form, factors, certificate.

The problem (ji2022.md JI-P1, the multi-class hard-margin problem of Lyu & Li 2020 for the
unconstrained layer-peeled model)

.. math::  p^* = \min_{W\in\mathbb R^{K\times d},\,H\in\mathbb R^{N\times d}}
           \tfrac12\big(\|W\|_F^2+\|H\|_F^2\big)\quad\text{s.t.}\quad
           q_{ij} := (w_{y_i}-w_j)^\top h_i \ge 1\quad\forall i,\ \forall j\ne y_i,

and, for ``d >= K-1``, its convex form on the logit matrix ``X = W H^T`` (K, N) (JI-P1N)

.. math::  p^* = \min_{X\in\mathbb R^{K\times N}} \|X\|_* \quad\text{s.t.}\quad
           X_{y_i,i} - X_{j,i} \ge 1 .

Everything below works for any class sizes ``n_k >= 1`` (``D = diag(n_k) = Y Y^T``).

Facts used (with proofs, so that every step can be checked)
-----------------------------------------------------------
*Factorisation (JI-P1N).* ``min_{W H^T = X} ½(||W||² + ||H||²) = ||X||_*`` whenever
``d >= rank X``: by AM-GM and von Neumann, ``½(||W||²+||H||²) >= ||W||_F||H||_F >= ||W H^T||_*``,
and ``W = U Σ^{1/2} R``, ``H = V Σ^{1/2} R`` (``X = U Σ V^T``, ``R`` (r, d) with orthonormal rows)
attains it; these balanced factors have ``||W||_F = ||H||_F``. For ``d < K-1`` the convex value
is only a lower bound on the factored problem (JI-T2.5: K = 4, n = 1, d = 2 gives 4 > 3), so
:func:`min_norm_separation` refuses ``d < K-1`` (``DimensionError``) unless ``method="local"``.

*Reduction to the complement of 1 (generic, no knowledge of the answer).* Let
``P = I - 11^T/K`` and ``B`` (K, K-1) the Helmert basis of ``1^⊥`` (``B^T B = I``, ``B B^T = P``).
For every X: (i) ``(PX)_{y,i} - (PX)_{j,i} = X_{y,i} - X_{j,i}`` because P subtracts the same
number (the column mean) from every entry of a column, so PX is feasible iff X is; (ii)
``||PX||_* <= ||P||_op ||X||_* = ||X||_*``. Hence the minimum over ``X = B Z`` (columns in 1^⊥)
equals p*, and ``||B Z||_* = ||Z||_*``. In particular the optimum has rank <= K-1.

*Per-column form (JI-P1F).* ``||Z||_* = min_{Q ⪰ 0} ½(tr Q + Σ_i z_i^T Q^+ z_i)`` (minimiser
``Q = (Z Z^T)^{1/2}``), and ``t >= z^T Q^+ z`` with ``z ∈ range Q`` iff
``[[Q, z], [z^T, t]] ⪰ 0`` (Schur complement). So p* is an SDP with one (K-1)x(K-1) matrix Q and N
PSD blocks of side K instead of one block of side K+N.

*Dual (JI-P1D).* For multipliers ``λ_ij >= 0`` let ``Λ(λ)`` (K, N) have ``Λ_{j,i} = -λ_ij``
(j ≠ y_i) and ``Λ_{y_i,i} = Σ_j λ_ij`` (columns sum to 0). Then ``<Λ, X> = Σ λ_ij q_ij(X)``, so
for feasible X and ``||Λ||_op <= 1``: ``||X||_* >= <Λ, X> >= Σ λ_ij`` (weak duality). The dual
``max Σλ s.t. λ >= 0, ||Λ(λ)||_op <= 1`` has, for any class sizes, the closed-form optimum
``Λ* = M Y`` with ``M = (P D P)^{+1/2}`` (pseudo-inverse square root; computed as
``B (B^T D B)^{-1/2} B^T``), i.e. ``λ*_ij = -M_{j,y_i} > 0``, ``||Λ*||_op = 1`` and
``Σλ* = tr(DM) = tr((PDP)^{1/2}) = ||PY||_*`` (classic.md CL-SELI-CERT).

*Closed form (JI-T2.1, JI-T2.2, CL-SELI).* ``X* = P Y`` (the SEL matrix) for every class-size
vector, ``p* = ||PY||_* = tr((PDP)^{1/2})``; balanced: ``(K-1)√n``; two groups (CL-SELI-2G):
``(K_A-1)√n_A + (K_B-1)√n_B + √((K_B n_A + K_A n_B)/K)``. Feasibility: every margin of PY is
exactly 1; optimality: the dual above attains the same value.

*Class-level reduction (exact; used by ``method="class_level"``).* Let ``A = Y^T D^{-1} Y``
(N, N), the orthogonal projector that replaces each column by its class average. Each
constraint set ``C_k = {x : x_k - x_j >= 1}`` is convex and shared by all samples of class k, so
XA is feasible whenever X is, and ``||XA||_* <= ||X||_* ||A||_op = ||X||_*``. Hence some optimum
has class-constant columns ``X = Z Y`` (this is NC1; here it is proved, not assumed), and with
``V = Z D^{1/2}`` (``||Z Y||_* = ||Z D^{1/2}||_*`` because ``(ZY)(ZY)^T = Z D Z^T``) the problem
becomes a K x K one: ``min ||V||_* s.t. V_{kk} - V_{jk} >= √n_k``, ``X = V D^{-1/2} Y``.

Algorithms of ``method="convex"`` (independent of the closed form)
------------------------------------------------------------------
``solver="admm"`` (default). ADMM on ``min ||X||_* + Σ_i ι_{C_{y_i}}(u_i) s.t. X = U``::

    X <- SVT_{1/ρ}(U - Γ)           singular-value soft threshold (eigh of the K x K Gram)
    U <- Π_C(X + Γ)                 N independent projections, one per column
    Γ <- Γ + X - U                  (Λ ≈ -ρΓ is the multiplier estimate)

with residual balancing of ρ and a seeded random start. The projection of a column v onto
``{x : x_y - x_j >= c}`` is exact and costs one sort: with ``u_j = v_j + c`` sorted decreasingly,
``s = (v_y + Σ_{l<=k} u_(l))/(k+1)`` for the largest k with ``u_(k) > s_k``, then ``x_y = s``,
``x_j = min(v_j, s - c)`` (the same root-finding as the projection onto a simplex). Iterates stay
in 1^⊥ (Π_C commutes with shifts along 1 and maps 1^⊥ into itself; SVT keeps the column space).
Cost per iteration O(K²N + NK log K).

Because the feasible set is a polyhedron, Π_C lands exactly on a face once the iterate is close
enough to it: ADMM *identifies* the active constraints in finitely many iterations (at a vertex
with strictly positive multipliers, ``U`` becomes exactly optimal). The algorithm does not rely on
this. Every few iterations it tries a **polish**: (a) project U onto the affine set of its active
constraints (those with margin within 1e-9 of 1) and re-check all margins; (b) read off the
multipliers of the subgradient ``G = U_r V_r^T ∈ ∂||X||_*`` (``λ_ij = -G_{j,i}``), clip to
``λ >= 0`` and scale so that ``||Λ(λ)||_op <= 1``; weak duality then gives a rigorous own lower
bound ``Σλ / max(1, ||Λ(λ)||_op)``. The polish is accepted only when this own gap is below
``tol``; otherwise ADMM continues. The ADMM multiplier ``-ρΓ`` (clipped and scaled the same way)
is a second own dual; the better one is reported.

``solver="clarabel"``: the per-column SDP (JI-P1F in the Helmert basis, Q (K-1)x(K-1), blocks of
side K) assembled directly as sparse conic data for Clarabel's Python API (PSDTriangleConeT
blocks: upper triangle, column-major, off-diagonals scaled by √2), no cvxpy canonicalisation.
Its own dual is Clarabel's multiplier of the margin rows. Interior point: accurate to ~1e-9 but
memory grows like N·K⁴ (refused above ~3 GB; use ADMM).

``solver="cvxpy"``: a reference through cvxpy, ``formulation="nuclear"`` (``cp.normNuc(X)``, one
PSD block of side K+N; the "naive" form of ji2022.md §7, default SCS) or ``"per_column"``
(``matrix_frac``, default Clarabel). Slow; for cross-checks on small instances.

Measured speed (2-core CPU shared with other jobs; ``benchmarks/_min_norm_bench.py``; balanced)
-----------------------------------------------------------------------------------------------
K = 10: N = 100 in ~3 ms (naive ``cp.normNuc`` + Clarabel: 51 s; + SCS: 0.15 s), N = 500 in
~5 ms (naive + SCS: 2.6 s), N = 1000 in ~0.05 s; K = 100, N = 10,000 in 4-16 s depending on
load (about 10-15 ADMM iterations; the rest is SVDs for polish, factors and certificates). The
direct Clarabel SDP takes 0.3 s, 1.9 s and 4-9 s at K = 10, N = 100/500/1000. Relative error
against the closed form: ~1e-15 (ADMM), ~1e-8 (Clarabel).

Certificates
------------
Every result passes :func:`certify_min_norm` on its factors (closed-form dual Λ*): the candidate is
scaled to unit minimum margin, ``p = ½(||W||²+||H||²)/q_min >= p* = Σλ*``, and the KKT
stationarity ``W = Λ H``, ``H = Λ^T W`` is checked (JI-T1.1). A solver's own dual is certified
separately (``solver_certificate``), so the convex answer is also proved optimal without the
closed form.

References: ji2022.md JI-P1, JI-P1N, JI-P1F, JI-P1D, JI-T1.1, JI-T2.1-JI-T2.5, JI-T3b.1, §7;
classic.md §3.5 CL-SELI, CL-SELI-2G, CL-SELI-CERT, CL-SELI-GEOM. Ji, Lu, Zhang, Deng & Su,
ICLR 2022; Thrampoulidis, Kini, Vakilian & Behnia, NeurIPS 2022; Boyd et al., "Distributed
optimization and statistical learning via ADMM", 2011 (§3.4.1 residual balancing).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import helmert

from .._results import Result
from .._validate import (
    as_float_array,
    as_labels,
    as_rng,
    check_int,
    check_num_classes,
    check_positive,
)
from ..errors import DimensionError, InputError, ShapeError, SolverError
from ..geometry import random_rotation, sel_matrix
from .certificates import Certificate, raise_if_failed

__all__ = [
    "MinNormSolution",
    "min_norm_separation",
    "certify_min_norm",
    "closed_form_value",
    "closed_form_dual_matrix",
    "closed_form_dual",
    "two_group_value",
    "balanced_factors",
    "margin_matrix",
    "dual_from_multipliers",
    "project_margin_sets",
]

_METHODS = ("auto", "closed_form", "convex", "class_level", "local")
_CONVEX_SOLVERS = ("admm", "clarabel", "cvxpy")
_CLARABEL_MAX_BYTES = 3e9


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

def _basis(K: int) -> np.ndarray:
    """Helmert basis B (K, K-1) of 1^⊥: orthonormal columns, ``B B^T = I - 11^T/K``."""
    return helmert(K).T


def _check_iter(max_iter) -> int:
    it = check_int(max_iter, "max_iter")
    if it < 1:
        raise InputError(f"max_iter must be >= 1, got {it}", argument="max_iter")
    return it


def _counts_arg(counts) -> np.ndarray:
    c = as_float_array(counts, "counts", ndim=1)
    check_num_classes(c.size, "len(counts)")
    if np.any(c < 1) or np.any(c != np.round(c)):
        raise InputError("counts must be integers >= 1 (every class needs a sample)", argument="counts")
    return c


def _pdp_eig(counts: np.ndarray):
    """Eigen-decomposition of ``B^T D B`` ((K-1)x(K-1), positive definite)."""
    B = _basis(counts.size)
    ev, E = np.linalg.eigh((B.T * counts) @ B)
    return B, ev, E


def closed_form_value(counts) -> float:
    r"""``p* = ||PY||_* = tr((P D P)^{1/2})`` for class sizes ``counts`` (JI-T2.1, CL-SELI).

    Balanced classes give ``(K-1)√n``. Computed as ``Σ sqrt(eig(B^T D B))`` in the Helmert basis
    (exact pseudo-inverse structure, no thresholding of the zero eigenvalue along 1).

    >>> round(closed_form_value([4, 4, 1]), 10)
    3.4142135624
    """
    c = _counts_arg(counts)
    _, ev, _ = _pdp_eig(c)
    return float(np.sqrt(ev).sum())


def closed_form_dual_matrix(counts) -> np.ndarray:
    r"""``M = (P D P)^{+1/2}`` (K, K), the class-level optimal dual (JI-P1D, CL-SELI-CERT).

    ``Λ* = M Y``; ``λ*_ij = -M_{j,y_i}``. Computed as ``B (B^T D B)^{-1/2} B^T``. Balanced:
    ``P/√n``. Its off-diagonal entries are strictly negative (checked, not assumed).
    """
    c = _counts_arg(counts)
    B, ev, E = _pdp_eig(c)
    F = B @ E
    return (F / np.sqrt(ev)) @ F.T


def closed_form_dual(y, K: int | None = None) -> np.ndarray:
    """Closed-form optimal dual ``Λ* = (PDP)^{+1/2} Y`` (K, N) of JI-P1N for labels ``y``."""
    y, K = as_labels(y, "y", K=K)
    M = closed_form_dual_matrix(np.bincount(y, minlength=K))
    return M[:, y]


def two_group_value(K_A: int, n_A: int, K_B: int, n_B: int) -> float:
    r"""CL-SELI-2G: ``p* = (K_A-1)√n_A + (K_B-1)√n_B + √((K_B n_A + K_A n_B)/K)``, K = K_A + K_B.

    >>> round(two_group_value(2, 4, 1, 1), 10)
    3.4142135624
    """
    K_A, n_A, K_B, n_B = (check_int(v, s) for v, s in ((K_A, "K_A"), (n_A, "n_A"), (K_B, "K_B"),
                                                        (n_B, "n_B")))
    if min(K_A, n_A, K_B, n_B) < 1:
        raise InputError("K_A, n_A, K_B, n_B must be >= 1", argument="K_A")
    K = K_A + K_B
    return float((K_A - 1) * math.sqrt(n_A) + (K_B - 1) * math.sqrt(n_B)
                 + math.sqrt((K_B * n_A + K_A * n_B) / K))


def margin_matrix(X, y) -> np.ndarray:
    """Margins ``q[j, i] = X[y_i, i] - X[j, i]`` (K, N); the target entries are ``+inf``."""
    X = np.asarray(X, dtype=np.float64)
    idx = np.arange(X.shape[1])
    q = X[y, idx][None, :] - X
    q[y, idx] = np.inf
    return q


def dual_from_multipliers(lam, y) -> np.ndarray:
    """``Λ(λ)`` (K, N) from multipliers given as a (K, N) array ``lam[j, i] = λ_ij``.

    The target entries ``lam[y_i, i]`` are ignored. ``Λ_{j,i} = -λ_ij``, ``Λ_{y_i,i} = Σ_j λ_ij``.
    """
    lam = np.array(lam, dtype=np.float64, copy=True)
    idx = np.arange(lam.shape[1])
    lam[y, idx] = 0.0
    L = -lam
    L[y, idx] = lam.sum(axis=0)
    return L


def _offtarget_mask(y, K, N) -> np.ndarray:
    m = np.ones((K, N), dtype=bool)
    m[y, np.arange(N)] = False
    return m


def _op_norm(L: np.ndarray) -> float:
    """Spectral norm of a (K, N) matrix via the K x K Gram (N >> K)."""
    G = L @ L.T
    return float(math.sqrt(max(np.linalg.eigvalsh(G)[-1], 0.0)))


def _feasible_dual(L: np.ndarray, y: np.ndarray, c: np.ndarray | None = None):
    """Turn any (K, N) estimate of Λ into a dual-feasible point and its weak-duality bound.

    ``λ_ij = max(0, -L_{j,i})``, ``Λ = Λ(λ)/max(1, ||Λ(λ)||_op)``; bound ``Σ c_i λ_ij`` of the
    scaled λ (``c`` = margins, default 1). Valid for any input (weak duality, JI-P1D).
    """
    K, N = L.shape
    lam = np.maximum(-L, 0.0)
    lam[y, np.arange(N)] = 0.0
    Lf = dual_from_multipliers(lam, y)
    s = max(1.0, _op_norm(Lf))
    cc = np.ones(N) if c is None else c
    return Lf / s, float((lam.sum(axis=0) * cc).sum() / s)


def project_margin_sets(V, y, c=1.0) -> np.ndarray:
    r"""Column-wise Euclidean projection onto ``C_i = {x : x_{y_i} - x_j >= c_i, j ≠ y_i}``.

    Exact, vectorised, O(NK log K): with ``u_j = v_j + c`` (j ≠ y) sorted decreasingly and
    ``s_k = (v_y + Σ_{l<=k} u_(l))/(k+1)``, take the largest k with ``u_(k) > s_k`` (k = 0: the
    column is feasible), set ``x_y = s_k`` and ``x_j = min(v_j, s_k - c)``. Derivation: for fixed
    ``x_y = s`` the best ``x_j`` is ``min(v_j, s - c)``; the remaining 1-D problem in s is convex
    with the piecewise-linear optimality condition ``s - v_y = Σ_j max(u_j - s, 0)``.

    Args:
      V: (K, N) points (one column each). y: (N,) labels. c: scalar or (N,) margins.
    """
    V = np.asarray(V, dtype=np.float64)
    K, N = V.shape
    idx = np.arange(N)
    c = np.broadcast_to(np.asarray(c, dtype=np.float64), (N,))
    Vt = np.ascontiguousarray(V.T)
    vy = Vt[idx, y].copy()
    u = Vt + c[:, None]
    u[idx, y] = -np.inf
    us = -np.sort(-u, axis=1)[:, : K - 1]
    cs = np.cumsum(us, axis=1)
    sk = (vy[:, None] + cs) / np.arange(2, K + 1)[None, :]
    k = np.count_nonzero(us > sk, axis=1)
    s = np.where(k == 0, vy, sk[idx, np.maximum(k - 1, 0)])
    Xt = np.minimum(Vt, (s - c)[:, None])
    Xt[idx, y] = s
    return Xt.T


# --------------------------------------------------------------------------------------------
# factorisation
# --------------------------------------------------------------------------------------------

def _rank(s: np.ndarray, shape) -> int:
    if s.size == 0 or s[0] == 0:
        return 0
    return int(np.count_nonzero(s > s[0] * max(shape) * np.finfo(float).eps))


def _rotation_rows(r: int, d: int, rotation, seed) -> np.ndarray:
    if rotation is None:
        R = np.zeros((r, d))
        R[:, :r] = np.eye(r)
        return R
    if isinstance(rotation, str):
        if rotation != "random":
            raise InputError(f"rotation must be None, 'random' or an array, got {rotation!r}",
                             argument="rotation")
        return random_rotation(d, seed=seed)[:r]
    R = as_float_array(rotation, "rotation", ndim=2)
    if R.shape == (d, d):
        R = R[:r]
    if R.shape != (r, d):
        raise ShapeError(f"rotation must be (d, d) = ({d}, {d}) or (rank, d) = ({r}, {d}), got {R.shape}",
                         argument="rotation")
    err = float(np.linalg.norm(R @ R.T - np.eye(r)))
    if err > 1e-8:
        raise InputError(f"rotation must have orthonormal rows, got ||R R^T - I||_F = {err:.2e}",
                         argument="rotation")
    return R


def balanced_factors(X, d: int | None = None, *, rotation=None, seed=None):
    r"""Balanced factorisation ``X = W H^T`` with ``½(||W||²+||H||²) = ||X||_*`` (JI-P1N).

    ``X = U Σ V^T`` (rank r), ``W = U Σ^{1/2} R``, ``H = V Σ^{1/2} R`` with ``R`` (r, d) having
    orthonormal rows: ``[I_r, 0]`` by default, the first r rows of a Haar-random orthogonal
    matrix for ``rotation="random"`` (seeded), or a given array. Then ``W W^T = (X X^T)^{1/2}``,
    ``H H^T = (X^T X)^{1/2}`` and ``||W||_F = ||H||_F``.

    Args:
      X: (K, N) logit matrix. d: feature dimension, default r; must be >= r.

    Returns:
      ``(W, H, singular_values, r)`` with W (K, d), H (N, d).

    Raises:
      DimensionError: ``d < rank X`` (no factorisation attains ``||X||_*`` there).
    """
    X = as_float_array(X, "X", ndim=2)
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    r = _rank(s, X.shape)
    d = r if d is None else check_int(d, "d")
    if d < max(r, 1):
        raise DimensionError(f"d={d} is smaller than rank X = {r}: X = W H^T needs d >= rank X",
                             argument="d")
    R = _rotation_rows(r, d, rotation, seed)
    sq = np.sqrt(s[:r])
    W = (U[:, :r] * sq) @ R
    H = (Vt[:r].T * sq) @ R
    return W, H, s, r


# --------------------------------------------------------------------------------------------
# certificate
# --------------------------------------------------------------------------------------------

def certify_min_norm(W=None, H=None, y=None, *, X=None, K: int | None = None, dual=None,
                     tol: float = 1e-7) -> Certificate:
    r"""Optimality certificate of a candidate for JI-P1 / JI-P1N, without solving anything.

    The candidate is either factors ``(W, H)`` (e.g. from a trained network; ``X = W H^T``) or a
    logit matrix ``X``. It is scaled to unit minimum margin (requires ``q_min > 0``):

    .. math::  p = \frac{\tfrac12(\|W\|_F^2+\|H\|_F^2)}{q_{\min}}
               \quad\text{or}\quad p = \frac{\|X\|_*}{q_{\min}},\qquad
               p \;\ge\; p^* \;\ge\; \textstyle\sum_{ij}\lambda_{ij}

    for every dual-feasible λ (JI-P1D). Default dual: the closed form ``Λ* = (PDP)^{+1/2} Y``,
    optimal for any class sizes, so the gap ``p - Σλ*`` is >= 0 and is 0 exactly at a global
    optimum (for factors: when also ``d >= K-1``; for ``d < K-1`` the gap stays positive,
    JI-T2.5). A user-supplied ``dual`` Λ (K, N) is checked: ``λ_ij = -Λ_{j,i} >= 0``, columns
    summing to 0, ``||Λ||_op <= 1``; the largest violation is the ``dual_infeasibility``
    (e.g. ``1.01 Λ*`` gives 0.01 and fails).

    Stationarity (factors only; JI-T1.1): with ``W~ = W/√q_min``, ``H~ = H/√q_min``,
    ``sqrt(||W~ - Λ H~||² + ||H~ - Λ^T W~||²) / sqrt(||W~||² + ||H~||²)`` (relative). It detects
    unbalanced factors of optimal logits, e.g. ``(2W, H/2)``.

    Args:
      W: (K, d), H: (N, d) — or X: (K, N). y: (N,) labels. K: number of classes (default from
        W or X). dual: optional (K, N) Λ. tol: relative tolerance of the verdict.

    Returns:
      :class:`~ncbounds.solvers.certificates.Certificate` (problem ``"min_norm"``). ``details``:
      ``q_min``, ``scale`` (1/q_min applied), ``dual`` (``"closed_form"``/``"user"``),
      ``dual_op_norm``, ``min_multiplier``, ``max_column_sum``, ``complementarity``
      (``Σλ(q/q_min - 1)``), ``closed_form_value``, ``candidate`` (``"factors"``/``"logits"``),
      ``d``. If ``q_min <= 0`` the candidate cannot be scaled: the certificate fails with
      ``primal_value = inf`` and ``primal_infeasibility = 1 - q_min`` (distance of the unscaled
      minimum margin from 1).

    Cost: O(NKd) for the factors, O(K³) for M, O(NK²) for ||Λ||_op of a user dual (and the SVD
    of X, O(NK²), for a logits candidate).

    Example:
      >>> import numpy as np
      >>> y = np.repeat(np.arange(4), 3)
      >>> sol = min_norm_separation(y, d=3)
      >>> certify_min_norm(sol.W, sol.H, y).passed
      True
      >>> certify_min_norm(1.1 * sol.W, sol.H / 1.1, y).passed
      False
    """
    tol = check_positive(tol, "tol")
    if y is None:
        raise InputError("certify_min_norm needs the labels y", argument="y")
    if X is not None:
        if W is not None or H is not None:
            raise InputError("give either X or (W, H), not both", argument="X")
        Xa = as_float_array(X, "X", ndim=2)
        K = Xa.shape[0] if K is None else K
        y_, K = as_labels(y, "y", K=K, n=Xa.shape[1])
        if Xa.shape[0] != K:
            raise ShapeError(f"X must have K={K} rows, got {Xa.shape[0]}", argument="X")
        Wa = Ha = None
        d = None
    else:
        if W is None or H is None:
            raise InputError("give X or both W and H", argument="W")
        Wa = as_float_array(W, "W", ndim=2)
        Ha = as_float_array(H, "H", ndim=2)
        if Wa.shape[1] != Ha.shape[1]:
            raise ShapeError(f"W (K, d) and H (N, d) must share d, got {Wa.shape} and {Ha.shape}",
                             argument="H")
        K = Wa.shape[0] if K is None else K
        y_, K = as_labels(y, "y", K=K, n=Ha.shape[0])
        if Wa.shape[0] != K:
            raise ShapeError(f"W must have K={K} rows, got {Wa.shape[0]}", argument="W")
        Xa = Wa @ Ha.T
        d = int(Wa.shape[1])
    N = y_.size
    idx = np.arange(N)
    counts = np.bincount(y_, minlength=K).astype(np.float64)
    M = closed_form_dual_matrix(counts)
    pcf = float(np.trace(M * counts[None, :]))  # tr(M D) = tr((PDP)^{1/2})
    q = margin_matrix(Xa, y_)
    qmin = float(q.min())
    details: dict[str, Any] = {"q_min": qmin, "closed_form_value": pcf,
                               "candidate": "logits" if Wa is None else "factors", "d": d}

    # dual point
    if dual is None:
        Lam = None
        dual_value = pcf
        MDM = (M * counts[None, :]) @ M
        opn = float(math.sqrt(max(np.linalg.eigvalsh(MDM)[-1], 0.0)))
        colsum = float(np.abs(M.sum(axis=0)).max())
        min_lam = float(-M[~np.eye(K, dtype=bool)].max())  # smallest λ*_ij = -M_{j,y_i}
        details["dual"] = "closed_form"
    else:
        Lam = as_float_array(dual, "dual", shape=(K, N))
        off = _offtarget_mask(y_, K, N)
        lam = np.where(off, -Lam, 0.0)
        dual_value = float(lam.sum())
        opn = _op_norm(Lam)
        colsum = float(np.abs(Lam.sum(axis=0)).max())
        min_lam = float((-Lam[off]).min()) if off.any() else 0.0
        details["dual"] = "user"
    dual_inf = max(0.0, -min_lam, opn - 1.0, colsum)
    details.update(dual_op_norm=opn, min_multiplier=min_lam, max_column_sum=colsum)

    if not qmin > 0:
        details["reason"] = "q_min <= 0: the candidate does not separate the classes"
        return Certificate.build("min_norm", primal_value=math.inf, dual_value=dual_value,
                                 primal_infeasibility=1.0 - qmin, dual_infeasibility=dual_inf,
                                 stationarity=math.nan, tol=tol, details=details)
    details["scale"] = 1.0 / qmin
    if Wa is not None:
        nW2 = float(np.sum(Wa * Wa))
        nH2 = float(np.sum(Ha * Ha))
        primal = 0.5 * (nW2 + nH2) / qmin
        Wt = Wa / math.sqrt(qmin)
        Ht = Ha / math.sqrt(qmin)
        if Lam is None:
            # Λ* H = M (Y H) (class sums), Λ*^T W = (M W)[y]
            S = np.zeros((K, d))
            np.add.at(S, y_, Ht)
            LH = M @ S
            LtW = (M @ Wt)[y_]
        else:
            LH = Lam @ Ht
            LtW = Lam.T @ Wt
        r2 = float(np.sum((Wt - LH) ** 2) + np.sum((Ht - LtW) ** 2))
        stat = math.sqrt(r2 / max((nW2 + nH2) / qmin, np.finfo(float).tiny))
        details["balance"] = (nW2 - nH2) / max(nW2 + nH2, np.finfo(float).tiny)
    else:
        primal = float(np.linalg.svd(Xa, compute_uv=False).sum()) / qmin
        stat = math.nan
    # complementarity Σ λ (q/q_min - 1) >= 0 of the dual used
    qs = np.where(np.isfinite(q), q / qmin - 1.0, 0.0)
    if Lam is None:
        lamM = -M[:, y_]
        lamM[y_, idx] = 0.0
        details["complementarity"] = float((lamM * qs).sum())
    else:
        details["complementarity"] = float((np.where(_offtarget_mask(y_, K, N), -Lam, 0.0) * qs).sum())
    return Certificate.build("min_norm", primal_value=primal, dual_value=dual_value,
                             primal_infeasibility=0.0, dual_infeasibility=dual_inf,
                             stationarity=stat, tol=tol, details=details)


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MinNormSolution(Result):
    """Solution of the ULPM minimum-norm separation problem JI-P1 (ji2022.md), certified.

    Attributes:
      X: (K, N) logit matrix ``W H^T`` of the returned factors.
      W: (K, d) classifier. H: (N, d) features (balanced: ``||W||_F = ||H||_F``).
      objective: ``½(||W||²+||H||²)`` of the returned factors (= ``||X||_*``; margins are >= 1 up
        to the solver tolerance, see ``min_margin``).
      dual_value, duality_gap, relative_gap: from ``certificate`` (closed-form dual Λ*; the
        primal side is scaled to unit minimum margin).
      dual: (K, N) the dual Λ used by ``certificate`` (Λ* = (PDP)^{+1/2} Y).
      certificate: :class:`~ncbounds.solvers.certificates.Certificate` of (W, H).
      status: ``"optimal"`` (certificate passed), ``"inaccurate"`` (failed; only returned with
        ``check=False``) or ``"local"`` (``method="local"``).
      solver: what produced X: ``"closed_form"``, ``"admm"``, ``"clarabel"``,
        ``"cvxpy/<SOLVER>/<formulation>"`` or ``"al-lbfgs"`` (local).
      method: ``"closed_form"``, ``"convex"``, ``"class_level"`` or ``"local"`` (``"auto"``
        resolves to ``"closed_form"``).
      seconds: total wall time (solve, factorisation and certificates).
      certified: ``certificate.passed``.
      min_margin: smallest margin of X. rank: numerical rank of X. singular_values: of X.
      counts: class sizes. d: feature dimension.
      closed_form_value: ``||PY||_*``. relative_error: ``|objective - p*|/p*``.
      logit_error: ``||X - PY||_F`` (reported, never used by a solver).
      solver_dual: (K, N) the solver's own dual-feasible Λ (``None`` for the closed form).
      solver_dual_value, solver_gap, solver_relative_gap: the solver's own weak-duality bound
        and gap, no closed form involved (``None`` for the closed form).
      solver_certificate: :func:`certify_min_norm` of X with ``solver_dual`` (``None`` for the
        closed form).
      iterations: solver iterations (0 for the closed form).
      info: solver-specific details (statuses, residuals, polish history, timings).
    """

    X: np.ndarray
    W: np.ndarray
    H: np.ndarray
    objective: float
    dual_value: float
    duality_gap: float
    relative_gap: float
    dual: np.ndarray
    certificate: Certificate
    status: str
    solver: str
    method: str
    seconds: float
    certified: bool
    min_margin: float
    rank: int
    singular_values: np.ndarray
    counts: np.ndarray
    d: int
    closed_form_value: float
    relative_error: float
    logit_error: float
    solver_dual: np.ndarray | None = None
    solver_dual_value: float | None = None
    solver_gap: float | None = None
    solver_relative_gap: float | None = None
    solver_certificate: Certificate | None = None
    iterations: int = 0
    info: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# convex solvers on a generic "column problem": min ||X||_* s.t. X[yc_i, i] - X[j, i] >= c_i
# --------------------------------------------------------------------------------------------

def _svt(V: np.ndarray, tau: float) -> np.ndarray:
    """Singular-value soft threshold of a wide (K, N) matrix via the K x K Gram."""
    w, E = np.linalg.eigh(V @ V.T)
    sig = np.sqrt(np.maximum(w, 0.0))
    f = np.where(sig > tau, (sig - tau) / np.where(sig > 0, sig, 1.0), 0.0)
    return (E * f) @ (E.T @ V)


def _affine_polish(U: np.ndarray, yc: np.ndarray, c: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """Project each column onto {x_y - x_j = c (j active), 1^T x = 0}; active: margin <= c(1+rtol).

    Closed-form projection (derivation): with S the active set, F the other non-target
    coordinates, ``a = (u_y + Σ_S (u_j + c))/(1+|S|)``, ``ν/2 = ((1+|S|)a - |S|c + Σ_F u_f)/K``:
    ``x_y = a - ν/2``, ``x_S = x_y - c``, ``x_F = u_F - ν/2``.
    """
    K, n = U.shape
    idx = np.arange(n)
    q = margin_matrix(U, yc)
    act = q <= c[None, :] * (1.0 + rtol)  # target rows are +inf -> False
    off = _offtarget_mask(yc, K, n)
    free = off & ~act
    nS = act.sum(axis=0)
    uy = U[yc, idx]
    a = (uy + np.where(act, U + c[None, :], 0.0).sum(axis=0)) / (1.0 + nS)
    sF = np.where(free, U, 0.0).sum(axis=0)
    half_nu = ((1.0 + nS) * a - nS * c + sF) / K
    s = a - half_nu
    Xp = np.where(free, U - half_nu[None, :], (s - c)[None, :])
    Xp[yc, idx] = s
    return Xp


def _subgradient_dual(X: np.ndarray, yc: np.ndarray, c: np.ndarray):
    """Own dual from the subgradient ``U_r V_r^T`` of ``||X||_*`` (see module docstring)."""
    Uu, s, Vt = np.linalg.svd(X, full_matrices=False)
    r = _rank(s, X.shape)
    G = Uu[:, :r] @ Vt[:r]
    L, bound = _feasible_dual(G, yc, c)
    return L, bound, float(s.sum())


def _solve_admm(yc, K, c, *, tol, max_iter, rho, rng, log_every=0):
    n = yc.size
    t0 = time.perf_counter()
    scale = float(np.sqrt(np.mean(c * c)))
    U = scale * rng.standard_normal((K, n))
    U -= U.mean(axis=0, keepdims=True)
    Gam = np.zeros((K, n))
    rho = math.sqrt(K) / float(np.linalg.norm(c)) if rho is None else check_positive(rho, "rho")
    best = None  # (gap_rel, X, L, bound, nuc, source)
    history = []
    last_polish = -10
    it = 0
    status = "max_iter"
    r_rel = s_rel = math.inf
    for it in range(1, max_iter + 1):
        X = _svt(U - Gam, 1.0 / rho)
        U_old = U
        U = project_margin_sets(X + Gam, yc, c)
        Gam += X - U
        nx = max(float(np.linalg.norm(X)), float(np.linalg.norm(U)), 1e-300)
        r_rel = float(np.linalg.norm(X - U)) / nx
        s_rel = rho * float(np.linalg.norm(U - U_old)) / max(rho * float(np.linalg.norm(Gam)), 1e-300)
        if log_every and it % log_every == 0:
            history.append({"iteration": it, "primal_residual": r_rel, "dual_residual": s_rel,
                            "rho": rho})
        converged = r_rel <= tol and s_rel <= tol
        if ((r_rel <= 1e-3 or converged) and it - last_polish >= 5) or it == max_iter:
            last_polish = it
            Xp = _affine_polish(U, yc, c)
            if float((margin_matrix(Xp, yc) - c[None, :]).min()) < -1e-12 * max(1.0, float(c.max())):
                Xp = U  # the guessed active set was wrong: keep the (feasible) ADMM point
            Lp, bp, nucp = _subgradient_dual(Xp, yc, c)
            La, ba = _feasible_dual(-rho * Gam, yc, c)
            Lb, bb = (Lp, bp) if bp >= ba else (La, ba)
            gap = (nucp - bb) / max(1.0, nucp)
            history.append({"polish_at": it, "primal_residual": r_rel, "dual_residual": s_rel,
                            "own_relative_gap": gap, "own_dual": "subgradient" if bp >= ba else "admm"})
            if best is None or gap < best[0]:
                best = (gap, Xp, Lb, bb, nucp, "subgradient" if bp >= ba else "admm")
            if gap <= tol:
                status = "optimal"
                break
        if r_rel > 10.0 * s_rel:
            rho *= 2.0
            Gam /= 2.0
        elif s_rel > 10.0 * r_rel:
            rho /= 2.0
            Gam *= 2.0
    gap, Xb, Lb, bb, nucb, src = best
    info = {"solver_status": status, "admm_iterations": it, "rho": rho, "primal_residual": r_rel,
            "dual_residual": s_rel, "own_dual_source": src, "history": history,
            "solve_seconds": time.perf_counter() - t0}
    return Xb, Lb, bb, nucb, it, status, info


def _triu_cm(n: int):
    r, cidx = [], []
    for cc in range(n):
        for rr in range(cc + 1):
            r.append(rr)
            cidx.append(cc)
    return np.array(r, dtype=np.int64), np.array(cidx, dtype=np.int64)


def _solve_clarabel(yc, K, c, *, tol, max_iter, solver_options):
    import clarabel
    import scipy.sparse as sp

    n = yc.size
    m = K - 1
    nb = (m + 1) * (m + 2) // 2
    est = n * nb * nb * 8.0 * 3
    if est > _CLARABEL_MAX_BYTES:
        raise InputError(f"solver='clarabel' would need about {est / 1e9:.1f} GB for K={K}, "
                         f"{n} columns (N PSD blocks of side K); use solver='admm'",
                         argument="solver")
    t0 = time.perf_counter()
    B = _basis(K)
    rq, cq = _triu_cm(m)
    nq = rq.size
    qscale = np.where(rq == cq, 1.0, math.sqrt(2.0))
    nv = nq + n * (m + 1)
    q = np.zeros(nv)
    q[np.flatnonzero(rq == cq)] = 0.5
    zoff = nq + np.arange(n) * (m + 1)
    q[zoff + m] = 0.5
    boff = np.arange(n) * nb
    rows = [(boff[:, None] + np.arange(nq)[None, :]).ravel(),
            (boff[:, None] + nq + np.arange(m)[None, :]).ravel(),
            boff + nq + m]
    cols = [np.tile(np.arange(nq), n), (zoff[:, None] + np.arange(m)[None, :]).ravel(), zoff + m]
    vals = [np.tile(-qscale, n), np.full(n * m, -math.sqrt(2.0)), np.full(n, -1.0)]
    npsd = n * nb
    others = np.array([[j for j in range(K) if j != k] for k in range(K)], dtype=np.int64)
    J = others[yc]  # (n, K-1)
    Dv = B[yc][:, None, :] - B[J]  # (n, K-1, m): rows of the margin map in the Helmert basis
    mrow = npsd + np.arange(n)[:, None] * (K - 1) + np.arange(K - 1)[None, :]
    rows.append(np.repeat(mrow.ravel(), m))
    cols.append(np.broadcast_to(zoff[:, None, None] + np.arange(m)[None, None, :], Dv.shape).ravel())
    vals.append(-Dv.ravel())
    nrows = npsd + n * (K - 1)
    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(nrows, nv))
    b = np.zeros(nrows)
    b[npsd:] = -np.repeat(c, K - 1)
    P = sp.csc_matrix((nv, nv))
    cones = [clarabel.PSDTriangleConeT(m + 1)] * n + [clarabel.NonnegativeConeT(n * (K - 1))]
    st = clarabel.DefaultSettings()
    st.verbose = False
    st.tol_gap_abs = tol
    st.tol_gap_rel = tol
    st.tol_feas = tol
    st.max_iter = max_iter
    for k_, v_ in (solver_options or {}).items():
        if not hasattr(st, k_):
            raise InputError(f"unknown Clarabel setting {k_!r}", argument="solver_options")
        setattr(st, k_, v_)
    t1 = time.perf_counter()
    sol = clarabel.DefaultSolver(P, q, A, b, cones, st).solve()
    status = str(sol.status)
    if status not in ("Solved", "AlmostSolved"):
        raise SolverError(f"Clarabel did not solve the per-column SDP (status {status})",
                          status=status, solver="clarabel")
    x = np.asarray(sol.x)
    Z = x[zoff[:, None] + np.arange(m)[None, :]].T
    X = B @ Z
    z = np.asarray(sol.z)[npsd:].reshape(n, K - 1)
    lam = np.zeros((K, n))
    lam[J.T, np.arange(n)[None, :]] = z.T
    L, bound = _feasible_dual(dual_from_multipliers(lam, yc), yc, c)
    nuc = float(np.linalg.svd(X, compute_uv=False).sum())
    info = {"solver_status": status, "clarabel_iterations": int(sol.iterations),
            "clarabel_obj": float(sol.obj_val), "clarabel_obj_dual": float(sol.obj_val_dual),
            "clarabel_r_prim": float(sol.r_prim), "clarabel_r_dual": float(sol.r_dual),
            "build_seconds": t1 - t0, "solve_seconds": time.perf_counter() - t1}
    return X, L, bound, nuc, int(sol.iterations), "optimal" if status == "Solved" else "almost", info


def _solve_cvxpy(yc, K, c, *, tol, formulation, cvxpy_solver, solver_options):
    import cvxpy as cp

    n = yc.size
    if formulation not in ("nuclear", "per_column"):
        raise InputError(f"formulation must be 'nuclear' or 'per_column', got {formulation!r}",
                         argument="formulation")
    if cvxpy_solver is None:
        cvxpy_solver = "SCS" if formulation == "nuclear" else "CLARABEL"
    cvxpy_solver = str(cvxpy_solver).upper()
    if formulation == "nuclear" and cvxpy_solver == "CLARABEL" and K + n > 160:
        raise InputError(f"the nuclear form hands one PSD block of side K+N = {K + n} to Clarabel, "
                         "whose memory grows like (K+N)^4 (ji2022.md §7); use SCS, "
                         "formulation='per_column' or solver='admm'", argument="cvxpy_solver")
    t0 = time.perf_counter()
    Yc = np.zeros((K, n))
    Yc[yc, np.arange(n)] = 1.0
    opts = dict(solver_options or {})
    if not opts:
        if cvxpy_solver == "SCS":
            opts = {"eps_abs": tol, "eps_rel": tol, "max_iters": 200_000}
        elif cvxpy_solver == "CLARABEL":
            opts = {"tol_gap_abs": tol, "tol_gap_rel": tol, "tol_feas": tol}
    if formulation == "nuclear":
        Xv = cp.Variable((K, n))
        top = cp.sum(cp.multiply(Yc, Xv), axis=0, keepdims=True)  # (1, n): X[y_i, i]
        con = np.ones((K, 1)) @ top - Xv + Yc * c[None, :] >= np.ones((K, 1)) @ c[None, :]
        prob = cp.Problem(cp.Minimize(cp.normNuc(Xv)), [con])
    else:
        m = K - 1
        B = _basis(K)
        Q = cp.Variable((m, m), PSD=True)
        Zv = cp.Variable((m, n))
        Xv = B @ Zv
        top = cp.sum(cp.multiply(Yc, Xv), axis=0, keepdims=True)
        con = np.ones((K, 1)) @ top - Xv + Yc * c[None, :] >= np.ones((K, 1)) @ c[None, :]
        obj = 0.5 * cp.trace(Q) + 0.5 * sum(cp.matrix_frac(Zv[:, i], Q) for i in range(n))
        prob = cp.Problem(cp.Minimize(obj), [con])
    try:
        prob.solve(solver=cvxpy_solver, **opts)
    except cp.error.SolverError as exc:
        raise SolverError(f"cvxpy/{cvxpy_solver} failed: {exc}", status="solver_error",
                          solver=f"cvxpy/{cvxpy_solver}") from exc
    if prob.status not in ("optimal", "optimal_inaccurate"):
        raise SolverError(f"cvxpy/{cvxpy_solver} returned status {prob.status!r}",
                          status=str(prob.status), solver=f"cvxpy/{cvxpy_solver}")
    X = np.asarray(Xv.value, dtype=np.float64)
    lam = np.asarray(con.dual_value, dtype=np.float64)
    L, bound = _feasible_dual(dual_from_multipliers(lam, yc), yc, c)
    nuc = float(np.linalg.svd(X, compute_uv=False).sum())
    it = int(prob.solver_stats.num_iters or 0) if prob.solver_stats is not None else 0
    info = {"solver_status": prob.status, "cvxpy_value": float(prob.value),
            "solve_seconds": time.perf_counter() - t0}
    return X, L, bound, nuc, it, "optimal" if prob.status == "optimal" else "almost", info


# --------------------------------------------------------------------------------------------
# non-convex local method (any d, uncertified)
# --------------------------------------------------------------------------------------------

def _solve_local(y, K, d, *, rng, tol, max_iter, restarts):
    """Augmented Lagrangian + L-BFGS on the factored problem JI-P1 (local; see docstring)."""
    from scipy.optimize import minimize

    N = y.size
    off = _offtarget_mask(y, K, N)
    idx = np.arange(N)

    def run(theta0):
        mu = np.zeros((K, N))
        rho = 10.0
        theta = theta0
        viol_prev = math.inf
        for _ in range(60):
            def fg(t):
                W = t[: K * d].reshape(K, d)
                H = t[K * d:].reshape(N, d)
                X = W @ H.T
                g = np.where(off, 1.0 - (X[y, idx][None, :] - X), 0.0)
                nu = np.where(off, np.maximum(0.0, mu + rho * g), 0.0)
                f = 0.5 * (t @ t) + (np.sum(nu * nu) - np.sum(mu * mu)) / (2.0 * rho)
                GX = nu.copy()
                GX[y, idx] = -nu.sum(axis=0)
                gW = W + GX @ H
                gH = H + GX.T @ W
                return f, np.concatenate([gW.ravel(), gH.ravel()])
            res = minimize(fg, theta, jac=True, method="L-BFGS-B",
                           options={"maxiter": max_iter, "gtol": 1e-12, "ftol": 1e-15})
            theta = res.x
            W = theta[: K * d].reshape(K, d)
            H = theta[K * d:].reshape(N, d)
            X = W @ H.T
            g = np.where(off, 1.0 - (X[y, idx][None, :] - X), 0.0)
            mu = np.where(off, np.maximum(0.0, mu + rho * g), 0.0)
            viol = float(max(g.max(), 0.0))
            if viol <= tol:
                break
            if viol > 0.25 * viol_prev:
                rho = min(rho * 5.0, 1e8)
            viol_prev = viol
        W = theta[: K * d].reshape(K, d)
        H = theta[K * d:].reshape(N, d)
        qmin = float(margin_matrix(W @ H.T, y).min())
        if qmin <= 0:
            return math.inf, W, H, mu
        s = 1.0 / math.sqrt(qmin)
        W, H = W * s, H * s
        return 0.5 * float(np.sum(W * W) + np.sum(H * H)), W, H, mu

    best = (math.inf, None, None, None)
    values = []
    for _ in range(restarts):
        theta0 = 0.5 * rng.standard_normal(K * d + N * d)
        out = run(theta0)
        values.append(out[0])
        if out[0] < best[0]:
            best = out
    return best, values


# --------------------------------------------------------------------------------------------
# public solver
# --------------------------------------------------------------------------------------------

def min_norm_separation(y, K: int | None = None, *, d: int | None = None, method: str = "auto",
                        solver: str | None = None, tol: float = 1e-8, cert_tol: float = 1e-7,
                        seed=None, rotation=None, check: bool = True,
                        max_iter: int | None = None, rho: float | None = None,
                        formulation: str = "nuclear", cvxpy_solver: str | None = None,
                        solver_options: dict | None = None, restarts: int = 8) -> MinNormSolution:
    r"""Certified minimiser of the ULPM minimum-norm separation problem (ji2022.md JI-P1).

    .. math:: \min_{W,H}\ \tfrac12(\|W\|_F^2+\|H\|_F^2)\ \ \text{s.t.}\ \
              (w_{y_i}-w_j)^\top h_i\ge 1
              \;=\; \min_X \|X\|_*\ \ \text{s.t.}\ \ X_{y_i,i}-X_{j,i}\ge 1 \quad(d\ge K-1)

    Methods (see the module docstring for the algorithms and proofs):

    * ``"auto"`` (default): the closed form ``X* = P Y`` (``geometry.sel_matrix``, any class
      sizes), factored, **plus** the dual certificate (so it is a proved optimum, not a formula).
    * ``"closed_form"``: the same, named explicitly. ``p* = ||PY||_* = tr((PDP)^{1/2})``.
    * ``"convex"``: an independent numerical solve of JI-P1N that never uses PY or ``||PY||_*``
      and never merges columns: ``solver="admm"`` (default; first-order splitting with exact
      per-column projections, active-set polish and its own dual bound), ``"clarabel"`` (per-column
      SDP JI-P1F built directly for Clarabel) or ``"cvxpy"`` (reference; ``formulation``
      ``"nuclear"`` or ``"per_column"``, ``cvxpy_solver``).
    * ``"class_level"``: the exact class-level reduction (proved in the module docstring: class
      averaging keeps feasibility and does not increase ``||X||_*``) to a K x K problem
      ``min ||V||_* s.t. V_kk - V_jk >= √n_k``, solved with ``solver`` as above.
    * ``"local"``: a non-convex local method on the factored problem for any d (including
      ``d < K-1``): augmented Lagrangian with L-BFGS inner solves from ``restarts`` seeded random
      starts, rescaled to unit minimum margin. Never raises on its certificate; for
      ``d < K-1`` the convex dual is only a lower bound, so ``certified`` is ``False``
      (e.g. K = 4, n = 1, d = 2 finds the square, value 4 > 3; JI-T2.5).

    Args:
      y: (N,) integer labels in ``0..K-1``; every class must occur.
      K: number of classes (default ``max(y)+1``).
      d: feature dimension of the factors, default ``K-1`` (the rank of the optimum). For any
        method but ``"local"``, ``d < K-1`` raises :class:`DimensionError` (the convex value is
        only a lower bound there, JI-T2.5).
      method, solver: as above; the solver actually used is recorded in ``solver``.
      tol: solver tolerance (ADMM: own relative duality gap; Clarabel/cvxpy: their gap and
        feasibility tolerances; local: constraint violation).
      cert_tol: relative tolerance of the certificate verdict (default 1e-7).
      seed: seeds everything random: the ADMM / local starting points (``None`` means seed 0, so
        results are reproducible) and ``rotation="random"``.
      rotation: ``None`` (``R = [I_r, 0]``), ``"random"`` (Haar, seeded) or an array with
        orthonormal rows, for the factors ``W = UΣ^{1/2}R``, ``H = VΣ^{1/2}R``.
      check: raise :class:`CertificateError` if the certificate fails (default); with ``False``
        the result is returned with ``certified=False`` and ``status="inaccurate"``.
      max_iter: iteration cap (ADMM default 5000, Clarabel 200, local L-BFGS 2000 per inner solve).
      rho: initial ADMM penalty (default ``√K / ||c||``, then residual balancing).
      formulation, cvxpy_solver: for ``solver="cvxpy"``.
      solver_options: extra settings passed to Clarabel (attribute names of
        ``clarabel.DefaultSettings``) or to ``cvxpy.Problem.solve``.
      restarts: random starts of ``method="local"``.

    Returns:
      :class:`MinNormSolution`.

    Raises:
      DimensionError: ``d < K-1`` (except ``method="local"``).
      SolverError: the underlying solver failed (``.status`` carries its status).
      CertificateError: the answer failed its certificate and ``check=True``.

    Example:
      >>> import numpy as np
      >>> y = np.repeat(np.arange(3), 3)
      >>> sol = min_norm_separation(y, method="convex")
      >>> round(sol.objective, 10), sol.certified, sol.solver
      (3.4641016151, True, 'admm')
      >>> round(min_norm_separation([0, 0, 0, 0, 1, 1, 1, 1, 2]).objective, 7)
      3.4142136
    """
    t0 = time.perf_counter()
    if method not in _METHODS:
        raise InputError(f"method must be one of {_METHODS}, got {method!r}", argument="method")
    y_, K = as_labels(y, "y", K=K)
    N = y_.size
    counts = np.bincount(y_, minlength=K)
    cf = counts.astype(np.float64)
    tol = check_positive(tol, "tol")
    cert_tol = check_positive(cert_tol, "cert_tol")
    restarts = check_int(restarts, "restarts")
    if restarts < 1:
        raise InputError("restarts must be >= 1", argument="restarts")
    if d is not None:
        d = check_int(d, "d")
        if d < 1:
            raise DimensionError(f"d must be >= 1, got {d}", argument="d")
    if method != "local" and d is not None and d < K - 1:
        raise DimensionError(
            f"d={d} < K-1 = {K - 1}: the convex nuclear-norm value (JI-P1N) is only a lower bound "
            f"on the factored problem there (JI-T2.5; e.g. K=4, n=1, d=2 has optimum 4 > 3), so no "
            f"certified global solution is available; pass method='local' for an uncertified local "
            f"solution", argument="d")
    rng_seed = 0 if seed is None else seed
    rng = as_rng(rng_seed)
    pcf = closed_form_value(cf)
    if method == "auto":
        method = "closed_form"
    if method == "closed_form":
        if solver not in (None, "closed_form"):
            raise InputError(f"method='closed_form' uses no solver, got solver={solver!r}",
                             argument="solver")
    elif method in ("convex", "class_level"):
        solver = "admm" if solver is None else solver
        if solver not in _CONVEX_SOLVERS:
            raise InputError(f"solver must be one of {_CONVEX_SOLVERS} for method={method!r}, "
                             f"got {solver!r}", argument="solver")
    else:  # local
        if solver not in (None, "al-lbfgs"):
            raise InputError(f"method='local' uses solver 'al-lbfgs', got {solver!r}",
                             argument="solver")
        solver = "al-lbfgs"

    info: dict[str, Any] = {}
    solver_L = None
    solver_bound = None
    iterations = 0
    W = H = None
    if method == "closed_form":
        X = sel_matrix(y_, K)
        used = "closed_form"
    elif method == "local":
        dd = K - 1 if d is None else d
        (val, W, H, mu), values = _solve_local(
            y_, K, dd, rng=rng, tol=max(tol, 1e-12), restarts=restarts,
            max_iter=2000 if max_iter is None else _check_iter(max_iter))
        if W is None:
            raise SolverError("method='local': no restart reached a positive margin",
                              status="not_separated", solver="al-lbfgs")
        X = W @ H.T
        used = "al-lbfgs"
        info["restart_values"] = values
        # KKT multipliers of the best local point (not dual feasible in general)
        Lk = dual_from_multipliers(mu, y_) if mu is not None else None
        info["local_dual_op_norm"] = _op_norm(Lk) if Lk is not None else None
        solver_L = Lk
        iterations = 0
    else:
        if method == "convex":
            yc, c = y_, np.ones(N)
        else:
            yc, c = np.arange(K), np.sqrt(cf)
        if solver == "admm":
            Xc, Lc, bound, nuc, iterations, sstat, sinfo = _solve_admm(
                yc, K, c, tol=tol, max_iter=5000 if max_iter is None else _check_iter(max_iter),
                rho=rho, rng=rng)
            used = "admm"
        elif solver == "clarabel":
            Xc, Lc, bound, nuc, iterations, sstat, sinfo = _solve_clarabel(
                yc, K, c, tol=tol, max_iter=200 if max_iter is None else _check_iter(max_iter),
                solver_options=solver_options)
            used = "clarabel"
        else:
            Xc, Lc, bound, nuc, iterations, sstat, sinfo = _solve_cvxpy(
                yc, K, c, tol=tol, formulation=formulation, cvxpy_solver=cvxpy_solver,
                solver_options=solver_options)
            used = f"cvxpy/{(cvxpy_solver or ('SCS' if formulation == 'nuclear' else 'CLARABEL')).upper()}/{formulation}"
        info.update(sinfo)
        # the generic reduction X -> PX (module docstring) removes solver noise along 1
        Xc = Xc - Xc.mean(axis=0, keepdims=True)
        if method == "convex":
            X, solver_L = Xc, Lc
        else:
            w = 1.0 / np.sqrt(cf)
            X = Xc[:, y_] * w[y_][None, :]
            solver_L = Lc[:, y_] * w[y_][None, :]
        solver_bound = bound
        info["own_primal"] = nuc

    # factors
    if W is None:
        dd = K - 1 if d is None else d
        W, H, sv, r = balanced_factors(X, dd, rotation=rotation,
                                       seed=rng if isinstance(rotation, str) else None)
        X = W @ H.T
    else:
        sv = np.linalg.svd(X, compute_uv=False)
        r = _rank(sv, X.shape)
    dd = int(W.shape[1])
    cert = certify_min_norm(W, H, y_, K=K, tol=cert_tol)
    objective = 0.5 * float(np.sum(W * W) + np.sum(H * H))
    min_margin = float(margin_matrix(X, y_).min())
    Lstar = closed_form_dual_matrix(cf)[:, y_]
    sol_cert = None
    s_gap = s_rel = None
    if solver_L is not None and method != "local":
        sol_cert = certify_min_norm(X=X, y=y_, K=K, dual=solver_L, tol=cert_tol)
        s_gap = sol_cert.duality_gap
        s_rel = sol_cert.relative_gap
        solver_bound = sol_cert.dual_value
    elif method == "local" and solver_L is not None:
        sol_cert = certify_min_norm(W, H, y_, K=K, dual=solver_L, tol=cert_tol)
    passed = bool(cert.passed)
    if method == "local":
        status = "local"
    else:
        status = "optimal" if passed else "inaccurate"
        if not passed and check:
            raise_if_failed(cert, solver=used, status=info.get("solver_status", status))
    logit_err = float(np.linalg.norm(X - sel_matrix(y_, K)))
    return MinNormSolution(
        X=X, W=W, H=H, objective=objective, dual_value=cert.dual_value,
        duality_gap=cert.duality_gap, relative_gap=cert.relative_gap, dual=Lstar,
        certificate=cert, status=status, solver=used, method=method,
        seconds=time.perf_counter() - t0, certified=passed, min_margin=min_margin, rank=int(r),
        singular_values=np.asarray(sv), counts=counts, d=dd, closed_form_value=pcf,
        relative_error=abs(objective - pcf) / pcf, logit_error=logit_err,
        solver_dual=solver_L, solver_dual_value=solver_bound, solver_gap=s_gap,
        solver_relative_gap=s_rel, solver_certificate=sol_cert, iterations=int(iterations),
        info=info)
