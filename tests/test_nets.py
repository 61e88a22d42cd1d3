"""Numpy networks of ncbounds.nets: gradients (Taylor slope 2), exact identities, seeded training."""

import math

import numpy as np
import pytest
from scipy.linalg import hadamard

from ncbounds import nets
from ncbounds.errors import InputError

WIDTHS = [10, 64, 32, 16, 16, 3]


@pytest.mark.parametrize("activation", ["smooth_leaky", "tanh"])
def test_deep_head_gradient_taylor_slope(activation):
    X, Y, _ = nets.r0_data(seed=0)
    Ws = nets.init_deep_head(WIDTHS, seed=5)
    f = lambda x: nets.deep_head_loss(x, X, Y, 2, 0.03, activation)  # noqa: E731
    g = lambda x: nets.deep_head_grad(x, X, Y, 2, 0.03, activation)[1]  # noqa: E731
    assert nets.taylor_remainder_slope(f, g, Ws, seed=1)["slope"] == pytest.approx(2.0, abs=0.05)
    wrong = lambda x: [1.01 * a for a in g(x)]  # noqa: E731  control: a 1% wrong gradient has slope 1
    assert nets.taylor_remainder_slope(f, wrong, Ws, seed=1)["slope"] == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_mean_field_gradient_taylor_slope(activation):
    X, Y, _ = nets.s0_data(seed=0)
    A, U, W = nets.init_mean_field(200, 6, 5, 3, seed=2)
    args = (X, Y, 2.0, 0.05, 0.07, activation)
    f = lambda x: nets.mean_field_objective(*x, *args)  # noqa: E731
    g = lambda x: list(nets.mean_field_gradient(*x, *args))  # noqa: E731
    assert nets.taylor_remainder_slope(f, g, [A, U, W], seed=3)["slope"] == pytest.approx(2.0, abs=0.05)
    wrong = lambda x: [a * (1.0 if i else 1.02) for i, a in enumerate(g(x))]  # noqa: E731
    assert nets.taylor_remainder_slope(f, wrong, [A, U, W], seed=3)["slope"] < 1.5


def test_jacot_gd_balancedness_recursion_and_gradient_identity():
    """JACOT-F3 and JACOT-F2 at a random init (seed 5), one GD step, linear pairs l in {3, 4} (1-based)."""
    X, Y, _ = nets.r0_data(seed=0)
    Ws = nets.init_deep_head(WIDTHS, seed=5)
    lam, eta = 0.37, 0.01
    _, grads, T, _ = nets.deep_head_grad(Ws, X, Y, 2, lam, return_T=True)
    Wn = [W - eta * g for W, g in zip(Ws, grads)]

    def D(Wl, l):  # D_l = W_{l+1}^T W_{l+1} - W_l W_l^T, 1-based l
        return Wl[l].T @ Wl[l] - Wl[l - 1] @ Wl[l - 1].T

    def residual(l):
        pred = (1 - eta * lam) ** 2 * D(Ws, l) + eta ** 2 * (T[l].T @ T[l] - T[l - 1] @ T[l - 1].T)
        return np.linalg.norm(D(Wn, l) - pred) / np.linalg.norm(D(Wn, l))

    for l in (3, 4):
        assert residual(l) < 1e-10
        assert np.linalg.norm(T[l - 1] @ Ws[l - 1].T - Ws[l].T @ T[l]) < 1e-10 * np.linalg.norm(T[l - 1] @ Ws[l - 1].T)
        G = [t + lam * W for t, W in zip(T, Ws)]
        lhs = lam * D(Ws, l)
        assert np.linalg.norm(lhs - (Ws[l].T @ G[l] - G[l - 1] @ Ws[l - 1].T)) < 1e-10 * np.linalg.norm(lhs)
    assert residual(2) > 1e-4  # control: sigma sits between layers 2 and 3


