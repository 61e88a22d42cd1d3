"""Instances: synthetic mixtures, ETF features plus noise, the spec's named instances, digits, files.

An :class:`Instance` is one classification problem in the toolkit's conventions (ARCHITECTURE.md):
features ``H`` (N, d) float64, labels ``y`` (N,) int64 in ``0..K-1`` with every class present, and
optionally a classifier ``W`` (K, d) and bias ``b`` (K,). Every generator below is deterministic
given its ``seed`` (an int, a ``SeedSequence`` or a ``numpy.random.Generator``; ``None`` draws fresh
entropy) and produces labels **sorted by class** (``y = [0]*n_0 + [1]*n_1 + ...``).

Generators and loaders
----------------------
======================================  ===========================================================
:func:`gaussian_mixture`                class means on a scaled simplex ETF (or random directions)
                                        plus isotropic Gaussian noise; balanced or imbalanced
:func:`imbalanced_counts`               two-group class counts (majority ``n_A``, minority
                                        ``n_A/R``; classic.md §3.4, Fang et al. 2021)
:func:`etf_features`                    ``H = scale * E_y + noise * N(0, 1)`` with ``W = E``, the
                                        exact simplex-ETF classifier
:func:`sep_a`                           the SEP-A instance of classic.md §4 claim 7
:func:`ulpm_init`                       the ULPM dynamics initialisation of ji2022.md §4 preamble
:func:`load_digits_features`            scikit-learn's bundled digits (no download), pixels / 16
:func:`load_features`,                  ``.npz`` files with keys ``H``, ``y`` and optional ``W``,
:func:`save_features`                   ``b``, ``K``
======================================  ===========================================================

Importing this module imports neither torch nor scikit-learn (scikit-learn is imported inside
:func:`load_digits_features` only); torch tensors are accepted wherever arrays are.
"""

from __future__ import annotations

import dataclasses
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._results import Result
from ._validate import (
    as_float_array,
    as_rng,
    check_frame_dimension,
    check_instance,
    check_int,
    check_nonnegative,
    check_num_classes,
    check_positive,
    to_numpy,
)
from .errors import InputError, LabelError, ShapeError
from .geometry import random_rotation, simplex_etf

__all__ = [
    "Instance",
    "class_labels",
    "labels_from_counts",
    "gaussian_mixture",
    "imbalanced_counts",
    "etf_features",
    "sep_a",
    "ulpm_init",
    "load_digits_features",
    "load_features",
    "save_features",
]


# --------------------------------------------------------------------------------------------------
# The instance container
# --------------------------------------------------------------------------------------------------


