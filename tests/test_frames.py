"""Frame optimisers and the UFM with CE + weight decay (gao2023.md GAO-F15, GAO-F16, GAO-PRE1, E9, E10)."""

import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds import frames as FR
from ncbounds.bounds.alignment import named_frame
from ncbounds.errors import DimensionError, InputError, ShapeError
from ncbounds.geometry import random_rotation, welch_bound

FAST = dict(restarts=3, seed=0)


def _sorted_gram(A):
    U = A / np.linalg.norm(A, axis=1, keepdims=True)
    return np.sort((U @ U.T)[np.triu_indices(len(A), 1)])


# --------------------------------------------------------------------------------------------
# frame optimiser: known optima
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("K,d", [(2, 1), (3, 2), (4, 3), (5, 4), (3, 3), (4, 6)])
def test_simplex_when_K_le_d_plus_1(K, d):
    m = FR.max_separation_frame(K, d, **FAST)
    g = FR.grassmannian_frame(K, d, **FAST)
    assert m.max_ip == pytest.approx(-1 / (K - 1), abs=1e-9)
    np.testing.assert_allclose(_sorted_gram(m.frame), -1 / (K - 1), atol=1e-8)   # Gram of the simplex ETF
    assert g.coherence == pytest.approx(welch_bound(K, d), abs=1e-8)             # 1/(K-1) at K = d+1, 0 if K <= d
    assert g.welch == welch_bound(K, d) and m.simplex_value == -1 / (K - 1)
    assert m.objective == m.max_ip and g.objective == g.coherence


def test_square_4_2():
    m = FR.max_separation_frame(4, 2, **FAST)
    assert abs(m.max_ip) <= 1e-8 and m.min_angle_deg == pytest.approx(90.0, abs=1e-8)
    assert m.coherence == pytest.approx(1.0, abs=1e-12) and m.rankin_regime
    np.testing.assert_allclose(_sorted_gram(m.frame), _sorted_gram(named_frame("square")), atol=1e-8)
    g = FR.grassmannian_frame(4, 2, **FAST)
    assert g.coherence == pytest.approx(1 / math.sqrt(2), abs=1e-9)
    assert g.coherence < m.coherence                                            # GAO-E9


def test_pentagon_and_octahedron():
    p = FR.max_separation_frame(5, 2, **FAST)
    assert p.min_angle_deg == pytest.approx(72.0, abs=1e-7)
    assert p.coherence == pytest.approx(math.cos(math.radians(36)), abs=1e-9)
    o = FR.max_separation_frame(6, 3, **FAST)
    assert abs(o.max_ip) <= 1e-8 and o.coherence == pytest.approx(1.0, abs=1e-9)
    go = FR.grassmannian_frame(6, 3, **FAST)
    assert go.coherence == pytest.approx(1 / math.sqrt(5), abs=1e-8)           # equiangular: = Welch


def test_smooth_objective_bounds_and_gradient():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((6, 3))
    for kind, terms in (("maxsep", 15), ("grassmannian", 30)):
        true = FR.frame_objective(X, kind)
        for beta in (5.0, 80.0, 5120.0):
            f, _ = FR.smooth_frame_objective(X, beta, kind)
            assert true - 1e-12 <= f <= true + math.log(terms) / beta + 1e-12
        f, G = FR.smooth_frame_objective(X, 20.0, kind)
        h = 1e-6
        num = np.zeros_like(X)
        for idx in np.ndindex(*X.shape):
            E = np.zeros_like(X)
            E[idx] = h
            num[idx] = (FR.smooth_frame_objective(X + E, 20.0, kind)[0]
                        - FR.smooth_frame_objective(X - E, 20.0, kind)[0]) / (2 * h)
        np.testing.assert_allclose(G, num, atol=1e-7)


def test_polish_recovers_square_from_perturbation():
    S = named_frame("square") @ random_rotation(2, seed=1)
    P = S + 1e-3 * np.random.default_rng(0).standard_normal(S.shape)
    assert FR.frame_objective(P) > 1e-4
    U, info = FR.polish_frame(P, "maxsep")
    assert abs(info["final"]) <= 1e-10 and info["final"] < info["initial"]
    np.testing.assert_allclose(np.linalg.norm(U, axis=1), 1.0, atol=1e-14)


