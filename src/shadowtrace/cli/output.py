"""Writing rows for people and programs: table, CSV or JSON, always terminal-safe."""

from __future__ import annotations

import io
import json
import re
import sys
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

FORMATS = ("table", "csv", "json")

# C0/C1 control characters (escape sequences start with ESC or CSI) and bidi overrides
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Untrusted text with every control character shown as a visible escape."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


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


def _shortest_floats(table: pa.Table) -> pa.Table:
    """float32 columns as the float64 that prints like them (14.1, not 14.100000381)."""
    for i, f in enumerate(table.schema):
        if pa.types.is_float32(f.type):
            as_text = pc.cast(table.column(i), pa.string())
            table = table.set_column(i, f.name, pc.cast(as_text, pa.float64()))
    return table


def write_rows(table: pa.Table, fmt: str, out: Any = None) -> None:
    """Write a table to ``out`` (stdout) in one of FORMATS."""
    out = out or sys.stdout
    table = _shortest_floats(table)
    if fmt == "table":
        out.write(render_table(table) + "\n")
    elif fmt == "csv":
        buf = io.BytesIO()
        pacsv.write_csv(table, buf)
        out.write(buf.getvalue().decode("utf-8"))
    elif fmt == "json":
        out.write(json.dumps(table.to_pylist(), default=_json_default, ensure_ascii=False) + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("ascii", "backslashreplace")
    return str(value)
