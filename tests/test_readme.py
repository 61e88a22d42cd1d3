"""The README's quick start is what CI runs (.ci/run), verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quickstart_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("## Quick start", 1)[1]
    body = re.search(r"```(?:bash|sh)?\n(.*?)```", block, re.S).group(1)
    return [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def test_quickstart_has_exactly_two_commands():
    cmds = _quickstart_commands()
    assert len(cmds) == 2
    assert cmds[0].endswith("ncbounds check")
    assert "pytest" in cmds[1]


def test_ci_runs_the_readme_commands_verbatim():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for cmd in _quickstart_commands():
        assert cmd in [ln.strip() for ln in ci], cmd
