"""Claims of ``shared/spec/ji2022.md`` (Ji, Lu, Zhang, Deng & Su 2022: the unconstrained
layer-peeled model). Claim numbers refer to ji2022.md §4, errata to §5.
"""

from __future__ import annotations

import numpy as np

from ncbounds import metrics as M
from ncbounds.geometry import onehot

from .registry import Evidence, claim, compare, verdict_from

PAPER = "ji2022"


# ------------------------------------------------------------------------------ JI-T2.4 (sympy)

def _ybar_spectrum(counts):
    """Exact eigenvalues of Ȳ Ȳᵀ (Ȳ = K·Y − 1 1ᵀ) and the lower-bound chain value N(K−1)/‖Ȳ‖_op."""
    import sympy as sp

    K = len(counts)
    y = np.repeat(np.arange(K), counts)
    Y = sp.Matrix(onehot(y, K).astype(int).tolist())
    Ybar = K * Y - sp.ones(K, len(y))
    ev = (Ybar * Ybar.T).eigenvals()
    op = sp.sqrt(max(ev.keys(), key=lambda e: float(e)))
    chain = sp.nsimplify(len(y) * (K - 1)) / op
    return ev, sp.simplify(chain)


@claim("JI-T2.4-LB", paper=PAPER, provenance="derived", cost="fast", covers=("JI-T2.4", "JI-T2.1"),
       statement="Lower-bound chain ‖X‖_* ≥ ⟨Ȳ, X⟩/‖Ȳ‖_op ≥ N(K−1)/(K√n) = (K−1)√n: eig(ȲȲᵀ) = {K²n (×K−1), 0} "
                 "exactly (sympy) for (K, n) ∈ {(3,2), (4,3), (5,1)}, so the chain is tight for balanced classes.",
       control="counts [4,4,1]: the chain gives 3.0, below the true optimum ‖PY‖_* = 3.4142136 → 'tight' fails")
def t24_lower_bound(ctx, control=False):
    import sympy as sp

    cases = [[4, 4, 1]] if control else [[2] * 3, [3] * 4, [1] * 5]
    conds, meas, exp = {}, {}, {}
    for counts in cases:
        K, n = len(counts), counts[0]
        ev, chain = _ybar_spectrum(counts)
        tag = "x".join(map(str, counts))
        if not control:
            conds[f"spectrum {tag}"] = ev == {sp.Integer(K * K * n): K - 1, sp.Integer(0): 1}
        y = np.repeat(np.arange(K), counts)
        Z = onehot(y, K) - 1.0 / K
        pstar = float(np.linalg.svd(Z, compute_uv=False).sum())  # ‖PY‖_*, the true optimum (CL-SELI)
        meas[f"chain_{tag}"], exp[f"chain_{tag}"] = float(chain), pstar
        conds[f"tight {tag}"] = abs(float(chain) - pstar) <= ctx.tol(1e-12) * pstar
    return verdict_from(conds, measured=meas, expected=exp, tolerance=ctx.tol(1e-12))


# ------------------------------------------------------------------------------ JI-A4 threshold

@claim("JI-A4", paper=PAPER, provenance="derived", cost="fast", covers=("JI-A4", "JI-M1", "JI-T1"),
       statement="Summed vs mean CE changes the separability threshold: K = 2, margins +30 and −0.5 give mean "
                 "CE 0.487 < log 2 although sample 2 is misclassified, while summed CE 0.974 > log 2.",
       control="margins +30 and +0.5: both thresholds agree, so 'the mean threshold misleads' fails")
def a4_threshold(ctx, control=False):
    q2 = 0.5 if control else -0.5
    logits = np.array([[30.0, 0.0], [q2, 0.0]])  # label 0 for both: margins 30 and q2
    y = np.array([0, 0])
    mean, total = M.ce_loss(logits, y), M.ce_loss(logits, y, reduction="sum")
    separated = bool(np.min(logits[:, 0] - logits[:, 1]) > 0)
    mean_says = mean < np.log(2)
    sum_says = total < np.log(2)
    return verdict_from(
        {"mean-CE threshold misleads": mean_says and not separated,
         "summed-CE threshold is right": sum_says == separated},
        measured={"mean_ce": mean, "summed_ce": total, "separated": separated},
        expected={"mean_ce": 0.487, "summed_ce": 0.974})
