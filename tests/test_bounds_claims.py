"""Bound claims of Gao et al. 2023 (``proofs_check.gao2023_bounds``), Jacot et al. 2024 (``proofs_check.jacot2024``)
and Wu & Mondelli 2025 (``proofs_check.wu2025``): every non-slow claim's check passes and its negative control does
not (FAIL or N/A), taken from the session's one default run (``conftest.default_report``)."""

import json

import pytest

from proofs_check import gao2023_bounds, jacot2024, registry, wu2025

MODULES = (gao2023_bounds, jacot2024, wu2025)


def _claims(slow=False):
    mods = {m.__name__ for m in MODULES}
    return [c for c in registry.all_claims() if c.fn.__module__ in mods and (c.cost == "slow") == slow]


CLAIMS = _claims()


@pytest.fixture(scope="module")
def results(default_report):
    """Checks and controls of this module's claims from the session's one default run (conftest)."""
    ids = {c.id for c in CLAIMS}
    return {r.id: (r.check, r.control) for r in default_report.results if r.id in ids}


def test_every_spec_claim_is_registered():
    ids = {c.id for c in CLAIMS + _claims(slow=True)}
    assert len([i for i in ids if i.startswith("GAO-")]) == 18
    assert len([i for i in ids if i.startswith("JACOT-")]) == 32
    assert len([i for i in ids if i.startswith("WU-")]) == 30
    assert {e.id for e in registry.excused() if e.paper == "wu2025"} >= {"WU-L4.3", "WU-C4.9", "WU-T5.3"}


@pytest.mark.parametrize("cid", [c.id for c in CLAIMS])
def test_check_passes(results, cid):
    check, _ = results[cid]
    assert check.verdict == registry.PASS, (check.message, check.measured)


@pytest.mark.parametrize("cid", [c.id for c in CLAIMS])
def test_control_does_not_pass(results, cid):
    _, control = results[cid]
    assert control.verdict in (registry.FAIL, registry.NA), (control.message, control.measured)


def test_evidence_is_json(results):
    for cid, (check, control) in results.items():
        json.dumps(check.to_dict(), allow_nan=False)
        json.dumps(control.to_dict(), allow_nan=False)


def test_zero_tolerance_fails_a_numerical_claim():
    ctx = registry.Context(tolerance_override=0.0)
    assert registry.get("WU-F2-EQ29").run_check(ctx).verdict == registry.FAIL
    assert registry.get("JACOT-F3-RECURSION").run_check(ctx).verdict == registry.FAIL
