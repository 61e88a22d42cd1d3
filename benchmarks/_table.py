"""Shared table printer for the benchmark scripts (rich, fixed width so logs stay readable)."""

from __future__ import annotations


def fmt(v, digits: int = 4) -> str:
    return f"{v:.{digits}g}" if isinstance(v, float) else str(v)


def print_table(title: str, rows: list[dict], *, skip: tuple = (), digits: int = 4) -> None:
    from rich.console import Console
    from rich.table import Table

    if not rows:
        return
    t = Table(title=title)
    cols = [c for c in dict.fromkeys(k for r in rows for k in r) if c not in skip]
    for c in cols:
        t.add_column(c, justify="right" if isinstance(rows[0].get(c), (int, float)) else "left")
    for r in rows:
        t.add_row(*[fmt(r.get(c, ""), digits) for c in cols])
    Console(width=200).print(t)
