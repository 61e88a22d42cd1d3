import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ncbounds import metrics as M
from ncbounds.geometry import orthogonal_frame, random_rotation, simplex_etf

INVARIANT = ("nc1", "nc1_trace_ratio", "cdnv", "nc2", "nc2_equinorm_H", "nc2_equiangularity_H",
             "nc2_maxangle_H", "nc2_of_H", "nc2_equinorm_W", "nc2_equiangularity_W", "nc2_maxangle_W",
             "nc2_gram_W", "nc2_of_W", "nc3", "nc3_centered", "nc3_zhu", "nc4")


# ---------------------------------------------------------------- hand-computed cases

@pytest.mark.parametrize("K,d,n", [(2, 1, 3), (3, 2, 2), (5, 4, 1), (5, 9, 4), (10, 12, 3)])
def test_exact_etf_features_collapse(K, d, n):
    E = simplex_etf(K, d, rotation="random", seed=K)
    y = np.repeat(np.arange(K), n)
    m = M.nc_metrics(E[y], y, W=2.0 * E)
    assert max(m.nc1, m.nc1_trace_ratio, m.cdnv) <= 1e-28  # round-off of class means only
    for f in ("nc2", "nc2_equinorm_H", "nc2_equiangularity_H", "nc2_maxangle_H", "nc2_gram_W", "nc3", "nc3_zhu"):
        assert getattr(m, f) <= 1e-13, f
    assert m.nc4 == 0.0 and m.nc4_agreement == 1.0


def test_claim1_values(E3):
    # classic.md claim 1: μ_k ± s u_k; NC1 = 2s²/3, trace ratio s², CDNV s²/3, unsquared s²/√3
    s = 0.1
    u = np.array([[0.6, 0.8], [1.0, 0.0], [0.0, 1.0]])
    H = np.concatenate([[E3[k] + s * u[k], E3[k] - s * u[k]] for k in range(3)])
    y = np.repeat(np.arange(3), 2)
    m = M.nc_metrics(H, y)
    assert m.nc1 == pytest.approx(2 * s**2 / 3, abs=1e-14)
    assert m.nc1_trace_ratio == pytest.approx(s**2, abs=1e-14)
    assert m.cdnv == pytest.approx(s**2 / 3, abs=1e-14)
    assert m.cdnv_unsquared == pytest.approx(s**2 / np.sqrt(3), abs=1e-14)


def test_papyan_nc1_blind_to_out_of_span_variation(E3):
    # classic.md claim 4 (CL-A3)
    s = 0.1
    H = np.concatenate([[np.r_[E3[k], s], np.r_[E3[k], -s]] for k in range(3)])
    y = np.repeat(np.arange(3), 2)
    m = M.nc_metrics(H, y)
    assert m.nc1 <= 1e-15
    assert m.nc1_trace_ratio == pytest.approx(0.01)


def test_center_convention_under_imbalance(E3):
    # classic.md claim 2: exact ETF means, counts (10, 10, 1)
    y = np.repeat(np.arange(3), (10, 10, 1))
    cm = M.nc_metrics(E3[y], y)
    sm = M.nc_metrics(E3[y], y, center="sample")
    assert max(cm.nc2_equinorm_H, cm.nc2_equiangularity_H, cm.nc2_maxangle_H, cm.nc2_gram_H) <= 1e-12
    np.testing.assert_allclose([sm.nc2_equinorm_H, sm.nc2_equiangularity_H, sm.nc2_maxangle_H, sm.nc2_gram_H],
                               [0.2499291, 0.4262850, 0.4406958, 0.5747407], atol=1e-6)


def test_nc3_nc4_swapped_classifier(E3):
    y = np.repeat(np.arange(3), 2)
    m = M.nc_metrics(E3[y], y, W=E3[[1, 0, 2]])
    assert m.nc4 == pytest.approx(2 / 3)
    assert m.nc3 == pytest.approx(2.0, abs=1e-14)


def test_orthogonal_frame_means_condition_number():
    F = 3.0 * orthogonal_frame(4, 6)
    y = np.repeat(np.arange(4), 2)
    m = M.nc_metrics(F[y], y)
    assert m.cond_M == pytest.approx(1.0) and m.nc2_of_H <= 1e-15
    assert m.nc2 <= 1e-14  # centred orthogonal frame = simplex ETF (CL-A11)
    # d < K: the class-mean matrix cannot have full row rank
    assert M.nc_metrics(np.eye(3)[[0, 1, 2, 0]][:, :2] + 0.0, np.array([0, 1, 2, 0])).cond_M == np.inf


def test_class_average_within_covariance_equals_pooled_when_balanced():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 5)
    H = rng.normal(size=(20, 6)) + 2 * rng.normal(size=(4, 6))[y]
    assert M.nc1_papyan(H, y, within="class_average") == pytest.approx(M.nc1_papyan(H, y), rel=1e-12)


