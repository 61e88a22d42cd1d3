"""Tests of ncbounds.solvers.ufm: regularised UFM (CE/MSE), layer-peeled model, GAO-F5 margins.

Expected values are the spec's (classic.md §3.3, §3.4, §3.6, §4 claims 10, 11, 13, 14, 20, 21,
§5 CL-A1, CL-A10; gao2023.md GAO-F5 and claim 5). Every solver answer passes through its
certificate; perturbed answers must fail it.
"""

from __future__ import annotations

import doctest
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ncbounds.errors import (
    CertificateError,
    DimensionError,
    InputError,
    LabelError,
    ShapeError,
)
from ncbounds.geometry import (
    gram_distance_to_etf,
    gram_distance_to_orthogonal_frame,
    sel_matrix,
)
from ncbounds.solvers import certificates
from ncbounds.solvers import ufm
from ncbounds.solvers.ufm import (
    certify_lpm,
    certify_regularized_ufm,
    frobenius_max_margin,
    layer_peeled_model,
    lpm_balanced_closed_form,
    lpm_two_group,
    minority_collapse_curve,
    regularized_ufm,
    spherical_max_margin,
    ufm_ce_closed_form,
    ufm_mse_closed_form,
)


def labels(counts):
    return np.repeat(np.arange(len(counts)), counts)


# ------------------------------------------------------------------------------------------------
# problem factories with known answers (classic.md §3.3 CL-ZHU-CF, §3.6)
# ------------------------------------------------------------------------------------------------

ZHU_ROWS = [  # (K, n, λ_W, λ_H) -> (f*, ||w_k||², u)
    ((4, 3, 1e-2, 1e-2), (0.26133639, 5.199405, 4.002504)),
    ((3, 5, 5e-3, 2e-2), (0.21366746, 11.194350, 3.754699)),
    ((5, 2, 0.1, 0.1), (1.46869955, 1.269427, 1.122025)),
    ((4, 3, 0.2, 0.1), (1.38569002, 0.072803, 0.079257)),
    ((4, 3, 0.2, 0.2), (math.log(4), 0.0, 0.0)),
]

MSE_ROWS = [  # (K, n, λ_W, λ_H) -> (no bias, free bias)
    ((4, 3, 1e-2, 1e-2), (0.0668820323, 0.0501615242)),
    ((3, 5, 5e-3, 2e-2), (0.0648320393, 0.0432213595)),
    ((5, 2, 0.05, 0.02), (0.1986067977, 0.1588854382)),
    ((4, 3, 0.2, 0.1), (0.4997958971, 0.3748469228)),
]

ETF_OF_DISTANCE = math.sqrt(2 - 2 * math.sqrt(3 / 4))  # 0.5176 at K = 4 (classic.md claim 20)


# ================================================================================================
# CE UFM: closed form, solver, identities
# ================================================================================================

@pytest.mark.parametrize("params, expected", ZHU_ROWS)
def test_ce_closed_form_values(params, expected):
    f, w2, u = expected
    cf = ufm_ce_closed_form(*params)
    assert cf.objective == pytest.approx(f, abs=1e-8)
    assert cf.w_norm_sq == pytest.approx(w2, abs=1e-6)  # spec prints 6 decimals
    assert cf.u == pytest.approx(u, abs=1e-6)
    assert cf.h_norm_sq == pytest.approx(cf.c ** 2 * cf.w_norm_sq, rel=1e-14)
    assert cf.collapsed_to_zero == (cf.kappa >= 1)


@pytest.mark.parametrize("params, expected", ZHU_ROWS)
def test_ce_solver_matches_closed_form(params, expected):
    K, n, lw, lh = params
    y = labels([n] * K)
    sol = regularized_ufm(y, lambda_W=lw, lambda_H=lh)
    assert sol.status == "optimal" and sol.certificate.passed
    assert sol.objective == pytest.approx(expected[0], abs=1e-8)
    assert sol.objective_error <= 1e-12
    assert sol.relative_gap <= 1e-9 and sol.duality_gap >= -1e-12
    # CL-ZHU-CVX: the unique minimiser X* = u·PY (or 0)
    cf = sol.closed_form
    assert np.linalg.norm(sol.X - cf.u * sel_matrix(y)) <= 1e-6
    assert sol.rank == (0 if cf.collapsed_to_zero else K - 1)