@pytest.mark.parametrize("gamma", [1.0, 3.0])
def test_wu_identity_29(gamma):
    """WU-F2 (29): H = lambda^-1 (D - gamma W R K') exactly, for any (A, U, W) (claim 2 setting)."""
    X, Y, _ = nets.s0_data(q=3, m=4, d=5, seed=0)
    rng = np.random.default_rng(1)
    A = rng.standard_normal((200, 6))
    U = rng.standard_normal((200, 5))
    Q, _ = np.linalg.qr(rng.standard_normal((6, 3)))
    W = 1.7 * Q
    lam = 0.05
    d = nets.mean_field_drifts(A, U, W, X, Y, gamma, lam, lam)
    rhs = (d["D"] - gamma * W @ d["R"] @ d["Kp"]) / lam
    assert np.linalg.norm(d["H"] - rhs) < 1e-10 * np.linalg.norm(d["H"])
    d2 = nets.mean_field_drifts(A, U, W, X, Y, gamma, lam, lam)
    bad = (d2["D"] - gamma * W @ d2["R"] @ d2["Kp"]) / (2 * lam)  # control: 2 lambda
    assert np.linalg.norm(d["H"] - bad) > 1e-3 * np.linalg.norm(d["H"])


def test_activation_a42_and_hadamard():
    act = nets.get_activation("smooth_leaky")
    x = np.linspace(-20, 20, 100001)
    d = act.df(x)
    assert d.min() >= 0.1 and d.max() <= 1 and np.all(np.abs(act.f(x)) <= np.abs(x) + 1e-12)
    assert np.abs(np.diff(d) / np.diff(x)).max() <= 1 + 1e-9
    H8 = hadamard(8).astype(float)
    assert round(np.linalg.norm(act.f(H8), 2), 2) == 3.46 and round(np.linalg.norm(H8, 2), 2) == 2.83
    with pytest.raises(InputError):
        nets.get_activation("swish")


def test_r0_training_is_seeded_and_decreases():
    X, Y, _ = nets.r0_data(seed=0)
    a = nets.train_deep_head(X, Y, widths=WIDTHS, L1=2, steps=2000, record_every=500, checkpoint_at=[1000])
    b = nets.train_deep_head(X, Y, widths=WIDTHS, L1=2, steps=2000, record_every=500)
    c = nets.train_deep_head(X, Y, widths=WIDTHS, L1=2, steps=2000, record_every=500, seed=2)
    np.testing.assert_array_equal(a.records["loss"], b.records["loss"])
    assert a.records["loss"][-1] != c.records["loss"][-1]
    assert np.all(np.diff(a.records["loss"]) < 0) and a.status == "ok"
    assert [cp["step"] for cp in a.checkpoints] == [0, 1000, 2000]
    W, H = a.features()
    assert W.shape == (3, 16) and H.shape == (30, 16)
    assert a.seconds > 0  # timed; timings are measured in benchmarks, never asserted
    with pytest.raises(InputError):
        nets.train_deep_head(X, Y, widths=[10, 64, 3], L1=1, steps=1)  # L2 = 1 < 2


def test_mean_field_noiseless_seeded_and_frozen_w():
    X, Y, _ = nets.s0_data(seed=0)
    kw = dict(N=100, p=6, gamma=2.0, lambda_rho=1e-3, eta=0.2, steps=300, record_every=100, seed=4)
    a = nets.train_mean_field(X, Y, **kw)
    b = nets.train_mean_field(X, Y, **kw)
    np.testing.assert_array_equal(a.A, b.A)
    assert np.all(np.diff(a.records["L_n"]) < 0)
    frozen = nets.train_mean_field(X, Y, train_W=False, **kw)
    np.testing.assert_array_equal(frozen.W, frozen.W0)
    assert np.allclose(frozen.W0.T @ frozen.W0, np.eye(3))  # (A1)
    Wc, Hc = a.features()
    assert Wc.shape == (3, 6) and Hc.shape == (30, 6)
    assert nets.s0_data()[0].shape == (5, 30) and np.linalg.norm(nets.s0_data()[0], axis=0).max() <= 1 + 1e-12
    assert math.isclose(float(np.linalg.norm(nets.r0_data()[0], axis=0).max()), 1.0)


