"""Tests of the public hypothesis strategies in ncbounds.testing: every drawn object is valid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds import testing as nct
from ncbounds.data import Instance
from ncbounds.errors import DimensionError, InputError
from ncbounds.geometry import permutation_matrix

FAST = settings(max_examples=200, deadline=None)


def _etf_gram(K):
    return (K * np.eye(K) - np.ones((K, K))) / (K - 1)


@FAST
@given(c=nct.class_counts())
def test_class_counts_valid(c):
    assert c.dtype == np.int64 and c.ndim == 1
    assert 2 <= c.shape[0] <= 8
    assert c.min() >= 1 and c.max() <= 6


@FAST
@given(c=nct.class_counts(K=st.integers(2, 6), balanced=True, min_count=2, max_count=5))
def test_class_counts_balanced(c):
    assert np.all(c == c[0]) and 2 <= c[0] <= 5


@FAST
@given(c=nct.class_counts(K=st.integers(2, 6), balanced=False, min_count=1, max_count=2))
def test_class_counts_imbalanced(c):
    assert len(set(c.tolist())) > 1
    assert c.min() >= 1 and c.max() <= 2


@FAST
@given(y=nct.labels(shuffle=None))
def test_labels_every_class_present(y):
    assert y.dtype == np.int64 and y.ndim == 1
    K = int(y.max()) + 1
    assert y.min() == 0 and np.all(np.bincount(y, minlength=K) >= 1)


@FAST
@given(y=nct.labels(K=4, balanced=True))
def test_labels_balanced_and_sorted(y):
    counts = np.bincount(y)
    assert counts.shape == (4,) and np.all(counts == counts[0])
    assert np.all(np.diff(y) >= 0)


@FAST
@given(y=nct.labels(K=3, balanced=False, max_count=3))
def test_labels_imbalanced(y):
    counts = np.bincount(y, minlength=3)
    assert counts.shape == (3,) and counts.min() >= 1 and len(set(counts.tolist())) > 1


def test_labels_shuffle_happens():
    seen_unsorted = []

    @settings(max_examples=100, deadline=None)
    @given(y=nct.labels(K=3, min_count=3, max_count=3, shuffle=True))
    def check(y):
        assert sorted(y.tolist()) == [0, 0, 0, 1, 1, 1, 2, 2, 2]
        seen_unsorted.append(bool(np.any(np.diff(y) < 0)))

    check()
    assert any(seen_unsorted)


@FAST
@given(Q=nct.rotations())
def test_rotations_orthogonal(Q):
    d = Q.shape[0]
    assert Q.shape == (d, d) and 1 <= d <= 8
    np.testing.assert_allclose(Q.T @ Q, np.eye(d), atol=1e-12)


@FAST
@given(Q=nct.rotations(4))
def test_rotations_fixed_dimension(Q):
    assert Q.shape == (4, 4)
    np.testing.assert_allclose(Q @ Q.T, np.eye(4), atol=1e-12)


@FAST
@given(p=nct.permutations())
def test_permutations_valid(p):
    K = p.shape[0]
    assert p.dtype == np.int64 and 2 <= K <= 8
    np.testing.assert_array_equal(np.sort(p), np.arange(K))
    P = permutation_matrix(p)
    np.testing.assert_array_equal(P @ P.T, np.eye(K))


@FAST
@given(E=nct.frames(kind="etf"))
def test_frames_etf_exact(E):
    K, d = E.shape
    assert d >= K - 1
    np.testing.assert_allclose(E @ E.T, _etf_gram(K), atol=1e-12)
    np.testing.assert_allclose(E.sum(axis=0), 0.0, atol=1e-12)


@FAST
@given(F=nct.frames(K=st.integers(2, 6), d=8, kind="orthogonal"))
def test_frames_orthogonal_exact(F):
    assert F.shape[1] == 8
    np.testing.assert_allclose(F @ F.T, np.eye(F.shape[0]), atol=1e-12)


def test_frames_unrotated_is_canonical():
    @settings(max_examples=20, deadline=None)
    @given(E=nct.frames(K=3, d=4, rotate=False))
    def check(E):
        assert np.all(E[:, 3] == 0.0)  # zero padded canonical embedding

    check()


@FAST
@given(c=nct.positive_scalars(), x=nct.bounded_floats(), A=nct.bounded_arrays((2, 3), -1, 1))
def test_scalars_and_arrays_bounded(c, x, A):
    assert 0.1 <= c <= 10 and -10 <= x <= 10
    assert A.shape == (2, 3) and A.dtype == np.float64 and np.all(np.abs(A) <= 1)


@FAST
@given(inst=nct.instances(with_b=True))
def test_instances_valid(inst):
    assert isinstance(inst, Instance)
    assert inst.H.dtype == np.float64 and inst.y.dtype == np.int64
    assert np.all(inst.counts >= 1) and inst.counts.shape == (inst.K,)
    assert inst.W.shape == (inst.K, inst.d) and inst.b.shape == (inst.K,)
    assert np.all(np.isfinite(inst.H)) and np.all(np.abs(inst.H) <= 100)


@FAST
@given(inst=nct.instances(collapsed=True, noise=0.0, with_b=True, shuffle=None))
def test_instances_exact_collapse(inst):
    K = inst.K
    means = np.stack([inst.H[inst.y == k].mean(axis=0) for k in range(K)])
    np.testing.assert_allclose(inst.H, means[inst.y], atol=1e-12)  # NC1
    M = means / np.linalg.norm(means, axis=1, keepdims=True)
    np.testing.assert_allclose(M @ M.T, _etf_gram(K), atol=1e-10)  # NC2
    Wn = inst.W / np.linalg.norm(inst.W, axis=1, keepdims=True)
    np.testing.assert_allclose(Wn, M, atol=1e-10)  # NC3
    np.testing.assert_array_equal(np.argmax(inst.logits, axis=1), inst.y)  # NC4
    assert np.all(inst.b == inst.b[0])


@FAST
@given(inst=nct.instances(collapsed=True, noise=st.floats(0.01, 0.1)))
def test_instances_near_collapse(inst):
    E = inst.meta["frame"]
    dev = inst.H - inst.meta["scale"] * E[inst.y]
    assert 0.01 <= inst.meta["noise"] <= 0.1
    assert np.all(np.abs(dev) <= inst.meta["noise"] + 1e-12)


@FAST
@given(inst=nct.instances(K=3, d=st.integers(1, 4), balanced=True, with_W=False, collapsed=False))
def test_instances_random_options(inst):
    assert inst.K == 3 and 1 <= inst.d <= 4 and inst.balanced
    assert inst.W is None and inst.b is None and not inst.meta["collapsed"]
    assert np.all(np.abs(inst.H) <= 10)


@FAST
@given(inst=nct.instances(K=5, d=2))
def test_instances_low_dimension_falls_back_to_random(inst):
    assert inst.d == 2 and not inst.meta["collapsed"]


def _draw_once(strategy):
    """Draw one example inside @given (the errors under test are raised while drawing)."""

    @settings(max_examples=1, deadline=None, database=None)
    @given(x=strategy)
    def run(x):
        pass

    run()


def test_bad_arguments_raise():
    with pytest.raises(InputError, match="lo"):
        nct.positive_scalars(0.0, 1.0)
    with pytest.raises(InputError, match="balanced"):
        _draw_once(nct.class_counts(3, balanced=False, min_count=2, max_count=2))
    with pytest.raises(InputError, match="kind"):
        _draw_once(nct.frames(3, kind="square"))
    with pytest.raises(DimensionError, match="d"):
        _draw_once(nct.instances(K=5, d=2, collapsed=True))
    with pytest.raises(DimensionError, match="d"):
        _draw_once(nct.frames(K=4, d=2))
    with pytest.raises(InputError, match="noise"):
        _draw_once(nct.instances(collapsed=True, noise=-1.0))
    with pytest.raises(InputError, match="K"):
        _draw_once(nct.labels(K=1.5))


@settings(max_examples=50, deadline=None)
@given(c=nct.class_counts(K=3, min_count=2, max_count=2))
def test_class_counts_single_size_is_balanced(c):
    assert c.tolist() == [2, 2, 2]


def test_docstrings_present():
    for name in nct.__all__:
        doc = getattr(nct, name).__doc__
        assert doc and "@given" in doc, name