@pytest.mark.parametrize("params, expected", ZHU_ROWS[:4])
@pytest.mark.parametrize("d_offset", [-1, 0, 2])
def test_zhu_t1_gram_identities(params, expected, d_offset):
    """CL-ZHU-T1: equinorm, h_i = c·w_{y_i} (NC1 + NC3), W Wᵀ = ||w||² K/(K-1) P (NC2), 1e-6."""
    K, n, lw, lh = params
    y = labels([n] * K)
    sol = regularized_ufm(y, lambda_W=lw, lambda_H=lh, d=K + d_offset)
    W, H = sol.W, sol.H
    assert W.shape == (K, K + d_offset) and H.shape == (K * n, K + d_offset)
    wn2 = np.sum(W * W, axis=1)
    c = math.sqrt(lw / (n * lh))
    P = np.eye(K) - 1.0 / K
    assert np.ptp(wn2) <= 1e-6
    assert wn2[0] == pytest.approx(expected[1], abs=1e-6)
    assert np.abs(H - c * W[y]).max() <= 1e-6
    assert np.abs(W @ W.T - wn2[0] * K / (K - 1) * P).max() <= 1e-6
    assert gram_distance_to_etf(W @ W.T) <= 1e-6


def test_ce_kappa_at_least_one_gives_zero():
    sol = regularized_ufm(labels([3] * 4), lambda_W=0.2, lambda_H=0.2)
    assert sol.closed_form.kappa == pytest.approx(1.3856, abs=1e-4)
    assert np.all(sol.W == 0) and np.all(sol.H == 0) and sol.rank == 0
    assert sol.objective == pytest.approx(math.log(4), abs=1e-15)
    assert sol.certificate.passed and abs(sol.duality_gap) <= 1e-14


def test_penalty_convention_cl_a1():
    """CL-A1 / claim 11 control: 2√(λ_Wλ_H)‖X‖_* (no ½) gives 0.44778940, not 0.26133639."""
    y = labels([3] * 4)
    half = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2)
    no_half = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, penalty="no_half")
    assert half.objective == pytest.approx(0.26133639, abs=1e-8)
    assert no_half.objective == pytest.approx(0.44778940, abs=1e-8)
    assert abs(no_half.objective - 0.26133639) > 0.1
    # λ||W||² with λ is the ½-form with 2λ
    twice = regularized_ufm(y, lambda_W=2e-2, lambda_H=2e-2)
    assert twice.objective == pytest.approx(no_half.objective, abs=1e-12)
    assert no_half.lambda_W == 1e-2 and no_half.penalty == "no_half"
    assert no_half.certificate.details["nuclear_coefficient"] == pytest.approx(2e-2)
    # the convex value with the correct coefficient equals f*
    assert half.certificate.details["convex_objective"] == pytest.approx(half.objective, abs=1e-10)


def test_imbalanced_cl_a10():
    """Counts [4,4,3,1], λ = 1e-2: solver 0.25617809 vs balanced formula 0.26133639 (CL-A10)."""
    y = labels([4, 4, 3, 1])
    sol = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2)
    assert sol.status == "optimal" and sol.relative_gap <= 1e-9
    assert sol.objective == pytest.approx(0.25617809, abs=1e-8)
    assert sol.closed_form is None and sol.closed_form_objective is None
    formula = ufm_ce_closed_form(4, 3, 1e-2, 1e-2).objective
    assert abs(sol.objective - formula) > 5e-3
    assert sol.rank == 3
    # control: balanced counts agree with the formula to 1e-8
    bal = regularized_ufm(labels([3] * 4), lambda_W=1e-2, lambda_H=1e-2)
    assert abs(bal.objective - formula) <= 1e-8


