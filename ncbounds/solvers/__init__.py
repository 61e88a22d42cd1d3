"""Certified convex solvers for the problems of neural-collapse theory.

Submodules are imported lazily (cvxpy is slow to import), so ``import ncbounds.solvers`` is cheap
and ``ncbounds.solvers.multiclass_svm`` loads :mod:`ncbounds.solvers.svm` on first use.

=============================  ===============================================================
``multiclass_svm``             fixed-feature hard-margin multi-class SVM (Crammer–Singer), +bias
``min_norm_separation``        ULPM minimum-norm separation (Ji et al. 2022, JI-P1)
``regularized_ufm``            regularised UFM, CE or MSE (Zhu et al. 2021; classic.md §3.3, §3.6)
``layer_peeled_model``         Fang et al. 2021 layer-peeled model (class-level SDP)
``minority_collapse_curve``    the layer-peeled model over the imbalance ratio R
``certify``                    certificate of any candidate, no solve (``solvers.certificates``)
=============================  ===============================================================
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "multiclass_svm": "svm",
    "multiclass_svm_cvxpy": "svm",
    "SVMSolution": "svm",
    "best_margin_lp": "svm",
    "min_norm_separation": "min_norm",
    "MinNormSolution": "min_norm",
    "regularized_ufm": "ufm",
    "UFMSolution": "ufm",
    "layer_peeled_model": "ufm",
    "LPMSolution": "ufm",
    "minority_collapse_curve": "ufm",
    "lpm_two_group": "ufm",
    "spherical_max_margin": "ufm",
    "frobenius_max_margin": "ufm",
    "certify": "certificates",
    "Certificate": "certificates",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
