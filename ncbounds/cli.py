"""The ``ncbounds`` command. Thin: it parses arguments, calls the library and prints.

Verbs: ``check`` (run the registered claims), ``metrics`` (NC metrics of a features file),
``solve`` (certified solvers), ``trace``, ``bound``, ``tables`` (paper tables). Every verb has ``--json``. Long work shows a progress bar when
standard error is a terminal.
"""

from __future__ import annotations

import argparse
import json
import os
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
            report = registry.run(claims, ctx, jobs=args.jobs,
                                  progress=lambda c: prog.update(task, advance=1, description=c.id))
    else:
        report = registry.run(claims, ctx, jobs=args.jobs)

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
# solve
# --------------------------------------------------------------------------------------------

def _counts_to_labels(text: str):
    from .data import labels_from_counts

    try:
        counts = [int(c) for c in text.split(",")]
    except ValueError:
        raise SystemExit(f"ncbounds: --counts must be comma-separated integers, got {text!r}")
    return labels_from_counts(counts)


def _scalars(result) -> dict:
    """The scalar fields of a result (arrays are left to --save), with the certificate summary."""
    import numpy as np

    out = {}
    for k, v in result.to_dict().items():
        raw = getattr(result, k)
        if isinstance(raw, np.ndarray) or k in ("closed_form",):
            continue
        if k == "certificate" and isinstance(v, dict):
            out["certificate"] = {c: v[c] for c in ("passed", "relative_gap", "duality_gap",
                                                    "primal_infeasibility", "dual_infeasibility", "stationarity")}
            continue
        out[k] = v
    return out


def _cmd_solve(args) -> int:
    import numpy as np

    from . import solvers
    from .data import load_features

    if args.problem == "svm":
        inst = load_features(args.features)
        res = solvers.multiclass_svm(inst.H, inst.y, bias=args.bias, K=inst.K, method=args.method)
    else:
        if args.counts is None and args.features is None:
            raise SystemExit("ncbounds solve: give --counts n0,n1,... or a FEATURES.npz to take labels from")
        y = _counts_to_labels(args.counts) if args.counts else load_features(args.features).y
        if args.problem == "min-norm":
            res = solvers.min_norm_separation(y, d=args.d, method=args.method)
        elif args.problem == "ufm":
            res = solvers.regularized_ufm(y, loss=args.loss, lambda_W=args.lambda_W, lambda_H=args.lambda_H,
                                          lambda_b=args.lambda_b, d=args.d)
        else:
            res = solvers.layer_peeled_model(np.bincount(y), E_W=args.E_W, E_H=args.E_H)
    if args.save:
        arrays = {k: getattr(res, k) for k in ("W", "H", "b", "X") if isinstance(getattr(res, k, None), np.ndarray)}
        np.savez(args.save, **arrays)
    out = {"problem": args.problem, **_scalars(res)}
    if args.json:
        _print_json(out)
        return 0
    from rich.table import Table
    t = Table(title=f"ncbounds solve {args.problem}")
    t.add_column("field"); t.add_column("value", justify="right")
    for k, v in out.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                t.add_row(f"{k}.{k2}", _fmtv(v2))
        else:
            t.add_row(k, _fmtv(v))
    _console().print(t)
    return 0


def _fmtv(v) -> str:
    return f"{v:.10g}" if isinstance(v, float) else str(v)


# --------------------------------------------------------------------------------------------
# trace
# --------------------------------------------------------------------------------------------

def _cmd_trace(args) -> int:
    import numpy as np

    from . import dynamics
    from .data import load_features, sep_a

    lr = "auto" if args.lr == "auto" else float(args.lr)
    err = _console(stderr=True)
    status = err.status(f"tracing {args.model} for {args.steps} steps") if (err.is_terminal and not args.json) else None
    if status:
        status.start()
    try:
        if args.model == "fixed":
            inst = load_features(args.features) if args.features else sep_a()
            tr = dynamics.gd_fixed_features(inst.H, inst.y, steps=args.steps, lr=lr, schedule=args.schedule,
                                            bias=args.bias, K=inst.K, n_records=args.records)
        else:
            from .data import class_labels

            y = _counts_to_labels(args.counts) if args.counts else class_labels(args.K, args.n)
            tr = dynamics.gd_ufm(y, args.d, steps=args.steps, lr=1e-2 if lr == "auto" else lr,
                                 weight_decay=args.weight_decay, init_scale=args.init_scale, seed=args.seed,
                                 schedule=args.schedule, n_records=args.records)
    finally:
        if status:
            status.stop()
    if args.plot:
        dynamics.plot(tr, args.plot)
    rates = None
    try:
        rates = dynamics.trajectory_rates(tr)
    except NCBoundsError:
        pass
    final = {k: float(v[-1]) for k, v in tr.records.items() if np.ndim(v) == 1 and len(v)}
    out = {"model": args.model, "schedule": args.schedule, "steps": args.steps, "status": tr.status,
           "message": tr.message, "final": final, "rates": rates.to_dict() if rates is not None else None}
    if args.json:
        out["records"] = tr.records
        _print_json(out)
        return 0
    from rich.table import Table
    t = Table(title=f"ncbounds trace {args.model} ({args.schedule}, {args.steps} steps): final records")
    t.add_column("record"); t.add_column("value", justify="right")
    for k, v in final.items():
        t.add_row(k, f"{v:.6g}")
    con = _console()
    con.print(t)
    if tr.message:
        con.print(tr.message, highlight=False, markup=False)
    if rates is not None:
        con.print(f"rate fit: best model {rates.best!r}", highlight=False, markup=False)
    if args.plot:
        con.print(f"plot written to {args.plot}", highlight=False, markup=False)
    return 0


