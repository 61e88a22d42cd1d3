r"""Label ↔ frame-vertex alignment: the alignment-dependent bounds of Gao et al. 2023 and their symmetries.

Gao et al. (GAO-ABS3, GAO-R4.9) argue that models reaching NC with equal training performance can
generalise differently depending on which label sits on which vertex of the frame. Two bounds
carry the dependence (gao2023.md):

* **GAO-T4.10** [reconstructed] (Hoeffding form; a *heuristic* unless the features come from a
  held-out sample, GAO-E3):
  :math:`B(\pi) = c\sum_y q_y\,\mathrm{AGG}_{y'\ne y}\,2d\exp\big(-N_y\gamma^2/(2d^a\rho_y^2\Delta^2)\big)`
  with γ = Γ[π(y), π(y′)], Δ = ‖M_{π(y)} − M_{π(y′)}‖ (vertex quantities) and N_y, ρ_y, q_y
  (class quantities);
* **GAO-T4.8** [reviewers] (covering numbers):
  :math:`B(\pi) = \sum_y \kappa_y \max_{y'\ne y}\mathcal N_y\big(s\,\Gamma[\pi y,\pi y']/(L_f\Delta[\pi y,\pi y'])\big)`,
  κ_y = 1/(2N) (``"reviewer"``) or q_y/(e N_y) (``"empty_cell"``), s ∈ {1, 1/2}.

An *assignment* π puts class y on vertex π(y). Search (:func:`search_assignments`): exhaustive over
all K! assignments for K ≤ ``exhaustive_max`` (default 8; 8! = 40320, evaluated in vectorised
chunks), otherwise a documented **local search**: ``restarts`` random starting permutations, each
improved by best-improvement over all K(K−1)/2 transpositions (evaluated as one vectorised batch)
until no swap improves; run once to minimise and once to maximise. Local search reports a lower
bound on the true spread and says so (``method="local_search"``).

Exact-symmetry facts are results, not hidden assumptions:

* :func:`etf_invariance` — GAO-F8: with M = aE (exact ETF) and class means b·e_{π(y)} every
  γ_{y,y′} = abK/(K−1) and ‖M_y − M_y′‖ = a√(2K/(K−1)) for every permutation and rotation;
* a re-indexing fact (derived here): π is a bijection, so with class-independent data terms
  (equal N_y, ρ_y, q_y, covering functions) *every* assignment gives the same value of either bound
  for *any* frame — the outer sum over y is just re-indexed by π. ``AlignmentResult.class_symmetric``
  flags this case, and GAO-E5's zero spread follows;
* :func:`orbit_count` — GAO-F13: geometrically distinct assignments K!/|Stab(Gram)|.

Rotations: :func:`rotation_scan` samples Haar rotations Q and evaluates the bound for the
classifier rotated (``rotate="classifier"``, features fixed) or both rotated
(``rotate="both"``); Γ and Δ are recomputed from (WQ, H[Q]) and ρ_y from the coordinates.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .._results import Result
from .._validate import as_float_array, as_rng, check_instance, check_int, check_positive
from ..errors import InputError, NotApplicableError
from ..geometry import random_rotation, simplex_etf
from ..metrics import margins as _margins

__all__ = [
    "AlignmentData",
    "AlignmentResult",
    "RotationScanResult",
    "EtfInvarianceResult",
    "OrbitResult",
    "alignment_data",
    "hoeffding_values",
    "covering_values",
    "covering_table",
    "greedy_cover_size",
    "CoverCounter",
    "search_assignments",
    "evaluate_alignment",
    "rotation_scan",
    "etf_invariance",
    "orbit_count",
    "named_frame",
    "all_permutations",
]

EXHAUSTIVE_MAX = 8
_CHUNK = 20000


# ------------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AlignmentData(Result):
    """Vertex and class quantities entering the alignment bounds.

    Attributes:
      Gamma: (K, K) vertex margins γ_{v,v′} (NaN diagonal). For features measured under the
        identity assignment this is the pairwise margin matrix of :func:`ncbounds.metrics.margins`.
      Delta: (K, K) vertex distances ‖M_v − M_v′‖.
      rho: (K,) per-class coordinate bound ρ_y = max_{i∈y, j}|h_ij|.
      counts: (K,) class sizes N_y. priors: (K,) q_y (default N_y/N). d: feature dimension.
    """

    Gamma: np.ndarray
    Delta: np.ndarray
    rho: np.ndarray
    counts: np.ndarray
    priors: np.ndarray
    d: int


def alignment_data(W, H, y, *, priors=None) -> AlignmentData:
    """Γ (pairwise margins γ̂_{y,y′} on the training features), Δ, ρ_y, N_y, q_y from (W, H, y).

    Estimates from training features: any bound built from them is labelled heuristic (GAO-E3).
    """
    H, y, W, _, K = check_instance(H, y, W)
    Gam = np.array(_margins(W, H, y).pairwise, dtype=float)
    Delta = np.linalg.norm(W[:, None, :] - W[None, :, :], axis=2)
    rho = np.array([np.abs(H[y == k]).max() for k in range(K)])
    counts = np.bincount(y, minlength=K).astype(float)
    q = counts / counts.sum() if priors is None else _priors(priors, K)
    return AlignmentData(Gamma=Gam, Delta=Delta, rho=rho, counts=counts, priors=q, d=H.shape[1])


def _priors(priors, K):
    q = as_float_array(priors, "priors", shape=(K,))
    if np.any(q < 0) or not np.isclose(q.sum(), 1.0, atol=1e-9):
        raise InputError("priors must be nonnegative and sum to 1", argument="priors")
    return q


def all_permutations(K: int) -> np.ndarray:
    """All K! permutations of 0..K-1 as an int array (K!, K), identity first (lexicographic)."""
    K = check_int(K, "K")
    return np.array(list(itertools.permutations(range(K))), dtype=np.int64).reshape(-1, K)


def _gather(A: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """A[π(y), π(y′)] for every permutation: (P, K, K)."""
    return A[perms[:, :, None], perms[:, None, :]]


def _check_vertex_margins(Gamma, Delta):
    K = Gamma.shape[0]
    off = ~np.eye(K, dtype=bool)
    if np.any(~np.isfinite(Gamma[off])) or np.any(Gamma[off] <= 0):
        raise NotApplicableError(
            "some vertex margin gamma_{v,v'} <= 0: the bound's derivation needs every pairwise margin positive "
            "(and since an assignment is a bijection, every assignment uses every off-diagonal entry)")
    if np.any(Delta[off] <= 0):
        raise NotApplicableError("two frame vertices coincide (||M_v - M_v'|| = 0)")


# ------------------------------------------------------------------------------------------------
# vectorised bound values over permutations
# ------------------------------------------------------------------------------------------------

def hoeffding_values(data: AlignmentData, perms: np.ndarray, *, a: int = 2, c: float = 1.0,
                     agg: str = "sum") -> np.ndarray:
    r"""GAO-T4.10 standard form for each assignment (rows of ``perms``, shape (P, K)) → (P,).

    ``a`` ∈ {2 (as quoted), 1 (sharp, GAO-F9)}, ``c`` > 0, ``agg`` ∈ {"sum", "max"}. Raises
    :class:`NotApplicableError` if a vertex margin is ≤ 0.
    """
    if a not in (1, 2):
        raise InputError(f"a must be 1 or 2, got {a!r}", argument="a")
    if agg not in ("sum", "max"):
        raise InputError(f"agg must be 'sum' or 'max', got {agg!r}", argument="agg")
    c = check_positive(c, "c")
    Gam, Del = data.Gamma, data.Delta
    _check_vertex_margins(Gam, Del)
    K = Gam.shape[0]
    perms = np.asarray(perms, dtype=np.int64).reshape(-1, K)
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.where(np.eye(K, dtype=bool), 0.0, Gam ** 2 / Del ** 2)  # vertex-level γ²/Δ²
    coef = data.counts / (2.0 * data.d ** a * data.rho ** 2)  # class-level
    off = ~np.eye(K, dtype=bool)
    out = np.empty(perms.shape[0])
    for s in range(0, perms.shape[0], _CHUNK):
        p = perms[s:s + _CHUNK]
        T = 2.0 * data.d * np.exp(-coef[None, :, None] * _gather(R, p))
        T = np.where(off[None], T, 0.0 if agg == "sum" else -np.inf)
        A = T.sum(axis=2) if agg == "sum" else T.max(axis=2)
        out[s:s + _CHUNK] = c * (A @ data.priors)
    return out


def covering_table(data: AlignmentData, covering, *, L_f: float, radius_factor: float = 1.0) -> np.ndarray:
    r"""C[y, v, v′] = 𝒩_y(s·Γ[v, v′]/(L_f Δ[v, v′])) for every class y and vertex pair (GAO-T4.8).

    ``covering`` is a callable ``(y, eps) -> float`` (covering number of class y's support at radius
    eps), or a sequence of per-class point arrays, whose covering numbers are then *estimated* by
    greedy ε-nets (:func:`greedy_cover_size`; an upper bound on the true covering number).
    """
    L_f = check_positive(L_f, "L_f")
    s = check_positive(radius_factor, "radius_factor")
    K = data.Gamma.shape[0]
    _check_vertex_margins(data.Gamma, data.Delta)
    if callable(covering):
        fn = covering
    else:
        pts = [as_float_array(P, f"covering[{k}]", ndim=2) for k, P in enumerate(covering)]
        if len(pts) != K:
            raise InputError(f"covering must give one point set per class (K={K}), got {len(pts)}", argument="covering")
        cache: dict = {}

        def fn(y, eps):
            key = (y, round(float(eps), 12))
            if key not in cache:
                cache[key] = greedy_cover_size(pts[y], eps)
            return cache[key]
    C = np.zeros((K, K, K))
    for y in range(K):
        for v in range(K):
            for w in range(K):
                if v != w:
                    C[y, v, w] = float(fn(y, s * data.Gamma[v, w] / (L_f * data.Delta[v, w])))
    return C


def covering_values(data: AlignmentData, table: np.ndarray, perms: np.ndarray, *,
                    prefactor_mode: str = "reviewer") -> np.ndarray:
    """GAO-T4.8 for each assignment, from :func:`covering_table` output → (P,)."""
    if prefactor_mode not in ("reviewer", "empty_cell"):
        raise InputError(f"prefactor_mode must be 'reviewer' or 'empty_cell', got {prefactor_mode!r}",
                         argument="prefactor_mode")
    K = table.shape[0]
    perms = np.asarray(perms, dtype=np.int64).reshape(-1, K)
    N = data.counts.sum()
    kappa = np.full(K, 1.0 / (2.0 * N)) if prefactor_mode == "reviewer" else data.priors / (math.e * data.counts)
    off = ~np.eye(K, dtype=bool)
    out = np.empty(perms.shape[0])
    ar = np.arange(K)
    for s in range(0, perms.shape[0], _CHUNK):
        p = perms[s:s + _CHUNK]
        T = table[ar[None, :, None], p[:, :, None], p[:, None, :]]  # (P, K, K): class y, vertices π(y), π(y')
        T = np.where(off[None], T, -np.inf)
        out[s:s + _CHUNK] = T.max(axis=2) @ kappa
    return out


class CoverCounter:
    """Greedy ε-net sizes of one finite point set for many radii ε, the distances computed once.

    ``CoverCounter(P)(eps)`` is :func:`greedy_cover_size` ``(P, eps)``. A radius below the smallest
    distance between two points keeps every point as its own centre, so the answer is ``len(P)``
    without the greedy loop (the usual case for pixel data at the radii of GAO-T4.8).
    """

    def __init__(self, points):
        from scipy.spatial.distance import cdist

        P = as_float_array(points, "points", ndim=2)
        self._D = cdist(P, P)  # exact differences, not the Gram identity (which loses digits near 0)
        n = P.shape[0]
        self.n = n
        self.min_distance = float(self._D[~np.eye(n, dtype=bool)].min()) if n > 1 else math.inf

    def __call__(self, eps: float) -> int:
        eps = check_positive(eps, "eps")
        if eps < self.min_distance * (1 - 1e-12):
            return self.n
        remaining = np.ones(self.n, dtype=bool)
        count = 0
        while remaining.any():
            i = int(np.flatnonzero(remaining)[0])
            remaining &= self._D[i] > eps
            count += 1
        return count


def greedy_cover_size(points, eps: float) -> int:
    """Size of a greedy ε-net of a finite point set (centres are data points): an upper bound on 𝒩(ε).
    For many radii on one set use :class:`CoverCounter`."""
    return CoverCounter(points)(eps)


# ------------------------------------------------------------------------------------------------
# search over assignments
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AlignmentResult(Result):
    """Best, worst and spread of an alignment-dependent bound over label→vertex assignments.

    Attributes:
      bound: ``"hoeffding"`` (GAO-T4.10) or ``"covering"`` (GAO-T4.8) or ``"custom"``.
      K, n_assignments (K!), n_evaluated, method (``"exhaustive"`` or ``"local_search"``).
      best, worst, spread (= worst − best; a lower bound on the true spread for local search),
      relative_spread (spread/|best|), argmin, argmax (assignments as lists: class y → vertex).
      identity_value: value of the identity assignment.
      values: all K! values in the order of :func:`all_permutations` (exhaustive only).
      class_symmetric: the class data terms are identical for every class, so every assignment gives
        the same value by re-indexing (derived fact; GAO-E5).
      vertex_symmetric: the vertex term (γ²/Δ² for the Hoeffding form, each class's covering number
        for the covering form) is the same for every vertex pair — true at an exact ETF (GAO-F8) —
        so every assignment gives the same value *whatever the class data* (derived fact; note that
        this makes "unequal ρ_y" alone insufficient to break the symmetry at an exact ETF).
      heuristic: True when built from training features (GAO-E3).
      params, tag, ids, notes.
    """

    bound: str
    K: int
    n_assignments: int
    n_evaluated: int
    method: str
    best: float
    worst: float
    spread: float
    relative_spread: float
    argmin: list
    argmax: list
    identity_value: float
    values: np.ndarray | None
    class_symmetric: bool
    heuristic: bool
    vertex_symmetric: bool = False
    params: dict = field(default_factory=dict)
    tag: str = "[reconstructed]"
    ids: tuple = ("GAO-T4.10", "GAO-T4.8", "GAO-R4.9", "GAO-E5")
    notes: str = ""


def _local_search(fn, K: int, *, sign: float, restarts: int, rng, max_rounds: int = 1000):
    """Best-improvement transposition search with random restarts; minimises sign·fn."""
    pairs = np.array([(i, j) for i in range(K) for j in range(i + 1, K)], dtype=np.int64)
    best_p, best_v, n_eval = None, np.inf, 0
    for _ in range(restarts):
        p = rng.permutation(K)
        v = sign * fn(p[None])[0]
        n_eval += 1
        for _ in range(max_rounds):
            nb = np.repeat(p[None], len(pairs), axis=0)
            r = np.arange(len(pairs))
            nb[r, pairs[:, 0]], nb[r, pairs[:, 1]] = p[pairs[:, 1]], p[pairs[:, 0]]
            vals = sign * fn(nb)
            n_eval += len(pairs)
            k = int(np.argmin(vals))
            if vals[k] < v - 1e-15 * max(1.0, abs(v)):
                p, v = nb[k], vals[k]
            else:
                break
        if v < best_v:
            best_p, best_v = p.copy(), v
    return best_p, sign * best_v, n_eval


def search_assignments(fn: Callable[[np.ndarray], np.ndarray], K: int, *, exhaustive_max: int = EXHAUSTIVE_MAX,
                       method: str = "auto", restarts: int = 20, seed=0, keep_values: bool = True,
                       bound: str = "custom", class_symmetric: bool = False, vertex_symmetric: bool = False,
                       heuristic: bool = True,
                       params: dict | None = None, notes: str = "") -> AlignmentResult:
    """Best/worst/spread of ``fn`` (perms (P, K) → values (P,)) over all K! assignments.

    ``method``: ``"auto"`` (exhaustive for K ≤ ``exhaustive_max``, else local search),
    ``"exhaustive"`` or ``"local_search"`` (``restarts`` random restarts, transposition moves,
    seeded by ``seed``).
    """
    K = check_int(K, "K")
    if method == "auto":
        method = "exhaustive" if K <= exhaustive_max else "local_search"
    ident = np.arange(K)[None]
    id_val = float(fn(ident)[0])
    if method == "exhaustive":
        perms = all_permutations(K)
        vals = fn(perms)
        i, j = int(np.argmin(vals)), int(np.argmax(vals))
        best, worst = float(vals[i]), float(vals[j])
        amin, amax, n_eval = perms[i].tolist(), perms[j].tolist(), perms.shape[0]
        kept = vals if keep_values else None
    elif method == "local_search":
        rng = as_rng(seed)
        pmin, best, n1 = _local_search(fn, K, sign=1.0, restarts=restarts, rng=rng)
        pmax, worst, n2 = _local_search(fn, K, sign=-1.0, restarts=restarts, rng=rng)
        best, worst = min(best, id_val), max(worst, id_val)
        amin, amax, n_eval, kept = pmin.tolist(), pmax.tolist(), n1 + n2 + 1, None
    else:
        raise InputError(f"method must be 'auto', 'exhaustive' or 'local_search', got {method!r}", argument="method")
    spread = worst - best
    return AlignmentResult(
        bound=bound, K=K, n_assignments=math.factorial(K), n_evaluated=int(n_eval), method=method,
        best=best, worst=worst, spread=float(spread),
        relative_spread=float(spread / abs(best)) if best != 0 else float("inf") if spread else 0.0,
        argmin=amin, argmax=amax, identity_value=id_val, values=kept, class_symmetric=bool(class_symmetric),
        vertex_symmetric=bool(vertex_symmetric),
        heuristic=heuristic, params=dict(params or {}),
        notes=notes + ("" if method == "exhaustive" else
                       f" Local search ({restarts} restarts, transposition moves): best/worst are attained values, "
                       "spread is a lower bound on the true spread."),
    )


def _class_symmetric(data: AlignmentData, extra=None) -> bool:
    same = lambda v: bool(np.all(np.asarray(v) == np.asarray(v).flat[0]))  # noqa: E731
    ok = same(data.counts) and same(data.rho) and same(data.priors)
    if extra is not None:
        ok = ok and bool(np.all(extra == extra[:1]))
    return ok


def evaluate_alignment(W=None, H=None, y=None, *, data: AlignmentData | None = None, bound: str = "hoeffding",
                       a: int = 2, c: float = 1.0, agg: str = "sum", priors=None,
                       covering=None, L_f: float | None = None, prefactor_mode: str = "reviewer",
                       radius_factor: float = 1.0, method: str = "auto", exhaustive_max: int = EXHAUSTIVE_MAX,
                       restarts: int = 20, seed=0, keep_values: bool = True) -> AlignmentResult:
    r"""Alignment dependence of GAO-T4.10 (``bound="hoeffding"``) or GAO-T4.8 (``bound="covering"``).

    This is the library call behind ``ncbounds bound alignment FEATURES.npz``.

    Give either an instance (W, H, y) — Γ = γ̂_{y,y′} from the training features, Δ from W, ρ_y the
    max coordinate magnitude in class y, N_y, q_y = N_y/N (override with ``priors``) — or a
    prepared :class:`AlignmentData` as ``data``.

    Hoeffding parameters: ``a`` ∈ {2 (quoted), 1 (sharp)}, ``c`` (default 1), ``agg`` ∈ {"sum",
    "max"}. Covering parameters: ``covering`` (callable ``(y, eps) -> N`` or per-class point sets;
    default: the class features H[y == k] with greedy ε-nets — an estimate), ``L_f`` (required:
    Lipschitz constant of the feature map), ``prefactor_mode`` ∈ {"reviewer", "empty_cell"},
    ``radius_factor`` ∈ {1, 0.5}. Search: see :func:`search_assignments`.

    Raises :class:`NotApplicableError` when some pairwise margin is ≤ 0.
    """
    if data is None:
        if W is None or H is None or y is None:
            raise InputError("give (W, H, y) or data=AlignmentData", argument="data")
        data = alignment_data(W, H, y, priors=priors)
    elif priors is not None:
        data = AlignmentData(Gamma=data.Gamma, Delta=data.Delta, rho=data.rho, counts=data.counts,
                             priors=_priors(priors, data.Gamma.shape[0]), d=data.d)
    K = data.Gamma.shape[0]
    if bound == "hoeffding":
        fn = lambda P: hoeffding_values(data, P, a=a, c=c, agg=agg)  # noqa: E731
        params = {"a": a, "c": c, "agg": agg}
        sym = _class_symmetric(data)
        off = ~np.eye(K, dtype=bool)
        Rv = (data.Gamma[off] / data.Delta[off]) ** 2
        vsym = bool(np.ptp(Rv) <= 1e-12 * np.abs(Rv).max())
        tag, ids = "[reconstructed]", ("GAO-T4.10", "GAO-R4.9", "GAO-F9", "GAO-E5")
        notes = "Hoeffding-based alignment bound (standard form); heuristic: features learned on S (GAO-E3)."
    elif bound == "covering":
        if L_f is None:
            raise InputError("the covering bound needs the Lipschitz constant L_f of the feature map", argument="L_f")
        if covering is None:
            if H is None or y is None:
                raise InputError("give covering=(callable or per-class point sets) when data= is used", argument="covering")
            Hh, yy, _, _, _ = check_instance(H, y)
            covering = [Hh[yy == k] for k in range(K)]
        table = covering_table(data, covering, L_f=L_f, radius_factor=radius_factor)
        fn = lambda P: covering_values(data, table, P, prefactor_mode=prefactor_mode)  # noqa: E731
        params = {"L_f": L_f, "prefactor_mode": prefactor_mode, "radius_factor": radius_factor}
        # class-symmetric iff the per-class covering tables coincide (and the prefactors do)
        sym = _class_symmetric(data, table) if prefactor_mode == "empty_cell" else bool(np.all(table == table[:1]))
        off = ~np.eye(K, dtype=bool)
        vsym = all(bool(np.all(table[k][off] == table[k][off][0])) for k in range(K))
        tag, ids = "[reviewers]", ("GAO-T4.8", "GAO-R4.9", "GAO-F10", "GAO-F11", "GAO-E5", "GAO-E8")
        notes = "Covering-number alignment bound (reviewers' paraphrase; prefactor and radius are parameters)."
    else:
        raise InputError(f"bound must be 'hoeffding' or 'covering', got {bound!r}", argument="bound")
    if vsym:
        notes += (" The vertex term is the same for every vertex pair (e.g. an exact ETF, GAO-F8): every assignment "
                  "gives the same value whatever the class data.")
    if sym:
        notes += (" Class data terms are identical for every class: every assignment gives the same value "
                  "(the outer sum is re-indexed by the bijection pi), so the spread is 0 up to round-off.")
    res = search_assignments(fn, K, exhaustive_max=exhaustive_max, method=method, restarts=restarts, seed=seed,
                             keep_values=keep_values, bound=bound, class_symmetric=sym, vertex_symmetric=vsym, heuristic=True,
                             params=params, notes=notes)
    import dataclasses
    return dataclasses.replace(res, tag=tag, ids=ids)


# ------------------------------------------------------------------------------------------------
# rotations
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RotationScanResult(Result):
    """Bound values for sampled Haar rotations (index 0 is the unrotated input)."""

    bound: str
    rotate: str
    values: np.ndarray
    best: float
    worst: float
    spread: float
    argmin: int
    argmax: int
    identity_value: float
    n_rotations: int
    seed: Any
    applicable: np.ndarray
    params: dict = field(default_factory=dict)
    tag: str = "[reconstructed]"
    ids: tuple = ("GAO-T4.10", "GAO-PRE2", "GAO-F8")


def rotation_scan(W, H, y, *, n_rotations: int = 10, seed=0, rotate: str = "classifier", bound: str = "hoeffding",
                  **bound_params) -> RotationScanResult:
    r"""Evaluate an alignment bound (identity assignment) for sampled rotations Q ~ Haar(O(d)).

    ``rotate="classifier"``: (WQ, H) — the classifier turns relative to fixed data features;
    ``"both"``: (WQ, HQ) — margins and distances are then invariant, but ρ_y (a coordinate bound)
    is not, so the Hoeffding form still changes: a basis-dependence of the bound, not of the model.
    Index 0 of ``values`` is Q = I. Rotations with some margin ≤ 0 are N/A (value NaN).
    """
    H, y, W, _, K = check_instance(H, y, W)
    if bound not in ("hoeffding", "covering"):
        raise InputError(f"bound must be 'hoeffding' or 'covering', got {bound!r}", argument="bound")
    if bound == "covering" and "L_f" not in bound_params:
        raise InputError("the covering bound needs L_f", argument="L_f")
    if rotate not in ("classifier", "both"):
        raise InputError(f"rotate must be 'classifier' or 'both', got {rotate!r}", argument="rotate")
    n = check_int(n_rotations, "n_rotations")
    rng = as_rng(seed)
    d = W.shape[1]
    Qs = [np.eye(d)] + [random_rotation(d, seed=rng) for _ in range(n)]
    vals, ok = [], []
    for Q in Qs:
        Hq = H @ Q if rotate == "both" else H
        try:
            data = alignment_data(W @ Q, Hq, y)
            if bound == "hoeffding":
                v = float(hoeffding_values(data, np.arange(K)[None], **{k: bound_params[k] for k in ("a", "c", "agg")
                                                                         if k in bound_params})[0])
            else:
                cov = bound_params.get("covering") or [Hq[y == k] for k in range(K)]
                tab = covering_table(data, cov, L_f=bound_params["L_f"], radius_factor=bound_params.get("radius_factor", 1.0))
                v = float(covering_values(data, tab, np.arange(K)[None],
                                          prefactor_mode=bound_params.get("prefactor_mode", "reviewer"))[0])
            vals.append(v)
            ok.append(True)
        except NotApplicableError:
            vals.append(float("nan"))
            ok.append(False)
    v = np.array(vals)
    if not np.any(np.isfinite(v)):
        raise NotApplicableError("every sampled rotation has a pairwise margin <= 0")
    i, j = int(np.nanargmin(v)), int(np.nanargmax(v))
    return RotationScanResult(bound=bound, rotate=rotate, values=v, best=float(v[i]), worst=float(v[j]),
                              spread=float(v[j] - v[i]), argmin=i, argmax=j, identity_value=float(v[0]),
                              n_rotations=n, seed=seed if not isinstance(seed, np.random.Generator) else "generator",
                              applicable=np.array(ok), params={k: v_ for k, v_ in bound_params.items()
                                                               if k != "covering"})


# ------------------------------------------------------------------------------------------------
# exact-symmetry facts
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EtfInvarianceResult(Result):
    """GAO-F8 on explicit permutations and rotations.

    ``gamma_spread``/``distance_spread``: max − min over every (permutation, rotation, pair);
    ``expected_*``: abK/(K−1), a√(2K/(K−1)), (b/L_f)√(K/(2(K−1))); ``all_equal``: both spreads
    ≤ ``tol``; ``noise``: std of the Gaussian perturbation of the class means (0 = exact ETF; a
    positive value is GAO-F8's negative control).
    """

    K: int
    d: int
    a: float
    b: float
    L_f: float
    n_permutations: int
    n_rotations: int
    noise: float
    gamma_min: float
    gamma_max: float
    gamma_spread: float
    distance_min: float
    distance_max: float
    distance_spread: float
    eps_spread: float
    expected_gamma: float
    expected_distance: float
    expected_eps: float
    max_error: float
    all_equal: bool
    tol: float
    tag: str = "[derived]"
    ids: tuple = ("GAO-F8", "GAO-E5", "GAO-R4.9", "GAO-D4")


def etf_invariance(K: int, a: float = 2.0, b: float = 0.7, *, d: int | None = None, L_f: float = 1.0,
                   n_rotations: int = 10, permutations="all", noise: float = 0.0, seed=0,
                   tol: float = 1e-10) -> EtfInvarianceResult:
    r"""Check GAO-F8: exact-ETF pairwise margins and distances are the same for every alignment.

    For each permutation π and rotation U (identity plus ``n_rotations`` Haar draws): classifier
    M_y = a e_{π(y)} U, class mean h_y = (b e_{π(y)} + noise_y) U; γ_{y,y′} = (M_y − M_{y′})·h_y,
    Δ = ‖M_y − M_{y′}‖, ε = γ/(L_f Δ). ``permutations``: ``"all"`` (K! of them) or an int (that many
    random ones). K = 5, a = 2, b = 0.7: γ ≡ 1.75, Δ ≡ 3.16228.
    """
    K = check_int(K, "K")
    d = K if d is None else check_int(d, "d")
    a, b, L_f = check_positive(a, "a"), check_positive(b, "b"), check_positive(L_f, "L_f")
    rng = as_rng(seed)
    E = simplex_etf(K, d)
    if isinstance(permutations, str):
        if permutations != "all":
            raise InputError("permutations must be 'all' or an int", argument="permutations")
        perms = all_permutations(K)
    else:
        perms = np.array([rng.permutation(K) for _ in range(check_int(permutations, "permutations"))])
    Us = [np.eye(d)] + [random_rotation(d, seed=rng) for _ in range(check_int(n_rotations, "n_rotations"))]
    noise_vec = noise * rng.standard_normal((K, d)) if noise > 0 else np.zeros((K, d))
    gam_all, dist_all, eps_all = [], [], []
    off = ~np.eye(K, dtype=bool)
    for U in Us:
        EU = E @ U
        NU = noise_vec @ U
        Mp = a * EU[perms]                      # (P, K, d): class y on vertex π(y)
        Hp = b * EU[perms] + NU[None]           # class means follow their vertex (noise stays with the class)
        G = np.einsum("pyd,pkd->pyk", Hp, Mp)   # h_y · M_k
        gam = np.einsum("pyy->py", G)[:, :, None] - G
        dist = np.linalg.norm(Mp[:, :, None, :] - Mp[:, None, :, :], axis=3)
        gam_all.append(gam[:, off])
        dist_all.append(dist[:, off])
        eps_all.append(gam[:, off] / (L_f * dist[:, off]))
    g = np.concatenate([x.ravel() for x in gam_all])
    D = np.concatenate([x.ravel() for x in dist_all])
    e = np.concatenate([x.ravel() for x in eps_all])
    eg, ed = a * b * K / (K - 1.0), a * math.sqrt(2.0 * K / (K - 1.0))
    ee = b * math.sqrt(K / (2.0 * (K - 1.0))) / L_f
    err = max(np.abs(g - eg).max() / eg, np.abs(D - ed).max() / ed, np.abs(e - ee).max() / ee)
    gs, ds = float(g.max() - g.min()), float(D.max() - D.min())
    return EtfInvarianceResult(
        K=K, d=d, a=a, b=b, L_f=L_f, n_permutations=len(perms), n_rotations=len(Us) - 1, noise=float(noise),
        gamma_min=float(g.min()), gamma_max=float(g.max()), gamma_spread=gs, distance_min=float(D.min()),
        distance_max=float(D.max()), distance_spread=ds, eps_spread=float(e.max() - e.min()),
        expected_gamma=eg, expected_distance=ed, expected_eps=ee, max_error=float(err),
        all_equal=bool(gs <= tol and ds <= tol), tol=tol,
    )


@dataclass(frozen=True)
class OrbitResult(Result):
    """GAO-F13: |Stab(Gram)| and the number K!/|Stab| of geometrically distinct assignments."""

    K: int
    stabilizer_order: int
    orbits: int
    decimals: int
    tag: str = "[derived]"
    ids: tuple = ("GAO-F13", "GAO-PRE2")


def orbit_count(frame, *, decimals: int = 3, gram: bool = False) -> OrbitResult:
    r"""Number of geometrically distinct label→vertex assignments of a frame (GAO-F13).

    Stab = {σ ∈ S_K : G[σ, σ] = G} with G the Gram matrix rounded to ``decimals`` (default 1e-3, as
    the spec asks); the count is K!/|Stab|. |Stab| is found by backtracking (assign σ(0), σ(1), …,
    pruning as soon as a Gram entry disagrees), so K = 8 takes milliseconds. ``frame`` is a (K, d)
    configuration, or a (K, K) Gram matrix with ``gram=True``. Expected: simplex ETF 1; square 3;
    pentagon 12; octahedron 15; two orthogonal triangles 10; square antiprism 2520 (|Stab| = 16).
    """
    A = as_float_array(frame, "frame", ndim=2)
    G = A if gram else A @ A.T
    if G.shape[0] != G.shape[1]:
        raise InputError("a Gram matrix must be square", argument="frame")
    K = G.shape[0]
    Gi = np.round(G * 10 ** decimals).astype(np.int64)
    sigma = [-1] * K
    used = [False] * K
    count = 0

    def rec(i):
        nonlocal count
        if i == K:
            count += 1
            return
        for c in range(K):
            if used[c] or Gi[c, c] != Gi[i, i]:
                continue
            if all(Gi[c, sigma[j]] == Gi[i, j] for j in range(i)):
                sigma[i] = c
                used[c] = True
                rec(i + 1)
                used[c] = False
        sigma[i] = -1

    rec(0)
    return OrbitResult(K=K, stabilizer_order=count, orbits=math.factorial(K) // count, decimals=decimals)


def named_frame(name: str) -> np.ndarray:
    """The configurations of GAO-F13 as unit rows: ``"simplex"`` (K = 4, d = 3), ``"square"`` (4, 2),
    ``"pentagon"`` (5, 2), ``"octahedron"`` (6, 3), ``"two_triangles"`` (6, 4) and
    ``"square_antiprism"`` (8, 3; the Tammes optimum for 8 points, min angle 74.8585°)."""
    if name == "simplex":
        return simplex_etf(4, 3)
    if name in ("square", "pentagon"):
        k = 4 if name == "square" else 5
        t = 2 * np.pi * np.arange(k) / k
        return np.stack([np.cos(t), np.sin(t)], axis=1)
    if name == "octahedron":
        return np.concatenate([np.eye(3), -np.eye(3)])
    if name == "two_triangles":
        T = simplex_etf(3)
        F = np.zeros((6, 4))
        F[:3, :2] = T
        F[3:, 2:] = T
        return F
    if name == "square_antiprism":
        h2 = 1.0 / (2.0 * math.sqrt(2.0) + 1.0)  # equal edges: h² = r²/√2 − h², r² = 1 − h²
        h, r = math.sqrt(h2), math.sqrt(1.0 - h2)
        t = np.pi / 2 * np.arange(4)
        top = np.stack([r * np.cos(t), r * np.sin(t), np.full(4, h)], axis=1)
        bot = np.stack([r * np.cos(t + np.pi / 4), r * np.sin(t + np.pi / 4), np.full(4, -h)], axis=1)
        return np.concatenate([top, bot])
    raise InputError(f"unknown frame {name!r}; choose simplex, square, pentagon, octahedron, two_triangles, "
                     "square_antiprism", argument="name")
