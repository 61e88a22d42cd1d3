"""Jacot et al. 2024 Theorem 3.1/B.1 and Wu & Mondelli 2025 Theorem 4.2/Corollary 4.4: both sides evaluated."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds import nets
from ncbounds._results import jsonable
from ncbounds.bounds import nc1 as B

THM31 = ("eq22", "eq23", "nc1", "nc2", "kappa", "nc3")


# ------------------------------------------------------------------------------------------------
# Jacot et al.: fuzz generator G1 (jacot2024.md §4), no training
# ------------------------------------------------------------------------------------------------

def _orth(rng, m, k):
    Q, _ = np.linalg.qr(rng.standard_normal((m, k)))
    return Q


def g1_draw(rng, *, n=None, noise=True):
    K = int(rng.integers(2, 6))
    n = int(rng.integers(1, 6)) if n is None else n
    L2 = int(rng.integers(2, 5))
    m = int(rng.integers(K, K + 5))
    t = rng.uniform(0, 0.6)
    s = np.exp(t * rng.standard_normal(K))
    Us = [_orth(rng, m, K) for _ in range(L2)] + [np.eye(K)]
    Ws = []
    for j in range(1, L2 + 1):
        W = Us[j] @ np.diag(s) @ Us[j - 1].T
        if noise:
            W = W + rng.uniform(0, 0.2) * rng.uniform(0, 1) * rng.standard_normal(W.shape) / math.sqrt(W.shape[1])
        Ws.append(W)
    N = K * n
    y = np.repeat(np.arange(K), n)
    Y = np.eye(K)[:, y]
    P = Ws[-1]
    for W in reversed(Ws[:-1]):
        P = P @ W
    E = rng.uniform(0, 0.3) * rng.standard_normal((K, N))
    Z0 = np.linalg.pinv(P) @ (Y + E) + rng.uniform(0, 0.5) * rng.uniform(0, 1) * rng.standard_normal((m, N))
    Zs = [Z0]
    for W in Ws:
        Zs.append(W @ Zs[-1])
    return Ws, Y, Zs, n


def _valid(Ws, Y, Zs):
    K, N = Y.shape
    e1 = np.linalg.norm(Zs[-1] - Y)
    sKY = np.linalg.svd(Y, compute_uv=False)[K - 1]
    sKW = np.linalg.svd(Ws[-1], compute_uv=False)[K - 1]
    return e1 < min(sKY, math.sqrt((K - 1) * N / (4 * K))) and sKW > 1e-9


@pytest.fixture(scope="module")
def g1_results():
    rng = np.random.default_rng(20240)
    out = []
    while len(out) < 250:
        Ws, Y, Zs, n = g1_draw(rng)
        if _valid(Ws, Y, Zs):
            out.append((n, B.jacot_theorem31(Ws, Y, 0, Zs=Zs, X=Zs[0])))
    return out


def test_g1_no_applicable_violation(g1_results):
    applicable = {k: 0 for k in ("eq22", "eq23", "nc1", "lc2", "kappa", "nc2", "nc3")}
    for _, b in g1_results:
        for name, row in b.rows.items():
            if name.startswith("e1_step[sqrt(K)"):
                continue
            assert row.verdict != "FAIL", (name, row)
            for k in applicable:
                if name.startswith(k) and row.applicable:
                    applicable[k] += 1
    assert all(v >= 3 for v in applicable.values()), applicable  # every row was actually exercised


def test_g1_erratum_e1(g1_results):
    """JACOT-E1: the printed sqrt(K) step fails in many trials, all with n >= 2; sqrt(N) never fails."""
    printed = [(n, b.rows["e1_step[sqrt(K) printed]"].verdict) for n, b in g1_results]
    fails = [n for n, v in printed if v == "FAIL"]
    assert len(fails) > 0.2 * len(printed)
    assert min(fails) >= 2
    assert all(b.rows["e1_step[sqrt(N) corrected]"].verdict == "PASS" for _, b in g1_results)


def test_e1_control_n1_never_fails():
    rng = np.random.default_rng(7)
    count = 0
    while count < 100:
        Ws, Y, Zs, _ = g1_draw(rng, n=1)
        if _valid(Ws, Y, Zs):
            step = B.jacot_nc3_step(Ws[-1], Y)
            assert step["lhs"] <= step["rhs_printed"] * (1 + 1e-9)
            count += 1


def test_exactly_balanced_chain_power_identity():
    """JACOT-S5.1: exact balance gives (W_L W_L^T)^{L2} = P P^T and kappa(W_L) = kappa(P)^{1/L2}."""
    rng = np.random.default_rng(3)
    Ws, Y, Zs, _ = g1_draw(rng, noise=False)
    b = B.jacot_theorem31(Ws, Y, 0, Zs=Zs)
    assert b.rows["lc2"].lhs < 1e-10 * max(1.0, b.r ** (2 * b.measured.L2))
    assert b.measured.kappa_WL == pytest.approx(b.measured.kappa_P ** (1 / b.measured.L2), rel=1e-10)


# ------------------------------------------------------------------------------------------------
# Jacot et al.: trained R0 network
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def r0_run():
    """R0 (jacot2024.md §4) with eta = 0.02 (lambda = 0.01) and 4e4 steps: eta*lambda = 2e-4 decays the
    balancedness twice as fast as the spec's 1e5-step run, so eps2 ~ 1e-6 and every row is applicable."""
    X, Y, _ = nets.r0_data(seed=0)
    return nets.train_deep_head(X, Y, widths=[10, 64, 32, 16, 16, 3], L1=2, lam=0.01, eta=0.02, steps=40000,
                                seed=1, record_every=2000)


