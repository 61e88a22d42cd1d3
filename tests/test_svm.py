"""Tests of ncbounds.solvers.svm: closed forms, reference solvers, certificates, errors.

Every solver answer is checked twice (STYLE.md): against a closed form or an independent reference
(plain cvxpy / Clarabel, scikit-learn's Crammer–Singer LinearSVC), and through its certificate.
"""

import json
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ncbounds.errors import CertificateError, InputError, LabelError, NotSeparableError, ShapeError
from ncbounds.geometry import orthogonal_frame, random_rotation, simplex_etf
from ncbounds.solvers import SVMSolution, best_margin_lp, multiclass_svm, multiclass_svm_cvxpy
from ncbounds.solvers.certificates import Certificate, certify
from ncbounds.solvers.svm import certify_svm

# ---------------------------------------------------------------- problem factories (closed forms)


def etf_problem(K, n, *, rotate=False, seed=0):
    """gao2023.md GAO-F4: z_i = e_{y_i} of a unit simplex ETF -> W* = ((K-1)/K) E, value (K-1)^2/(2K).

    With ``rotate``, E is rotated by a random orthogonal U and its rows permuted; W* follows.
    """
    E = simplex_etf(K, K + 1)
    if rotate:
        rng = np.random.default_rng(seed)
        E = E[rng.permutation(K)] @ random_rotation(K + 1, seed=seed)
    y = np.repeat(np.arange(K), n)
    return E[y], y, (K - 1) / K * E, (K - 1) ** 2 / (2 * K)


def orthonormal_problem(K, n, seed=0):
    """Orthonormal class features z_i = u_{y_i} (randomly rotated): optimum (K-1)/2 (GAO-F4)."""
    U = orthogonal_frame(K, K + 2, rotation="random", seed=seed)
    y = np.repeat(np.arange(K), n)
    return U[y], y, (K - 1) / 2


def sep_a():
    """classic.md §4 claim 7, instance SEP-A."""
    rng = np.random.default_rng(0)
    k = np.arange(3)
    mu = np.stack([3 * np.cos(2 * np.pi * k / 3), 3 * np.sin(2 * np.pi * k / 3), 0 * k, 0 * k], axis=1)
    y = np.repeat(np.arange(3), 10)
    H = mu[y] + 0.3 * rng.normal(size=(30, 4))
    return H, y


def gaussian_clusters(N, d, K, sep, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, K)))
    y = np.sort(np.r_[np.arange(K), rng.integers(0, K, size=N - K)])
    return sep * Q.T[y] + rng.normal(size=(N, d)), y


def margins_of(W, H, y, b=None):
    Z = H @ W.T + (0.0 if b is None else b)
    Q = Z[np.arange(len(y)), y][:, None] - Z
    Q[np.arange(len(y)), y] = np.inf
    return Q


def sklearn_cs(H, y):
    from sklearn.svm import LinearSVC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LinearSVC(multi_class="crammer_singer", C=1e4, fit_intercept=False, tol=1e-10,
                      max_iter=1_000_000).fit(H, y)
    W = m.coef_
    return W / margins_of(W, H, y).min()  # soft margin: rescale to unit min margin


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("K", [3, 4, 6])
@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("rotate", [False, True])
def test_fixed_etf_closed_form(K, n, rotate):
    H, y, W_star, value = etf_problem(K, n, rotate=rotate, seed=K + n)
    sol = multiclass_svm(H, y)
    assert sol.objective == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(sol.W, W_star, atol=1e-12)
    assert sol.min_margin == pytest.approx(1.0, abs=1e-12)
    assert sol.status == "optimal" and sol.certificate.passed
    assert abs(sol.relative_gap) <= 1e-12
    assert np.all(sol.dual >= 0) and np.all(sol.dual[np.arange(len(y)), y] == 0)
    # the bias variant has the same optimum (balanced ETF: b* = 0)
    sb = multiclass_svm(H, y, bias=True)
    assert sb.objective == pytest.approx(value, rel=1e-10)
    np.testing.assert_allclose(sb.b, 0.0, atol=1e-10)


@pytest.mark.parametrize("K", [3, 4, 6])
def test_orthonormal_features_value_and_etf_control(K):
    H, y, value = orthonormal_problem(K, 2, seed=K)
    sol = multiclass_svm(H, y)
    assert sol.objective == pytest.approx(value, rel=1e-12)
    # negative control (GAO-F4-S2): the ETF closed form must not hold here
    assert abs(sol.objective - (K - 1) ** 2 / (2 * K)) > 0.1


