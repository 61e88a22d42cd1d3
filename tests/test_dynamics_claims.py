"""The dynamics / landscape claims (proofs_check.dynamics_claims): every non-slow check passes and its
negative control does not. One Context for the module, so memoised runs (the E1 flow, SEP-A, ...)
are computed once; each claim's check and control run once, in the session's default run
(``conftest.default_report``), shared with tests/test_claims.py.
"""

import json

import pytest

import proofs_check.dynamics_claims  # noqa: F401  (registers the claims)
from proofs_check import registry

MODULE = "proofs_check.dynamics_claims"
MINE = [c for c in registry.all_claims() if c.fn.__module__ == MODULE]
DEFAULT = [c for c in MINE if c.cost != "slow"]

EXPECTED_IDS = {
    "JI-T1.1-KKT", "JI-T1.2-CONSERVE", "JI-T1.3-RATES", "JI-T1.3-RATES-DEEP", "JI-T1.4-NC", "JI-T1.5-ALIGN",
    "JI-T1.6-SLOPES", "JI-T2.5-DIM", "JI-T3a.1-ORIGIN", "JI-T3a.2-FAMILY", "JI-T3a.3-SEARCH", "JI-T3b.1-SQUARE",
    "JI-A1-ESCAPE", "JI-A2", "JI-A5", "JI-A6", "JI-A9", "JI-A10",
    "CL-SOUDRY-DIR", "CL-SOUDRY-RATE", "CL-LYULI-MONO", "CL-ZHU-LAND", "CL-A6", "CL-A8",
    "GAO-F6-GD", "GAO-T4.1-GDTPT",
}


@pytest.fixture(scope="module")
def ctx(claims_ctx):
    return claims_ctx


@pytest.fixture(scope="module")
def results(default_report):
    """Checks and controls from the session's one default run (conftest.default_report)."""
    return {r.id: (r.check, r.control) for r in default_report.results}


def test_all_claims_registered_with_metadata():
    assert {c.id for c in MINE} == EXPECTED_IDS
    papers = {"JI": "ji2022", "CL": "classic", "GAO": "gao2023"}
    for c in MINE:
        assert c.paper == papers[c.id.split("-")[0]]
        assert c.provenance in registry.PROVENANCE and c.cost in registry.COSTS
        assert c.statement and c.control and c.covers


@pytest.mark.parametrize("cid", [c.id for c in DEFAULT])
def test_check_passes_and_control_does_not(results, cid):
    check, control = results[cid]
    assert check.verdict == registry.PASS, f"{check.message}\n{check.measured}"
    assert control.verdict in (registry.FAIL, registry.NA), f"{control.message}\n{control.measured}"


def test_evidence_is_json_clean(default_report):
    """NaN slopes of the JI-T1.6 control are stringified: the report is strict JSON."""
    mine = [r for r in default_report.results if r.id in ("JI-T1.6-SLOPES", "JI-T3a.3-SEARCH")]
    assert len(mine) == 2 and all(r.ok for r in mine)
    for r in mine:
        json.dumps(r.to_dict(), allow_nan=False)


def test_zero_tolerance_fails_numerical_claims(ctx):
    zero = registry.Context(seed=0, tolerance_override=0.0, cache=ctx.cache)  # reuse the memoised runs
    for cid in ("JI-T1.2-CONSERVE", "JI-T1.3-RATES", "CL-SOUDRY-RATE", "CL-ZHU-LAND"):
        assert registry.get(cid).run_check(zero).verdict == registry.FAIL, cid