def test_r0_every_inequality_holds(r0_run):
    loss = r0_run.records["loss"]
    assert np.all(np.diff(loss) <= 0)  # monotone loss: not at the edge of stability
    b = B.jacot_from_run(r0_run)
    assert all(b.hypotheses.values()), b.hypotheses
    for name, row in b.rows.items():
        if name == "e1_step[sqrt(K) printed]":
            assert row.verdict == "FAIL"  # JACOT-E1 reproduces on the trained network
        else:
            assert row.verdict == "PASS", (name, row.lhs, row.rhs, row.hypotheses)
    m = b.measured
    assert m.nc1 < 5e-3 and m.nc3 > 0.95 and m.eps2 < 1e-4 and m.forward_consistent
    json.dumps(jsonable(b.to_dict()), allow_nan=False)


def test_r0_untrained_is_not_applicable(r0_run):
    """Claim 12 control: at step 0, eps1 ~ sqrt(N) > s_K(Y): every Theorem 3.1 row is N/A, never PASS."""
    b = B.jacot_from_run(r0_run, step=0)
    assert b.measured.eps1 > b.measured.sK_Y
    assert all(r.verdict == "N/A" for r in b.theorem31_rows.values())
    assert b.rows["p51"].verdict == "N/A"


def test_r0_controls(r0_run):
    Ws = [np.array(W) for W in r0_run.Ws]
    Zs = r0_run.forward()
    # claim 5: Z_L := Y and W_L -> 1e-3 W_L (inconsistent network): (22) must FAIL
    Ws5 = Ws[:-1] + [1e-3 * Ws[-1]]
    Zs5 = Zs[:-1] + [r0_run.Y.copy()]
    b5 = B.jacot_theorem31(Ws5, r0_run.Y, 2, Zs=Zs5, X=r0_run.X)
    assert b5.rows["eq22"].verdict == "FAIL" and not b5.measured.forward_consistent
    # claim 11: Z_{L-1} -> -Z_{L-1} with Z_L kept: NC3 must FAIL
    Zs11 = Zs[:-2] + [-Zs[-2], Zs[-1]]
    b11 = B.jacot_theorem31(Ws, r0_run.Y, 2, Zs=Zs11, X=r0_run.X)
    assert b11.rows["nc3[sqrt(N) corrected]"].verdict == "FAIL"
    assert b11.rows["eq23"].verdict == "FAIL"
    # a hypothesis passed below its measured value makes the rows N/A, never PASS
    b = B.jacot_from_run(r0_run, eps1=0.5 * B.jacot_from_run(r0_run).measured.eps1)
    assert not b.hypotheses["H1"]
    assert all(r.verdict == "N/A" for r in b.theorem31_rows.values())


