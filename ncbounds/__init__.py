"""ncbounds: check Neural Collapse theory numerically and compute its bounds.

Subpackages: :mod:`ncbounds.geometry`, :mod:`ncbounds.metrics`, :mod:`ncbounds.data`,
:mod:`ncbounds.solvers`, :mod:`ncbounds.dynamics`, :mod:`ncbounds.bounds`, :mod:`ncbounds.testing`.
Importing ncbounds never imports torch (torch tensors are still accepted at every boundary).
"""

from . import data, errors, geometry, metrics
from .errors import (
    CertificateError,
    DimensionError,
    InputError,
    LabelError,
    NCBoundsError,
    NotApplicableError,
    NotSeparableError,
    ShapeError,
    SolverError,
)

__version__ = "0.1.0"

__all__ = [
    "data", "errors", "geometry", "metrics", "__version__",
    "NCBoundsError", "InputError", "ShapeError", "LabelError", "DimensionError",
    "NotSeparableError", "SolverError", "CertificateError", "NotApplicableError",
]
