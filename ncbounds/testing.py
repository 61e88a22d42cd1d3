"""Public hypothesis strategies for fuzzing Neural Collapse statements.

Use them in your own property tests exactly like hypothesis' built-in strategies::

    from hypothesis import given, settings
    from ncbounds import testing as nct

    @settings(max_examples=200, deadline=None)
    @given(inst=nct.instances(collapsed=True, noise=0.0), Q=nct.rotations(4))
    def test_something(inst, Q):
        ...

Every numeric array is drawn with **bounded** elements (default ``[-10, 10]``, no NaN, no infinity,
no subnormals), so that properties fail because of mathematics, not because of round-off on
numbers like 1e-300 or 1e300. Every size argument (``K``, ``d``, ...) accepts either a plain int or
a hypothesis strategy of ints. Randomised objects that hypothesis cannot shrink meaningfully
(Haar rotations) are built from a drawn integer seed, so failures replay exactly.

Strategies
----------
================================  =================================================================
:func:`seeds`                     integer seeds for ``numpy.random.default_rng``
:func:`positive_scalars`          floats in ``[lo, hi]`` (default ``[0.1, 10]``)
:func:`bounded_floats`            floats in ``[lo, hi]`` without NaN/inf/subnormals
:func:`class_counts`              (K,) int64 class counts, balanced or imbalanced
:func:`labels`                    (N,) int64 labels with every class present, optionally shuffled
:func:`rotations`                 Haar-random (d, d) orthogonal matrices
:func:`permutations`              permutations of ``0..K-1`` (int64 arrays)
:func:`frames`                    simplex ETF or orthogonal frames, randomly rotated
:func:`instances`                 :class:`ncbounds.data.Instance` near collapse or fully random
================================  =================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from hypothesis.strategies import SearchStrategy

from .data import Instance
from .errors import DimensionError, InputError
from .geometry import orthogonal_frame, random_rotation, simplex_etf

__all__ = [
    "seeds",
    "positive_scalars",
    "bounded_floats",
    "bounded_arrays",
    "class_counts",
    "labels",
    "rotations",
    "permutations",
    "frames",
    "instances",
]

_BOUND = 10.0


def _draw_int(draw, x: Any, name: str) -> int:
    """Draw from ``x`` if it is a strategy, else use it; check the result is an int."""
    v = draw(x) if isinstance(x, SearchStrategy) else x
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise InputError(f"{name} must be an int or a strategy of ints, got {v!r}", argument=name)
    return int(v)


def seeds() -> SearchStrategy[int]:
    """Integer seeds in ``[0, 2**32 - 1]`` for ``numpy.random.default_rng`` (shrink towards 0).

    Example::

        @given(seed=nct.seeds())
        def test_reproducible(seed):
            assert np.array_equal(gaussian_mixture(3, 2, 2, seed=seed).H,
                                  gaussian_mixture(3, 2, 2, seed=seed).H)
    """
    return st.integers(min_value=0, max_value=2**32 - 1)


def bounded_floats(lo: float = -_BOUND, hi: float = _BOUND) -> SearchStrategy[float]:
    """Finite floats in ``[lo, hi]`` with no NaN, infinity or subnormal values.

    Example::

        @given(c=nct.bounded_floats(-1, 1))
        def test_shift(c): ...
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
        raise InputError(f"need finite lo <= hi, got lo={lo}, hi={hi}", argument="lo")
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False)


