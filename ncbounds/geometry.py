"""Frames and label matrices: simplex ETF, orthogonal frame, SEL matrix, rotations, distances.

Conventions (see ARCHITECTURE.md): a configuration of K vectors in R^d is a (K, d) array, one row
per class; labels are integers in 0..K-1; the one-hot matrix ``Y`` and the SEL matrix ``P Y`` are
(K, N), one column per sample.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import helmert

from ._validate import (
    as_float_array,
    as_labels,
    as_rng,
    check_frame_dimension,
    check_int,
    check_num_classes,
)
from .errors import DimensionError, InputError, ShapeError

__all__ = [
    "centering_projector",
    "simplex_etf",
    "orthogonal_frame",
    "onehot",
    "sel_matrix",
    "random_rotation",
    "random_permutation",
    "permutation_matrix",
    "distance_to_etf",
    "distance_to_orthogonal_frame",
    "gram_distance_to_etf",
    "gram_distance_to_orthogonal_frame",
    "procrustes",
    "procrustes_distance",
    "coherence",
    "max_inner_product",
    "welch_bound",
]


def centering_projector(K: int) -> np.ndarray:
    """The centring projector ``P = I_K - 1 1^T / K`` (K, K)."""
    K = check_num_classes(K)
    return np.eye(K) - np.full((K, K), 1.0 / K)


def _apply_rotation(A: np.ndarray, rotation, seed) -> np.ndarray:
    d = A.shape[1]
    if rotation is None:
        if seed is not None:
            raise InputError("seed is only used with rotation='random'", argument="seed")
        return A
    if isinstance(rotation, str):
        if rotation != "random":
            raise InputError(f"rotation must be None, 'random' or a (d, d) orthogonal matrix, got {rotation!r}",
                             argument="rotation")
        return A @ random_rotation(d, seed=seed)
    Q = as_float_array(rotation, "rotation", shape=(d, d))
    err = np.linalg.norm(Q.T @ Q - np.eye(d))
    if err > 1e-8:
        raise InputError(f"rotation must be orthogonal (Q^T Q = I), got ||Q^T Q - I||_F = {err:.2e}",
                         argument="rotation")
    return A @ Q


def simplex_etf(K: int, d: int | None = None, *, rotation=None, seed=None) -> np.ndarray:
    r"""Unit simplex equiangular tight frame: K unit rows in R^d with pairwise cosine -1/(K-1).

    .. math::  E = \sqrt{K/(K-1)}\,(I_K - \mathbf 1\mathbf 1^\top/K)\,U^\top,\qquad
               E E^\top = \tfrac{K}{K-1}(I_K - \mathbf 1\mathbf 1^\top/K)

    (gao2023.md GAO-D4; Papyan et al. 2020, Def. 1). For ``d >= K`` the canonical embedding
    is ``U = [I_K; 0]`` (zero-padded, so the frame lives in the first K coordinates); for
    ``d = K-1`` the rows are expressed in the Helmert orthonormal basis of the complement of 1.

    Args:
      K: number of classes (>= 2).
      d: ambient dimension, any ``d >= K-1``; default ``K-1``.
      rotation: ``None`` (canonical), ``"random"`` (Haar-random, seeded by ``seed``) or a
        (d, d) orthogonal matrix Q; the frame becomes ``E @ Q``.
      seed: seed for ``rotation="random"``.

    Returns:
      (K, d) float64 array.

    Raises:
      DimensionError: if ``d < K-1``.

    Example:
      >>> E = simplex_etf(3)
      >>> np.round(E @ E.T, 6)
      array([[ 1. , -0.5, -0.5],
             [-0.5,  1. , -0.5],
             [-0.5, -0.5,  1. ]])
    """
    K = check_num_classes(K)
    d = K - 1 if d is None else check_int(d, "d")
    check_frame_dimension(d, K)
    E_full = np.sqrt(K / (K - 1.0)) * centering_projector(K)  # rows in R^K, inside 1^perp
    if d == K - 1:
        E = E_full @ helmert(K).T  # helmert(K): (K-1, K) orthonormal rows, orthogonal to 1
    else:
        E = np.zeros((K, d))
        E[:, :K] = E_full
    E /= np.linalg.norm(E, axis=1, keepdims=True)  # exact unit rows up to one rounding
    return _apply_rotation(E, rotation, seed)


def orthogonal_frame(K: int, d: int | None = None, *, rotation=None, seed=None) -> np.ndarray:
    """K orthonormal rows in R^d (``d >= K``): the zero-padded identity, optionally rotated.

    The orthogonal frame is the classifier geometry of the MSE UFM without bias (classic.md
    CL-MSE-NB) and of Jacot et al. 2024's NC2.

    Raises:
      DimensionError: if ``d < K``.
    """
    K = check_num_classes(K)
    d = K if d is None else check_int(d, "d")
    check_frame_dimension(d, K, minimum="K")
    F = np.zeros((K, d))
    F[:, :K] = np.eye(K)
    return _apply_rotation(F, rotation, seed)


def onehot(y, K: int | None = None) -> np.ndarray:
    """One-hot label matrix ``Y`` (K, N) with ``Y[k, i] = [y_i = k]``. Empty classes are allowed."""
    y, K = as_labels(y, "y", K=K, require_all_classes=False)
    Y = np.zeros((K, y.shape[0]))
    Y[y, np.arange(y.shape[0])] = 1.0
    return Y


def sel_matrix(y, K: int | None = None) -> np.ndarray:
    r"""Simplex-encoded label matrix ``P Y`` (K, N), ``P = I - 11^T/K``, for any class sizes.

    Column i is ``e_{y_i} - 1/K``. It is the unique optimal logit matrix of the minimum-norm
    separation problem (ji2022.md JI-T2.2; Thrampoulidis et al. 2022, classic.md CL-SELI).
    """
    Y = onehot(y, K)
    return Y - Y.mean(axis=0, keepdims=True)


def random_rotation(d: int, *, seed=None) -> np.ndarray:
    """Haar-distributed random orthogonal (d, d) matrix (QR of a Gaussian with the sign fix)."""
    d = check_int(d, "d")
    if d < 1:
        raise InputError(f"d must be >= 1, got {d}", argument="d")
    rng = as_rng(seed)
    Z = rng.standard_normal((d, d))
    Q, R = np.linalg.qr(Z)
    return Q * np.sign(np.diag(R))


def random_permutation(K: int, *, seed=None) -> np.ndarray:
    """A uniformly random permutation of ``0..K-1`` (int64 array)."""
    K = check_int(K, "K")
    if K < 1:
        raise InputError(f"K must be >= 1, got {K}", argument="K")
    return as_rng(seed).permutation(K)


def permutation_matrix(perm) -> np.ndarray:
    """Permutation matrix ``P`` with ``(P A)[k] = A[perm[k]]`` for any (K, d) array A."""
    p = np.asarray(perm)
    if p.ndim != 1 or p.dtype.kind not in "iu" or not np.array_equal(np.sort(p), np.arange(p.size)):
        raise InputError(f"perm must be a permutation of 0..K-1, got {perm!r}", argument="perm")
    P = np.zeros((p.size, p.size))
    P[np.arange(p.size), p] = 1.0
    return P


def _gram_distance(G: np.ndarray, target: np.ndarray) -> float:
    nrm = np.linalg.norm(G)
    if nrm == 0:
        return float(np.linalg.norm(target))  # a zero Gram matrix is as far as it gets
    return float(np.linalg.norm(G / nrm - target))


def gram_distance_to_etf(G) -> float:
    r"""``|| G/||G||_F - P/sqrt(K-1) ||_F`` for a (K, K) Gram matrix (classic.md CL-METRIC-NC2-GRAM).

    Zero exactly when G is a positive multiple of the centring projector P (a simplex ETF Gram).
    For ``G = 0`` returns ``||P/sqrt(K-1)||_F = 1``.
    """
    G = as_float_array(G, "G", ndim=2)
    if G.shape[0] != G.shape[1]:
        raise ShapeError(f"G must be square, got {G.shape}", argument="G")
    K = check_num_classes(G.shape[0], "G.shape[0]")
    return _gram_distance(G, centering_projector(K) / np.sqrt(K - 1.0))


def gram_distance_to_orthogonal_frame(G) -> float:
    r"""``|| G/||G||_F - I/sqrt(K) ||_F`` for a (K, K) Gram matrix (classic.md CL-METRIC-NC2-OF)."""
    G = as_float_array(G, "G", ndim=2)
    if G.shape[0] != G.shape[1]:
        raise ShapeError(f"G must be square, got {G.shape}", argument="G")
    K = check_num_classes(G.shape[0], "G.shape[0]")
    return _gram_distance(G, np.eye(K) / np.sqrt(K))


def distance_to_etf(A, *, center: bool = False) -> float:
    """Gram distance of the rows of a (K, d) configuration to a simplex ETF.

    ``center=True`` subtracts the row mean first (use it for class means, whose global mean is
    arbitrary; classic.md §3.1.2). Rotation- and scale-invariant.
    """
    A = as_float_array(A, "A", ndim=2)
    if center:
        A = A - A.mean(axis=0, keepdims=True)
    return gram_distance_to_etf(A @ A.T)


def distance_to_orthogonal_frame(A) -> float:
    """Gram distance of the (uncentred) rows of a (K, d) configuration to an orthogonal frame.

    Never centre here: the centred means of an orthogonal frame form a simplex ETF (classic.md
    CL-A11).
    """
    A = as_float_array(A, "A", ndim=2)
    return gram_distance_to_orthogonal_frame(A @ A.T)


def procrustes(A, B) -> tuple[np.ndarray, float]:
    r"""Orthogonal Procrustes: ``Q = argmin_{Q in O(d)} ||A - B Q||_F`` and the attained distance.

    ``A`` and ``B`` are (m, d) with the same shape (stack ``[W; H]`` to align a factorisation).
    ``Q = U V^T`` from the SVD ``B^T A = U S V^T`` (Schönemann 1966).
    """
    A = as_float_array(A, "A", ndim=2)
    B = as_float_array(B, "B", ndim=2)
    if A.shape != B.shape:
        raise ShapeError(f"A and B must have the same shape, got {A.shape} and {B.shape}", argument="B")
    U, _, Vt = np.linalg.svd(B.T @ A)
    Q = U @ Vt
    return Q, float(np.linalg.norm(A - B @ Q))


def procrustes_distance(A, B, *, normalize: bool = True) -> float:
    """Procrustes-aligned distance ``min_Q ||A - B Q||_F`` between two configurations.

    With ``normalize=True`` (default) both are first scaled to unit Frobenius norm, so the result
    lies in [0, 2] and compares directions only (the min-norm and UFM solutions are unique only up
    to rotation and, for GD trajectories, scale).
    """
    A = as_float_array(A, "A", ndim=2)
    B = as_float_array(B, "B", ndim=2)
    if normalize:
        na, nb = np.linalg.norm(A), np.linalg.norm(B)
        if na == 0 or nb == 0:
            raise InputError("procrustes_distance with normalize=True needs nonzero A and B", argument="A")
        A, B = A / na, B / nb
    return procrustes(A, B)[1]


def _unit_rows(A) -> np.ndarray:
    A = as_float_array(A, "A", ndim=2)
    nrm = np.linalg.norm(A, axis=1, keepdims=True)
    if np.any(nrm == 0):
        raise InputError("every row of A must be nonzero", argument="A")
    return A / nrm


def max_inner_product(A) -> float:
    """``max_{i != j} <a_i, a_j>`` of the normalised rows (the spherical-code objective, GAO-F15)."""
    U = _unit_rows(A)
    G = U @ U.T
    np.fill_diagonal(G, -np.inf)
    return float(G.max())


def coherence(A) -> float:
    """Frame coherence ``max_{i != j} |<a_i, a_j>|`` of the normalised rows (GAO-F15)."""
    U = _unit_rows(A)
    G = np.abs(U @ U.T)
    np.fill_diagonal(G, -np.inf)
    return float(G.max())


def welch_bound(K: int, d: int) -> float:
    r"""Welch lower bound on the coherence of K unit vectors in R^d: ``sqrt((K-d)/(d(K-1)))``.

    Valid for ``K >= d``; for ``K <= d`` the bound is 0 (orthonormal vectors fit). GAO-F15.
    """
    K = check_num_classes(K)
    d = check_int(d, "d")
    if d < 1:
        raise DimensionError(f"d must be >= 1, got {d}", argument="d")
    if K <= d:
        return 0.0
    return float(np.sqrt((K - d) / (d * (K - 1.0))))
