"""Digits trainer (ncbounds.nets.train_digits), the ANOVA permutation test (ncbounds.stats) and the
digits claims of proofs_check.digits_claims (gao2023.md §6.2, ji2022.md §6 X2)."""

import numpy as np
import pytest

from ncbounds import nets
from ncbounds.errors import InputError, LabelError, ShapeError
from ncbounds.geometry import permutation_matrix, simplex_etf
from ncbounds.stats import anova_f_statistic, anova_permutation_test
from proofs_check import registry

# ------------------------------------------------------------------------------------------------
# trainer
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_run():
    return nets.train_digits(4, epochs=3, lr=0.02, init_seed=1, order_seed=2, checkpoints=(0, 1, 3))


def test_shapes_and_records(tiny_run):
    r = tiny_run
    assert r.status == "ok"
    assert list(r.records["epoch"]) == [0, 1, 3]
    for k in ("train_acc", "test_acc", "train_ce", "p_min", "nu_net", "W_fro", "min_angle_W", "coherence_W",
              "nc1", "equinorm_H", "maxangle_H", "nc3", "nc4", "sel_distance"):
        assert r.records[k].shape == (3,) and np.all(np.isfinite(r.records[k])), k
    # GAO-F1 exact inversions bracket p_min (the lower one is -inf while N·L overflows expm1)
    R = r.records
    assert np.all(R["p_min_lower"] <= R["p_min"] + 1e-9) and np.all(R["p_min"] <= R["p_min_upper"] + 1e-9)
    s = r.snapshot(3)
    assert s["W"].shape == (10, 4) and s["H_train"].shape == (1000, 4) and s["H_test"].shape == (797, 4)
    assert s["A"].shape == (64, 64) and s["V"].shape == (4, 64) and s["b"] is None
    assert r.logits().shape == (797, 10)
    # snapshot features are those of the stored parameters
    Xtr, _, _, _ = nets.digits_data()
    np.testing.assert_allclose(nets.digits_features(r.params, Xtr), s["H_train"], atol=1e-12)
    # TPT flag is exactly p_min > 0; the train CE sits inside the GAO-F1 interval
    assert np.array_equal(r.records["tpt"] > 0, r.records["p_min"] > 0)
    d = r.to_dict()
    assert d["settings"]["classifier"] == "learnable" and "snapshots" not in d
    assert r.settings["trained"] == ("A", "V", "W")


def test_determinism_and_seed_separation(tiny_run):
    again = nets.train_digits(4, epochs=3, lr=0.02, init_seed=1, order_seed=2, checkpoints=(0, 1, 3))
    for k in ("A", "V", "W"):
        assert np.array_equal(again.params[k], tiny_run.params[k])
    other_order = nets.train_digits(4, epochs=3, lr=0.02, init_seed=1, order_seed=3, full_metrics=False)
    assert np.array_equal(other_order.params0["V"], tiny_run.params0["V"])  # same init
    assert not np.array_equal(other_order.params["V"], tiny_run.params["V"])  # different batches
    other_init = nets.train_digits(4, epochs=0, init_seed=2, full_metrics=False)
    assert not np.array_equal(other_init.params0["A"], tiny_run.params0["A"])


def _tiny_problem(seed=0, bias=True):
    rng = np.random.default_rng(seed)
    X = rng.random((12, 6))
    y = np.arange(12) % 4
    params = {"A": rng.normal(size=(5, 6)), "V": rng.normal(size=(3, 5)),
              "b": rng.normal(size=3) if bias else None, "W": rng.normal(size=(4, 3))}
    return params, X, y


@pytest.mark.parametrize("activation", ["identity", "relu"])
def test_gradient_central_differences(activation):
    params, X, y = _tiny_problem(seed=1)
    loss, g = nets.digits_loss_grad(params, X, y, activation)
    h = 1e-6
    for k in ("A", "V", "b", "W"):
        num = np.zeros_like(params[k])
        for idx in np.ndindex(params[k].shape):
            for sgn in (1, -1):
                q = {kk: (None if v is None else v.copy()) for kk, v in params.items()}
                q[k][idx] += sgn * h
                num[idx] += sgn * nets.digits_loss_grad(q, X, y, activation)[0] / (2 * h)
        np.testing.assert_allclose(g[k], num, rtol=1e-6, atol=1e-8, err_msg=k)