# --------------------------------------------------------------------------------------------
# bound
# --------------------------------------------------------------------------------------------

def _parse_value(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False, "none": None}.get(text.lower(), text)


def _cmd_bound(args) -> int:
    from . import bounds

    options = {}
    for item in args.set or []:
        if "=" not in item:
            raise SystemExit(f"ncbounds bound: --set takes key=value, got {item!r}")
        k, v = item.split("=", 1)
        options[k.strip()] = _parse_value(v.strip())
    res = bounds.evaluate(args.kind, args.features, name=args.name, quick=not args.full, seed=args.seed, **options)
    if args.latex:
        sys.stdout.write(bounds.latex(res) + "\n")
        return 0
    d = res.to_dict()
    if args.json:
        _print_json(d)
        return 0
    from rich.table import Table
    t = Table(title=f"ncbounds bound {args.kind}" + (f" {args.name}" if args.name else ""))
    t.add_column("field"); t.add_column("value", overflow="fold")
    for k, v in _flatten(d):
        t.add_row(k, v)
    _console().print(t)
    return 0


def _flatten(d, prefix: str = "", depth: int = 0):
    """Rows (key, short text) of a nested result dict; long lists are summarised."""
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and depth < 2:
            yield from _flatten(v, key + ".", depth + 1)
        elif isinstance(v, list) and len(v) > 8:
            yield key, f"[{len(v)} values]"
        else:
            text = _fmtv(v) if isinstance(v, float) else str(v)
            yield key, text if len(text) <= 200 else text[:199] + "…"


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------

