r"""Gradient dynamics of cross-entropy: fixed features, the free-feature model, landscape, rates.

Notation follows ``shared/spec/ji2022.md`` §2 and ``classic.md`` §3.2: features ``H`` (N, d),
classifier ``W`` (K, d), logits ``Z = H Wᵀ (+ b)`` (N, K) (the spec's ``X = W Hᵀ`` is ``Zᵀ``),
margins :math:`q_{i,j} = z_{i,y_i} - z_{i,j}`, cross-entropy
:math:`\ell_i = \log(1 + \sum_{j\ne y_i} e^{-q_{i,j}})` and the **summed** loss
:math:`L = \sum_i \ell_i` (``reduction="mean"`` divides by N, which only rescales time).

What is here
------------
=====================================  ===========================================================
:func:`gd_fixed_features`              full-batch GD on CE with H fixed (Soudry et al. 2018,
                                       Nacson et al. 2019; classic.md CL-SOUDRY*, CL-NACSON):
                                       angle and margin gap to the hard-margin SVM direction
:func:`gd_ufm`                         GD on the unconstrained free-feature model (W and H trained;
                                       ji2022.md JI-T1, gao2023.md GAO-F6), incl. the time-rescaled
                                       flow of the spec's "E1 run", weight decay (Zhu et al. 2021)
:class:`Trajectory`, :func:`plot`      the recorded run (frozen dataclass) and a matplotlib figure
``ulpm_*``, ``fixed_*``, ``ufm_*``     loss, analytic gradient and Hessian-vector product of the
                                       ULPM loss, the fixed-feature loss and the regularised UFM
:func:`hessian_min_eig`                smallest Hessian eigenvalue (dense or ``eigsh``)
:func:`origin_point` & co.             the critical / KKT points of JI-T3a.*, JI-T3b.*, the K-gon
                                       traps, :func:`escape_demo`
:func:`fit_rates`                      c/log t versus c·t^(-α) fits of measured gaps
:func:`taylor_slopes`                  Taylor-remainder slope test of hand-written derivatives
=====================================  ===========================================================

Numerics in the terminal phase (ji2022.md §2)
--------------------------------------------
Once every margin is large the loss falls far below machine epsilon, and ``softmax − onehot``
cancels to noise (its target entry is ``1 − 1``). Everything here is computed per sample from the
off-target terms ``exp(z_k − z_{y_i})`` directly: with :math:`u_i = \log\sum_{k\ne y_i}
e^{-q_{i,k}}` (a log-sum-exp, never underflows), :math:`\ell_i = \operatorname{softplus}(u_i)`,
:math:`\log\ell_i = \log\operatorname{softplus}(u_i)` (``= u_i`` to double precision when
``u_i < −700``), :math:`\log L` by a log-sum-exp over samples, and the gradient divided by L from
:math:`G_{ik}/L = \exp(-q_{ik} - \ell_i - \log L)` (off-target) with the target entry equal to minus
the row sum. So ``∇L/L`` stays exact when L itself underflows to 0, and the trajectories record
``log L`` (field ``log_loss``) rather than L. The normalised and time-rescaled schedules only ever
use ``∇L/L``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._results import Result
from ._validate import (
    as_float_array,
    as_labels,
    as_rng,
    check_instance,
    check_int,
    check_nonnegative,
    check_num_classes,
    check_positive,
)
from .errors import InputError, NCBoundsError, NotSeparableError, ShapeError

__all__ = [
    "Trajectory",
    "gd_fixed_features",
    "gd_ufm",
    "record_grid",
    "plot",
    # losses, gradients, Hessian-vector products
    "ulpm_loss",
    "ulpm_log_loss",
    "ulpm_grad",
    "ulpm_hvp",
    "fixed_loss",
    "fixed_grad",
    "fixed_hvp",
    "ufm_objective",
    "ufm_grad",
    "ufm_hvp",
    "taylor_slopes",
    # landscape
    "HessianEig",
    "hessian_min_eig",
    "CriticalPoint",
    "origin_point",
    "equal_rows_point",
    "square_kkt_point",
    "polygon_kkt_point",
    "normalized_objective",
    "kkt_residual",
    "kkt_escape_direction",
    "EscapeDemo",
    "escape_demo",
    # rates
    "RateFit",
    "fit_rates",
    "trajectory_rates",
]

SCHEDULES = ("constant", "normalized", "grad_normalized", "rescaled")
_REDUCTIONS = ("sum", "mean")
_U_TINY = -700.0  # below this, log softplus(u) == u to double precision (exp(u) < 1e-304)


# =================================================================================================
# log-domain cross-entropy kernel
# =================================================================================================

class _CEKernel:
    """Preallocated buffers for the log-domain CE value and gradient of a fixed label vector.

    Usage: write logits into ``self.Z`` (N, K), call :meth:`run`; on return ``self.Z`` holds
    ``a·G`` (``G = softmax − onehot`` of the summed loss) or ``a·G/L``, computed without forming
    ``softmax − onehot`` (module docstring). ``self.m = −p_i`` (per-sample margins, negated),
    ``self.u = log Σ_{k≠y_i} e^{−q_ik}`` and ``self.sp = ℓ_i`` stay available until the next call.
    """

    def __init__(self, y: np.ndarray, K: int):
        N = int(y.shape[0])
        self.N, self.K = N, K
        self.tidx = np.arange(N, dtype=np.intp) * K + y
        self.Z = np.empty((N, K))
        self.zf = self.Z.reshape(-1)
        self.ones = np.ones(K)
        self.zy = np.empty(N)
        self.mz = np.empty(N)
        self.mz_col = self.mz[:, None]
        self.m = np.empty(N)
        self.s = np.empty(N)
        self.u = np.empty(N)
        self.sp = np.empty(N)
        self.c = np.empty(N)
        self.c_col = self.c[:, None]
        self.t = np.empty(N)

    def run(self, over_L: bool, log_scale: float = 0.0, need_logL: bool = False) -> float:
        """Turn the logits in ``Z`` into ``exp(log_scale)·G`` (or ``·G/L`` with ``over_L``).

        Returns log L of the **summed** loss when ``over_L or need_logL`` (else NaN).
        """
        Z, zf, tidx = self.Z, self.zf, self.tidx
        np.take(zf, tidx, out=self.zy)  # z_{i,y_i}
        zf[tidx] = -np.inf
        np.maximum.reduce(Z, axis=1, out=self.mz)  # max off-target logit
        np.subtract(Z, self.mz_col, out=Z)
        np.exp(Z, out=Z)  # off-target exp(z_k − max_{j≠y} z_j) ∈ (0, 1], target 0
        np.dot(Z, self.ones, out=self.s)  # >= 1
        m = self.m
        np.subtract(self.mz, self.zy, out=m)  # −p_i
        np.log(self.s, out=self.u)
        self.u += m  # u_i = log Σ_{k≠y} e^{−q_ik}
        np.logaddexp(0.0, self.u, out=self.sp)  # ℓ_i = softplus(u_i)
        logL = math.nan
        if over_L or need_logL:
            logL = self.log_loss()
        c = self.c
        np.subtract(m, self.sp, out=c)
        shift = log_scale - logL if over_L else log_scale
        if shift != 0.0:
            c += shift
        np.exp(c, out=c)  # G_ik = exp(−q_ik − ℓ_i) = Z_ik · exp(−p_i − ℓ_i)
        np.multiply(Z, self.c_col, out=Z)
        np.multiply(self.s, c, out=self.t)
        np.negative(self.t, out=self.t)
        zf[tidx] = self.t  # target entry = −(row sum of the off-target entries)
        return logL

    def log_loss(self) -> float:
        """log Σ_i ℓ_i from the current ``u``/``sp`` (accurate when every ℓ_i underflows)."""
        umax = float(self.u.max())
        if umax > -600.0 or not math.isfinite(umax):
            # the largest ℓ_i is a normal number: the underflowed ones are negligible beside it
            return math.log(float(self.sp.sum())) if math.isfinite(umax) else umax
        # every ℓ_i < e^{-600}: ℓ_i = e^{u_i}(1 − e^{u_i}/2 + …) = e^{u_i} to double precision
        t = self.t
        np.subtract(self.u, umax, out=t)
        np.exp(t, out=t)
        return umax + math.log(float(t.sum()))

    @property
    def p_min(self) -> float:
        return float(-self.m.max())


def _log_ce(Z: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(log L_sum, p_min, G/L) of logits ``Z`` (N, K), log-domain (module docstring)."""
    ker = _CEKernel(y, Z.shape[1])
    ker.Z[...] = Z
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        logL = ker.run(over_L=True)
    return logL, ker.p_min, ker.Z


def _neg_log_expm1(logL: float) -> float:
    """−log(e^L − 1) from log L, accurate for tiny L (the smoothed-margin numerator, CL-LYULI)."""
    if logL < -20.0:
        return -logL - 0.5 * math.exp(logL)
    L = math.exp(logL)
    if L > 700.0:
        return -L
    return -math.log(math.expm1(L))


def _logaddexp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    mx = a if a > b else b
    return mx + math.log1p(math.exp(-abs(a - b)))


def _half_sq_dist_unit(A: np.ndarray, B: np.ndarray) -> float:
    """1 − cos(A, B) computed as ½‖A/‖A‖ − B/‖B‖‖² (accurate when the angle is tiny)."""
    na, nb = float(np.linalg.norm(A)), float(np.linalg.norm(B))
    if na == 0.0 or nb == 0.0 or not (math.isfinite(na) and math.isfinite(nb)):
        return math.nan
    D = A / na - B / nb
    return 0.5 * float(np.vdot(D, D))


# =================================================================================================
# schedules and the record grid
# =================================================================================================

def _check_schedule(schedule, allowed=SCHEDULES) -> str:
    if callable(schedule):
        return "callable"
    if schedule == "flow":
        schedule = "rescaled"
    if schedule not in allowed:
        raise InputError(f"schedule must be one of {allowed} or a callable(step, loss, gradnorm) -> lr, "
                         f"got {schedule!r}", argument="schedule")
    return schedule


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise InputError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}", argument="reduction")
    return reduction