def positive_scalars(lo: float = 0.1, hi: float = 10.0) -> SearchStrategy[float]:
    """Floats in ``[lo, hi]`` with ``0 < lo <= hi`` (rescaling factors for invariance tests).

    Example::

        @given(H=..., c=nct.positive_scalars())
        def test_nc1_scale_invariant(H, c):
            assert np.isclose(nc1(c * H, y), nc1(H, y), rtol=1e-9)
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo <= hi):
        raise InputError(f"positive_scalars needs finite 0 < lo <= hi, got lo={lo}, hi={hi}", argument="lo")
    return bounded_floats(lo, hi)


def bounded_arrays(shape, lo: float = -_BOUND, hi: float = _BOUND) -> SearchStrategy[np.ndarray]:
    """float64 arrays of the given shape with elements in ``[lo, hi]`` (see :func:`bounded_floats`).

    Example::

        @given(W=nct.bounded_arrays((3, 4)))
        def test_w(W): assert W.shape == (3, 4)
    """
    return arrays(np.float64, shape, elements=bounded_floats(lo, hi))


@st.composite
def class_counts(draw, K=st.integers(2, 8), *, balanced: bool | None = None, min_count: int = 1,
                 max_count: int = 6) -> np.ndarray:
    """Class counts: a (K,) int64 array with entries in ``[min_count, max_count]``.

    Args:
      K: number of classes (int or strategy; >= 2).
      balanced: ``True`` gives equal counts, ``False`` counts that are **not** all equal (needs
        ``max_count > min_count``), ``None`` either.
      min_count: smallest class size (>= 1: every class is present).
      max_count: largest class size.

    Example::

        @given(c=nct.class_counts(K=4, balanced=False))
        def test_counts(c):
            assert c.min() >= 1 and len(set(c.tolist())) > 1
    """
    K = _draw_int(draw, K, "K")
    if K < 2:
        raise InputError(f"K must be >= 2, got {K}", argument="K")
    if not 1 <= min_count <= max_count:
        raise InputError(f"need 1 <= min_count <= max_count, got {min_count}, {max_count}",
                         argument="min_count")
    if balanced is False and max_count == min_count:
        raise InputError("balanced=False needs max_count > min_count", argument="balanced")
    if balanced is None:
        balanced = True if min_count == max_count else draw(st.booleans())
    if balanced:
        c = draw(st.integers(min_count, max_count))
        return np.full(K, c, dtype=np.int64)
    counts = draw(st.lists(st.integers(min_count, max_count), min_size=K, max_size=K))
    if len(set(counts)) == 1:  # make it imbalanced without rejecting the example
        i = draw(st.integers(0, K - 1))
        counts[i] = counts[i] + 1 if counts[i] < max_count else counts[i] - 1
    return np.asarray(counts, dtype=np.int64)


@st.composite
def labels(draw, K=st.integers(2, 8), *, balanced: bool | None = None, min_count: int = 1,
           max_count: int = 6, shuffle: bool | None = False) -> np.ndarray:
    """Label vectors: (N,) int64 in ``0..K-1`` with **every class present**.

    Counts come from :func:`class_counts` (same arguments). Labels are sorted by class unless
    ``shuffle`` is ``True`` (a drawn permutation) or ``None`` (either).

    Example::

        @given(y=nct.labels(K=3, shuffle=True))
        def test_labels(y):
            assert set(y.tolist()) == {0, 1, 2}
    """
    counts = draw(class_counts(K, balanced=balanced, min_count=min_count, max_count=max_count))
    y = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    if shuffle is None:
        shuffle = draw(st.booleans())
    if shuffle:
        y = y[np.asarray(draw(st.permutations(range(y.shape[0]))), dtype=np.int64)]
    return y


@st.composite
def rotations(draw, d=st.integers(1, 8)) -> np.ndarray:
    """Haar-random orthogonal (d, d) matrices, ``random_rotation(d, seed=s)`` for a drawn seed ``s``.

    Example::

        @given(Q=nct.rotations(5))
        def test_orthogonal(Q):
            assert np.allclose(Q.T @ Q, np.eye(5), atol=1e-12)
    """
    d = _draw_int(draw, d, "d")
    return random_rotation(d, seed=draw(seeds()))


@st.composite
def permutations(draw, K=st.integers(2, 8)) -> np.ndarray:
    """Permutations of ``0..K-1`` as int64 arrays (shrinking towards the identity).

    Example::

        @given(p=nct.permutations(4))
        def test_perm(p):
            assert sorted(p.tolist()) == [0, 1, 2, 3]
    """
    K = _draw_int(draw, K, "K")
    if K < 1:
        raise InputError(f"K must be >= 1, got {K}", argument="K")
    return np.asarray(draw(st.permutations(range(K))), dtype=np.int64)


@st.composite
def frames(draw, K=st.integers(2, 8), d=None, kind: str = "etf", *, rotate: bool = True) -> np.ndarray:
    """Exact frames: a (K, d) simplex ETF (``kind="etf"``) or orthogonal frame (``"orthogonal"``).

    The frame is :func:`ncbounds.geometry.simplex_etf` or :func:`~ncbounds.geometry.orthogonal_frame`
    times a Haar rotation from :func:`rotations` (``rotate=False``: the canonical frame). Rows are
    unit vectors; the Gram matrix is ``K/(K-1) (I - 11^T/K)`` resp. ``I`` up to round-off.

    Args:
      K: number of classes (int or strategy).
      d: dimension (int or strategy); default the minimum (``K-1`` for an ETF, ``K`` for an
        orthogonal frame) plus 0–3 extra dimensions.
      kind: ``"etf"`` or ``"orthogonal"``.
      rotate: apply a random rotation.

    Raises:
      DimensionError: ``d`` below the minimum for ``kind``.

    Example::

        @given(E=nct.frames(K=4, kind="etf"))
        def test_etf(E):
            assert np.allclose(E @ E.T, (4 * np.eye(4) - 1) / 3, atol=1e-12)
    """
    if kind not in ("etf", "orthogonal"):
        raise InputError(f"kind must be 'etf' or 'orthogonal', got {kind!r}", argument="kind")
    K = _draw_int(draw, K, "K")
    need = K - 1 if kind == "etf" else K
    d = need + draw(st.integers(0, 3)) if d is None else _draw_int(draw, d, "d")
    Q = draw(rotations(d)) if rotate else None
    make = simplex_etf if kind == "etf" else orthogonal_frame
    return make(K, d, rotation=Q)


@st.composite
def instances(
    draw,
    K=st.integers(2, 5),
    d=None,
    *,
    balanced: bool | None = None,
    min_count: int = 1,
    max_count: int = 4,
    shuffle: bool | None = False,
    with_W: bool = True,
    with_b: bool = False,
    collapsed: bool | None = None,
    noise=st.floats(0.0, 0.1, allow_nan=False, allow_infinity=False, allow_subnormal=False),
) -> Instance:
    """:class:`~ncbounds.data.Instance` objects, near neural collapse or fully random.

    Labels come from :func:`labels` (every class present). Then:

    - **collapsed** (needs ``d >= K-1``): ``E = simplex_etf(K, d) @ Q`` with ``Q`` from
      :func:`rotations`; ``H = a * E[y] + noise * Z`` with ``a`` from :func:`positive_scalars`,
      ``Z`` bounded in ``[-1, 1]``; ``W = c * E`` with ``c`` from :func:`positive_scalars`; ``b`` a
      constant vector ``beta * 1`` (``beta`` in ``[-10, 10]``: argmax-neutral, so NC4 still holds).
      With ``noise=0`` this is exact NC1–NC4.
    - **random**: ``H``, ``W`` and ``b`` with independent bounded entries in ``[-10, 10]``. Such an
      instance may be degenerate (e.g. ``H = 0`` or coinciding class means); filter with
      ``hypothesis.assume`` when a property needs more.

    Args:
      K: number of classes (int or strategy).
      d: feature dimension (int or strategy). Default: ``K-1`` plus 0–3 when collapsed, and
        ``1..K+2`` when random.
      balanced, min_count, max_count, shuffle: passed to :func:`labels`.
      with_W: include a classifier ``W``.
      with_b: include a bias ``b`` (implies ``with_W``).
      collapsed: ``True``, ``False``, or ``None`` (either; collapsed only where ``d >= K-1``).
      noise: noise level for collapsed instances (float or strategy of floats >= 0).

    Raises:
      DimensionError: ``collapsed=True`` with a drawn ``d < K-1``.

    Example::

        @settings(max_examples=200, deadline=None)
        @given(inst=nct.instances(collapsed=True, noise=0.0))
        def test_exact_collapse(inst):
            means = np.stack([inst.H[inst.y == k].mean(0) for k in range(inst.K)])
            assert np.allclose(inst.H, means[inst.y])
    """
    K = _draw_int(draw, K, "K")
    if d is not None:
        d = _draw_int(draw, d, "d")
        if d < 1:
            raise InputError(f"d must be >= 1, got {d}", argument="d")
    if collapsed is None:
        collapsed = draw(st.booleans()) if d is None or d >= K - 1 else False
    if d is None:
        d = K - 1 + draw(st.integers(0, 3)) if collapsed else draw(st.integers(1, K + 2))
    if d < K - 1 and collapsed:
        raise DimensionError(f"a collapsed instance needs d >= K-1 = {K - 1}, got d={d}", argument="d")
    y = draw(labels(K, balanced=balanced, min_count=min_count, max_count=max_count, shuffle=shuffle))
    N = y.shape[0]
    with_W = with_W or with_b
    W = b = None
    meta: dict[str, Any] = {"collapsed": bool(collapsed)}
    if collapsed:
        E = simplex_etf(K, d, rotation=draw(rotations(d)))
        a = draw(positive_scalars())
        sigma = draw(noise) if isinstance(noise, SearchStrategy) else noise
        if not (isinstance(sigma, (int, float, np.floating)) and np.isfinite(sigma) and sigma >= 0):
            raise InputError(f"noise must be a finite float >= 0 or a strategy of them, got {sigma!r}",
                             argument="noise")
        H = a * E[y]
        if sigma > 0:
            H = H + sigma * draw(bounded_arrays((N, d), -1.0, 1.0))
        if with_W:
            W = draw(positive_scalars()) * E
        if with_b:
            b = np.full(K, draw(bounded_floats()))
        meta.update(scale=a, noise=float(sigma), frame=E)
    else:
        H = draw(bounded_arrays((N, d)))
        if with_W:
            W = draw(bounded_arrays((K, d)))
        if with_b:
            b = draw(bounded_arrays((K,)))
    return Instance(H=H, y=y, K=K, W=W, b=b, name="hypothesis", meta=meta)