@pytest.mark.parametrize("kw", [{}, {"bias": True}, {"lambda_b": 1e-2}])
def test_ce_apg_agrees_with_independent_cvxpy(kw):
    """jaxopt-style: the built-in APG answer agrees with an independent cvxpy/SCS solve."""
    y = labels([4, 4, 3, 1])
    a = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, **kw)
    b = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, solver="SCS", **kw)
    assert a.method == "apg" and b.method == "cvxpy" and b.solver == "SCS"
    assert a.objective == pytest.approx(b.objective, abs=1e-9)
    assert b.certificate.passed
    # both certified; the APG answer much more tightly
    assert a.relative_gap <= 1e-9


def test_ce_bias_variants_balanced():
    y = labels([3] * 4)
    base = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2)
    free = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, bias=True)
    reg = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, lambda_b=0.5)
    for s in (free, reg):
        assert s.objective == pytest.approx(base.objective, abs=1e-10)
        assert np.abs(s.b).max() <= 1e-8  # b = b·1 (free: min-norm rep. 0), b = 0 when λ_b > 0
    assert base.b is None and free.bias == "free" and reg.bias == "reg" and free.lambda_b == 0.0


def test_ce_imbalanced_bias_helps_and_regularised_lies_between():
    y = labels([4, 4, 3, 1])
    none = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2).objective
    free = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, bias=True).objective
    reg = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, lambda_b=1e-2).objective
    assert free < reg < none


def test_larger_instance_certified():
    """K = 10, n = 100 balanced and a 10:1 imbalanced instance (no timing assertions here)."""
    y = labels([100] * 10)
    sol = regularized_ufm(y, lambda_W=5e-4, lambda_H=5e-4)
    assert sol.status == "optimal" and sol.objective_error <= 1e-10 and sol.logit_error <= 1e-8
    yi = labels([100] * 5 + [10] * 5)
    s2 = regularized_ufm(yi, lambda_W=1e-3, lambda_H=1e-3)
    assert s2.status == "optimal" and s2.relative_gap <= 1e-9 and s2.rank == 9


# ================================================================================================
# MSE UFM
# ================================================================================================

@pytest.mark.parametrize("params, expected", MSE_ROWS)
@pytest.mark.parametrize("free_bias", [False, True])
def test_mse_values(params, expected, free_bias):
    K, n, lw, lh = params
    want = expected[1] if free_bias else expected[0]
    cf = ufm_mse_closed_form(K, n, lw, lh, bias=free_bias)
    assert cf.objective == pytest.approx(want, abs=1e-9)
    y = labels([n] * K)
    kw = {"lambda_b": 0.0, "bias": True} if free_bias else {"bias": False}
    sol = regularized_ufm(y, loss="mse", lambda_W=lw, lambda_H=lh, **kw)
    assert sol.method == "svt" and sol.status == "optimal"
    assert sol.objective == pytest.approx(want, abs=1e-9)
    assert sol.relative_gap <= 1e-12
    # the iterative method reaches the same optimum
    apg = regularized_ufm(y, loss="mse", lambda_W=lw, lambda_H=lh, method="apg", **kw)
    assert apg.objective == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize("params", [r[0] for r in MSE_ROWS])
def test_mse_geometry_orthogonal_frame_vs_etf(params):
    """CL-MSE-NB: no bias -> orthogonal frame; CL-MSE-B: free bias -> simplex ETF, b* = 1/K."""
    K, n, lw, lh = params
    y = labels([n] * K)
    kappa = K * math.sqrt(n * lw * lh)
    scale = math.sqrt(lh / lw) * (1 - kappa) * math.sqrt(n)
    nb = regularized_ufm(y, loss="mse", lambda_W=lw, lambda_H=lh)
    G = nb.W @ nb.W.T
    assert np.abs(G - scale * np.eye(K)).max() <= 1e-6
    assert gram_distance_to_orthogonal_frame(G) <= 1e-9
    fb = regularized_ufm(y, loss="mse", lambda_W=lw, lambda_H=lh, bias=True)
    Gb = fb.W @ fb.W.T
    assert np.abs(Gb - scale * (np.eye(K) - 1.0 / K)).max() <= 1e-6
    assert gram_distance_to_etf(Gb) <= 1e-9
    assert np.abs(fb.b - 1.0 / K).max() <= 1e-6
    c = math.sqrt(lw / (n * lh))
    assert np.abs(nb.H - c * nb.W[y]).max() <= 1e-6 and np.abs(fb.H - c * fb.W[y]).max() <= 1e-6
    if K == 4:  # claims 20/21 and their controls
        assert gram_distance_to_etf(G) == pytest.approx(ETF_OF_DISTANCE, abs=1e-6)
        assert gram_distance_to_orthogonal_frame(Gb) == pytest.approx(ETF_OF_DISTANCE, abs=1e-6)


