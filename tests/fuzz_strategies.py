"""Hypothesis strategies for ``tests/test_fuzz_claims.py`` (claim-by-claim fuzzing of the spec §4 claims).

Only what :mod:`ncbounds.testing` does not already provide lives here: the instance *families* the specs
name (gao2023.md claim 1 fuzz instances, jacot2024.md generator G1 and its noiseless chains, the G2
generator of JACOT-E2, wu2025.md finite-particle points, classic.md size vectors). Scalar parameters are
drawn by hypothesis (so they shrink); Gaussian matrices come from ``numpy.random.default_rng`` seeded by a
drawn integer (:func:`ncbounds.testing.seeds`), so every failure replays exactly.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import strategies as st

from ncbounds import nets
from ncbounds import testing as nct

_U01 = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def unit(lo: float = 0.0, hi: float = 1.0):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def log_uniform(lo: float, hi: float):
    """Floats 10**u, u uniform in [log10 lo, log10 hi] (shrinks towards lo)."""
    return unit(math.log10(lo), math.log10(hi)).map(lambda u: float(10.0 ** u))


# ------------------------------------------------------------------------------------------------
# classic.md / ji2022.md
# ------------------------------------------------------------------------------------------------

def size_vectors(K=st.integers(2, 12), max_count: int = 10_000):
    """Class-size vectors (K,) with n_k in [1, max_count] (classic.md claim 17: K ∈ [2, 12], n_k ∈ [1, 1e4])."""
    return nct.class_counts(K, min_count=1, max_count=max_count)


# ------------------------------------------------------------------------------------------------
# gao2023.md claim 1 fuzz family
# ------------------------------------------------------------------------------------------------

@st.composite
def gao_instances(draw, K=st.integers(2, 8), N=st.integers(2, 40), collapsed=None):
    """GAO-F1/F2 fuzz: K ∈ [2, 8], N ∈ [2, 40], d ∈ [K, 12], Gaussian M (= W, (K, d)); Z (= H, (N, d))
    collapsed (3·M_y + N(0, 1) noise) or fully random N(0, 1). Every class present when N ≥ K.
    Returns (W, H, y)."""
    K = draw(K) if not isinstance(K, int) else K
    N = draw(N) if not isinstance(N, int) else N
    d = draw(st.integers(K, 12))
    coll = draw(st.booleans()) if collapsed is None else collapsed
    rng = np.random.default_rng(draw(nct.seeds()))
    W = rng.normal(size=(K, d))
    y = np.concatenate([np.arange(K), rng.integers(0, K, N - K)]) if N >= K else rng.integers(0, K, N)
    H = (3.0 * W[y] if coll else 0.0) + rng.normal(size=(len(y), d))
    return W, H, y.astype(np.int64)


# ------------------------------------------------------------------------------------------------
# jacot2024.md generator G1 (and noiseless balanced chains)
# ------------------------------------------------------------------------------------------------

def _orth(rng, m, k):
    Q, _ = np.linalg.qr(rng.standard_normal((m, k)))
    return Q


def prod(Ws):
    """W_L ⋯ W_1 for a list [W_1, …, W_L]."""
    P = Ws[-1]
    for W in reversed(Ws[:-1]):
        P = P @ W
    return P


def balanced_chain(rng, K, L2, m, t, noise_p=0.0):
    """W_j = U_j diag(s) U_{j−1}ᵀ (U_j ∈ ℝ^{m×K} orthonormal columns, last U = I_K), s = exp(N(0, t²)),
    plus Gaussian noise of scale noise_p/√fan-in on every factor."""
    s = np.exp(t * rng.standard_normal(K))
    Us = [_orth(rng, m, K) for _ in range(L2)] + [np.eye(K)]
    Ws = []
    for j in range(1, L2 + 1):
        W = Us[j] @ np.diag(s) @ Us[j - 1].T
        if noise_p > 0:
            W = W + noise_p * rng.standard_normal(W.shape) / math.sqrt(W.shape[1])
        Ws.append(W)
    return Ws


@functools.lru_cache(maxsize=8192)
def g1_build(K, n, L2, m, t, p, e_scale, q, seed):
    """One G1 draw (jacot2024.md §4) with L1 = 0: returns dict(Ws, Y, Zs, n, K, N, L2, y).

    Memoised on its (hashable) parameters, so the several G1 property tests, which share one hypothesis seed,
    build and evaluate each draw once; callers must not mutate the returned arrays (copy lists before editing)."""
    rng = np.random.default_rng(seed)
    Ws = balanced_chain(rng, K, L2, m, t, p)
    N = K * n
    y = np.repeat(np.arange(K), n)
    Y = np.eye(K)[:, y]
    P = prod(Ws)
    E = e_scale * rng.standard_normal((K, N))
    Z0 = np.linalg.pinv(P) @ (Y + E) + q * rng.standard_normal((m, N))
    Zs = [Z0]
    for W in Ws:
        Zs.append(W @ Zs[-1])
    return {"Ws": Ws, "Y": Y, "Zs": Zs, "n": n, "K": K, "N": N, "L2": L2, "y": y}


def g1_valid(d) -> bool:
    """G1's validity filter: ε1 < min(s_K(Y), √((K−1)N/(4K))) and s_K(W_L) > 1e-9."""
    if "_valid" not in d:
        d["_valid"] = _g1_valid(d)
    return d["_valid"]