def _readonly(a: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return None
    a = np.array(a, copy=True)  # own the memory, so freezing it never freezes a caller's array
    a.flags.writeable = False
    return a


@dataclasses.dataclass(frozen=True, eq=False)
class Instance(Result):
    """One classification instance: features, labels and optionally a linear classifier.

    Fields are validated and converted on construction (through :func:`ncbounds._validate.
    check_instance`): ``H`` becomes a (N, d) float64 array, ``y`` a (N,) int64 array with labels in
    ``0..K-1`` and **every class present** (the NC metrics divide by class counts), ``W`` a (K, d)
    and ``b`` a (K,) float64 array. ``K`` is inferred when omitted (from ``W``'s rows if given,
    else ``max(y) + 1``). Torch tensors and anything ``numpy.asarray`` accepts are fine.

    The arrays are private copies marked read-only, so an ``Instance`` is immutable: use
    :meth:`replace` (or ``dataclasses.replace``) to derive a modified one, and ``inst.H.copy()``
    for a scratch array.

    Attributes:
      H: (N, d) features, one row per sample.
      y: (N,) int64 labels.
      K: number of classes.
      W: (K, d) classifier or ``None``.
      b: (K,) bias or ``None`` (only together with ``W``).
      name: short label for reports (e.g. ``"SEP-A"``).
      meta: free-form provenance (generator, seed, parameters, spec reference).

    Example:
      >>> inst = Instance(H=[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], y=[0, 1, 1])
      >>> inst.K, inst.N, inst.d, inst.counts.tolist()
      (2, 3, 2, [1, 2])
    """

    H: np.ndarray
    y: np.ndarray
    K: int | None = None
    W: np.ndarray | None = None
    b: np.ndarray | None = None
    name: str = ""
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        K = None if self.K is None else check_num_classes(self.K, "K")
        H, y, W, b, K = check_instance(self.H, self.y, self.W, self.b, K=K)
        if not isinstance(self.name, str):
            raise InputError(f"name must be a str, got {type(self.name).__name__}", argument="name")
        if not isinstance(self.meta, dict):
            raise InputError(f"meta must be a dict, got {type(self.meta).__name__}", argument="meta")
        object.__setattr__(self, "H", _readonly(H))
        object.__setattr__(self, "y", _readonly(y))
        object.__setattr__(self, "K", int(K))
        object.__setattr__(self, "W", _readonly(W))
        object.__setattr__(self, "b", _readonly(b))
        object.__setattr__(self, "meta", dict(self.meta))

    # ---- derived quantities -------------------------------------------------------------------
    @property
    def N(self) -> int:
        """Number of samples."""
        return int(self.H.shape[0])

    @property
    def d(self) -> int:
        """Feature dimension."""
        return int(self.H.shape[1])

    @property
    def counts(self) -> np.ndarray:
        """Class counts ``n_k`` (K,) int64; every entry is at least 1."""
        return np.bincount(self.y, minlength=self.K).astype(np.int64)

    @property
    def balanced(self) -> bool:
        """True when every class has the same number of samples."""
        c = self.counts
        return bool(np.all(c == c[0]))

    @property
    def logits(self) -> np.ndarray:
        """``H @ W.T + b`` (N, K). Raises :class:`InputError` when the instance has no ``W``."""
        if self.W is None:
            raise InputError("this instance has no classifier W, so it has no logits", argument="W")
        Z = self.H @ self.W.T
        return Z + self.b if self.b is not None else Z

    def replace(self, **changes: Any) -> Instance:
        """A copy with some fields replaced (validated again), e.g. ``inst.replace(W=None)``.

        Replacing ``W`` with ``None`` also drops ``b``, which cannot exist without ``W``.
        """
        if "W" in changes and changes["W"] is None and "b" not in changes:
            changes["b"] = None
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        extra = ""
        if self.W is not None:
            extra += ", W"
        if self.b is not None:
            extra += ", b"
        name = f"{self.name!r}, " if self.name else ""
        return f"Instance({name}N={self.N}, d={self.d}, K={self.K}{extra}, counts={self.counts.tolist()})"


# --------------------------------------------------------------------------------------------------
# Labels and counts
# --------------------------------------------------------------------------------------------------


def _counts(K: int, n: Any) -> np.ndarray:
    """Class counts from ``n``: an int (balanced, ``n`` per class) or a length-K sequence."""
    if isinstance(n, (Sequence, np.ndarray)) or type(n).__module__.startswith("torch"):
        c = to_numpy(n, "n")
        if c.ndim != 1 or c.shape[0] != K:
            raise ShapeError(f"n must be an int or a sequence of K={K} class counts, got shape {c.shape}",
                             argument="n")
        integral = c.dtype.kind in "iuf" and np.all(np.isfinite(c)) and np.all(c == np.round(c))
        if c.dtype == bool or not integral:
            raise InputError(f"n must hold integer class counts, got {c.tolist()}", argument="n")
        c = c.astype(np.int64)
    else:
        c = np.full(K, check_int(n, "n"), dtype=np.int64)
    if np.any(c < 1):
        raise LabelError(f"every class needs at least one sample; n gives counts {c.tolist()}", argument="n")
    return c


def class_labels(K: int, n: Any) -> np.ndarray:
    """Sorted labels ``[0]*n_0 + [1]*n_1 + ...`` (int64) for ``n`` an int or K class counts.

    Example:
      >>> class_labels(3, 2).tolist()
      [0, 0, 1, 1, 2, 2]
      >>> class_labels(3, [2, 1, 3]).tolist()
      [0, 0, 1, 2, 2, 2]
    """
    K = check_num_classes(K)
    return np.repeat(np.arange(K, dtype=np.int64), _counts(K, n))


def labels_from_counts(counts) -> np.ndarray:
    """Sorted labels for a sequence of class counts: ``class_labels(len(counts), counts)``.

    Example:
      >>> labels_from_counts([2, 1]).tolist()
      [0, 0, 1]
    """
    counts = list(to_numpy(counts, "counts").ravel())
    return class_labels(len(counts), counts)


def imbalanced_counts(K: int, K_A: int, n_A: int, R: float, *, rounding: bool = False) -> np.ndarray:
    """Two-group class counts: ``K_A`` majority classes of size ``n_A``, ``K - K_A`` of ``n_A/R``.

    The two-group imbalance of the layer-peeled model and SELI (classic.md §3.4 CL-FANG-SDP, §3.5
    CL-SELI-2G; Fang et al. 2021): ``R = n_A / n_B >= 1`` is the imbalance ratio, majority classes
    come first (``0..K_A-1``). ``K_A = K`` gives balanced counts.

    Args:
      K: number of classes (>= 2).
      K_A: number of majority classes, ``1 <= K_A <= K``.
      n_A: majority class size (>= 1).
      R: imbalance ratio ``>= 1``.
      rounding: ``n_A / R`` must be an integer unless ``rounding=True``, which rounds it to the
        nearest integer (at least 1). Nothing is rounded silently.

    Returns:
      (K,) int64 counts, usable as the ``n`` argument of the generators.

    Raises:
      InputError: bad ``K_A``/``n_A``/``R``, or ``n_A / R`` not an integer without ``rounding``.

    Example:
      >>> imbalanced_counts(5, 2, 10, 5).tolist()
      [10, 10, 2, 2, 2]
    """
    K = check_num_classes(K)
    K_A = check_int(K_A, "K_A")
    if not 1 <= K_A <= K:
        raise InputError(f"K_A must be in 1..K={K} (number of majority classes), got {K_A}", argument="K_A")
    n_A = check_int(n_A, "n_A")
    if n_A < 1:
        raise InputError(f"n_A must be >= 1, got {n_A}", argument="n_A")
    R = check_positive(R, "R")
    if R < 1:
        raise InputError(f"R = n_A / n_B must be >= 1 (minority no larger than majority), got {R}",
                         argument="R")
    n_B_exact = n_A / R
    if rounding:
        n_B = max(1, int(round(n_B_exact)))
    else:
        n_B = int(round(n_B_exact))
        if abs(n_B - n_B_exact) > 1e-9 * max(1.0, n_B_exact):
            raise InputError(
                f"n_A / R = {n_A}/{R} = {n_B_exact:.6g} is not an integer minority size; choose n_A "
                "divisible by R or pass rounding=True", argument="R")
        if n_B < 1:
            raise InputError(f"n_A / R = {n_B_exact:.6g} leaves the minority classes empty", argument="R")
    c = np.full(K, n_B, dtype=np.int64)
    c[:K_A] = n_A
    return c


def _seed_meta(seed: Any) -> Any:
    """A JSON-friendly record of the seed (ints only; a Generator cannot be recorded)."""
    if seed is None or isinstance(seed, (bool, np.bool_)):
        return None
    if isinstance(seed, (int, np.integer)):
        return int(seed)
    return type(seed).__name__


# --------------------------------------------------------------------------------------------------
# Synthetic generators
# --------------------------------------------------------------------------------------------------


def gaussian_mixture(
    K: int,
    n: int | Sequence[int],
    d: int,
    *,
    separation: float = 3.0,
    noise: float = 1.0,
    means: str | Any = "etf",
    seed=None,
) -> Instance:
    r"""Gaussian mixture: ``h_i = mu_{y_i} + noise * z_i``, ``z_i ~ N(0, I_d)``, labels sorted.

    Class means ``mu_k`` (rows of ``M``):

    - ``means="etf"`` (default): ``M = separation * simplex_etf(K, d)``, the canonical unit simplex
      ETF (zero-padded into the first K coordinates when ``d >= K``), scaled so that every mean has
      norm ``separation`` and every pair is ``separation * sqrt(2K/(K-1))`` apart. Needs
      ``d >= K-1`` (:class:`DimensionError` otherwise). No randomness is spent on the means.
    - ``means="random"``: ``M = separation * U`` with rows ``U_k`` uniform on the unit sphere
      (normalised ``N(0, I_d)`` draws, drawn first from the generator); any ``d >= 1``.
    - a (K, d) array: used as given (``separation`` is ignored).

    The noise matrix ``Z = rng.normal(size=(N, d))`` is drawn after the means, and always drawn,
    so one seed gives the same ``Z`` for every ``noise`` level.

    Args:
      K: number of classes (>= 2).
      n: samples per class (int, balanced) or a length-K sequence of class counts (imbalanced).
      d: feature dimension.
      separation: norm of each class mean (> 0).
      noise: standard deviation of the isotropic noise (>= 0).
      means: ``"etf"``, ``"random"`` or a (K, d) array of class means.
      seed: int, SeedSequence or Generator.

    Returns:
      :class:`Instance` without ``W``; ``meta["means"]`` holds ``M``.

    Example:
      >>> inst = gaussian_mixture(3, [5, 5, 2], 4, seed=0)
      >>> inst.H.shape, inst.counts.tolist()
      ((12, 4), [5, 5, 2])
    """
    K = check_num_classes(K)
    d = check_int(d, "d")
    if d < 1:
        raise InputError(f"d must be >= 1, got {d}", argument="d")
    counts = _counts(K, n)
    noise = check_nonnegative(noise, "noise")
    rng = as_rng(seed)
    if isinstance(means, str):
        separation = check_positive(separation, "separation")
        if means == "etf":
            check_frame_dimension(d, K)
            M = separation * simplex_etf(K, d)
        elif means == "random":
            U = rng.normal(size=(K, d))
            M = separation * U / np.linalg.norm(U, axis=1, keepdims=True)
        else:
            raise InputError(f"means must be 'etf', 'random' or a (K, d) array, got {means!r}",
                             argument="means")
        kind = means
    else:
        M = as_float_array(means, "means", shape=(K, d))
        kind = "given"
    y = np.repeat(np.arange(K, dtype=np.int64), counts)
    Z = rng.normal(size=(y.shape[0], d))
    H = M[y] + noise * Z
    meta = {"generator": "gaussian_mixture", "means_kind": kind,
            "separation": None if kind == "given" else separation,
            "noise": noise, "seed": _seed_meta(seed), "means": M}
    return Instance(H=H, y=y, K=K, name="gaussian_mixture", meta=meta)


def etf_features(
    K: int,
    n: int | Sequence[int],
    d: int | None = None,
    *,
    noise: float = 0.0,
    scale: float = 1.0,
    rotation=None,
    seed=None,
) -> Instance:
    r"""Collapsed features on a simplex ETF plus noise, with the exact ETF classifier ``W = E``.

    .. math::  h_i = \text{scale}\cdot E_{y_i} + \text{noise}\cdot z_i,\qquad z_i \sim N(0, I_d),
               \qquad W = E

    where ``E = simplex_etf(K, d)`` (unit rows, pairwise cosine ``-1/(K-1)``; gao2023.md GAO-D4),
    optionally rotated. With ``noise=0`` the features are exactly NC1–NC4 collapsed: row ``i`` of
    ``H`` equals ``scale * E[y_i]`` bit for bit.

    Random draws, in order: the rotation (``rotation="random"``: ``random_rotation(d, seed=rng)``),
    then ``Z = rng.normal(size=(N, d))`` (always drawn, so ``H`` is affine in ``noise`` for a fixed
    seed).

    Args:
      K: number of classes (>= 2).
      n: samples per class (int) or a length-K sequence of class counts.
      d: feature dimension ``>= K-1``; default ``K-1``.
      noise: noise standard deviation (>= 0).
      scale: norm of each collapsed feature (> 0).
      rotation: ``None``, ``"random"`` (Haar, from ``seed``) or a (d, d) orthogonal matrix Q
        (``E`` becomes ``E @ Q``).
      seed: int, SeedSequence or Generator.

    Returns:
      :class:`Instance` with ``W = E`` and no bias.

    Example:
      >>> inst = etf_features(3, 2)
      >>> bool(np.array_equal(inst.H, inst.W[inst.y]))
      True
    """
    K = check_num_classes(K)
    d = K - 1 if d is None else check_int(d, "d")
    check_frame_dimension(d, K)
    counts = _counts(K, n)
    noise = check_nonnegative(noise, "noise")
    scale = check_positive(scale, "scale")
    rng = as_rng(seed)
    if isinstance(rotation, str) and rotation == "random":
        E = simplex_etf(K, d, rotation=random_rotation(d, seed=rng))
    else:
        E = simplex_etf(K, d, rotation=rotation)
    y = np.repeat(np.arange(K, dtype=np.int64), counts)
    Z = rng.normal(size=(y.shape[0], d))
    H = scale * E[y]
    if noise > 0:
        H = H + noise * Z
    meta = {"generator": "etf_features", "noise": noise, "scale": scale,
            "rotation": rotation if rotation is None or isinstance(rotation, str) else "given",
            "seed": _seed_meta(seed)}
    return Instance(H=H, y=y, K=K, W=E, name="etf_features", meta=meta)


def sep_a() -> Instance:
    r"""The SEP-A instance of classic.md §4 claim 7 (CL-SOUDRY-DIR), exactly as specified.

    K = 3, n = 10, d = 4, ``rng = numpy.random.default_rng(0)``,
    ``mu_k = (3 cos(2 pi k/3), 3 sin(2 pi k/3), 0, 0)``, labels sorted, and

    .. math::  H = \mu_{y} + 0.3\cdot\texttt{rng.normal(size=(30, 4))}

    The spec's reference values on this instance: hard-margin SVM (no bias) ½‖Ŵ‖² = 0.12822580,
    ‖Ŵ‖_F = 0.50641051, three active constraints; ``1/‖H‖_op² = 0.0073133``.

    Returns:
      :class:`Instance` named ``"SEP-A"``, without ``W``.
    """
    K, n, d = 3, 10, 4
    rng = np.random.default_rng(0)
    ang = 2.0 * np.pi * np.arange(K) / K
    mu = np.zeros((K, d))
    mu[:, 0] = 3.0 * np.cos(ang)
    mu[:, 1] = 3.0 * np.sin(ang)
    y = np.repeat(np.arange(K, dtype=np.int64), n)
    H = mu[y] + 0.3 * rng.normal(size=(K * n, d))
    return Instance(H=H, y=y, K=K, name="SEP-A",
                    meta={"generator": "sep_a", "spec": "classic.md §4 claim 7 (CL-SOUDRY-DIR)",
                          "means": mu})


def ulpm_init(K: int, n: int | Sequence[int], d: int, *, s: float, seed=None) -> Instance:
    r"""Random initialisation of the ULPM / UFM dynamics (ji2022.md §4 preamble).

    ``rng = numpy.random.default_rng(seed)``, labels sorted by class, then in this order

    .. math::  W = s\cdot\texttt{rng.normal(size=(K, d))},\qquad
               H^\top = s\cdot\texttt{rng.normal(size=(d, N))}

    (``H`` is drawn as a (d, N) array and transposed, so that the spec's reference numbers — e.g.
    the E1 run K = 4, n = 3, d = 6, seed 0, s = 0.5 — reproduce). No bias: the ULPM has none.

    Args:
      K: number of classes (>= 2).
      n: samples per class (int) or a length-K sequence of counts.
      d: feature dimension (>= 1; ``d < K-1`` is allowed, e.g. JI-T2.5's ``d = 2``).
      s: initialisation scale (> 0).
      seed: int, SeedSequence or Generator (an int is passed to ``default_rng`` exactly as the spec
        does).

    Returns:
      :class:`Instance` with the initial ``W`` (K, d) and ``H`` (N, d).

    Example:
      >>> inst = ulpm_init(4, 3, 6, s=0.5, seed=0)
      >>> inst.W.shape, inst.H.shape
      ((4, 6), (12, 6))
    """
    K = check_num_classes(K)
    d = check_int(d, "d")
    if d < 1:
        raise InputError(f"d must be >= 1, got {d}", argument="d")
    counts = _counts(K, n)
    s = check_positive(s, "s")
    rng = as_rng(seed)
    y = np.repeat(np.arange(K, dtype=np.int64), counts)
    W = s * rng.normal(size=(K, d))
    H = np.ascontiguousarray((s * rng.normal(size=(d, y.shape[0]))).T)
    return Instance(H=H, y=y, K=K, W=W, name="ulpm_init",
                    meta={"generator": "ulpm_init", "spec": "ji2022.md §4 preamble", "s": s,
                          "seed": _seed_meta(seed)})


# --------------------------------------------------------------------------------------------------
# Real data: scikit-learn digits (bundled, no download)
# --------------------------------------------------------------------------------------------------


def load_digits_features(
    *,
    split: bool = True,
    test_size: float | int = 0.25,
    seed=0,
    scale: bool = True,
    stratify: bool = True,
    standardize: bool = False,
) -> tuple[Instance, Instance] | Instance:
    """scikit-learn's bundled handwritten digits (1797 x 64, K = 10) as instances; never downloads.

    The images ship inside scikit-learn (``sklearn.datasets.load_digits``), so this works offline.
    Pixels are integers 0..16; ``scale=True`` divides them by 16 (the protocol of gao2023.md §6.2
    and ji2022.md §6). Samples keep scikit-learn's order within each split (labels are *not*
    sorted).

    Args:
      split: return ``(train, test)`` when True, one instance with all 1797 samples when False.
      test_size: passed to ``sklearn.model_selection.train_test_split``: a fraction in (0, 1) or
        an absolute number of test samples. Defaults give ji2022.md's split (1347 / 450);
        gao2023.md §6.2 uses ``test_size=797`` (1000 / 797).
      seed: ``random_state`` of the split (an int; default 0).
      scale: divide pixels by 16.
      stratify: stratify the split by label (default True).
      standardize: subtract the training mean of every pixel and divide by its training standard
        deviation (constant pixels are only centred), applied to both splits (ji2022.md §6 X2).

    Returns:
      ``(train, test)`` :class:`Instance` pair, or one :class:`Instance` when ``split=False``.
      ``meta`` records the settings and, with ``standardize``, the training mean and std.

    Raises:
      InputError: bad ``test_size`` or ``seed``; LabelError if a split leaves a class empty
      (possible only for tiny unstratified test sets).
    """
    from sklearn.datasets import load_digits  # lazy: `import ncbounds.data` must not import sklearn

    X, y = load_digits(return_X_y=True)
    X = X.astype(np.float64)
    if scale:
        X = X / 16.0
    y = y.astype(np.int64)
    settings = {"source": "sklearn.datasets.load_digits", "scale": bool(scale),
                "standardize": bool(standardize)}

    def _standardize(train: np.ndarray, *others: np.ndarray):
        mu = train.mean(axis=0)
        sd = train.std(axis=0)
        sd_safe = np.where(sd > 0, sd, 1.0)
        return [(a - mu) / sd_safe for a in (train, *others)], mu, sd_safe

    if not split:
        meta = dict(settings, split=False)
        if standardize:
            (X,), mu, sd = _standardize(X)
            meta.update(mean=mu, std=sd)
        return Instance(H=X, y=y, K=10, name="digits", meta=meta)

    from sklearn.model_selection import train_test_split

    numeric = isinstance(test_size, (int, float, np.integer, np.floating))
    if isinstance(test_size, (bool, np.bool_)) or not numeric:
        raise InputError(f"test_size must be a fraction in (0, 1) or a number of samples, got {test_size!r}",
                         argument="test_size")
    if isinstance(test_size, (int, np.integer)):
        test_size = int(test_size)
        if not 1 <= test_size < X.shape[0]:
            raise InputError(f"test_size must be between 1 and {X.shape[0] - 1} samples, got {test_size}",
                             argument="test_size")
    elif not 0 < float(test_size) < 1:
        raise InputError(f"a fractional test_size must lie in (0, 1), got {test_size}", argument="test_size")
    if seed is not None:
        seed = check_int(seed, "seed")
    try:
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, random_state=seed,
                                              stratify=y if stratify else None)
    except ValueError as exc:  # e.g. a stratified test set smaller than the number of classes
        raise InputError(f"cannot split the digits with test_size={test_size}: {exc}",
                         argument="test_size") from exc
    meta = dict(settings, split=True, test_size=test_size, seed=seed, stratify=bool(stratify))
    if standardize:
        (Xtr, Xte), mu, sd = _standardize(Xtr, Xte)
        meta.update(mean=mu, std=sd)
    return (Instance(H=Xtr, y=ytr, K=10, name="digits-train", meta=dict(meta, part="train")),
            Instance(H=Xte, y=yte, K=10, name="digits-test", meta=dict(meta, part="test")))


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------