def test_mse_no_bias_d_equals_K_minus_1():
    """CL-MSE-NB / CL-A1: for d = K-1 the orthogonal frame does not fit: 0.1751615242."""
    y = labels([3] * 4)
    sol = regularized_ufm(y, loss="mse", lambda_W=1e-2, lambda_H=1e-2, d=3)
    assert sol.objective == pytest.approx(0.1751615242, abs=1e-9)
    assert sol.W.shape == (4, 3) and sol.rank == 3
    assert sol.certificate.passed  # certified by the exact rank-<=d bound (Mirsky)
    assert sol.closed_form_objective == pytest.approx(0.1751615242, abs=1e-9)
    assert abs(sol.objective - 0.0668820323) > 0.1
    # the free-bias ETF fits in d = K-1: no change there
    fb = regularized_ufm(y, loss="mse", lambda_W=1e-2, lambda_H=1e-2, bias=True, d=3)
    assert fb.objective == pytest.approx(0.0501615242, abs=1e-9)
    # the d = K-1 factors certified against the full convex problem would not pass
    cert = certify_regularized_ufm(sol.W, sol.H, y, loss="mse", lambda_W=1e-2, lambda_H=1e-2)
    assert cert.passed and cert.details["fenchel_dual"] < cert.dual_value - 0.1


def test_mse_regularised_bias_between_and_matches_cvxpy():
    y = labels([3] * 4)
    kw = dict(loss="mse", lambda_W=1e-2, lambda_H=1e-2)
    nb = regularized_ufm(y, **kw).objective
    fb = regularized_ufm(y, bias=True, **kw).objective
    rb = regularized_ufm(y, lambda_b=0.1, **kw)
    assert rb.method == "apg" and rb.closed_form is None
    assert fb < rb.objective < nb
    ref = regularized_ufm(y, lambda_b=0.1, solver="CLARABEL", **kw)
    assert rb.objective == pytest.approx(ref.objective, abs=1e-8)
    assert np.allclose(rb.b, ref.b, atol=1e-5)


def test_mse_imbalanced_solves():
    y = labels([5, 2, 1])
    for bias in (False, True):
        a = regularized_ufm(y, loss="mse", lambda_W=1e-2, lambda_H=2e-2, bias=bias)
        b = regularized_ufm(y, loss="mse", lambda_W=1e-2, lambda_H=2e-2, bias=bias, method="apg")
        assert a.closed_form is None and a.status == "optimal"
        assert a.objective == pytest.approx(b.objective, abs=1e-10)


# ================================================================================================
# UFM certificate
# ================================================================================================

def test_certificate_rejects_perturbed_solution():
    y = labels([4, 4, 3, 1])
    sol = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2)
    kw = dict(loss="ce", lambda_W=1e-2, lambda_H=1e-2)
    ok = certify_regularized_ufm(sol.W, sol.H, y, **kw)
    assert ok.passed and ok.relative_gap <= 1e-9
    via = certificates.certify("ufm", W=sol.W, H=sol.H, y=y, **kw)
    assert via.passed and via.primal_value == ok.primal_value
    rng = np.random.default_rng(0)
    bad = certify_regularized_ufm(sol.W + 1e-3 * rng.standard_normal(sol.W.shape), sol.H, y, **kw)
    assert not bad.passed and bad.duality_gap > 1e-8
    # an unbalanced factorisation of the same X is not optimal either
    bad2 = certify_regularized_ufm(2 * sol.W, sol.H / 2, y, **kw)
    assert not bad2.passed and bad2.details["balance_excess"] > 1e-3
    with pytest.raises(CertificateError):
        certificates.raise_if_failed(bad)


