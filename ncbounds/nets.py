r"""Small networks for the Jacot et al. 2024 and Wu & Mondelli 2025 settings, numpy only (no torch).

Two models, each with an analytic gradient checked by a Taylor-remainder slope test (slope 2,
:func:`taylor_remainder_slope`; STYLE.md "derivative checks"):

* **Deep linear head** (jacot2024.md §2, JACOT-D1): L1 nonlinear layers then L2 ≥ 2 linear
  layers, no biases, columns are samples: Z_0 = X (d × N); Z_ℓ = σ(W_ℓ Z_{ℓ−1}) for ℓ ≤ L1;
  Z_ℓ = W_ℓ Z_{ℓ−1} for ℓ > L1. Loss (not normalised by N)
  C_λ(θ) = ½‖Z_L − Y‖_F² + (λ/2)Σ_ℓ‖W_ℓ‖_F², full-batch GD θ ← θ − η∇C_λ.
  :func:`train_deep_head`; data :func:`r0_data` (the spec's reference setting R0).
* **Mean-field three-layer network** (wu2025.md §2, finite-particle model): particles
  θ_j = (a_j, u_j), A (N × p), U (N × d); S = σ(UX), H = AᵀS/N (p × n), predictor γWᵀH,
  R = γWᵀH − Y. Drifts (first-variation gradients, entropy omitted):
  g_a = SGᵀ + λ_ρA, g_u = (σ′(UX) ⊙ (AG))Xᵀ + λ_ρU, g_W = (γ/n)HRᵀ + λ_W W with G = (γ/n)WR.
  Noisy GD (Euler–Maruyama of (20)): θ_j ← θ_j − ηg_j + √(2ηβ⁻¹)ξ_j, W ← W − ηg_W.
  :func:`train_mean_field`; data :func:`s0_data` (the spec's S0 generator). The drifts are N×
  the gradients of F = L_n + (λ_W/2)‖W‖² + (λ_ρ/2)·mean_j‖θ_j‖² w.r.t. a_j, u_j (and exactly the
  gradient w.r.t. W); :func:`mean_field_objective` / :func:`mean_field_gradient` expose F and ∇F.

All randomness comes from explicit seeds. Typical runtimes on 2 cores: R0 (widths
[10, 64, 32, 16, 16, 3]) ≈ 0.1 ms per GD step, 2e4 steps ≈ 2–3 s; the mean-field model with
N = 300, n = 30 ≈ 0.1–0.2 ms per step.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Sequence

import numpy as np

from ._results import Result
from ._validate import as_float_array, as_rng, check_int, check_nonnegative, check_positive
from .errors import InputError

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "r0_data",
    "s0_data",
    "caps_data",
    "onehot_columns",
    "init_deep_head",
    "deep_head_forward",
    "deep_head_loss",
    "deep_head_grad",
    "balancedness",
    "jacot_nc1",
    "wu_nc1",
    "DeepHeadRun",
    "train_deep_head",
    "mean_field_forward",
    "mean_field_drifts",
    "mean_field_objective",
    "mean_field_gradient",
    "init_mean_field",
    "MeanFieldRun",
    "train_mean_field",
    "train_mean_field_sgd",
    "taylor_remainder_slope",
]


# ------------------------------------------------------------------------------------------------
# activations
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Activation:
    """An entrywise activation with its derivative and the constants the theorems need.

    ``leaky_gamma``: the γ of JACOT-A4.2 (σ′ ∈ [γ, 1], |σ(x)| ≤ |x|, σ′ 1-Lipschitz) when σ
    satisfies it, else ``None``. ``C1``: the constant of WU-A1 (A3) (max of the sup-norms of σ, σ′,
    σ″, σ‴, (zσ′)′; WU-F11) or ``None`` when unbounded. ``sup_abs``: sup|σ|.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    leaky_gamma: float | None
    C1: float | None
    sup_abs: float | None
    fdf: Callable[[np.ndarray], tuple] | None = None

    def both(self, x):
        """(σ(x), σ′(x)) in one pass when a fused form exists."""
        return self.fdf(x) if self.fdf is not None else (self.f(x), self.df(x))


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _smooth_leaky(g=0.1):
    def f(x):
        return g * x + (1.0 - g) * (np.logaddexp(0.0, 4.0 * x) - math.log(2.0)) / 4.0

    def df(x):
        return g + (1.0 - g) * _sigmoid(4.0 * x)

    def fdf(x):
        z = 4.0 * x
        e = np.exp(-np.abs(z))
        sp_ = np.maximum(z, 0.0) + np.log1p(e)
        inv = 1.0 / (1.0 + e)
        sig = np.where(z >= 0, inv, e * inv)
        return g * x + (1.0 - g) * (sp_ - math.log(2.0)) / 4.0, g + (1.0 - g) * sig
    return f, df, fdf


_sl_f, _sl_df, _sl_fdf = _smooth_leaky(0.1)


def _tanh_fdf(x):
    """(tanh x, 1 − tanh² x), within 4 ulp of ``np.tanh`` (3 measured) and up to 2× faster on this machine's numpy
    (whose tanh is not vectorised while exp is): tanh|x| = (1 − e)/(1 + e) with e = exp(−2|x|), exact to a
    few ulp for |x| ≥ 0.35; below that 1 − e cancels, so −expm1(−2|x|) replaces it; the sign is copied."""
    a = np.abs(x)
    e = np.exp(-2.0 * a)
    t = (1.0 - e) / (1.0 + e)
    small = np.flatnonzero(a < 0.35)
    if small.size:
        tf, ef = t.reshape(-1), e.reshape(-1)
        tf[small] = -np.expm1(-2.0 * a.reshape(-1)[small]) / (1.0 + ef[small])
    t = np.copysign(t, x)
    return t, 1.0 - t * t


def _sigmoid_fdf(x):
    s = _sigmoid(x)
    return s, s * (1.0 - s)

ACTIVATIONS: dict[str, Activation] = {
    # JACOT-A4.2 reference choice: gamma = 0.1, beta = 1 (JACOT-F5)
    "smooth_leaky": Activation("smooth_leaky", _sl_f, _sl_df, leaky_gamma=0.1, C1=None, sup_abs=None,
                               fdf=_sl_fdf),
    "tanh": Activation("tanh", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2, leaky_gamma=None, C1=2.0, sup_abs=1.0,
                       fdf=_tanh_fdf),
    "sigmoid": Activation("sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)), leaky_gamma=None,
                          C1=1.0, sup_abs=1.0, fdf=_sigmoid_fdf),
    "relu": Activation("relu", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float), leaky_gamma=None,
                       C1=None, sup_abs=None),
    "identity": Activation("identity", lambda x: x, lambda x: np.ones_like(x), leaky_gamma=None, C1=None,
                           sup_abs=None),
}


def get_activation(act) -> Activation:
    """An :class:`Activation` from its name (``smooth_leaky``, ``tanh``, ``sigmoid``, ``relu``, ``identity``)."""
    if isinstance(act, Activation):
        return act
    try:
        return ACTIVATIONS[act]
    except KeyError:
        raise InputError(f"unknown activation {act!r}; choose one of {sorted(ACTIVATIONS)}", argument="activation") from None


# ------------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------------

