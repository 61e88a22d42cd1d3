"""Margin-bound family on instances and trajectories (GAO-T4.4, GAO-C4.5, GAO-F7, GAO-E1, GAO-E2)."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds._results import jsonable
from ncbounds.bounds import evaluate
from ncbounds.bounds import margin as MG
from ncbounds.errors import InputError, NotApplicableError
from ncbounds.geometry import simplex_etf
from ncbounds.metrics import margins


def _ufm_gd(K=4, n=3, d=8, lr=0.5, steps=10000, seed=1, checkpoints=(1, 100, 1000, 3000, 10000)):
    """GAO-F6 protocol: full-batch GD on mean CE of the UFM, N(0, 0.01) init."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(K), n)
    W = 0.1 * rng.standard_normal((K, d))
    H = 0.1 * rng.standard_normal((K * n, d))
    Y = np.eye(K)[y]
    out = []
    for t in range(1, steps + 1):
        Z = H @ W.T
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        G = (P - Y) / len(y)
        W, H = W - lr * G.T @ H, H - lr * G @ W
        if t in checkpoints:
            out.append({"step": t, "W": W.copy(), "H": H.copy()})
    return out, y


@pytest.fixture(scope="module")
def ufm_run():
    return _ufm_gd()


def _tpt_instance(seed=0, K=4, n=5, d=6, noise=0.1):
    rng = np.random.default_rng(seed)
    E = simplex_etf(K, d)
    y = np.repeat(np.arange(K), n)
    H = 2.0 * E[y] + noise * rng.standard_normal((K * n, d))
    return E, H, y


def test_ramp_risk_zero_up_to_p_min_and_positive_above():
    W, H, y = _tpt_instance()
    m = margins(W, H, y)
    assert m.p_min > 0
    for g in (0.1 * m.p_min, 0.5 * m.p_min, m.p_min):
        assert MG.empirical_margin_risk(m.per_sample, g) == 0.0
    assert MG.empirical_margin_risk(m.per_sample, m.p_min * (1 + 1e-6)) > 0


def test_instance_terms_separate_and_dominant():
    W, H, y = _tpt_instance()
    r = MG.evaluate_margin_bound(W, H, y)
    assert r.verdict == "evaluated" and r.applicable and r.tpt and r.gamma_source == "p_min"
    nb = r.norm_based
    assert nb.empirical_risk == 0.0
    assert nb.total == pytest.approx(nb.empirical_risk + nb.complexity + nb.uniformity + nb.confidence, rel=1e-15)
    assert nb.dominant == max(("empirical_risk", "complexity", "uniformity", "confidence"), key=lambda k: getattr(nb, k))
    assert nb.rademacher == pytest.approx(r.B_M * r.B_z / math.sqrt(r.N))
    assert nb.r == pytest.approx(2 * r.B_M * r.B_z)
    # GAO-F7 in its numeric form: complexity = c_K B_M B_z / (gamma sqrt(N)), c_K = 4K
    assert nb.complexity == pytest.approx(4 * r.K * r.B_M * r.B_z / (r.p_min * math.sqrt(r.N)), rel=1e-14)
    assert r.fixed.total == pytest.approx(nb.total)  # the readings coincide at the reference instance
    json.dumps(jsonable(r.to_dict()), allow_nan=False)
    r2 = MG.evaluate_margin_bound(W, H, y, c_K="2K^2", u=0, delta=0.1)
    assert r2.norm_based.uniformity == 0.0 and r2.c_K == 2 * r2.K ** 2


def test_not_applicable_gamma_above_r_and_outside_tpt(ufm_run):
    W, H, y = _tpt_instance()
    r = MG.evaluate_margin_bound(W, H, y, gamma=1e6)
    assert not r.applicable and r.verdict == "N/A" and math.isnan(r.norm_based.total)
    assert "r" in r.reason and np.isfinite(r.norm_based.complexity)  # defined terms are still reported
    with pytest.raises(NotApplicableError):
        MG.margin_bound_terms(10.0, N=10, K=3, rademacher=1.0, r=5.0, strict=True)
    # claim 11 control: the step-1 checkpoint (p_min <= 0) -> N/A, never a number
    cps, yy = ufm_run
    first = MG.evaluate_margin_bound(cps[0]["W"], cps[0]["H"], yy)
    assert first.p_min <= 0 and not first.tpt and first.verdict == "N/A" and math.isnan(first.norm_based.total)