def test_caps_data_and_class_error():
    X, Y, y = nets.caps_data(20, seed=0)
    assert X.shape == (6, 60) and Y.shape == (3, 60) and np.linalg.norm(X, axis=0).max() <= 1.0
    assert np.array_equal(np.argmax(Y, axis=0), y)
    X2, _, _ = nets.caps_data(20, seed=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    Xs, _, _ = nets.caps_data(20, same01=True, seed=0)
    # classes 0 and 1 share cap 0: their means are close, class 2 sits elsewhere
    m = [Xs[:, k * 20:(k + 1) * 20].mean(axis=1) for k in range(3)]
    assert np.linalg.norm(m[0] - m[1]) < 0.2 < np.linalg.norm(m[0] - m[2])
    with pytest.raises(InputError):
        nets.caps_data(0)
    run = nets.train_mean_field(X, Y, N=50, p=4, steps=10, record_every=10, seed=0)
    _, _, out = nets.mean_field_forward(run.A, run.U, run.W, X, run.gamma, run.activation)
    pred = np.argmax(out, axis=0)
    assert run.class_error(X, y) == pytest.approx(np.mean([np.mean(pred[y == k] != k) for k in range(3)]))


def test_train_mean_field_sgd_full_batch_equals_gd():
    """One batch per epoch (batch = n) and no noise: minibatch SGD is full-batch GD step for step, so it must
    land on train_mean_field's parameters; the records are full-batch measurements."""
    X, Y, y = nets.s0_data(q=3, m=8, d=5, seed=1)
    kw = dict(N=40, p=5, gamma=1.0, lambda_rho=1e-3, train_W=True, seed=3)
    gd = nets.train_mean_field(X, Y, eta=0.3, steps=7, record_every=7, **kw)
    sgd = nets.train_mean_field_sgd(X, Y, eta=0.3, epochs=7, batch_size=X.shape[1], record_every=7,
                                    X_test=X, y_test=y, **kw)
    assert sgd.steps == 7 and sgd.status == "ok"
    # the permutation reorders the columns of the full batch only: equal up to summation order
    for a, b in ((gd.A, sgd.A), (gd.U, sgd.U), (gd.W, sgd.W)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert list(sgd.records["epoch"]) == [0, 7]
    assert sgd.records["L_n"][-1] == pytest.approx(gd.records["L_n"][-1], rel=1e-9)
    assert sgd.records["test_error"][-1] == pytest.approx(sgd.class_error(X, y))
    frozen = nets.train_mean_field_sgd(X, Y, eta=lambda ep: 0.3 / ep, epochs=3, batch_size=5, train_W=False,
                                      N=40, p=5, seed=3)
    np.testing.assert_array_equal(frozen.W, frozen.W0)
    np.testing.assert_allclose(frozen.records["eta"], [0.3, 0.3, 0.15, 0.1], rtol=1e-15)
    with pytest.raises(InputError):
        nets.train_mean_field_sgd(X, Y, epochs=0)
    with pytest.raises(InputError):
        nets.train_mean_field_sgd(X, Y, X_test=X)


def test_fast_tanh_matches_numpy_to_a_few_ulp():
    rng = np.random.default_rng(0)
    act = nets.get_activation("tanh")
    for scale in (1e-3, 0.1, 1.0, 5.0, 50.0):
        x = scale * rng.standard_normal((300, 7))
        t, dt = act.both(x)
        ref = np.tanh(x)
        assert np.all(np.abs(t - ref) <= 4 * np.spacing(np.abs(ref)) + 1e-300)  # measured: at most 3 ulp
        np.testing.assert_allclose(dt, 1 - ref * ref, rtol=1e-12, atol=1e-15)  # 1 − t² cancels near |t| = 1
    edge = np.array([0.0, -0.0, 1e-300, -1e-20, 0.35, -0.35, 20.0, -400.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(act.both(edge)[0], np.tanh(edge))
    assert np.signbit(act.both(np.array([-0.0]))[0][0])
