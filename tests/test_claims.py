"""Every registered claim passes its check and its negative control fails (tested, not assumed)."""

import json

import pytest

from proofs_check import registry

CLAIMS = registry.select(deep=False)


@pytest.fixture(scope="session")
def report(default_report):
    return default_report


def _result(report, cid):
    return next(r for r in report.results if r.id == cid)


@pytest.mark.parametrize("cid", [c.id for c in CLAIMS])
def test_check_passes(report, cid):
    r = _result(report, cid)
    assert r.check.verdict == registry.PASS, r.check.message


@pytest.mark.parametrize("cid", [c.id for c in CLAIMS])
def test_negative_control_fails(report, cid):
    r = _result(report, cid)
    assert r.control.verdict in (registry.FAIL, registry.NA), r.control.message


def test_claim_metadata_is_well_formed():
    for c in registry.all_claims():
        assert c.provenance in registry.PROVENANCE
        assert c.cost in registry.COSTS
        assert c.statement and c.control
        assert c.id.split("-")[0] in {"GAO", "JI", "JACOT", "WU", "CL"}


def test_zero_tolerance_makes_numerical_claims_fail():
    ctx = registry.Context(tolerance_override=0.0)
    rep = registry.run([registry.get("CL-METRIC-EX1")], ctx)
    assert not rep.ok and rep.results[0].check.verdict == registry.FAIL


def test_report_json_schema(report):
    d = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert d["schema"] == "ncbounds.check/1"
    assert set(d["summary"]) == {"claims", "passed", "failed", "controls_passed", "not_applicable", "excused", "ok"}
    for r in d["results"]:
        assert set(r) >= {"id", "paper", "statement", "provenance", "cost", "covers", "ok", "check", "control"}
        assert set(r["check"]) >= {"verdict", "measured", "expected", "tolerance", "message", "seconds"}
        assert "description" in r["control"]
    assert "| ID |" in report.to_markdown()


def test_crashing_check_is_a_failure():
    def boom(ctx, control=False):
        raise RuntimeError("kaput")
    c = registry.Claim(id="CL-TEST", paper="classic", statement="s", provenance="derived", cost="fast",
                       fn=boom, control="c")
    ev = c.run_check(registry.Context())
    assert ev.verdict == registry.FAIL and "kaput" in ev.message


def test_select_filters():
    assert all(c.paper == "classic" for c in registry.select(paper="classic"))
    with pytest.raises(KeyError):
        registry.select(ids=["NOPE"])
    with pytest.raises(KeyError):
        registry.select(paper="nope")


def test_parallel_run_matches_serial():
    """jobs > 1 runs each module's claims in a worker process: same results, same order."""
    claims = registry.select(ids=["CL-METRIC-EX1", "JI-T2.4-LB", "GAO-F4-S2", "CL-METRIC-EX3"])
    serial = registry.run(claims, registry.Context(seed=0))
    parallel = registry.run(claims, registry.Context(seed=0), jobs=2)
    assert [r.id for r in parallel.results] == [c.id for c in claims]
    for a, b in zip(serial.results, parallel.results):
        assert (a.check.verdict, a.control.verdict) == (b.check.verdict, b.control.verdict)
        assert a.check.measured == b.check.measured
    groups = registry.groups_by_module(registry.select())
    assert sorted(c.id for g in groups for c in g) == sorted(c.id for c in registry.select())