def test_unbounded_class_raises_gao_e2():
    with pytest.raises(NotApplicableError, match="GAO-E2"):
        MG.margin_bound_terms(1.0, N=10, K=3, rademacher=None, r=2.0)
    with pytest.raises(NotApplicableError):
        MG.margin_bound_terms(1.0, N=10, K=3, rademacher=float("inf"), r=2.0)


@pytest.mark.parametrize("c", [2.0, 10.0])
def test_scale_invariance_norm_based_and_fixed_drop(c, ufm_run):
    """GAO-T4.4-SCALE and GAO-E1 on the final GAO-F6 checkpoint."""
    cps, y = ufm_run
    W, H = cps[-1]["W"], cps[-1]["H"]
    base = MG.evaluate_margin_bound(W, H, y)
    big_r = 1e9  # hold r large so both gammas lie in (0, r] in the fixed reading
    base_f = MG.evaluate_margin_bound(W, H, y, r_fixed=big_r)
    sc = MG.evaluate_margin_bound(c * W, c * H, y, rademacher_fixed=base.norm_based.rademacher, r_fixed=big_r)
    assert sc.p_min == pytest.approx(c ** 2 * base.p_min, rel=1e-12)
    assert sc.norm_based.total == pytest.approx(base.norm_based.total, rel=1e-12)
    # fixed Rad: the complexity term drops by exactly 1/c^2 and the invariance assertion fails (control)
    assert sc.fixed.complexity == pytest.approx(base_f.fixed.complexity / c ** 2, rel=1e-12)
    assert abs(sc.fixed.total - base_f.fixed.total) > 1e-6 * base_f.fixed.total
    # c = 1: no change at all
    same = MG.evaluate_margin_bound(W, H, y, rademacher_fixed=base.norm_based.rademacher, r_fixed=big_r)
    assert same.fixed.total == base_f.fixed.total


def _assert_same_traj(a, b):
    np.testing.assert_array_equal(a.steps, b.steps)
    for k in a.terms_norm_based:
        np.testing.assert_array_equal(a.terms_norm_based[k], b.terms_norm_based[k])
        np.testing.assert_array_equal(a.terms_fixed[k], b.terms_fixed[k])


def test_trajectory_formats_and_tpt_behaviour(ufm_run, tmp_path):
    """GAO-C4.5-TPT: R-hat = 0 at gamma = p_min; fixed-Rad bound decreases along the run; both readings."""
    cps, y = ufm_run
    res = MG.evaluate_margin_trajectory(cps, y)
    assert not res.applicable_norm_based[0] and not res.tpt[0]  # step 1
    tpt = res.tpt
    assert tpt[1:].all()
    assert np.all(res.terms_norm_based["empirical_risk"][tpt] == 0.0)
    fx = res.terms_fixed["total"][tpt]
    assert np.all(np.diff(fx) < 0), fx  # with Rad and r held fixed, growing p_min lowers the bound
    assert np.all(np.isfinite(res.terms_norm_based["total"][tpt]))
    assert res.fixed_at == "first_tpt"
    # same answer from the other accepted formats
    stacked = {"W": np.stack([c["W"] for c in cps]), "H": np.stack([c["H"] for c in cps]),
               "steps": [c["step"] for c in cps]}
    _assert_same_traj(res, MG.evaluate_margin_trajectory(stacked, y))
    _assert_same_traj(res, MG.evaluate_margin_trajectory([(c["step"], c["W"], c["H"]) for c in cps], y))

    class Run:
        checkpoints = cps
    _assert_same_traj(res, MG.evaluate_margin_trajectory(Run(), y))
    # plot (Agg, file written)
    path = tmp_path / "margin.png"
    fig = res.plot(path)
    assert path.exists() and path.stat().st_size > 1000 and fig is not None
    json.dumps(jsonable(res.to_dict()), allow_nan=False)
    union = MG.evaluate_margin_trajectory(cps, y, fixed_at="union")
    assert union.rademacher_fixed >= res.rademacher_fixed


