"""Input checking shared by every public entry point.

Every public function of ncbounds passes its array arguments through the helpers below, so that
bad input fails early with a named error (:mod:`ncbounds.errors`) whose message names the argument
and says what was expected. Nothing is coerced silently: arrays are converted to float64 only
when that loses nothing (integers, float32, torch tensors), and labels are accepted as integers or
as floats that are exactly integral.

Torch tensors are recognised by their type's module name, so torch is never imported here.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .errors import DimensionError, InputError, LabelError, ShapeError

__all__ = [
    "to_numpy",
    "as_float_array",
    "as_labels",
    "check_instance",
    "check_num_classes",
    "check_frame_dimension",
    "check_positive",
    "check_nonnegative",
    "check_int",
    "as_rng",
]


def _is_torch_tensor(x: Any) -> bool:
    mod = type(x).__module__ or ""
    return mod.startswith("torch") and hasattr(x, "detach")


def to_numpy(x: Any, name: str) -> np.ndarray:
    """Convert ``x`` (array-like or torch tensor) to a numpy array without changing its values."""
    if _is_torch_tensor(x):
        return x.detach().cpu().numpy()
    if isinstance(x, (str, bytes)):
        raise InputError(f"{name} must be numeric array-like, got a {type(x).__name__}", argument=name)
    try:
        return np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise InputError(f"{name} could not be converted to an array: {exc}", argument=name) from exc


def as_float_array(
    x: Any,
    name: str,
    *,
    ndim: int | None = None,
    shape: tuple[int | None, ...] | None = None,
    allow_empty: bool = False,
) -> np.ndarray:
    """Return ``x`` as a C-contiguous float64 array after checking it.

    Raises :class:`ShapeError` if the number of dimensions or a fixed size differs
    (``None`` in ``shape`` means any size), and :class:`InputError` for non-numeric, complex,
    NaN or infinite entries, or an empty array (unless ``allow_empty``).
    """
    a = to_numpy(x, name)
    if a.dtype == object or a.dtype.kind not in "biuf":
        if a.dtype.kind == "c":
            raise InputError(f"{name} must be real, got complex dtype {a.dtype}", argument=name)
        raise InputError(f"{name} must be a numeric array, got dtype {a.dtype}", argument=name)
    if ndim is not None and a.ndim != ndim:
        raise ShapeError(
            f"{name} must be a {ndim}-D array, got {a.ndim}-D with shape {a.shape}", argument=name
        )
    if shape is not None:
        if a.ndim != len(shape) or any(s is not None and s != t for s, t in zip(shape, a.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ShapeError(f"{name} must have shape {want}, got {a.shape}", argument=name)
    if a.size == 0 and not allow_empty:
        raise ShapeError(f"{name} must not be empty, got shape {a.shape}", argument=name)
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        bad = int(np.size(a) - np.count_nonzero(np.isfinite(a)))
        raise InputError(f"{name} contains {bad} NaN or infinite value(s)", argument=name)
    return a


def check_num_classes(K: Any, name: str = "K") -> int:
    """Return ``K`` as an int after checking it is an integer ``>= 2``."""
    K = check_int(K, name)
    if K < 2:
        raise InputError(f"{name} must be at least 2 (number of classes), got {K}", argument=name)
    return K


def as_labels(
    y: Any,
    name: str = "y",
    *,
    K: int | None = None,
    n: int | None = None,
    require_all_classes: bool = True,
) -> tuple[np.ndarray, int]:
    """Validate a label vector and return ``(y as int64, K)``.

    Labels must be a 1-D array of integers (or exactly integral floats) in ``0..K-1``. If ``K`` is
    ``None`` it is inferred as ``max(y) + 1``. With ``require_all_classes`` (the default), every
    class must have at least one sample (:class:`LabelError` names the empty classes). ``n`` fixes
    the expected length.
    """
    a = to_numpy(y, name)
    if a.ndim != 1:
        raise ShapeError(f"{name} must be a 1-D label vector, got shape {a.shape}", argument=name)
    if a.size == 0:
        raise ShapeError(f"{name} must not be empty", argument=name)
    if n is not None and a.shape[0] != n:
        raise ShapeError(
            f"{name} must have length {n} (one label per row of the features), got {a.shape[0]}",
            argument=name,
        )
    if a.dtype == bool:
        raise LabelError(f"{name} must hold integer class labels, got booleans", argument=name)
    if a.dtype.kind in "iu":
        lab = a.astype(np.int64)
    elif a.dtype.kind == "f":
        if not np.all(np.isfinite(a)):
            raise LabelError(f"{name} contains NaN or infinite labels", argument=name)
        if not np.all(a == np.round(a)):
            raise LabelError(f"{name} must hold integer class labels, got non-integral floats", argument=name)
        lab = a.astype(np.int64)
    else:
        raise LabelError(f"{name} must hold integer class labels, got dtype {a.dtype}", argument=name)
    lo, hi = int(lab.min()), int(lab.max())
    if K is None:
        K = hi + 1
        if lo < 0:
            raise LabelError(f"{name} must hold labels in 0..K-1, found {lo}", argument=name)
    K = check_num_classes(K, "K")
    if lo < 0 or hi >= K:
        bad = lo if lo < 0 else hi
        raise LabelError(f"{name} must hold labels in 0..{K - 1} (K={K}), found {bad}", argument=name)
    if require_all_classes:
        counts = np.bincount(lab, minlength=K)
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            raise LabelError(
                f"{name} leaves class(es) {empty.tolist()} empty; every class 0..{K - 1} needs at "
                "least one sample (pass K explicitly if the number of classes was inferred wrongly)",
                argument=name,
            )
    return lab, K


def check_instance(H: Any, y: Any, W: Any = None, b: Any = None, *, K: int | None = None,
                   require_all_classes: bool = True):
    """Validate a (features, labels, classifier, bias) instance and return float64/int64 arrays.

    Shapes: ``H`` (N, d), ``y`` (N,), ``W`` (K, d), ``b`` (K,). When ``W`` is given and ``K`` is
    not, ``K`` is taken from ``W``. Returns ``(H, y, W, b, K)`` with ``W``/``b`` left ``None`` if
    not given.
    """
    H = as_float_array(H, "H", ndim=2)
    N, d = H.shape
    if W is not None:
        W = as_float_array(W, "W", ndim=2)
        if W.shape[1] != d:
            raise ShapeError(
                f"W must have shape (K, d) with d={d} matching H's columns, got {W.shape}", argument="W"
            )
        if K is None:
            K = W.shape[0]
        elif W.shape[0] != K:
            raise ShapeError(f"W must have K={K} rows, got {W.shape[0]}", argument="W")
    y, K = as_labels(y, "y", K=K, n=N, require_all_classes=require_all_classes)
    if W is not None and W.shape[0] != K:
        raise ShapeError(f"W must have K={K} rows (one per class), got {W.shape[0]}", argument="W")
    if b is not None:
        if W is None:
            raise InputError("b (bias) was given without W (classifier)", argument="b")
        b = as_float_array(b, "b", shape=(K,))
    return H, y, W, b, K


def check_frame_dimension(d: int, K: int, *, minimum: str = "K-1", name: str = "d") -> None:
    """Raise :class:`DimensionError` unless ``d >= K-1`` (or ``d >= K`` with ``minimum="K"``)."""
    need = K - 1 if minimum == "K-1" else K
    if d < need:
        raise DimensionError(
            f"{name}={d} is too small: this construction needs {name} >= {minimum} = {need} for K={K}",
            argument=name,
        )


def check_int(x: Any, name: str) -> int:
    """Return ``x`` as a Python int; reject bools, floats with a fraction and non-numbers."""
    if isinstance(x, (bool, np.bool_)):
        raise InputError(f"{name} must be an integer, got a bool", argument=name)
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real) and float(x).is_integer():
        return int(x)
    raise InputError(f"{name} must be an integer, got {x!r}", argument=name)


def _check_real(x: Any, name: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise InputError(f"{name} must be a real number, got {x!r}", argument=name)
    v = float(x)
    if not np.isfinite(v):
        raise InputError(f"{name} must be finite, got {v}", argument=name)
    return v


def check_positive(x: Any, name: str) -> float:
    """Return ``x`` as a float after checking it is finite and ``> 0``."""
    v = _check_real(x, name)
    if v <= 0:
        raise InputError(f"{name} must be > 0, got {v}", argument=name)
    return v


def check_nonnegative(x: Any, name: str) -> float:
    """Return ``x`` as a float after checking it is finite and ``>= 0``."""
    v = _check_real(x, name)
    if v < 0:
        raise InputError(f"{name} must be >= 0, got {v}", argument=name)
    return v


def as_rng(seed: Any) -> np.random.Generator:
    """Return a numpy Generator from ``None``, an int seed, a SeedSequence or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(seed, (bool, np.bool_)):
            raise InputError("seed must be an int, a SeedSequence or a Generator, got a bool", argument="seed")
        return np.random.default_rng(seed)
    raise InputError(f"seed must be an int, a SeedSequence or a Generator, got {seed!r}", argument="seed")