_KNOWN_KEYS = ("H", "y", "W", "b", "K")


def _as_path(path: Any) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"path must be a str or os.PathLike, got {type(path).__name__}", argument="path")
    return Path(path)


def load_features(path, *, y=None, K: int | None = None) -> Instance:
    """Load an instance from a ``.npz`` file (keys ``H``, ``y``; optional ``W``, ``b``, ``K``).

    ``.npz`` (written by :func:`save_features` or ``numpy.savez``) is the supported format:
    ``H`` (N, d) features, ``y`` (N,) integer labels, optionally ``W`` (K, d), ``b`` (K,) and a
    scalar ``K``. Files are read with ``allow_pickle=False`` (object arrays are refused: unpickling
    a file can run arbitrary code). Keys other than these five are ignored and listed in
    ``meta["ignored_keys"]``.

    A plain ``.npy`` file is accepted only as a 2-D feature array, with the labels passed as
    ``y=`` (an ``.npy`` holding a pickled dict is refused).

    The number of classes is taken from, in order: the ``K`` argument, the file's ``K`` key,
    ``W``'s rows, ``max(y) + 1``. Every class ``0..K-1`` must have a sample (NC metrics divide by
    class counts); store ``K`` in the file or pass it when the label range would be inferred wrongly.

    Raises:
      InputError: the file does not exist, is not ``.npz``/``.npy``, cannot be read, lacks ``H``
        or ``y`` (the message names the missing key), holds NaN/inf, or its arrays are not numeric.
      ShapeError: ``H`` not 2-D, ``y`` length differs from ``H``'s rows, ``W``/``b`` of the wrong
        shape.
      LabelError: labels not integers in ``0..K-1`` or a class is empty.
      (Every message starts with the file name and the offending key.)
    """
    p = _as_path(path)
    if not p.exists():
        raise InputError(f"features file not found: {p}", argument="path")
    suffix = p.suffix.lower()
    if suffix not in (".npz", ".npy"):
        raise InputError(f"{p.name}: features must be an .npz file with keys 'H' and 'y' (or an .npy "
                         f"feature array with y=...), got suffix {p.suffix!r}", argument="path")
    arrays: dict[str, np.ndarray] = {}
    ignored: list[str] = []
    try:
        if suffix == ".npz":
            if y is not None:
                raise InputError(f"{p.name}: y= is only for .npy feature files; an .npz file carries "
                                 "its labels under key 'y'", argument="y")
            with np.load(p, allow_pickle=False) as z:
                for key in z.files:
                    if key in _KNOWN_KEYS:
                        arrays[key] = z[key]
                    else:
                        ignored.append(key)
        else:
            arrays["H"] = np.load(p, allow_pickle=False)
            if y is None:
                raise InputError(f"{p.name}: an .npy file holds features only; pass the labels as y=",
                                 argument="y")
            arrays["y"] = to_numpy(y, "y")
    except InputError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{p.name}: could not read the file ({type(exc).__name__}: {exc}); object "
                         "arrays and pickles are refused", argument="path") from exc

    for key in ("H", "y"):
        if key not in arrays:
            raise InputError(f"{p.name}: missing key {key!r} (found keys {sorted(arrays) + ignored}); a "
                             "features file needs 'H' (N, d) and 'y' (N,)", argument=key)
    if "b" in arrays and "W" not in arrays:
        raise InputError(f"{p.name}: key 'b' (bias) is present without key 'W' (classifier)", argument="b")
    if K is None and "K" in arrays:
        k = arrays["K"]
        if k.shape not in ((), (1,)) or k.dtype.kind not in "iuf":
            raise InputError(f"{p.name}: key 'K' must be a scalar integer, got {k.dtype} {k.shape}",
                             argument="K")
        try:
            K = check_num_classes(k.reshape(()).item(), "K")
        except InputError as exc:
            raise InputError(f"{p.name}: key 'K': {exc}", argument="K") from exc
    elif K is not None:
        K = check_num_classes(K, "K")
    try:
        H, yy, W, b, K = check_instance(arrays["H"], arrays["y"], arrays.get("W"), arrays.get("b"), K=K)
    except InputError as exc:
        arg = exc.argument or "?"
        raise type(exc)(f"{p.name}: key {arg!r}: {exc}", argument=arg) from exc
    meta = {"source": str(p)}
    if ignored:
        meta["ignored_keys"] = sorted(ignored)
    return Instance(H=H, y=yy, K=K, W=W, b=b, name=p.stem, meta=meta)