def test_trajectory_fixed_features_and_bad_runs():
    W, H, y = _tpt_instance()
    traj = {"W": np.stack([0.5 * W, W, 2 * W]), "H": H}  # fixed features: H shared by all checkpoints
    res = MG.evaluate_margin_trajectory(traj, y)
    assert np.allclose(res.p_min, np.array([0.5, 1, 2]) * res.p_min[1])

    from types import SimpleNamespace
    no_snapshots = SimpleNamespace(records={"step": np.arange(3), "p_min": np.ones(3)}, W=W, H=H, model="ufm")
    with pytest.raises(InputError, match="snapshots"):
        MG.evaluate_margin_trajectory(no_snapshots, y)
    with pytest.raises(InputError):
        MG.evaluate_margin_trajectory({"W": W}, y)
    with pytest.raises(InputError):
        MG.evaluate_margin_bound(W, H, y, c_K="3K")
    with pytest.raises(InputError):
        MG.evaluate_margin_bound(W, H, y, u=2)


def test_no_tpt_checkpoint_means_fixed_reading_na():
    W, H, y = _tpt_instance()
    res = MG.evaluate_margin_trajectory([(0, -W, H), (1, -2 * W, H)], y)
    assert not res.applicable_fixed.any() and not res.applicable_norm_based.any()


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2 ** 31), cW=st.floats(0.1, 10), cH=st.floats(0.1, 10), K=st.integers(2, 6))
def test_norm_based_invariant_under_separate_rescaling(seed, cW, cH, K):
    W, H, y = _tpt_instance(seed=seed, K=K, n=3, d=K + 1, noise=0.05)
    a = MG.evaluate_margin_bound(W, H, y)
    b = MG.evaluate_margin_bound(cW * W, cH * H, y)
    assert a.applicable and b.applicable
    assert b.norm_based.total == pytest.approx(a.norm_based.total, rel=1e-12)
    assert b.norm_based.empirical_risk == 0.0


def test_bound_holds_on_trained_linear_head_digits():
    """Test error <= bound (both readings) for a bias-free softmax head trained by GD on digits pixels.

    The bound is vacuous here (> 1), as expected (gao2023.md §6.2): it is reported, and the trivial
    inequality is checked, never "bound < 1".
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, t = load_digits(return_X_y=True)
    X = X / 16.0
    Xtr, Xte, ytr, yte = train_test_split(X, t, test_size=797, random_state=0, stratify=t)
    K, d = 10, X.shape[1]
    W = np.zeros((K, d))
    Y = np.eye(K)[ytr]
    for _ in range(3000):
        Z = Xtr @ W.T
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        W -= 0.5 * (P - Y).T @ Xtr / len(ytr)
    res = MG.evaluate_margin_bound(W, Xtr, ytr, gamma=1.0)
    test_err = float(np.mean(np.argmax(Xte @ W.T, axis=1) != yte))
    assert res.applicable and test_err <= res.norm_based.total and test_err <= res.fixed.total
    assert res.norm_based.vacuous


def test_cli_entry_point(tmp_path):
    from ncbounds.data import save_features
    W, H, y = _tpt_instance()
    path = save_features(tmp_path / "f.npz", H, y, W)
    r = evaluate("margin", features=path, c_K="4K")
    assert r.verdict == "evaluated"
    from ncbounds.bounds import latex
    assert "tabular" in latex(r) and r"\mathfrak{R}_N" in latex(r)
    a = evaluate("alignment", features=path)
    assert a.K == 4 and "spread" in latex(a)
    with pytest.raises(InputError):
        evaluate("nope")