def record_grid(steps: int, *, n_records: int = 60, record_every: int | None = None,
                record_at: Sequence[int] | None = None) -> np.ndarray:
    """The step numbers at which a trajectory records (always including 0 and ``steps``).

    Priority: ``record_at`` (explicit steps), else ``record_every`` (a linear grid), else
    ``n_records`` points log-spaced between 1 and ``steps`` (rounded to integers, duplicates
    removed, so short runs get fewer points).
    """
    steps = check_int(steps, "steps")
    if steps < 0:
        raise InputError(f"steps must be >= 0, got {steps}", argument="steps")
    if record_at is not None:
        g = np.asarray(record_at)
        if g.ndim != 1 or g.dtype.kind not in "iu" or g.size and (g.min() < 0 or g.max() > steps):
            raise InputError(f"record_at must be integer steps in 0..{steps}", argument="record_at")
        g = np.concatenate([g, [0, steps]])
    elif record_every is not None:
        every = check_int(record_every, "record_every")
        if every < 1:
            raise InputError(f"record_every must be >= 1, got {every}", argument="record_every")
        g = np.concatenate([np.arange(0, steps + 1, every), [steps]])
    else:
        n = check_int(n_records, "n_records")
        if n < 2:
            raise InputError(f"n_records must be >= 2, got {n}", argument="n_records")
        g = np.concatenate([[0], np.rint(np.logspace(0.0, np.log10(max(steps, 1)), n)), [steps]])
    g = np.unique(g.astype(np.int64))
    return g[(g >= 0) & (g <= steps)]


# =================================================================================================
# Trajectory
# =================================================================================================

@dataclass(frozen=True)
class Trajectory(Result):
    """A recorded gradient-descent run (returned by :func:`gd_fixed_features` and :func:`gd_ufm`).

    Attributes:
      model: ``"fixed"`` (fixed features, W trained) or ``"ufm"`` (free features, W and H trained).
      W: final classifier (K, d). H: final features (N, d) (the given features for ``"fixed"``).
      b: final bias (K,) or ``None``. y: labels (N,).
      steps: number of steps taken (fewer than requested if the run diverged).
      records: name → array on the recorded step grid ``records["step"]``; see the run functions
        for the names. ``log_t`` is the log of the elapsed gradient-flow time of the **summed**
        loss (Σ_s η_s over steps, η_s the step multiplying ∇L_sum), ``log_loss`` the natural log
        of the loss in the run's reduction.
      schedule, lr, reduction, weight_decay (λ_W, λ_H), seed: the run's settings.
      separable: fixed features: ``True``/``False`` from the SVM solve (``None`` if not computed);
        UFM: ``True`` (the ULPM is always separable, JI-M1).
      status: ``"ok"`` or ``"diverged"`` (non-finite parameters; the records stop there).
      message: human-readable notes (e.g. "not separable: no SVM direction exists").
      reference: the targets the records are measured against (SVM norm, γ*, p*, ...).
      seconds: wall time of the loop including recording.
    """

    model: str
    W: np.ndarray
    H: np.ndarray
    b: np.ndarray | None
    y: np.ndarray
    steps: int
    records: dict
    schedule: str
    lr: float
    reduction: str
    weight_decay: tuple
    seed: Any
    separable: bool | None
    status: str
    message: str
    reference: dict = field(default_factory=dict)
    seconds: float = 0.0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.records[name]

    def final(self, name: str) -> float:
        """Last recorded value of ``records[name]``."""
        return float(self.records[name][-1])

    def at(self, step: int, name: str) -> float:
        """Value of ``records[name]`` at the recorded step ``step`` (KeyError if not recorded)."""
        idx = np.flatnonzero(self.records["step"] == step)
        if idx.size == 0:
            raise KeyError(f"step {step} was not recorded (grid: {self.records['step'].tolist()})")
        return float(self.records[name][idx[0]])

    def first_step_below(self, name: str, threshold: float) -> int | None:
        """First recorded step with ``records[name] <= threshold`` (``None`` if never)."""
        v = self.records[name]
        idx = np.flatnonzero(v <= threshold)
        return int(self.records["step"][idx[0]]) if idx.size else None


class _Recorder:
    def __init__(self, grid: np.ndarray):
        self.grid = grid
        self.rows: list[dict] = []

    def add(self, row: dict) -> None:
        self.rows.append(row)

    def arrays(self) -> dict:
        keys: list[str] = []
        for r in self.rows:
            for k in r:
                if k not in keys:
                    keys.append(k)
        out = {}
        for k in keys:
            vals = [r.get(k, math.nan) for r in self.rows]
            out[k] = np.asarray(vals, dtype=np.int64 if k == "step" else np.float64)
        return out


def _resolve_weight_decay(weight_decay) -> tuple[float, float]:
    if isinstance(weight_decay, (tuple, list)):
        if len(weight_decay) != 2:
            raise InputError("weight_decay must be a number or a pair (lambda_W, lambda_H)",
                             argument="weight_decay")
        return (check_nonnegative(weight_decay[0], "weight_decay[0]"),
                check_nonnegative(weight_decay[1], "weight_decay[1]"))
    lam = check_nonnegative(weight_decay, "weight_decay")
    return lam, lam


def _user_lr(fn, step: int, logL: float, log_gn: float, N: int, reduction: str) -> float:
    """Call a user schedule with the loss and gradient norm of the run's reduction."""
    off = math.log(N) if reduction == "mean" else 0.0
    with np.errstate(over="ignore", under="ignore"):
        loss = math.exp(min(logL - off, 700.0))
        gn = math.exp(min(logL - off + log_gn, 700.0))
    lr = float(fn(step, loss, gn))
    if not math.isfinite(lr) or lr < 0:
        raise InputError(f"the schedule callable returned {lr!r} at step {step}; it must return a "
                         "finite lr >= 0", argument="schedule")
    return lr


# =================================================================================================
# fixed features
# =================================================================================================

def _svm_reference(Ha: np.ndarray, y: np.ndarray, K: int, svm) -> tuple[np.ndarray | None, bool | None, str]:
    """(Ŵ on the augmented features, separable flag, message)."""
    if svm is False or svm is None:
        return None, None, "SVM direction not computed (svm=False)"
    if svm is not True:
        What = getattr(svm, "W", svm)
        b = getattr(svm, "b", None)
        What = as_float_array(What, "svm", ndim=2)
        if b is not None and What.shape[1] == Ha.shape[1] - 1:
            What = np.concatenate([What, np.asarray(b, float)[:, None]], axis=1)
        if What.shape != (K, Ha.shape[1]):
            raise ShapeError(f"svm solution must have shape {(K, Ha.shape[1])}, got {What.shape}",
                             argument="svm")
        return What, True, ""
    from .solvers import multiclass_svm

    try:
        sol = multiclass_svm(Ha, y)
    except NotSeparableError as exc:
        return None, False, f"not separable: no SVM direction exists ({exc})"
    except NCBoundsError as exc:
        return None, None, f"SVM solve failed: {exc}"
    return np.asarray(sol.W, dtype=float), True, ""


