"""Registry completeness: every ID named in the specs is checked, covered or excused with a reason.

The specs live in ``shared/spec`` beside the repository (CI has a copy); ``proofs_check/spec_ids.txt``
is a snapshot of their IDs so the test also runs without them, and is asserted current when they are there.
"""

from pathlib import Path

import pytest

from proofs_check import registry

ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = ROOT.parent / "shared" / "spec"
SNAPSHOT = ROOT / "proofs_check" / "spec_ids.txt"


def _snapshot() -> set[str]:
    return {ln.strip() for ln in SNAPSHOT.read_text().splitlines() if ln.strip() and not ln.startswith("#")}


def _ids() -> set[str]:
    if SPEC_DIR.is_dir():
        return registry.spec_ids(p.read_text() for p in sorted(SPEC_DIR.glob("*.md")))
    return _snapshot()


@pytest.mark.skipif(not SPEC_DIR.is_dir(), reason="shared/spec is not beside the repository")
def test_snapshot_matches_the_specs():
    assert _snapshot() == _ids(), "regenerate proofs_check/spec_ids.txt from shared/spec"


def test_every_spec_id_is_implemented_covered_or_excused():
    missing = registry.unaccounted(_ids())
    assert not missing, f"{len(missing)} spec IDs have no claim, cover or excuse: {missing}"


def test_completeness_check_can_fail():
    assert registry.unaccounted({"GAO-NOT-A-CLAIM"}) == ["GAO-NOT-A-CLAIM"]
    # a family name is accounted for only through a member that is
    assert registry.unaccounted({"CL-METRIC"}) == [] and registry.unaccounted({"CL-NOFAMILY"}) == ["CL-NOFAMILY"]


def test_every_registered_id_is_named_in_the_specs():
    ids = _ids()
    invented = sorted(c.id for c in registry.all_claims() if c.id not in ids)
    assert not invented, invented
    unknown_covers = sorted({x for c in registry.all_claims() for x in c.covers
                             if x not in ids and not any(i.startswith(x + "-") for i in ids)})
    assert not unknown_covers, unknown_covers


def test_excuses_have_reasons_and_are_not_also_claims():
    claims = {c.id for c in registry.all_claims()}
    for e in registry.excused():
        assert len(e.reason) > 20, e
        assert e.id not in claims, e
