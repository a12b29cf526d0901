"""Writing rows for people and programs: table, CSV or JSON, always terminal-safe.

CSV is formula-neutralised wherever it goes (:func:`shadowtrace.export.csv_rows.csv_text`), and
any format written to a terminal has its control characters shown as escapes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pyarrow as pa

from shadowtrace.export.csv_rows import csv_text, shortest_floats
from shadowtrace.export.safe import terminal_safe

__all__ = ["FORMATS", "TerminalSafe", "is_terminal", "render_table", "terminal_safe", "write_json", "write_rows"]

FORMATS = ("table", "csv", "json")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("ascii", "backslashreplace")
    return terminal_safe(str(value))


def render_table(table: pa.Table, *, max_width: int = 60) -> str:
    """A plain aligned text table."""
    names = table.column_names
    rows = [[_cell(v)[:max_width] for v in row.values()] for row in table.to_pylist()]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


class TerminalSafe:
    """A text stream in front of another that shows control characters as escapes: for output
    meant for programs (CSV, JSON, exports) when it goes to a terminal instead."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def write(self, text: str) -> int:
        return int(self.out.write(terminal_safe(text)))

    def flush(self) -> None:
        self.out.flush()


def is_terminal(out: Any) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def _safe_out(out: Any) -> Any:
    out = out or sys.stdout
    return TerminalSafe(out) if is_terminal(out) else out


def write_json(value: Any, out: Any = None) -> None:
    """``value`` as one line of JSON on ``out`` (stdout), control characters escaped on a terminal
    (JSON escapes C0 characters, not C1 ones or bidi overrides)."""
    _safe_out(out).write(json.dumps(value, default=_json_default, ensure_ascii=False) + "\n")


def write_rows(table: pa.Table, fmt: str, out: Any = None) -> None:
    """Write a table to ``out`` (stdout) in one of FORMATS."""
    out = _safe_out(out)
    table = shortest_floats(table)
    if fmt == "table":
        out.write(render_table(table) + "\n")
    elif fmt == "csv":
        out.write(csv_text(table))
    elif fmt == "json":
        out.write(json.dumps(table.to_pylist(), default=_json_default, ensure_ascii=False) + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("ascii", "backslashreplace")
    return str(value)
