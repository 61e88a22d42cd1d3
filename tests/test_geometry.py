import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds import geometry as g
from ncbounds.errors import DimensionError, InputError, LabelError, ShapeError


@settings(max_examples=200)
@given(K=st.integers(2, 12), extra=st.integers(0, 6), rotate=st.booleans(), seed=st.integers(0, 2**31))
def test_simplex_etf_exact_for_every_d(K, extra, rotate, seed):
    d = K - 1 + extra
    E = g.simplex_etf(K, d, rotation="random" if rotate else None, seed=seed if rotate else None)
    assert E.shape == (K, d)
    target = K / (K - 1) * (np.eye(K) - np.ones((K, K)) / K)
    np.testing.assert_allclose(E @ E.T, target, atol=1e-13)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1.0, atol=1e-14)
    assert g.distance_to_etf(E) <= 1e-13
    assert g.max_inner_product(E) == pytest.approx(-1 / (K - 1), abs=1e-13)


def test_simplex_etf_canonical_embedding_is_zero_padded():
    E = g.simplex_etf(4, 7)
    assert np.all(E[:, 4:] == 0)
    np.testing.assert_allclose(E[:, :4], np.sqrt(4 / 3) * (np.eye(4) - 0.25))


def test_simplex_etf_rejects_small_d_and_bad_K():
    with pytest.raises(DimensionError, match="d=1.*K-1"):
        g.simplex_etf(3, 1)
    with pytest.raises(InputError, match="K must be at least 2"):
        g.simplex_etf(1)
    with pytest.raises(InputError, match="rotation must be orthogonal"):
        g.simplex_etf(3, 2, rotation=np.ones((2, 2)))


def test_orthogonal_frame_and_distance():
    F = g.orthogonal_frame(4, 6, rotation="random", seed=3)
    np.testing.assert_allclose(F @ F.T, np.eye(4), atol=1e-14)
    assert g.distance_to_orthogonal_frame(F) <= 1e-14
    # an ETF is at the distance sqrt(2 - 2 sqrt((K-1)/K)) from an orthogonal frame (classic.md CL-MSE-NB)
    assert g.distance_to_orthogonal_frame(g.simplex_etf(4, 4)) == pytest.approx(np.sqrt(2 - 2 * np.sqrt(3 / 4)))
    with pytest.raises(DimensionError):
        g.orthogonal_frame(4, 3)


def test_sel_matrix_any_class_sizes():
    y = np.array([0, 0, 0, 1, 2, 2])
    Z = g.sel_matrix(y)
    Y = g.onehot(y)
    np.testing.assert_allclose(Z, (np.eye(3) - 1 / 3) @ Y)
    np.testing.assert_allclose(Z.sum(axis=0), 0, atol=1e-15)
    # every margin of the SEL logits is exactly 1
    for i, yi in enumerate(y):
        assert np.allclose(np.delete(Z[yi, i] - Z[:, i], yi), 1.0)
    with pytest.raises(LabelError, match="0..2"):
        g.sel_matrix([0, 1, 3], K=3)


def test_random_rotation_is_haar_orthogonal_and_seeded():
    Q1 = g.random_rotation(5, seed=0)
    np.testing.assert_allclose(Q1.T @ Q1, np.eye(5), atol=1e-14)
    np.testing.assert_array_equal(Q1, g.random_rotation(5, seed=0))
    assert not np.allclose(Q1, g.random_rotation(5, seed=1))


def test_permutation_matrix():
    perm = np.array([2, 0, 1])
    A = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(g.permutation_matrix(perm) @ A, A[perm])
    with pytest.raises(InputError, match="perm"):
        g.permutation_matrix([0, 0, 1])


@settings(max_examples=200)
@given(K=st.integers(2, 6), d=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_procrustes_recovers_rotation(K, d, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(K + 2, d))
    Q = g.random_rotation(d, seed=rng)
    Qhat, dist = g.procrustes(A @ Q, A)
    assert dist <= 1e-10 * max(1, np.linalg.norm(A))
    assert g.procrustes_distance(3.0 * A @ Q, A) <= 1e-10


def test_procrustes_distance_positive_for_different_shapes():
    assert g.procrustes_distance(g.simplex_etf(4, 4), g.orthogonal_frame(4, 4)) > 0.1
    with pytest.raises(ShapeError):
        g.procrustes(np.eye(3), np.eye(2))


def test_gram_distances_scale_invariant_and_zero_matrix():
    P = np.eye(3) - 1 / 3
    assert g.gram_distance_to_etf(7 * P) <= 1e-15
    assert g.gram_distance_to_etf(np.zeros((3, 3))) == pytest.approx(1.0)
    with pytest.raises(ShapeError, match="square"):
        g.gram_distance_to_etf(np.zeros((3, 2)))


def test_welch_and_coherence():
    E = g.simplex_etf(4, 3)
    assert g.coherence(E) == pytest.approx(g.welch_bound(4, 3))
    assert g.welch_bound(3, 5) == 0.0