def test_certificate_on_trained_style_candidate_with_bias():
    """A candidate with a free bias and non-collapsed features still gets a valid bound."""
    y = labels([4, 4, 3, 1])
    opt = regularized_ufm(y, lambda_W=1e-2, lambda_H=1e-2, bias=True)
    rng = np.random.default_rng(3)
    W = opt.W + 0.05 * rng.standard_normal(opt.W.shape)
    H = opt.H + 0.05 * rng.standard_normal(opt.H.shape)
    cert = certify_regularized_ufm(W, H, y, b=opt.b + 0.1, lambda_W=1e-2, lambda_H=1e-2)
    assert cert.details["bias"] == "free"
    assert cert.dual_value <= opt.objective + 1e-12 < cert.primal_value
    assert not cert.passed


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), K=st.integers(2, 4), d=st.integers(1, 5),
       loss=st.sampled_from(["ce", "mse"]), bias=st.sampled_from(["none", "free", "reg"]),
       scale=st.floats(0.01, 3.0), near=st.booleans(), eps=st.floats(1e-9, 1e-2))
def test_certificate_dual_is_a_valid_lower_bound(seed, K, d, loss, bias, scale, near, eps):
    """For any candidate (any d, any scale, or a small perturbation of the optimum, where the
    spectrally reshaped dual points are active) the dual value never exceeds the optimum."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 4, size=K)
    y = labels(counts)
    kw = dict(loss=loss, lambda_W=1e-2, lambda_H=2e-2)
    if bias == "free":
        kw["bias"] = True
    elif bias == "reg":
        kw["lambda_b"] = 0.3
    # MSE without bias / with a free bias: the certificate also uses the exact rank-<=d optimum,
    # so compare with the optimum at the candidate's d (exact truncated soft-threshold)
    exact_d = loss == "mse" and bias != "reg"
    opt = regularized_ufm(y, d=d if exact_d else None, **kw)
    if near:
        W = opt.W + eps * rng.standard_normal(opt.W.shape)
        H = opt.H + eps * rng.standard_normal(opt.H.shape)
        b = None if bias == "none" else opt.b + eps * rng.standard_normal(K)
    else:
        W = scale * rng.standard_normal((K, d))
        H = scale * rng.standard_normal((y.size, d))
        b = None if bias == "none" else rng.standard_normal(K)
    cert = certify_regularized_ufm(W, H, y, b, **kw)
    assert cert.dual_value <= opt.objective + 1e-10 * max(1.0, abs(opt.objective))
    assert cert.primal_value >= opt.objective - 1e-10
    assert cert.duality_gap >= -1e-12


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), K=st.integers(2, 4), loss=st.sampled_from(["ce", "mse"]),
       bias=st.booleans())
def test_permutation_equivariance(seed, K, loss, bias):
    """Permuting samples and relabelling classes permutes the optimal logits (STYLE.md)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 5, size=K)
    y = rng.permutation(labels(counts))
    kw = dict(loss=loss, lambda_W=5e-3, lambda_H=1e-2, bias=bias)
    a = regularized_ufm(y, **kw)
    sigma = rng.permutation(K)  # class k -> sigma[k]
    perm = rng.permutation(y.size)  # new sample j is old sample perm[j]
    y2 = sigma[y[perm]]
    b = regularized_ufm(y2, **kw)
    assert b.objective == pytest.approx(a.objective, abs=1e-10)
    X_expected = np.empty_like(a.X)
    X_expected[sigma] = a.X[:, perm]
    assert np.linalg.norm(b.X - X_expected) <= 1e-5 * max(1.0, np.linalg.norm(a.X))
    assert a.status == b.status == "optimal"


# ================================================================================================
# Layer-peeled model (classic.md §3.4, claims 13, 14)
# ================================================================================================

@pytest.mark.parametrize("K, E_H, E_W, value", [(4, 5, 1, 0.5665595764), (10, 5, 1, 5.5978152401),
                                               (3, 1, 1, 1.1069434062)])