def gd_fixed_features(H, y, *, steps: int, lr, schedule="constant", reduction: str = "sum",
                      bias: bool = False, W0=None, b0=None, init_scale: float = 0.0, seed=None,
                      K: int | None = None, n_records: int = 60, record_every: int | None = None,
                      record_at: Sequence[int] | None = None, svm=True) -> Trajectory:
    r"""Full-batch gradient descent on cross-entropy with fixed features (classic.md §3.2).

    Update :math:`W \leftarrow W - \eta_t \nabla_W L(W)` with L the summed CE (``reduction="mean"``
    divides L by N) and the step size ``η_t`` given by ``schedule``:

    * ``"constant"``: η_t = ``lr`` (CL-SOUDRY; the safe choice is ``lr = 1/‖H‖_op²`` for the summed
      loss, ``lr="auto"``); the direction error to the SVM decays like 1/log t (CL-SOUDRY-RATE);
    * ``"normalized"``: η_t = ``lr``/L(W_t) (Nacson et al. 2019, classic.md claim 7: η₀/L);
    * ``"grad_normalized"``: η_t = ``lr``/‖∇L(W_t)‖ (unit-length steps);
    * a callable ``schedule(step, loss, gradnorm) -> lr`` (loss and gradient norm of the run's
      reduction; they underflow to 0 deep in the terminal phase, where the built-in schedules,
      which use ∇L/L in log-domain, keep working).

    Soudry et al. 2018: on separable data W(t)/‖W(t)‖ → Ŵ/‖Ŵ‖, Ŵ the hard-margin multi-class
    (Crammer–Singer) SVM ``solvers.multiclass_svm(H, y)`` (bias-free). With ``bias=True`` a bias
    b is trained too; GD is then GD on the augmented features [H, 1], so the direction target is
    the SVM on [H, 1] (the bias is penalised with W) and the angle is measured on [W, b].

    Args:
      H: (N, d) features, fixed. y: (N,) labels in 0..K-1.
      steps: number of GD steps.
      lr: step size (constant) or η₀ (the normalised schedules); ``"auto"`` = 1/‖[H(, 1)]‖_op²
        (divided by nothing for ``"sum"``; times N for ``"mean"``).
      schedule: see above.
      reduction: ``"sum"`` (default, Soudry's L) or ``"mean"``.
      bias: train a bias too.
      W0, b0: initial classifier/bias (default zeros, or ``init_scale``·N(0, 1) seeded by ``seed``).
      n_records, record_every, record_at: the record grid (:func:`record_grid`).
      svm: ``True`` (solve ``multiclass_svm``), ``False`` (no SVM records) or a precomputed solution
        (an object with ``.W`` (and ``.b``) or a (K, d) array).

    Records (arrays on ``records["step"]``): ``log_t`` (log Σ η_s, summed-loss time), ``log_loss``,
    ``p_min``, ``norm_W`` (‖[W, b]‖_F), ``margin`` (p_min/‖W‖), ``smoothed_margin``
    (log(1/(e^L − 1))/‖W‖, CL-LYULI with L_h = 1), ``align`` (1 − cos(W, −∇L), CL-JT), and with an
    SVM direction: ``angle`` (1 − cos(W, Ŵ), computed as ½‖W/‖W‖ − Ŵ/‖Ŵ‖‖²), ``dir_error``
    (‖W/‖W‖ − Ŵ/‖Ŵ‖‖), ``margin_gap`` (1/‖Ŵ‖ − p_min/‖W‖) and ``soudry_residual``
    (‖W(t) − Ŵ log t‖, t = step number, CL-A8). On non-separable data these four are NaN,
    ``separable`` is ``False`` and ``message`` says that no SVM direction exists.

    Example:
      >>> from ncbounds.data import sep_a
      >>> inst = sep_a()
      >>> tr = gd_fixed_features(inst.H, inst.y, steps=1000, lr="auto", schedule="normalized")
      >>> tr.final("angle") < 1e-2, tr.separable
      (True, True)
    """
    t_start = time.perf_counter()
    H, y, _, _, K = check_instance(H, y, K=K)
    N, d = H.shape
    steps = check_int(steps, "steps")
    if steps < 0:
        raise InputError(f"steps must be >= 0, got {steps}", argument="steps")
    sched = _check_schedule(schedule)
    reduction = _check_reduction(reduction)
    bias = bool(bias)
    Ha = np.ascontiguousarray(np.concatenate([H, np.ones((N, 1))], axis=1)) if bias else H
    da = Ha.shape[1]
    if isinstance(lr, str):
        if lr != "auto":
            raise InputError(f"lr must be a positive number or 'auto', got {lr!r}", argument="lr")
        lr = 1.0 / float(np.linalg.norm(Ha, 2)) ** 2 * (N if reduction == "mean" else 1.0)
    lr = check_positive(lr, "lr")
    init_scale = check_nonnegative(init_scale, "init_scale")

    rng = as_rng(seed)
    if W0 is None:
        W = init_scale * rng.normal(size=(K, d)) if init_scale > 0 else np.zeros((K, d))
    else:
        W = as_float_array(W0, "W0", shape=(K, d)).copy()
    Wa = np.empty((K, da))
    Wa[:, :d] = W
    if bias:
        Wa[:, d] = 0.0 if b0 is None else as_float_array(b0, "b0", shape=(K,))
    elif b0 is not None:
        raise InputError("b0 was given but bias=False", argument="b0")

    What, separable, message = _svm_reference(Ha, y, K, svm)
    ref: dict[str, Any] = {"K": K, "N": N, "d": d, "bias": bias}
    if What is not None:
        nW = float(np.linalg.norm(What))
        ref.update(svm_norm=nW, svm_margin=1.0 / nW, svm_objective=0.5 * nW * nW)

    grid = record_grid(steps, n_records=n_records, record_every=record_every, record_at=record_at)
    rec = _Recorder(grid)
    ker = _CEKernel(y, K)
    gW = np.empty((K, da))
    Z, Wf = ker.Z, Wa.reshape(-1)
    lr_sum = lr / N if reduction == "mean" else lr  # step on ∇L_sum (constant schedule)
    log_lr = math.log(lr)
    logt = -math.inf

    def record(step: int, logt: float) -> None:
        np.dot(Ha, Wa.T, out=Z)
        logL, pmin, D = _log_ce(Z, y)
        nw = float(np.linalg.norm(Wa))
        row = {"step": step, "log_t": logt,
               "log_loss": logL - (math.log(N) if reduction == "mean" else 0.0),
               "p_min": pmin, "norm_W": nw,
               "margin": pmin / nw if nw > 0 else math.nan,
               "smoothed_margin": _neg_log_expm1(logL) / nw if nw > 0 else math.nan}
        g = D.T @ Ha
        row["align"] = _half_sq_dist_unit(Wa, -g) if nw > 0 else math.nan
        if What is not None:
            row["angle"] = _half_sq_dist_unit(Wa, What) if nw > 0 else math.nan
            row["dir_error"] = math.sqrt(2.0 * row["angle"]) if nw > 0 else math.nan
            row["margin_gap"] = ref["svm_margin"] - row["margin"]
            row["soudry_residual"] = (float(np.linalg.norm(Wa - What * math.log(step)))
                                      if step >= 1 else math.nan)
        else:
            for k in ("angle", "dir_error", "margin_gap", "soudry_residual"):
                row[k] = math.nan
        rec.add(row)

    status = "ok"
    gi = 0
    taken = 0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        if grid[0] == 0:
            record(0, logt)
            gi = 1
        for t in range(1, steps + 1):
            np.dot(Ha, Wa.T, out=Z)
            if sched == "constant":
                ker.run(over_L=False, log_scale=math.log(lr_sum))
                np.dot(Z.T, Ha, out=gW)
                inc = math.log(lr_sum)
            elif sched == "normalized":
                logL = ker.run(over_L=True, log_scale=log_lr)
                np.dot(Z.T, Ha, out=gW)
                inc = log_lr - logL
            else:  # grad_normalized, callable: need ‖∇L/L‖ first
                logL = ker.run(over_L=True)
                np.dot(Z.T, Ha, out=gW)
                gn = math.sqrt(float(np.dot(gW.reshape(-1), gW.reshape(-1))))
                if sched == "grad_normalized":
                    a = lr / gn
                else:
                    a = _user_lr(schedule, t - 1, logL, math.log(gn), N, reduction) * math.exp(logL)
                    if reduction == "mean":
                        a /= N
                gW *= a
                inc = math.log(a) - logL if a > 0 else -math.inf
            Wa -= gW
            logt = _logaddexp(logt, inc)
            taken = t
            if gi < grid.size and t == grid[gi]:
                if not np.isfinite(Wf).all():
                    status = "diverged"
                    break
                record(t, logt)
                gi += 1
            elif (t & 1023) == 0 and not math.isfinite(float(Wf.sum())):
                status = "diverged"
                break
    if status == "diverged":
        message = (message + "; " if message else "") + f"diverged (non-finite W) by step {taken}"
    return Trajectory(
        model="fixed", W=Wa[:, :d].copy(), H=H, b=Wa[:, d].copy() if bias else None, y=y, steps=taken,
        records=rec.arrays(), schedule=sched if sched != "callable" else getattr(schedule, "__name__", "callable"),
        lr=lr, reduction=reduction, weight_decay=(0.0, 0.0), seed=_seed_value(seed), separable=separable,
        status=status, message=message, reference=ref, seconds=time.perf_counter() - t_start)


def _seed_value(seed) -> Any:
    if seed is None or isinstance(seed, (bool, np.bool_)):
        return None
    if isinstance(seed, (int, np.integer)):
        return int(seed)
    return type(seed).__name__


# =================================================================================================
# free features (UFM / ULPM)
# =================================================================================================

def _nuclear_sel(y: np.ndarray, K: int) -> float:
    """p* = ‖PY‖_* (ji2022.md JI-P1D; balanced: (K−1)√n)."""
    from .geometry import sel_matrix

    return float(np.linalg.svd(sel_matrix(y, K), compute_uv=False).sum())


def _min_norm_reference(y, K, d):
    from .solvers import min_norm_separation

    sol = min_norm_separation(y, K, d=d)
    return np.asarray(sol.W, float), np.asarray(sol.H, float)


def _ufm_reference(y, K, d, lw, lh, reduction, N):
    from .solvers import regularized_ufm

    scale = 1.0 / N if reduction == "sum" else 1.0  # Σℓ + λ/2‖θ‖² = N·(mean + (λ/N)/2‖θ‖²)
    sol = regularized_ufm(y, loss="ce", lambda_W=lw * scale, lambda_H=lh * scale, K=K, d=d)
    return sol


