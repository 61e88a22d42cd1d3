r"""Small statistical tests used by the experiment claims (numpy/scipy only).

:func:`anova_permutation_test` — two-way ANOVA without replication (randomised complete block
design) for a treatment × block table, with a permutation p-value obtained by permuting the
treatment labels *within each block*. gao2023.md §6.2 (T5 column "two-way ANOVA (permutation ×
seed) F and p"), claim 22 GAO-ABS3-PERMTEST and erratum GAO-E7: treatments are the
label-to-vertex permutations π, blocks are the seeds (the same initialisation and batch order
are shared by every π of one seed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._results import Result
from ._validate import as_float_array, as_rng, check_int
from .errors import InputError, ShapeError

__all__ = ["PermutationAnova", "anova_permutation_test", "anova_f_statistic"]


@dataclass(frozen=True)
class PermutationAnova(Result):
    """Result of :func:`anova_permutation_test`.

    Attributes:
      F: observed F statistic of the treatment (row) effect, MS_treatment / MS_residual.
      df: (a − 1, (a − 1)(b − 1)).
      p_value: permutation p-value (1 + #{F* ≥ F}) / (1 + n_permutations), treatments permuted
        independently within every block (column). Its smallest possible value is
        1/(1 + n_permutations) (and the exact within-block null has atoms, e.g. ≥ a·a^{−b}-ish for
        a planted row effect), so tiny p-values are only reachable through ``p_parametric``.
      p_parametric: the classical F-test p-value, ``scipy.stats.f.sf(F, *df)`` (normal errors).
      n_permutations, seed: Monte-Carlo settings.
      ss_treatment, ss_block, ss_residual, ss_total: sums of squares (ss_total = sum of the others).
      treatment_means (a,), block_means (b,): row and column means.
      effect_range: max − min of the treatment means.
      median_block_difference: median over blocks and unordered treatment pairs of
        |Y[i, s] − Y[j, s]| (the "median same-seed difference" of gao2023.md §6.2, T5).
    """

    F: float
    df: tuple
    p_value: float
    p_parametric: float
    n_permutations: int
    seed: int | None
    ss_treatment: float
    ss_block: float
    ss_residual: float
    ss_total: float
    treatment_means: np.ndarray
    block_means: np.ndarray
    effect_range: float
    median_block_difference: float


def _f_stats(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """F statistics of the row effect for a stack of (a, b) tables Y (..., a, b).

    SS_T = b Σ_i (ȳ_i· − ȳ)², SS_B = a Σ_s (ȳ_·s − ȳ)², SS_R = SS_tot − SS_T − SS_B;
    F = [SS_T/(a−1)] / [SS_R/((a−1)(b−1))]. F = +inf when SS_R = 0 < SS_T, and 0 when SS_T = 0.
    """
    a, b = Y.shape[-2:]
    g = Y.mean(axis=(-2, -1), keepdims=True)
    ss_tot = ((Y - g) ** 2).sum(axis=(-2, -1))
    ss_t = b * ((Y.mean(axis=-1) - g[..., 0]) ** 2).sum(axis=-1)
    ss_b = a * ((Y.mean(axis=-2) - g[..., 0]) ** 2).sum(axis=-1)
    ss_r = np.maximum(ss_tot - ss_t - ss_b, 0.0)
    # residual SS below round-off of the total is exactly zero
    ss_r = np.where(ss_r <= 1e-13 * np.maximum(ss_tot, 1e-300), 0.0, ss_r)
    num = ss_t / (a - 1)
    den = ss_r / ((a - 1) * (b - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        F = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.where(num > 0, np.inf, 0.0))
    return F, ss_t, float(np.ravel(ss_b)[0]), float(np.ravel(ss_tot)[0])


def anova_f_statistic(Y) -> float:
    """The two-way (treatment × block, one observation per cell) ANOVA F statistic of the row
    (treatment) effect of a table Y (a, b); see :func:`anova_permutation_test`."""
    Y = _check_table(Y)
    return float(_f_stats(Y)[0])


def _check_table(Y) -> np.ndarray:
    Y = as_float_array(Y, "Y", ndim=2)
    a, b = Y.shape
    if a < 2 or b < 2:
        raise ShapeError(f"Y must have at least 2 treatments (rows) and 2 blocks (columns), got shape {Y.shape}",
                         argument="Y")
    return Y


def anova_permutation_test(Y, *, n_permutations: int = 9999, seed=0, chunk: int = 20000) -> PermutationAnova:
    r"""Two-way ANOVA permutation test of a treatment effect in a treatment × block table.

    Model (randomised complete block design, one observation per cell; e.g. Montgomery, *Design
    and Analysis of Experiments*, §4.1): :math:`Y_{is} = \mu + \tau_i + \beta_s + \varepsilon_{is}`,
    H₀: all τ_i = 0. Statistic

    .. math::  F = \frac{SS_T/(a-1)}{SS_R/((a-1)(b-1))},\qquad
               SS_T = b\sum_i(\bar y_{i\cdot}-\bar y)^2 .

    The permutation p-value permutes the a values of every block (column) independently — the
    block effects β_s are kept, only the treatment labels are exchanged — with a seeded generator:
    p = (1 + #{F* ≥ F})/(1 + n_permutations). The parametric F(a−1, (a−1)(b−1)) p-value is
    reported alongside. Used for gao2023.md §6.2 T5 (rows = label permutations, columns = seeds).

    Args:
      Y: (a, b) table, rows = treatments, columns = blocks.
      n_permutations: Monte-Carlo permutations (≥ 1).
      seed: seed of the permutation generator.
      chunk: permutations evaluated per vectorised batch.

    Returns:
      :class:`PermutationAnova`.

    Example:
      >>> rng = np.random.default_rng(1)
      >>> Y = rng.normal(size=(4, 8)) + rng.normal(size=8)       # block effects, no treatment effect
      >>> r = anova_permutation_test(Y, seed=1)
      >>> round(r.F, 3), r.df, r.p_value, round(r.p_parametric, 4)
      (0.729, (3, 21), 0.547, 0.5462)
      >>> Y[2] += 5.0                                              # plant a treatment effect
      >>> r = anova_permutation_test(Y, seed=1)
      >>> round(r.F, 1), r.p_value, r.p_parametric < 1e-6       # p_value is at its floor 1/(1 + 9999)
      (55.0, 0.0001, True)
    """
    from scipy.stats import f as f_dist

    Y = _check_table(Y)
    n_permutations = check_int(n_permutations, "n_permutations")
    if n_permutations < 1:
        raise InputError(f"n_permutations must be >= 1, got {n_permutations}", argument="n_permutations")
    chunk = max(1, check_int(chunk, "chunk"))
    a, b = Y.shape
    F_obs_arr, ss_t, ss_b, ss_tot = _f_stats(Y)
    F_obs = float(F_obs_arr)
    df = (a - 1, (a - 1) * (b - 1))
    rng = as_rng(seed)
    count = 0
    done = 0
    thr = F_obs - 1e-10 * abs(F_obs) if np.isfinite(F_obs) else F_obs
    cols = np.arange(b)
    while done < n_permutations:
        m = min(chunk, n_permutations - done)
        order = np.argsort(rng.random((m, a, b)), axis=1)  # independent permutation of every column
        Yp = Y[order, cols[None, None, :]]
        Fp = _f_stats(Yp)[0]
        count += int(np.count_nonzero(Fp >= thr))
        done += m
    p_perm = (1.0 + count) / (1.0 + n_permutations)
    p_par = float(f_dist.sf(F_obs, *df)) if np.isfinite(F_obs) else 0.0
    tm, bm = Y.mean(axis=1), Y.mean(axis=0)
    iu = np.triu_indices(a, 1)
    diffs = np.abs(Y[iu[0]] - Y[iu[1]])  # (pairs, b)
    return PermutationAnova(
        F=F_obs, df=df, p_value=float(p_perm), p_parametric=p_par, n_permutations=n_permutations,
        seed=seed if isinstance(seed, (int, np.integer)) or seed is None else None,
        ss_treatment=float(ss_t), ss_block=ss_b, ss_residual=float(max(ss_tot - float(ss_t) - ss_b, 0.0)),
        ss_total=ss_tot, treatment_means=tm, block_means=bm, effect_range=float(tm.max() - tm.min()),
        median_block_difference=float(np.median(diffs)))
