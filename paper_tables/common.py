"""The table machinery shared by every ``paper_tables`` script: a Table, its writers, reference checks.

A table script is a module ``paper_tables/tN_*.py`` with, in its header docstring, every seed and
setting it uses, and three names:

* ``NAME`` (``"T1"`` …) and ``TITLE`` (one line);
* ``build(*, quick: bool, progress: Callable[[str], None]) -> list[Table]``: computes the rows by
  calling the library (no mathematics lives in a script: it calls ``ncbounds`` and formats);
* ``plot(tables: dict[str, Table], path: Path) -> None``: draws one PNG from the rows alone, so a
  plot can be redrawn from the CSV files without recomputing.

:func:`write_table` writes CSV (full precision), Markdown, LaTeX (booktabs) and JSON (rows plus
metadata) for each table; :func:`compare_to_reference` compares a fresh table with the stored
reference CSV column by column with the tolerances the script declared. Columns without a tolerance
(timings, solver iteration counts) are never compared.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ncbounds._results import Result, jsonable

__all__ = ["Table", "write_table", "read_csv", "compare_to_reference", "REFERENCE_DIR", "fmt"]

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class Table(Result):
    """One table: named columns, rows as dicts, and how to compare it with a stored reference.

    Attributes:
      name: file stem, unique across all scripts (``"T1-ji"``, ``"T4"`` …).
      title: caption.
      columns: column names in display order; every row has a value for each (``None`` = empty).
      rows: list of ``{column: value}``; values are numbers, strings, booleans or ``None``.
      key: columns that identify a row (used to pair rows with the reference).
      tolerances: ``{column: (rtol, atol)}`` for the regression test: a value passes iff
        ``|new − ref| <= atol + rtol·|ref|``; string and boolean columns in ``tolerances`` must match
        exactly. Columns not listed are reported but never compared (timings, iteration counts).
      formats: optional ``{column: format spec}`` for Markdown/LaTeX (default ``.6g`` for floats).
      notes: a paragraph printed under the table (what the paper reported, what differs).
    """

    name: str
    title: str
    columns: tuple
    rows: tuple
    key: tuple = ()
    tolerances: dict = field(default_factory=dict)
    formats: dict = field(default_factory=dict)
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(dict(r) for r in self.rows))
        object.__setattr__(self, "key", tuple(self.key))
        missing = [c for c in (*self.key, *self.tolerances) if c not in self.columns]
        if missing:
            raise ValueError(f"table {self.name}: unknown column(s) {missing}")
        for i, r in enumerate(self.rows):
            extra = set(r) - set(self.columns)
            if extra:
                raise ValueError(f"table {self.name}, row {i}: columns {sorted(extra)} are not declared")

    def column(self, name: str) -> list:
        return [r.get(name) for r in self.rows]

    # ---------------------------------------------------------------------------------- writers
    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.columns)
        for r in self.rows:
            w.writerow([_csv_value(r.get(c)) for c in self.columns])
        return buf.getvalue()

    def to_markdown(self) -> str:
        lines = [f"**{self.name}: {self.title}**", "",
                 "| " + " | ".join(self.columns) + " |",
                 "|" + "|".join("---" for _ in self.columns) + "|"]
        for r in self.rows:
            lines.append("| " + " | ".join(fmt(r.get(c), self.formats.get(c)) for c in self.columns) + " |")
        if self.notes:
            lines += ["", self.notes]
        return "\n".join(lines) + "\n"

    def to_latex(self) -> str:
        cols = "".join("l" if _is_text_column(self, c) else "r" for c in self.columns)
        lines = [r"\begin{table}[ht]", r"\centering", rf"\caption{{{_tex(self.title)}}}",
                 rf"\label{{tab:{self.name}}}", rf"\begin{{tabular}}{{{cols}}}", r"\toprule",
                 " & ".join(_tex(c) for c in self.columns) + r" \\", r"\midrule"]
        for r in self.rows:
            lines.append(" & ".join(_tex(fmt(r.get(c), self.formats.get(c))) for c in self.columns) + r" \\")
        lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
        return "\n".join(lines) + "\n"


def fmt(v: Any, spec: str | None = None) -> str:
    """Human format of one cell: floats with ``spec`` (default ``.6g``), ``None`` as empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return format(v, spec or ".6g")
    if isinstance(v, int) and spec:
        return format(v, spec)
    return str(v)