def gd_ufm(y, d: int, *, steps: int, lr, weight_decay=0.0, init_scale: float = 0.5, seed=None,
           init: str = "ulpm", bias: bool = False, schedule="constant", reduction: str = "sum", K: int | None = None,
           W0=None, H0=None, b0=None, train_W: bool = True, train_H: bool = True,
           n_records: int = 60, record_every: int | None = None, record_at: Sequence[int] | None = None,
           nc: bool = True, reference: bool = True) -> Trajectory:
    r"""Gradient descent on the free-feature model: W and H both trained (ji2022.md JI-T1).

    .. math:: \theta = (W, H),\quad \theta \leftarrow \theta - \eta_t\,(\nabla L(\theta) + \lambda\theta),
              \qquad L = \sum_i \ell(W h_i, y_i)\ (\text{or } \tfrac1N\sum_i)

    Schedules: ``"constant"`` (η_t = ``lr``), ``"normalized"`` (``lr``/L), ``"grad_normalized"``
    (``lr``/‖∇L‖), ``"rescaled"`` (alias ``"flow"``: the time-rescaled flow of ji2022.md §2/§4,
    θ ← θ − c∇L/(L‖θ‖²) with c = ``lr``, which traces the gradient-flow path while advancing
    log t about linearly; real time accumulates as ``log t ← logaddexp(log t, log c − log L −
    log‖θ‖²)`` before each step: this is the spec's "E1 run" with K = 4, n = 3, d = 6, seed 0,
    ``init_scale`` 0.5, c = 0.2) or a callable ``(step, loss, gradnorm) -> lr``. Weight decay
    needs ``"constant"`` or a callable (a step ∝ 1/L would turn the decay factor 1 − ηλ negative).

    Initialisation: ``rng = default_rng(seed)``, ``W = s·N(0,1)^{K×d}`` drawn first (``s =
    init_scale``), then with ``init="ulpm"`` (default; ji2022.md §4, :func:`ncbounds.data.ulpm_init`)
    ``Hᵀ = s·N(0,1)^{d×N}`` drawn as (d, N) and transposed, with ``init="rows"`` ``H = s·N(0,1)^{N×d}``
    drawn as (N, d) (the order that reproduces gao2023.md's GAO-F6 table with s = 0.1). ``W0``/``H0``
    override the draws.

    Args:
      y: (N,) labels in 0..K-1 (any class sizes). d: feature dimension.
      steps, lr, schedule: as above. reduction: ``"sum"`` (the ULPM's L, default) or ``"mean"``.
      weight_decay: λ or (λ_W, λ_H) ≥ 0; with λ > 0 the run converges to the regularised UFM
        minimiser (``solvers.regularized_ufm``, Zhu et al. 2021), reported as ``ufm_*`` records.
      bias: train a bias b (the model is then not homogeneous; JI-A5).
      train_W, train_H: freeze one factor (gao2023.md claim 6's control freezes W).
      nc: record the NC metrics (``metrics.nc_metrics``; costs a little per record).
      reference: compute the min-norm solution (and the UFM minimiser with weight decay) for the
        distance records (``solvers.min_norm_separation`` / ``regularized_ufm``).

    Records (on ``records["step"]``):

    * ``log_t``, ``log_loss``, ``p_min``, ``theta_sq`` (‖θ‖² = ‖W‖² + ‖H‖²), ``norm_W_sq``,
      ``norm_H_sq``;
    * ``gamma`` = p_min/(½‖θ‖²) (the 2-homogeneous normalised margin, = ν_UFM of gao2023.md) and
      ``gamma_gap`` = γ* − γ with γ* = 1/‖PY‖_* (balanced: 1/((K−1)√n), JI-T2.1; any class
      sizes: the SEL optimum, JI-P1D/CL-SELI; for d < K−1 it is only an upper bound, JI-T2.5);
      ``smoothed_margin`` γ̃ = log(1/(e^L − 1))/‖θ‖² (JI-T1.4, CL-LYULI; → γ*/2);
    * ``align`` = 1 − cos(θ, −∇L) (CL-JT, ji2022 claim 8);
    * ``procrustes``: ‖A/‖A‖ − B/‖B‖·Q‖_F for the stacked A = [W; H] against the min-norm solution
      B (``min_norm_separation``), Q the best rotation; ``sel_distance`` = ‖X/‖X‖_F − PY/‖PY‖_F‖_F;
    * JI-T1.3 rates (summed loss, t = ``exp(log_t)``): ``rate_log_loss`` = log L − [log(p*/2) −
      log t − log log t] and ``rate_theta`` = ‖θ‖²/(2p* log t) (both → 0 resp. 1 along GF with
      d ≥ K−1);
    * conservation laws (JI-T1.2): ``sum_W_drift`` = ‖1ᵀW(t) − 1ᵀW(0)‖ (exact under GD),
      ``gram_drift`` = ‖(WᵀW − HᵀH)(t) − (WᵀW − HᵀH)(0)‖_F (O(η) under GD);
    * with ``nc``: ``nc1`` (Papyan), ``nc2`` (ETF Gram distance of the centred means),
      ``nc2_equinorm_H``, ``nc2_equiangularity_H``, ``nc2_maxangle_H``, the classifier versions
      uncentred (``nc2_equinorm_W``, ``nc2_maxangle_W``, ``nc2_gram_W``) and centred
      (``nc2_equinorm_Wc``, ``nc2_maxangle_Wc``, W̃ = W − 11ᵀW/K), ``nc3`` (Papyan squared, W
      uncentred) and ``nc3_centered`` (ji2022 claim 9, CL-A6), ``nc4``, and ``gram_gap_W``
      (gao2023 GAO-F6: ‖(K−1)·PWWᵀP/tr − P‖_F);
    * with weight decay: ``objective`` (reduced loss + λ_W/2‖W‖² + λ_H/2‖H‖²) and, against
      ``regularized_ufm``: ``ufm_objective_gap``, ``ufm_logit_distance`` (‖WHᵀ − X*‖_F) and
      ``ufm_distance`` (Procrustes-aligned ‖[W; H] − [W*; H*]Q‖_F, unnormalised).

    Example:
      >>> import numpy as np
      >>> y = np.repeat(np.arange(4), 3)
      >>> tr = gd_ufm(y, 6, steps=30_000, lr=0.2, schedule="rescaled", seed=0, n_records=5)
      >>> round(tr.final("gamma"), 5), round(tr.reference["gamma_opt"], 5)  # ji2022 §6: 0.19167
      (0.19167, 0.19245)
    """
    t_start = time.perf_counter()
    y, K = as_labels(y, "y", K=K)
    N = int(y.shape[0])
    d = check_int(d, "d")
    if d < 1:
        raise InputError(f"d must be >= 1, got {d}", argument="d")
    steps = check_int(steps, "steps")
    if steps < 0:
        raise InputError(f"steps must be >= 0, got {steps}", argument="steps")
    sched = _check_schedule(schedule)
    reduction = _check_reduction(reduction)
    lr = check_positive(lr, "lr")
    lw, lh = _resolve_weight_decay(weight_decay)
    decay = lw > 0 or lh > 0
    if decay and sched not in ("constant", "callable"):
        raise InputError("weight decay needs schedule='constant' or a callable (a step ∝ 1/L or "
                         "1/‖∇L‖ would make the decay factor 1 − ηλ negative)", argument="weight_decay")
    bias = bool(bias)
    init_scale = check_positive(init_scale, "init_scale")
    counts = np.bincount(y, minlength=K)

    if init not in ("ulpm", "rows"):
        raise InputError(f"init must be 'ulpm' or 'rows', got {init!r}", argument="init")
    if W0 is None or H0 is None:
        if init == "ulpm":
            from .data import ulpm_init

            inst = ulpm_init(K, counts, d, s=init_scale, seed=seed)
            Wi, Hi = np.array(inst.W), np.array(inst.H)
        else:
            rng = as_rng(seed)
            Wi = init_scale * rng.normal(size=(K, d))
            Hi = init_scale * rng.normal(size=(N, d))
    W = as_float_array(W0, "W0", shape=(K, d)).copy() if W0 is not None else Wi
    H = as_float_array(H0, "H0", shape=(N, d)).copy() if H0 is not None else Hi
    if bias:
        b = np.zeros(K) if b0 is None else as_float_array(b0, "b0", shape=(K,)).copy()
    elif b0 is not None:
        raise InputError("b0 was given but bias=False", argument="b0")
    else:
        b = None

    # ---- references -------------------------------------------------------------------------
    p_star = _nuclear_sel(y, K)
    ref: dict[str, Any] = {"K": K, "N": N, "d": d, "counts": counts, "p_star": p_star,
                           "gamma_opt": 1.0 / p_star,
                           "balanced": bool(np.all(counts == counts[0]))}
    notes: list[str] = []
    if d < K - 1:
        notes.append(f"d={d} < K-1={K - 1}: 1/||PY||_* is only an upper bound on the achievable "
                     "normalised margin (JI-T2.5)")
    from .geometry import procrustes_distance, sel_matrix

    PY = sel_matrix(y, K)
    PYn = PY / np.linalg.norm(PY)
    B_mn = None
    if reference and not decay and d >= K - 1:
        try:
            Wm, Hm = _min_norm_reference(y, K, d)
            B_mn = np.concatenate([Wm, Hm], axis=0)
        except Exception as exc:  # noqa: BLE001 - any solver problem only disables one record
            notes.append(f"min-norm reference unavailable ({type(exc).__name__}: {exc})")
    ufm_sol = None
    if reference and decay and lw > 0 and lh > 0 and not bias:
        try:
            ufm_sol = _ufm_reference(y, K, d, lw, lh, reduction, N)
            ref["ufm_objective"] = float(ufm_sol.objective) * (N if reduction == "sum" else 1.0)
        except Exception as exc:  # noqa: BLE001
            notes.append(f"regularized_ufm reference unavailable ({type(exc).__name__}: {exc})")

    sumW0 = W.sum(axis=0)
    C0 = W.T @ W - H.T @ H

    grid = record_grid(steps, n_records=n_records, record_every=record_every, record_at=record_at)
    rec = _Recorder(grid)
    ker = _CEKernel(y, K)
    Z = ker.Z
    gW = np.empty((K, d))
    gH = np.empty((N, d))
    gb = np.empty(K) if bias else None
    Wf, Hf = W.reshape(-1), H.reshape(-1)
    gWf, gHf = gW.reshape(-1), gH.reshape(-1)
    redN = float(N) if reduction == "mean" else 1.0
    log_lr = math.log(lr)
    lr_sum = lr / redN
    logt = -math.inf
    logN_off = math.log(N) if reduction == "mean" else 0.0

    def record(step: int, logt: float) -> None:
        Zr = H @ W.T
        if bias:
            Zr += b
        logL, pmin, D = _log_ce(Zr, y)
        nw2 = float(np.vdot(W, W))
        nh2 = float(np.vdot(H, H))
        th2 = nw2 + nh2
        row: dict[str, float] = {"step": step, "log_t": logt, "log_loss": logL - logN_off,
                                 "p_min": pmin, "theta_sq": th2, "norm_W_sq": nw2, "norm_H_sq": nh2}
        row["gamma"] = pmin / (0.5 * th2) if th2 > 0 else math.nan
        row["gamma_gap"] = ref["gamma_opt"] - row["gamma"]
        row["smoothed_margin"] = _neg_log_expm1(logL) / th2 if th2 > 0 else math.nan
        dW = D.T @ H
        dH = D @ W
        row["align"] = (_half_sq_dist_unit(np.concatenate([Wf, Hf]), -np.concatenate([dW.ravel(), dH.ravel()]))
                        if th2 > 0 else math.nan)
        X = W @ H.T
        nx = float(np.linalg.norm(X))
        row["sel_distance"] = float(np.linalg.norm(X / nx - PYn)) if nx > 0 else math.nan
        if B_mn is not None and th2 > 0:
            row["procrustes"] = procrustes_distance(np.concatenate([W, H], axis=0), B_mn)
        if logt > 0 and math.isfinite(logt):
            llt = math.log(logt)
            row["rate_log_loss"] = logL - (math.log(p_star / 2.0) - logt - llt)
            row["rate_theta"] = th2 / (2.0 * p_star * logt)
        else:
            row["rate_log_loss"] = row["rate_theta"] = math.nan
        row["sum_W_drift"] = float(np.linalg.norm(W.sum(axis=0) - sumW0))
        row["gram_drift"] = float(np.linalg.norm(W.T @ W - H.T @ H - C0))
        if nc:
            row.update(_nc_records(H, y, W, b, K))
        if decay:
            obj = math.exp(logL) / redN + 0.5 * lw * nw2 + 0.5 * lh * nh2
            row["objective"] = obj
            if ufm_sol is not None:
                row["ufm_objective_gap"] = obj - ref["ufm_objective"]
                row["ufm_logit_distance"] = float(np.linalg.norm(X - ufm_sol.X))
                Bu = np.concatenate([ufm_sol.W, ufm_sol.H], axis=0)
                if Bu.shape[1] == d:
                    row["ufm_distance"] = procrustes_distance(np.concatenate([W, H], axis=0), Bu,
                                                              normalize=False)
        rec.add(row)

    status = "ok"
    gi = 0
    taken = 0
    need_grad_first = sched in ("grad_normalized", "callable")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        if grid[0] == 0:
            record(0, logt)
            gi = 1
        for t in range(1, steps + 1):
            np.dot(H, W.T, out=Z)
            if bias:
                Z += b
            if sched == "constant":
                ker.run(over_L=False, log_scale=math.log(lr_sum))
                a_dec = lr  # θ ← θ − lr(∇L_red + λθ)
                inc = math.log(lr_sum)
            elif sched == "normalized":
                logL = ker.run(over_L=True, log_scale=log_lr)
                inc = log_lr - logL
            elif sched == "rescaled":
                th2 = float(np.dot(Wf, Wf) + np.dot(Hf, Hf))
                lth = math.log(th2)
                logL = ker.run(over_L=True, log_scale=log_lr - lth)
                inc = log_lr - logL - lth
            else:
                logL = ker.run(over_L=True)
            # gradients (already scaled unless the scale needs the gradient norm)
            if train_W:
                np.dot(Z.T, H, out=gW)
            if train_H:
                np.dot(Z, W, out=gH)
            if bias:
                np.sum(Z, axis=0, out=gb)
            if need_grad_first:
                gn2 = (float(np.dot(gWf, gWf)) if train_W else 0.0) + (float(np.dot(gHf, gHf)) if train_H else 0.0)
                if bias:
                    gn2 += float(np.dot(gb, gb))
                gn = math.sqrt(gn2)
                if sched == "grad_normalized":
                    a_rel = lr / gn  # multiplies ∇L/L
                else:
                    a_dec = _user_lr(schedule, t - 1, logL, math.log(gn), N, reduction)
                    a_rel = a_dec * math.exp(logL) / redN  # multiplies ∇L_sum/L
                if train_W:
                    gW *= a_rel
                if train_H:
                    gH *= a_rel
                if bias:
                    gb *= a_rel
                inc = math.log(a_rel) - logL if a_rel > 0 else -math.inf
            if decay:
                if train_W and lw > 0:
                    W *= 1.0 - a_dec * lw
                if train_H and lh > 0:
                    H *= 1.0 - a_dec * lh
            if train_W:
                W -= gW
            if train_H:
                H -= gH
            if bias:
                b -= gb
            logt = _logaddexp(logt, inc)
            taken = t
            if gi < grid.size and t == grid[gi]:
                if not (np.isfinite(Wf).all() and np.isfinite(Hf).all()):
                    status = "diverged"
                    break
                record(t, logt)
                gi += 1
            elif (t & 1023) == 0 and not math.isfinite(float(Wf.sum() + Hf.sum())):
                status = "diverged"
                break
    if status == "diverged":
        notes.append(f"diverged (non-finite parameters) by step {taken}")
    return Trajectory(
        model="ufm", W=W, H=H, b=b, y=y, steps=taken, records=rec.arrays(),
        schedule=sched if sched != "callable" else getattr(schedule, "__name__", "callable"), lr=lr,
        reduction=reduction, weight_decay=(lw, lh), seed=_seed_value(seed), separable=True,
        status=status, message="; ".join(notes), reference=ref, seconds=time.perf_counter() - t_start)


