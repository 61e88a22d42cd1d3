"""Alignment dependence of the Gao et al. bounds and the exact-symmetry facts (GAO-T4.8/T4.10, F8, F13, E5, E8)."""

import json
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds._results import jsonable
from ncbounds.bounds import alignment as AL
from ncbounds.errors import InputError, NotApplicableError
from ncbounds.geometry import simplex_etf


def _naive_hoeffding(data, perm, a=2, c=1.0, agg="sum"):
    K = len(perm)
    tot = 0.0
    for y in range(K):
        terms = [2 * data.d * math.exp(-data.counts[y] * data.Gamma[perm[y], perm[j]] ** 2
                                       / (2 * data.d ** a * data.rho[y] ** 2 * data.Delta[perm[y], perm[j]] ** 2))
                 for j in range(K) if j != y]
        tot += data.priors[y] * (sum(terms) if agg == "sum" else max(terms))
    return c * tot


def _random_data(K, seed, d=4):
    rng = np.random.default_rng(seed)
    G = rng.uniform(0.2, 2.0, (K, K))
    np.fill_diagonal(G, np.nan)
    M = rng.normal(size=(K, d))
    D = np.linalg.norm(M[:, None] - M[None], axis=2)
    counts = rng.integers(2, 40, K).astype(float)
    return AL.AlignmentData(Gamma=G, Delta=D, rho=rng.uniform(0.5, 2, K), counts=counts,
                            priors=counts / counts.sum(), d=d)


def _noisy_etf(K, n=5, noise=0.05, seed=0, a=2.0, b=0.7):
    rng = np.random.default_rng(seed)
    E = simplex_etf(K, K)
    y = np.repeat(np.arange(K), n)
    return a * E, b * E[y] + noise * rng.standard_normal((K * n, K)), y


@settings(max_examples=200, deadline=None)
@given(K=st.integers(2, 6), seed=st.integers(0, 2 ** 31), a=st.sampled_from([1, 2]), agg=st.sampled_from(["sum", "max"]))
def test_vectorised_equals_naive(K, seed, a, agg):
    data = _random_data(K, seed)
    perm = np.random.default_rng(seed + 1).permutation(K)
    v = AL.hoeffding_values(data, perm[None], a=a, c=1.3, agg=agg)[0]
    assert v == pytest.approx(_naive_hoeffding(data, perm, a=a, c=1.3, agg=agg), rel=1e-12)


def test_exhaustive_search_matches_loop():
    data = _random_data(5, 3)
    res = AL.evaluate_alignment(data=data)
    loop = [_naive_hoeffding(data, p) for p in AL.all_permutations(5)]
    assert res.method == "exhaustive" and res.n_evaluated == 120 == res.n_assignments
    assert res.best == pytest.approx(min(loop), rel=1e-12) and res.worst == pytest.approx(max(loop), rel=1e-12)
    assert _naive_hoeffding(data, res.argmin) == pytest.approx(res.best, rel=1e-12)
    assert res.spread > 0 and res.identity_value == pytest.approx(loop[0], rel=1e-12)
    json.dumps(jsonable(res.to_dict()), allow_nan=False)


def test_exact_etf_zero_spread_k8_gao_e5():
    """GAO-T4.10-EVAL: all 8! = 40320 alignments of an exact ETF give the same value."""
    K = 8
    E = simplex_etf(K, K)
    y = np.repeat(np.arange(K), 4)
    t = time.perf_counter()
    res = AL.evaluate_alignment(2 * E, 0.7 * E[y], y)
    assert time.perf_counter() - t < 10
    assert res.n_evaluated == 40320 and res.class_symmetric and res.vertex_symmetric
    assert res.spread <= 1e-12 * res.best
    # unequal rho_y alone does not break the symmetry at an exact ETF: the vertex term is the same for every
    # pair (GAO-F8), so every assignment gives the same value whatever the class data (a derived fact)
    d0 = AL.alignment_data(2 * E, 0.7 * E[y], y)
    d1 = AL.AlignmentData(Gamma=d0.Gamma, Delta=d0.Delta, rho=1 + np.arange(K) / K, counts=d0.counts,
                          priors=d0.priors, d=d0.d)
    r1 = AL.evaluate_alignment(data=d1)
    assert not r1.class_symmetric and r1.vertex_symmetric and r1.spread <= 1e-12 * r1.best