def test_lpm_balanced(K, E_H, E_W, value):
    cf = lpm_balanced_closed_form(K, E_H, E_W)
    assert cf.objective == pytest.approx(value, abs=1e-10)
    sol = layer_peeled_model([6] * K, E_W=E_W, E_H=E_H)
    assert sol.status == "optimal" and sol.relative_gap <= 1e-6
    assert sol.objective == pytest.approx(value, rel=1e-6)
    assert sol.mean_loss == pytest.approx(value / K, rel=1e-6)
    off = sol.cosines[~np.eye(K, dtype=bool)]
    assert np.abs(off + 1.0 / (K - 1)).max() <= 1e-5
    assert sol.rank == K - 1
    assert np.abs(np.sum(sol.W * sol.W, axis=1) - E_W).max() <= 1e-5
    assert np.abs(np.sum(sol.H * sol.H, axis=1) - E_H).max() <= 1e-5


def test_lpm_control_imbalanced_is_not_balanced_formula():
    sol = lpm_two_group(10.0)
    assert sol.objective == pytest.approx(1.43922371, abs=1e-7)
    assert abs(sol.objective - lpm_balanced_closed_form(10, 5, 1).objective) > 4


@pytest.mark.parametrize("R, cosine", [(1, -1 / 9), (10, 0.517496), (11, 0.693225), (12, 0.940363)])
def test_lpm_cosine_table_below_R0(R, cosine):
    sol = lpm_two_group(R)
    assert sol.minority_cosine_mean == pytest.approx(cosine, abs=1e-4)
    assert sol.minority_max_sqdist >= 1e-3 and sol.rank == 9
    assert sol.certificate.passed


@pytest.mark.parametrize("R", [10 ** 1.1, 20.0, 100.0])
def test_lpm_exact_collapse_above_R0(R):
    sol = lpm_two_group(R)
    assert sol.minority_max_sqdist <= 1e-7 and sol.rank == 5
    assert sol.minority_cosine_mean == pytest.approx(1.0, abs=1e-6)
    if R == 20.0:
        assert sol.objective == pytest.approx(0.91194289, abs=1e-7)


def test_lpm_minority_norm_plateau_and_values():
    sol = lpm_two_group(1e3)
    assert sol.minority_norm_sq_mean == pytest.approx(0.0318, abs=1e-4)
    r10 = lpm_two_group(10.0)
    assert r10.minority_max_sqdist == pytest.approx(0.1873, abs=1e-4)
    assert list(r10.minority) == [5, 6, 7, 8, 9]


def test_minority_collapse_curve_and_R0():
    curve = minority_collapse_curve([1.0, 10.0, 12.0, 12.5, 20.0], find_R0=True, R0_xtol=2e-3)
    assert list(curve.collapsed) == [False, False, False, True, True]
    assert list(curve.rank) == [9, 9, 9, 5, 5]
    assert curve.cosine_mean[0] == pytest.approx(-1 / 9, abs=1e-5)
    assert curve.objective[1] == pytest.approx(1.43922371, abs=1e-7)
    assert curve.R0_bracket[0] >= 12.0 and curve.R0_bracket[1] <= 12.5
    assert 12.17 <= curve.R0 <= 12.22
    rows = curve.rows()
    assert len(rows) == 5 and set(rows[0]) >= {"R", "cosine_mean", "max_sqdist", "rank"}
    json.dumps(curve.to_dict())


def test_certify_lpm_rejects_perturbed_and_sample_level():
    sol = lpm_two_group(10.0)
    w = sol.weights
    ok = certify_lpm(sol.W, sol.H, weights=w, E_W=1, E_H=5)
    assert ok.passed
    via = certificates.certify("lpm", W=sol.W, H=sol.H, weights=w, E_W=1, E_H=5)
    assert via.primal_value == ok.primal_value
    rng = np.random.default_rng(1)
    Wp = sol.W + 1e-2 * rng.standard_normal(sol.W.shape)
    Wp *= min(1.0, math.sqrt(10 / np.sum(Wp * Wp)))  # keep it feasible
    bad = certify_lpm(Wp, sol.H, weights=w, E_W=1, E_H=5)
    assert not bad.passed and bad.primal_infeasibility == 0.0 and bad.duality_gap > 1e-6
    # infeasible candidates fail on feasibility
    inf = certify_lpm(1.1 * sol.W, sol.H, weights=w, E_W=1, E_H=5)
    assert not inf.passed and inf.primal_infeasibility > 0.2
    # sample level: counts (3, 3, 3, 3) -> class features repeated per sample
    bal = layer_peeled_model([3] * 4, E_W=1, E_H=5)
    y = labels([3] * 4)
    c = certify_lpm(bal.W, bal.H[y], y, E_W=1, E_H=5)
    assert c.passed and c.primal_value == pytest.approx(bal.objective, rel=1e-6)


