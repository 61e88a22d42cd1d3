"""Registry of checkable claims: Claim, Evidence, Context, run and report.

A **claim** is one checkable statement from a spec (``shared/spec/*.md``) under the spec's ID. It
records the paper, the statement, its provenance tag, its cost class and a check function
``fn(ctx, control=False) -> Evidence``. The same function run with ``control=True`` is the
**negative control**: the check on a perturbed input or a violated hypothesis, which must not
pass. A claim's outcome is good iff the check PASSes and the control does not (FAIL or N/A).

Statements a spec lists but that cannot be checked here are registered with :func:`excuse`
and a reason, so that completeness can be tested.

JSON report schema (``ncbounds check --json``, ``--report FILE.json``)::

    {"schema": "ncbounds.check/1",
     "seed": int, "deep": bool, "seconds": float,
     "summary": {"claims": int, "passed": int, "failed": int, "controls_passed": int,
                 "not_applicable": int, "excused": int, "ok": bool},
     "results": [{"id": str, "paper": str, "statement": str, "provenance": str, "cost": str,
                  "covers": [str], "ok": bool,
                  "check":   {"verdict": "PASS"|"FAIL"|"N/A", "measured": {...}, "expected": {...},
                              "tolerance": float|null, "message": str, "seconds": float},
                  "control": {... same fields ..., "description": str}}],
     "excused": [{"id": str, "paper": str, "reason": str}]}
"""

from __future__ import annotations

import json
import math
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ncbounds._results import Result, jsonable

__all__ = [
    "PASS", "FAIL", "NA", "PROVENANCE", "COSTS",
    "Evidence", "Claim", "Excused", "Context", "ClaimResult", "Report",
    "claim", "excuse", "all_claims", "excused", "get", "select", "run", "compare", "verdict_from",
    "spec_ids", "unaccounted", "groups_by_module", "write_timings",
]

PASS, FAIL, NA = "PASS", "FAIL", "N/A"
PROVENANCE = ("paper", "reconstructed", "derived", "reviewers")
COSTS = ("fast", "medium", "slow")
PAPERS = ("gao2023", "ji2022", "jacot2024", "wu2025", "classic")


@dataclass(frozen=True)
class Evidence(Result):
    """What a check measured, what it expected, the tolerance and the verdict."""

    verdict: str
    measured: dict = field(default_factory=dict)
    expected: dict = field(default_factory=dict)
    tolerance: float | None = None
    message: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.verdict == PASS


@dataclass
class Context:
    """Run settings handed to every check.

    Attributes:
      seed: base seed for checks that draw random instances.
      deep: run the deep variants (longer horizons, larger hypothesis budgets).
      tolerance_override: if set, every numerical tolerance read through :meth:`tol` is replaced
        by this value (``ncbounds check --tolerance 0`` makes numerical claims fail on purpose).
    """

    seed: int = 0
    deep: bool = False
    tolerance_override: float | None = None
    cache: dict = field(default_factory=dict)

    def tol(self, default: float) -> float:
        return float(default) if self.tolerance_override is None else float(self.tolerance_override)

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """Compute ``fn()`` once per run and share it between claims (e.g. one long trajectory)."""
        if key not in self.cache:
            self.cache[key] = fn()
        return self.cache[key]


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str
    statement: str
    provenance: str
    cost: str
    fn: Callable[..., Evidence]
    control: str
    covers: tuple[str, ...] = ()
    group: str | None = None  # claims sharing memoised runs; default: the defining module

    def run_check(self, ctx: Context) -> Evidence:
        return _timed(self.fn, ctx, False)

    def run_control(self, ctx: Context) -> Evidence:
        return _timed(self.fn, ctx, True)


@dataclass(frozen=True)
class Excused:
    id: str
    paper: str
    reason: str


_REGISTRY: dict[str, Claim] = {}
_EXCUSED: dict[str, Excused] = {}