def test_unequal_rho_breaks_symmetry_off_the_exact_etf():
    """Control of GAO-T4.10-EVAL / GAO-E5: approximate collapse + unequal rho_y -> spread > 0, argmin reported."""
    W, H, y = _noisy_etf(6)
    d0 = AL.alignment_data(W, H, y)
    K = 6
    d1 = AL.AlignmentData(Gamma=d0.Gamma, Delta=d0.Delta, rho=1 + np.arange(K) / K, counts=d0.counts,
                          priors=d0.priors, d=d0.d)
    res = AL.evaluate_alignment(data=d1, a=1)
    assert not res.vertex_symmetric and not res.class_symmetric
    assert res.spread > 1e-6 * res.best
    assert AL.hoeffding_values(d1, np.array([res.argmin]), a=1)[0] == pytest.approx(res.best, rel=1e-14)
    assert AL.hoeffding_values(d1, np.array([res.argmax]), a=1)[0] == pytest.approx(res.worst, rel=1e-14)


def test_local_search_finds_exhaustive_extremes():
    data = _random_data(7, 11)
    ex = AL.evaluate_alignment(data=data)
    ls = AL.evaluate_alignment(data=data, method="local_search", restarts=20, seed=0)
    assert ls.method == "local_search" and ls.values is None and ls.n_evaluated < ex.n_evaluated
    assert ls.best == pytest.approx(ex.best, rel=1e-12) and ls.worst == pytest.approx(ex.worst, rel=1e-12)
    big = AL.evaluate_alignment(data=_random_data(11, 2), restarts=5)
    assert big.method == "local_search" and big.n_assignments == math.factorial(11)
    assert AL.hoeffding_values(_random_data(11, 2), np.array([big.argmin]))[0] == pytest.approx(big.best, rel=1e-14)


def test_nonpositive_margin_is_not_applicable():
    W, H, y = _noisy_etf(4)
    with pytest.raises(NotApplicableError):
        AL.evaluate_alignment(-W, H, y)


@pytest.mark.parametrize("name,orbits,stab", [("simplex", 1, 24), ("square", 3, 8), ("pentagon", 12, 10),
                                              ("octahedron", 15, 48), ("two_triangles", 10, 72),
                                              ("square_antiprism", 2520, 16)])
def test_orbit_counts_gao_f13(name, orbits, stab):
    F = AL.named_frame(name)
    assert np.allclose(np.linalg.norm(F, axis=1), 1)
    r = AL.orbit_count(F)
    assert (r.orbits, r.stabilizer_order) == (orbits, stab)


def test_orbit_count_control_and_antiprism_angle():
    E = simplex_etf(5)
    E[0] += 1e-2
    E[0] /= np.linalg.norm(E[0])
    assert AL.orbit_count(E).orbits != 1
    A = AL.named_frame("square_antiprism")
    G = A @ A.T
    np.fill_diagonal(G, -1)
    assert math.degrees(math.acos(G.max())) == pytest.approx(74.8585, abs=1e-3)


@pytest.mark.parametrize("K", [3, 5, 6])
def test_etf_invariance_gao_f8(K):
    r = AL.etf_invariance(K, a=2.0, b=0.7, n_rotations=10, seed=0)
    assert r.all_equal and r.max_error < 1e-10
    assert r.n_permutations == math.factorial(K)
    assert r.expected_gamma == pytest.approx(2 * 0.7 * K / (K - 1))
    if K == 5:
        assert r.gamma_min == pytest.approx(1.75, abs=1e-10) and round(r.distance_max, 5) == 3.16228
    ctl = AL.etf_invariance(K, noise=0.05, seed=1)
    assert not ctl.all_equal and ctl.gamma_spread > 1e-3