def test_kappa_planted_c3_control():
    """Claim 9 control: balanced chain, L2 = 2, kappa(P) = 4 (kappa(W_L) = 2), eps2 = 0, c3 passed as 1: the
    bound (1) is below kappa(W_L) = 2, and it is reported N/A (hypothesis kappa(P) <= c3 false), raw FAIL."""
    K, n = 2, 3
    y = np.repeat(np.arange(K), n)
    Y = np.eye(K)[:, y]
    s = np.array([2.0, 1.0])
    W1 = np.diag(s)
    W2 = np.diag(s)
    Z0 = np.linalg.pinv(W2 @ W1) @ Y
    Zs = [Z0, W1 @ Z0, W2 @ W1 @ Z0]
    b = B.jacot_theorem31([W1, W2], Y, 0, Zs=Zs, X=Z0, c3=1.0)
    row = b.rows["kappa[e=1/(2L2),s=direct]"]
    assert b.measured.kappa_P == pytest.approx(4.0) and b.measured.kappa_WL == pytest.approx(2.0)
    assert row.rhs == pytest.approx(1.0) and row.verdict == "N/A" and row.raw_holds is False
    good = B.jacot_theorem31([W1, W2], Y, 0, Zs=Zs, X=Z0)
    assert good.rows["kappa[e=1/(2L2),s=direct]"].verdict == "PASS"


def test_prop51_control_activation_violating_a42():
    """Claim 13 control: sigma(x) = x/s violates |sigma(x)| <= |x|; bound 0.4508 < kappa = 100 -> N/A, raw FAIL."""
    s = 0.01
    act = nets.Activation("x/s", lambda x: x / s, lambda x: np.full_like(x, 1 / s), leaky_gamma=None, C1=None,
                          sup_abs=None)
    X = Y = np.eye(2)
    Ws = [np.diag([s, 1.0]), np.diag([1.0, math.sqrt(s)]), np.diag([1.0, math.sqrt(s)])]
    b = B.jacot_theorem31(Ws, Y, 1, X=X, activation=act)
    row = b.rows["p51"]
    assert b.measured.eps1 == pytest.approx(0, abs=1e-12) and b.measured.theta_sq == pytest.approx(3.0201)
    assert b.measured.kappa_P == pytest.approx(100) and row.rhs == pytest.approx(0.4508, abs=1e-4)
    assert row.verdict == "N/A" and row.raw_holds is False
    forced = B.jacot_theorem31(Ws, Y, 1, X=X, activation=act, activation_A42=True)
    assert forced.rows["p51"].verdict == "FAIL"


# ------------------------------------------------------------------------------------------------
# Wu & Mondelli
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("gamma,nc1,printed,restored,verdict", [
    (1.0, 0.00050, 0.01606, 0.01606, "PASS"), (5.0, 0.01235, 0.01606, 0.44444, "PASS"),
    (5.8, 0.01654, 0.01606, 0.62193, "FAIL"), (10.0, 0.04762, 0.01606, 2.66667, "FAIL")])
def test_wu_gamma_counterexample_e1(gamma, nc1, printed, restored, verdict):
    b = B.wu_gamma_counterexample(gamma)
    assert round(b.measured.nc1, 5) == nc1
    assert round(b.rows["c44_printed"].rhs, 5) == printed and round(b.rows["c44_gamma"].rhs, 5) == restored
    assert b.rows["c44_printed"].applicable and b.rows["c44_printed"].verdict == verdict
    assert b.rows["c44_gamma"].verdict == "PASS" and b.rows["f4_sharp"].verdict == "PASS"
    A_g = b.A_gamma
    assert b.measured.nc1 == pytest.approx(b.x / (b.x + 2 * A_g), rel=1e-12)  # exact for within-class E (WU-F4)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2 ** 31), gamma=st.floats(0.2, 20), scale=st.floats(0.2, 3), noise=st.floats(1e-3, 1))
