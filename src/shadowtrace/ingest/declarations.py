"""Port-clearance declarations (CSV) -> the ``declarations`` table + rejects.

A port authority records, for every departure it clears, the vessel, the port,
the time, and the next port the master declared. The columns (header names,
any order; extra columns are ignored):

``declaration_id, mmsi, imo, vessel_name, flag, port_locode, port_name,
departure_time, declared_next_port_locode, declared_next_port_name, cargo``

Required: ``port_locode``, ``departure_time`` (ISO 8601; UTC when no offset is
given), and ``mmsi`` or ``imo``. A row without them, or with a value that cannot
be what its column says, is a counted reject; the good rows of the file land.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from shadowtrace.ingest.stats import IngestStats
from shadowtrace.models.tables import DECLARATIONS, MAX_REJECT_RAW_BYTES, REJECTS

FORMAT = "declarations"
COLUMNS = tuple(f.name for f in DECLARATIONS if f.name not in ("source_id", "line"))
REQUIRED = ("port_locode", "departure_time")
_LOCODE = re.compile(r"^[A-Z]{2} ?[A-Z2-9]{3}$")


class _BadRow(Exception):
    def __init__(self, cause: str) -> None:
        self.cause = cause


def is_declarations_header(line: bytes) -> bool:
    """True for the header of a declarations CSV."""
    names = {n.strip().lower() for n in line.decode("utf-8", "replace").split(",")}
    return set(REQUIRED) <= names and bool(names & {"mmsi", "imo"})


def decode_declarations(
    chunks: Iterable[tuple[bytes, int]], source_id: int, stats: IngestStats
) -> Iterator[dict[str, pa.Table]]:
    """Decode blocks of whole lines of one declarations CSV."""
    stats.format = FORMAT
    header: list[str] | None = None
    for block, first_line in chunks:
        rows: list[dict[str, Any]] = []
        rejects: list[dict[str, Any]] = []
        for i, raw in enumerate(block.splitlines()):
            line = first_line + i
            stats.lines_read += 1
            text = raw.rstrip(b"\r")
            if not text.strip():
                stats.ignored["blank"] += 1
                continue
            try:
                fields = next(csv.reader([text.decode("utf-8")]))
            except UnicodeDecodeError:
                _reject(stats, rejects, source_id, line, "non_ascii", text)
                continue
            if header is None:
                header = [f.strip().lower() for f in fields]
                stats.ignored["header"] += 1
                continue
            try:
                rows.append({"source_id": source_id, "line": line, **_row(header, fields)})
                stats.lines_decoded += 1
            except _BadRow as bad:
                _reject(stats, rejects, source_id, line, bad.cause, text)
        out = {}
        if rows:
            out["declarations"] = pa.Table.from_pylist(rows, schema=DECLARATIONS)
        if rejects:
            out["rejects"] = pa.Table.from_pylist(rejects, schema=REJECTS)
        yield out


def _row(header: list[str], fields: list[str]) -> dict[str, Any]:
    if len(fields) != len(header):
        raise _BadRow("missing_field")
    values = {name: value.strip() for name, value in zip(header, fields, strict=True) if name in COLUMNS}
    if not all(values.get(k) for k in REQUIRED) or not (values.get("mmsi") or values.get("imo")):
        raise _BadRow("missing_field")
    out: dict[str, Any] = {k: (values.get(k) or None) for k in COLUMNS}
    for key in ("mmsi", "imo"):
        if out[key] is not None:
            out[key] = _integer(out[key], 9 if key == "mmsi" else 7)
    for key in ("port_locode", "declared_next_port_locode"):
        if out[key] is not None:
            code = out[key].upper()
            if not _LOCODE.match(code):
                raise _BadRow("bad_value")
            out[key] = code.replace(" ", "")
    out["departure_time"] = _time(out["departure_time"])
    return out


def _integer(text: str, max_digits: int) -> int:
    digits = text.upper().removeprefix("IMO").strip()
    if not digits.isdigit() or len(digits) > max_digits:
        raise _BadRow("bad_value")
    return int(digits)


def _time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _BadRow("bad_time") from None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _reject(
    stats: IngestStats, rejects: list[dict[str, Any]], source_id: int, line: int, cause: str, raw: bytes
) -> None:
    stats.lines_rejected += 1
    stats.rejects_by_cause[cause] += 1
    rejects.append({"source_id": source_id, "line": line, "cause": cause, "raw": raw[:MAX_REJECT_RAW_BYTES]})