def test_gradient_taylor_slope():
    params, X, y = _tiny_problem(seed=2, bias=True)
    keys = ("A", "V", "b", "W")

    def f(x):
        return nets.digits_loss_grad(dict(zip(keys, x)), X, y, "identity")[0]

    def grad(x):
        g = nets.digits_loss_grad(dict(zip(keys, x)), X, y, "identity")[1]
        return [g[k] for k in keys]

    x0 = [params[k] for k in keys]
    assert nets.taylor_remainder_slope(f, grad, x0, seed=0)["slope"] == pytest.approx(2.0, abs=0.05)


def test_fixed_classifier_stays_fixed_and_frozen_backbone():
    W = permutation_matrix([1, 0, 2, 3, 4, 5, 6, 7, 8, 9]) @ simplex_etf(10, 10)
    r = nets.train_digits(10, epochs=2, lr=0.05, weight_decay=5e-4, W_fixed=W, activation="relu",
                          freeze=("A",), checkpoints=(0, 1, 2), full_metrics=False)
    assert np.array_equal(r.params["W"], W)
    assert all(np.array_equal(s["W"], W) for s in r.snapshots)
    assert np.array_equal(r.params["A"], r.params0["A"])
    assert not np.array_equal(r.params["V"], r.params0["V"])
    assert r.settings["classifier"] == "fixed" and r.settings["trained"] == ("V",)


def test_explicit_init_is_used():
    base = nets.init_digits(4, seed=3)
    r = nets.train_digits(4, epochs=0, init={"V": 2 * base["V"]}, init_seed=3, full_metrics=False)
    assert np.array_equal(r.params0["V"], 2 * base["V"]) and np.array_equal(r.params0["A"], base["A"])


def test_one_sgd_step_matches_heavy_ball_formula():
    """Batch = whole set, 2 epochs: θ₂ = θ₁ − lr(μ g₀ + g₁) with g the full-batch gradient + wd θ."""
    params, X, y = _tiny_problem(seed=4, bias=False)
    data = (X, y, X, y)
    lr, mu, wd = 0.1, 0.9, 0.01
    r = nets.train_digits(3, epochs=2, lr=lr, momentum=mu, weight_decay=wd, batch_size=12, data=data,
                          width=5, init=params, full_metrics=False)
    p = {k: (None if v is None else v.copy()) for k, v in params.items()}
    buf = {k: 0.0 for k in ("A", "V", "W")}
    for _ in range(2):
        g = nets.digits_loss_grad(p, X, y)[1]
        for k in buf:
            buf[k] = mu * buf[k] + g[k] + wd * p[k]
            p[k] = p[k] - lr * buf[k]
    for k in buf:
        np.testing.assert_allclose(r.params[k], p[k], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kwargs, err", [
    (dict(activation="tanh"), InputError),
    (dict(W_fixed=np.zeros((10, 3))), ShapeError),
    (dict(W_fixed=np.full((10, 4), np.nan)), InputError),
    (dict(freeze=("B",)), InputError),
    (dict(checkpoints=(5,)), InputError),
    (dict(lr=-1.0), InputError),
    (dict(momentum=1.0), InputError),
    (dict(batch_size=0), InputError),
    (dict(epochs=-1), InputError),
    (dict(init={"b": np.zeros(4)}), InputError),
    (dict(init={"V": np.zeros((3, 64))}), ShapeError),
    (dict(init={"Z": 1}), InputError),
    (dict(data=(np.zeros((4, 6)), np.array([0, 1, 2, 5]), np.zeros((2, 6)), np.array([0, 1])), K=None), LabelError),
])
def test_bad_input_raises_named_errors(kwargs, err):
    kwargs = dict(kwargs)
    kwargs.pop("K", None)
    kwargs.setdefault("epochs", 2)
    if "data" in kwargs:
        kwargs["batch_size"] = 2
    with pytest.raises(err):
        nets.train_digits(4, full_metrics=False, **kwargs)