def _nc_records(H, y, W, b, K) -> dict:
    from .metrics import nc_metrics

    if not (np.isfinite(H).all() and np.isfinite(W).all()):
        return {}
    out: dict[str, float] = {}
    try:
        m = nc_metrics(H, y, W=W, b=b, K=K)
        mc = nc_metrics(H, y, W=W, b=b, K=K, center_W=True)
    except NCBoundsError:
        return out
    out.update(nc1=m.nc1, nc2=m.nc2, nc2_equinorm_H=m.nc2_equinorm_H,
               nc2_equiangularity_H=m.nc2_equiangularity_H, nc2_maxangle_H=m.nc2_maxangle_H,
               nc2_equinorm_W=m.nc2_equinorm_W, nc2_maxangle_W=m.nc2_maxangle_W, nc2_gram_W=m.nc2_gram_W,
               nc2_equinorm_Wc=mc.nc2_equinorm_W, nc2_maxangle_Wc=mc.nc2_maxangle_W,
               nc3=m.nc3, nc3_centered=m.nc3_centered, nc4=m.nc4)
    Wc = W - W.mean(axis=0, keepdims=True)
    G = Wc @ Wc.T
    tr = float(np.trace(G))
    P = np.eye(K) - 1.0 / K
    out["gram_gap_W"] = float(np.linalg.norm((K - 1) * G / tr - P)) if tr > 0 else math.nan
    return {k: float(v) for k, v in out.items()}


# =================================================================================================
# plotting
# =================================================================================================

