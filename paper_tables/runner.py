"""Run the table scripts and write their outputs (the engine behind ``ncbounds tables``)."""

from __future__ import annotations

import importlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable

from ncbounds._results import Result, jsonable

from .common import REFERENCE_DIR, Table, compare_to_reference, write_table

__all__ = ["SCRIPTS", "TableRun", "load_script", "run_tables"]

#: table name → module (in ``paper_tables``); the order is the order of ``ncbounds tables``.
SCRIPTS: dict[str, str] = {
    "T1": "t1_min_norm",
    "T2": "t2_gd_svm",
    "T3": "t3_minority",
    "T4": "t4_tpt_digits",
    "T5": "t5_alignment",
    "T6": "t6_jacot",
    "T7": "t7_wu",
}


def load_script(name: str) -> ModuleType:
    """The module of table ``name`` (``"T1"`` … ``"T7"``); KeyError for an unknown name."""
    key = name.upper()
    if key not in SCRIPTS:
        raise KeyError(f"unknown table {name!r}; one of {', '.join(SCRIPTS)}")
    return importlib.import_module(f"{__package__}.{SCRIPTS[key]}")


@dataclass(frozen=True)
class TableRun(Result):
    """What one script produced: its tables, the files written, time, and reference differences."""

    name: str
    title: str
    quick: bool
    seconds: float
    tables: tuple
    files: dict = field(default_factory=dict)
    reference_differences: tuple = ()

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "quick": self.quick, "seconds": self.seconds,
                "tables": [t.name for t in self.tables], "files": {k: str(v) for k, v in self.files.items()},
                "reference_differences": list(self.reference_differences)}


def run_tables(only: Iterable[str] | None = None, *, quick: bool = False, out: Path | str | None = "out/tables",
               progress: Callable[[str, str], None] | None = None, compare: bool | None = None,
               write_reference: bool = False) -> list[TableRun]:
    """Run the selected table scripts; write their files under ``out`` (nothing when ``out`` is None).

    Args:
      only: table names (default all, in :data:`SCRIPTS` order).
      quick: the scripts' quick settings (all tables in a few minutes on 2 cores).
      out: output folder; each table gets ``out/<NAME>/`` with CSV, Markdown, LaTeX, JSON and a PNG.
      progress: ``progress(table_name, message)`` is called as a script advances.
      compare: compare every table with its stored reference (default: when ``quick``, since the
        stored references are quick-mode outputs).
      write_reference: store the produced CSVs as the new references (quick mode only).
    """
    names = [n.upper() for n in (only or SCRIPTS)]
    for n in names:
        load_script(n)  # fail fast on an unknown name
    if write_reference and not quick:
        raise ValueError("references are quick-mode outputs: use write_reference with quick=True")
    compare = quick if compare is None else compare
    runs = []
    for n in names:
        mod = load_script(n)
        say = (lambda msg, _n=n: progress(_n, msg)) if progress else (lambda msg: None)
        t0 = time.perf_counter()
        tables: list[Table] = list(mod.build(quick=quick, progress=say))
        seconds = time.perf_counter() - t0
        files: dict[str, Path] = {}
        if out is not None:
            folder = Path(out) / n
            meta = {"script": f"paper_tables/{SCRIPTS[n]}.py", "quick": quick, "seconds": seconds,
                    "settings": getattr(mod, "SETTINGS", {}).get("quick" if quick else "full", {})}
            for t in tables:
                for ext, p in write_table(t, folder, meta=meta).items():
                    files[f"{t.name}.{ext}"] = p
            png = folder / f"{n}.png"
            say("plot")
            mod.plot({t.name: t for t in tables}, png)
            files[png.name] = png
        diffs: list[str] = []
        if write_reference:
            REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
            for t in tables:
                (REFERENCE_DIR / f"{t.name}.csv").write_text(t.to_csv())
        elif compare:
            for t in tables:
                diffs += compare_to_reference(t)
        runs.append(TableRun(name=n, title=mod.TITLE, quick=quick, seconds=seconds, tables=tuple(tables),
                             files=files, reference_differences=tuple(diffs)))
    if out is not None:
        _write_index(Path(out), runs)
    return runs


def _write_index(out: Path, runs: list[TableRun]) -> None:
    lines = ["# ncbounds paper tables", ""]
    for r in runs:
        lines += [f"## {r.name}: {r.title}", "", f"{'quick' if r.quick else 'full'} run, {r.seconds:.1f} s; "
                  f"plot `{r.name}/{r.name}.png`.", ""]
        lines += [t.to_markdown() for t in r.tables]
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.md").write_text("\n".join(lines))
    (out / "index.json").write_text(json.dumps(jsonable([r.to_dict() for r in runs]), indent=1) + "\n")