# ------------------------------------------------------------------------------------------------
# ANOVA permutation test
# ------------------------------------------------------------------------------------------------

def test_anova_null_and_planted():
    rng = np.random.default_rng(1)
    Y = 95 + rng.normal(0, 3, size=8)[None, :] + rng.normal(0, 0.2, size=(4, 8))
    null = anova_permutation_test(Y, n_permutations=4999, seed=1)
    assert null.df == (3, 21) and null.p_value > 0.05 and null.p_parametric > 0.05
    Y2 = Y.copy()
    Y2[1] += 2.0
    planted = anova_permutation_test(Y2, n_permutations=4999, seed=1)
    assert planted.p_value <= 2.0 / 5000 and planted.p_parametric < 1e-6
    assert planted.F > 100 * null.F


def test_anova_permutation_p_is_calibrated_under_the_null():
    """Null tables with block effects: P(p <= 0.05) ≈ 0.05 (300 tables; 4σ binomial band)."""
    rng = np.random.default_rng(2)
    ps = np.array([anova_permutation_test(rng.normal(0, 1, size=(4, 8)) + rng.normal(0, 5, size=8),
                                          n_permutations=199, seed=i).p_value for i in range(300)])
    rate = float(np.mean(ps <= 0.05))
    assert abs(rate - 0.05) <= 4 * np.sqrt(0.05 * 0.95 / 300), rate


def test_anova_invariances_and_formula():
    rng = np.random.default_rng(5)
    Y = rng.normal(size=(3, 6))
    F = anova_f_statistic(Y)
    # block effects and a global shift/scale do not change F
    assert anova_f_statistic(2.5 * Y + rng.normal(size=6)[None, :] + 7) == pytest.approx(F, rel=1e-10)
    # textbook formula
    a, b = Y.shape
    g = Y.mean()
    sst = b * ((Y.mean(1) - g) ** 2).sum()
    ssb = a * ((Y.mean(0) - g) ** 2).sum()
    sse = ((Y - g) ** 2).sum() - sst - ssb
    assert F == pytest.approx((sst / (a - 1)) / (sse / ((a - 1) * (b - 1))), rel=1e-12)
    # seeded: same seed, same p
    assert anova_permutation_test(Y, seed=3).p_value == anova_permutation_test(Y, seed=3).p_value
    with pytest.raises(ShapeError):
        anova_permutation_test(np.zeros((1, 5)))
    with pytest.raises(InputError):
        anova_permutation_test(Y, n_permutations=0)


# ------------------------------------------------------------------------------------------------
# claims (each non-slow digits claim run once)
# ------------------------------------------------------------------------------------------------

DEFAULT_IDS = ["GAO-T4.1-DIGITS", "GAO-E6", "JI-X2-DIGITS", "GAO-F12-SYMMETRY"]


@pytest.fixture(scope="module")
def digits_report():
    claims = [registry.get(i) for i in DEFAULT_IDS]
    assert all(c.cost != "slow" for c in claims)
    return registry.run(claims, registry.Context(seed=0))


@pytest.mark.parametrize("cid", DEFAULT_IDS)
def test_digits_claim_check_passes_and_control_does_not(digits_report, cid):
    r = next(x for x in digits_report.results if x.id == cid)
    assert r.check.verdict == registry.PASS, r.check.message
    assert r.control.verdict in (registry.FAIL, registry.NA), r.control.message


def test_slow_claims_registered_as_slow():
    for cid in ("GAO-ABS3-PERMTEST", "GAO-E7"):
        c = registry.get(cid)
        assert c.cost == "slow" and c.paper == "gao2023"
    assert registry.get("JI-X2-DIGITS").paper == "ji2022"


def test_planted_control_of_permtest_fails():
    ev = registry.get("GAO-ABS3-PERMTEST").run_control(registry.Context(seed=0))
    assert ev.verdict == registry.FAIL and ev.measured["planted: p parametric"] < 1e-6


def test_stats_doctests():
    import doctest

    from ncbounds import stats

    res = doctest.testmod(stats, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0