def test_wu_gamma_correct_bounds_never_fail(seed, gamma, scale, noise):
    rng = np.random.default_rng(seed)
    q, m, p = 3, 4, 6
    n = q * m
    W = scale * rng.standard_normal((p, q))
    Y = np.eye(q)[:, np.repeat(np.arange(q), m)]
    H = W @ np.linalg.inv(W.T @ W) @ Y / gamma + noise * rng.standard_normal((p, n))
    b = B.wu_mondelli_bounds(H, W, Y, gamma, lambda_rho=1.0, C1=2.0)
    assert b.rows["f4_sharp"].verdict in ("PASS", "N/A")
    assert b.rows["c44_gamma"].verdict in ("PASS", "N/A")
    if gamma == 1.0:
        assert b.rows["c44_printed"].verdict in ("PASS", "N/A")


@pytest.fixture(scope="module")
def wu_runs():
    X, Y, _ = nets.s0_data(q=3, m=10, d=8, seed=0)
    kw = dict(N=300, p=16, gamma=1.0, lambda_rho=1e-4, eta=1.0, steps=15000, seed=0, record_every=5000)
    return nets.train_mean_field(X, Y, train_W=True, **kw), nets.train_mean_field(X, Y, train_W=False, **kw)


def test_wu_trained_points_claim7(wu_runs):
    """WU-T4.2-TRAIN: NC1 < 1e-2 in both settings; NB < 0.1 (W trained) and > 0.2 (W frozen); every bound holds."""
    for run, nb_ok in zip(wu_runs, (lambda v: v < 0.1, lambda v: v > 0.2)):
        b = B.wu_from_run(run)
        m = b.measured
        assert m.nc1 < 1e-2 and nb_ok(m.nb), (m.nc1, m.nb)
        assert m.identity_residual < 1e-10  # WU-F2 decomposition vec(H) = ... + E2~ + E1
        for name, row in b.rows.items():
            assert row.verdict == "PASS", (name, row.lhs, row.rhs, row.hypotheses)
        json.dumps(jsonable(b.to_dict()), allow_nan=False)
    # control: step 0 is not collapsed
    assert wu_runs[0].records["nc1"][0] > 1e-2


def test_wu_controls(wu_runs):
    run = wu_runs[0]
    dr = run.drifts()
    # ||D||^2 <= C1^2 n eps_a^2 fails with eps_a^2 scaled by 1e-6 (claim 4 control)
    b = B.wu_from_run(run, eps_a2=dr["eps_a2"] * 1e-6)
    assert b.rows["D_bound"].verdict == "FAIL"
    # rank-deficient W: (9)/(10)/(17) are N/A, never PASS (claim 3 control)
    W = run.W.copy()
    W[:, 1] = W[:, 0]
    bd = B.wu_mondelli_bounds(dr["H"], W, run.Y, run.gamma, lambda_rho=run.lambda_rho, C1=2.0, eps_a2=dr["eps_a2"])
    for name in ("eq10", "f3_safe_from_eps", "c44_printed", "c44_gamma", "f4_sharp"):
        assert bd.rows[name].verdict == "N/A"
    W[:, 1] = 0.0  # σ_min(W) exactly 0: still N/A, no division by zero
    bz = B.wu_mondelli_bounds(dr["H"], W, run.Y, run.gamma, lambda_rho=run.lambda_rho, C1=2.0, eps_a2=dr["eps_a2"])
    assert bz.measured.sigma_min == 0.0 and bz.rows["eq10"].verdict == "N/A"
    # ReLU violates (A3): the rows that need C1 are N/A
    br = B.wu_from_run(run, C1=None)
    assert br.rows["eq7"].verdict == "N/A" and br.rows["eq10"].verdict == "N/A"


def test_cli_entry_points_and_latex():
    from ncbounds import bounds
    j = bounds.evaluate("jacot", steps=1000)
    assert isinstance(j, B.JacotBounds) and "tabular" in bounds.latex(j)
    w = bounds.evaluate("wu", steps=200)
    assert isinstance(w, B.WuBounds) and all(r.verdict != "FAIL" or r.name == "c44_printed" for r in w.rows.values())
    ce = bounds.evaluate("wu-counterexample", gamma=10.0)
    assert ce.rows["c44_printed"].verdict == "FAIL"
    d = bounds.evaluate("symbolic", name="s1_optimum")
    assert bounds.latex(d) == d.latex and "sqrt" in d.latex
