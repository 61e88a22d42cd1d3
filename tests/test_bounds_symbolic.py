"""Sympy derivations of ncbounds.bounds.symbolic: facts, spec values, symbolic = numeric (1e-12)."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncbounds._results import jsonable
from ncbounds.bounds import alignment as AL
from ncbounds.bounds import margin as MG
from ncbounds.bounds import symbolic as S
from ncbounds.errors import InputError
from ncbounds.metrics import margins

REL = 1e-12


def _rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


# random admissible points for each derivation's arguments (domain constraints respected)
def _point(d: S.Derivation, rng):
    v = {}
    for a in d.args:
        v[a] = float(rng.uniform(0.2, 5.0))
    if "K" in v:
        v["K"] = int(rng.integers(2, 12))
    if "n" in v and d.name.startswith("s"):
        v["n"] = int(rng.integers(1, 8))
    if "N" in v:
        v["N"] = int(rng.integers(2, 5000))
    if "u" in v:
        v["u"] = int(rng.integers(0, 2))
    if "delta" in v:
        v["delta"] = float(rng.uniform(0.01, 0.5))
    if "r" in v and "gamma" in v:
        v["r"] = v["gamma"] * float(rng.uniform(1.0, 50.0))
    if "d" in v:
        v["d"] = float(rng.integers(1, 20))
    if "L" in v:
        v["L"] = float(10 ** rng.uniform(-8, -0.5))
    if "p_min" in v:
        v["p_min"] = float(rng.uniform(-3, 20))
    return v


SCALAR_DERIVATIONS = [n for n in S.DERIVATIONS if n not in ("ce_margin_sandwich",)]


@pytest.mark.parametrize("name", list(S.DERIVATIONS))
def test_every_fact_proved_and_json(name):
    d = S.derive(name)
    assert d.facts == {k: True for k in d.facts}, d.facts
    out = json.dumps(jsonable(d.to_dict()), allow_nan=False)
    assert d.latex and "latex" in out
    assert d.tag in ("[derived]", "[reconstructed]", "[reviewers]")


@pytest.mark.parametrize("name", SCALAR_DERIVATIONS)
def test_symbolic_equals_lambdified_at_random_points(name):
    d = S.derive(name)
    rng = np.random.default_rng(sum(map(ord, name)))
    for _ in range(100 if len(d.args) < 10 else 25):  # 100 points (GAO-T4.4-SYMBOLIC); fewer for the K=3 sums
        v = _point(d, rng)
        num = float(d(**v))
        sym = d.evalf(**v)
        assert _rel(num, sym) < REL, (v, num, sym)
        for part, f in d.part_funcs.items():
            pv = {a: v[a] for a in f.args if a in v}
            if len(pv) < len(f.args):
                continue
            assert _rel(float(f(**pv)), d.evalf(part=part, **pv)) < REL


def test_sandwich_parts_symbolic_equal_numeric():
    d = S.ce_margin_sandwich()
    rng = np.random.default_rng(0)
    for _ in range(100):
        v = _point(d, rng)
        for part in ("loss_lower", "loss_upper"):
            pv = {a: v[a] for a in d.part_funcs[part].args}
            assert _rel(float(d.part_funcs[part](**pv)), d.evalf(part=part, **pv)) < REL
        pv = {"L": v.get("L", 1e-3), "N": v["N"], "K": v["K"]}
        for part in ("p_min_lower", "p_min_upper"):
            args = {a: pv[a] for a in d.part_funcs[part].args}
            assert _rel(float(d.part_funcs[part](**args)), d.evalf(part=part, **args)) < 1e-10


def test_sandwich_worked_values_gao_f1():
    d = S.ce_margin_sandwich()
    lo, hi = d.part_funcs["p_min_lower"], d.part_funcs["p_min_upper"]
    assert round(float(lo(L=2.0e-6, N=12)), 2) == 10.64 and round(float(hi(L=2.0e-6, K=4)), 2) == 14.22
    assert round(float(lo(L=8.56e-5, N=1000)), 2) == 2.41 and round(float(hi(L=8.56e-5, K=10)), 2) == 11.56


@settings(max_examples=200, deadline=None)
@given(K=st.integers(2, 8), N=st.integers(2, 40), seed=st.integers(0, 2 ** 31), collapsed=st.booleans())
def test_sandwich_holds_and_control_fails(K, N, seed, collapsed):
    rng = np.random.default_rng(seed)
    d = rng.integers(K, 13)
    W = rng.normal(size=(K, d))
    y = np.concatenate([np.arange(K), rng.integers(0, K, N - K)]) if N >= K else rng.integers(0, K, N)
    H = (3 * W[y] if collapsed else 0) + rng.normal(size=(len(y), d))
    m = margins(W, H, y)
    if m.p_min > 600:
        return
    sw = S.ce_margin_sandwich()
    lo = float(sw.part_funcs["loss_lower"](p_min=m.p_min, N=len(y)))
    hi = float(sw.part_funcs["loss_upper"](p_min=m.p_min, K=K))
    assert lo <= m.loss * (1 + 1e-12) and m.loss <= hi * (1 + 1e-12)
    if m.p_min >= 0:  # negative control: a too-large margin breaks the upper inequality
        fake = m.p_min + math.log(2 * len(y) * (K - 1)) + 1
        assert not m.loss <= float(sw.part_funcs["loss_upper"](p_min=fake, K=K))


def test_closed_forms_spec_values():
    s1 = S.s1_optimum()
    assert s1(K=10, n=3) == pytest.approx(9 * math.sqrt(3), rel=1e-14)
    s2 = S.s2_optimum()
    for K, v in ((3, 0.666667), (4, 1.125), (6, 2.083333)):
        assert round(float(s2(K=K)), 6) == v
    assert float(s2.part_funcs["orthonormal_features"](K=5)) == pytest.approx(2.0, rel=1e-14)
    sph = S.s3_spherical_optimum()
    for K, v in ((3, 1.5), (4, 1.333333), (7, 1.166667)):
        assert round(float(sph(K=K)), 6) == v
    assert float(S.s3_orthonormal_optimum()(K=4)) == pytest.approx(math.sqrt(4 / 3), rel=1e-14)
    fro = S.s3_frobenius_optimum()
    assert round(float(fro(K=3, n=2)), 6) == 0.353553 and round(float(fro(K=4, n=3)), 6) == 0.192450


def test_margin_bound_worked_value_and_gamma_monotone():
    d = S.linear_head_margin_bound(c_K="4K")
    cx = d.part_funcs["complexity"]
    assert float(cx(K=10, B_M=10.0, B_z=1.0, gamma=1.0, N=50000)) == pytest.approx(1.78885, abs=1e-5)
    # invariance (B_M, gamma) -> (c B_M, c gamma)
    assert float(cx(K=10, B_M=30.0, B_z=1.0, gamma=3.0, N=50000)) == pytest.approx(1.78885, abs=1e-5)
    # dB/dgamma < 0 on (0, r] at R_hat = 0, numerically on a grid
    b = S.margin_bound(c_K="4K", u=1)
    g = np.linspace(0.01, 2.0, 400)
    vals = b.func(0.0, 10, 1.0, g, 2.0, 0.05, 1000)
    assert np.all(np.diff(vals) < 0)
    assert b.facts["decreasing_in_gamma"]


def test_margin_bound_symbolic_matches_numeric_evaluator():
    b = S.margin_bound()
    rng = np.random.default_rng(3)
    for _ in range(100):
        K, N = int(rng.integers(2, 20)), int(rng.integers(10, 10 ** 5))
        ck = rng.choice(["4K", "2K^2"])
        u = int(rng.integers(0, 2))
        gamma = float(rng.uniform(0.01, 5))
        r = gamma * float(rng.uniform(1, 100))
        rad, delta, risk = float(rng.uniform(0.01, 3)), float(rng.uniform(0.01, 0.5)), float(rng.uniform(0, 0.3))
        t = MG.margin_bound_terms(gamma, N=N, K=K, rademacher=rad, r=r, delta=delta, c_K=ck, u=u, empirical_risk=risk)
        sym = b.evalf(R_hat=risk, c_K=MG.resolve_c_K(ck, K), Rad=rad, gamma=gamma, r=r, u=u, delta=delta, N=N)
        assert _rel(t.total, sym) < REL


def test_scaling_facts():
    d = S.margin_bound_scaling()
    assert d.facts["norm_based_invariant"] and d.facts["fixed_scales_inverse_c2"] and d.facts["p_min_scales_c2"]
    assert float(d(c=10.0)) == pytest.approx(1e-2, rel=1e-15)


def test_hoeffding_values_gao_f9():
    d = S.vector_hoeffding()
    sharp, quoted = d.part_funcs["sharp"], d.part_funcs["quoted"]
    assert round(float(quoted(d=5, n=200, rho=1.0, eps=0.5)), 3) == 3.679
    assert round(float(sharp(d=5, n=200, rho=1.0, eps=0.5)), 4) == 0.0674
    assert d.facts["sharp_le_quoted"] and d.facts["equal_at_d1"]
    # the "strictly looser" assertion fails at d = 1 (GAO-E4 control)
    assert not float(quoted(d=1, n=200, rho=1.0, eps=0.5)) > float(sharp(d=1, n=200, rho=1.0, eps=0.5))


@pytest.mark.parametrize("agg", ["sum", "max"])
@pytest.mark.parametrize("a", [1, 2])
def test_hoeffding_alignment_symbolic_matches_vectorised(a, agg):
    K = 3
    d = S.hoeffding_alignment_bound(K=K, a=a, agg=agg, c=None)
    rng = np.random.default_rng(a * 10 + (agg == "max"))
    for _ in range(8):
        G = rng.uniform(0.2, 2.0, (K, K))
        np.fill_diagonal(G, np.nan)
        Dl = rng.uniform(0.5, 3.0, (K, K))
        Dl = (Dl + Dl.T) / 2
        np.fill_diagonal(Dl, 0)
        data = AL.AlignmentData(Gamma=G, Delta=Dl, rho=rng.uniform(0.5, 2, K), counts=rng.integers(1, 30, K).astype(float),
                                priors=np.ones(K) / K, d=int(rng.integers(1, 6)))
        c = float(rng.uniform(0.5, 2))
        perm = rng.permutation(K)
        num = AL.hoeffding_values(data, perm[None], a=a, c=c, agg=agg)[0]
        vals = {"c": c, "d": data.d}
        for y in range(K):
            vals.update({f"N_{y}": data.counts[y], f"q_{y}": data.priors[y], f"rho_{y}": data.rho[y]})
            for j in range(K):
                if j != y:
                    vals[f"gamma_{y}_{j}"] = G[perm[y], perm[j]]
                    vals[f"Delta_{y}_{j}"] = Dl[perm[y], perm[j]]
        assert _rel(num, d.evalf(**vals)) < REL


@pytest.mark.parametrize("mode", ["reviewer", "empty_cell"])
def test_covering_symbolic_matches_vectorised(mode):
    K = 3
    d = S.covering_bound(K=K, prefactor_mode=mode, radius_factor=0.5)
    rng = np.random.default_rng(1)
    G = rng.uniform(0.5, 2.0, (K, K))
    np.fill_diagonal(G, np.nan)
    Dl = np.ones((K, K)) - np.eye(K)
    counts = np.array([5.0, 10.0, 20.0])
    data = AL.AlignmentData(Gamma=G, Delta=Dl, rho=np.ones(K), counts=counts, priors=counts / counts.sum(), d=2)
    cov = lambda y, eps: math.ceil((y + 1) / eps)  # noqa: E731  a decreasing covering function per class
    table = AL.covering_table(data, cov, L_f=1.0, radius_factor=0.5)
    for perm in AL.all_permutations(K):
        num = AL.covering_values(data, table, perm[None], prefactor_mode=mode)[0]
        Ny = [max(table[y, perm[y], perm[j]] for j in range(K) if j != y) for y in range(K)]
        vals = {f"Ncov_{y}": Ny[y] for y in range(K)}
        vals.update({f"N_{y}": counts[y] for y in range(K)})
        vals.update({f"q_{y}": data.priors[y] for y in range(K)})
        assert _rel(num, d.evalf(**vals)) < REL
    assert d.facts["transfer"] and d.facts["empty_cell_le_reviewer_at_sample_priors"]


def test_etf_invariance_symbolic_values():
    d = S.etf_alignment_invariance()
    assert float(d(a=2.0, b=0.7, K=5)) == pytest.approx(1.75, rel=1e-14)
    assert round(float(d.part_funcs["distance"](a=2.0, K=5)), 5) == 3.16228
    assert all(d.facts.values())


def test_derive_rejects_unknown_and_bad_options():
    with pytest.raises(InputError):
        S.derive("no_such_bound")
    with pytest.raises(InputError):
        S.margin_bound(c_K="3K")
    with pytest.raises(InputError):
        S.vector_hoeffding(a=3)
