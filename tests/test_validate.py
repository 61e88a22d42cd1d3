"""Every bad-input path raises its named error, and the message names the argument."""

import numpy as np
import pytest

from ncbounds import errors
from ncbounds.metrics import margins, nc_metrics


def _ok():
    H = np.random.default_rng(0).normal(size=(6, 3))
    y = np.array([0, 0, 1, 1, 2, 2])
    W = np.random.default_rng(1).normal(size=(3, 3))
    return H, y, W


def test_error_hierarchy():
    assert issubclass(errors.InputError, errors.NCBoundsError)
    assert issubclass(errors.InputError, ValueError)
    for e in (errors.ShapeError, errors.LabelError, errors.DimensionError):
        assert issubclass(e, errors.InputError)
    assert issubclass(errors.CertificateError, errors.SolverError)
    assert issubclass(errors.SolverError, RuntimeError)
    assert issubclass(errors.NotSeparableError, errors.NCBoundsError)
    exc = errors.SolverError("x", status="infeasible", solver="SCS")
    assert exc.status == "infeasible" and exc.solver == "SCS"
    assert errors.NotSeparableError("x", best_margin=-0.5).best_margin == -0.5


@pytest.mark.parametrize("bad, err, where", [
    (lambda H, y, W: (np.where(np.arange(18).reshape(6, 3) == 4, np.nan, H), y, W), errors.InputError, "H contains 1 NaN"),
    (lambda H, y, W: (np.where(np.arange(18).reshape(6, 3) == 4, np.inf, H), y, W), errors.InputError, "H contains"),
    (lambda H, y, W: (H[:, 0], y, W), errors.ShapeError, "H must be a 2-D"),
    (lambda H, y, W: (H, y[:5], W), errors.ShapeError, "y must have length 6"),
    (lambda H, y, W: (H, y.reshape(2, 3), W), errors.ShapeError, "y must be a 1-D"),
    (lambda H, y, W: (H, y + 1, W), errors.LabelError, "labels in 0..2"),
    (lambda H, y, W: (H, y - 1, W), errors.LabelError, "found -1"),
    (lambda H, y, W: (H, y + 0.5, W), errors.LabelError, "non-integral"),
    (lambda H, y, W: (H, np.array(["a"] * 6), W), errors.LabelError, "y must hold integer"),
    (lambda H, y, W: (H, np.array([0, 0, 2, 2, 2, 2]), W), errors.LabelError, r"class\(es\) \[1\] empty"),
    (lambda H, y, W: (H, np.zeros(6, int), None), errors.InputError, "K must be at least 2"),
    (lambda H, y, W: (H, y, W[:, :2]), errors.ShapeError, "W must have shape"),
    (lambda H, y, W: (H, y, W[:2]), errors.LabelError, "labels in 0..1"),
    (lambda H, y, W: (H.astype(complex), y, W), errors.InputError, "H must be real"),
    (lambda H, y, W: (np.zeros((0, 3)), np.zeros(0, int), None), errors.ShapeError, "H must not be empty"),
])
def test_nc_metrics_bad_input(bad, err, where):
    H, y, W = bad(*_ok())
    with pytest.raises(err, match=where) as info:
        nc_metrics(H, y, W)
    assert info.value.argument in {"H", "y", "W", "K", "b"}


def test_bias_shape_and_bias_without_W():
    H, y, W = _ok()
    with pytest.raises(errors.ShapeError, match="b must have shape"):
        nc_metrics(H, y, W, b=np.zeros(4))
    with pytest.raises(errors.InputError, match="b .bias. was given without W"):
        nc_metrics(H, y, None, b=np.zeros(3))


def test_integral_float_labels_are_accepted_without_loss():
    H, y, W = _ok()
    a = nc_metrics(H, y.astype(float), W)
    b = nc_metrics(H, y, W)
    assert a.nc1 == b.nc1


def test_bad_options_named():
    H, y, W = _ok()
    with pytest.raises(errors.InputError, match="center must be one of"):
        nc_metrics(H, y, center="global")
    with pytest.raises(errors.InputError, match="within must be one of"):
        nc_metrics(H, y, within="x")
    with pytest.raises(errors.InputError, match="tau must be >= 0"):
        nc_metrics(H, y, tau=-1)


def test_margins_allow_missing_classes_but_check_shapes():
    H, y, W = _ok()
    m = margins(W, H[:4], y[:4])  # class 2 absent: allowed for margins
    assert np.all(np.isnan(m.pairwise[2]))
    with pytest.raises(errors.ShapeError):
        margins(W[:, :2], H, y)
