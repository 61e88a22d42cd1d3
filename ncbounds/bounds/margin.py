r"""Numeric evaluation of the multi-class margin-bound family (Gao et al. 2023, GAO-T4.4/C4.5/F7).

Standard form (gao2023.md GAO-T4.4, **[reconstructed]**: the paper's statement is unavailable; the
constants are named parameters): with probability ≥ 1 − δ, for every h in the class and every
γ ∈ (0, r],

.. math:: P[\rho_h(x,y) \le 0] \le \underbrace{\hat R_{S,\gamma}(h)}_{\texttt{empirical\_risk}}
   + \underbrace{\frac{c_K}{\gamma}\mathfrak R_N}_{\texttt{complexity}}
   + \underbrace{u\sqrt{\frac{\log\log_2(2r/\gamma)}{N}}}_{\texttt{uniformity}}
   + \underbrace{\sqrt{\frac{\log(2^u/\delta)}{2N}}}_{\texttt{confidence}},

``c_K`` ∈ {``"4K"``, ``"2K^2"``} or a positive number, ``u`` ∈ {0, 1}. The ramp risk
R̂_{S,γ} = (1/N)Σ_i Φ_γ(ρ_i), Φ_γ(t) = min(1, max(0, 1 − t/γ)) (GAO-D5), ρ_i = p_i the sample margin.

Two readings are always reported side by side (GAO-T4.4-SCALE, GAO-E1):

* **norm-based** — the class 𝓕_B with B_M = max_k‖W_k‖, B_z = max_i‖h_i‖ of the *current*
  (W, H): 𝕽 = B_M B_z/√N (GAO-F7) and r = 2 B_M B_z (the largest margin any member of 𝓕_B can
  have). Invariant under (W, H) → (cW, cH) at γ = p_min.
* **fixed** — 𝕽 and r held at given values (for a trajectory: 𝕽 frozen at the first
  terminal-phase checkpoint, r = the largest norm-based r of the run). This is the reading under
  which a growing p_min "explains" continued test improvement (GAO-C4.5); it drops like 1/c² under
  rescaling, which is exactly the scale non-invariance of GAO-E1.

Not applicable (``applicable=False``, ``verdict="N/A"``, or :class:`~ncbounds.errors.NotApplicableError`
from :func:`margin_bound_terms` with ``strict=True``): γ ≤ 0 — in particular γ = p_min outside the
terminal phase (p_min ≤ 0, GAO-C4.5 / claim 11 control) — and γ > r, where the log-log term is
undefined (claim 9 control). An unbounded class (no 𝕽, no norms: GAO-E2) raises
:class:`~ncbounds.errors.NotApplicableError`. Every term is returned separately so the dominant one
is visible; the bounds are expected to be vacuous (> 1) on real runs — report, never assert < 1.

Entry points: :func:`evaluate_margin_bound` (one instance W, H, y — also what ``ncbounds bound
margin`` calls), :func:`evaluate_margin_trajectory` (dict of recorded arrays, list of checkpoints,
or a training-run object with ``.records``/``.checkpoints``), :func:`plot_margin_trajectory`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .._results import Result
from .._validate import as_float_array, as_labels, check_instance, check_positive
from ..errors import InputError, NotApplicableError
from ..metrics import margins as _margins

__all__ = [
    "MarginBoundTerms",
    "MarginBoundResult",
    "MarginTrajectoryResult",
    "ramp",
    "empirical_margin_risk",
    "linear_rademacher",
    "resolve_c_K",
    "margin_bound_terms",
    "evaluate_margin_bound",
    "evaluate_margin_trajectory",
    "plot_margin_trajectory",
]

_IDS = ("GAO-T4.4", "GAO-C4.5", "GAO-F7", "GAO-D5", "GAO-E1", "GAO-E2")
_TERMS = ("empirical_risk", "complexity", "uniformity", "confidence")


# ------------------------------------------------------------------------------------------------
# scalar pieces
# ------------------------------------------------------------------------------------------------

def ramp(t, gamma: float) -> np.ndarray:
    r"""Ramp loss Φ_γ(t) = min(1, max(0, 1 − t/γ)) (GAO-D5; Mohri et al. 2018, Def. 5.5)."""
    gamma = check_positive(gamma, "gamma")
    return np.clip(1.0 - np.asarray(t, dtype=float) / gamma, 0.0, 1.0)


def empirical_margin_risk(per_sample_margins, gamma: float) -> float:
    r"""R̂_{S,γ} = (1/N)Σ_i Φ_γ(ρ_i) (GAO-D5). Exactly 0 for γ ≤ min_i ρ_i (GAO-C4.5)."""
    m = as_float_array(per_sample_margins, "per_sample_margins", ndim=1)
    return float(ramp(m, gamma).mean())


def linear_rademacher(B_M: float, B_z: float, N: int) -> float:
    r"""Rademacher bound B_M B_z/√N of the norm-bounded linear head 𝓕_B (GAO-F7)."""
    return check_positive(B_M, "B_M") * check_positive(B_z, "B_z") / math.sqrt(check_positive(N, "N"))


def resolve_c_K(c_K, K: int) -> float:
    """The constant c_K: ``"4K"`` (Mohri et al. 2018 Thm 9.2), ``"2K^2"`` (Koltchinskii–Panchenko) or a number."""
    if isinstance(c_K, str):
        key = c_K.replace(" ", "").replace("**", "^").upper()
        if key == "4K":
            return 4.0 * K
        if key in ("2K^2", "2K2"):
            return 2.0 * K * K
        raise InputError(f"c_K must be '4K', '2K^2' or a positive number, got {c_K!r}", argument="c_K")
    return check_positive(c_K, "c_K")


@dataclass(frozen=True)
class MarginBoundTerms(Result):
    """The terms of one reading of the margin bound at one γ.

    ``total`` is NaN when ``applicable`` is False; the terms that are still defined are kept (e.g.
    the complexity term for γ > r). ``dominant`` names the largest term. ``vacuous`` = total ≥ 1.
    """

    reading: str
    gamma: float
    rademacher: float
    r: float
    empirical_risk: float
    complexity: float
    uniformity: float
    confidence: float
    total: float
    applicable: bool
    reason: str
    dominant: str
    vacuous: bool


def margin_bound_terms(gamma: float, *, N: int, K: int, rademacher: float | None, r: float,
                       delta: float = 0.05, c_K="4K", u: int = 1, empirical_risk: float = 0.0,
                       reading: str = "given", strict: bool = False) -> MarginBoundTerms:
    r"""Evaluate the GAO-T4.4 standard form term by term (see the module docstring).

    Args:
      gamma: margin level γ; must lie in (0, r].
      N, K: sample size and number of classes.
      rademacher: 𝕽_N(Π_1(𝓕)); ``None`` or ∞ means the unbounded class of the paper (GAO-E2) and
        raises :class:`NotApplicableError`.
      r: upper end of the admissible γ range.
      delta: confidence parameter in (0, 1).
      c_K: ``"4K"``, ``"2K^2"`` or a positive number. u: 0 (fixed γ) or 1 (uniform in γ).
      empirical_risk: R̂_{S,γ} (0 in the terminal phase at γ ≤ p_min).
      strict: raise :class:`NotApplicableError` instead of returning ``applicable=False``.
    """
    if rademacher is None or not np.isfinite(rademacher):
        raise NotApplicableError(
            "the class of Theorem 4.4 ranges over all M, w without norm bounds, so its Rademacher complexity "
            "is infinite (GAO-E2); pass rademacher or the norm bounds B_M, B_z")
    N = int(N)
    if N < 1:
        raise InputError(f"N must be >= 1, got {N}", argument="N")
    if not (0.0 < float(delta) < 1.0):
        raise InputError(f"delta must be in (0, 1), got {delta!r}", argument="delta")
    if u not in (0, 1):
        raise InputError(f"u must be 0 or 1, got {u!r}", argument="u")
    ck = resolve_c_K(c_K, K)
    rad = float(rademacher)
    r = float(r)
    gamma = float(gamma)
    confidence = math.sqrt(math.log(2.0 ** u / delta) / (2.0 * N))
    reason = ""
    if not np.isfinite(gamma) or gamma <= 0:
        reason = (f"gamma = {gamma:.6g} <= 0: the bound needs gamma in (0, r]; at gamma = p_min this means the "
                  "terminal phase (p_min > 0) has not been reached (GAO-C4.5)")
        complexity = uniformity = float("nan")
    else:
        complexity = ck * rad / gamma
        if gamma > r:
            reason = (f"gamma = {gamma:.6g} > r = {r:.6g}: the bound holds only for gamma in (0, r]; "
                      "log log2(2r/gamma) is undefined there")
            uniformity = float("nan")
        else:
            uniformity = u * math.sqrt(max(math.log(math.log2(2.0 * r / gamma)), 0.0) / N) if u else 0.0
    applicable = reason == ""
    if not applicable and strict:
        raise NotApplicableError(reason)
    vals = {"empirical_risk": float(empirical_risk), "complexity": complexity, "uniformity": uniformity,
            "confidence": confidence}
    total = float(sum(vals.values())) if applicable else float("nan")
    finite = {k: v for k, v in vals.items() if np.isfinite(v)}
    dominant = max(finite, key=finite.get) if finite else ""
    return MarginBoundTerms(reading=reading, gamma=gamma, rademacher=rad, r=r, total=total,
                            applicable=applicable, reason=reason, dominant=dominant,
                            vacuous=bool(applicable and total >= 1.0), **vals)


# ------------------------------------------------------------------------------------------------
# one instance
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MarginBoundResult(Result):
    """GAO-T4.4 evaluated on one instance (W, H, y), both readings.

    Attributes:
      K, N, d: sizes. gamma: the γ used; gamma_source: ``"p_min"`` or ``"given"``.
      p_min, tpt, loss, accuracy: the measured margin, terminal-phase flag (p_min > 0), mean CE and
        training accuracy. pairwise: γ_{y,y′} (K, K).
      B_M, B_z: max row norm of W and of H. c_K (value) and c_K_mode, u, delta.
      norm_based, fixed: :class:`MarginBoundTerms` of the two readings.
      applicable, verdict: of the norm-based reading (``"evaluated"`` or ``"N/A"``), reason.
      pairwise_refinement: output of the user's hook, if one was given (no formula is known).
      tag, ids, notes: provenance.
    """

    K: int
    N: int
    d: int
    gamma: float
    gamma_source: str
    p_min: float
    tpt: bool
    loss: float
    accuracy: float
    pairwise: np.ndarray
    B_M: float
    B_z: float
    c_K: float
    c_K_mode: str
    u: int
    delta: float
    norm_based: MarginBoundTerms
    fixed: MarginBoundTerms
    applicable: bool
    verdict: str
    reason: str
    pairwise_refinement: Any = None
    tag: str = "[reconstructed]"
    ids: tuple = _IDS
    notes: str = ("Standard form of Gao et al. Theorem 4.4 (exact statement unavailable); c_K, u are named "
                  "parameters. Norm-based: Rad = B_M B_z/sqrt(N), r = 2 B_M B_z of the current (W, H). "
                  "Expected to be vacuous on real runs.")


def evaluate_margin_bound(W, H, y, *, gamma: float | str | None = None, c_K="4K", u: int = 1,
                          delta: float = 0.05, r: float | None = None, rademacher_fixed: float | None = None,
                          r_fixed: float | None = None,
                          pairwise_term: Callable[[np.ndarray, dict], Any] | None = None) -> MarginBoundResult:
    r"""Evaluate the margin bound (GAO-T4.4 standard form) on one instance, both readings.

    This is the library call behind ``ncbounds bound margin FEATURES.npz``.

    Args:
      W: bias-free classifier (K, d) (GAO-D1: no bias; a bias breaks homogeneity, GAO-F2).
      H: features (N, d). y: labels (N,) in 0..K-1.
      gamma: ``None``/``"p_min"`` (default: evaluate at γ = p_min, the reading of GAO-C4.5; N/A when
        p_min ≤ 0) or a positive number.
      c_K: ``"4K"`` (default), ``"2K^2"`` or a positive number. u: 1 (uniform in γ, default) or 0.
      delta: confidence, default 0.05.
      r: γ-range end for the norm-based reading; default 2 B_M B_z.
      rademacher_fixed, r_fixed: 𝕽 and r of the fixed reading; default: the norm-based values of
        this instance (the readings then coincide here and differ only under rescaling or along a
        trajectory).
      pairwise_term: optional hook ``f(pairwise_margins (K, K), context dict) -> anything`` for a
        pairwise-margin refinement whose form is unknown (GAO-T4.4); its output is stored verbatim.

    Returns:
      :class:`MarginBoundResult`.
    """
    H, y, W, _, K = check_instance(H, y, W, require_all_classes=False)
    N, d = H.shape
    mg = _margins(W, H, y)
    B_M = float(np.linalg.norm(W, axis=1).max())
    B_z = float(np.linalg.norm(H, axis=1).max())
    if B_M == 0 or B_z == 0:
        raise InputError("W and H must be nonzero to evaluate the norm-based bound", argument="W" if B_M == 0 else "H")
    if gamma is None or (isinstance(gamma, str) and gamma == "p_min"):
        g, src = mg.p_min, "p_min"
    elif isinstance(gamma, str):
        raise InputError(f"gamma must be None, 'p_min' or a number, got {gamma!r}", argument="gamma")
    else:
        g, src = check_positive(gamma, "gamma"), "given"
    risk = empirical_margin_risk(mg.per_sample, g) if g > 0 else float("nan")
    rad = linear_rademacher(B_M, B_z, N)
    r_nb = 2.0 * B_M * B_z if r is None else check_positive(r, "r")
    rad_f = rad if rademacher_fixed is None else check_positive(rademacher_fixed, "rademacher_fixed")
    r_f = r_nb if r_fixed is None else check_positive(r_fixed, "r_fixed")
    common = dict(N=N, K=K, delta=delta, c_K=c_K, u=u, empirical_risk=risk)
    nb = margin_bound_terms(g, rademacher=rad, r=r_nb, reading="norm_based", **common)
    fx = margin_bound_terms(g, rademacher=rad_f, r=r_f, reading="fixed", **common)
    extra = None
    if pairwise_term is not None:
        extra = pairwise_term(mg.pairwise, {"gamma": g, "N": N, "K": K, "B_M": B_M, "B_z": B_z,
                                            "norm_based": nb, "fixed": fx})
    return MarginBoundResult(
        K=K, N=N, d=d, gamma=float(g), gamma_source=src, p_min=mg.p_min, tpt=mg.tpt, loss=mg.loss,
        accuracy=mg.accuracy, pairwise=mg.pairwise, B_M=B_M, B_z=B_z, c_K=resolve_c_K(c_K, K),
        c_K_mode=str(c_K), u=int(u), delta=float(delta), norm_based=nb, fixed=fx,
        applicable=nb.applicable, verdict="evaluated" if nb.applicable else "N/A", reason=nb.reason,
        pairwise_refinement=extra,
    )


# ------------------------------------------------------------------------------------------------
# trajectories
# ------------------------------------------------------------------------------------------------

def _checkpoints(traj, steps=None) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """Normalise the accepted trajectory formats to a list of (step, W, H)."""
    if hasattr(traj, "checkpoints") and not isinstance(traj, dict):
        return _checkpoints(list(traj.checkpoints), steps)
    if hasattr(traj, "records") and not isinstance(traj, dict):
        rec = dict(traj.records)
        if "H" not in rec and getattr(traj, "model", None) == "fixed" and getattr(traj, "H", None) is not None:
            rec["H"] = np.asarray(traj.H)  # fixed-feature run: H is the same at every step
        if "W" not in rec or "H" not in rec:
            raise InputError(
                "this run's records hold no per-checkpoint W/H snapshots (the bound needs max row norms and the "
                "margins at each checkpoint); record 'W' (and 'H') stacks, or pass a list of (step, W, H) "
                "checkpoints", argument="trajectory")
        if "steps" not in rec and "step" in rec and steps is None:
            steps = rec["step"]
        return _checkpoints(rec, steps)
    if isinstance(traj, dict):
        if "W" not in traj or "H" not in traj:
            raise InputError("a trajectory dict needs keys 'W' and 'H' (arrays stacked over checkpoints, or a single "
                             "array shared by all checkpoints)", argument="trajectory")
        W = np.asarray(traj["W"], dtype=float)
        H = np.asarray(traj["H"], dtype=float)
        T = max(W.shape[0] if W.ndim == 3 else 1, H.shape[0] if H.ndim == 3 else 1)
        if W.ndim == 2:
            W = np.broadcast_to(W, (T,) + W.shape)
        if H.ndim == 2:
            H = np.broadcast_to(H, (T,) + H.shape)
        if W.shape[0] != T or H.shape[0] != T:
            raise InputError(f"W and H stacks disagree on the number of checkpoints ({W.shape[0]} vs {H.shape[0]})",
                             argument="trajectory")
        if steps is None:
            for key in ("steps", "step", "epochs", "epoch", "t"):
                if key in traj:
                    steps = np.asarray(traj[key], dtype=float).ravel()
                    break
        st = np.arange(T, dtype=float) if steps is None else np.asarray(steps, dtype=float).ravel()
        if st.shape[0] != T:
            raise InputError(f"steps has {st.shape[0]} entries for {T} checkpoints", argument="steps")
        return [(float(st[t]), W[t], H[t]) for t in range(T)]
    if isinstance(traj, (list, tuple)):
        out = []
        for i, c in enumerate(traj):
            if isinstance(c, dict):
                s = c.get("step", c.get("epoch", i))
                # "W_code"/"H_code": toolkit-orientation copies (e.g. nets.MeanFieldRun, whose "W" is the paper's W)
                Wc = c["W_code"] if "W_code" in c else c["W"]
                Hc = c["H_code"] if "H_code" in c else c["H"]
                out.append((float(s), np.asarray(Wc, float), np.asarray(Hc, float)))
            elif isinstance(c, (list, tuple)) and len(c) == 2:
                out.append((float(i), np.asarray(c[0], float), np.asarray(c[1], float)))
            elif isinstance(c, (list, tuple)) and len(c) == 3:
                out.append((float(c[0]), np.asarray(c[1], float), np.asarray(c[2], float)))
            elif hasattr(c, "W") and hasattr(c, "H"):
                out.append((float(getattr(c, "step", i)), np.asarray(c.W, float), np.asarray(c.H, float)))
            else:
                raise InputError(f"checkpoint {i} must be a dict with W, H (and step), a (W, H) or (step, W, H) tuple",
                                 argument="trajectory")
        if steps is not None:
            st = np.asarray(steps, dtype=float).ravel()
            if st.shape[0] != len(out):
                raise InputError(f"steps has {st.shape[0]} entries for {len(out)} checkpoints", argument="steps")
            out = [(float(s), w, h) for s, (_, w, h) in zip(st, out)]
        return out
    raise InputError("trajectory must be a dict of recorded arrays, a list of checkpoints, or a run object with "
                     "'records' or 'checkpoints'", argument="trajectory")


@dataclass(frozen=True)
class MarginTrajectoryResult(Result):
    """The margin bound along a trajectory: arrays over checkpoints plus each checkpoint's result.

    ``terms_norm_based`` / ``terms_fixed`` map each term name (and ``"total"``) to an array over
    checkpoints (NaN where not applicable). ``rademacher_fixed``/``r_fixed`` are the values held in
    the fixed reading and ``fixed_at`` says how they were chosen.
    """

    steps: np.ndarray
    p_min: np.ndarray
    tpt: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    gamma: np.ndarray
    terms_norm_based: dict
    terms_fixed: dict
    applicable_norm_based: np.ndarray
    applicable_fixed: np.ndarray
    rademacher_fixed: float
    r_fixed: float
    fixed_at: str
    checkpoints: list = field(default_factory=list)
    tag: str = "[reconstructed]"
    ids: tuple = _IDS

    def plot(self, path=None, **kwargs):
        """Plot the bound and its terms against steps; see :func:`plot_margin_trajectory`."""
        return plot_margin_trajectory(self, path, **kwargs)


def evaluate_margin_trajectory(trajectory, y, *, steps=None, gamma: float | str | None = None, c_K="4K",
                               u: int = 1, delta: float = 0.05, fixed_at: str | float = "first_tpt",
                               r_fixed: float | None = None) -> MarginTrajectoryResult:
    r"""Evaluate the margin bound at every checkpoint of a trajectory or training run (GAO-C4.5, GAO-E1).

    Args:
      trajectory: one of
        * a dict of recorded arrays: ``W`` (T, K, d) or (K, d), ``H`` (T, N, d) or (N, d) (fixed
          features), optional ``steps``/``epochs`` (T,);
        * a list of checkpoints: dicts ``{"step", "W", "H"}`` (``"W_code"``/``"H_code"`` take
          precedence when present), tuples ``(W, H)`` or ``(step, W, H)``;
        * a run object with ``.checkpoints`` (such a list) or ``.records`` (such a dict; ``.H``/``.W``
          used for fixed-feature runs), e.g. :class:`ncbounds.nets.DeepHeadRun` and
          :class:`ncbounds.nets.MeanFieldRun` (checkpoints) or a :class:`ncbounds.dynamics.Trajectory`
          whose records hold ``W``/``H`` stacks.
      y: labels (N,).
      gamma: ``None``/``"p_min"`` (default, γ = p_min at each checkpoint) or a fixed positive γ.
      fixed_at: how 𝕽 is frozen in the fixed reading: ``"first_tpt"`` (default; the norm-based 𝕽 at
        the first checkpoint with p_min > 0, as in the spec's table T4), ``"union"`` (max B_M × max
        B_z over the run, /√N: the smallest norm ball containing every checkpoint) or a number.
      r_fixed: r of the fixed reading; default the largest norm-based r = 2 B_M B_z over the run, so
        that γ = p_min ∈ (0, r] at every terminal-phase checkpoint.
    """
    cps = _checkpoints(trajectory, steps)
    if not cps:
        raise InputError("the trajectory has no checkpoints", argument="trajectory")
    y, _ = as_labels(y, "y", n=cps[0][2].shape[0], require_all_classes=False)
    N = cps[0][2].shape[0]
    # pass 1: norms and margins
    BM = np.array([np.linalg.norm(W, axis=1).max() for _, W, _ in cps])
    Bz = np.array([np.linalg.norm(H, axis=1).max() for _, _, H in cps])
    pm = np.array([_margins(W, H, y).p_min for _, W, H in cps])
    if isinstance(fixed_at, str):
        if fixed_at == "first_tpt":
            idx = np.flatnonzero(pm > 0)
            rad_f = float(BM[idx[0]] * Bz[idx[0]] / math.sqrt(N)) if idx.size else float("nan")
        elif fixed_at == "union":
            rad_f = float(BM.max() * Bz.max() / math.sqrt(N))
        else:
            raise InputError(f"fixed_at must be 'first_tpt', 'union' or a number, got {fixed_at!r}", argument="fixed_at")
        fixed_desc = fixed_at
    else:
        rad_f = check_positive(fixed_at, "fixed_at")
        fixed_desc = "given"
    r_f = float(2.0 * (BM * Bz).max()) if r_fixed is None else check_positive(r_fixed, "r_fixed")
    results = []
    for step, W, H in cps:
        if np.isfinite(rad_f):
            res = evaluate_margin_bound(W, H, y, gamma=gamma, c_K=c_K, u=u, delta=delta,
                                        rademacher_fixed=rad_f, r_fixed=r_f)
        else:  # no terminal-phase checkpoint: the fixed reading has nothing to freeze
            res = evaluate_margin_bound(W, H, y, gamma=gamma, c_K=c_K, u=u, delta=delta, r_fixed=r_f)
            fx = res.fixed
            res = _replace(res, fixed=MarginBoundTerms(
                reading="fixed", gamma=fx.gamma, rademacher=float("nan"), r=r_f, empirical_risk=fx.empirical_risk,
                complexity=float("nan"), uniformity=fx.uniformity, confidence=fx.confidence, total=float("nan"),
                applicable=False, reason="no checkpoint with p_min > 0: nothing to freeze Rad at",
                dominant="", vacuous=False))
        results.append((step, res))

    def arr(fn):
        return np.array([fn(r) for _, r in results], dtype=float)

    terms_nb = {k: arr(lambda r, k=k: getattr(r.norm_based, k)) for k in _TERMS + ("total",)}
    terms_fx = {k: arr(lambda r, k=k: getattr(r.fixed, k)) for k in _TERMS + ("total",)}
    return MarginTrajectoryResult(
        steps=np.array([s for s, _ in results]), p_min=pm, tpt=pm > 0,
        loss=arr(lambda r: r.loss), accuracy=arr(lambda r: r.accuracy), gamma=arr(lambda r: r.gamma),
        terms_norm_based=terms_nb, terms_fixed=terms_fx,
        applicable_norm_based=np.array([r.norm_based.applicable for _, r in results]),
        applicable_fixed=np.array([r.fixed.applicable for _, r in results]),
        rademacher_fixed=rad_f, r_fixed=r_f, fixed_at=fixed_desc, checkpoints=[r for _, r in results],
    )


def _replace(obj, **changes):
    import dataclasses
    return dataclasses.replace(obj, **changes)


def plot_margin_trajectory(result: MarginTrajectoryResult, path=None, *, title: str | None = None,
                           xlabel: str = "step", logx: bool = True):
    """Plot the bound (both readings) and its terms against steps/epochs; p_min on a second panel.

    Uses matplotlib's object API with the Agg canvas (no pyplot, no display needed). Returns the
    :class:`matplotlib.figure.Figure`; writes it to ``path`` when given (format from the suffix).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4), constrained_layout=True)
    FigureCanvasAgg(fig)
    ax, ax2 = fig.subplots(1, 2)
    x = np.asarray(result.steps, dtype=float)
    styles = {"complexity": ":", "uniformity": "-.", "confidence": (0, (1, 3)), "empirical_risk": (0, (5, 5))}
    for reading, terms, color in (("norm-based", result.terms_norm_based, "C0"), ("fixed Rad", result.terms_fixed, "C1")):
        ax.plot(x, terms["total"], "-o", ms=3, color=color, label=f"bound ({reading})")
        for k, ls in styles.items():
            v = np.asarray(terms[k], dtype=float)
            if np.any(np.isfinite(v) & (v > 0)):
                ax.plot(x, v, linestyle=ls, color=color, alpha=0.8, label=f"{k} ({reading})")
    ax.axhline(1.0, color="grey", lw=0.8, ls="--", label="1 (vacuous above)")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("bound / term")
    ax.set_title(title or "GAO-T4.4 margin bound at gamma = p_min (standard form)")
    ax.legend(fontsize=7)
    ax2.plot(x, result.p_min, "-o", ms=3, color="C2", label="p_min")
    ax2.axhline(0.0, color="grey", lw=0.8)
    ax2.set_xlabel(xlabel)
    ax2.set_ylabel("p_min")
    ax2.set_title("minimum margin (TPT iff > 0)")
    if logx and np.all(x > 0):
        ax.set_xscale("log")
        ax2.set_xscale("log")
    if path is not None:
        fig.savefig(path)
    return fig