def save_features(path, H, y=None, W=None, b=None, *, K: int | None = None, compressed: bool = True) -> Path:
    """Write features, labels and optionally ``W``, ``b`` to an ``.npz`` that :func:`load_features` reads.

    ``H`` may also be an :class:`Instance` (then ``y``/``W``/``b``/``K`` come from it and must not
    be passed). Arrays are validated first (so an invalid instance is never written) and stored as
    float64 ``H``, ``W``, ``b`` and int64 ``y``, plus the scalar ``K``.

    Args:
      path: destination; must end in ``.npz``.
      H: (N, d) features or an :class:`Instance`.
      y: (N,) labels.
      W: optional (K, d) classifier.
      b: optional (K,) bias (requires ``W``).
      K: number of classes (default inferred as in :func:`ncbounds._validate.check_instance`).
      compressed: use ``numpy.savez_compressed`` (default) instead of ``numpy.savez``.

    Returns:
      The path written.
    """
    p = _as_path(path)
    if p.suffix.lower() != ".npz":
        raise InputError(f"save_features writes .npz files; path must end in '.npz', got {p.name!r}",
                         argument="path")
    if isinstance(H, Instance):
        if y is not None or W is not None or b is not None or K is not None:
            raise InputError("pass either an Instance or the arrays (H, y, W, b, K), not both", argument="y")
        inst = H
        H, y, W, b, K = inst.H, inst.y, inst.W, inst.b, inst.K
    if y is None:
        raise InputError("y (labels) is required", argument="y")
    if K is not None:
        K = check_num_classes(K, "K")
    H, y, W, b, K = check_instance(H, y, W, b, K=K)
    out: dict[str, np.ndarray] = {"H": H, "y": y, "K": np.asarray(K, dtype=np.int64)}
    if W is not None:
        out["W"] = W
    if b is not None:
        out["b"] = b
    (np.savez_compressed if compressed else np.savez)(p, **out)
    return p