def test_lpm_counts_y_weights_agree():
    a = layer_peeled_model([8, 4, 4], E_W=1, E_H=2)
    b = layer_peeled_model(y=labels([8, 4, 4]), E_W=1, E_H=2)
    c = layer_peeled_model(weights=[1, 0.5, 0.5], E_W=1, E_H=2)
    assert a.objective == pytest.approx(b.objective, rel=1e-8)
    assert a.objective == pytest.approx(c.objective, rel=1e-8)
    assert c.mean_loss is None and a.mean_loss == pytest.approx(a.objective * 8 / 16, rel=1e-12)
    assert list(a.minority) == [1, 2]
    json.dumps(a.to_dict())


# ================================================================================================
# GAO-F5: norm-constrained max-min margins
# ================================================================================================

@pytest.mark.parametrize("K", [3, 4, 7])
def test_spherical_max_margin(K):
    sol = spherical_max_margin(K)
    assert sol.objective == pytest.approx(K / (K - 1), abs=1e-6)
    assert sol.margin == pytest.approx(K / (K - 1), abs=1e-6)
    assert sol.certificate.passed and sol.upper_bound >= sol.margin - 1e-12
    assert sol.rank == K - 1 and sol.tight
    assert gram_distance_to_etf(sol.M @ sol.M.T) <= 1e-5
    # control (claim 5): M held at orthonormal rows gives √(K/(K-1)), not K/(K-1)
    fixed = spherical_max_margin(K, fixed_W="orthonormal")
    assert fixed.objective == pytest.approx(math.sqrt(K / (K - 1)), abs=1e-6)
    assert fixed.certificate.passed and fixed.closed_form == pytest.approx(math.sqrt(K / (K - 1)))
    assert abs(fixed.objective - K / (K - 1)) > 1e-2


def test_spherical_relaxation_not_tight_below_rank():
    with pytest.raises(DimensionError):
        spherical_max_margin(4, d=2)  # optimum has rank K-1 = 3: the relaxation is only a bound
    assert spherical_max_margin(4, d=5).M.shape == (4, 5)


def test_spherical_fixed_W_general_matrix():
    K = 3
    from ncbounds.geometry import simplex_etf

    sol = spherical_max_margin(K, fixed_W=simplex_etf(K))  # aligned ETF classifier: K/(K-1)
    assert sol.objective == pytest.approx(1.5, abs=1e-6) and sol.closed_form is None


@pytest.mark.parametrize("counts, value", [([2, 2, 2], 1 / (2 * math.sqrt(2))),
                                           ([3] * 4, 1 / (3 * math.sqrt(3))),
                                           ([2, 1, 1], 0.43649)])
def test_frobenius_max_margin(counts, value):
    sol = frobenius_max_margin(counts)
    tol = 1e-5 if counts == [2, 1, 1] else 1e-6
    assert sol.objective == pytest.approx(value, abs=tol)
    assert sol.margin == pytest.approx(sol.closed_form, abs=1e-7)
    assert sol.certificate.passed and sol.duality_gap <= 1e-7
    if counts == [2, 1, 1]:
        assert 1 / sol.closed_form == pytest.approx(2.29099, abs=1e-5)
    by_labels = frobenius_max_margin(y=labels(counts))
    assert by_labels.objective == pytest.approx(sol.objective, abs=1e-8)


# ================================================================================================
# validation, serialisation, docs
# ================================================================================================

