"""Named exceptions raised by ncbounds.

Every error raised on purpose by the library is a subclass of :class:`NCBoundsError`, so a caller
can catch the whole family with one clause, or a single kind precisely::

    NCBoundsError
    ├── InputError            bad argument: NaN/inf, wrong shape, labels outside 0..K-1, ...
    │   ├── ShapeError        an array has the wrong number of dimensions or a mismatched size
    │   ├── LabelError        labels are not integers in 0..K-1, or a class is empty
    │   └── DimensionError    d < K-1 where a frame (simplex ETF, min-norm factorisation) needs it
    ├── NotSeparableError     no classifier separates the data (carries the best achievable margin)
    ├── SolverError           a numerical solver failed or returned an uncertified answer
    │   └── CertificateError  a candidate failed its optimality certificate
    └── NotApplicableError    a theorem's hypothesis does not hold for this input

``InputError`` also derives from :class:`ValueError` and ``SolverError`` from
:class:`RuntimeError`, so code written against the builtin exceptions keeps working.
"""

from __future__ import annotations

__all__ = [
    "NCBoundsError",
    "InputError",
    "ShapeError",
    "LabelError",
    "DimensionError",
    "NotSeparableError",
    "SolverError",
    "CertificateError",
    "NotApplicableError",
]


class NCBoundsError(Exception):
    """Base class of every error ncbounds raises on purpose."""


class InputError(NCBoundsError, ValueError):
    """An argument is invalid. The message names the argument and what was expected."""

    def __init__(self, message: str, *, argument: str | None = None):
        super().__init__(message)
        self.argument = argument


class ShapeError(InputError):
    """An array has the wrong number of dimensions or a size that does not match another."""


class LabelError(InputError):
    """Labels are not integers in ``0..K-1``, or some class has no sample."""


class DimensionError(InputError):
    """The feature dimension is too small for the requested construction (e.g. ``d < K-1``)."""


class NotSeparableError(NCBoundsError):
    """No classifier separates the data with a positive margin.

    Attributes
    ----------
    best_margin : float or None
        The best achievable minimum margin ``max_W min_{i,k} (w_{y_i} - w_k)·h_i`` under the
        normalisation stated in the message (``<= 0`` means not separable), when it was computed.
    """

    def __init__(self, message: str, *, best_margin: float | None = None):
        super().__init__(message)
        self.best_margin = best_margin


class SolverError(NCBoundsError, RuntimeError):
    """A numerical solver failed, or its answer did not pass its certificate.

    Attributes
    ----------
    status : str or None
        The status string reported by the underlying solver (e.g. ``"infeasible"``).
    solver : str or None
        Name of the solver that was used.
    """

    def __init__(self, message: str, *, status: str | None = None, solver: str | None = None):
        super().__init__(message)
        self.status = status
        self.solver = solver


class CertificateError(SolverError):
    """A candidate solution failed its optimality certificate (gap or residual above tolerance)."""


class NotApplicableError(NCBoundsError):
    """A hypothesis of the theorem being evaluated does not hold, so the bound does not apply."""
