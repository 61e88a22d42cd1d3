"""The ``ncbounds`` command. Thin: it parses arguments, calls the library and prints.

Verbs: ``check`` (run the registered claims), ``metrics`` (NC metrics of a features file),
``solve`` (certified solvers). Every verb has ``--json``. Long work shows a progress bar when
standard error is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from ._results import jsonable
from .errors import NCBoundsError


def _console(stderr: bool = False):
    from rich.console import Console
    con = Console(stderr=stderr, soft_wrap=False)
    if not con.is_terminal:  # logs and CI: wide enough for the tables, no wrapping of IDs
        con = Console(stderr=stderr, soft_wrap=False, width=160)
    return con


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(jsonable(obj), indent=2, allow_nan=False) + "\n")


# --------------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------------

def _cmd_check(args) -> int:
    from proofs_check import registry

    try:
        claims = registry.select(paper=args.paper, ids=args.claim, deep=args.deep)
    except KeyError as exc:
        print(f"ncbounds check: {exc.args[0]}", file=sys.stderr)
        return 2
    if not claims:
        print("ncbounds check: no claims are registered for this selection yet.", file=sys.stderr)
        return 0 if not (args.paper or args.claim) else 2
    ctx = registry.Context(seed=args.seed, deep=args.deep, tolerance_override=args.tolerance)

    err = _console(stderr=True)
    if err.is_terminal and not args.json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        with Progress(TextColumn("[bold]check"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as prog:
            task = prog.add_task("", total=len(claims))
            report = registry.run(claims, ctx, progress=lambda c: prog.update(task, advance=1, description=c.id))
    else:
        report = registry.run(claims, ctx)

    if args.report:
        path = Path(args.report)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(jsonable(report.to_dict()), indent=2, allow_nan=False) + "\n")
        else:
            path.write_text(report.to_markdown())
            path.with_suffix(".json").write_text(json.dumps(jsonable(report.to_dict()), indent=2, allow_nan=False) + "\n")
    if args.json:
        _print_json(report.to_dict())
    else:
        _print_check_table(report)
    return 0 if report.ok else 1


def _print_check_table(report) -> None:
    from rich.markup import escape
    from rich.table import Table

    from proofs_check.registry import PASS, _short

    con = _console()
    t = Table(title="ncbounds check", show_lines=False)
    for col in ("ID", "paper", "prov.", "check", "control", "measured vs expected"):
        t.add_column(col, overflow="fold")
    style = {PASS: "green", "FAIL": "red", "N/A": "yellow"}
    for r in report.results:
        ctl_style = "red" if r.control.verdict == PASS else "green"
        t.add_row(r.id, r.paper, escape(f"[{r.provenance}]"), f"[{style[r.check.verdict]}]{r.check.verdict}[/]",
                  f"[{ctl_style}]{r.control.verdict}[/]", escape(_short(r.check, 80)))
    con.print(t)
    s = report.summary()
    con.print(f"{s['claims']} claims: {s['passed']} passed, {s['failed']} failed; controls that passed "
              f"(must be 0): {s['controls_passed']}; excused: {s['excused']}; {report.seconds:.1f} s")
    for r in report.results:
        if not r.ok:
            which = "check" if r.check.verdict != PASS else "control"
            ev = r.check if which == "check" else r.control
            con.print(f"[red]{r.id}[/]: {which} {ev.verdict}: {escape(ev.message)}", highlight=False)
    con.print("[green]OK[/]" if report.ok else "[red]NOT OK[/]")


# --------------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------------

def _cmd_metrics(args) -> int:
    from .data import load_features
    from .metrics import margins, nc_metrics

    inst = load_features(args.features)
    m = nc_metrics(inst.H, inst.y, inst.W, inst.b, K=inst.K, center=args.center)
    out = {"file": str(args.features), "K": m.K, "N": m.N, "d": m.d, "center": m.center,
           "counts": m.counts, "metrics": m.summary()}
    if inst.W is not None:
        mg = margins(inst.W, inst.H, inst.y, inst.b)
        out["margins"] = {k: getattr(mg, k) for k in ("p_min", "nu_net", "nu_ufm", "nu_fixed", "loss",
                                                       "log_loss", "loss_lower", "loss_upper", "tpt", "accuracy")}
    if args.json:
        _print_json(out)
        return 0
    from rich.table import Table
    t = Table(title=f"NC metrics: {args.features} (K={m.K}, N={m.N}, d={m.d}, centre={m.center})")
    t.add_column("metric"); t.add_column("value", justify="right")
    for k, v in out["metrics"].items():
        t.add_row(k, f"{v:.6g}")
    for k, v in out.get("margins", {}).items():
        t.add_row(k, str(v) if isinstance(v, bool) else f"{v:.6g}")
    _console().print(t)
    return 0


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ncbounds", description="Check Neural Collapse theory numerically and compute its bounds.")
    p.add_argument("--version", action="version", version=f"ncbounds {__version__}")
    sub = p.add_subparsers(dest="verb", required=True)

    c = sub.add_parser("check", help="run the registered claims (check + negative control each)")
    c.add_argument("--paper", choices=("gao2023", "ji2022", "jacot2024", "wu2025", "classic"))
    c.add_argument("--claim", action="append", metavar="ID", help="run only this claim (repeatable)")
    c.add_argument("--deep", action="store_true", help="include slow claims and larger budgets")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--tolerance", type=float, default=None,
                   help="override every numerical tolerance (0 makes numerical checks fail: a self-test)")
    c.add_argument("--json", action="store_true", help="print the JSON report (schema ncbounds.check/1)")
    c.add_argument("--report", metavar="FILE", help="write a report: FILE.md (plus FILE.json) or FILE.json")
    c.set_defaults(func=_cmd_check)

    m = sub.add_parser("metrics", help="NC1–NC4 metrics and margins of a features file (.npz with H, y[, W, b])")
    m.add_argument("features", type=Path)
    m.add_argument("--center", choices=("class_mean", "sample"), default="class_mean")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=_cmd_metrics)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except NCBoundsError as exc:
        print(f"ncbounds {args.verb}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