def claim(id: str, *, paper: str, statement: str, provenance: str, cost: str, control: str,
          covers: Iterable[str] = (), group: str | None = None):
    """Decorator registering ``fn(ctx, control=False) -> Evidence`` as the claim ``id``.

    ``control`` describes the negative control (what ``fn(ctx, control=True)`` perturbs). ``group``
    names the claims that share memoised runs (``ctx.memo``) when that is a part of a module; the
    parallel runner keeps a group in one worker. Default: the defining module.
    """
    if provenance not in PROVENANCE:
        raise ValueError(f"{id}: provenance must be one of {PROVENANCE}, got {provenance!r}")
    if cost not in COSTS:
        raise ValueError(f"{id}: cost must be one of {COSTS}, got {cost!r}")
    if paper not in PAPERS:
        raise ValueError(f"{id}: paper must be one of {PAPERS}, got {paper!r}")

    def deco(fn):
        if id in _REGISTRY:
            raise ValueError(f"claim {id} registered twice")
        _REGISTRY[id] = Claim(id=id, paper=paper, statement=statement, provenance=provenance,
                              cost=cost, fn=fn, control=control, covers=tuple(covers), group=group)
        return fn

    return deco


def excuse(id: str, *, paper: str, reason: str) -> None:
    """Register a spec statement as not checkable here, with the reason."""
    _EXCUSED[id] = Excused(id=id, paper=paper, reason=reason)