def test_covering_prefactors_gao_e8():
    """Control of GAO-E8: K = 2, N = (10, 990), priors (0.5, 0.5), N_y = 10 -> 0.1858 > 0.01."""
    G = np.array([[np.nan, 1.0], [1.0, np.nan]])
    D = np.array([[0.0, 1.0], [1.0, 0.0]])
    data = AL.AlignmentData(Gamma=G, Delta=D, rho=np.ones(2), counts=np.array([10.0, 990.0]),
                            priors=np.array([0.5, 0.5]), d=2)
    table = AL.covering_table(data, lambda y, eps: 10.0, L_f=1.0)
    ec = AL.covering_values(data, table, np.array([[0, 1]]), prefactor_mode="empty_cell")[0]
    rv = AL.covering_values(data, table, np.array([[0, 1]]), prefactor_mode="reviewer")[0]
    assert round(ec, 4) == 0.1858 and rv == pytest.approx(0.01) and ec > rv
    # with priors = sample proportions the empty-cell form is below the reviewer form (1/e < 1/2)
    d2 = AL.AlignmentData(Gamma=G, Delta=D, rho=np.ones(2), counts=data.counts, priors=data.counts / 1000, d=2)
    assert AL.covering_values(d2, table, np.array([[0, 1]]), prefactor_mode="empty_cell")[0] <= rv


def test_covering_relabelling_gao_t48():
    """(ii) of GAO-T4.8-EVAL: simultaneous relabelling of (M_y, gamma, M) leaves the bound unchanged; relabelling
    (gamma, M) alone changes it when the class covering numbers differ."""
    rng = np.random.default_rng(5)
    K = 4
    grids = [np.stack(np.meshgrid(np.arange(s), np.arange(s)), -1).reshape(-1, 2) * 0.1 for s in (2, 3, 5, 8)]
    data = _random_data(K, 9)
    table = AL.covering_table(data, grids, L_f=2.0, radius_factor=0.5)
    sigma = rng.permutation(K)
    perms = AL.all_permutations(K)
    base = AL.covering_values(data, table, perms)
    relab = AL.AlignmentData(Gamma=data.Gamma, Delta=data.Delta, rho=data.rho[sigma], counts=data.counts[sigma],
                             priors=data.priors[sigma], d=data.d)
    moved = AL.covering_values(relab, table[sigma], perms[:, sigma])
    np.testing.assert_allclose(moved, base, rtol=1e-14)
    assert np.ptp(base) > 0
    res = AL.evaluate_alignment(data=data, bound="covering", covering=grids, L_f=2.0, radius_factor=0.5)
    assert res.spread > 0 and res.tag == "[reviewers]"


def test_greedy_cover_size_on_grid():
    line = np.arange(10, dtype=float)[:, None]
    assert AL.greedy_cover_size(line, 1.0) == 5  # balls of radius 1 around 0, 2, 4, 6, 8
    assert AL.greedy_cover_size(line, 0.5) == 10
    assert AL.greedy_cover_size(line, 100.0) == 1


def test_rotation_scan():
    W, H, y = _noisy_etf(4, noise=0.0)
    both = AL.rotation_scan(W, H, y, n_rotations=5, rotate="both", seed=0)
    # margins and distances are rotation invariant, rho_y (a coordinate bound) is not
    assert both.values.shape == (6,) and both.spread > 0
    cov = AL.rotation_scan(W, H, y, n_rotations=5, rotate="both", bound="covering", L_f=1.0, seed=0)
    assert cov.spread <= 1e-12 * abs(cov.best)
    clf = AL.rotation_scan(W, H, y, n_rotations=5, rotate="classifier", seed=0)
    assert clf.identity_value == both.identity_value
    assert (~clf.applicable).sum() + np.isfinite(clf.values).sum() == 6
    with pytest.raises(InputError):
        AL.rotation_scan(W, H, y, rotate="neither")


def test_cover_counter_matches_the_greedy_loop():
    rng = np.random.default_rng(0)
    P = rng.normal(size=(60, 3))
    counter = AL.CoverCounter(P)
    for eps in (1e-3, counter.min_distance * 0.999, counter.min_distance * 1.001, 0.3, 1.0, 10.0):
        # the plain greedy loop, written out: centres are the first uncovered points
        remaining, count = np.ones(60, bool), 0
        while remaining.any():
            i = int(np.flatnonzero(remaining)[0])
            remaining &= np.linalg.norm(P - P[i], axis=1) > eps
            count += 1
        assert counter(eps) == AL.greedy_cover_size(P, eps) == count
    assert counter(1e-3) == 60 and counter(10.0) == 1