def test_orthogonal_simplices_are_rankin_configurations():
    O = FR.orthogonal_simplices((2, 2, 2))
    np.testing.assert_allclose(_sorted_gram(O), _sorted_gram(named_frame("octahedron")), atol=1e-15)
    T = FR.orthogonal_simplices((3, 3), d=5)
    assert T.shape == (6, 5) and FR.frame_objective(T) <= 1e-15
    np.testing.assert_allclose(_sorted_gram(T), _sorted_gram(named_frame("two_triangles")), atol=1e-15)
    P = FR.orthogonal_simplices((2, 3))
    assert P.shape == (5, 3) and FR.frame_objective(P) == pytest.approx(0.0, abs=1e-15)
    assert FR.frame_objective(P, "grassmannian") == pytest.approx(1.0)
    with pytest.raises(InputError):
        FR.orthogonal_simplices((1, 3))
    with pytest.raises(DimensionError):
        FR.orthogonal_simplices((3, 3), d=3)


def test_frame_determinism_with_seed():
    a = FR.optimize_frame(6, 2, "maxsep", restarts=2, seed=5)
    b = FR.optimize_frame(6, 2, "maxsep", restarts=2, seed=5)
    np.testing.assert_array_equal(a.frame, b.frame)
    np.testing.assert_array_equal(a.restart_objectives, b.restart_objectives)
    c = FR.optimize_frame(6, 2, "maxsep", restarts=2, seed=6)
    assert not np.array_equal(a.frame, c.frame)
    d = a.to_dict()
    assert d["kind"] == "maxsep" and len(d["frame"]) == 6 and d["ids"] == ["GAO-F15", "GAO-PRE1"]


@pytest.mark.parametrize("call,exc", [
    (lambda: FR.optimize_frame(1, 2), InputError),
    (lambda: FR.optimize_frame(3, 0), DimensionError),
    (lambda: FR.optimize_frame(3.5, 2), InputError),
    (lambda: FR.optimize_frame(3, 2, "tammes"), InputError),
    (lambda: FR.optimize_frame(3, 2, restarts=0), InputError),
    (lambda: FR.optimize_frame(3, 2, betas=(10.0, 5.0)), InputError),
    (lambda: FR.optimize_frame(3, 2, seed="x"), InputError),
    (lambda: FR.frame_objective(np.zeros((3, 2))), InputError),
    (lambda: FR.frame_objective(np.ones(3)), ShapeError),
    (lambda: FR.ufm_ce_weight_decay_local(1, 2, 1, 1e-3), InputError),
    (lambda: FR.ufm_ce_weight_decay_local(3, 0, 1, 1e-3), DimensionError),
    (lambda: FR.ufm_ce_weight_decay_local(3, 2, 0, 1e-3), InputError),
    (lambda: FR.ufm_ce_weight_decay_local(3, 2, 1, 0.0), InputError),
    (lambda: FR.ufm_ce_weight_decay_local(3, 2, 1, 1e-3, restarts=0), InputError),
    (lambda: FR.ufm_ce_weight_decay_local(3, 2, 1, 1e-3, init=(np.ones((3, 2)), np.ones((2, 2)))), ShapeError),
    (lambda: FR.ufm_ce_weight_decay_objective(np.ones((3, 2)), np.ones((3, 4)), [0, 1, 2], 1e-3), ShapeError),
    (lambda: FR.ufm_ce_weight_decay_objective(np.ones((3, 2)), np.ones((3, 2)), [0, 1, 3], 1e-3), InputError),
])
def test_bad_input_named_errors(call, exc):
    with pytest.raises(exc):
        call()


@settings(max_examples=60, deadline=None)
@given(K=st.integers(2, 6), d=st.integers(1, 4), kind=st.sampled_from(FR.KINDS), seed=st.integers(0, 2 ** 31))
def test_property_frames_are_valid(K, d, kind, seed):
    r = FR.optimize_frame(K, d, kind, restarts=1, seed=seed, betas=(5.0, 40.0, 320.0, 2560.0))
    np.testing.assert_allclose(np.linalg.norm(r.frame, axis=1), 1.0, atol=1e-12)
    assert r.frame.shape == (K, d)
    assert r.coherence >= welch_bound(K, d) - 1e-9                                  # Welch
    assert r.max_ip >= -1 / (K - 1) - 1e-9                                          # simplex bound
    assert r.objective == pytest.approx(FR.frame_objective(r.frame, kind), abs=1e-15)
    assert r.objective <= r.smooth_objective + 1e-15                                # polish never worsens
    assert math.cos(math.radians(r.min_angle_deg)) == pytest.approx(r.max_ip, abs=1e-9)


# --------------------------------------------------------------------------------------------
# UFM + CE + weight decay (GAO-F16)
# --------------------------------------------------------------------------------------------