def _load_all() -> None:
    # importing the modules registers their claims
    from . import classic  # noqa: F401
    for mod in ("gao2023", "ji2022", "jacot2024", "wu2025", "dynamics_claims", "digits_claims", "frames_claims"):
        try:
            __import__(f"{__package__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{mod}":
                raise


_ID_RE = r"\b(?:GAO|JI|JACOT|WU|CL)-[A-Za-z0-9.]+(?:-[A-Za-z0-9.]+)*"


def spec_ids(texts: Iterable[str]) -> set[str]:
    """Every statement/claim ID named in the given spec texts (``shared/spec/*.md``)."""
    import re

    return {m.rstrip(".") for t in texts for m in re.findall(_ID_RE, t)}


def unaccounted(ids: Iterable[str]) -> list[str]:
    """Spec IDs that no claim checks, covers or excuses (registry completeness; empty when complete).

    An ID is accounted for when it is a registered claim, appears in some claim's ``covers``, is
    excused with a reason, or names a family (``CL-METRIC-*``, ``JI-T3a``) of which some member is
    accounted for.
    """
    done = {c.id for c in all_claims()} | {x for c in all_claims() for x in c.covers} | {e.id for e in excused()}
    return sorted(i for i in set(ids) if i not in done
                  and not any(d.startswith((i + "-", i + ".")) for d in done))


def all_claims() -> list[Claim]:
    _load_all()
    return list(_REGISTRY.values())


def excused() -> list[Excused]:
    _load_all()
    return list(_EXCUSED.values())


def get(id: str) -> Claim:
    _load_all()
    return _REGISTRY[id]


def select(*, paper: str | None = None, ids: Iterable[str] | None = None,
           deep: bool = False) -> list[Claim]:
    """Claims to run: by paper and/or IDs; slow claims only with ``deep`` (or named explicitly)."""
    claims = all_claims()
    if ids:
        want = list(ids)
        unknown = [i for i in want if i not in _REGISTRY]
        if unknown:
            raise KeyError(f"unknown claim id(s): {', '.join(unknown)}")
        return [_REGISTRY[i] for i in want]
    if paper is not None:
        if paper not in PAPERS:
            raise KeyError(f"unknown paper {paper!r}; one of {', '.join(PAPERS)}")
        claims = [c for c in claims if c.paper == paper]
    if not deep:
        claims = [c for c in claims if c.cost != "slow"]
    return claims


def _timed(fn, ctx: Context, control: bool) -> Evidence:
    t0 = time.perf_counter()
    try:
        ev = fn(ctx, control=control)
    except Exception as exc:  # a crashing check is a failing check, with the reason kept
        ev = Evidence(verdict=FAIL, message=f"raised {type(exc).__name__}: {exc}\n"
                      + "".join(traceback.format_exception(exc)[-3:]))
    if not isinstance(ev, Evidence):
        ev = Evidence(verdict=FAIL, message=f"check returned {type(ev).__name__}, not Evidence")
    return Evidence(verdict=ev.verdict, measured=ev.measured, expected=ev.expected,
                    tolerance=ev.tolerance, message=ev.message, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------
# helpers for writing checks
# --------------------------------------------------------------------------------------------

def compare(measured: dict[str, float], expected: dict[str, float], tol: float, *,
            relative: bool = False, message: str = "") -> Evidence:
    """PASS iff every measured value is within ``tol`` of its expected value.

    Absolute error by default; ``relative=True`` uses ``|m - e| <= tol * max(1, |e|)``.
    """
    bad = []
    for k, e in expected.items():
        m = measured[k]
        if isinstance(e, bool) or isinstance(m, bool):
            ok = bool(m) == bool(e)
        else:
            m, e = float(m), float(e)
            scale = max(1.0, abs(e)) if relative else 1.0
            ok = math.isfinite(m) and abs(m - e) <= tol * scale
        if not ok:
            bad.append(k)
    msg = message or ("all within tolerance" if not bad else "out of tolerance: " + ", ".join(bad))
    return Evidence(verdict=PASS if not bad else FAIL, measured=dict(measured),
                    expected=dict(expected), tolerance=float(tol), message=msg)


def verdict_from(conditions: dict[str, bool], *, measured: dict | None = None,
                 expected: dict | None = None, tolerance: float | None = None,
                 message: str = "") -> Evidence:
    """PASS iff every named condition holds; the message lists those that failed."""
    bad = [k for k, ok in conditions.items() if not ok]
    msg = message or ("all conditions hold" if not bad else "failed: " + ", ".join(bad))
    return Evidence(verdict=PASS if not bad else FAIL, measured=dict(measured or {}),
                    expected=dict(expected or {}), tolerance=tolerance, message=msg)


# --------------------------------------------------------------------------------------------
# running and reporting
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimResult(Result):
    id: str
    paper: str
    statement: str
    provenance: str
    cost: str
    covers: tuple
    check: Evidence
    control: Evidence
    control_description: str

    @property
    def ok(self) -> bool:
        return self.check.verdict == PASS and self.control.verdict != PASS

    def to_dict(self) -> dict:
        d = {k: jsonable(getattr(self, k)) for k in ("id", "paper", "statement", "provenance", "cost")}
        d["covers"] = list(self.covers)
        d["ok"] = self.ok
        d["check"] = self.check.to_dict()
        d["control"] = dict(self.control.to_dict(), description=self.control_description)
        return d


@dataclass(frozen=True)
class Report(Result):
    results: list
    excused: list
    seed: int
    deep: bool
    seconds: float

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def summary(self) -> dict:
        return {
            "claims": len(self.results),
            "passed": sum(r.check.verdict == PASS for r in self.results),
            "failed": sum(r.check.verdict != PASS for r in self.results),
            "controls_passed": sum(r.control.verdict == PASS for r in self.results),
            "not_applicable": sum(r.check.verdict == NA for r in self.results),
            "excused": len(self.excused),
            "ok": self.ok,
        }

    def to_dict(self) -> dict:
        return {
            "schema": "ncbounds.check/1", "seed": self.seed, "deep": self.deep,
            "seconds": self.seconds, "summary": self.summary(),
            "results": [r.to_dict() for r in self.results],
            "excused": [{"id": e.id, "paper": e.paper, "reason": e.reason} for e in self.excused],
        }

    def to_markdown(self) -> str:
        s = self.summary()
        lines = [
            "# ncbounds check report", "",
            f"{s['claims']} claims: {s['passed']} passed, {s['failed']} failed; "
            f"{s['controls_passed']} controls passed (should be 0); {s['excused']} excused. "
            f"Seed {self.seed}, deep={self.deep}, {self.seconds:.1f} s.", "",
            "| ID | paper | provenance | check | control | measured vs expected |",
            "|---|---|---|---|---|---|",
        ]
        for r in self.results:
            lines.append(f"| {r.id} | {r.paper} | [{r.provenance}] | {r.check.verdict} | "
                         f"{r.control.verdict} | {_short(r.check)} |")
        if self.excused:
            lines += ["", "## Not checkable here", ""]
            lines += [f"- **{e.id}** ({e.paper}): {e.reason}" for e in self.excused]
        return "\n".join(lines) + "\n"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _short(ev: Evidence, width: int = 90) -> str:
    parts = []
    for k, e in ev.expected.items():
        m = ev.measured.get(k, "?")
        parts.append(f"{k}={_fmt(m)} (exp {_fmt(e)})")
    if not parts:
        parts = [f"{k}={_fmt(v)}" for k, v in list(ev.measured.items())[:3]]
    s = "; ".join(parts) or ev.message
    return s if len(s) <= width else s[: width - 1] + "…"


_COST_SECONDS = {"fast": 0.5, "medium": 8.0, "slow": 60.0}  # rough estimates where no timing is stored
_TIMINGS_FILE = Path(__file__).with_name("timings.json")


def _timings() -> dict[str, float]:
    """Seconds per claim (check + control) of a reference run (the default claims from a default run, the
    slow ones from a ``--deep`` run), used only to order the worker groups. Regenerate with
    ``ncbounds check --json > r.json`` and :func:`write_timings`."""
    try:
        return json.loads(_TIMINGS_FILE.read_text())
    except (OSError, ValueError):
        return {}


def write_timings(report: dict, path: Path | str = _TIMINGS_FILE) -> None:
    """Store the per-claim seconds of a JSON report (schema ``ncbounds.check/1``) for scheduling."""
    t = {r["id"]: round(r["check"]["seconds"] + r["control"]["seconds"], 2) for r in report["results"]}
    Path(path).write_text(json.dumps(dict(sorted(t.items())), indent=0) + "\n")


def _run_one(c: Claim, ctx: Context) -> ClaimResult:
    return ClaimResult(id=c.id, paper=c.paper, statement=c.statement, provenance=c.provenance, cost=c.cost,
                       covers=c.covers, check=c.run_check(ctx), control=c.run_control(ctx), control_description=c.control)


def _run_group(ids: list[str], seed: int, deep: bool, tolerance_override: float | None) -> list[ClaimResult]:
    """Worker: one group's claims with one fresh Context (memoised runs stay shared within the group)."""
    from threadpoolctl import threadpool_limits

    ctx = Context(seed=seed, deep=deep, tolerance_override=tolerance_override)
    with threadpool_limits(limits=1):  # the workers already use the cores: no BLAS oversubscription
        return [_run_one(get(i), ctx) for i in ids]


def groups_by_module(claims: list[Claim]) -> list[list[Claim]]:
    """Claims grouped by ``group`` (default: defining module), so that memoised runs are shared within a
    group, heaviest first by stored timings (cost-class estimates where none is stored): the order in
    which a pool should start them (longest processing time first)."""
    groups: dict[str, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.group or c.fn.__module__, []).append(c)
    t = _timings()
    return sorted(groups.values(), key=lambda g: -sum(t.get(c.id, _COST_SECONDS[c.cost]) for c in g))


def run(claims: list[Claim], ctx: Context | None = None, *, progress: Callable[[Claim], None] | None = None,
        include_excused: bool = True, jobs: int = 1) -> Report:
    """Run each claim's check and control; ``progress(claim)`` is called after each claim.

    ``jobs > 1`` runs the claims of each defining module in one of ``jobs`` worker processes (each with a
    fresh :class:`Context` of the same seed, deep flag and tolerance override, so ``ctx.cache`` is not
    used); results keep the order of ``claims``. Claims are deterministic given the seed, so the verdicts
    do not depend on ``jobs``.
    """
    ctx = ctx or Context()
    t0 = time.perf_counter()
    groups = groups_by_module(claims)
    if jobs > 1 and len(groups) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        done: dict[str, ClaimResult] = {}
        with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), mp_context=mp.get_context(method)) as pool:
            futs = {pool.submit(_run_group, [c.id for c in g], ctx.seed, ctx.deep, ctx.tolerance_override): g
                    for g in groups}
            for f in as_completed(futs):
                for r in f.result():
                    done[r.id] = r
                    if progress:
                        progress(get(r.id))
        out = [done[c.id] for c in claims]
    else:
        out = []
        for c in claims:
            out.append(_run_one(c, ctx))
            if progress:
                progress(c)
    papers = {c.paper for c in claims}
    exc = [e for e in excused() if e.paper in papers] if include_excused else []
    return Report(results=out, excused=exc, seed=ctx.seed, deep=ctx.deep, seconds=time.perf_counter() - t0)