def _is_text_column(t: Table, c: str) -> bool:
    return any(isinstance(r.get(c), str) for r in t.rows)


_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex(s: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in str(s))


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)  # shortest round-trip representation: full precision
    return str(v)


def _parse(s: str) -> Any:
    if s == "":
        return None
    if s in ("true", "false"):
        return s == "true"
    try:
        return int(s)
    except ValueError:
        pass
    try:
        return float(s)
    except ValueError:
        return s


def read_csv(path: Path | str) -> tuple[list[str], list[dict]]:
    """Columns and rows of a CSV written by :meth:`Table.to_csv` (numbers parsed back)."""
    with open(path, newline="") as f:
        rd = csv.reader(f)
        cols = next(rd)
        rows = [{c: _parse(v) for c, v in zip(cols, line)} for line in rd]
    return cols, rows


def write_table(table: Table, out_dir: Path, *, meta: dict | None = None) -> dict[str, Path]:
    """Write ``NAME.csv``, ``NAME.md``, ``NAME.tex`` and ``NAME.json`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {ext: out_dir / f"{table.name}.{ext}" for ext in ("csv", "md", "tex", "json")}
    paths["csv"].write_text(table.to_csv())
    paths["md"].write_text(table.to_markdown())
    paths["tex"].write_text(table.to_latex())
    payload = {"schema": "ncbounds.table/1", "name": table.name, "title": table.title,
               "columns": list(table.columns), "key": list(table.key),
               "tolerances": {k: list(v) for k, v in table.tolerances.items()},
               "notes": table.notes, "meta": jsonable(meta or {}), "rows": jsonable(list(table.rows))}
    paths["json"].write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")
    return paths


def _row_key(row: dict, key: Sequence[str]) -> tuple:
    return tuple(_norm_key(row.get(k)) for k in key)


def _norm_key(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def compare_to_reference(table: Table, reference: Path | str | None = None) -> list[str]:
    """Differences between ``table`` and its stored reference CSV; an empty list means agreement.

    Rows are paired by ``table.key`` (by position when the key is empty); every column in
    ``table.tolerances`` is compared. Missing or extra rows are differences.
    """
    path = Path(reference) if reference is not None else REFERENCE_DIR / f"{table.name}.csv"
    if not path.exists():
        return [f"{table.name}: no reference at {path}"]
    cols, ref_rows = read_csv(path)
    problems = [f"{table.name}: column {c!r} missing from the reference" for c in table.tolerances if c not in cols]
    new_rows = [{c: _parse(_csv_value(r.get(c))) for c in table.columns} for r in table.rows]
    if table.key:
        ref_by = {_row_key(r, table.key): r for r in ref_rows}
        new_by = {_row_key(r, table.key): r for r in new_rows}
        pairs = [(k, new_by[k], ref_by[k]) for k in new_by if k in ref_by]
        problems += [f"{table.name}: row {k} not in the reference" for k in new_by if k not in ref_by]
        problems += [f"{table.name}: reference row {k} missing" for k in ref_by if k not in new_by]
    else:
        if len(ref_rows) != len(new_rows):
            problems.append(f"{table.name}: {len(new_rows)} rows against {len(ref_rows)} in the reference")
        pairs = [(i, a, b) for i, (a, b) in enumerate(zip(new_rows, ref_rows))]
    for k, new, ref in pairs:
        for c, (rtol, atol) in table.tolerances.items():
            a, b = new.get(c), ref.get(c)
            if not _close(a, b, rtol, atol):
                problems.append(f"{table.name}: row {k}, column {c!r}: {a!r} against reference {b!r} "
                                f"(rtol {rtol:g}, atol {atol:g})")
    return problems


def _close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= atol + rtol * abs(b)
    return a == b