def test_nc1_is_nonnegative_where_pinv_goes_negative():
    # nearly collapsed means (round-off eigenvalues in Σ_B): the truncated form stays >= 0
    rng = np.random.default_rng(1)
    E = simplex_etf(5, 20)
    y = np.repeat(np.arange(5), 4)
    H = 1e8 * E[y] + 1e-4 * rng.normal(size=(20, 20))
    assert M.nc1_papyan(H, y) >= 0


def test_ncmetrics_to_dict_is_json_ready():
    import json
    y = np.repeat(np.arange(3), 2)
    m = M.nc_metrics(simplex_etf(3)[y], y)
    json.dumps(m.to_dict(), allow_nan=False)
    assert m.nc3 is None and "nc3" not in m.summary()


# ---------------------------------------------------------------- invariances (hypothesis)

@st.composite
def instances(draw):
    K = draw(st.integers(2, 6))
    d = draw(st.integers(K, K + 4))
    counts = draw(st.lists(st.integers(2, 5), min_size=K, max_size=K))
    y = np.repeat(np.arange(K), counts)
    el = {"min_value": -10, "max_value": 10, "allow_nan": False, "allow_infinity": False}
    means = draw(arrays(np.float64, (K, d), elements=el))
    noise = draw(arrays(np.float64, (y.size, d), elements={"min_value": -1, "max_value": 1}))
    W = draw(arrays(np.float64, (K, d), elements=el))
    H = means[y] + noise
    # keep away from degenerate instances (coincident means, zero rows), where ratios are 0/0
    from hypothesis import assume
    mu = np.stack([H[y == k].mean(0) for k in range(K)])
    gaps = np.linalg.norm(mu[:, None] - mu[None], axis=-1)[np.triu_indices(K, 1)]
    assume(gaps.min() > 0.5 and np.linalg.norm(W, axis=1).min() > 0.5)
    assume(np.linalg.norm(W - W.mean(0), axis=1).min() > 0.5)
    # no exact ties in argmax / nearest centre (NC4 breaks ties by index, which no rotation preserves)
    top2 = np.sort(H @ W.T, axis=1)[:, -2:]
    dist = np.sort(((H[:, None] - mu[None]) ** 2).sum(-1), axis=1)[:, :2]
    assume(np.min(top2[:, 1] - top2[:, 0]) > 1e-6 and np.min(dist[:, 1] - dist[:, 0]) > 1e-6)
    assume(np.linalg.norm(mu - mu.mean(0), axis=1).min() > 0.5)
    return H, y, W


def _assert_same(a, b, rtol=1e-9):
    for f in INVARIANT:
        x, z = getattr(a, f), getattr(b, f)
        if np.isnan(x) and np.isnan(z):
            continue
        assert z == pytest.approx(x, rel=rtol, abs=1e-9 * max(1.0, abs(x))), f


@settings(max_examples=200)
@given(inst=instances(), seed=st.integers(0, 2**31))
def test_invariant_under_rotation(inst, seed):
    H, y, W = inst
    Q = random_rotation(H.shape[1], seed=seed)
    _assert_same(M.nc_metrics(H, y, W=W), M.nc_metrics(H @ Q, y, W=W @ Q))


@settings(max_examples=200)
@given(inst=instances(), c=st.floats(0.1, 10), c2=st.floats(0.1, 10))
def test_invariant_under_positive_rescaling(inst, c, c2):
    H, y, W = inst
    base = M.nc_metrics(H, y, W=W)
    _assert_same(base, M.nc_metrics(c * H, y, W=c2 * W))
    assert M.nc_metrics(c * H, y, W=W).cdnv_unsquared == pytest.approx(c * base.cdnv_unsquared, rel=1e-9)


@settings(max_examples=200)
@given(inst=instances(), seed=st.integers(0, 2**31))
def test_invariant_under_label_permutation(inst, seed):
    H, y, W = inst
    perm = np.random.default_rng(seed).permutation(W.shape[0])  # class k is renamed perm[k]
    Wp = np.empty_like(W)
    Wp[perm] = W
    _assert_same(M.nc_metrics(H, y, W=W), M.nc_metrics(H, perm[y], W=Wp))


@settings(max_examples=200)
@given(inst=instances())
def test_metrics_never_negative_and_sample_centre_never_larger(inst):
    H, y, W = inst
    m = M.nc_metrics(H, y, W=W)
    for f in INVARIANT + ("cdnv_unsquared", "cond_M"):
        assert getattr(m, f) >= 0, f
    # classic.md claim 5 (CL-METRIC-ORDER); NC1 is a scale-free ratio, so values below 1e-12
    # (exactly collapsed draws, e.g. all-zero noise) are round-off and compared absolutely
    assert M.nc1_papyan(H, y, center="sample") <= m.nc1 * (1 + 1e-12) + 1e-12


# ---------------------------------------------------------------- margins and CE

def test_margins_hand_example(E3):
    y = np.repeat(np.arange(3), 2)
    mg = M.margins(E3, E3[y], y)
    # (e_y - e_k)·e_y = 1 + 1/2 for the unit ETF
    np.testing.assert_allclose(mg.per_sample, 1.5)
    assert mg.p_min == pytest.approx(1.5) and mg.tpt and mg.accuracy == 1.0
    assert mg.loss == pytest.approx(np.log(1 + 2 * np.exp(-1.5)))
    assert mg.nu_ufm == pytest.approx(1.5 / (0.5 * 3 + 0.5 * 6))
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(mg.pairwise[off], 1.5)
    assert np.all(np.isnan(np.diag(mg.pairwise)))