def plot(trajectory: Trajectory, path, *, title: str | None = None) -> None:
    """Save a 2×2 figure of a trajectory to ``path`` (any matplotlib format; Agg canvas, no GUI).

    Panels (x = step, log scale): log L; the margin gap (fixed: 1/‖Ŵ‖ − p_min/‖W‖; UFM: γ* − γ);
    the direction error (fixed: 1 − cos to the SVM; UFM: Procrustes and SEL distances); ‖W‖
    (fixed) or the NC metrics (UFM).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    r = trajectory.records
    step = r["step"].astype(float)
    mask = step >= 1
    fig = Figure(figsize=(10, 7.5))
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2)

    def panel(ax, names, ylabel, logy=True):
        for name in names:
            if name not in r:
                continue
            v = r[name][mask]
            ok = np.isfinite(v) & ((v > 0) if logy else True)
            if ok.any():
                ax.plot(step[mask][ok], v[ok], marker=".", ms=3, label=name)
        ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        if ax.lines:
            ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)

    panel(axes[0, 0], ["log_loss"], "log L", logy=False)
    if trajectory.model == "fixed":
        panel(axes[0, 1], ["margin_gap"], "1/‖Ŵ‖ − p_min/‖W‖")
        panel(axes[1, 0], ["angle", "align"], "1 − cos")
        panel(axes[1, 1], ["norm_W"], "‖W‖_F")
    else:
        panel(axes[0, 1], ["gamma_gap"], "γ* − γ")
        panel(axes[1, 0], ["procrustes", "sel_distance", "align"], "distance")
        panel(axes[1, 1], ["nc1", "nc2_equinorm_H", "nc2_maxangle_H", "nc3", "nc3_centered"], "NC metrics")
    fig.suptitle(title or f"{trajectory.model} GD, schedule={trajectory.schedule}, lr={trajectory.lr:g}")
    fig.tight_layout()
    fig.savefig(path)


# =================================================================================================
# losses, gradients and Hessian-vector products (landscape)
# =================================================================================================

def _softmax_parts(Z: np.ndarray, y: np.ndarray):
    """Row softmax S and G = S − onehot from logits (N, K), stable for moderate losses."""
    S = Z - Z.max(axis=1, keepdims=True)
    np.exp(S, out=S)
    S /= S.sum(axis=1, keepdims=True)
    G = S.copy()
    G[np.arange(Z.shape[0]), y] -= 1.0
    return S, G


def _prep(W, H, y, K=None):
    H, y, W, _, K = check_instance(H, y, W, K=K, require_all_classes=False)
    return W, H, y, K


def _red(reduction: str, N: int) -> float:
    return 1.0 / N if _check_reduction(reduction) == "mean" else 1.0


def ulpm_log_loss(W, H, y, *, reduction: str = "sum") -> float:
    """log L(W, H) in log-domain (accurate when L underflows), ``L = Σ_i ℓ(W h_i, y_i)`` (ji2022 §2)."""
    W, H, y, K = _prep(W, H, y)
    logL, _, _ = _log_ce(H @ W.T, y)
    return logL + math.log(_red(reduction, H.shape[0]))


def ulpm_loss(W, H, y, *, reduction: str = "sum") -> float:
    r"""ULPM cross-entropy :math:`L(W,H) = \sum_i \ell(Wh_i, y_i)` (ji2022.md §2; ``"mean"``: /N).

    Computed per sample as softplus of a log-sum-exp, so it is accurate for any margins.
    """
    from .metrics import _ce_terms, _offtarget_margins

    W, H, y, K = _prep(W, H, y)
    ell = _ce_terms(_offtarget_margins(H @ W.T, y))
    return float(ell.sum()) * _red(reduction, H.shape[0])


def ulpm_grad(W, H, y, *, reduction: str = "sum") -> tuple[np.ndarray, np.ndarray]:
    r"""Gradient of the ULPM loss: :math:`\nabla_W L = G^\top H`, :math:`\nabla_H L = G W` with
    ``G = softmax(H Wᵀ) − onehot`` (N, K) (ji2022.md §2, with the code's logits ``Z = Xᵀ``).
    Off-target entries of G are computed from exp(z_k − z_y) directly (no cancellation).
    """
    W, H, y, K = _prep(W, H, y)
    G = _grad_logits(H @ W.T, y) * _red(reduction, H.shape[0])
    return G.T @ H, G @ W


def _grad_logits(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    ker = _CEKernel(y, Z.shape[1])
    ker.Z[...] = Z
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        ker.run(over_L=False)
    return ker.Z


def _dsoftmax(S: np.ndarray, dZ: np.ndarray) -> np.ndarray:
    """Directional derivative of the row softmax: (diag(s) − s sᵀ) dz per row."""
    SdZ = S * dZ
    return SdZ - S * SdZ.sum(axis=1, keepdims=True)


def ulpm_hvp(W, H, y, dW, dH, *, reduction: str = "sum") -> tuple[np.ndarray, np.ndarray]:
    r"""Hessian-vector product of the ULPM loss at (W, H) in direction (dW, dH).

    With Z = H Wᵀ, dZ = dH Wᵀ + H dWᵀ and dG = (diag(s_i) − s_i s_iᵀ) dz_i per row:

    .. math:: \nabla^2 L[dW, dH] = (dG^\top H + G^\top dH,\; dG\,W + G\,dW).
    """
    W, H, y, K = _prep(W, H, y)
    dW = as_float_array(dW, "dW", shape=W.shape)
    dH = as_float_array(dH, "dH", shape=H.shape)
    Z = H @ W.T
    S, G = _softmax_parts(Z, y)
    dG = _dsoftmax(S, dH @ W.T + H @ dW.T)
    c = _red(reduction, H.shape[0])
    return c * (dG.T @ H + G.T @ dH), c * (dG @ W + G @ dW)


def fixed_loss(W, H, y, *, reduction: str = "sum") -> float:
    """Fixed-feature CE L(W) = Σ_i ℓ(W h_i, y_i) (classic.md CL-SOUDRY); same value as :func:`ulpm_loss`."""
    return ulpm_loss(W, H, y, reduction=reduction)


def fixed_grad(W, H, y, *, reduction: str = "sum") -> np.ndarray:
    """∇_W L = Gᵀ H with H fixed."""
    return ulpm_grad(W, H, y, reduction=reduction)[0]


def fixed_hvp(W, H, y, dW, *, reduction: str = "sum") -> np.ndarray:
    """Hessian-vector product in W with H fixed: dGᵀ H, dG from dZ = H dWᵀ."""
    W, H, y, K = _prep(W, H, y)
    dW = as_float_array(dW, "dW", shape=W.shape)
    S, _ = _softmax_parts(H @ W.T, y)
    dG = _dsoftmax(S, H @ dW.T)
    return _red(reduction, H.shape[0]) * (dG.T @ H)


def ufm_objective(W, H, y, *, lambda_W: float, lambda_H: float, reduction: str = "mean") -> float:
    r"""Regularised UFM objective of Zhu et al. 2021 (classic.md §3.3), no bias:

    .. math:: f(W,H) = \frac1N\sum_i \ell(Wh_i, y_i) + \frac{\lambda_W}2\|W\|_F^2 + \frac{\lambda_H}2\|H\|_F^2

    (``reduction="sum"`` drops the 1/N).
    """
    lw = check_nonnegative(lambda_W, "lambda_W")
    lh = check_nonnegative(lambda_H, "lambda_H")
    W, H, y, K = _prep(W, H, y)
    return ulpm_loss(W, H, y, reduction=reduction) + 0.5 * lw * float(np.vdot(W, W)) + 0.5 * lh * float(np.vdot(H, H))


def ufm_grad(W, H, y, *, lambda_W: float, lambda_H: float, reduction: str = "mean"):
    """Gradient of :func:`ufm_objective`: the CE gradient plus (λ_W W, λ_H H)."""
    lw = check_nonnegative(lambda_W, "lambda_W")
    lh = check_nonnegative(lambda_H, "lambda_H")
    W, H, y, K = _prep(W, H, y)
    gW, gH = ulpm_grad(W, H, y, reduction=reduction)
    return gW + lw * W, gH + lh * H


def ufm_hvp(W, H, y, dW, dH, *, lambda_W: float, lambda_H: float, reduction: str = "mean"):
    """Hessian-vector product of :func:`ufm_objective`: the CE HVP plus (λ_W dW, λ_H dH)."""
    lw = check_nonnegative(lambda_W, "lambda_W")
    lh = check_nonnegative(lambda_H, "lambda_H")
    hW, hH = ulpm_hvp(W, H, y, dW, dH, reduction=reduction)
    return hW + lw * np.asarray(dW, float), hH + lh * np.asarray(dH, float)


def taylor_slopes(f: Callable, point: Sequence[np.ndarray], direction: Sequence[np.ndarray], *,
                  grad: Callable | None = None, hvp: Callable | None = None,
                  ts: Sequence[float] | None = None) -> dict:
    r"""Slopes of the Taylor remainders on a log-log grid (pymanopt's derivative check; STYLE.md).

    For x = ``point`` and v = ``direction`` (tuples of arrays), with ``f(*x) -> float``,
    ``grad(*x) -> tuple`` and ``hvp(*x, *v) -> tuple``:

    .. math:: r_1(t) = |f(x+tv) - f(x) - t\langle\nabla f, v\rangle| = O(t^2),\qquad
              r_2(t) = |f(x+tv) - f(x) - t\langle\nabla f, v\rangle
                        - \tfrac{t^2}2\langle v, \nabla^2 f\,v\rangle| = O(t^3).

    The direction is scaled to unit norm first (so ``ts`` are step lengths). The slope is the
    median of the local slopes between consecutive t whose remainders both lie above the
    round-off floor (``1e-10·max(1, |f|)``), over the small-t half of them: robust to the
    pre-asymptotic large-t end and to the round-off small-t end. Returns
    ``{"ts", "r1", "r2", "slope_grad", "slope_hvp"}`` (a slope is
    NaN when not requested or when fewer than 3 remainders clear the floor, e.g. r2 of a
    quadratic).
    """
    x = [np.asarray(a, float) for a in point]
    v = [np.asarray(a, float) for a in direction]
    nv = math.sqrt(sum(float(np.vdot(a, a)) for a in v))
    if nv == 0:
        raise InputError("direction must be nonzero", argument="direction")
    v = [a / nv for a in v]
    ts = np.logspace(-1, -6, 21) if ts is None else np.asarray(ts, float)
    f0 = float(f(*x))

    def inner(a, b):
        return float(sum(np.vdot(p, q) for p, q in zip(a, b)))

    g = grad(*x) if grad is not None else None
    gv = inner(g, v) if g is not None else 0.0
    hv = inner(v, hvp(*x, *v)) if hvp is not None else 0.0
    r1 = np.empty(ts.size)
    r2 = np.empty(ts.size)
    for j, t in enumerate(ts):
        ft = float(f(*[a + t * b for a, b in zip(x, v)]))
        r1[j] = abs(ft - f0 - t * gv)
        r2[j] = abs(ft - f0 - t * gv - 0.5 * t * t * hv)
    floor = 1e-10 * max(1.0, abs(f0))

    def slope(r):
        ok = r > floor
        pair = ok[1:] & ok[:-1]
        if ok.sum() < 3 or not pair.any():
            return math.nan
        loc = (np.diff(np.log(r)) / np.diff(np.log(ts)))[pair]
        return float(np.median(loc[loc.size // 2:]))  # the small-t (asymptotic) half

    return {"ts": ts, "r1": r1, "r2": r2,
            "slope_grad": slope(r1) if grad is not None else math.nan,
            "slope_hvp": slope(r2) if hvp is not None else math.nan}


# =================================================================================================
# smallest Hessian eigenvalue
# =================================================================================================

@dataclass(frozen=True)
class HessianEig(Result):
    """Smallest Hessian eigenvalue and its unit eigenvector (split into the W and H blocks).

    ``method`` is ``"dense"`` (full Hessian from HVPs, ``numpy.linalg.eigh``) or ``"eigsh"``
    (``scipy.sparse.linalg.eigsh`` on a LinearOperator, which="SA"); ``size`` is the number of
    parameters. ``dH`` is ``None`` for the fixed-feature model.
    """

    value: float
    dW: np.ndarray
    dH: np.ndarray | None
    method: str
    size: int
    model: str


def hessian_min_eig(W, H, y, *, model: str = "ulpm", lambda_W: float = 0.0, lambda_H: float = 0.0,
                    reduction: str | None = None, method: str = "auto", tol: float = 1e-12,
                    dense_max: int = 1500) -> HessianEig:
    r"""Smallest eigenvalue of the Hessian at (W, H) by analytic Hessian-vector products.

    ``model``: ``"ulpm"`` (CE, W and H free; default reduction ``"sum"``), ``"ufm"`` (the
    regularised objective of :func:`ufm_objective`, default reduction ``"mean"``) or ``"fixed"``
    (Hessian in W only). ``method``: ``"dense"`` builds the full p×p matrix from p HVPs (exact,
    fine for p up to a few thousand), ``"eigsh"`` runs Lanczos on a LinearOperator; ``"auto"``
    picks dense for p <= ``dense_max``.

    At the origin the ULPM value is −σ_max(PY) = −√λ_max(PDP) (JI-T3a.1) and the regularised UFM
    value (λ_W + λ_H)/2 − √(((λ_W − λ_H)/2)² + σ_max(PY)²/N²) (CL-ZHU-LAND, mean CE).
    """
    W, H, y, K = _prep(W, H, y)
    if model not in ("ulpm", "ufm", "fixed"):
        raise InputError(f"model must be 'ulpm', 'ufm' or 'fixed', got {model!r}", argument="model")
    if reduction is None:
        reduction = "mean" if model == "ufm" else "sum"
    kw = dict(reduction=reduction)
    nW = W.size
    nH = 0 if model == "fixed" else H.size
    p = nW + nH

    def mv(v):
        v = np.asarray(v, float).ravel()
        dW = v[:nW].reshape(W.shape)
        if model == "fixed":
            return fixed_hvp(W, H, y, dW, **kw).ravel()
        dH = v[nW:].reshape(H.shape)
        if model == "ulpm":
            hW, hH = ulpm_hvp(W, H, y, dW, dH, **kw)
        else:
            hW, hH = ufm_hvp(W, H, y, dW, dH, lambda_W=lambda_W, lambda_H=lambda_H, **kw)
        return np.concatenate([hW.ravel(), hH.ravel()])

    if method == "auto":
        method = "dense" if p <= dense_max else "eigsh"
    if method == "dense":
        M = np.empty((p, p))
        e = np.zeros(p)
        for j in range(p):
            e[j] = 1.0
            M[:, j] = mv(e)
            e[j] = 0.0
        M = 0.5 * (M + M.T)
        vals, vecs = np.linalg.eigh(M)
        val, vec = float(vals[0]), vecs[:, 0]
    elif method == "eigsh":
        from scipy.sparse.linalg import LinearOperator, eigsh

        op = LinearOperator((p, p), matvec=mv, dtype=float)
        v0 = as_rng(0).normal(size=p)
        vals, vecs = eigsh(op, k=1, which="SA", tol=tol, v0=v0, maxiter=max(1000, 20 * p))
        val, vec = float(vals[0]), vecs[:, 0]
    else:
        raise InputError(f"method must be 'auto', 'dense' or 'eigsh', got {method!r}", argument="method")
    dW = vec[:nW].reshape(W.shape)
    dH = None if model == "fixed" else vec[nW:].reshape(H.shape)
    return HessianEig(value=val, dW=dW, dH=dH, method=method, size=p, model=model)


# =================================================================================================
# critical points and KKT points
# =================================================================================================

@dataclass(frozen=True)
class CriticalPoint(Result):
    """A constructed critical point of the ULPM loss or KKT point of the min-norm problem JI-P1.

    Attributes:
      name: ``"origin"``, ``"equal_rows"``, ``"square"``, ``"polygon"``.
      kind: ``"finite"`` (∇L = 0 at a finite point) or ``"kkt"`` (KKT point of JI-P1, a critical
        direction at infinity).
      W, H, y, K, d: the point.
      Lambda: (K, N) multiplier matrix Λ(λ) of the KKT conditions W = ΛH, H = ΛᵀW (``"kkt"``
        points), else ``None``.
      predicted: the spec's closed-form values at this point (loss, λ_min, value, ‖Λ‖_op, γ, ...).
      source: the spec statement it implements.
    """

    name: str
    kind: str
    W: np.ndarray
    H: np.ndarray
    y: np.ndarray
    K: int
    d: int
    Lambda: np.ndarray | None
    predicted: dict
    source: str


def origin_point(y, d: int, *, K: int | None = None) -> CriticalPoint:
    r"""θ = 0: a critical point with λ_min(∇²L) = −σ_max(PY) = −√λ_max(PDP) (ji2022.md JI-T3a.1;
    balanced −√n). Also the origin of the regularised UFM (CL-ZHU-LAND)."""
    y, K = as_labels(y, "y", K=K)
    d = check_int(d, "d")
    N = y.shape[0]
    counts = np.bincount(y, minlength=K).astype(float)
    P = np.eye(K) - 1.0 / K
    lmax = float(np.linalg.eigvalsh(P @ np.diag(counts) @ P)[-1])
    return CriticalPoint(name="origin", kind="finite", W=np.zeros((K, d)), H=np.zeros((N, d)), y=y,
                         K=K, d=d, Lambda=None,
                         predicted={"loss": N * math.log(K), "grad_norm": 0.0, "lambda_min": -math.sqrt(lmax)},
                         source="ji2022.md JI-T3a.1")


def equal_rows_point(y, d: int, *, seed=None, K: int | None = None, scale: float = 1.0) -> CriticalPoint:
    r"""A member of the JI-T3a.2 family: W = 1_K wᵀ (all rows equal), H with equal class sums.

    w ~ N(0, I_d)·``scale``; H ~ N(0, 1) with each class shifted so that every class sum
    Σ_{i: y_i = k} h_i equals the average class sum (balanced: class means replaced by their
    average, ji2022 claim 16). Then every logit column is constant, S = 11ᵀ/K, ∇L = 0,
    L = N log K, and λ_min(∇²L) < 0.
    """
    y, K = as_labels(y, "y", K=K)
    d = check_int(d, "d")
    rng = as_rng(seed)
    N = y.shape[0]
    w = scale * rng.normal(size=d)
    H = scale * rng.normal(size=(N, d))
    counts = np.bincount(y, minlength=K).astype(float)
    sums = np.zeros((K, d))
    np.add.at(sums, y, H)
    target = sums.mean(axis=0)
    H += ((target - sums) / counts[:, None])[y]
    W = np.tile(w, (K, 1))
    return CriticalPoint(name="equal_rows", kind="finite", W=W, H=H, y=y, K=K, d=d, Lambda=None,
                         predicted={"loss": N * math.log(K), "grad_norm": 0.0},
                         source="ji2022.md JI-T3a.2")


def polygon_kkt_point(K: int, d: int | None = None, n: int = 1) -> CriticalPoint:
    r"""The regular K-gon in a plane, scaled to unit margin: a KKT point of JI-P1 for every K >= 3.

    w_k = a·e_k, h_i = b·e_{y_i} with e_k = (cos 2πk/K, sin 2πk/K, 0, …), c = 1 − cos(2π/K),
    b² = 1/(√n c), a = √n b (unit margin against the two neighbouring classes). Multipliers
    λ = 1/(2√n c) on the 2 neighbour constraints of every sample, 0 elsewhere; then W = ΛH and
    H = ΛᵀW exactly. Value ½‖θ‖² = K√n/c, γ = c/(K√n) (JI-T2.5's formula). K = 3 is the ETF
    (global); K = 4 is the JI-T3b.1 square (‖Λ‖_op = 2 > 1, not global). In d = 2 it is the
    d < K−1 optimum for K = 4 (JI-T2.5); in d >= 3 it is a trap: gradient flow started in its
    plane stays there (JI-T3b.2, JI-A1) although d ≥ K−1 admits the ETF.
    """
    K = check_num_classes(K)
    if K < 3:
        raise InputError("polygon_kkt_point needs K >= 3", argument="K")
    d = max(3, K - 1) if d is None else check_int(d, "d")
    if d < 2:
        raise InputError(f"d must be >= 2 for a planar polygon, got {d}", argument="d")
    n = check_int(n, "n")
    if n < 1:
        raise InputError(f"n must be >= 1, got {n}", argument="n")
    ang = 2 * np.pi * np.arange(K) / K
    E = np.zeros((K, d))
    E[:, 0], E[:, 1] = np.cos(ang), np.sin(ang)
    c = 1.0 - math.cos(2 * math.pi / K)
    bb = 1.0 / math.sqrt(math.sqrt(n) * c)
    a = math.sqrt(n) * bb
    y = np.repeat(np.arange(K), n)
    W, H = a * E, bb * E[y]
    lam = 1.0 / (2.0 * math.sqrt(n) * c)
    N = K * n
    Lam = np.zeros((K, N))
    for i in range(N):
        k = y[i]
        Lam[k, i] = 2 * lam
        Lam[(k + 1) % K, i] -= lam
        Lam[(k - 1) % K, i] -= lam
    op = float(np.linalg.norm(Lam, 2))
    return CriticalPoint(name="square" if K == 4 else "polygon", kind="kkt", W=W, H=H, y=y, K=K, d=d,
                         Lambda=Lam,
                         predicted={"value": K * math.sqrt(n) / c, "gamma": c / (K * math.sqrt(n)),
                                    "lambda_op": op, "multiplier": lam,
                                    "global": bool(op <= 1 + 1e-12)},
                         source="ji2022.md JI-T3b.1, JI-T2.5 (K-gon)")


def square_kkt_point(d: int = 3) -> CriticalPoint:
    r"""The JI-T3b.1 square: K = 4, n = 1, w_k = h_k = (cos πk/2, sin πk/2, 0, …) in ℝ^d.

    Margins 1 (neighbours) and 2 (opposite); λ = ½ on the 8 neighbour constraints; ‖Λ‖_op = 2;
    value ½‖θ‖² = 4 > p* = 3 (for d >= 3). Escape direction (d >= 3): u = (1, −1, 1, −1)/2,
    a = e₃, giving the normalised objective (4 + t²)/(1 + t²/2) (:func:`kkt_escape_direction`).
    """
    pt = polygon_kkt_point(4, d=d, n=1)
    return CriticalPoint(name="square", kind="kkt", W=pt.W, H=pt.H, y=pt.y, K=4, d=pt.d, Lambda=pt.Lambda,
                         predicted={"value": 4.0, "gamma": 0.25, "lambda_op": 2.0, "multiplier": 0.5,
                                    "global": False},
                         source="ji2022.md JI-T3b.1")


def normalized_objective(W, H, y) -> float:
    r"""½‖θ‖²/q_min (ji2022.md JI-P1 at unit margin; = 1/γ). ``inf`` if q_min <= 0."""
    from .metrics import _offtarget_margins

    W, H, y, K = _prep(W, H, y)
    q = float(_offtarget_margins(H @ W.T, y).min())
    if q <= 0:
        return math.inf
    return 0.5 * (float(np.vdot(W, W)) + float(np.vdot(H, H))) / q


def kkt_residual(W, H, Lam) -> float:
    """Stationarity residual max(‖W − ΛH‖_F, ‖H − ΛᵀW‖_F) of the KKT conditions JI-T1.1."""
    W = as_float_array(W, "W", ndim=2)
    H = as_float_array(H, "H", ndim=2)
    Lam = as_float_array(Lam, "Lam", shape=(W.shape[0], H.shape[0]))
    return max(float(np.linalg.norm(W - Lam @ H)), float(np.linalg.norm(H - Lam.T @ W)))


def kkt_escape_direction(W, H, Lam, *, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray, float]:
    r"""Second-order escape direction from a non-global KKT point (ji2022.md JI-T3b.1 recipe).

    Top singular pair (u, v) of Λ (needs σ = ‖Λ‖_op > 1) and a unit a ⟂ rows(W) ∪ rows(H)
    (needs d > rank[W; H]); returns (u aᵀ, v aᵀ, σ). Along W + t u aᵀ, H + t v aᵀ the logits
    change by t² u vᵀ only, so ½‖θ‖² grows by t² while the weighted margin grows by t²σ.
    For the square, u = v = ±(1, −1, 1, −1)/2 and σ = 2.

    Raises:
      NotApplicableError: ‖Λ‖_op <= 1 (a global minimiser: no escape) or no free direction a.
    """
    from .errors import NotApplicableError

    W = as_float_array(W, "W", ndim=2)
    H = as_float_array(H, "H", ndim=2)
    Lam = as_float_array(Lam, "Lam", shape=(W.shape[0], H.shape[0]))
    U, s, Vt = np.linalg.svd(Lam)
    if s[0] <= 1.0 + tol:
        raise NotApplicableError(f"||Lambda||_op = {s[0]:.12g} <= 1: a global minimiser, no escape direction")
    A = np.concatenate([W, H], axis=0)
    _, sa, Vat = np.linalg.svd(A, full_matrices=True)
    rank = int(np.sum(sa > tol * max(1.0, sa[0])))
    if rank >= W.shape[1]:
        raise NotApplicableError(f"d = {W.shape[1]} <= rank[W; H] = {rank}: no direction orthogonal to "
                                 "all rows (JI-A3)")
    a = Vat[rank]
    u, v = U[:, 0], Vt[0]
    return np.outer(u, a), np.outer(v, a), float(s[0])


@dataclass(frozen=True)
class EscapeDemo(Result):
    """Result of :func:`escape_demo`.

    ``initial_value``/``final_value`` are the loss (``model="ulpm"``), the objective
    (``"ufm"``) or, for KKT points, the normalised margin γ; ``escaped`` is ``True`` when the loss
    or objective dropped by more than ``tol`` (relative), or γ rose by more than ``tol``.
    ``lambda_min`` is the smallest Hessian eigenvalue at the start point (finite points only).
    """

    point: str
    model: str
    initial_value: float
    final_value: float
    quantity: str
    escaped: bool
    lambda_min: float
    perturbation: float
    steps: int
    trajectory: Trajectory


def escape_demo(point: CriticalPoint, *, steps: int = 2000, lr: float | None = None,
                perturbation: float = 1e-3, direction: str = "random", seed=0, model: str = "ulpm",
                lambda_W: float = 0.0, lambda_H: float = 0.0, tol: float = 1e-3,
                n_records: int = 30) -> EscapeDemo:
    r"""Gradient descent from a critical point plus a small perturbation: it escapes.

    ``direction``: ``"random"`` (``perturbation``·N(0, 1) on every entry, seeded), ``"hessian"``
    (``perturbation`` × the eigenvector of λ_min, finite points) or ``"kkt"`` (``perturbation`` × the
    JI-T3b.1 escape direction, KKT points).

    Finite points (origin, JI-T3a.2 family): constant-step GD on the ULPM loss (``model="ulpm"``,
    summed, default lr 0.05) or on the regularised UFM (``model="ufm"``, mean CE + weight decay,
    default lr 0.5); escaped = the loss/objective drops below its start by ``tol`` (relative).
    KKT points (square, polygons): the time-rescaled flow (default c = 0.2); escaped = γ increases
    by more than ``tol`` (absolute) over the start point's γ. Escape from a KKT direction is slow
    (polynomial in ‖θ‖, ji2022 JI-T3b.2): use ``direction="kkt"`` with a perturbation of order 0.1–1.
    """
    rng = as_rng(seed)
    W0, H0, y = point.W.copy(), point.H.copy(), point.y
    d = point.d
    lam_min = math.nan
    if model not in ("ulpm", "ufm"):
        raise InputError(f"model must be 'ulpm' or 'ufm', got {model!r}", argument="model")
    if direction == "random":
        dW = rng.normal(size=W0.shape)
        dH = rng.normal(size=H0.shape)
    elif direction == "hessian":
        he = hessian_min_eig(W0, H0, y, model=model, lambda_W=lambda_W, lambda_H=lambda_H)
        dW, dH = he.dW, he.dH
    elif direction == "kkt":
        if point.Lambda is None:
            raise InputError("direction='kkt' needs a KKT point (with Lambda)", argument="direction")
        dW, dH, _ = kkt_escape_direction(W0, H0, point.Lambda)
    else:
        raise InputError(f"direction must be 'random', 'hessian' or 'kkt', got {direction!r}",
                         argument="direction")
    W1, H1 = W0 + perturbation * dW, H0 + perturbation * dH
    if point.kind == "finite":
        he = hessian_min_eig(W0, H0, y, model=model, lambda_W=lambda_W, lambda_H=lambda_H)
        lam_min = he.value
        if model == "ulpm":
            tr = gd_ufm(y, d, steps=steps, lr=0.05 if lr is None else lr, W0=W1, H0=H1, K=point.K,
                        n_records=n_records, nc=False, reference=False)
            v0 = ulpm_loss(W0, H0, y)
            v1 = math.exp(tr.final("log_loss"))
            quantity = "loss"
        else:
            tr = gd_ufm(y, d, steps=steps, lr=0.5 if lr is None else lr, W0=W1, H0=H1, K=point.K,
                        weight_decay=(lambda_W, lambda_H), reduction="mean", n_records=n_records,
                        nc=False, reference=False)
            v0 = ufm_objective(W0, H0, y, lambda_W=lambda_W, lambda_H=lambda_H)
            v1 = tr.final("objective")
            quantity = "objective"
        escaped = bool(v1 < v0 - tol * max(1.0, abs(v0)))
    else:
        tr = gd_ufm(y, d, steps=steps, lr=0.2 if lr is None else lr, schedule="rescaled", W0=W1, H0=H1,
                    K=point.K, n_records=n_records, nc=False, reference=False)
        v0 = 1.0 / normalized_objective(W0, H0, y)
        v1 = tr.final("gamma")
        quantity = "gamma"
        escaped = bool(v1 > v0 + tol)
    return EscapeDemo(point=point.name, model=model, initial_value=float(v0), final_value=float(v1),
                      quantity=quantity, escaped=escaped, lambda_min=lam_min,
                      perturbation=float(perturbation), steps=steps, trajectory=tr)


# =================================================================================================
# rates
# =================================================================================================

@dataclass(frozen=True)
class RateFit(Result):
    r"""Least-squares fits of a positive gap g(x), each in the coordinates where its model is linear.

    Models (all with two parameters, so their residuals are comparable):

    * ``"inv_log"``: g = c/(log x + b), fitted by least squares of 1/g against log x (the
      constant-step rate: Soudry et al.'s W(t) = Ŵ log t + ρ(t) gives a margin gap ≈ c/(log t + b);
      JI-T1 for the ULPM γ gap);
    * ``"power"``: g = c·x^(−α), fitted by least squares of log g against log x (normalised steps,
      Nacson et al. 2019);
    * ``"log_power"``: g = c·(log x)^(−β), least squares of log g against log log x (reported, not
      ranked: ji2022 JI-A6 slopes).

    ``rms`` is the root-mean-square of log(g/ĝ) for each model (``inf`` when the fitted model is not
    positive on the data), ``best`` the better of ``inv_log`` and ``power``. Over a finite window a
    logarithmic decay is also fitted well by a power law with a tiny exponent, so ``kind`` adds the
    exponent test: ``"polynomial"`` if the fitted α >= ``alpha_min`` (default 0.25) and ``power``
    fits better, else ``"logarithmic"``. ``params`` holds c, b, α, β.
    """

    quantity: str
    x_name: str
    n_points: int
    params: dict
    rms: dict
    best: str
    kind: str
    x_range: tuple


def fit_rates(x, gap, *, quantity: str = "gap", x_name: str = "step", x_min: float = 2.0,
              alpha_min: float = 0.25, x_is_log: bool = False) -> RateFit:
    """Fit ``gap`` against ``x`` with the models of :class:`RateFit` (points with x >= x_min,
    gap > 0 and both finite). Needs at least 3 points.

    Every model uses only log x, so ``x_is_log=True`` takes log x itself: times such as
    exp(log t) with log t > 709 (the time-rescaled flow) overflow float64 but fit exactly."""
    x = np.asarray(x, float).ravel()
    g = np.asarray(gap, float).ravel()
    if x.shape != g.shape:
        raise ShapeError(f"x and gap must have the same length, got {x.shape} and {g.shape}", argument="gap")
    lx_all = x if x_is_log else np.log(np.where(x > 0, x, np.nan))
    ok = np.isfinite(lx_all) & np.isfinite(g) & (g > 0) & (lx_all >= math.log(max(x_min, 1.0 + 1e-12)))
    if ok.sum() < 3:
        raise InputError(f"need at least 3 points with x >= {x_min} and a positive finite gap, got {int(ok.sum())}",
                         argument="gap")
    lx, lg = lx_all[ok], np.log(g[ok])
    llx = np.log(lx)
    one = np.ones_like(lx)
    params: dict[str, dict] = {}
    rms: dict[str, float] = {}
    # inv_log: 1/g = (log x + b)/c, linear in log x
    (i0, i1), *_ = np.linalg.lstsq(np.stack([one, lx], axis=1), 1.0 / g[ok], rcond=None)
    pred = i0 + i1 * lx
    if i1 > 0 and np.all(pred > 0):
        params["inv_log"] = {"c": float(1.0 / i1), "b": float(i0 / i1)}
        rms["inv_log"] = float(np.sqrt(np.mean((lg + np.log(pred)) ** 2)))
    else:
        params["inv_log"] = {"c": math.nan, "b": math.nan}
        rms["inv_log"] = math.inf
    # power: log g = a − α log x
    (p0, p1), *_ = np.linalg.lstsq(np.stack([one, -lx], axis=1), lg, rcond=None)
    params["power"] = {"c": math.exp(p0), "alpha": float(p1)}
    rms["power"] = float(np.sqrt(np.mean((lg - p0 + p1 * lx) ** 2)))
    # log_power: log g = a − β log log x
    (q0, q1), *_ = np.linalg.lstsq(np.stack([one, -llx], axis=1), lg, rcond=None)
    params["log_power"] = {"c": math.exp(q0), "beta": float(q1)}
    rms["log_power"] = float(np.sqrt(np.mean((lg - q0 + q1 * llx) ** 2)))
    best = "inv_log" if rms["inv_log"] <= rms["power"] else "power"
    kind = "polynomial" if (best == "power" and p1 >= alpha_min) else "logarithmic"
    return RateFit(quantity=quantity, x_name=x_name, n_points=int(ok.sum()), params=params, rms=rms,
                   best=best, kind=kind, x_range=(float(x[ok].min()), float(x[ok].max())))


def trajectory_rates(trajectory: Trajectory, quantity: str | None = None, *, x: str = "step",
                     start: int = 10) -> RateFit:
    """:func:`fit_rates` on a trajectory's records: ``quantity`` defaults to ``"margin_gap"`` (fixed)
    or ``"gamma_gap"`` (UFM); ``x`` is ``"step"`` or ``"time"`` (t = exp(log_t), fitted through
    log t so that no time overflows); only recorded steps >= ``start`` are used."""
    if quantity is None:
        quantity = "margin_gap" if trajectory.model == "fixed" else "gamma_gap"
    r = trajectory.records
    if quantity not in r:
        raise InputError(f"no record named {quantity!r}; have {sorted(r)}", argument="quantity")
    if x == "step":
        xv, is_log = r["step"].astype(float), False
    elif x == "time":
        xv, is_log = np.asarray(r["log_t"], float), True
    else:
        raise InputError(f"x must be 'step' or 'time', got {x!r}", argument="x")
    sel = r["step"] >= start
    return fit_rates(xv[sel], r[quantity][sel], quantity=quantity, x_name=x, x_is_log=is_log)