def test_ufm_wd_gradient_taylor_slope():
    """pymanopt-style check: the Taylor remainder |F(x + t v) − F(x) − t⟨∇F, v⟩| has slope 2 in t."""
    rng = np.random.default_rng(0)
    K, d, n, lam = 5, 3, 2, 5e-3
    y = np.repeat(np.arange(K), n)
    W, H = rng.standard_normal((K, d)), rng.standard_normal((K * n, d))
    VW, VH = rng.standard_normal(W.shape), rng.standard_normal(H.shape)
    f0, gW, gH = FR.ufm_ce_weight_decay_objective(W, H, y, lam, grad=True)
    slope_dir = np.sum(gW * VW) + np.sum(gH * VH)
    ts = np.logspace(-4, -1, 8)
    rem = [abs(FR.ufm_ce_weight_decay_objective(W + t * VW, H + t * VH, y, lam) - f0 - t * slope_dir) for t in ts]
    slope = np.polyfit(np.log(ts), np.log(rem), 1)[0]
    assert slope == pytest.approx(2.0, abs=0.05)
    # and central differences coordinate-wise
    h = 1e-6
    for idx in [(0, 0), (3, 2), (4, 1)]:
        E = np.zeros_like(W)
        E[idx] = h
        num = (FR.ufm_ce_weight_decay_objective(W + E, H, y, lam) - FR.ufm_ce_weight_decay_objective(W - E, H, y, lam)) / (2 * h)
        assert num == pytest.approx(gW[idx], abs=1e-8)
    E = np.zeros_like(H)
    E[7, 1] = h
    num = (FR.ufm_ce_weight_decay_objective(W, H + E, y, lam) - FR.ufm_ce_weight_decay_objective(W, H - E, y, lam)) / (2 * h)
    assert num == pytest.approx(gH[7, 1], abs=1e-8)


def test_ufm_wd_objective_rotation_invariant():
    rng = np.random.default_rng(1)
    W, H, y = rng.standard_normal((4, 3)), rng.standard_normal((8, 3)), np.repeat(np.arange(4), 2)
    Q = random_rotation(3, seed=2)
    assert FR.ufm_ce_weight_decay_objective(W @ Q, H @ Q, y, 1e-2) == pytest.approx(
        FR.ufm_ce_weight_decay_objective(W, H, y, 1e-2), rel=1e-13)


def test_ufm_wd_etf_for_d_ge_K_minus_1_and_certificate():
    r = FR.ufm_ce_weight_decay_local(4, 3, 2, 5e-3, restarts=3, seed=0)
    assert r.stationary and r.grad_norm <= 1e-8 and r.local_min and r.hessian_min_eig > 0
    np.testing.assert_allclose(_sorted_gram(r.W), -1 / 3, atol=1e-8)                 # simplex ETF
    assert r.equinorm_spread < 1e-8 and r.within_class_spread < 1e-8 and r.self_duality_min > 1 - 1e-10
    assert r.w_norms.mean() == pytest.approx(2.2868, abs=1e-4)                      # GAO-F16, n = 2
    assert r.objective == pytest.approx(FR.ufm_ce_weight_decay_objective(r.W, r.H, r.y, 5e-3), abs=1e-15)


def test_ufm_wd_determinism_and_init():
    a = FR.ufm_ce_weight_decay_local(5, 2, 1, 5e-3, restarts=2, seed=4, hessian=False)
    b = FR.ufm_ce_weight_decay_local(5, 2, 1, 5e-3, restarts=2, seed=4, hessian=False)
    np.testing.assert_array_equal(a.W, b.W)
    assert math.isnan(a.hessian_min_eig) and not a.local_min
    c = FR.ufm_ce_weight_decay_local(5, 2, 1, 5e-3, init=(a.W, a.H))
    assert c.init == "given" and c.restarts == 1 and c.objective <= a.objective + 1e-14


def test_doctests():
    res = doctest.testmod(FR, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted >= 1


# --------------------------------------------------------------------------------------------
# claims: each check PASSes, each control does not
# --------------------------------------------------------------------------------------------

CLAIM_IDS = ["GAO-F15-FRAMES", "GAO-F16-UFMWD", "GAO-E9", "GAO-E10"]


@pytest.fixture(scope="module")
def claim_results(default_report):
    """Each claim's check and control from the session's one default run (conftest.default_report)."""
    return {r.id: r for r in default_report.results if r.id in CLAIM_IDS}


@pytest.mark.parametrize("cid", CLAIM_IDS)
def test_claim_check_passes_and_control_does_not(claim_results, cid):
    r = claim_results[cid]
    assert r.check.verdict == "PASS", r.check.message
    assert r.control.verdict != "PASS", r.control.message
    assert r.ok


def test_claim_covers(claim_results):
    assert set(claim_results["GAO-F15-FRAMES"].covers) == {"GAO-F15", "GAO-PRE1"}
    assert set(claim_results["GAO-F16-UFMWD"].covers) == {"GAO-F16", "GAO-PRE1"}
    assert "GAO-E9" in claim_results["GAO-E9"].covers and "GAO-E10" in claim_results["GAO-E10"].covers
