"""Optimality certificates shared by every solver, and the public checker ``certify``.

Every solver in :mod:`ncbounds.solvers` passes its answer through a certificate before returning
it: primal feasibility (constraint violation), dual feasibility, the duality gap (primal minus a
dual lower bound) and, where meaningful, the stationarity (KKT) residual. A result whose
certificate fails is never returned as optimal: the solver raises :class:`~ncbounds.errors.CertificateError`
(or returns it flagged, when the caller asked for ``check=False``).

Users can certify their own candidates (for example W and H taken from a trained network)
without solving anything::

    from ncbounds.solvers.certificates import certify
    cert = certify("min_norm", W=W, H=H, y=y)
    cert.duality_gap, cert.passed

The per-problem checkers live beside their solvers and are re-exported here:

=================  ==================================================  ===========================
problem            checker                                             cost
=================  ==================================================  ===========================
``"svm"``          :func:`ncbounds.solvers.svm.certify_svm`            O(NKd)
``"min_norm"``     :func:`ncbounds.solvers.min_norm.certify_min_norm`  O(NKd + K^3)
``"ufm"``          :func:`ncbounds.solvers.ufm.certify_regularized_ufm` O(NKd + K^2 N)
``"lpm"``          :func:`ncbounds.solvers.ufm.certify_lpm`            O(K^3)
=================  ==================================================  ===========================
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from .._results import Result
from ..errors import CertificateError, InputError

__all__ = ["Certificate", "certify", "raise_if_failed", "CHECKERS"]


@dataclass(frozen=True)
class Certificate(Result):
    """Optimality certificate of a candidate solution.

    Attributes:
      problem: problem name (``"svm"``, ``"min_norm"``, ``"ufm"``, ``"lpm"``, ...).
      primal_value: objective of the candidate (after any rescaling the checker documents).
      dual_value: value of the dual feasible point used as a lower bound (``-inf`` if none).
      duality_gap: ``primal_value - dual_value`` (>= 0 up to round-off for a feasible pair).
      relative_gap: ``duality_gap / max(1, |primal_value|)``.
      primal_infeasibility: largest constraint violation of the candidate (0 if feasible).
      dual_infeasibility: largest violation of the dual constraints by the dual point.
      stationarity: KKT stationarity residual (NaN where not computed).
      tol: the relative tolerance the verdict used.
      passed: ``True`` iff every residual and the relative gap are within ``tol``.
      details: problem-specific extras (e.g. min margin, spectral norm of the dual matrix).
    """

    problem: str
    primal_value: float
    dual_value: float
    duality_gap: float
    relative_gap: float
    primal_infeasibility: float
    dual_infeasibility: float
    stationarity: float
    tol: float
    passed: bool
    details: dict = field(default_factory=dict)

    @classmethod
    def build(cls, problem: str, *, primal_value: float, dual_value: float,
              primal_infeasibility: float, dual_infeasibility: float,
              stationarity: float = float("nan"), tol: float = 1e-7,
              details: dict | None = None) -> "Certificate":
        """Fill in the gap, relative gap and verdict from the raw residuals."""
        gap = float(primal_value) - float(dual_value)
        rel = gap / max(1.0, abs(float(primal_value)))
        ok = (
            rel <= tol
            and rel >= -tol  # a dual value above the primal means one of them is wrong
            and primal_infeasibility <= tol
            and dual_infeasibility <= tol
            and not (stationarity == stationarity and stationarity > tol)  # NaN = not computed
        )
        return cls(problem=problem, primal_value=float(primal_value), dual_value=float(dual_value),
                   duality_gap=gap, relative_gap=rel,
                   primal_infeasibility=float(primal_infeasibility),
                   dual_infeasibility=float(dual_infeasibility), stationarity=float(stationarity),
                   tol=float(tol), passed=bool(ok), details=dict(details or {}))


def raise_if_failed(cert: Certificate, *, solver: str | None = None, status: str | None = None) -> Certificate:
    """Raise :class:`CertificateError` if ``cert`` did not pass; otherwise return it."""
    if not cert.passed:
        raise CertificateError(
            f"{cert.problem}: candidate failed its certificate (relative gap {cert.relative_gap:.3e}, "
            f"primal infeasibility {cert.primal_infeasibility:.3e}, dual infeasibility "
            f"{cert.dual_infeasibility:.3e}, stationarity {cert.stationarity:.3e}; tol {cert.tol:.1e})",
            status=status, solver=solver)
    return cert


# problem name -> (module, function); resolved lazily so that importing this module stays cheap
CHECKERS: dict[str, tuple[str, str]] = {
    "svm": ("ncbounds.solvers.svm", "certify_svm"),
    "min_norm": ("ncbounds.solvers.min_norm", "certify_min_norm"),
    "ufm": ("ncbounds.solvers.ufm", "certify_regularized_ufm"),
    "lpm": ("ncbounds.solvers.ufm", "certify_lpm"),
}


def certify(problem: str, **candidate: Any) -> Certificate:
    """Certify a candidate for ``problem`` (one of :data:`CHECKERS`); keyword arguments are passed on.

    Example: ``certify("min_norm", W=W, H=H, y=y)``.
    """
    if problem not in CHECKERS:
        raise InputError(f"problem must be one of {sorted(CHECKERS)}, got {problem!r}", argument="problem")
    mod, fn = CHECKERS[problem]
    return getattr(importlib.import_module(mod), fn)(**candidate)


def __getattr__(name: str):  # re-export certify_* lazily
    for mod, fn in CHECKERS.values():
        if fn == name:
            return getattr(importlib.import_module(mod), fn)
    raise AttributeError(name)