def _g1_valid(d) -> bool:
    K, N = d["K"], d["N"]
    e1 = float(np.linalg.norm(d["Zs"][-1] - d["Y"]))
    sKY = float(np.linalg.svd(d["Y"], compute_uv=False)[K - 1])
    sKW = float(np.linalg.svd(d["Ws"][-1], compute_uv=False)[K - 1])
    return bool(e1 < min(sKY, math.sqrt((K - 1) * N / (4 * K))) and sKW > 1e-9)


@st.composite
def g1_draws(draw, n=st.integers(1, 5)):
    """Raw G1 draws: K ∈ [2,5], n ∈ [1,5], L2 ∈ [2,4], m ∈ [K, K+4], t ~ U(0, 0.6),
    p = U(0, 0.2)·U(0, 1), E of scale U(0, 0.3), q = U(0, 0.5)·U(0, 1)."""
    K = draw(st.integers(2, 5))
    nn = draw(n) if not isinstance(n, int) else n
    L2 = draw(st.integers(2, 4))
    m = draw(st.integers(K, K + 4))
    t = draw(unit(0, 0.6))
    p = draw(unit(0, 0.2)) * draw(_U01)
    e_scale = draw(unit(0, 0.3))
    q = draw(unit(0, 0.5)) * draw(_U01)
    return g1_build(K, nn, L2, m, t, p, e_scale, q, draw(nct.seeds()))


def g1_valid_draws(n=st.integers(1, 5)):
    """G1 draws that pass the validity filter (about half of the raw draws)."""
    return g1_draws(n=n).filter(g1_valid)


@st.composite
def exact_chains(draw):
    """Exactly balanced chains (G1 without noise): (Ws, K, L2)."""
    K = draw(st.integers(2, 5))
    L2 = draw(st.integers(2, 4))
    m = draw(st.integers(K, K + 4))
    t = draw(unit(0, 0.6))
    rng = np.random.default_rng(draw(nct.seeds()))
    return balanced_chain(rng, K, L2, m, t), K, L2


def g2_build(K, n, m, core_noise, e_scale, q, seed, *, in_row_space=False):
    """Generator G2 of JACOT-E2 (L2 = 2): W_{L−1} = m×m rank-K core (balanced factor) plus noise
    U(0, 0.3)/√m; W_L Gaussian/√m (K × m); Z_{L−2} = (W_LW_{L−1})⁺(Y + e·noise) + q·Gaussian.
    ``in_row_space``: the ε2 = 0 counterpart — exactly balanced 2-chain (no noise) and Z_{L−1} = W_L⁺(Y + E)
    in the row space of W_L."""
    rng = np.random.default_rng(seed)
    N = K * n
    y = np.repeat(np.arange(K), n)
    Y = np.eye(K)[:, y]
    if in_row_space:
        W1, W2 = balanced_chain(rng, K, 2, m, 0.5)
        Z1 = np.linalg.pinv(W2) @ (Y + e_scale * rng.standard_normal((K, N)))
        Z0 = np.linalg.pinv(W1) @ Z1
    else:
        U = _orth(rng, m, K)
        W1 = U @ np.diag(np.exp(0.3 * rng.standard_normal(K))) @ U.T + core_noise * rng.standard_normal((m, m)) / math.sqrt(m)
        W2 = rng.standard_normal((K, m)) / math.sqrt(m)
        Z0 = np.linalg.pinv(W2 @ W1) @ (Y + e_scale * rng.standard_normal((K, N))) + q * rng.standard_normal((m, N))
        Z1 = W1 @ Z0
    Zs = [Z0, Z1, W2 @ Z1]
    return {"Ws": [W1, W2], "Y": Y, "Zs": Zs, "n": n, "K": K, "N": N, "L2": 2, "y": y}


@st.composite
def g2_row_space_draws(draw):
    K = draw(st.integers(2, 5))
    return g2_build(K, draw(st.integers(1, 5)), draw(st.integers(K + 1, K + 5)), 0.0, draw(unit(0, 0.3)), 0.0,
                    draw(nct.seeds()), in_row_space=True)


# ------------------------------------------------------------------------------------------------
# wu2025.md finite-particle points
# ------------------------------------------------------------------------------------------------

@st.composite
def wu_points(draw, *, N=st.integers(20, 120), gamma=unit(0.5, 5.0), lam=log_uniform(1e-3, 1.0),
              w_scale=unit(0.2, 3.0), W_orthonormal: bool = False):
    """A point (A, U, W, X, Y, γ, λ) of the finite-particle model on S0 data (q = 3, m = 4, d = 5, p = 6):
    A, U ~ N(0, I) (N particles), W Gaussian of the drawn scale (or scale·orthonormal columns), tanh."""
    seed = draw(nct.seeds())
    X, Y, _ = nets.s0_data(q=3, m=4, d=5, seed=draw(st.integers(0, 50)))
    rng = np.random.default_rng(seed)
    Np = draw(N) if not isinstance(N, int) else N
    A = rng.standard_normal((Np, 6))
    U = rng.standard_normal((Np, 5))
    sc = draw(w_scale)
    if W_orthonormal:
        Q, R = np.linalg.qr(rng.standard_normal((6, 3)))
        W = sc * Q * np.sign(np.diag(R))
    else:
        W = sc * rng.standard_normal((6, 3)) / math.sqrt(3)
    return {"A": A, "U": U, "W": W, "X": X, "Y": Y, "gamma": float(draw(gamma)), "lam": float(draw(lam))}