def test_bias_only_separable_closed_form():
    # 1-D, class 0 at x = 1 and class 1 at x = 2: no W without bias separates them; with bias the
    # optimum is W = [[-1], [1]], value 1, b_1 - b_0 = -3
    H = np.array([[1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1])
    with pytest.raises(NotSeparableError):
        multiclass_svm(H, y)
    sol = multiclass_svm(H, y, bias=True)
    assert sol.objective == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(sol.W, [[-1.0], [1.0]], atol=1e-12)
    assert sol.b[1] - sol.b[0] == pytest.approx(-3.0, abs=1e-10)


def test_sep_a_values():
    # classic.md claim 7: 1/2||W||^2 = 0.12822580, ||W|| = 0.50641051, three active constraints,
    # duals 0.00558, 0.12539, 0.12548
    H, y = sep_a()
    sol = multiclass_svm(H, y)
    assert sol.objective == pytest.approx(0.12822580, abs=5e-9)
    assert np.linalg.norm(sol.W) == pytest.approx(0.50641051, abs=5e-9)
    act = sol.dual[sol.dual > 0]
    assert act.size == 3 and sol.support.size == 3
    np.testing.assert_allclose(np.sort(act), [0.00558, 0.12539, 0.12548], atol=5e-6)
    assert int(np.sum(margins_of(sol.W, H, y) <= 1 + 1e-9)) == 3
    ref = multiclass_svm_cvxpy(H, y)
    assert ref.objective == pytest.approx(sol.objective, rel=1e-7)


def test_sep_a_control_not_separable():
    # claim 7's control: a copy of sample 0 labelled 1 -> not separable, best LP margin 0
    H, y = sep_a()
    H2, y2 = np.vstack([H, H[:1]]), np.r_[y, 1]
    for bias in (False, True):
        with pytest.raises(NotSeparableError) as exc:
            multiclass_svm(H2, y2, bias=bias)
        assert exc.value.best_margin is not None and exc.value.best_margin <= 1e-9
        assert "not linearly separable" in str(exc.value)
        with pytest.raises(NotSeparableError) as exc2:
            best_margin_lp(H2, y2, bias=bias)
        assert abs(exc2.value.best_margin) <= 1e-9
    with pytest.raises(NotSeparableError):
        multiclass_svm(H2, y2, method="cvxpy")


def test_overlapping_classes_report_negative_margin():
    H, y = gaussian_clusters(120, 3, 3, sep=0.5, seed=1)
    with pytest.raises(NotSeparableError) as exc:
        multiclass_svm(H, y)
    assert exc.value.best_margin < -1e-3
    assert "misclassified" in str(exc.value)


def test_zero_feature_row_is_not_separable():
    H = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    with pytest.raises(NotSeparableError):
        multiclass_svm(H, np.array([0, 1, 1]))


def test_best_margin_lp_is_invariant_and_positive_when_separable():
    H, y = sep_a()
    t = best_margin_lp(H, y)
    assert 0 < t <= 1
    Q = random_rotation(4, seed=3)
    assert best_margin_lp(7.0 * H @ Q, y) == pytest.approx(t, rel=1e-6)
    assert best_margin_lp(H, y, bias=True) >= t - 1e-7  # a bias can only help


# ---------------------------------------------------------------- reference solvers (hypothesis)


@st.composite
def small_instances(draw, min_K=2):
    K = draw(st.integers(min_K, 4))
    d = draw(st.integers(max(K - 1, 1), 5))
    counts = draw(st.lists(st.integers(1, 4), min_size=K, max_size=K))
    scale = draw(st.floats(0.5, 6.0))
    y = np.repeat(np.arange(K), counts)
    noise = draw(arrays(np.float64, (y.size, d), elements=st.floats(-1.0, 1.0, allow_subnormal=False)))
    H = scale * simplex_etf(K, d)[y] + noise
    return H, y, K


@settings(max_examples=200, deadline=None)
@given(small_instances())
def test_agrees_with_cvxpy(inst):
    H, y, K = inst
    try:
        sol = multiclass_svm(H, y)
    except NotSeparableError as exc:
        assert exc.best_margin <= 1e-9
        with pytest.raises(NotSeparableError):
            multiclass_svm_cvxpy(H, y)
        return
    ref = multiclass_svm_cvxpy(H, y)
    assert sol.certificate.passed and ref.certificate.passed
    assert sol.min_margin >= 1 - 1e-9
    assert abs(sol.relative_gap) <= 1e-8
    assert sol.objective == pytest.approx(ref.objective, rel=1e-6)
    np.testing.assert_allclose(sol.W, ref.W, atol=1e-4 * max(1.0, np.abs(sol.W).max()))


@settings(max_examples=200, deadline=None)
@given(small_instances(min_K=3))
def test_agrees_with_sklearn_crammer_singer(inst):
    H, y, K = inst
    try:
        sol = multiclass_svm(H, y)
    except NotSeparableError:
        assume(False)
    # the soft-margin problem (C = 1e4) has the hard-margin solution iff every per-sample dual
    # total is below C; keep a factor 100 of room
    assume(sol.dual.sum(axis=1).max() < 100.0)
    W = sklearn_cs(H, y)
    assert 0.5 * np.sum(W * W) == pytest.approx(sol.objective, rel=1e-5)
    np.testing.assert_allclose(W, sol.W, atol=1e-3 * max(1.0, np.abs(sol.W).max()))


@settings(max_examples=200, deadline=None)
@given(small_instances(), st.data())
def test_bias_variant_agrees_with_cvxpy(inst, data):
    H, y, K = inst
    shift = data.draw(arrays(np.float64, (H.shape[1],), elements=st.floats(-3.0, 3.0, allow_subnormal=False)))
    H = H + shift  # the bias matters once the features are not centred
    try:
        sol = multiclass_svm(H, y, bias=True)
    except NotSeparableError as exc:
        assert exc.best_margin <= 1e-9
        return
    ref = multiclass_svm_cvxpy(H, y, bias=True)
    assert sol.certificate.passed and sol.certificate.details["dual_flow"] <= 1e-7
    # 1e-8, not 1e-9: with bias, nearly coincident points of different classes make |b| large and
    # the margins differences of large numbers (the certificate still holds at 1e-7)
    assert sol.min_margin >= 1 - 1e-8
    assert sol.objective == pytest.approx(ref.objective, rel=1e-6)
    np.testing.assert_allclose(sol.W, ref.W, atol=1e-4 * max(1.0, np.abs(sol.W).max()))
    # b itself need not be unique; its margins must be feasible, which min_margin checks


@settings(max_examples=200, deadline=None)
@given(small_instances(), st.randoms(use_true_random=False), st.floats(0.1, 10.0))
def test_label_permutation_and_rotation_equivariance(inst, rnd, c):
    H, y, K = inst
    try:
        sol = multiclass_svm(H, y)
    except NotSeparableError:
        assume(False)
    perm = np.array(rnd.sample(range(K), K))  # class k is renamed perm[k]
    Q = random_rotation(H.shape[1], seed=rnd.randrange(2**31))
    sol2 = multiclass_svm(c * H @ Q, perm[y])
    # permuting labels permutes the rows of W; H -> cHQ maps W -> WQ/c
    np.testing.assert_allclose(sol2.W[perm], sol.W @ Q / c, atol=1e-7 * max(1.0, np.abs(sol.W).max() / c))
    assert sol2.objective == pytest.approx(sol.objective / c**2, rel=1e-8)


# ---------------------------------------------------------------- larger instances (block iterations)


@pytest.mark.parametrize("bias", [False, True])
def test_medium_random_instance_against_cvxpy(bias):
    H, y = gaussian_clusters(300, 12, 5, sep=4.0, seed=2)
    H = H + (1.5 if bias else 0.0)
    sol = multiclass_svm(H, y, bias=bias)
    ref = multiclass_svm_cvxpy(H, y, bias=bias)
    assert sol.iterations > 1
    assert sol.objective == pytest.approx(ref.objective, rel=1e-7)
    assert sol.min_margin >= 1 - 1e-9 and abs(sol.relative_gap) <= 1e-8
    np.testing.assert_allclose(sol.W, ref.W, atol=1e-5 * np.abs(sol.W).max())
    if bias:
        assert sol.info["prox_steps"] >= 1 and sol.certificate.details["dual_flow"] <= 1e-10


def test_block_method_on_a_thousand_samples():
    H, y = gaussian_clusters(1000, 32, 8, sep=4.0, seed=5)
    sol = multiclass_svm(H, y)
    assert sol.min_margin >= 1 - 1e-9 and abs(sol.relative_gap) <= 1e-8
    assert sol.certificate.stationarity <= 1e-10
    W = sklearn_cs(H, y)
    assert 0.5 * np.sum(W * W) == pytest.approx(sol.objective, rel=1e-4)


def test_duplicates_and_ties_do_not_break_the_active_set():
    # every sample repeated 5 times, with exact symmetric ties (ETF) and many equal margins
    H, y, W_star, value = etf_problem(5, 5)
    H = np.vstack([H, H])
    y = np.r_[y, y]
    sol = multiclass_svm(H, y)
    assert sol.objective == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(sol.W, W_star, atol=1e-12)
    # integer grid points with collinear triples
    H = np.array([[2, 0], [4, 0], [2, 2], [0, 2], [0, 4], [-2, -2], [-4, -4], [-2, -4]], float)
    y = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    s1, s2 = multiclass_svm(H, y), multiclass_svm_cvxpy(H, y)
    assert s1.objective == pytest.approx(s2.objective, rel=1e-7)


def test_near_dependent_constraints_use_the_qr_polish():
    # the two constraints are parallel up to 5e-9: the Gram arithmetic cannot separate them, the
    # Householder polish (scipy.optimize.nnls) must, and the binding one is the second
    H, y = np.array([[2.00000001], [-2.0]]), np.array([0, 1])
    sol = multiclass_svm(H, y)
    assert sol.info["polish"] >= 1
    assert sol.objective == pytest.approx(0.0625, rel=1e-12) and sol.min_margin >= 1 - 1e-12


def test_ill_conditioned_bias_instance_is_repaired_by_the_kkt_polish():
    # found by hypothesis: two nearly coincident points of different classes, |b| ~ 400
    H = np.array([[5.00670937e-01, 2.89062500e-01], [4.99329063e-01, 2.89062500e-01],
                  [4.62697237e-18, -5.78125000e-01]])
    y = np.array([0, 1, 2])
    sol = multiclass_svm(H, y, bias=True)
    ref = multiclass_svm_cvxpy(H, y, bias=True)
    assert sol.certificate.passed and sol.min_margin >= 1 - 1e-9
    assert sol.objective == pytest.approx(ref.objective, rel=1e-7)


def test_large_non_separable_input_confirms_on_the_farkas_subset(monkeypatch):
    from ncbounds.solvers import svm as svm_mod

    monkeypatch.setattr(svm_mod, "_LP_FULL_NNZ", 0)  # pretend the full LP is too large
    H, y = gaussian_clusters(150, 3, 3, sep=0.5, seed=1)
    with pytest.raises(NotSeparableError) as exc:
        multiclass_svm(H, y)
    assert "infeasible subset" in str(exc.value) and exc.value.best_margin <= 0


# ---------------------------------------------------------------- certificates


def test_certificate_accepts_optimum_and_rejects_perturbations():
    H, y = sep_a()
    sol = multiclass_svm(H, y)
    W, a = sol.W, sol.dual
    assert certify_svm(W, H, y, dual=a, rescale=False).passed
    assert certify_svm(W, H, y).passed  # multipliers recovered by NNLS
    assert certify("svm", W=W, H=H, y=y).passed  # through the shared dispatcher
    # 1.01 W: same direction, so the default (direction) certificate passes, the strict one fails
    assert certify_svm(1.01 * W, H, y).passed
    strict = certify_svm(1.01 * W, H, y, dual=a, rescale=False)
    assert not strict.passed and strict.relative_gap > 1e-3
    assert not certify_svm(0.99 * W, H, y, dual=a, rescale=False).passed  # infeasible
    noise = 1e-4 * np.random.default_rng(0).normal(size=W.shape)
    for kw in ({}, {"dual": a}, {"dual": a, "rescale": False}):
        assert not certify_svm(W + noise, H, y, **kw).passed, kw
    # a perturbed dual is caught too
    assert not certify_svm(W, H, y, dual=1.01 * a).passed
    bad = a.copy()
    bad[0, 1] = -1e-3
    assert certify_svm(W, H, y, dual=bad).dual_infeasibility > 1e-7
    # a classifier that does not separate is primal infeasible
    c = certify_svm(-W, H, y)
    assert not c.passed and c.primal_infeasibility > 1


def test_bias_certificate_checks_the_dual_flow():
    H, y = sep_a()
    H = H + 2.0
    sol = multiclass_svm(H, y, bias=True)
    assert certify_svm(sol.W, H, y, b=sol.b, dual=sol.dual).passed
    assert certify_svm(sol.W, H, y, b=sol.b).passed  # recovered multipliers (weighted flow rows)
    # the no-bias multipliers of the no-bias problem violate the bias dual constraint
    s0 = multiclass_svm(H, y)
    c = certify_svm(s0.W, H, y, b=np.zeros(3), dual=s0.dual)
    assert not c.passed and c.details["dual_flow"] > 1e-3
    # perturbing b breaks it
    assert not certify_svm(sol.W, H, y, b=sol.b + np.array([0.05, 0.0, -0.05])).passed


def test_check_false_returns_uncertified_and_check_true_raises(monkeypatch):
    from ncbounds.solvers import svm as svm_mod

    H, y = sep_a()
    real = svm_mod._active_set

    def broken(*args, **kwargs):
        W, b, alpha, status, it, info = real(*args, **kwargs)
        return 1.05 * W, b, alpha, status, it, info

    monkeypatch.setattr(svm_mod, "_active_set", broken)
    # the KKT polish (SVD on the active set) repairs this; with it disabled the answer must fail
    repaired = multiclass_svm(H, y)
    assert repaired.info["kkt_polish"] == "accepted" and repaired.certificate.passed
    monkeypatch.setattr(svm_mod, "_kkt_polish", lambda *a, **k: None)
    with pytest.raises(CertificateError):
        multiclass_svm(H, y)
    sol = multiclass_svm(H, y, check=False)
    assert sol.status == "uncertified" and not sol.certificate.passed


# ---------------------------------------------------------------- result object and API


def test_result_fields_and_json():
    H, y = sep_a()
    sol = multiclass_svm(H, y)
    assert isinstance(sol, SVMSolution) and isinstance(sol.certificate, Certificate)
    assert sol.W.shape == (3, 4) and sol.b.shape == (3,) and sol.dual.shape == (30, 3)
    assert np.all(sol.b == 0)
    assert sol.method == "active_set" and sol.solver == "lawson-hanson-gram"
    assert sol.seconds > 0 and sol.iterations >= 1
    d = json.loads(json.dumps(sol.to_dict()))
    assert d["objective"] == pytest.approx(sol.objective) and d["certificate"]["passed"] is True
    with pytest.raises(Exception):
        sol.objective = 0.0  # frozen
    ref = multiclass_svm(H, y, method="cvxpy")
    assert ref.method == "cvxpy" and ref.solver == "CLARABEL"
    assert ref.objective == pytest.approx(sol.objective, rel=1e-7)


def test_list_inputs():
    H, y = sep_a()
    sol = multiclass_svm(H.tolist(), y.astype(float).tolist())
    assert sol.objective == pytest.approx(0.12822580, abs=5e-9)


# ---------------------------------------------------------------- bad inputs


def test_bad_inputs_raise_named_errors():
    H, y = sep_a()
    Hn = H.copy()
    Hn[3, 1] = np.nan
    with pytest.raises(InputError, match="H") as e:
        multiclass_svm(Hn, y)
    assert e.value.argument == "H"
    with pytest.raises(ShapeError, match="y"):
        multiclass_svm(H, y[:-1])
    with pytest.raises(ShapeError, match="H"):
        multiclass_svm(H[:, 0], y)
    with pytest.raises(LabelError, match="y"):
        multiclass_svm(H, np.r_[y[:-1], 5], K=3)
    with pytest.raises(LabelError, match="y"):
        multiclass_svm(H, np.r_[y[:-1], -1])
    with pytest.raises(LabelError, match="empty"):
        multiclass_svm(H, y, K=4)
    with pytest.raises(InputError, match="K"):
        multiclass_svm(H, np.zeros(30, dtype=int))
    with pytest.raises(InputError, match="method"):
        multiclass_svm(H, y, method="newton")
    with pytest.raises(InputError, match="tol"):
        multiclass_svm(H, y, tol=0)
    with pytest.raises(InputError, match="solver"):
        multiclass_svm(H, y, solver="CLARABEL")
    with pytest.raises(InputError, match="bias"):
        multiclass_svm(H, y, bias="yes")
    with pytest.raises(ShapeError, match="dual"):
        certify_svm(np.zeros((3, 4)), H, y, dual=np.zeros((30, 2)))
    with pytest.raises(ShapeError, match="W"):
        certify_svm(np.zeros((3, 5)), H, y)
    with pytest.raises(LabelError):
        best_margin_lp(H, y, K=4)


def test_docstring_examples():
    import doctest

    from ncbounds.solvers import svm as svm_mod

    res = doctest.testmod(svm_mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted >= 4 and res.failed == 0