@pytest.mark.parametrize("call, exc, arg", [
    (lambda: regularized_ufm(labels([2, 2]), loss="hinge", lambda_W=1, lambda_H=1), InputError, "loss"),
    (lambda: regularized_ufm(labels([2, 2]), lambda_W=0, lambda_H=1), InputError, "lambda_W"),
    (lambda: regularized_ufm(labels([2, 2]), lambda_W=1, lambda_H=float("nan")), InputError, "lambda_H"),
    (lambda: regularized_ufm(labels([2, 2]), lambda_W=1, lambda_H=1, lambda_b=-1), InputError,
     "lambda_b"),
    (lambda: regularized_ufm(labels([2, 2]), lambda_W=1, lambda_H=1, lambda_b=1, bias=False),
     InputError, "lambda_b"),
    (lambda: regularized_ufm(labels([2, 2]), lambda_W=1, lambda_H=1, penalty="l2"), InputError,
     "penalty"),
    (lambda: regularized_ufm([0, 0, 2], lambda_W=1, lambda_H=1), LabelError, "y"),
    (lambda: regularized_ufm([0.5, 1], lambda_W=1, lambda_H=1), LabelError, "y"),
    (lambda: regularized_ufm(labels([2] * 4), lambda_W=1, lambda_H=1, d=2), DimensionError, "d"),
    (lambda: regularized_ufm(labels([2] * 4), loss="mse", lambda_W=1, lambda_H=1, d=2,
                             method="apg"), DimensionError, "d"),
    (lambda: regularized_ufm(labels([2, 2]), lambda_W=1, lambda_H=1, method="svt"), InputError,
     "method"),
    (lambda: certify_regularized_ufm(np.ones((2, 3)), np.ones((4, 2)), labels([2, 2]),
                                     lambda_W=1, lambda_H=1), ShapeError, "W"),
    (lambda: certify_regularized_ufm(np.ones((2, 2)), np.ones((4, 2)), labels([2, 2]), np.ones(2),
                                     lambda_W=1, lambda_H=1, bias=False), InputError, "b"),
    (lambda: layer_peeled_model(E_W=1, E_H=1), InputError, "counts"),
    (lambda: layer_peeled_model([2, -1], E_W=1, E_H=1), InputError, "counts"),
    (lambda: layer_peeled_model([2, 2], E_W=0, E_H=1), InputError, "E_W"),
    (lambda: layer_peeled_model([2, 2], E_W=1, E_H=1, solver=3), InputError, "solver"),
    (lambda: lpm_two_group(10, K=10, K_A=10), InputError, "K_A"),
    (lambda: minority_collapse_curve([1, -2]), InputError, "R_values"),
    (lambda: spherical_max_margin(1), InputError, "K"),
    (lambda: spherical_max_margin(3, fixed_W=np.ones((2, 3))), ShapeError, "fixed_W"),
    (lambda: spherical_max_margin(3, fixed_W=2 * np.eye(3)), InputError, "fixed_W"),
    (lambda: spherical_max_margin(3, fixed_W="etf"), InputError, "fixed_W"),
    (lambda: frobenius_max_margin([2, 1.5]), InputError, "counts"),
    (lambda: frobenius_max_margin(), InputError, "counts"),
    (lambda: ufm_ce_closed_form(4, 0, 1e-2, 1e-2), InputError, "n"),
    (lambda: ufm_mse_closed_form(4, 3, 1e-2, 1e-2, bias="yes"), InputError, "bias"),
])
def test_bad_inputs_raise_named_errors(call, exc, arg):
    with pytest.raises(exc) as info:
        call()
    assert info.value.argument == arg


def test_results_are_json_ready_and_frozen():
    sol = regularized_ufm(labels([2, 2, 1]), lambda_W=1e-2, lambda_H=1e-2)
    d = sol.to_dict()
    json.dumps(d)
    assert d["certificate"]["problem"] == "ufm" and d["status"] == "optimal"
    with pytest.raises(Exception):
        sol.objective = 0.0
    json.dumps(spherical_max_margin(3).to_dict())


def test_check_false_returns_flagged_result():
    sol = regularized_ufm(labels([4, 4, 3, 1]), lambda_W=1e-2, lambda_H=1e-2, max_iter=1,
                          check=False)
    assert sol.status == "inaccurate" and not sol.certificate.passed
    with pytest.raises(CertificateError):
        regularized_ufm(labels([4, 4, 3, 1]), lambda_W=1e-2, lambda_H=1e-2, max_iter=1)


def test_docstring_examples():
    res = doctest.testmod(ufm, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted >= 3