def _cmd_tables(args) -> int:
    from paper_tables import SCRIPTS, run_tables

    only = [t.strip().upper() for group in (args.only or []) for t in group.split(",") if t.strip()]
    unknown = [t for t in only if t not in SCRIPTS]
    if unknown:
        print(f"ncbounds tables: unknown table(s) {', '.join(unknown)}; one of {', '.join(SCRIPTS)}", file=sys.stderr)
        return 2
    names = only or list(SCRIPTS)
    out = Path(args.out)
    err = _console(stderr=True)
    kwargs = dict(quick=args.quick, out=out, write_reference=args.write_reference,
                  compare=True if args.compare else None)
    if err.is_terminal and not args.json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        with Progress(TextColumn("[bold]tables"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as prog:
            task = prog.add_task("", total=len(names))
            runs = []
            for n in names:
                runs += run_tables([n], progress=lambda t, msg: prog.update(task, description=f"{t}: {msg}"), **kwargs)
                prog.update(task, advance=1)
    else:
        runs = []
        for n in names:
            runs += run_tables([n], **kwargs)
            if not args.json:
                print(f"{n}: {runs[-1].seconds:.1f} s", file=sys.stderr, flush=True)
    diffs = [d for r in runs for d in r.reference_differences]
    if args.json:
        _print_json({"out": str(out), "quick": args.quick, "tables": [r.to_dict() for r in runs]})
    else:
        from rich.table import Table
        t = Table(title=f"paper tables ({'quick' if args.quick else 'full'}) → {out}")
        for c in ("table", "title", "seconds", "files", "reference"):
            t.add_column(c)
        for r in runs:
            ref = "written" if args.write_reference else (
                "—" if not (args.quick or args.compare) else ("matches" if not r.reference_differences
                                                              else f"{len(r.reference_differences)} differences"))
            t.add_row(r.name, r.title, f"{r.seconds:.1f}", str(len(r.files)), ref)
        _console().print(t)
        for d in diffs:
            print(f"  {d}", file=sys.stderr)
    return 1 if diffs else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ncbounds", description="Check Neural Collapse theory numerically and compute its bounds.")
    p.add_argument("--version", action="version", version=f"ncbounds {__version__}")
    sub = p.add_subparsers(dest="verb", required=True)

    c = sub.add_parser("check", help="run the registered claims (check + negative control each)")
    c.add_argument("--paper", choices=("gao2023", "ji2022", "jacot2024", "wu2025", "classic"))
    c.add_argument("--claim", action="append", metavar="ID", help="run only this claim (repeatable)")
    c.add_argument("--deep", action="store_true", help="include slow claims and larger budgets")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="worker processes, one module's claims per worker at a time (default: the number of CPUs)")
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

    s = sub.add_parser("solve", help="certified solvers: svm, min-norm, ufm, lpm")
    s.add_argument("problem", choices=("svm", "min-norm", "ufm", "lpm"))
    s.add_argument("features", type=Path, nargs="?", help=".npz with H, y (svm); labels source otherwise")
    s.add_argument("--counts", help="class sizes n0,n1,... (min-norm, ufm, lpm)")
    s.add_argument("--bias", action="store_true", help="svm: unpenalised bias")
    s.add_argument("--method", default="auto", help="svm: auto|cvxpy; min-norm: auto|convex|closed_form")
    s.add_argument("--d", type=int, default=None, help="feature dimension of the returned factors")
    s.add_argument("--loss", choices=("ce", "mse"), default="ce", help="ufm loss")
    s.add_argument("--lambda-W", dest="lambda_W", type=float, default=1e-2)
    s.add_argument("--lambda-H", dest="lambda_H", type=float, default=1e-2)
    s.add_argument("--lambda-b", dest="lambda_b", type=float, default=None)
    s.add_argument("--E-W", dest="E_W", type=float, default=1.0, help="lpm classifier energy")
    s.add_argument("--E-H", dest="E_H", type=float, default=5.0, help="lpm feature energy")
    s.add_argument("--save", metavar="OUT.npz", help="write the solution arrays (W, H, b, X)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_cmd_solve)

    t = sub.add_parser("trace", help="gradient descent on CE: fixed features (→ SVM) or free features (→ min-norm)")
    t.add_argument("model", choices=("fixed", "ufm"))
    t.add_argument("features", type=Path, nargs="?", help="fixed: .npz with H, y (default: the SEP-A instance)")
    t.add_argument("--steps", type=int, default=10_000)
    t.add_argument("--lr", default="auto", help="step size (fixed: 'auto' = 1/||H||_op^2; ufm: default 1e-2)")
    t.add_argument("--schedule", default="normalized",
                   choices=("constant", "normalized", "grad_normalized", "rescaled"))
    t.add_argument("--bias", action="store_true", help="fixed: train a bias too")
    t.add_argument("--K", type=int, default=4, help="ufm: classes (balanced, with --n)")
    t.add_argument("--n", type=int, default=3, help="ufm: samples per class")
    t.add_argument("--counts", help="ufm: class sizes n0,n1,... (overrides --K/--n)")
    t.add_argument("--d", type=int, default=6, help="ufm: feature dimension")
    t.add_argument("--weight-decay", dest="weight_decay", type=float, default=0.0)
    t.add_argument("--init-scale", dest="init_scale", type=float, default=0.5)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--records", type=int, default=40, help="number of log-spaced record points")
    t.add_argument("--plot", metavar="FILE.png")
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=_cmd_trace)

    b = sub.add_parser("bound", help="evaluate a bound: margin, alignment, symbolic, jacot, wu, wu-counterexample")
    b.add_argument("kind", choices=("margin", "alignment", "symbolic", "jacot", "wu", "wu-counterexample"))
    b.add_argument("features", type=Path, nargs="?", help="margin/alignment: .npz with H, y, W")
    b.add_argument("--name", help="symbolic: which derivation (see ncbounds.bounds.symbolic.DERIVATIONS)")
    b.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="an option of the bound (repeatable), e.g. --set c_K=2K^2 --set u=0")
    b.add_argument("--full", action="store_true", help="jacot/wu: the full-length training run (default quick)")
    b.add_argument("--seed", type=int, default=None)
    b.add_argument("--latex", action="store_true", help="print LaTeX (formula and/or a table of the terms)")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_cmd_bound)
    tb = sub.add_parser("tables", help="regenerate the papers' tables and plots (CSV, Markdown, LaTeX, PNG)")
    tb.add_argument("--only", action="append", metavar="T", help="only these tables, e.g. T4 or T1,T3 (repeatable)")
    tb.add_argument("--quick", action="store_true",
                    help="quick settings (all tables in a few minutes); compared with the stored references")
    tb.add_argument("--out", default="out/tables", help="output folder (default out/tables)")
    tb.add_argument("--compare", action="store_true", help="compare with the stored references also without --quick")
    tb.add_argument("--write-reference", dest="write_reference", action="store_true",
                    help="developers: store this --quick run as the new references")
    tb.add_argument("--json", action="store_true")
    tb.set_defaults(func=_cmd_tables)
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
