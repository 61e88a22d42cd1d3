r"""Neural-collapse metrics NC1–NC4 and margins, every variant pinned to its source.

Definitions follow ``shared/spec/classic.md`` §3.1 (IDs ``CL-METRIC-*``); where the published
codebases disagree (§3.1.1) the default is stated in each docstring and the alternatives are
arguments or extra fields. Notation: features ``H`` (N, d), labels ``y`` (N,), classifier ``W``
(K, d), bias ``b`` (K,); class means μ_k (rows of ``M``), centre ``c``, centred means
``M̃ = M - 1 cᵀ``;

.. math::

   \Sigma_W = \tfrac1N \sum_i (h_i-\mu_{y_i})(h_i-\mu_{y_i})^\top,\qquad
   \Sigma_B = \tfrac1K \tilde M^\top \tilde M .

Defaults (classic.md §3.1.2): NC1 keeps Papyan's 1/K and uses an eigen-truncated Σ_B⁺ (never
negative); the centre is the **mean of class means** (``center="sample"`` reproduces codebases
using the sample mean); Σ_W pooled over samples; CDNV with the squared distance, averaged over
pairs; NC3 squared with W uncentred (the centred version is also reported); NC4 a mismatch rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._results import Result
from ._validate import check_instance, check_nonnegative
from .errors import InputError
from .geometry import gram_distance_to_etf, gram_distance_to_orthogonal_frame

__all__ = [
    "NCMetrics",
    "Margins",
    "class_means",
    "nc_metrics",
    "nc1_papyan",
    "nc1_trace_ratio",
    "cdnv",
    "margins",
    "ce_loss",
    "ce_margin_sandwich",
]

_CENTERS = ("class_mean", "sample")
_WITHIN = ("pooled", "class_average")


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------

def class_means(H, y, K: int | None = None) -> np.ndarray:
    """Class means μ_k as rows of a (K, d) array (every class must be present)."""
    H, y, _, _, K = check_instance(H, y, K=K)
    return _means(H, y, K)


def _means(H: np.ndarray, y: np.ndarray, K: int) -> np.ndarray:
    counts = np.bincount(y, minlength=K).astype(float)
    M = np.zeros((K, H.shape[1]))
    np.add.at(M, y, H)
    return M / counts[:, None]


def _center(M: np.ndarray, H: np.ndarray, center: str) -> np.ndarray:
    if center == "class_mean":
        return M.mean(axis=0)
    if center == "sample":
        return H.mean(axis=0)
    raise InputError(f"center must be one of {_CENTERS}, got {center!r}", argument="center")


def _within_cov_quadratic(R: np.ndarray, y: np.ndarray, K: int, V: np.ndarray, within: str) -> np.ndarray:
    """v_jᵀ Σ_W v_j for the columns v_j of V, from residuals R = H - M[y] (no d×d matrix built)."""
    P = R @ V  # (N, r)
    if within == "pooled":
        return (P * P).sum(axis=0) / R.shape[0]
    if within == "class_average":
        counts = np.bincount(y, minlength=K).astype(float)
        S = np.zeros((K, V.shape[1]))
        np.add.at(S, y, P * P)
        return (S / counts[:, None]).mean(axis=0)
    raise InputError(f"within must be one of {_WITHIN}, got {within!r}", argument="within")


def _trace_within(R: np.ndarray, y: np.ndarray, K: int, within: str) -> float:
    if within == "pooled":
        return float((R * R).sum() / R.shape[0])
    counts = np.bincount(y, minlength=K).astype(float)
    S = np.bincount(y, weights=(R * R).sum(axis=1), minlength=K)
    return float((S / counts).mean())


def _means_coincide(M: np.ndarray, Mt: np.ndarray) -> bool:
    """All class means equal up to the round-off of averaging them (NC1 is then undefined: +inf).

    Centring K means of magnitude |M| leaves an error of a few ulps of |M|, so a spread below
    64·eps·max|M|·√(Kd) is indistinguishable from none (e.g. three means 0.1 centre to ±1.4e-17)."""
    return float(np.abs(Mt).max(initial=0.0)) <= 64 * np.finfo(float).eps * float(np.abs(M).max(initial=0.0)) * np.sqrt(M.size)


def _nc1_from(R, y, K, M, Mt, tau, within) -> float:
    if _means_coincide(M, Mt):
        return float("inf")  # no between-class spread at all
    # NC1 is 0-homogeneous in H: rescale so that squaring neither underflows nor overflows.
    c = max(float(np.abs(Mt).max(initial=0.0)), float(np.abs(R).max(initial=0.0)))
    R, Mt = R / c, Mt / c
    # Σ_B = Mtᵀ Mt / K = V diag(s²/K) Vᵀ from the SVD of the (K, d) centred means: no d×d eigh.
    _, s, Vt = np.linalg.svd(Mt, full_matrices=False)
    ev = s * s / K
    keep = ev > tau * ev[0]
    keep[min(K - 1, Mt.shape[1]):] = False  # rank(Σ_B) <= min(K-1, d)
    q = _within_cov_quadratic(R, y, K, Vt[keep].T, within)
    return float(np.sum(q / ev[keep]) / K)  # every term >= 0: never negative from round-off


def nc1_papyan(H, y, *, center: str = "class_mean", within: str = "pooled", tau: float = 1e-10) -> float:
    r"""NC1 of Papyan, Han & Donoho 2020: :math:`\tfrac1K\operatorname{tr}(\Sigma_W\Sigma_B^+)` (CL-METRIC-NC1-PAPYAN).

    Σ_B⁺ keeps the top r <= min(K-1, d) eigenpairs with s_j > tau·s_1, so the value is
    :math:`\tfrac1K\sum_j v_j^\top\Sigma_W v_j/s_j \ge 0` by construction (a plain ``pinv`` can
    return negative values from round-off; classic.md CL-A3). Variation outside the span of the
    centred class means is invisible to it (CL-METRIC-BLIND).
    """
    tau = check_nonnegative(tau, "tau")
    H, y, _, _, K = check_instance(H, y)
    M = _means(H, y, K)
    return _nc1_from(H - M[y], y, K, M, M - _center(M, H, center), tau, within)


def nc1_trace_ratio(H, y, *, center: str = "class_mean", within: str = "pooled") -> float:
    r"""Trace ratio :math:`\operatorname{tr}\Sigma_W/\operatorname{tr}\Sigma_B` (CL-METRIC-NC1-TR; e.g. Tirer et al. 2023)."""
    H, y, _, _, K = check_instance(H, y)
    M = _means(H, y, K)
    Mt = M - _center(M, H, center)
    tb = float((Mt * Mt).sum() / K)
    tw = _trace_within(H - M[y], y, K, within)
    return tw / tb if tb > 0 and not _means_coincide(M, Mt) else float("inf")


def _cdnv_from(H, y, K, M, squared: bool) -> float:
    R = H - M[y]
    counts = np.bincount(y, minlength=K).astype(float)
    Vk = np.bincount(y, weights=(R * R).sum(axis=1), minlength=K) / counts  # population variance
    iu = np.triu_indices(K, 1)
    diff = M[iu[0]] - M[iu[1]]
    d2 = (diff * diff).sum(axis=1)  # exact pairwise squared distances (no cancellation)
    den = 2.0 * (d2 if squared else np.sqrt(d2))
    num = Vk[iu[0]] + Vk[iu[1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        vals = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.where(num > 0, np.inf, 0.0))
    return float(vals.mean())


def cdnv(H, y, *, squared: bool = True) -> float:
    r"""Class-distance normalised variance of Galanti, György & Hutter 2022 (CL-METRIC-NC1-CDNV).

    .. math:: \operatorname{mean}_{k<l}\ \frac{V_k + V_l}{2\,\|\mu_k-\mu_l\|^2},\qquad
              V_k = \tfrac1{n_k}\sum_{i:y_i=k}\|h_i-\mu_k\|^2

    Squared distance and the mean over unordered pairs by default (scale-invariant); with
    ``squared=False`` the denominator is ``2‖μ_k − μ_l‖`` (Rangamani et al.'s code), which scales
    like the features (classic.md CL-A4). Population variance (no Bessel factor). Centre-free.
    """
    H, y, _, _, K = check_instance(H, y)
    return _cdnv_from(H, y, K, _means(H, y, K), squared)


def _cos_matrix(A: np.ndarray) -> np.ndarray:
    nrm = np.linalg.norm(A, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        U = A / nrm[:, None]
    return U @ U.T


def _nc2_block(A: np.ndarray, K: int) -> dict:
    """Equinorm, equiangularity and max-angle of the rows of A (already centred if wanted)."""
    nrm = np.linalg.norm(A, axis=1)
    mean = nrm.mean()
    equinorm = float(nrm.std() / mean) if mean > 0 else float("nan")
    off = ~np.eye(K, dtype=bool)
    if np.any(nrm == 0):
        return {"equinorm": equinorm, "equiangularity": float("nan"), "maxangle": float("nan")}
    C = _cos_matrix(A)[off]
    return {
        "equinorm": equinorm,
        "equiangularity": float(C.std()),
        "maxangle": float(np.abs(C + 1.0 / (K - 1)).mean()),
    }


# --------------------------------------------------------------------------------------------
# NC metrics
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NCMetrics(Result):
    """All neural-collapse metrics of one (H, y[, W, b]) instance. ``None`` = needs W.

    Headline values (the attributes a user reads first):

    * ``nc1`` — Papyan's (1/K) tr(Σ_W Σ_B⁺) (CL-METRIC-NC1-PAPYAN).
    * ``nc2`` — Gram distance of the centred class means to a simplex ETF (CL-METRIC-NC2-GRAM),
      0 iff the centred means form an exact ETF up to rotation and scale.
    * ``nc3`` — Papyan's self-duality ‖W/‖W‖ − M̃/‖M̃‖‖_F², W uncentred (CL-METRIC-NC3-PAPYAN).
    * ``nc4`` — NCC mismatch rate (CL-METRIC-NC4).

    Variants: ``nc1_trace_ratio``, ``cdnv``, ``cdnv_unsquared``; the four NC2 forms for the means
    (``*_H``) and for the classifier (``*_W``; W as given unless ``center_W=True``);
    ``nc2_of_H``/``nc2_of_W`` (orthogonal-frame distance on **uncentred** means / W Wᵀ,
    CL-METRIC-NC2-OF, CL-A11); ``cond_M`` (condition number σ_max/σ_min of the uncentred class-mean
    matrix, Jacot et al.'s NC2 for orthogonal frames; ``inf`` if d < K); ``nc3_centered`` (W̃ =
    W − 1 1ᵀW/K); ``nc3_zhu`` (Gram form, CL-METRIC-NC3-ZHU); ``nc4_agreement`` = 1 − nc4.
    """

    K: int
    N: int
    d: int
    center: str
    counts: np.ndarray
    nc1: float
    nc1_trace_ratio: float
    cdnv: float
    cdnv_unsquared: float
    nc2: float
    nc2_equinorm_H: float
    nc2_equiangularity_H: float
    nc2_maxangle_H: float
    nc2_gram_H: float
    nc2_of_H: float
    cond_M: float
    nc2_equinorm_W: float | None = None
    nc2_equiangularity_W: float | None = None
    nc2_maxangle_W: float | None = None
    nc2_gram_W: float | None = None
    nc2_of_W: float | None = None
    nc3: float | None = None
    nc3_centered: float | None = None
    nc3_zhu: float | None = None
    nc4: float | None = None
    nc4_agreement: float | None = None

    def summary(self) -> dict[str, float]:
        """The headline scalars (name → value), skipping those that need W when W was not given."""
        out = {}
        for name in ("nc1", "nc1_trace_ratio", "cdnv", "nc2", "nc2_equinorm_H", "nc2_equiangularity_H",
                     "nc2_maxangle_H", "nc2_of_H", "cond_M", "nc2_equinorm_W", "nc2_equiangularity_W",
                     "nc2_maxangle_W", "nc2_gram_W", "nc3", "nc3_centered", "nc3_zhu", "nc4"):
            v = getattr(self, name)
            if v is not None:
                out[name] = float(v)
        return out


def nc_metrics(H, y, W=None, b=None, *, K: int | None = None, center: str = "class_mean",
               within: str = "pooled", center_W: bool = False, tau: float = 1e-10) -> NCMetrics:
    r"""Every NC1–NC4 metric of classic.md §3.1 for features ``H`` (N, d), labels ``y`` and an
    optional classifier ``W`` (K, d) with bias ``b`` (K,).

    Args:
      H: features, one row per sample.
      y: integer labels in 0..K-1; every class must be present.
      W, b: last-layer classifier and bias; the NC2-W, NC3 and NC4 fields are ``None`` without W.
      K: number of classes (default: rows of W, else ``max(y)+1``).
      center: ``"class_mean"`` (default; μ̄ = mean of class means, classic.md §3.1.2) or
        ``"sample"`` (the sample mean, as in most public codebases). Affects NC1, trace ratio,
        the centred NC2 forms and NC3; never CDNV, NC4 or the orthogonal-frame forms.
      within: ``"pooled"`` Σ_W over samples (Papyan, default) or ``"class_average"`` (1/K)Σ_k Σ_{W,k}.
      center_W: use W̃ = W − 1 1ᵀW/K for the NC2-W fields (NC3 always reports both).
      tau: relative eigenvalue cut-off for Σ_B⁺.

    Invariant under H ↦ HQ, W ↦ WQ (Q orthogonal), H ↦ cH, W ↦ c'W (c, c' > 0) and label
    permutations with W's rows permuted, except ``cdnv_unsquared`` (scales with H) and ``cond_M``
    (not invariant under translation of H, as intended for orthogonal frames).

    Example:
      >>> from ncbounds.geometry import simplex_etf
      >>> E = simplex_etf(3); y = np.repeat(np.arange(3), 2)
      >>> m = nc_metrics(E[y], y, W=E)
      >>> round(m.nc1, 12), round(m.nc2, 12), round(m.nc3, 12), m.nc4
      (0.0, 0.0, 0.0, 0.0)
    """
    tau = check_nonnegative(tau, "tau")
    if center not in _CENTERS:
        raise InputError(f"center must be one of {_CENTERS}, got {center!r}", argument="center")
    if within not in _WITHIN:
        raise InputError(f"within must be one of {_WITHIN}, got {within!r}", argument="within")
    H, y, W, b, K = check_instance(H, y, W, b, K=K)
    N, d = H.shape
    counts = np.bincount(y, minlength=K)
    M = _means(H, y, K)
    R = H - M[y]
    Mt = M - _center(M, H, center)

    nc1 = _nc1_from(R, y, K, M, Mt, tau, within)
    tb = float((Mt * Mt).sum() / K)
    tr_ratio = _trace_within(R, y, K, within) / tb if tb > 0 and not _means_coincide(M, Mt) else float("inf")
    blockH = _nc2_block(Mt, K)
    gram_H = gram_distance_to_etf(Mt @ Mt.T)
    s = np.linalg.svd(M, compute_uv=False)
    cond_M = float(s[0] / s[K - 1]) if (s.size >= K and s[K - 1] > 0) else float("inf")

    fields = dict(
        K=K, N=N, d=d, center=center, counts=counts,
        nc1=nc1, nc1_trace_ratio=tr_ratio,
        cdnv=_cdnv_from(H, y, K, M, True), cdnv_unsquared=_cdnv_from(H, y, K, M, False),
        nc2=gram_H, nc2_equinorm_H=blockH["equinorm"], nc2_equiangularity_H=blockH["equiangularity"],
        nc2_maxangle_H=blockH["maxangle"], nc2_gram_H=gram_H,
        nc2_of_H=gram_distance_to_orthogonal_frame(M @ M.T), cond_M=cond_M,
    )
    if W is not None:
        Wc = W - W.mean(axis=0, keepdims=True)
        Wn = Wc if center_W else W
        blockW = _nc2_block(Wn, K)
        fields.update(
            nc2_equinorm_W=blockW["equinorm"], nc2_equiangularity_W=blockW["equiangularity"],
            nc2_maxangle_W=blockW["maxangle"], nc2_gram_W=gram_distance_to_etf(Wn @ Wn.T),
            nc2_of_W=gram_distance_to_orthogonal_frame(W @ W.T),
            nc3=_nc3_papyan(W, Mt), nc3_centered=_nc3_papyan(Wc, Mt),
            nc3_zhu=gram_distance_to_etf(W @ Mt.T),
        )
        logits = H @ W.T + (0.0 if b is None else b)
        pred = np.argmax(logits, axis=1)
        D2 = (H * H).sum(axis=1)[:, None] - 2.0 * H @ M.T + (M * M).sum(axis=1)[None, :]
        ncc = np.argmin(D2, axis=1)
        mismatch = float(np.mean(pred != ncc))
        fields.update(nc4=mismatch, nc4_agreement=1.0 - mismatch)
    return NCMetrics(**fields)


def _nc3_papyan(W: np.ndarray, Mt: np.ndarray) -> float:
    """‖W/‖W‖_F − M̃/‖M̃‖_F‖_F² (rows against rows), Papyan et al. 2020 Fig. 5."""
    nw, nm = np.linalg.norm(W), np.linalg.norm(Mt)
    if nw == 0 or nm == 0:
        return float("nan")
    D = W / nw - Mt / nm
    return float((D * D).sum())


# --------------------------------------------------------------------------------------------
# margins and cross-entropy
# --------------------------------------------------------------------------------------------

def _ce_terms(Q: np.ndarray) -> np.ndarray:
    """Per-sample CE ℓ_i = log(1 + Σ_k exp(−q_ik)) from the (N, K−1) off-target margins, stably.

    With a = [0, −q_i1, …], m = max(a): ℓ = m + log1p(Σ_{j ≠ argmax} exp(a_j − m)); accurate both
    for huge losses and for losses far below machine epsilon (no 1 + tiny rounding).
    """
    A = np.concatenate([np.zeros((Q.shape[0], 1)), -Q], axis=1)
    m = A.max(axis=1)
    E = np.exp(A - m[:, None])
    E[np.arange(A.shape[0]), np.argmax(A, axis=1)] = 0.0
    return m + np.log1p(E.sum(axis=1))


def _offtarget_margins(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    N, K = logits.shape
    zy = logits[np.arange(N), y]
    Q = zy[:, None] - logits  # (N, K) with zeros at the target
    mask = np.ones((N, K), dtype=bool)
    mask[np.arange(N), y] = False
    return Q[mask].reshape(N, K - 1)


def ce_loss(logits, y, *, reduction: str = "mean") -> float:
    r"""Cross-entropy :math:`\ell(z, k) = \log\sum_j e^{z_j} - z_k`, computed in a form that stays
    accurate far below machine epsilon (gao2023.md GAO-F1; ji2022.md §2). ``reduction`` is
    ``"mean"`` (Gao et al.'s L), ``"sum"`` (the ULPM's L) or ``"none"``.
    """
    from ._validate import as_float_array, as_labels

    Z = as_float_array(logits, "logits", ndim=2)
    y, _ = as_labels(y, "y", K=Z.shape[1], n=Z.shape[0], require_all_classes=False)
    ell = _ce_terms(_offtarget_margins(Z, y))
    if reduction == "none":
        return ell
    if reduction == "sum":
        return float(ell.sum())
    if reduction == "mean":
        return float(ell.mean())
    raise InputError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}", argument="reduction")


def ce_margin_sandwich(p_min: float, N: int, K: int) -> tuple[float, float]:
    r"""Bounds on the mean CE L given the minimum margin (gao2023.md GAO-F1):

    .. math:: \tfrac1N\log(1+e^{-p_{\min}}) \le L \le \log(1+(K-1)e^{-p_{\min}}).
    """
    return float(np.logaddexp(0.0, -p_min) / N), float(np.logaddexp(0.0, np.log(K - 1.0) - p_min))


def _pmin_interval(L: float, N: int, K: int) -> tuple[float, float]:
    """Exact inversions −log(expm1(N L)) <= p_min <= log(K−1) − log(expm1(L)) (GAO-F1), L > 0."""
    if not L > 0:
        return float("-inf"), float("inf")
    with np.errstate(over="ignore", divide="ignore"):
        lo = -np.log(np.expm1(N * L))
        hi = np.log(K - 1.0) - np.log(np.expm1(L))
    return float(lo), float(hi)


@dataclass(frozen=True)
class Margins(Result):
    r"""Margins of a linear classifier on features (gao2023.md GAO-D2; ji2022.md §2).

    Attributes:
      per_sample: p_i = min_{k≠y_i} (z_{i,y_i} − z_{i,k}), z = H Wᵀ + b.
      p_min: min_i p_i (> 0 iff every sample is classified correctly; ties count as errors).
      argmin: index of the sample attaining p_min.
      pairwise: (K, K) γ_{y,y'} = min_{i: y_i=y} (z_{i,y} − z_{i,y'}); NaN on the diagonal.
      nu_net: p_min / (max_k ‖w_k‖ · max_i ‖h_i‖) (normalised margin for networks).
      nu_ufm: p_min / (½‖W‖_F² + ½‖H‖_F²) (2-homogeneous normalised margin; → 1/p* of JI-P1).
      nu_fixed: p_min / ‖W‖_F (fixed features; → 1/‖Ŵ‖ of the hard-margin SVM).
      loss, loss_sum, log_loss: mean CE, summed CE and log of the mean CE (accurate in the terminal phase).
      loss_lower, loss_upper: the CE–margin sandwich bounds on ``loss`` given p_min (GAO-F1).
      p_min_lower, p_min_upper: the exact inversions bounding p_min given ``loss`` (GAO-F1).
      tpt: terminal-phase flag, exactly ``p_min > 0`` (GAO-D3).
      accuracy: fraction of samples with p_i > 0.
    """

    per_sample: np.ndarray
    p_min: float
    argmin: int
    pairwise: np.ndarray
    nu_net: float
    nu_ufm: float
    nu_fixed: float
    loss: float
    loss_sum: float
    log_loss: float
    loss_lower: float
    loss_upper: float
    p_min_lower: float
    p_min_upper: float
    tpt: bool
    accuracy: float


def margins(W, H, y, b=None) -> Margins:
    """Per-sample, minimum, pairwise and normalised margins, the CE loss and the CE–margin sandwich.

    Args:
      W: classifier (K, d). H: features (N, d). y: labels in 0..K-1. b: optional bias (K,).
      Classes need not all be present (pairwise margins of an absent class are NaN).
    """
    H, y, W, b, K = check_instance(H, y, W, b, require_all_classes=False)
    N = H.shape[0]
    Z = H @ W.T + (0.0 if b is None else b)
    Qfull = Z[np.arange(N), y][:, None] - Z  # (N, K)
    Q = _offtarget_margins(Z, y)
    p = Q.min(axis=1)
    i_min = int(np.argmin(p))
    p_min = float(p[i_min])
    pair = np.full((K, K), np.nan)
    for k in range(K):
        rows = Qfull[y == k]
        if rows.shape[0]:
            pair[k] = rows.min(axis=0)
        pair[k, k] = np.nan
    ell = _ce_terms(Q)
    loss_sum = float(ell.sum())
    loss = loss_sum / N
    with np.errstate(divide="ignore"):
        pos = ell[ell > 0]
        log_loss = float(np.log(np.sum(pos)) - np.log(N)) if pos.size else float("-inf")
    # accurate log-loss when every ℓ_i underflows to tiny values: log ℓ_i ≈ logsumexp(−q_i)
    if loss < 1e-300:
        from scipy.special import logsumexp
        log_loss = float(logsumexp(logsumexp(-Q, axis=1)) - np.log(N))
    wmax = float(np.linalg.norm(W, axis=1).max())
    hmax = float(np.linalg.norm(H, axis=1).max())
    half_sq = 0.5 * float((W * W).sum() + (H * H).sum())
    wf = float(np.linalg.norm(W))
    lo, hi = ce_margin_sandwich(p_min, N, K)
    plo, phi = _pmin_interval(loss, N, K)
    return Margins(
        per_sample=p, p_min=p_min, argmin=i_min, pairwise=pair,
        nu_net=p_min / (wmax * hmax) if wmax * hmax > 0 else float("nan"),
        nu_ufm=p_min / half_sq if half_sq > 0 else float("nan"),
        nu_fixed=p_min / wf if wf > 0 else float("nan"),
        loss=loss, loss_sum=loss_sum, log_loss=log_loss, loss_lower=lo, loss_upper=hi,
        p_min_lower=plo, p_min_upper=phi, tpt=bool(p_min > 0), accuracy=float(np.mean(p > 0)),
    )
