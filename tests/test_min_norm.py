"""Tests of ncbounds.solvers.min_norm: ULPM minimum-norm separation (ji2022.md, classic.md §3.5).

Every solver answer is checked twice: against a problem factory with a closed-form answer, and
by a certificate (closed-form dual and the solver's own dual). Spec claim numbers refer to
ji2022.md §4 ("JI claim n") and classic.md §4 ("CL claim n").
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds import geometry as g
from ncbounds.errors import (
    CertificateError,
    DimensionError,
    InputError,
    LabelError,
    SolverError,
)
from ncbounds.solvers import MinNormSolution, min_norm_separation
from ncbounds.solvers import min_norm as mn
from ncbounds.solvers.certificates import certify


# ---------------------------------------------------------------------------------------------
# problem factories with known answers
# ---------------------------------------------------------------------------------------------

def labels(counts):
    return np.repeat(np.arange(len(counts)), counts)


# (K, n) -> (K-1)√n, ji2022.md claims 1 and 10 (values as printed in the spec)
BALANCED = {
    (3, 3): 3.4641016152, (4, 4): 6.0, (10, 10): 28.4604989415,
    (3, 2): 2.8284271247, (4, 3): 5.1961524227, (10, 5): 20.1246117975,
}
# class sizes -> ||PY||_*, classic.md claims 15-16 and ji2022.md claim 3
IMBALANCED = {
    (4, 4, 1): 3.4142135624, (5, 5, 1, 1): 4.9681187851, (8, 2, 2, 2): 5.3779368815,
    (100,) * 5 + (1,) * 5: 51.1063352018,
}


def square_factors():
    """JI-T3b.1: K = 4, n = 1, d = 3, w_k = h_k = (cos πk/2, sin πk/2, 0)."""
    k = np.arange(4)
    W = np.stack([np.cos(np.pi * k / 2), np.sin(np.pi * k / 2), np.zeros(4)], axis=1)
    return W, W.copy(), np.arange(4)


# ---------------------------------------------------------------------------------------------
# values: closed form and convex solvers
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("Kn", sorted(BALANCED))
@pytest.mark.parametrize("method", ["auto", "convex", "class_level"])
def test_balanced_value_is_K_minus_1_sqrt_n(Kn, method):
    K, n = Kn
    y = np.repeat(np.arange(K), n)
    sol = min_norm_separation(y, method=method)
    assert sol.objective == pytest.approx(BALANCED[Kn], abs=1e-9)
    assert sol.objective == pytest.approx((K - 1) * math.sqrt(n), rel=1e-12)
    assert sol.certified and sol.status == "optimal"
    assert sol.relative_gap <= 1e-7 and sol.duality_gap >= -1e-12
    assert sol.min_margin >= 1 - 1e-8
    assert np.linalg.norm(sol.X - g.sel_matrix(y)) <= 1e-6
    assert sol.rank == K - 1 and sol.d == K - 1


@pytest.mark.parametrize("counts", sorted(IMBALANCED))
@pytest.mark.parametrize("method", ["auto", "convex", "class_level"])
def test_imbalanced_sel_values(counts, method):
    y = labels(counts)
    sol = min_norm_separation(y, method=method)
    assert sol.objective == pytest.approx(IMBALANCED[counts], abs=1e-9)
    assert sol.closed_form_value == pytest.approx(IMBALANCED[counts], abs=1e-9)
    assert np.linalg.norm(sol.X - g.sel_matrix(y)) <= 1e-6  # X* = PY for any sizes (CL-SELI)
    assert sol.relative_gap <= 1e-7


@pytest.mark.parametrize("counts", [(4, 4, 4, 4), (4, 4, 1), (3, 1, 2), (10,) * 10])
def test_convex_solvers_agree_with_closed_form_and_own_dual(counts):
    """JI claims 1, 2, 11; CL claim 15: each convex solver reaches PY and proves it itself."""
    y = labels(counts)
    PY = g.sel_matrix(y)
    p = mn.closed_form_value(counts)
    for solver in ("admm", "clarabel"):
        sol = min_norm_separation(y, method="convex", solver=solver)
        assert sol.solver == solver and sol.method == "convex"
        assert np.linalg.norm(sol.X - PY) <= 1e-6
        assert abs(sol.objective - p) / p <= 1e-7
        # the solver's own dual (no closed form) certifies the same optimum
        assert sol.solver_certificate is not None and sol.solver_certificate.passed
        assert sol.solver_relative_gap <= 1e-7
        assert sol.solver_certificate.dual_infeasibility <= 1e-7


@pytest.mark.parametrize("counts", [(4, 4, 4, 4), (4, 4, 1)])
def test_cvxpy_reference_forms(counts):
    """JI claim 11: nuclear-norm form (SCS) and per-column form (Clarabel) both give PY."""
    y = labels(counts)
    PY = g.sel_matrix(y)
    a = min_norm_separation(y, method="convex", solver="cvxpy", formulation="nuclear",
                            cvxpy_solver="SCS", tol=1e-9)
    b = min_norm_separation(y, method="convex", solver="cvxpy", formulation="per_column")
    assert a.solver == "cvxpy/SCS/nuclear" and b.solver == "cvxpy/CLARABEL/per_column"
    for sol in (a, b):
        assert np.linalg.norm(sol.X - PY) <= 1e-6
        assert sol.solver_certificate.passed


def test_convex_never_touches_the_closed_form(monkeypatch):
    """The convex solvers run with every closed-form helper sabotaged and still find PY."""
    def boom(*a, **k):
        raise AssertionError("closed form used inside a convex solver")

    for name in ("sel_matrix", "closed_form_value", "closed_form_dual_matrix", "closed_form_dual"):
        monkeypatch.setattr(mn, name, boom)
    y = labels((5, 3, 2, 7))
    K, N = 4, y.size
    c = np.ones(N)
    Xa, La, ba, nuca, *_ = mn._solve_admm(y, K, c, tol=1e-10, max_iter=2000, rho=None,
                                          rng=np.random.default_rng(3))
    Xc, Lc, bc, nucc, *_ = mn._solve_clarabel(y, K, c, tol=1e-9, max_iter=200, solver_options=None)
    monkeypatch.undo()
    PY = g.sel_matrix(y)
    assert np.linalg.norm(Xa - PY) <= 1e-9 and np.linalg.norm(Xc - PY) <= 1e-6
    p = mn.closed_form_value((5, 3, 2, 7))
    assert abs(ba - p) / p <= 1e-9 and abs(bc - p) / p <= 1e-7  # own dual bounds


def test_admm_from_random_starts_and_scaling():
    """Different seeds, far-away starts and strong imbalance: same certified answer."""
    for counts in [(1, 5000), (1,) * 30, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)]:
        y = labels(counts)
        for seed in (0, 1):
            sol = min_norm_separation(y, method="convex", seed=seed)
            assert sol.relative_error <= 1e-10 and sol.solver_relative_gap <= 1e-8
    y = labels((20,) * 20)  # K = 20, N = 400
    sol = min_norm_separation(y, method="convex", rho=100.0)  # badly scaled initial penalty
    assert sol.objective == pytest.approx(19 * math.sqrt(20), rel=1e-12)


def test_admm_general_column_problem_matches_clarabel():
    """Margins c_i of varying size leave some constraints inactive: no vertex structure."""
    rng = np.random.default_rng(7)
    for _ in range(3):
        K = int(rng.integers(3, 7))
        N = int(rng.integers(K, 25))
        y = rng.integers(0, K, N)
        y[:K] = np.arange(K)
        c = np.exp(3.0 * rng.normal(size=N))
        Xa, La, ba, nuca, it, status, info = mn._solve_admm(
            y, K, c, tol=1e-9, max_iter=20000, rho=None, rng=np.random.default_rng(0))
        Xc, Lc, bc, nucc, *_ = mn._solve_clarabel(y, K, c, tol=1e-10, max_iter=200, solver_options=None)
        assert status == "optimal"
        assert (nuca - ba) / nuca <= 1e-9  # own gap, rigorous (weak duality)
        assert abs(nuca - nucc) / nucc <= 1e-8
        assert (mn.margin_matrix(Xa, y) - c).min() >= -1e-12 * c.max()


# ---------------------------------------------------------------------------------------------
# two-group formula (CL-SELI-2G, CL claim 16)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,value", [((2, 4, 1, 1), 3.4142135624), ((2, 5, 2, 1), 4.9681187851),
                                        ((5, 100, 5, 1), 51.1063352018)])
def test_two_group_formula(args, value):
    KA, nA, KB, nB = args
    assert mn.two_group_value(*args) == pytest.approx(value, abs=1e-10)
    assert mn.closed_form_value([nA] * KA + [nB] * KB) == pytest.approx(value, abs=1e-10)


def test_two_group_control_wrong_root_fails():
    KA, nA, KB, nB = 2, 4, 1, 1
    wrong = (KA - 1) * 2 + 0 + math.sqrt((KA * nA + KB * nB) / 3)
    assert wrong == pytest.approx(3.7320508, abs=1e-7)
    assert abs(wrong - mn.closed_form_value([4, 4, 1])) > 0.3


# ---------------------------------------------------------------------------------------------
# dual certificate (JI-P1D, JI claim 3; CL-SELI-CERT, CL claim 17)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("counts,min_lam", [((2, 2, 2), 1 / (3 * math.sqrt(2))),
                                            ((3,) * 4, 1 / (4 * math.sqrt(3))),
                                            ((5,) * 10, 1 / (10 * math.sqrt(5))),
                                            ((4, 4, 1), 0.1321489),
                                            ((5, 5, 1, 1), None), ((8, 2, 2, 2), None),
                                            ((100,) * 5 + (1,) * 5, 0.0059280)])
def test_closed_form_dual(counts, min_lam):
    y = labels(counts)
    K, N = len(counts), y.size
    L = mn.closed_form_dual(y)
    off = ~np.eye(K, dtype=bool)[:, y]
    lam = -L[off]
    assert lam.min() > 0
    if min_lam is not None:
        assert lam.min() == pytest.approx(min_lam, abs=1e-7)
    assert np.abs(L.sum(axis=0)).max() <= 1e-12
    assert np.linalg.norm(L, 2) == pytest.approx(1.0, abs=1e-10)
    PY = g.sel_matrix(y)
    U, s, Vt = np.linalg.svd(PY, full_matrices=False)
    r = K - 1
    assert lam.sum() == pytest.approx(s.sum(), rel=1e-10)
    cert = mn.certify_min_norm(X=PY, y=y)
    assert cert.details["min_multiplier"] == pytest.approx(lam.min(), rel=1e-12)
    assert cert.details["dual_op_norm"] == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(L, U[:, :r] @ Vt[:r], atol=1e-10)  # Λ* = U V^T
    # it certifies the closed-form solution, as a user dual too
    sol = min_norm_separation(y)
    assert certify("min_norm", W=sol.W, H=sol.H, y=y, dual=L).passed
    assert mn.certify_min_norm(X=PY, y=y).passed


def test_dual_scaled_by_1_01_is_infeasible():
    y = labels((4, 4, 1))
    sol = min_norm_separation(y)
    L = 1.01 * mn.closed_form_dual(y)
    cert = mn.certify_min_norm(sol.W, sol.H, y, dual=L)
    assert cert.details["dual_op_norm"] == pytest.approx(1.01, abs=1e-10)
    assert cert.dual_infeasibility == pytest.approx(0.01, abs=1e-10)
    assert not cert.passed
    assert cert.dual_value == pytest.approx(1.01 * 3.4142135624, abs=1e-8)  # above the primal


def test_square_kkt_point_fails_certificate():
    """JI-T3b.1 / JI claim 3 control: a KKT point that is not global (gap 4 - 3 = 1)."""
    W, H, y = square_factors()
    cert = mn.certify_min_norm(W, H, y)
    assert cert.primal_value == pytest.approx(4.0, abs=1e-14)
    assert cert.dual_value == pytest.approx(3.0, abs=1e-14)
    assert cert.duality_gap == pytest.approx(1.0, abs=1e-14)
    assert not cert.passed
    # its own multipliers: λ = 1/2 on the 8 neighbour constraints -> exact stationarity but
    # ||Λ||_op = 2: dual infeasible (JI-T1.1: KKT is not global)
    lam = np.zeros((4, 4))
    for i in range(4):
        lam[(i + 1) % 4, i] = lam[(i - 1) % 4, i] = 0.5
    L = mn.dual_from_multipliers(lam, y)
    c2 = mn.certify_min_norm(W, H, y, dual=L)
    assert c2.stationarity <= 1e-14
    assert c2.details["dual_op_norm"] == pytest.approx(2.0, abs=1e-12)
    assert not c2.passed
    # and its logits are far from PY (JI claim 11 control)
    assert np.linalg.norm(W @ H.T - g.sel_matrix(y)) == pytest.approx(math.sqrt(3), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(counts=st.lists(st.integers(1, 10_000), min_size=2, max_size=12))
def test_sel_dual_certificate_any_sizes(counts):
    """CL claim 17: off-diagonals of (PDP)^{+1/2} < 0, ||Λ*||_op = 1, Σλ* = ||PY||_*."""
    c = np.array(counts, dtype=float)
    K = c.size
    M = mn.closed_form_dual_matrix(c)
    assert M[~np.eye(K, dtype=bool)].max() < 0
    np.testing.assert_allclose(M, M.T, atol=1e-14 * max(1.0, np.abs(M).max()))
    # ||Λ*||_op² = λ_max(Λ*Λ*^T) = λ_max(M D M)
    assert math.sqrt(np.linalg.eigvalsh((M * c) @ M)[-1]) == pytest.approx(1.0, abs=1e-10)
    # Σλ* = tr(D M); ||PY||_* = ||P D^{1/2}||_* (same Gram P D P), computed by an SVD
    P = np.eye(K) - 1.0 / K
    nuc = np.linalg.svd(P * np.sqrt(c), compute_uv=False).sum()
    lam_sum = float(-(M * c[None, :])[~np.eye(K, dtype=bool)].sum())
    assert lam_sum == pytest.approx(nuc, rel=1e-10)
    assert mn.closed_form_value(c) == pytest.approx(nuc, rel=1e-10)


# ---------------------------------------------------------------------------------------------
# factorisation and geometry (JI-T2.3, JI claims 10 and 12; CL-SELI-GEOM, CL claim 18)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("K,n,d,value", [(3, 2, 5, 2.8284271247), (4, 3, 6, 5.1961524227),
                                         (10, 5, 12, 20.1246117975)])
def test_etf_factor_identities(K, n, d, value):
    y = np.repeat(np.arange(K), n)
    sol = min_norm_separation(y, d=d, rotation="random", seed=K)
    W, H = sol.W, sol.H
    assert W.shape == (K, d) and H.shape == (K * n, d)
    assert 0.5 * (np.sum(W**2) + np.sum(H**2)) == pytest.approx(value, abs=1e-10)
    q = mn.margin_matrix(W @ H.T, y)
    np.testing.assert_allclose(q[np.isfinite(q)], 1.0, atol=1e-10)  # every margin is 1
    P = np.eye(K) - 1.0 / K
    Y = g.onehot(y)
    np.testing.assert_allclose(W @ W.T, math.sqrt(n) * P, atol=1e-10)
    np.testing.assert_allclose(H @ H.T, Y.T @ P @ Y / math.sqrt(n), atol=1e-10)
    hk = H[:: n]  # one sample per class (labels sorted)
    np.testing.assert_allclose(H, hk[y], atol=1e-10)  # NC1
    np.testing.assert_allclose(W, math.sqrt(n) * hk, atol=1e-10)  # NC3 with constant √n
    np.testing.assert_allclose(np.sum(W**2, axis=1), math.sqrt(n) * (K - 1) / K, atol=1e-10)
    np.testing.assert_allclose(np.sum(hk**2, axis=1), (K - 1) / (K * math.sqrt(n)), atol=1e-10)
    cos = (W @ W.T) / np.outer(np.linalg.norm(W, axis=1), np.linalg.norm(W, axis=1))
    np.testing.assert_allclose(cos[~np.eye(K, dtype=bool)], -1 / (K - 1), atol=1e-10)
    assert np.sum(W**2) == pytest.approx(np.sum(H**2), abs=1e-10)
    assert np.abs(W.sum(axis=0)).max() <= 1e-12 and np.abs(hk.sum(axis=0)).max() <= 1e-12
    if (K, n) == (4, 3):
        assert np.sum(W[0] ** 2) == pytest.approx(1.2990381, abs=1e-7)
        assert np.sum(hk[0] ** 2) == pytest.approx(0.4330127, abs=1e-7)


def test_rotation_invariance_and_perturbation_controls():
    K, n, d = 4, 3, 6
    y = np.repeat(np.arange(K), n)
    sol = min_norm_separation(y, d=d)
    Q = g.random_rotation(d, seed=11)
    W2, H2 = sol.W @ Q, sol.H @ Q
    assert np.linalg.norm(W2 - sol.W) > 0.1  # raw factors differ ...
    np.testing.assert_allclose(W2 @ W2.T, sol.W @ sol.W.T, atol=1e-10)  # ... Grams do not
    np.testing.assert_allclose(H2 @ H2.T, sol.H @ sol.H.T, atol=1e-10)
    assert mn.certify_min_norm(W2, H2, y).passed
    # (1.1W, H/1.1): same logits, value × 1.018223 (JI claim 10 control)
    c = mn.certify_min_norm(1.1 * sol.W, sol.H / 1.1, y)
    assert c.primal_value / sol.objective == pytest.approx(1.018223, abs=1e-6)
    assert not c.passed and c.stationarity > 0.05
    # (2W, H/2): stationarity residual of order 1 (JI claim 4 control)
    c = mn.certify_min_norm(2 * sol.W, sol.H / 2, y)
    assert c.stationarity > 1.0 and not c.passed
    # small noise
    rng = np.random.default_rng(0)
    c = mn.certify_min_norm(sol.W + 1e-3 * rng.standard_normal(sol.W.shape), sol.H, y)
    assert not c.passed and c.relative_gap > 1e-5
    # logits candidate: X = Y (one-hot) has ||Y||_* = Σ√n_k = 5 for [4,4,1] (CL claim 15 control)
    y2 = labels((4, 4, 1))
    c = mn.certify_min_norm(X=g.onehot(y2), y=y2)
    assert c.duality_gap == pytest.approx(5 - 3.4142135624, abs=1e-8) and not c.passed


def test_seli_geometry_norms():
    """CL claim 18: norms, Σ_k h_k = 0, 1^T W = 0, ||Σ_i h_i||²."""
    expect = {(4, 4, 1): ([1.111621, 1.111621, 0.970984], [0.606507, 0.606507, 0.686589], 4.242641),
              (8, 2, 2, 2): ([1.382799] + [1.074834] * 3, [0.542378] + [0.709993] * 3, 10.590271)}
    for counts, (wn, hn, s2) in expect.items():
        y = labels(counts)
        for method in ("auto", "convex"):
            sol = min_norm_separation(y, method=method)
            hk = np.stack([sol.H[y == k].mean(axis=0) for k in range(len(counts))])
            np.testing.assert_allclose(sol.H, hk[y], atol=1e-10)  # NC1 exactly
            np.testing.assert_allclose(np.linalg.norm(sol.W, axis=1), wn, atol=1e-6)
            np.testing.assert_allclose(np.linalg.norm(hk, axis=1), hn, atol=1e-6)
            assert np.abs(sol.W.sum(axis=0)).max() <= 1e-12
            assert np.abs(hk.sum(axis=0)).max() <= 1e-12
            assert np.sum(sol.H.sum(axis=0) ** 2) == pytest.approx(s2, abs=1e-6)


def test_balanced_factors_and_rotation_options():
    y = labels((3, 2, 4))
    X = g.sel_matrix(y)
    W, H, s, r = mn.balanced_factors(X, 5)
    assert r == 2 and np.all(W[:, 2:] == 0)
    np.testing.assert_allclose(W @ H.T, X, atol=1e-12)
    assert np.sum(W**2) == pytest.approx(np.sum(H**2), rel=1e-12)
    a = min_norm_separation(y, d=4, rotation="random", seed=5)
    b = min_norm_separation(y, d=4, rotation="random", seed=5)
    np.testing.assert_array_equal(a.W, b.W)
    R = g.random_rotation(4, seed=1)
    c = min_norm_separation(y, d=4, rotation=R)
    np.testing.assert_allclose(c.W @ c.W.T, a.W @ a.W.T, atol=1e-12)
    with pytest.raises(InputError, match="orthonormal"):
        min_norm_separation(y, d=4, rotation=np.ones((4, 4)))


# ---------------------------------------------------------------------------------------------
# equivariance
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["auto", "convex"])
def test_label_and_sample_permutation_equivariance(method):
    counts = (5, 2, 3, 1)
    y = labels(counts)
    K = len(counts)
    base = min_norm_separation(y, method=method)
    pi = np.array([2, 0, 3, 1])  # class k -> pi[k]
    sol = min_norm_separation(pi[y], method=method)
    assert sol.objective == pytest.approx(base.objective, rel=1e-12)
    Xp = np.empty_like(base.X)
    Xp[pi] = base.X
    np.testing.assert_allclose(sol.X, Xp, atol=1e-9)
    sigma = np.random.default_rng(1).permutation(y.size)
    sol2 = min_norm_separation(y[sigma], method=method, seed=4)
    np.testing.assert_allclose(sol2.X, base.X[:, sigma], atol=1e-9)
    np.testing.assert_allclose(sol2.W @ sol2.W.T, base.W @ base.W.T, atol=1e-9)
    assert K == 4


# ---------------------------------------------------------------------------------------------
# projection used by ADMM
# ---------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(K=st.integers(2, 8), N=st.integers(1, 6), seed=st.integers(0, 2**31 - 1),
       spread=st.sampled_from([0.1, 1.0, 10.0]))
def test_projection_satisfies_kkt(K, N, seed, spread):
    rng = np.random.default_rng(seed)
    V = spread * rng.standard_normal((K, N))
    y = rng.integers(0, K, N)
    c = rng.uniform(0.1, 3.0, N)
    X = mn.project_margin_sets(V, y, c)
    q = mn.margin_matrix(X, y) - c
    assert q.min() >= -1e-12 * (1 + spread)
    idx = np.arange(N)
    off = ~np.eye(K, dtype=bool)[:, y]
    mu = np.where(off, V - X, 0.0)  # x - v = Σ_j μ_j (e_y - e_j): μ_j = v_j - x_j >= 0
    assert mu.min() >= -1e-12 * (1 + spread)
    np.testing.assert_allclose((X - V)[y, idx], mu.sum(axis=0), atol=1e-12 * (1 + spread) * K)
    assert np.abs(np.where(off, mu * np.where(off, q, 0.0), 0.0)).max() <= 1e-10 * (1 + spread) ** 2
    # feasible points are fixed points
    np.testing.assert_allclose(mn.project_margin_sets(X, y, c), X, atol=1e-12 * (1 + spread))


# ---------------------------------------------------------------------------------------------
# dimension, local method, errors, serialisation
# ---------------------------------------------------------------------------------------------

def test_d_below_K_minus_1_raises():
    y = np.arange(4)
    with pytest.raises(DimensionError, match="lower bound"):
        min_norm_separation(y, d=2)
    with pytest.raises(DimensionError):
        min_norm_separation(y, d=2, method="convex")


def test_local_method_finds_the_square_for_d_2():
    """JI-T2.5: K = 4, n = 1, d = 2: the factored optimum is the square, value 4 > 3."""
    sol = min_norm_separation(np.arange(4), d=2, method="local", restarts=2, seed=0)
    assert sol.status == "local" and not sol.certified
    assert sol.objective == pytest.approx(4.0, rel=1e-6)
    assert sol.duality_gap == pytest.approx(1.0, abs=1e-5)
    assert sol.info["local_dual_op_norm"] == pytest.approx(2.0, abs=1e-4)  # JI-T3b.1 multipliers
    # d >= K-1: the local method reaches the certified optimum
    sol3 = min_norm_separation(np.repeat(np.arange(3), 2), d=2, method="local", restarts=1)
    assert sol3.objective == pytest.approx(2.8284271247, rel=1e-7) and sol3.certified


def test_check_false_returns_uncertified_and_check_true_raises():
    y = labels((10,) * 10)
    with pytest.raises(CertificateError) as ei:
        min_norm_separation(y, method="convex", max_iter=1)
    assert ei.value.solver == "admm" and ei.value.status == "max_iter"
    sol = min_norm_separation(y, method="convex", max_iter=1, check=False)
    assert not sol.certified and sol.status == "inaccurate"
    assert sol.relative_gap > 1e-7


def test_solver_error_carries_status():
    with pytest.raises(SolverError) as ei:
        min_norm_separation(labels((5,) * 5), method="convex", solver="clarabel", max_iter=1)
    assert ei.value.status == "MaxIterations" and ei.value.solver == "clarabel"


def test_input_validation():
    with pytest.raises(LabelError):
        min_norm_separation([0, 0, 2])  # class 1 empty
    with pytest.raises(LabelError):
        min_norm_separation([0, 1], K=3)
    with pytest.raises(InputError):
        min_norm_separation([0, 0, 0])  # K = 1
    with pytest.raises(InputError, match="method"):
        min_norm_separation([0, 1], method="magic")
    with pytest.raises(InputError, match="solver"):
        min_norm_separation([0, 1], method="convex", solver="mosek")
    with pytest.raises(InputError, match="no solver"):
        min_norm_separation([0, 1], solver="admm")
    with pytest.raises(InputError, match="GB"):
        min_norm_separation(np.repeat(np.arange(60), 200), method="convex", solver="clarabel")
    with pytest.raises(InputError, match="K\\+N"):
        min_norm_separation(np.repeat(np.arange(10), 20), method="convex", solver="cvxpy",
                            cvxpy_solver="CLARABEL")
    with pytest.raises(InputError, match="labels y"):
        mn.certify_min_norm(np.eye(2), np.eye(2))
    with pytest.raises(InputError, match="not both"):
        mn.certify_min_norm(np.eye(2), np.eye(2), [0, 1], X=np.eye(2))


def test_non_separating_candidate_fails_certificate():
    W = np.array([[1.0, 0.0], [1.0, 0.0]])
    H = np.array([[1.0, 0.0], [0.0, 1.0]])
    cert = mn.certify_min_norm(W, H, [0, 1])
    assert not cert.passed and cert.primal_value == math.inf
    assert cert.primal_infeasibility == pytest.approx(1.0)


def test_result_is_frozen_and_json_ready():
    sol = min_norm_separation(labels((3, 2)), method="convex")
    assert isinstance(sol, MinNormSolution)
    with pytest.raises(Exception):
        sol.objective = 0.0  # type: ignore[misc]
    d = sol.to_dict()
    json.dumps(d)
    assert d["solver"] == "admm" and d["certificate"]["passed"] is True


def test_moderate_scale_convex():
    """K = 30, N = 3000 in well under a second (timings belong in benchmarks/)."""
    y = np.repeat(np.arange(30), 100)
    sol = min_norm_separation(y, method="convex")
    assert sol.objective == pytest.approx(29 * 10.0, rel=1e-12)
    assert sol.solver_relative_gap <= 1e-10