def test_ties_count_as_errors():
    H = np.array([[1.0, 0.0], [0.0, 1.0]])
    W = np.array([[1.0, 0.0], [1.0, 0.0]])
    mg = M.margins(W, H, np.array([0, 1]))
    assert mg.p_min == 0.0 and not mg.tpt and mg.accuracy == 0.0


def test_ce_accurate_far_below_machine_epsilon():
    # ℓ = log(1 + (K-1)e^{-q}) ≈ (K-1)e^{-q} for large q; naive softmax would return exactly 0
    q = 60.0
    logits = np.array([[q, 0.0, 0.0]])
    assert M.ce_loss(logits, [0]) == pytest.approx(2 * np.exp(-q), rel=1e-14)
    mg = M.margins(np.array([[q, 0.0], [0.0, 0.0], [0.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([0]))
    assert mg.log_loss == pytest.approx(np.log(2) - q, rel=1e-14)
    # beyond float64's range the log-loss is still exact
    mg = M.margins(np.array([[900.0, 0.0], [0.0, 0.0], [0.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([0]))
    assert mg.loss == 0.0 and mg.log_loss == pytest.approx(np.log(2) - 900.0, rel=1e-14)
    # and large losses do not overflow
    assert M.ce_loss(np.array([[-800.0, 0.0]]), [0]) == pytest.approx(800.0)


@settings(max_examples=200)
@given(K=st.integers(2, 8), N=st.integers(2, 40), seed=st.integers(0, 2**31), scale=st.floats(0.1, 30))
def test_ce_margin_sandwich_and_inversions(K, N, seed, scale):
    # gao2023.md GAO-F1 (claim GAO-F1-SANDWICH): the sandwich and both exact inversions
    rng = np.random.default_rng(seed)
    d = K + 2
    y = rng.integers(0, K, size=N)
    W = simplex_etf(K, d) + 0.3 * rng.normal(size=(K, d))
    H = scale * (W[y] + 0.3 * rng.normal(size=(N, d)))
    mg = M.margins(W, H, y)
    if mg.p_min > 600 or mg.loss == 0:
        return
    assert mg.loss_lower <= mg.loss * (1 + 1e-12)
    assert mg.loss <= mg.loss_upper * (1 + 1e-12)
    assert mg.p_min_lower <= mg.p_min + 1e-9 * max(1, abs(mg.p_min))
    assert mg.p_min <= mg.p_min_upper + 1e-9 * max(1, abs(mg.p_min))


@settings(max_examples=200)
@given(seed=st.integers(0, 2**31), c=st.floats(0.1, 10))
def test_margin_homogeneity(seed, c):
    # GAO-F2: p_min(cW, H) = c p_min, p_min(cW, cH) = c² p_min; a bias breaks it
    rng = np.random.default_rng(seed)
    W, H = rng.normal(size=(4, 5)), rng.normal(size=(12, 5))
    y = np.repeat(np.arange(4), 3)
    p = M.margins(W, H, y).p_min
    assert M.margins(c * W, H, y).p_min == pytest.approx(c * p, rel=1e-12, abs=1e-12)
    assert M.margins(c * W, c * H, y).p_min == pytest.approx(c * c * p, rel=1e-12, abs=1e-12)


def test_margin_homogeneity_fails_with_bias():
    rng = np.random.default_rng(0)
    W, H = rng.normal(size=(4, 5)), rng.normal(size=(12, 5))
    y = np.repeat(np.arange(4), 3)
    b = rng.normal(size=4)
    assert M.margins(3 * W, H, y, b).p_min != pytest.approx(3 * M.margins(W, H, y, b).p_min, rel=1e-6)


def test_nc1_degenerate_means_and_extreme_scales():
    """Class means equal up to averaging round-off give NC1 = inf for every centre and variant (they
    used to give 0 for one centre and inf for the other); NC1 is scale-invariant down to 1e-250."""
    from ncbounds.metrics import nc1_papyan, nc1_trace_ratio

    H, y = 0.1 * np.ones((4, 1)), np.array([0, 1, 2, 2])
    for center in ("class_mean", "sample"):
        assert nc1_papyan(H, y, center=center) == np.inf and nc1_trace_ratio(H, y, center=center) == np.inf
    assert M.nc_metrics(H, y).nc1 == np.inf
    assert nc1_papyan(np.array([[1.7e-250], [0.0]]), np.array([0, 1])) == 0.0
    rng = np.random.default_rng(0)
    H, y = rng.normal(size=(30, 5)), np.repeat(np.arange(3), 10)
    ref = nc1_papyan(H, y)
    for c in (1e-250, 1e250):
        assert nc1_papyan(c * H, y) == pytest.approx(ref, rel=1e-12)