def onehot_columns(y, K: int) -> np.ndarray:
    """One-hot labels as columns: Y (K, N), Y[y_i, i] = 1."""
    y = np.asarray(y, dtype=np.int64)
    Y = np.zeros((K, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y


def r0_data(K: int = 3, n: int = 10, d: int = 10, *, seed=0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jacot et al. reference setting R0 (jacot2024.md §4): class means 3·N(0, I_d), noise N(0, I_d),
    every column of X scaled to unit norm (b = 1). Returns (X (d, N), Y (K, N), y (N,)), classes in
    blocks of n (balanced)."""
    rng = as_rng(seed)
    mus = 3.0 * rng.standard_normal((K, d))
    y = np.repeat(np.arange(K), n)
    X = (mus[y] + rng.standard_normal((K * n, d))).T
    X /= np.linalg.norm(X, axis=0, keepdims=True)
    return X, onehot_columns(y, K), y


def s0_data(q: int = 3, m: int = 10, d: int = 5, *, noise: float = 0.3, seed=0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wu & Mondelli data generator S0 (wu2025.md §2): class directions μ_k normalised Gaussians,
    x = μ_k + 0.3·N(0, I_d), then X /= max(1, max_i‖x_i‖) so ‖x_i‖ ≤ 1 (A2). Returns (X (d, n),
    Y (q, n), y (n,)), classes in blocks of m."""
    rng = as_rng(seed)
    mus = rng.standard_normal((q, d))
    mus /= np.linalg.norm(mus, axis=1, keepdims=True)
    y = np.repeat(np.arange(q), m)
    X = (mus[y] + noise * rng.standard_normal((q * m, d))).T
    X /= max(1.0, float(np.linalg.norm(X, axis=0).max()))
    return X, onehot_columns(y, q), y


def caps_data(m: int, *, q: int = 3, d: int = 6, same01: bool = False, seed=0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Separable caps (wu2025.md claims 18–19): class k uniform in the ball of radius 0.3 around 0.8·e_k,
    everything scaled by 1/1.1 so that ‖x‖ ≤ 1 (A2); with ``same01`` classes 0 and 1 share cap 0 (not
    separable). ``seed`` may be a Generator, to draw train and test sets from one stream. Returns
    (X (d, qm), Y (q, qm), y (qm,)), classes in blocks of m."""
    m, q, d = check_int(m, "m"), check_int(q, "q"), check_int(d, "d")
    if m < 1 or q < 2 or d < q:
        raise InputError(f"need m >= 1, q >= 2 and d >= q, got m={m}, q={q}, d={d}", argument="d")
    rng = as_rng(seed)
    xs = []
    for k in range(q):
        c = 0 if (same01 and k == 1) else k
        v = rng.standard_normal((m, d))
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        r = 0.3 * rng.uniform(0, 1, (m, 1)) ** (1.0 / d)
        xs.append(0.8 * np.eye(d)[c] + r * v)
    y = np.repeat(np.arange(q), m)
    return np.concatenate(xs).T / 1.1, onehot_columns(y, q), y


# ------------------------------------------------------------------------------------------------
# metrics used in the records
# ------------------------------------------------------------------------------------------------

def jacot_nc1(Z: np.ndarray, y: np.ndarray, K: int) -> float:
    """NC1 of Jacot et al. (JACOT-D3): tr(Σ_W)/tr(Σ_B), Σ_W with 1/N, Σ_B with 1/K, μ_G the global mean;
    Z has one **column** per sample."""
    M = np.stack([Z[:, y == k].mean(axis=1) for k in range(K)], axis=1)
    tw = float(((Z - M[:, y]) ** 2).sum() / Z.shape[1])
    mg = Z.mean(axis=1, keepdims=True)
    tb = float(((M - mg) ** 2).sum() / K)
    return tw / tb if tb > 0 else float("inf")


def wu_nc1(H: np.ndarray, Y: np.ndarray) -> float:
    """NC1 of Wu & Mondelli (WU-D4): ‖H̄ − M_c‖_F²/‖H̄‖_F², H̄ = H − (1/n)H11ᵀ, M_c = H̄ Yᵀ(YYᵀ)⁻¹Y
    (class-mean columns). H is (p, n), Y one-hot (q, n). NaN when H̄ = 0 (undefined)."""
    Hb = H - H.mean(axis=1, keepdims=True)
    counts = Y.sum(axis=1)
    Mc = (Hb @ Y.T / counts) @ Y
    den = float((Hb * Hb).sum())
    return float(((Hb - Mc) ** 2).sum() / den) if den > 0 else float("nan")


def balancedness(Ws: Sequence[np.ndarray], L1: int) -> list[float]:
    """‖D_ℓ‖_op = ‖W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ‖_op for the linear pairs ℓ ∈ {L1+1..L−1} (JACOT-D6)."""
    L = len(Ws)
    out = []
    for l in range(L1 + 1, L):  # 1-based ℓ; Ws[l-1] = W_ℓ
        D = Ws[l].T @ Ws[l] - Ws[l - 1] @ Ws[l - 1].T
        out.append(float(np.linalg.norm(D, 2)))
    return out


# ------------------------------------------------------------------------------------------------
# deep linear head (Jacot et al. 2024)
# ------------------------------------------------------------------------------------------------

def init_deep_head(widths: Sequence[int], *, seed=1) -> list[np.ndarray]:
    """LeCun initialisation W_ℓ ~ N(0, 1/n_{ℓ−1}) of shape (n_ℓ, n_{ℓ−1}); ``widths`` = [n_0 = d, …, n_L = K]."""
    rng = as_rng(seed)
    return [rng.standard_normal((widths[i + 1], widths[i])) / math.sqrt(widths[i]) for i in range(len(widths) - 1)]


def deep_head_forward(Ws: Sequence[np.ndarray], X: np.ndarray, L1: int, activation="smooth_leaky",
                      *, derivatives: bool = False):
    """Forward pass: returns (Zs, Ps) with Zs = [Z_0 = X, …, Z_L] and Ps the pre-activations of the
    nonlinear layers (Ps[ℓ−1] = W_ℓZ_{ℓ−1}, ℓ ≤ L1); with ``derivatives`` Ps holds σ′(W_ℓZ_{ℓ−1})."""
    act = get_activation(activation)
    Zs, Ps = [X], []
    for l, W in enumerate(Ws, start=1):
        P = W @ Zs[-1]
        if l <= L1:
            if derivatives:
                fz, dz = act.both(P)
                Ps.append(dz)
                Zs.append(fz)
            else:
                Ps.append(P)
                Zs.append(act.f(P))
        else:
            Zs.append(P)
    return Zs, Ps


def deep_head_loss(Ws, X, Y, L1: int, lam: float, activation="smooth_leaky") -> float:
    """C_λ(θ) = ½‖Z_L − Y‖_F² + (λ/2)Σ‖W_ℓ‖_F² (jacot2024.md §2)."""
    Zs, _ = deep_head_forward(Ws, X, L1, activation)
    R = Zs[-1] - Y
    return 0.5 * float((R * R).sum()) + 0.5 * lam * sum(float((W * W).sum()) for W in Ws)


def deep_head_grad(Ws, X, Y, L1: int, lam: float, activation="smooth_leaky", *, return_T: bool = False):
    """(C_λ, [∇_{W_ℓ}C_λ]) by backpropagation; with ``return_T`` also T_ℓ = ∇_{W_ℓ}C_0 and the Zs."""
    act = get_activation(activation)
    Zs, dPs = deep_head_forward(Ws, X, L1, act, derivatives=True)
    R = Zs[-1] - Y
    loss = 0.5 * float(np.vdot(R, R)) + 0.5 * lam * sum(float(np.vdot(W, W)) for W in Ws)
    L = len(Ws)
    T = [None] * L
    delta = R
    for l in range(L, 0, -1):
        T[l - 1] = delta @ Zs[l - 1].T
        if l > 1:
            delta = Ws[l - 1].T @ delta
            if l - 1 <= L1:
                delta = delta * dPs[l - 2]
    grads = [t + lam * W for t, W in zip(T, Ws)]
    if return_T:
        return loss, grads, T, Zs
    return loss, grads


@dataclass(frozen=True)
class DeepHeadRun(Result):
    """A full-batch GD run of the deep-linear-head network (Jacot setting).

    Attributes:
      widths, L1, L2, activation, lam, eta, steps, seed: settings.
      X (d, N), Y (K, N), y (N,): data. Ws0, Ws: initial and final weights (tuples).
      records: name → array on ``records["step"]``: ``loss`` (C_λ), ``C0``, ``eps1`` (‖Z_L − Y‖_F),
        ``eps2`` (max_ℓ‖D_ℓ‖_op over linear pairs), ``D`` ((T, L2−1) per pair), ``nc1`` (JACOT-D3 at
        Z_{L−1}), ``grad_norm``.
      checkpoints: dicts ``{"step", "Ws", "W", "H"}`` with W = W_L (K, n_{L−1}) and H = Z_{L−1}ᵀ
        (N, n_{L−1}) (the toolkit's convention), at the requested steps.
      status: ``"ok"`` or ``"diverged"``. seconds: wall time.
    """

    widths: tuple
    L1: int
    L2: int
    activation: str
    lam: float
    eta: float
    steps: int
    seed: Any
    X: np.ndarray
    Y: np.ndarray
    y: np.ndarray
    Ws0: tuple
    Ws: tuple
    records: dict
    checkpoints: list
    status: str
    seconds: float

    def forward(self, Ws=None):
        """Zs of the final (or given) weights on the training data."""
        return deep_head_forward(self.Ws if Ws is None else Ws, self.X, self.L1, self.activation)[0]

    def features(self, Ws=None) -> tuple[np.ndarray, np.ndarray]:
        """(W_L (K, n_{L−1}), H = Z_{L−1}ᵀ (N, n_{L−1})) in the toolkit's orientation."""
        Ws = self.Ws if Ws is None else Ws
        Zs = self.forward(Ws)
        return np.array(Ws[-1]), Zs[-2].T.copy()


def train_deep_head(X, Y, *, widths: Sequence[int], L1: int, lam: float = 0.01, eta: float = 0.01, steps: int = 20000,
                    seed=1, activation="smooth_leaky", Ws0=None, record_every: int = 500,
                    checkpoint_at: Sequence[int] = ()) -> DeepHeadRun:
    """Full-batch GD with weight decay on the MSE loss C_λ (jacot2024.md JACOT-D1, setting R0).

    Args:
      X: inputs (d, N), columns are samples. Y: one-hot (K, N).
      widths: [n_0 = d, n_1, …, n_L = K]; L1 nonlinear layers, L2 = L − L1 ≥ 2 linear layers.
      lam, eta: weight decay λ and step η. steps: number of GD steps. seed: LeCun init seed.
      activation: name or :class:`Activation` (default the JACOT-A4.2 smooth leaky σ).
      Ws0: initial weights (overrides the seeded draw).
      record_every: record grid spacing (steps 0, k, 2k, …, and the last step).
      checkpoint_at: steps at which to keep a copy of every weight (also step 0 and the last step).

    Example (R0 cut short): ``X, Y, y = r0_data(); run = train_deep_head(X, Y, widths=[10, 64, 32,
    16, 16, 3], L1=2, steps=2000)``.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    widths = tuple(int(w) for w in widths)
    L1 = check_int(L1, "L1")
    L = len(widths) - 1
    if widths[0] != X.shape[0] or widths[-1] != Y.shape[0] or X.shape[1] != Y.shape[1]:
        raise InputError(f"widths {widths} do not match X {X.shape} and Y {Y.shape}", argument="widths")
    if L - L1 < 2 or L1 < 0:
        raise InputError(f"need L1 >= 0 and L2 = L - L1 >= 2 linear layers, got L = {L}, L1 = {L1}", argument="L1")
    lam = check_nonnegative(lam, "lam")
    eta = check_positive(eta, "eta")
    steps = check_int(steps, "steps")
    act = get_activation(activation)
    Ws = [np.array(W, dtype=float) for W in (init_deep_head(widths, seed=seed) if Ws0 is None else Ws0)]
    Ws0c = tuple(W.copy() for W in Ws)
    y = np.argmax(Y, axis=0)
    K = Y.shape[0]
    rec: dict[str, list] = {k: [] for k in ("step", "loss", "C0", "eps1", "eps2", "D", "nc1", "grad_norm")}
    cps = []
    want = set(int(s) for s in checkpoint_at) | {0, steps}
    status = "ok"
    t0 = time.perf_counter()

    def record(step, loss, grads, Zs):
        R = Zs[-1] - Y
        Dn = balancedness(Ws, L1)
        rec["step"].append(step)
        rec["loss"].append(loss)
        rec["C0"].append(0.5 * float((R * R).sum()))
        rec["eps1"].append(float(np.linalg.norm(R)))
        rec["eps2"].append(max(Dn) if Dn else 0.0)
        rec["D"].append(Dn)
        rec["nc1"].append(jacot_nc1(Zs[-2], y, K))
        rec["grad_norm"].append(math.sqrt(sum(float((g * g).sum()) for g in grads)))

    for step in range(steps + 1):
        loss, grads, _, Zs = deep_head_grad(Ws, X, Y, L1, lam, act, return_T=True)
        if not np.isfinite(loss):
            status = "diverged"
            break
        if step % record_every == 0 or step == steps:
            record(step, loss, grads, Zs)
        if step in want:
            cps.append({"step": step, "Ws": tuple(W.copy() for W in Ws), "W": Ws[-1].copy(), "H": Zs[-2].T.copy()})
        if step == steps:
            break
        for W, g in zip(Ws, grads):
            W -= eta * g
    records = {k: np.array(v, dtype=float) for k, v in rec.items()}
    return DeepHeadRun(widths=widths, L1=L1, L2=L - L1, activation=act.name, lam=lam, eta=eta, steps=steps, seed=seed,
                       X=X, Y=Y, y=y, Ws0=Ws0c, Ws=tuple(Ws), records=records, checkpoints=cps, status=status,
                       seconds=time.perf_counter() - t0)


# ------------------------------------------------------------------------------------------------
# mean-field three-layer network (Wu & Mondelli 2025)
# ------------------------------------------------------------------------------------------------

def mean_field_forward(A, U, W, X, gamma: float, activation="tanh"):
    """(S = σ(UX) (N, n), H = AᵀS/N (p, n), outputs γWᵀH (q, n))."""
    act = get_activation(activation)
    S = act.f(U @ X)
    H = A.T @ S / A.shape[0]
    return S, H, gamma * (W.T @ H)


def mean_field_drifts(A, U, W, X, Y, gamma: float, lambda_rho: float, lambda_W: float, activation="tanh",
                      *, full: bool = True):
    r"""Per-particle drifts and the quantities of the Theorem 4.2 proof (wu2025.md §2, WU-D4.1, WU-F2).

    Returns a dict with ``g_a`` (N, p), ``g_u`` (N, d), ``g_W`` (p, q), ``S``, ``H`` (p, n), ``R``
    (q, n), ``G`` (p, n), ``L_n`` = ‖R‖²/(2n), ``eps_a2`` = mean_j‖g_{a,j}‖², ``eps_u2``,
    ``D`` = (1/N)Σ_j g_{a,j}σ(u_jᵀX) (p, n) and ``Kp`` = K′ = SᵀS/(nN) (n, n). With ``full=False``
    (the training loop) only the drifts, ``S``, ``H``, ``R`` and ``L_n`` are returned.
    """
    act = get_activation(activation)
    P = U @ X
    S, dS = act.both(P)
    Np, n = A.shape[0], X.shape[1]
    H = A.T @ S / Np
    R = gamma * (W.T @ H) - Y
    G = (gamma / n) * (W @ R)
    g_a = S @ G.T + lambda_rho * A
    g_u = (dS * (A @ G)) @ X.T + lambda_rho * U
    g_W = (gamma / n) * (H @ R.T) + lambda_W * W
    if not full:
        return {"g_a": g_a, "g_u": g_u, "g_W": g_W, "S": S, "H": H, "R": R, "L_n": float(np.vdot(R, R) / (2 * n))}
    return {
        "g_a": g_a, "g_u": g_u, "g_W": g_W, "S": S, "H": H, "R": R, "G": G,
        "L_n": float((R * R).sum() / (2 * n)),
        "eps_a2": float((g_a * g_a).sum() / Np), "eps_u2": float((g_u * g_u).sum() / Np),
        "D": g_a.T @ S / Np, "Kp": S.T @ S / (n * Np),
    }


def mean_field_objective(A, U, W, X, Y, gamma, lambda_rho, lambda_W, activation="tanh") -> float:
    """F = L_n + (λ_W/2)‖W‖_F² + (λ_ρ/2)·(1/N)Σ_j‖θ_j‖² (finite-particle L_{λ,n}, entropy omitted; (4))."""
    _, _, out = mean_field_forward(A, U, W, X, gamma, activation)
    R = out - Y
    n = X.shape[1]
    return float((R * R).sum() / (2 * n) + 0.5 * lambda_W * (W * W).sum()
                 + 0.5 * lambda_rho * ((A * A).sum() + (U * U).sum()) / A.shape[0])


def mean_field_gradient(A, U, W, X, Y, gamma, lambda_rho, lambda_W, activation="tanh"):
    """∇F = (g_a/N, g_u/N, g_W): the drifts are N× the particle gradients of F."""
    d = mean_field_drifts(A, U, W, X, Y, gamma, lambda_rho, lambda_W, activation)
    Np = A.shape[0]
    return d["g_a"] / Np, d["g_u"] / Np, d["g_W"]


def init_mean_field(N: int, p: int, d: int, q: int, *, seed=0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Assumption (A1): a_j, u_j ~ N(0, I) and W₀ with orthonormal columns (QR of a Gaussian, sign-fixed)."""
    rng = as_rng(seed)
    A = rng.standard_normal((N, p))
    U = rng.standard_normal((N, d))
    Q, Rr = np.linalg.qr(rng.standard_normal((p, q)))
    return A, U, Q * np.sign(np.diag(Rr))


@dataclass(frozen=True)
class MeanFieldRun(Result):
    """A (noisy) GD run of the finite-particle mean-field network (Wu–Mondelli setting).

    Attributes:
      settings (N, p, gamma, lambda_rho, lambda_W, beta_inv, eta, steps, train_W, activation, seed),
      X (d, n), Y (q, n), y. A, U, W: final parameters; W0: initial W.
      records: on ``records["step"]``: ``L_n``, ``L_lambda`` (finite-particle L_{λ,n}), ``eps_a2``,
        ``eps_u2``, ``gW2`` (‖g_W‖²), ``nc1`` (WU-D4), ``nb`` (WU-D5 with (1/N)AᵀA), ``sigma_min``,
        ``sigma_max`` (of W).
      averages: time averages from step ``average_from`` on, every ``average_every`` steps:
        ``AtA_minus_WWt`` ((1/N)AᵀA − WWᵀ, WU-F6), ``AtA``, ``eps_a2``, ``trace_term``
        (β⁻¹·mean_j tr∇_{a_j}g_{a,j}, WU-F8), ``L_n``, ``L_lambda``, ``nc1``, ``count``.
      checkpoints: dicts ``{"step", "A", "U", "W"}`` plus toolkit features ``"W_code"`` = γWᵀ (q, p)
        and ``"H_code"`` = Hᵀ (n, p).
    """

    N: int
    p: int
    gamma: float
    lambda_rho: float
    lambda_W: float
    beta_inv: float
    eta: float
    steps: int
    train_W: bool
    activation: str
    seed: Any
    X: np.ndarray
    Y: np.ndarray
    y: np.ndarray
    A: np.ndarray
    U: np.ndarray
    W: np.ndarray
    W0: np.ndarray
    records: dict
    averages: dict
    checkpoints: list
    status: str
    seconds: float

    def drifts(self, A=None, U=None, W=None) -> dict:
        """:func:`mean_field_drifts` at the final (or given) parameters."""
        return mean_field_drifts(self.A if A is None else A, self.U if U is None else U, self.W if W is None else W,
                                 self.X, self.Y, self.gamma, self.lambda_rho, self.lambda_W, self.activation)

    def features(self) -> tuple[np.ndarray, np.ndarray]:
        """(γWᵀ (q, p), Hᵀ (n, p)): classifier and features in the toolkit's orientation."""
        _, H, _ = mean_field_forward(self.A, self.U, self.W, self.X, self.gamma, self.activation)
        return self.gamma * self.W.T, H.T.copy()

    def class_error(self, X, y) -> float:
        """Class-averaged error of argmax of the network outputs on (X (d, n), y) (WU-D5.2's test error)."""
        X = as_float_array(X, "X", ndim=2)
        y = np.asarray(y)
        _, _, out = mean_field_forward(self.A, self.U, self.W, X, self.gamma, self.activation)
        pred = np.argmax(out, axis=0)
        return float(np.mean([np.mean(pred[y == k] != k) for k in np.unique(y)]))


def _nb(AtA: np.ndarray, W: np.ndarray) -> float:
    WWt = W @ W.T
    c = float((AtA * WWt).sum() / (WWt * WWt).sum())
    return float(np.linalg.norm(AtA - c * WWt, 2) / np.linalg.norm(AtA, 2))


def train_mean_field(X, Y, *, N: int = 400, p: int = 6, gamma: float = 1.0, lambda_rho: float = 1e-3,
                     lambda_W: float | None = None, beta_inv: float = 0.0, eta: float = 0.1, steps: int = 5000,
                     train_W: bool = True, activation="tanh", seed=0, init=None, record_every: int = 100,
                     average_from: int | None = None, average_every: int = 50,
                     checkpoint_at: Sequence[int] = ()) -> MeanFieldRun:
    r"""Noisy full-batch GD on the finite-particle mean-field network (wu2025.md §2, (20)).

    θ_j ← θ_j − η g_j + √(2ηβ⁻¹) ξ_j (ξ_j ~ N(0, I), noise on particles only), W ← W − η g_W
    (skipped with ``train_W=False``: W frozen at W₀, the paper's MNIST setting). ``beta_inv = 0`` is
    noiseless GD. Initialisation (A1) from ``seed`` (:func:`init_mean_field`) unless ``init=(A, U, W)``;
    the noise continues the same seeded stream. ``lambda_W`` defaults to ``lambda_rho``.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    if X.shape[1] != Y.shape[1]:
        raise InputError(f"X {X.shape} and Y {Y.shape} disagree on the number of samples", argument="Y")
    lam_r = check_nonnegative(lambda_rho, "lambda_rho")
    lam_W = lam_r if lambda_W is None else check_nonnegative(lambda_W, "lambda_W")
    binv = check_nonnegative(beta_inv, "beta_inv")
    eta = check_positive(eta, "eta")
    steps = check_int(steps, "steps")
    act = get_activation(activation)
    d, n = X.shape
    q = Y.shape[0]
    rng = as_rng(seed)
    if init is None:
        A, U, W = init_mean_field(N, p, d, q, seed=rng)  # same draws as init_mean_field(..., seed=seed)
    else:
        A, U, W = (np.array(a, dtype=float) for a in init)
        N, p = A.shape
    W0 = W.copy()
    noise_rng = rng  # the noise continues the same stream after the initial draws
    sq = math.sqrt(2.0 * eta * binv)
    y = np.argmax(Y, axis=0)
    rec: dict[str, list] = {k: [] for k in ("step", "L_n", "L_lambda", "eps_a2", "eps_u2", "gW2", "nc1", "nb",
                                            "sigma_min", "sigma_max")}
    avg = {"AtA_minus_WWt": 0.0, "AtA": 0.0, "eps_a2": 0.0, "trace_term": 0.0, "L_n": 0.0, "L_lambda": 0.0,
           "nc1": 0.0, "count": 0}
    a_from = steps + 1 if average_from is None else int(average_from)
    cps = []
    want = set(int(s) for s in checkpoint_at) | {0, steps}
    status = "ok"
    t0 = time.perf_counter()
    for step in range(steps + 1):
        is_rec = step % record_every == 0 or step == steps
        is_avg = step >= a_from and (step - a_from) % average_every == 0
        dr = mean_field_drifts(A, U, W, X, Y, gamma, lam_r, lam_W, act, full=is_rec or is_avg)
        if not np.isfinite(dr["L_n"]):
            status = "diverged"
            break
        if is_rec or is_avg:
            AtA = A.T @ A / A.shape[0]
            Llam = dr["L_n"] + 0.5 * lam_W * float((W * W).sum()) + 0.5 * lam_r * float((A * A).sum() + (U * U).sum()) / A.shape[0]
            nc1 = wu_nc1(dr["H"], Y)
        if is_rec:
            sv = np.linalg.svd(W, compute_uv=False)
            rec["step"].append(step)
            rec["L_n"].append(dr["L_n"])
            rec["L_lambda"].append(Llam)
            rec["eps_a2"].append(dr["eps_a2"])
            rec["eps_u2"].append(dr["eps_u2"])
            rec["gW2"].append(float((dr["g_W"] ** 2).sum()))
            rec["nc1"].append(nc1)
            rec["nb"].append(_nb(AtA, W))
            rec["sigma_min"].append(float(sv[-1]))
            rec["sigma_max"].append(float(sv[0]))
        if is_avg:
            # WU-F8: tr grad_{a_j} g_{a,j} = lambda_rho p + (gamma^2/(n N)) ||sigma(X^T u_j)||^2 tr(W^T W)
            tr = lam_r * p + gamma ** 2 / (n * A.shape[0]) * float((dr["S"] ** 2).sum(axis=1).mean()) * float((W * W).sum())
            avg["AtA_minus_WWt"] = avg["AtA_minus_WWt"] + (AtA - W @ W.T)
            avg["AtA"] = avg["AtA"] + AtA
            avg["eps_a2"] += dr["eps_a2"]
            avg["trace_term"] += binv * tr
            avg["L_n"] += dr["L_n"]
            avg["L_lambda"] += Llam
            avg["nc1"] += nc1
            avg["count"] += 1
        if step in want:
            Hc = dr["H"]
            cps.append({"step": step, "A": A.copy(), "U": U.copy(), "W": W.copy(),
                        "W_code": gamma * W.T.copy(), "H_code": Hc.T.copy()})
        if step == steps:
            break
        A = A - eta * dr["g_a"]
        U = U - eta * dr["g_u"]
        if sq > 0:
            A = A + sq * noise_rng.standard_normal(A.shape)
            U = U + sq * noise_rng.standard_normal(U.shape)
        if train_W:
            W = W - eta * dr["g_W"]
    c = avg.pop("count")
    averages = {k: (v / c if c else float("nan")) for k, v in avg.items()}
    averages["count"] = c
    return MeanFieldRun(N=A.shape[0], p=p, gamma=float(gamma), lambda_rho=lam_r, lambda_W=lam_W, beta_inv=binv, eta=eta,
                        steps=steps, train_W=bool(train_W), activation=act.name, seed=seed, X=X, Y=Y, y=y, A=A, U=U,
                        W=W, W0=W0, records={k: np.array(v, dtype=float) for k, v in rec.items()}, averages=averages,
                        checkpoints=cps, status=status, seconds=time.perf_counter() - t0)


def train_mean_field_sgd(X, Y, *, N: int = 400, p: int = 6, gamma: float = 1.0, lambda_rho: float = 1e-3,
                         lambda_W: float | None = None, beta_inv: float = 0.0, eta=0.1, epochs: int = 10,
                         batch_size: int = 64, train_W: bool = True, activation="tanh", seed=0,
                         record_every: int = 1, X_test=None, y_test=None) -> MeanFieldRun:
    r"""Noisy minibatch SGD on the finite-particle mean-field network (wu2025.md §6.1, the paper's experiments).

    Each epoch visits a fresh permutation of the samples in batches of ``batch_size``; every step is the
    update of :func:`train_mean_field` with the drifts of :func:`mean_field_drifts` on the batch:
    θ_j ← θ_j − η g_j + √(2ηβ⁻¹) ξ_j, W ← W − η g_W (W frozen with ``train_W=False``). ``eta`` is a number
    or a callable ``epoch (1-based) -> step size`` (e.g. the paper's halving schedule). One seeded stream
    draws the initialisation (:func:`init_mean_field`), then per epoch the permutation and the noise.

    Records on ``records["epoch"]`` (epoch 0 and every ``record_every`` epochs and the last), from the
    full-batch drifts: ``eta``, ``L_n``, ``eps_a2``, ``eps_u2``, ``nc1`` (WU-D4), ``nb`` (WU-D5 with
    (1/N)AᵀA), ``train_error`` and, with ``X_test``/``y_test``, ``test_error`` (class-averaged).
    ``steps`` of the result counts SGD steps; ``eta`` is the last step size.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    if X.shape[1] != Y.shape[1]:
        raise InputError(f"X {X.shape} and Y {Y.shape} disagree on the number of samples", argument="Y")
    lam_r = check_nonnegative(lambda_rho, "lambda_rho")
    lam_W = lam_r if lambda_W is None else check_nonnegative(lambda_W, "lambda_W")
    binv = check_nonnegative(beta_inv, "beta_inv")
    epochs, batch_size, record_every = (check_int(v, s) for v, s in ((epochs, "epochs"), (batch_size, "batch_size"),
                                                                     (record_every, "record_every")))
    if epochs < 1 or batch_size < 1 or record_every < 1:
        raise InputError("epochs, batch_size and record_every must be >= 1", argument="epochs")
    eta_at = eta if callable(eta) else (lambda _ep, _e=check_positive(eta, "eta"): _e)
    if (X_test is None) != (y_test is None):
        raise InputError("give both X_test and y_test, or neither", argument="X_test")
    act = get_activation(activation)
    d, n = X.shape
    y = np.argmax(Y, axis=0)
    rng = as_rng(seed)
    A, U, W = init_mean_field(N, p, d, Y.shape[0], seed=rng)
    W0 = W.copy()
    rec: dict[str, list] = {k: [] for k in ("epoch", "eta", "L_n", "eps_a2", "eps_u2", "nc1", "nb", "train_error",
                                            *(("test_error",) if X_test is not None else ()))}

    def run_at(A_, U_, W_, steps_, eta_, seconds_=0.0, status_="ok"):
        return MeanFieldRun(N=A_.shape[0], p=A_.shape[1], gamma=float(gamma), lambda_rho=lam_r, lambda_W=lam_W,
                            beta_inv=binv, eta=float(eta_), steps=steps_, train_W=bool(train_W), activation=act.name,
                            seed=seed if not isinstance(seed, np.random.Generator) else None, X=X, Y=Y, y=y, A=A_,
                            U=U_, W=W_, W0=W0, records={k: np.array(v, dtype=float) for k, v in rec.items()},
                            averages={}, checkpoints=[], status=status_, seconds=seconds_)

    def record(ep, eta_):
        dr = mean_field_drifts(A, U, W, X, Y, gamma, lam_r, lam_W, act)
        rec["epoch"].append(ep)
        rec["eta"].append(eta_)
        for k in ("L_n", "eps_a2", "eps_u2"):
            rec[k].append(dr[k])
        rec["nc1"].append(wu_nc1(dr["H"], Y))
        rec["nb"].append(_nb(A.T @ A / A.shape[0], W))
        rec["train_error"].append(float(np.mean(np.argmax(gamma * W.T @ dr["H"], axis=0) != y)))
        if X_test is not None:
            rec["test_error"].append(run_at(A, U, W, 0, eta_).class_error(X_test, y_test))
        return bool(np.isfinite(dr["L_n"]))

    t0 = time.perf_counter()
    record(0, float(eta_at(1)))
    steps, status, cur = 0, "ok", float(eta_at(1))
    for ep in range(1, epochs + 1):
        cur = check_positive(eta_at(ep), "eta")
        sq = math.sqrt(2.0 * cur * binv)
        perm = rng.permutation(n)
        for b0 in range(0, n, batch_size):
            idx = perm[b0:b0 + batch_size]
            dr = mean_field_drifts(A, U, W, X[:, idx], Y[:, idx], gamma, lam_r, lam_W, act, full=False)
            A = A - cur * dr["g_a"]
            U = U - cur * dr["g_u"]
            if sq > 0:
                A = A + sq * rng.standard_normal(A.shape)
                U = U + sq * rng.standard_normal(U.shape)
            if train_W:
                W = W - cur * dr["g_W"]
            steps += 1
        if ep % record_every == 0 or ep == epochs:
            if not record(ep, cur):
                status = "diverged"
                break
    return run_at(A, U, W, steps, cur, time.perf_counter() - t0, status)


# ------------------------------------------------------------------------------------------------
# derivative check
# ------------------------------------------------------------------------------------------------

def taylor_remainder_slope(f: Callable[[list], float], grad: Callable[[list], list], x: Sequence[np.ndarray], *,
                           direction: Sequence[np.ndarray] | None = None, seed=0,
                           ts: Sequence[float] | None = None) -> dict:
    r"""Slope of the first-order Taylor remainder on a log-log grid (pymanopt's check; STYLE.md).

    r(t) = |f(x + tv) − f(x) − t⟨∇f(x), v⟩| = O(t²) for a correct gradient, so the fitted slope of
    log r against log t is 2 (1 for a wrong gradient). ``x`` is a list of arrays; ``f(list) -> float``
    and ``grad(list) -> list`` of arrays; the unit direction v is Gaussian from ``seed`` unless given.
    The slope is a least-squares fit over the t whose remainder lies above the round-off floor
    (1e-12·max(1, |f|)) and below 1e-2·max(1, |f|) (the asymptotic window). Returns ``{"slope",
    "ts", "r"}``.
    """
    rng = as_rng(seed)
    x = [np.asarray(a, dtype=float) for a in x]
    v = [rng.standard_normal(a.shape) for a in x] if direction is None else [np.asarray(a, float) for a in direction]
    nv = math.sqrt(sum(float((a * a).sum()) for a in v))
    v = [a / nv for a in v]
    f0 = f(x)
    g0 = grad(x)
    slope0 = sum(float((g * a).sum()) for g, a in zip(g0, v))
    ts = np.logspace(-1, -7, 25) if ts is None else np.asarray(ts, float)
    r = np.array([abs(f([a + t * b for a, b in zip(x, v)]) - f0 - t * slope0) for t in ts])
    scale = max(1.0, abs(f0))
    keep = (r > 1e-12 * scale) & (r < 1e-2 * scale)
    if keep.sum() < 3:
        return {"slope": float("nan"), "ts": ts, "r": r}
    k = np.polyfit(np.log(ts[keep]), np.log(r[keep]), 1)[0]
    return {"slope": float(k), "ts": ts, "r": r}


# ------------------------------------------------------------------------------------------------
# digits trainer (Gao et al. 2023 tables T4 and T5; Ji et al. 2022 X2)
# ------------------------------------------------------------------------------------------------
#
# Reading of gao2023.md §6.2 (stated here once, referred to below): the backbone x ↦ relu(A x)
# is the first layer of the network and is **trained** by default. Reasons: (i) GAO-F12's
# exact-symmetry statement trains (PW; QᵀV₀, Qᵀb₀, φ₀) — φ, the backbone, is part of the trained
# state; (ii) the T5 bounds use L_f = "product of layer operator norms", i.e. A is a layer of the
# learned feature map f; (iii) the spec's timings (≈ 15 s for 30 000 SGD steps at d = 16, about
# the same at d = 4) are those of full backpropagation through a 64 × 64 layer, not of a frozen
# random-feature map. ``freeze=("A",)`` gives the frozen-backbone (random features) variant.

from ._results import jsonable  # noqa: E402

__all__ += ["digits_data", "init_digits", "digits_features", "digits_loss_grad", "DigitsRun", "train_digits"]

_DIGITS_PARAMS = ("A", "V", "b", "W")
_DIGITS_DATA_CACHE: dict = {}


def digits_data(*, test_size: float | int = 797, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train (N, 64), y_train, X_test, y_test) of gao2023.md §6.2: scikit-learn digits, pixels/16,
    stratified split with ``random_state=seed`` (default 1000 train / 797 test, K = 10).

    Wraps :func:`ncbounds.data.load_digits_features` and caches the split (arrays are read-only).
    """
    key = (test_size, seed)
    if key not in _DIGITS_DATA_CACHE:
        from .data import load_digits_features

        tr, te = load_digits_features(test_size=test_size, seed=seed)
        arrs = [np.array(tr.H, dtype=np.float64), np.array(tr.y, dtype=np.int64),
                np.array(te.H, dtype=np.float64), np.array(te.y, dtype=np.int64)]
        for a in arrs:
            a.setflags(write=False)
        _DIGITS_DATA_CACHE[key] = tuple(arrs)
    return _DIGITS_DATA_CACHE[key]


def init_digits(d: int, *, K: int = 10, p: int = 64, width: int | None = None, seed=0, a_var: float | None = None,
                v_var: float | None = None, w_var: float | None = None, bias: bool = False,
                classifier: bool = True) -> dict:
    """Seeded initial parameters of the digits network (gao2023.md §6.2).

    Draw order from ``numpy.random.default_rng(seed)``: A (width × p) ~ N(0, a_var), then
    V (d × width) ~ N(0, v_var), then — only if ``classifier`` — W (K × d) ~ N(0, w_var). The bias
    b (d,) starts at 0 when ``bias``. Defaults: width = p = 64, a_var = 2/p (He), v_var = 1/width
    (T4; T5 uses 2/width), w_var = 1/d (T4). Returns ``{"A", "V", "b", "W"}`` (absent → ``None``).
    """
    d = check_int(d, "d")
    if d < 1:
        raise InputError(f"d must be >= 1, got {d}", argument="d")
    p = check_int(p, "p")
    width = p if width is None else check_int(width, "width")
    if width < 1 or p < 1:
        raise InputError(f"width and p must be >= 1, got width={width}, p={p}", argument="width")
    a_var = 2.0 / p if a_var is None else check_positive(a_var, "a_var")
    v_var = 1.0 / width if v_var is None else check_positive(v_var, "v_var")
    w_var = 1.0 / d if w_var is None else check_positive(w_var, "w_var")
    rng = as_rng(seed)
    A = math.sqrt(a_var) * rng.standard_normal((width, p))
    V = math.sqrt(v_var) * rng.standard_normal((d, width))
    W = math.sqrt(w_var) * rng.standard_normal((K, d)) if classifier else None
    return {"A": A, "V": V, "b": np.zeros(d) if bias else None, "W": W}


def digits_features(params: dict, X, activation: str = "identity") -> np.ndarray:
    """Features h = act(V relu(A x) + b), one row per sample (gao2023.md §6.2; GAO-F12 with g = relu(A·))."""
    relu_h = _digits_act(activation)
    X = as_float_array(X, "X", ndim=2)
    U = np.maximum(X @ params["A"].T, 0.0) @ params["V"].T
    if params.get("b") is not None:
        U = U + params["b"]
    return np.maximum(U, 0.0) if relu_h else U


def _digits_act(activation) -> bool:
    name = activation.name if isinstance(activation, Activation) else activation
    if name not in ("identity", "relu"):
        raise InputError(f"activation must be 'identity' or 'relu', got {activation!r}", argument="activation")
    return name == "relu"


def _digits_grads(A, V, b, W, Xb, Yb, relu_h: bool, need: frozenset, R=None, H=None):
    """Mean-CE loss pieces and gradients on one batch (backpropagation written out).

    Forward: S = X Aᵀ, R = relu(S), U = R Vᵀ + b, H = act(U), Z = H Wᵀ, ℓ = mean CE(Z, y).
    Backward with G = (softmax(Z) − Y)/B: ∇W = GᵀH, δU = (G W) ⊙ act′(U), ∇V = δUᵀR, ∇b = Σ δU,
    ∇A = ((δU V) ⊙ [S > 0])ᵀ X. ``R`` may be passed precomputed (frozen backbone), and ``H`` when
    only W is trained (frozen features). Returns (Z, grads dict), Z the logits.
    """
    if H is not None:
        Z = H @ W.T
        G = Z - Z.max(axis=1, keepdims=True)
        np.exp(G, out=G)
        G /= G.sum(axis=1, keepdims=True)
        G -= Yb
        G *= 1.0 / Yb.shape[0]
        return Z, ({"W": G.T @ H} if "W" in need else {})
    if R is None:
        S = Xb @ A.T
        R = np.maximum(S, 0.0)
    else:
        S = None
    U = R @ V.T
    if b is not None:
        U += b
    H = np.maximum(U, 0.0) if relu_h else U
    Z = H @ W.T
    G = Z - Z.max(axis=1, keepdims=True)
    np.exp(G, out=G)
    G /= G.sum(axis=1, keepdims=True)
    G -= Yb
    G *= 1.0 / Yb.shape[0]
    out = {}
    if "W" in need:
        out["W"] = G.T @ H
    if need & {"A", "V", "b"}:
        dU = G @ W
        if relu_h:
            dU *= U > 0
        if "V" in need:
            out["V"] = dU.T @ R
        if "b" in need:
            out["b"] = dU.sum(axis=0)
        if "A" in need:
            dS = dU @ V
            dS *= S > 0
            out["A"] = dS.T @ Xb
    return Z, out


def digits_loss_grad(params: dict, X, y, activation: str = "identity", *, K: int | None = None) -> tuple[float, dict]:
    """(mean CE, gradients) of the digits network on (X, y) — the gradient the trainer uses.

    ``params`` holds A, V, W and optionally b (``None`` = no bias). Gradients are returned for every
    parameter present; the loss is computed with :func:`ncbounds.metrics.ce_loss` (log-domain).
    """
    from .metrics import ce_loss

    relu_h = _digits_act(activation)
    X = as_float_array(X, "X", ndim=2)
    y = np.asarray(y, dtype=np.int64)
    K = params["W"].shape[0] if K is None else K
    Y = np.eye(K)[y]
    need = frozenset(k for k in _DIGITS_PARAMS if params.get(k) is not None)
    Z, g = _digits_grads(params["A"], params["V"], params.get("b"), params["W"], X, Y, relu_h, need)
    return ce_loss(Z, y), g


def _sel_distance(W: np.ndarray, H: np.ndarray, y: np.ndarray, K: int) -> float:
    """‖PX/‖PX‖_F − PY/‖PY‖_F‖_F with X = W Hᵀ (K, N), P = I − 11ᵀ/K (ji2022.md §6 X2)."""
    X = W @ H.T
    PX = X - X.mean(axis=0, keepdims=True)
    Y = np.zeros((K, y.size))
    Y[y, np.arange(y.size)] = 1.0
    PY = Y - Y.mean(axis=0, keepdims=True)
    nx = np.linalg.norm(PX)
    if nx == 0:
        return float("nan")
    return float(np.linalg.norm(PX / nx - PY / np.linalg.norm(PY)))


def _digits_record(params, Xtr, ytr, Xte, yte, relu_h, K, full: bool) -> tuple[dict, dict]:
    """Metrics and snapshot at one checkpoint (gao2023.md §6.2 T4 columns; ji2022.md §6 X2 columns)."""
    from .geometry import coherence, max_inner_product
    from .metrics import margins, nc_metrics

    def feats(X):
        U = np.maximum(X @ params["A"].T, 0.0) @ params["V"].T
        if params["b"] is not None:
            U = U + params["b"]
        return np.maximum(U, 0.0) if relu_h else U

    W = params["W"]
    Htr, Hte = feats(Xtr), feats(Xte)
    Zte = Hte @ W.T
    m = margins(W, Htr, ytr)
    rec = {
        "train_acc": float(np.mean(np.argmax(Htr @ W.T, axis=1) == ytr)),
        "test_acc": float(np.mean(np.argmax(Zte, axis=1) == yte)),
        "train_ce": m.loss, "log_train_ce": m.log_loss, "p_min": m.p_min, "nu_net": m.nu_net,
        "p_min_lower": m.p_min_lower, "p_min_upper": m.p_min_upper, "tpt": float(m.tpt),
        "train_acc_margin": m.accuracy,
        "W_fro": float(np.linalg.norm(W)), "W_row_max": float(np.linalg.norm(W, axis=1).max()),
        "H_row_max": float(np.linalg.norm(Htr, axis=1).max()),
    }
    if full:
        wn = np.linalg.norm(W, axis=1)
        if np.all(wn > 0):
            rec["min_angle_W"] = float(np.degrees(np.arccos(np.clip(max_inner_product(W), -1.0, 1.0))))
            rec["coherence_W"] = coherence(W)
        else:
            rec["min_angle_W"] = rec["coherence_W"] = float("nan")
        with np.errstate(divide="ignore", invalid="ignore"):
            nc = nc_metrics(Htr, ytr, W=W, K=K)
        rec.update(nc1=nc.nc1, equinorm_H=nc.nc2_equinorm_H, maxangle_H=nc.nc2_maxangle_H, nc3=nc.nc3, nc4=nc.nc4,
                   sel_distance=_sel_distance(W, Htr, ytr, K))
    snap = {"A": params["A"].copy(), "V": params["V"].copy(),
            "b": None if params["b"] is None else params["b"].copy(), "W": W.copy(), "H_train": Htr, "H_test": Hte}
    return rec, snap


class _RecordedRun:
    """Accessors shared by :class:`DigitsRun` (indexed by epoch) and :class:`MLPRun` (by step): the
    class attribute ``_INDEX`` names the record index and the ``first_fit_<index>`` field."""

    _INDEX: ClassVar[str]

    def snapshot(self, at: int) -> dict:
        """The snapshot recorded at epoch/step ``at`` (KeyError if it was not recorded)."""
        for s in self.snapshots:
            if s[self._INDEX] == at:
                return s
        raise KeyError(f"{self._INDEX} {at} was not recorded; recorded: {[s[self._INDEX] for s in self.snapshots]}")

    def row(self, at: int) -> dict:
        """All recorded metrics at epoch/step ``at`` as a dict of floats (KeyError if not recorded)."""
        hit = np.flatnonzero(self.records[self._INDEX] == at)
        if hit.size == 0:
            raise KeyError(f"{self._INDEX} {at} was not recorded; recorded: {self.records[self._INDEX].tolist()}")
        return {k: float(v[hit[0]]) for k, v in self.records.items()}

    def to_dict(self, arrays: bool = False) -> dict:
        """JSON-ready summary: settings, records, first-fit epoch/step, status, seconds (and, with
        ``arrays=True``, parameters, snapshots and labels)."""
        ff = f"first_fit_{self._INDEX}"
        d = {"settings": jsonable(self.settings), "records": jsonable(self.records), ff: getattr(self, ff),
             "status": self.status, "seconds": self.seconds}
        if arrays:
            d.update(params0=jsonable(self.params0), params=jsonable(self.params), snapshots=jsonable(self.snapshots),
                     y_train=jsonable(self.y_train), y_test=jsonable(self.y_test))
        return d


@dataclass(frozen=True)
class DigitsRun(_RecordedRun, Result):
    """One SGD run of the digits network of gao2023.md §6.2 (tables T4 and T5; ji2022.md §6 X2).

    Attributes:
      settings: dict of every argument that defines the run (d, activation, classifier mode, lr,
        momentum, weight decay, batch size, epochs, seeds, frozen parameters, init variances).
      params0, params: initial and final parameters ``{"A", "V", "b", "W"}`` (``b`` is ``None``
        without bias).
      records: name → float array on ``records["epoch"]`` (the recorded checkpoints, ascending):
        ``train_acc``, ``test_acc``, ``train_ce`` (mean CE, log-domain accurate), ``log_train_ce``,
        ``p_min``, ``nu_net``, ``p_min_lower``/``p_min_upper`` (GAO-F1 exact inversions from the CE),
        ``tpt`` (1.0 iff p_min > 0, GAO-D3), ``W_fro``, ``W_row_max``, ``H_row_max`` (for 𝕽 of
        GAO-F7) and, with ``full_metrics``, ``min_angle_W`` (degrees), ``coherence_W``, ``nc1``
        (Papyan), ``equinorm_H``, ``maxangle_H``, ``nc3`` (Papyan, uncentred W), ``nc4`` (NCC
        mismatch) and ``sel_distance``.
      snapshots: one dict per recorded epoch: ``epoch``, ``A``, ``V``, ``b``, ``W``, ``H_train``
        (N, d), ``H_test`` — enough to evaluate any bound later.
      first_fit_epoch: first epoch with 100% training accuracy (``None`` if not tracked / never).
      y_train, y_test: labels. status: ``"ok"`` or ``"diverged"``. seconds: wall time.
    """

    settings: dict
    params0: dict
    params: dict
    records: dict
    snapshots: list
    first_fit_epoch: int | None
    y_train: np.ndarray
    y_test: np.ndarray
    status: str
    seconds: float
    _INDEX: ClassVar[str] = "epoch"

    def logits(self, epoch: int | None = None, split: str = "test") -> np.ndarray:
        """Logits H Wᵀ (N, K) at a recorded epoch (default: the last) on ``"train"`` or ``"test"``."""
        s = self.snapshots[-1] if epoch is None else self.snapshot(epoch)
        return s["H_" + split] @ s["W"].T


def _split_data(data) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Validate a user ``(X_train, y_train, X_test, y_test)`` split (rows are samples); returns it and K."""
    from ._validate import as_labels
    from .errors import ShapeError

    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise InputError("data must be (X_train, y_train, X_test, y_test)", argument="data")
    Xtr = as_float_array(data[0], "X_train", ndim=2)
    Xte = as_float_array(data[2], "X_test", ndim=2)
    ytr, K = as_labels(data[1], "y_train", n=Xtr.shape[0])
    yte, _ = as_labels(data[3], "y_test", K=K, n=Xte.shape[0], require_all_classes=False)
    if Xte.shape[1] != Xtr.shape[1]:
        raise ShapeError(f"X_test must have {Xtr.shape[1]} columns like X_train, got {Xte.shape[1]}",
                         argument="X_test")
    return Xtr, ytr, Xte, yte, K


def _checkpoint_set(checkpoints, last: int, unit: str) -> set:
    """The checkpoint set {c} ∪ {last}, each c an integer in 0..last."""
    want = set()
    for c in checkpoints:
        c = check_int(c, "checkpoints")
        if not 0 <= c <= last:
            raise InputError(f"checkpoint {unit} must lie in 0..{last}, got {c}", argument="checkpoints")
        want.add(c)
    want.add(last)
    return want


def _momentum_step(params: dict, bufs: dict, grads: dict, trained, lr: float, momentum: float,
                   weight_decay: float) -> None:
    """Heavy-ball step in place (PyTorch SGD convention): g += wd·θ; buf ← momentum·buf + g; θ ← θ − lr·buf."""
    for k in trained:
        gk = grads[k]
        if weight_decay:
            gk += weight_decay * params[k]
        bk = bufs[k]
        bk *= momentum
        bk += gk
        params[k] -= lr * bk  # in place: callers' aliases of params[k] stay valid


def _record_arrays(rec: dict, index: str) -> dict:
    records = {k: np.asarray(v, dtype=float) for k, v in rec.items()}
    if index in records:
        records[index] = records[index].astype(np.int64)
    return records


def train_digits(d: int = 16, *, epochs: int = 3000, lr: float = 0.02, activation: str = "identity",
                 W_fixed=None, bias: bool = False, weight_decay: float = 0.0, momentum: float = 0.9,
                 batch_size: int = 100, init_seed=5, order_seed=9, init: dict | None = None,
                 a_var: float | None = None, v_var: float | None = None, w_var: float | None = None,
                 width: int | None = None, freeze: Sequence[str] = (), checkpoints: Sequence[int] = (),
                 checkpoint_first_fit: bool = False, full_metrics: bool = True, data=None,
                 test_size: float | int = 797, split_seed: int = 0) -> DigitsRun:
    r"""Minibatch SGD with heavy-ball momentum on the digits network of gao2023.md §6.2.

    Model (gao2023.md §6.2; GAO-F12 with g(x; φ) = relu(A x), φ = A):

    .. math::  h(x) = \mathrm{act}(V\,\mathrm{relu}(A x) + b),\qquad \text{logits} = W h(x),

    A (width × 64) ~ N(0, 2/64), V (d × width) ~ N(0, v_var), bias-free classifier W (K × d),
    act ∈ {identity, relu}, optional bias b (starts at 0). Loss: mean cross-entropy over the batch.
    Optimiser (PyTorch SGD semantics, GAO-F12 "heavy-ball"): g ← ∇ℓ + weight_decay·θ;
    buf ← momentum·buf + g (buf₀ = 0); θ ← θ − lr·buf, for every trained parameter. Every epoch
    visits a fresh permutation of the training set drawn from ``default_rng(order_seed)``, cut into
    consecutive batches of ``batch_size`` (the last may be smaller).

    **Is A trained?** Yes by default (see the block comment above: GAO-F12 trains φ; L_f of T5 is
    the product of all layer norms; the spec's timings). ``freeze=("A",)`` freezes it.

    Protocols (gao2023.md §6.2):

    * **T4** (learnable W): ``train_digits(16, epochs=3000, lr=0.02, init_seed=5, order_seed=9,
      checkpoints=(10, 30, 100, 300, 1000, 3000))`` — V ~ N(0, 1/64), W ~ N(0, 1/d), no weight decay.
    * **T5** (fixed W = P_π E): ``train_digits(16, epochs=200, lr=0.05, weight_decay=5e-4,
      W_fixed=permutation_matrix(pi) @ simplex_etf(10, 16, rotation=U), v_var=2/64,
      activation="relu", init_seed=1000 + s, order_seed=s)``.

    Args:
      d: feature dimension.
      epochs: number of passes over the training set. lr, momentum, weight_decay, batch_size: SGD.
      activation: ``"identity"`` or ``"relu"`` (the feature activation act; the backbone is always relu).
      W_fixed: a (K, d) matrix → fixed classifier (never updated, not drawn); ``None`` → learnable W.
      bias: include the feature bias b (zero-initialised).
      init_seed: seed of the initial parameters (:func:`init_digits`; draw order A, V, W).
      order_seed: seed of the per-epoch shuffles (separate from ``init_seed``).
      init: explicit initial parameters ``{"A", "V", "b", "W"}`` (any subset; the rest is drawn from
        ``init_seed``). Used for coupled initialisations such as V′ = QᵀV₀ (GAO-F12).
      a_var, v_var, w_var, width: initial variances of A, V, W (defaults 2/64, 1/width, 1/d) and the
        hidden width (default 64 = input dimension).
      freeze: parameters not to train, a subset of {"A", "V", "b", "W"} (``W_fixed`` freezes W).
      checkpoints: epochs (0..epochs) at which to record metrics and keep a snapshot; the last
        epoch is always recorded.
      checkpoint_first_fit: also record the first epoch with 100% training accuracy (train accuracy
        is evaluated after every epoch until then).
      full_metrics: compute the angle/coherence/NC/SEL columns (set False for fast pilots).
      data: ``(X_train, y_train, X_test, y_test)``; default :func:`digits_data` (``test_size``,
        ``split_seed``: 1000 / 797, seed 0).

    Returns:
      :class:`DigitsRun`.

    Raises:
      InputError (and its subclasses ShapeError, LabelError) for invalid arguments.

    Runtime (2-core CPU, float64, one BLAS thread): ≈ 0.3 ms per SGD step with the backbone
    trained (the two 100 × 64 × 64 products of A's forward and gradient dominate), i.e. ≈ 9–15 s
    for T4 (3000 epochs = 30 000 steps; the spec's reference ≈ 15 s) and ≈ 0.5 s for a 200-epoch T5
    run; a frozen backbone (``freeze=("A",)``) or frozen features are several times faster.
    """
    t0 = time.perf_counter()
    d = check_int(d, "d")
    if d < 1:
        raise InputError(f"d must be >= 1, got {d}", argument="d")
    epochs = check_int(epochs, "epochs")
    if epochs < 0:
        raise InputError(f"epochs must be >= 0, got {epochs}", argument="epochs")
    lr = check_positive(lr, "lr")
    momentum = check_nonnegative(momentum, "momentum")
    if momentum >= 1:
        raise InputError(f"momentum must lie in [0, 1), got {momentum}", argument="momentum")
    weight_decay = check_nonnegative(weight_decay, "weight_decay")
    batch_size = check_int(batch_size, "batch_size")
    relu_h = _digits_act(activation)
    freeze = tuple(freeze)
    bad = [f for f in freeze if f not in _DIGITS_PARAMS]
    if bad:
        raise InputError(f"freeze must be a subset of {_DIGITS_PARAMS}, got {bad}", argument="freeze")

    if data is None:
        Xtr, ytr, Xte, yte = digits_data(test_size=test_size, seed=split_seed)
        K = int(ytr.max()) + 1
    else:
        Xtr, ytr, Xte, yte, K = _split_data(data)
    N, p = Xtr.shape
    if not 1 <= batch_size <= N:
        raise InputError(f"batch_size must lie in 1..{N}, got {batch_size}", argument="batch_size")
    width = p if width is None else check_int(width, "width")

    fixed = W_fixed is not None
    shapes = {"A": (width, p), "V": (d, width), "b": (d,), "W": (K, d)}
    params = init_digits(d, K=K, p=p, width=width, seed=init_seed, a_var=a_var, v_var=v_var, w_var=w_var,
                         bias=bias, classifier=not fixed)
    if init is not None:
        if not isinstance(init, dict):
            raise InputError("init must be a dict with keys among A, V, b, W", argument="init")
        unknown = [k for k in init if k not in _DIGITS_PARAMS]
        if unknown:
            raise InputError(f"init has unknown key(s) {unknown}; allowed {_DIGITS_PARAMS}", argument="init")
        for k, v in init.items():
            if v is None:
                continue
            if k == "b" and not bias:
                raise InputError("init['b'] given but bias=False", argument="init")
            if k == "W" and fixed:
                raise InputError("init['W'] given together with W_fixed; pass one of them", argument="init")
            params[k] = as_float_array(v, f"init['{k}']", shape=shapes[k]).copy()
    if fixed:
        params["W"] = as_float_array(W_fixed, "W_fixed", shape=shapes["W"]).copy()
    trained = tuple(k for k in _DIGITS_PARAMS
                    if params[k] is not None and k not in freeze and not (k == "W" and fixed))
    need = frozenset(trained)
    params0 = {k: (None if v is None else v.copy()) for k, v in params.items()}

    want = _checkpoint_set(checkpoints, epochs, "epochs")

    Ytr = np.eye(K)[ytr]
    rng = as_rng(order_seed)
    buf = {k: np.zeros_like(params[k]) for k in trained}
    A, V, b, W = params["A"], params["V"], params["b"], params["W"]
    # frozen backbone: the relu(A x) layer is a fixed feature map, computed once
    R_all = np.maximum(Xtr @ A.T, 0.0) if "A" not in need else None
    # frozen features (only W trained): h(x) is fixed, computed once
    H_all = digits_features(params, Xtr, "relu" if relu_h else "identity") if not need & {"A", "V", "b"} else None
    starts = list(range(0, N, batch_size))

    rec: dict[str, list] = {}
    snaps = []
    first_fit = None
    status = "ok"

    def record(ep):
        r, s = _digits_record(params, Xtr, ytr, Xte, yte, relu_h, K, full_metrics)
        rec.setdefault("epoch", []).append(ep)
        for k, v in r.items():
            rec.setdefault(k, []).append(v)
        s["epoch"] = ep
        snaps.append(s)

    def fits() -> bool:
        H = H_all if H_all is not None else digits_features(params, Xtr, "relu" if relu_h else "identity")
        return bool(np.all(np.argmax(H @ W.T, axis=1) == ytr))

    if 0 in want:
        record(0)
    if checkpoint_first_fit and fits():
        first_fit = 0
    lr_, mom, wd = lr, momentum, weight_decay
    for ep in range(1, epochs + 1):
        perm = rng.permutation(N)
        Xp, Yp = Xtr[perm], Ytr[perm]
        Rp = R_all[perm] if R_all is not None else None
        Hp = H_all[perm] if H_all is not None else None
        for s0 in starts:
            sl = slice(s0, s0 + batch_size)
            _, g = _digits_grads(A, V, b, W, Xp[sl], Yp[sl], relu_h, need,
                                 R=None if Rp is None else Rp[sl], H=None if Hp is None else Hp[sl])
            _momentum_step(params, buf, g, trained, lr_, mom, wd)  # in place: A, V, b, W alias params[k]
        if not (np.isfinite(V).all() and np.isfinite(W).all() and np.isfinite(A).all()):
            status = "diverged"
            break
        if checkpoint_first_fit and first_fit is None and fits():
            first_fit = ep
            if ep not in want:
                record(ep)
        if ep in want:
            record(ep)
    records = _record_arrays(rec, "epoch")
    settings = dict(d=d, K=K, N=N, p=p, width=width, epochs=epochs, lr=lr, momentum=momentum,
                    weight_decay=weight_decay, batch_size=batch_size, activation="relu" if relu_h else "identity",
                    classifier="fixed" if fixed else "learnable", bias=bool(bias), init_seed=init_seed,
                    order_seed=order_seed, trained=trained, frozen=tuple(k for k in _DIGITS_PARAMS
                                                                          if k not in trained and params[k] is not None),
                    a_var=2.0 / p if a_var is None else a_var, v_var=1.0 / width if v_var is None else v_var,
                    w_var=None if fixed else (1.0 / d if w_var is None else w_var),
                    explicit_init=tuple(sorted(k for k, v in (init or {}).items() if v is not None)),
                    checkpoints=tuple(sorted(want)), data="digits" if data is None else "user",
                    test_size=test_size if data is None else None, split_seed=split_seed if data is None else None)
    return DigitsRun(settings=settings, params0=params0,
                     params={k: (None if v is None else v.copy()) for k, v in params.items()},
                     records=records, snapshots=snaps, first_fit_epoch=first_fit, y_train=np.array(ytr),
                     y_test=np.array(yte), status=status, seconds=time.perf_counter() - t0)


# ------------------------------------------------------------------------------------------------
# full-batch ReLU MLP (Ji et al. 2022 X2, standalone digits protocol)
# ------------------------------------------------------------------------------------------------
#
# ji2022.md §6 X2 "standalone protocol": digits, pixels/16, stratified 1347 / 450 split
# (random_state 0), standardised with train statistics; MLP 64 → 128 → 128 → 32, ReLU after every
# hidden layer (the last ReLU output is H), hidden biases, bias-free classifier W (10 × 32); He-normal
# init, W ~ N(0, 1/32), seed 0; full-batch GD with heavy-ball momentum 0.9, lr 0.05, mean CE, no
# weight decay, 6000 steps. Parameters are a flat dict: hidden layer l = 1..L has weight "W{l}"
# (out × in, PyTorch layout) and bias "b{l}"; "W" is the classifier (K × d). Rows are samples.

__all__ += ["JI_DIGITS_CHECKPOINTS", "ji_digits_data", "mlp_param_names", "init_mlp", "mlp_features",
            "mlp_loss_grad", "MLPRun", "train_mlp"]

JI_DIGITS_CHECKPOINTS = (100, 300, 1000, 2000, 4000, 6000)
_JI_DIGITS_CACHE: dict = {}


def ji_digits_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train (1347, 64), y_train, X_test (450, 64), y_test) of ji2022.md §6 X2: scikit-learn digits,
    pixels/16, stratified split test_size = 0.25, random_state = 0, standardised with the training
    mean and standard deviation (:func:`ncbounds.data.load_digits_features` with ``standardize=True``).
    Cached; the arrays are read-only."""
    if "split" not in _JI_DIGITS_CACHE:
        from .data import load_digits_features

        tr, te = load_digits_features(standardize=True)
        arrs = [np.array(tr.H, dtype=np.float64), np.array(tr.y, dtype=np.int64),
                np.array(te.H, dtype=np.float64), np.array(te.y, dtype=np.int64)]
        for a in arrs:
            a.setflags(write=False)
        _JI_DIGITS_CACHE["split"] = tuple(arrs)
    return _JI_DIGITS_CACHE["split"]


def _check_widths(widths) -> tuple[int, ...]:
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise InputError(f"widths must be a sequence of layer widths (input, hidden..., feature), got {widths!r}",
                         argument="widths")
    w = tuple(check_int(x, "widths") for x in widths)
    if len(w) < 2:
        raise InputError(f"widths needs at least (input, feature dimension), got {w}", argument="widths")
    if min(w) < 1:
        raise InputError(f"every width must be >= 1, got {w}", argument="widths")
    return w


def mlp_param_names(n_layers: int) -> tuple[str, ...]:
    """Parameter names of an MLP with ``n_layers`` hidden (ReLU) layers: W1, b1, …, W{L}, b{L}, W."""
    n_layers = check_int(n_layers, "n_layers")
    if n_layers < 1:
        raise InputError(f"n_layers must be >= 1, got {n_layers}", argument="n_layers")
    return tuple(n for l in range(1, n_layers + 1) for n in (f"W{l}", f"b{l}")) + ("W",)


def init_mlp(widths: Sequence[int] = (64, 128, 128, 32), *, K: int = 10, seed=0,
             w_var: float | None = None) -> dict:
    """Seeded initial parameters of the ReLU MLP (ji2022.md §6 X2).

    ``widths = (p, n_1, …, n_L)``: input dimension p, then the L hidden widths; the last, d = n_L, is
    the feature dimension. Draw order from ``numpy.random.default_rng(seed)``: W1 (n_1 × p), …,
    W{L} (d × n_{L−1}), each He-normal N(0, 2/fan_in), then the classifier W (K × d) ~ N(0, w_var)
    (default 1/d). Biases b{l} start at 0. Returns the flat parameter dict (float64 arrays).
    """
    widths = _check_widths(widths)
    K = check_int(K, "K")
    if K < 2:
        raise InputError(f"K must be >= 2, got {K}", argument="K")
    d = widths[-1]
    w_var = 1.0 / d if w_var is None else check_positive(w_var, "w_var")
    rng = as_rng(seed)
    params = {}
    for l in range(1, len(widths)):
        fan_in = widths[l - 1]
        params[f"W{l}"] = math.sqrt(2.0 / fan_in) * rng.standard_normal((widths[l], fan_in))
        params[f"b{l}"] = np.zeros(widths[l])
    params["W"] = math.sqrt(w_var) * rng.standard_normal((K, d))
    return params


def _mlp_layers(params: dict) -> int:
    L = 0
    while f"W{L + 1}" in params:
        L += 1
    return L


def _check_mlp_params(params, p: int | None = None) -> tuple[dict, int]:
    """Validated float64 copy of an MLP parameter dict and its number of hidden layers."""
    if not isinstance(params, dict):
        raise InputError("params must be a dict with keys W1, b1, …, W{L}, b{L}, W", argument="params")
    L = _mlp_layers(params)
    if L < 1 or "W" not in params:
        raise InputError("params must hold at least W1, b1 and the classifier W", argument="params")
    names = mlp_param_names(L)
    extra = sorted(set(params) - set(names))
    if extra:
        raise InputError(f"params has unknown key(s) {extra}; expected {names}", argument="params")
    out = {}
    fan_in = p
    for l in range(1, L + 1):
        Wl = as_float_array(params[f"W{l}"], f"params['W{l}']", ndim=2)
        if fan_in is not None and Wl.shape[1] != fan_in:
            from .errors import ShapeError
            raise ShapeError(f"params['W{l}'] must have {fan_in} columns, got shape {Wl.shape}", argument="params")
        out[f"W{l}"] = Wl
        out[f"b{l}"] = as_float_array(params.get(f"b{l}"), f"params['b{l}']", shape=(Wl.shape[0],))
        fan_in = Wl.shape[0]
    out["W"] = as_float_array(params["W"], "params['W']", shape=(None, fan_in))
    return out, L


def _mlp_forward(params: dict, L: int, X: np.ndarray) -> list[np.ndarray]:
    """Activations [X, relu(U_1), …, relu(U_L) = H] with U_l = A_{l−1} W_lᵀ + b_l (rows are samples)."""
    acts = [X]
    for l in range(1, L + 1):
        U = acts[-1] @ params[f"W{l}"].T
        U += params[f"b{l}"]
        np.maximum(U, 0.0, out=U)
        acts.append(U)
    return acts


def mlp_features(params: dict, X) -> np.ndarray:
    """Features H = relu(W_L … relu(W_1 x + b_1) … + b_L), one row per sample (ji2022.md §6 X2)."""
    X = as_float_array(X, "X", ndim=2)
    params, L = _check_mlp_params(params, X.shape[1])
    return _mlp_forward(params, L, X)[-1]


def _ce_grad_logits(Z: np.ndarray, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(softmax(Z) − onehot(y)) / N in log-domain form: off-target entries are the softmax
    probabilities, the target entry is minus their sum (no 1 − p_y cancellation once the loss is tiny)."""
    G = Z - Z.max(axis=1, keepdims=True)
    np.exp(G, out=G)
    G /= G.sum(axis=1, keepdims=True)
    G[rows, y] = 0.0
    G[rows, y] = -G.sum(axis=1)
    G *= 1.0 / Z.shape[0]
    return G


def _mlp_backward(params: dict, L: int, acts: list[np.ndarray], G: np.ndarray, need: frozenset) -> dict:
    """Gradients of the mean CE for the parameters in ``need`` given the logit gradient G (N × K)."""
    out = {}
    if "W" in need:
        out["W"] = G.T @ acts[L]
    first = min((int(n[1:]) for n in need if n != "W"), default=L + 1)  # earliest trained hidden layer
    if first > L:
        return out
    delta = G @ params["W"]
    delta *= acts[L] > 0
    for l in range(L, first - 1, -1):
        if f"W{l}" in need:
            out[f"W{l}"] = delta.T @ acts[l - 1]
        if f"b{l}" in need:
            out[f"b{l}"] = delta.sum(axis=0)
        if l > first:
            delta = delta @ params[f"W{l}"]
            delta *= acts[l - 1] > 0
    return out


def mlp_loss_grad(params: dict, X, y) -> tuple[float, dict]:
    """(mean CE, gradients of every parameter) of the ReLU MLP on (X, y) — the gradient :func:`train_mlp`
    uses. The loss is computed with :func:`ncbounds.metrics.ce_loss` (log-domain)."""
    from ._validate import as_labels
    from .metrics import ce_loss

    X = as_float_array(X, "X", ndim=2)
    params, L = _check_mlp_params(params, X.shape[1])
    y, _ = as_labels(y, "y", K=params["W"].shape[0], n=X.shape[0], require_all_classes=False)
    acts = _mlp_forward(params, L, X)
    Z = acts[-1] @ params["W"].T
    G = _ce_grad_logits(Z, y, np.arange(y.size))
    return ce_loss(Z, y), _mlp_backward(params, L, acts, G, frozenset(params))


def _mlp_record(W, Htr, ytr, Hte, yte, K: int, full: bool) -> dict:
    """Record columns at one checkpoint, evaluated by the digits record helper :func:`_digits_record`.

    H is the output of a ReLU, hence ≥ 0, so with A = V = I, no bias and identity activation that
    helper's features relu(H Iᵀ) Iᵀ are H itself (exactly: products with 1 and sums of zeros), and
    it returns the same columns as for the T4 run (CE, accuracies, margins, NC1–NC4, SEL distance)."""
    I = np.eye(Htr.shape[1])
    rec, _ = _digits_record({"A": I, "V": I, "b": None, "W": W}, Htr, ytr, Hte, yte, False, K, full)
    return rec


@dataclass(frozen=True)
class MLPRun(_RecordedRun, Result):
    """One full-batch momentum-GD run of the ReLU MLP of ji2022.md §6 X2 (:func:`train_mlp`).

    Attributes:
      settings: dict of every argument that defines the run (widths, K, N, steps, lr, momentum,
        weight decay, seed, classifier variance, trained and frozen parameter names, checkpoints, data).
      params0, params: initial and final parameters (flat dict W1, b1, …, W{L}, b{L}, W).
      records: name → float array on ``records["step"]`` (recorded steps, ascending; step s = after s
        updates): the columns of the digits record (:class:`DigitsRun`): ``train_acc``, ``test_acc``,
        ``train_ce`` (mean CE, log-domain), ``log_train_ce``, ``p_min``, ``nu_net``, ``p_min_lower``,
        ``p_min_upper``, ``tpt``, ``W_fro``, ``W_row_max``, ``H_row_max`` and, with ``full_metrics``,
        ``min_angle_W``, ``coherence_W``, ``nc1`` (Papyan), ``equinorm_H``, ``maxangle_H``, ``nc3``
        (Papyan, uncentred W), ``nc4`` (NCC mismatch), ``sel_distance``.
      snapshots: one dict per recorded step: ``step``, ``params`` (all layers), ``H_train`` (N, d),
        ``H_test``.
      first_fit_step: first step with 100% training accuracy (``None`` if not tracked / never).
      y_train, y_test: labels. status: ``"ok"`` or ``"diverged"``. seconds: wall time.
    """

    settings: dict
    params0: dict
    params: dict
    records: dict
    snapshots: list
    first_fit_step: int | None
    y_train: np.ndarray
    y_test: np.ndarray
    status: str
    seconds: float
    _INDEX: ClassVar[str] = "step"


def train_mlp(widths: Sequence[int] = (64, 128, 128, 32), *, steps: int = 6000, lr: float = 0.05,
              momentum: float = 0.9, weight_decay: float = 0.0, seed=0, w_var: float | None = None,
              init: dict | None = None, freeze: Sequence[str] = (), checkpoints: Sequence[int] = (),
              checkpoint_first_fit: bool = True, full_metrics: bool = True, data=None) -> MLPRun:
    r"""Full-batch gradient descent with heavy-ball momentum on a ReLU MLP (ji2022.md §6 X2).

    Model: :math:`h(x) = \mathrm{relu}(W_L\cdots\mathrm{relu}(W_1x + b_1)\cdots + b_L)`, logits
    :math:`W h(x)` with a bias-free classifier W (K × d). Loss: mean cross-entropy over the whole
    training set; logit gradient in log-domain form (:func:`mlp_loss_grad`). Optimiser (PyTorch SGD
    semantics, as :func:`train_digits`): g ← ∇L + weight_decay·θ; buf ← momentum·buf + g (buf₀ = 0);
    θ ← θ − lr·buf for every trained parameter.

    The standalone X2 protocol is the default: ``train_mlp(checkpoints=JI_DIGITS_CHECKPOINTS)``
    (widths 64 → 128 → 128 → 32, He init, W ~ N(0, 1/32), seed 0, lr 0.05, momentum 0.9, no weight
    decay, 6000 steps; the quick variant uses ``steps=1500``). Control of JI-X2-DIGITS:
    ``freeze=("hidden",)`` (only the classifier trains; the features never move).

    Args:
      widths: (input dimension, hidden widths…); the last is the feature dimension d. widths[0]
        must equal the number of input columns.
      steps: number of GD updates. lr, momentum (in [0, 1)), weight_decay: the optimiser.
      seed: initialisation seed (:func:`init_mlp`; draw order W1, …, W{L}, W). w_var: classifier
        initial variance (default 1/d).
      init: explicit initial parameters (any subset of the names; the rest is drawn from ``seed``).
      freeze: parameter names not to train (see :func:`mlp_param_names`); ``"hidden"`` stands for
        every hidden weight and bias.
      checkpoints: steps (0..steps) at which to record metrics and keep a snapshot; the last step is
        always recorded.
      checkpoint_first_fit: also record the first step with 100% training accuracy (checked on the
        forward pass of every step, at no extra cost).
      full_metrics: compute the angle/coherence/NC/SEL columns.
      data: ``(X_train, y_train, X_test, y_test)``; default :func:`ji_digits_data` (1347 / 450).

    Returns:
      :class:`MLPRun`.

    Raises:
      InputError (and its subclasses ShapeError, LabelError) for invalid arguments.

    Runtime (float64, one BLAS thread): a step is 11 matrix products, ≈ 0.21 GFLOP for the default
    network on 1347 samples (≈ 1.3 TFLOP for 6000 steps), and the loop is BLAS-bound (≈ 90% of the
    time in the products). On the 2-core development machine (AMD EPYC VM, one-thread 1000³ GEMM at
    17.7 GFLOP/s, its products here at 13–15 GFLOP/s) a step takes ≈ 17 ms: ≈ 26 s for the quick
    1500 steps and ≈ 105–110 s for 6000 (twice that while the other core is busy); the time scales
    inversely with the machine's GEMM rate. With ``freeze=("hidden",)`` the features are computed
    once and a step costs ≈ 0.7 ms.
    """
    from .errors import ShapeError

    t0 = time.perf_counter()
    widths = _check_widths(widths)
    steps = check_int(steps, "steps")
    if steps < 0:
        raise InputError(f"steps must be >= 0, got {steps}", argument="steps")
    lr = check_positive(lr, "lr")
    momentum = check_nonnegative(momentum, "momentum")
    if momentum >= 1:
        raise InputError(f"momentum must lie in [0, 1), got {momentum}", argument="momentum")
    weight_decay = check_nonnegative(weight_decay, "weight_decay")

    if data is None:
        Xtr, ytr, Xte, yte = ji_digits_data()
        K = int(ytr.max()) + 1
    else:
        Xtr, ytr, Xte, yte, K = _split_data(data)
    N, p = Xtr.shape
    if widths[0] != p:
        raise ShapeError(f"widths[0] must equal the input dimension {p}, got {widths[0]}", argument="widths")
    L = len(widths) - 1
    names = mlp_param_names(L)

    freeze = (freeze,) if isinstance(freeze, str) else tuple(freeze)
    frozen = set()
    for f in freeze:
        if f == "hidden":
            frozen.update(n for n in names if n != "W")
        elif f in names:
            frozen.add(f)
        else:
            raise InputError(f"freeze entries must be 'hidden' or among {names}, got {f!r}", argument="freeze")

    params = init_mlp(widths, K=K, seed=seed, w_var=w_var)
    if init is not None:
        if not isinstance(init, dict):
            raise InputError(f"init must be a dict with keys among {names}", argument="init")
        unknown = [k for k in init if k not in names]
        if unknown:
            raise InputError(f"init has unknown key(s) {unknown}; allowed {names}", argument="init")
        for k, v in init.items():
            if v is not None:
                params[k] = as_float_array(v, f"init['{k}']", shape=params[k].shape).copy()
    params0 = {k: v.copy() for k, v in params.items()}
    trained = tuple(n for n in names if n not in frozen)
    need = frozenset(trained)

    want = _checkpoint_set(checkpoints, steps, "steps")

    rows = np.arange(N)
    bufs = {k: np.zeros_like(params[k]) for k in trained}
    W = params["W"]
    # only the classifier trains: the features are fixed, computed once
    H_fixed = _mlp_forward(params, L, Xtr)[-1] if not need - {"W"} else None

    rec: dict[str, list] = {}
    snaps = []
    first_fit = None
    status = "ok"

    def record(s, H):
        Hte = _mlp_forward(params, L, Xte)[-1]
        r = _mlp_record(W, H, ytr, Hte, yte, K, full_metrics)
        rec.setdefault("step", []).append(s)
        for k, v in r.items():
            rec.setdefault(k, []).append(v)
        snaps.append({"step": s, "params": {k: v.copy() for k, v in params.items()}, "H_train": H.copy(),
                      "H_test": Hte})

    for s in range(steps + 1):
        acts = [H_fixed] if H_fixed is not None else _mlp_forward(params, L, Xtr)
        H = acts[-1]
        Z = H @ W.T
        if not np.isfinite(Z).all():
            status = "diverged"
            break
        if checkpoint_first_fit and first_fit is None and np.all(Z.argmax(axis=1) == ytr):
            first_fit = s
            if s not in want:
                record(s, H)
        if s in want:
            record(s, H)
        if s == steps:
            break
        G = _ce_grad_logits(Z, ytr, rows)
        if H_fixed is not None:
            g = {"W": G.T @ H} if "W" in need else {}
        else:
            g = _mlp_backward(params, L, acts, G, need)
        _momentum_step(params, bufs, g, trained, lr, momentum, weight_decay)  # in place: W aliases params["W"]
    records = _record_arrays(rec, "step")
    settings = dict(widths=widths, K=K, N=N, p=p, d=widths[-1], steps=steps, lr=lr, momentum=momentum,
                    weight_decay=weight_decay, seed=seed if isinstance(seed, (int, np.integer)) else repr(seed),
                    w_var=1.0 / widths[-1] if w_var is None else w_var, trained=trained,
                    frozen=tuple(n for n in names if n in frozen),
                    explicit_init=tuple(sorted(k for k, v in (init or {}).items() if v is not None)),
                    checkpoints=tuple(sorted(want)), data="ji-digits" if data is None else "user")
    return MLPRun(settings=settings, params0=params0, params={k: v.copy() for k, v in params.items()},
                  records=records, snapshots=snaps, first_fit_step=first_fit, y_train=np.array(ytr),
                  y_test=np.array(yte), status=status, seconds=time.perf_counter() - t0)
