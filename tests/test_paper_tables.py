"""paper_tables: every script runs in quick mode, writes its files, and matches its stored reference.

The references in ``paper_tables/reference`` are the toolkit's own quick-mode outputs; each table
declares which columns are compared and with what tolerance (timings never are).
"""

import json

import pytest

from paper_tables import SCRIPTS, run_tables
from paper_tables.common import Table, compare_to_reference, read_csv


@pytest.fixture(scope="module", params=list(SCRIPTS))
def table_run(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"tables-{request.param}")
    (run,) = run_tables([request.param], quick=True, out=out)
    return run, out


def test_matches_stored_reference(table_run):
    run, _ = table_run
    assert run.tables, f"{run.name} produced no table"
    assert not run.reference_differences, "\n".join(run.reference_differences)


def test_writes_every_format_and_a_plot(table_run):
    run, out = table_run
    folder = out / run.name
    assert (folder / f"{run.name}.png").stat().st_size > 1000
    for t in run.tables:
        for ext in ("csv", "md", "tex", "json"):
            assert (folder / f"{t.name}.{ext}").exists()
        cols, rows = read_csv(folder / f"{t.name}.csv")
        assert tuple(cols) == t.columns and len(rows) == len(t.rows)
        meta = json.loads((folder / f"{t.name}.json").read_text())
        assert meta["schema"] == "ncbounds.table/1" and meta["meta"]["quick"] is True
        assert r"\begin{tabular}" in (folder / f"{t.name}.tex").read_text()
        assert t.tolerances, f"{t.name}: nothing is compared with the reference"
    assert (out / "index.md").exists()


def _perturbed(t: Table) -> Table:
    col, (rtol, atol) = next((c, tol) for c, tol in t.tolerances.items()
                             if any(isinstance(r.get(c), float) for r in t.rows))
    rows = [dict(r) for r in t.rows]
    i = next(i for i, r in enumerate(rows) if isinstance(r.get(col), float))
    rows[i][col] = rows[i][col] + 10 * (atol + rtol * abs(rows[i][col])) + 1e-6
    return Table(name=t.name, title=t.title, columns=t.columns, rows=rows, key=t.key, tolerances=t.tolerances)


def test_regression_check_can_fail(table_run):
    """Negative control: a value moved beyond its tolerance is reported."""
    run, _ = table_run
    t = next(t for t in run.tables if any(isinstance(r.get(c), float) for c in t.tolerances for r in t.rows))
    assert compare_to_reference(_perturbed(t))


def test_unknown_table_is_an_error():
    with pytest.raises(KeyError):
        run_tables(["T99"], quick=True, out=None)
