"""Tests of ncbounds.data: generators, the spec's named instances, digits, file round trips, errors."""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys

import numpy as np
import pytest

from ncbounds import data
from ncbounds.data import (
    Instance,
    class_labels,
    etf_features,
    gaussian_mixture,
    imbalanced_counts,
    load_digits_features,
    load_features,
    save_features,
    sep_a,
    ulpm_init,
)
from ncbounds.errors import DimensionError, InputError, LabelError, ShapeError
from ncbounds.geometry import random_rotation, simplex_etf

# --------------------------------------------------------------------------------------------------
# Instance
# --------------------------------------------------------------------------------------------------


def test_instance_converts_and_freezes():
    H = [[1, 0], [0, 1], [-1, 0], [0, -1]]
    inst = Instance(H=H, y=[0, 1, 1, 2], W=np.eye(3, 2), b=[0, 1, 2], name="toy", meta={"a": 1})
    assert inst.H.dtype == np.float64 and inst.H.shape == (4, 2)
    assert inst.y.dtype == np.int64 and inst.K == 3
    assert inst.W.dtype == np.float64 and inst.b.dtype == np.float64
    assert inst.counts.tolist() == [1, 2, 1] and inst.counts.dtype == np.int64
    assert (inst.N, inst.d) == (4, 2) and not inst.balanced
    np.testing.assert_array_equal(inst.logits, inst.H @ inst.W.T + inst.b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        inst.K = 4
    with pytest.raises(ValueError):
        inst.H[0, 0] = 5.0  # arrays are read-only
    json.dumps(inst.to_dict())
    assert "toy" in repr(inst) and "counts=[1, 2, 1]" in repr(inst)


def test_instance_copies_input():
    H = np.zeros((2, 2))
    inst = Instance(H=H, y=[0, 1])
    H[0, 0] = 1.0
    assert inst.H[0, 0] == 0.0 and H.flags.writeable


def test_instance_replace_revalidates():
    inst = etf_features(3, 2)
    assert inst.replace(W=None).W is None
    with pytest.raises(ShapeError, match="W"):
        inst.replace(W=np.zeros((3, 5)))
    inst2 = inst.replace(name="x", b=np.ones(3))
    assert inst2.name == "x" and inst2.b.shape == (3,)
    with pytest.raises(InputError, match="no classifier"):
        _ = inst.replace(W=None).logits


@pytest.mark.parametrize(
    "kwargs, err, word",
    [
        (dict(H=[[np.nan, 0.0], [1.0, 1.0]], y=[0, 1]), InputError, "H"),
        (dict(H=[1.0, 2.0], y=[0, 1]), ShapeError, "H"),
        (dict(H=np.zeros((3, 2)), y=[0, 1]), ShapeError, "y"),
        (dict(H=np.zeros((2, 2)), y=[0, 3], K=3), LabelError, "y"),
        (dict(H=np.zeros((2, 2)), y=[0, 2]), LabelError, "empty"),
        (dict(H=np.zeros((2, 2)), y=[0, 1], W=np.zeros((2, 3))), ShapeError, "W"),
        (dict(H=np.zeros((2, 2)), y=[0, 1], W=np.zeros((2, 2)), b=np.zeros(3)), ShapeError, "b"),
        (dict(H=np.zeros((2, 2)), y=[0, 1], b=np.zeros(2)), InputError, "b"),
        (dict(H=np.zeros((2, 2)), y=[0, 1], K=1), InputError, "K"),
        (dict(H=np.zeros((2, 2)), y=[0, 1], meta=[1]), InputError, "meta"),
    ],
)
def test_instance_rejects_bad_input(kwargs, err, word):
    with pytest.raises(err, match=word):
        Instance(**kwargs)


# --------------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------------

GENERATORS = {
    "gaussian_mixture": lambda seed: gaussian_mixture(3, 4, 5, seed=seed),
    "gaussian_mixture_random": lambda seed: gaussian_mixture(4, [3, 2, 1, 5], 2, means="random", seed=seed),
    "etf_features": lambda seed: etf_features(3, 4, 5, noise=0.1, rotation="random", seed=seed),
    "ulpm_init": lambda seed: ulpm_init(4, 3, 6, s=0.5, seed=seed),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators_reproducible_and_seed_dependent(name):
    gen = GENERATORS[name]
    a, b, c = gen(0), gen(0), gen(1)
    np.testing.assert_array_equal(a.H, b.H)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.allclose(a.H, c.H)
    # a Generator seed is accepted and consumed
    rng = np.random.default_rng(0)
    g1, g2 = gen(rng), gen(rng)
    assert not np.allclose(g1.H, g2.H)
    np.testing.assert_array_equal(g1.H, a.H)
    json.dumps(a.to_dict())  # meta is JSON-ready through to_dict


@pytest.mark.parametrize(
    "n, counts", [(4, [4, 4, 4]), ([5, 1, 2], [5, 1, 2]), (np.array([2, 3, 1]), [2, 3, 1])]
)
def test_gaussian_mixture_shapes_counts_sorted(n, counts):
    inst = gaussian_mixture(3, n, 4, seed=0)
    N = sum(counts)
    assert inst.H.shape == (N, 4) and inst.H.dtype == np.float64
    assert inst.y.shape == (N,) and inst.y.dtype == np.int64
    assert inst.counts.tolist() == counts and inst.K == 3 and inst.W is None
    assert np.all(np.diff(inst.y) >= 0)  # sorted by class


def test_gaussian_mixture_means_and_noise():
    inst0 = gaussian_mixture(4, 3, 5, separation=2.0, noise=0.0, seed=3)
    M = 2.0 * simplex_etf(4, 5)
    np.testing.assert_array_equal(inst0.meta["means"], M)
    np.testing.assert_array_equal(inst0.H, M[inst0.y])
    # the noise matrix does not depend on the noise level: H is affine in noise for one seed
    inst1 = gaussian_mixture(4, 3, 5, separation=2.0, noise=1.0, seed=3)
    inst2 = gaussian_mixture(4, 3, 5, separation=2.0, noise=2.0, seed=3)
    np.testing.assert_allclose(inst2.H - inst0.H, 2 * (inst1.H - inst0.H), atol=1e-12)
    # independent reference for the draws: no randomness is spent on ETF means
    Z = np.random.default_rng(3).normal(size=(12, 5))
    np.testing.assert_allclose(inst1.H, M[inst1.y] + Z, atol=1e-15)
    # random means have norm `separation` and work for d < K - 1
    r = gaussian_mixture(5, 2, 2, separation=1.5, means="random", seed=0)
    np.testing.assert_allclose(np.linalg.norm(r.meta["means"], axis=1), 1.5)
    # given means
    g = gaussian_mixture(2, 1, 2, means=[[1, 0], [0, 1]], noise=0.0)
    np.testing.assert_array_equal(g.H, np.eye(2))


def test_gaussian_mixture_errors():
    with pytest.raises(DimensionError, match="d"):
        gaussian_mixture(5, 2, 3)  # ETF means need d >= K-1
    with pytest.raises(InputError, match="means"):
        gaussian_mixture(3, 2, 3, means="sphere")
    with pytest.raises(ShapeError, match="means"):
        gaussian_mixture(3, 2, 3, means=np.zeros((2, 3)))
    with pytest.raises(InputError, match="noise"):
        gaussian_mixture(3, 2, 3, noise=-1.0)
    with pytest.raises(InputError, match="separation"):
        gaussian_mixture(3, 2, 3, separation=0.0)
    with pytest.raises(ShapeError, match="n"):
        gaussian_mixture(3, [2, 2], 3)
    with pytest.raises(LabelError, match="n"):
        gaussian_mixture(3, [2, 0, 2], 3)
    with pytest.raises(InputError, match="n"):
        gaussian_mixture(3, 2.5, 3)
    with pytest.raises(InputError, match="seed"):
        gaussian_mixture(3, 2, 3, seed="zero")


def test_class_labels():
    assert class_labels(3, 2).tolist() == [0, 0, 1, 1, 2, 2]
    assert class_labels(3, [2, 1, 3]).tolist() == [0, 0, 1, 2, 2, 2]
    assert class_labels(2, [1.0, 2.0]).dtype == np.int64


def test_imbalanced_counts():
    c = imbalanced_counts(10, 5, 100, 10)
    assert c.dtype == np.int64 and c.tolist() == [100] * 5 + [10] * 5
    assert imbalanced_counts(4, 4, 3, 1).tolist() == [3, 3, 3, 3]  # K_A = K: balanced
    assert imbalanced_counts(3, 1, 10, 3, rounding=True).tolist() == [10, 3, 3]
    assert imbalanced_counts(3, 1, 10, 100, rounding=True).tolist() == [10, 1, 1]
    inst = gaussian_mixture(5, imbalanced_counts(5, 2, 6, 3), 4, seed=0)
    assert inst.counts.tolist() == [6, 6, 2, 2, 2]
    with pytest.raises(InputError, match="R"):
        imbalanced_counts(3, 1, 10, 3)  # 10/3 is not an integer
    with pytest.raises(InputError, match="R"):
        imbalanced_counts(3, 1, 10, 0.5)
    with pytest.raises(InputError, match="R"):
        imbalanced_counts(3, 1, 10, 20)  # minority would be empty
    with pytest.raises(InputError, match="K_A"):
        imbalanced_counts(3, 0, 10, 2)
    with pytest.raises(InputError, match="n_A"):
        imbalanced_counts(3, 1, 0, 2)


@pytest.mark.parametrize("K, n, d", [(2, 3, None), (3, [2, 1, 4], 2), (4, 2, 7), (10, 1, 9)])
def test_etf_features_noise_free_rows_equal_frame(K, n, d):
    inst = etf_features(K, n, d, scale=1.0)
    E = simplex_etf(K, d)
    np.testing.assert_array_equal(inst.W, E)
    np.testing.assert_array_equal(inst.H, E[inst.y])  # bit for bit
    assert inst.b is None and inst.d == (K - 1 if d is None else d)
    scaled = etf_features(K, n, d, scale=2.5)
    np.testing.assert_array_equal(scaled.H, 2.5 * E[inst.y])
    np.testing.assert_array_equal(scaled.W, E)


def test_etf_features_rotation_and_noise():
    Q = random_rotation(5, seed=7)
    inst = etf_features(3, 2, 5, rotation=Q)
    np.testing.assert_allclose(inst.W, simplex_etf(3, 5) @ Q, atol=1e-15)
    np.testing.assert_array_equal(inst.H, inst.W[inst.y])
    # random rotation is drawn first, then the noise, both from the seed
    rng = np.random.default_rng(11)
    Q2 = random_rotation(5, seed=rng)
    Z = rng.normal(size=(6, 5))
    r = etf_features(3, 2, 5, noise=0.2, scale=3.0, rotation="random", seed=11)
    E = simplex_etf(3, 5) @ Q2
    np.testing.assert_allclose(r.W, E, atol=1e-15)
    np.testing.assert_allclose(r.H, 3.0 * E[r.y] + 0.2 * Z, atol=1e-14)
    with pytest.raises(DimensionError):
        etf_features(4, 2, 2)
    with pytest.raises(InputError, match="rotation"):
        etf_features(3, 2, 3, rotation=np.ones((3, 3)))
    with pytest.raises(InputError, match="scale"):
        etf_features(3, 2, scale=-1.0)


def test_sep_a_matches_spec_recipe():
    """classic.md §4 claim 7, recomputed here straight from the spec's recipe."""
    inst = sep_a()
    rng = np.random.default_rng(0)
    mu = np.array([[3 * np.cos(2 * np.pi * k / 3), 3 * np.sin(2 * np.pi * k / 3), 0.0, 0.0]
                   for k in range(3)])
    y = np.repeat(np.arange(3), 10)
    H = mu[y] + 0.3 * rng.normal(size=(30, 4))
    assert inst.name == "SEP-A" and inst.K == 3 and inst.H.shape == (30, 4)
    np.testing.assert_array_equal(inst.y, y)
    np.testing.assert_allclose(inst.H[:3], H[:3], rtol=0, atol=1e-15)  # first rows
    np.testing.assert_allclose(inst.H, H, rtol=0, atol=1e-15)
    # the spec quotes eta = 1/||H||_op^2 = 0.0073133 on this instance
    assert abs(1.0 / np.linalg.norm(inst.H, 2) ** 2 - 0.0073133) < 5e-8


def test_ulpm_init_matches_spec_recipe():
    """ji2022.md §4 preamble: W drawn first as (K, d), then H^T as (d, N)."""
    inst = ulpm_init(4, 3, 6, s=0.5, seed=0)
    rng = np.random.default_rng(0)
    W = 0.5 * rng.normal(size=(4, 6))
    Ht = 0.5 * rng.normal(size=(6, 12))
    np.testing.assert_array_equal(inst.W, W)
    np.testing.assert_array_equal(inst.H, Ht.T)
    np.testing.assert_array_equal(inst.y, np.repeat(np.arange(4), 3))
    assert inst.b is None and inst.H.flags.c_contiguous
    imb = ulpm_init(3, [4, 4, 1], 4, s=1.0, seed=1)
    assert imb.counts.tolist() == [4, 4, 1] and imb.W.shape == (3, 4)
    assert ulpm_init(4, 1, 2, s=1.0, seed=0).d == 2  # d < K-1 allowed (JI-T2.5)
    with pytest.raises(InputError, match="s"):
        ulpm_init(3, 2, 4, s=0.0, seed=0)


def test_ulpm_init_reproduces_ji_conservation_number():
    """JI-T1.2-CONSERVE (ji2022.md §4 claim 5): K=3, n=2, d=4, seed 1, s=0.5, plain GD on the
    summed CE, eta=1e-2 for total time 20; the spec measures drift ||Δ(WᵀW − HᵀH)||_F = 2.6128e-2,
    which depends on the exact initial draw order."""
    inst = ulpm_init(3, 2, 4, s=0.5, seed=1)
    W, H = inst.W.copy(), inst.H.copy()
    Y = np.eye(3)[:, inst.y]
    D0 = W.T @ W - H.T @ H
    for _ in range(2000):
        X = W @ H.T
        S = np.exp(X - X.max(axis=0))
        G = S / S.sum(axis=0) - Y
        W, H = W - 1e-2 * G @ H, H - 1e-2 * G.T @ W
    assert abs(np.linalg.norm(W.T @ W - H.T @ H - D0) - 2.6128e-2) < 5e-6


# --------------------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_digits_full(no_network):
    inst = load_digits_features(split=False)
    assert inst.H.shape == (1797, 64) and inst.K == 10 and inst.y.shape == (1797,)
    assert inst.H.min() == 0.0 and inst.H.max() == 1.0  # pixels 0..16 divided by 16
    raw = load_digits_features(split=False, scale=False)
    np.testing.assert_array_equal(raw.H / 16.0, inst.H)
    assert raw.H.max() == 16.0


def test_digits_split(no_network):
    tr, te = load_digits_features()
    assert tr.H.shape == (1347, 64) and te.H.shape == (450, 64)  # ji2022.md §6 X2 split
    assert tr.K == te.K == 10
    assert tr.counts.min() == 131 and tr.counts.max() == 137  # stratified, as the spec records
    json.dumps(te.to_dict()["meta"])
    tr2, _ = load_digits_features()
    np.testing.assert_array_equal(tr.H, tr2.H)  # seeded
    tr3, te3 = load_digits_features(test_size=797, stratify=False)  # gao2023.md §6.2 sizes
    assert tr3.N == 1000 and te3.N == 797
    trs, tes = load_digits_features(standardize=True)
    np.testing.assert_allclose(trs.H.mean(axis=0), 0.0, atol=1e-12)
    sd = trs.H.std(axis=0)
    assert np.all((np.abs(sd - 1) < 1e-9) | (sd == 0))
    with pytest.raises(InputError, match="test_size"):
        load_digits_features(test_size=1.5)
    with pytest.raises(InputError, match="test_size"):
        load_digits_features(test_size=5)  # stratified test set smaller than K


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path):
    inst = etf_features(4, [3, 2, 2, 1], 5, noise=0.3, seed=0).replace(b=np.arange(4.0))
    p = save_features(tmp_path / "f.npz", inst.H, inst.y, inst.W, inst.b)
    back = load_features(p)
    for f in ("H", "y", "W", "b"):
        np.testing.assert_array_equal(getattr(back, f), getattr(inst, f))
    assert back.K == 4 and back.name == "f" and back.y.dtype == np.int64
    # from an Instance, uncompressed, without W
    p2 = save_features(tmp_path / "g.npz", sep_a(), compressed=False)
    back2 = load_features(str(p2))
    np.testing.assert_array_equal(back2.H, sep_a().H)
    assert back2.W is None and back2.b is None


def test_load_plain_npz_and_K_key(tmp_path):
    p = tmp_path / "plain.npz"
    np.savez(p, H=np.eye(3), y=np.array([0, 1, 2]), extra=np.ones(2))
    inst = load_features(p)
    assert inst.K == 3 and inst.meta["ignored_keys"] == ["extra"]
    # K key: labels skipping class 3 are refused, naming the key
    q = tmp_path / "k.npz"
    np.savez(q, H=np.eye(3), y=np.array([0, 1, 2]), K=4)
    with pytest.raises(LabelError, match=r"k\.npz: key 'y'.*\[3\]"):
        load_features(q)
    # float labels that are exactly integral are fine
    r = tmp_path / "f.npz"
    np.savez(r, H=np.eye(2), y=np.array([0.0, 1.0]))
    assert load_features(r).y.dtype == np.int64


def test_load_npy_with_labels(tmp_path):
    p = tmp_path / "h.npy"
    np.save(p, np.arange(8.0).reshape(4, 2))
    inst = load_features(p, y=[0, 0, 1, 1])
    assert inst.H.shape == (4, 2) and inst.K == 2
    with pytest.raises(InputError, match="y="):
        load_features(p)
    obj = tmp_path / "obj.npy"
    np.save(obj, np.array({"H": 1}, dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match="obj.npy"):
        load_features(obj, y=[0, 1])


def _npz(tmp_path, name="bad.npz", **arrays):
    p = tmp_path / name
    np.savez(p, **arrays)
    return p


@pytest.mark.parametrize(
    "arrays, err, pattern",
    [
        (dict(y=np.array([0, 1])), InputError, "missing key 'H'"),
        (dict(H=np.eye(2)), InputError, "missing key 'y'"),
        (dict(H=np.array([[np.nan, 0], [0, 1]]), y=np.array([0, 1])), InputError, "key 'H'.*NaN"),
        (dict(H=np.array([[np.inf, 0], [0, 1]]), y=np.array([0, 1])), InputError, "key 'H'"),
        (dict(H=np.eye(2), y=np.array([0, 2]), K=2), LabelError, "key 'y'.*0..1"),
        (dict(H=np.eye(2), y=np.array([-1, 1])), LabelError, "key 'y'"),
        (dict(H=np.eye(2), y=np.array([0.5, 1.0])), LabelError, "key 'y'"),
        (dict(H=np.ones(2), y=np.array([0, 1])), ShapeError, "key 'H'.*2-D"),
        (dict(H=np.eye(3), y=np.array([0, 1])), ShapeError, "key 'y'.*length 3"),
        (dict(H=np.eye(2), y=np.array([0, 1]), W=np.zeros((2, 3))), ShapeError, "key 'W'.*d=2"),
        (dict(H=np.eye(2), y=np.array([0, 1]), W=np.zeros((3, 2))), LabelError, "key 'y'"),
        (dict(H=np.eye(2), y=np.array([0, 1]), W=np.eye(2), b=np.zeros(3)), ShapeError, "key 'b'"),
        (dict(H=np.eye(2), y=np.array([0, 1]), b=np.zeros(2)), InputError, "key 'b'.*without key 'W'"),
        (dict(H=np.eye(2), y=np.array([0, 1]), K=np.array([2, 3])), InputError, "key 'K'"),
        (dict(H=np.eye(2), y=np.array([0, 1]), K=1), InputError, "key 'K'"),
        (dict(H=np.array([["a", "b"], ["c", "d"]]), y=np.array([0, 1])), InputError, "key 'H'"),
    ],
)
def test_load_features_bad_inputs(tmp_path, arrays, err, pattern):
    p = _npz(tmp_path, **arrays)
    with pytest.raises(err, match=pattern) as info:
        load_features(p)
    assert "bad.npz" in str(info.value)


def test_load_features_bad_paths(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_features(tmp_path / "missing.npz")
    txt = tmp_path / "f.csv"
    txt.write_text("1,2\n")
    with pytest.raises(InputError, match=r"\.npz"):
        load_features(txt)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(InputError, match="broken.npz"):
        load_features(broken)
    with pytest.raises(InputError, match="path"):
        load_features(3)
    with pytest.raises(InputError, match="y="):
        load_features(save_features(tmp_path / "ok.npz", np.eye(2), [0, 1]), y=[0, 1])


def test_save_features_errors(tmp_path):
    with pytest.raises(InputError, match="npz"):
        save_features(tmp_path / "f.npy", np.eye(2), [0, 1])
    with pytest.raises(InputError, match="H"):
        save_features(tmp_path / "f.npz", np.array([[np.nan, 1.0], [0, 1]]), [0, 1])
    with pytest.raises(InputError, match="y"):
        save_features(tmp_path / "f.npz", np.eye(2))
    with pytest.raises(InputError, match="not both"):
        save_features(tmp_path / "f.npz", sep_a(), [0, 1])
    assert not (tmp_path / "f.npz").exists()


class _FakeTensor:
    """Duck-typed stand-in for a torch tensor (module name starts with 'torch', has .detach)."""

    __module__ = "torch.fake"

    def __init__(self, a):
        self._a = np.asarray(a)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self._a


def test_torch_like_tensors_accepted(tmp_path):
    inst = Instance(H=_FakeTensor(np.eye(3, dtype=np.float32)), y=_FakeTensor(np.array([0, 1, 2])))
    assert inst.H.dtype == np.float64 and inst.y.dtype == np.int64
    assert gaussian_mixture(2, _FakeTensor(np.array([1, 2])), 2, seed=0).counts.tolist() == [1, 2]
    p = save_features(tmp_path / "t.npz", _FakeTensor(np.eye(2)), _FakeTensor(np.array([0, 1])))
    assert load_features(p).K == 2


def test_import_does_not_pull_torch_or_sklearn():
    code = ("import ncbounds.data, sys; "
            "assert 'torch' not in sys.modules and 'sklearn' not in sys.modules, "
            "sorted(m for m in sys.modules if m.startswith(('torch', 'sklearn')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr


def test_public_names():
    for name in data.__all__:
        assert getattr(data, name).__doc__
