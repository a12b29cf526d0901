"""From an event's evidence references to what proves it: the raw lines of the source file, and the
values the store decoded from them.

An event keeps ``(source_id, line, role)`` for every row it rests on. :func:`resolve_evidence`
looks each source up in the catalog (never a path from anywhere else), reads the file again as
ingest read it (decompressed; a zip member from its archive), once per file whatever the number of
lines asked, and finds the decoded row of each line in ``positions``, ``statics`` or
``declarations``. A multipart NMEA message is shown whole: its lines ``line`` to ``line_last``.

A file gone or changed since it was ingested gives ``raw = None`` and a ``note`` saying why; the
decoded values are still shown. Whether a file changed is told by its size (hashing every file
again would cost as much as the ingest did).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from shadowtrace.errors import InputError
from shadowtrace.ingest.lines import line_chunks
from shadowtrace.pipeline.sources import reopen
from shadowtrace.store import sql as store_sql
from shadowtrace.store.catalog import SourceRecord
from shadowtrace.store.store import Store

#: the tables whose rows carry (source_id, line) of a raw line, searched in this order
DECODED_TABLES = ("positions", "statics", "declarations")
#: provenance columns left out of ``decoded`` (they are fields of the row itself)
_PROVENANCE = {"source_id", "line", "line_last", "date"}
#: a multipart message spans at most this many lines (interleaved messages included)
MAX_SPAN_LINES = 20
#: a raw line longer than this is cut (the rest is marked)
MAX_RAW_CHARS = 2000


@dataclass(frozen=True)
class EvidenceRow:
    """One row an event rests on: where it is, what the file says there, what the store decoded.

    ``raw``: the original line, or lines ``line``..``line_last`` of a multipart message joined by
    newlines (untrusted text: escape it wherever it is shown); None when the file cannot be read
    again, with ``note`` saying why. ``decoded``: the non-null values of the stored row decoded
    from this line (``table`` says which table), empty when no stored row has this line.
    """

    source_id: int
    source_path: str | None  # as the catalog lists it; None when the catalog has no such source
    line: int
    role: str
    raw: str | None = None
    decoded: Mapping[str, Any] = field(default_factory=dict)
    table: str | None = None
    line_last: int | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (times as ISO text)."""
        return {
            "source_id": self.source_id, "source_path": self.source_path, "line": self.line,
            "line_last": self.line_last, "role": self.role, "raw": self.raw, "table": self.table,
            "decoded": {k: _plain(v) for k, v in self.decoded.items()}, "note": self.note,
        }


def resolve_evidence(store: Store, refs: Sequence[tuple[int, int, str]]) -> list[EvidenceRow]:
    """The evidence rows of ``refs`` (``(source_id, line, role)``), in the same order, one per ref."""
    if not refs:
        return []
    sources = {s.source_id: s for s in store.sources()}
    decoded = _decoded(store, {(int(s), int(ln)) for s, ln, _ in refs})
    spans: dict[int, set[int]] = defaultdict(set)
    for sid, line, _ in refs:
        table, row = decoded.get((int(sid), int(line)), (None, {}))
        last = _last_line(int(line), row)
        spans[int(sid)].update(range(int(line), last + 1))
    raw: dict[tuple[int, int], str] = {}
    notes: dict[int, str] = {}
    for sid, wanted in spans.items():
        record = sources.get(sid)
        if record is None:
            notes[sid] = f"source {sid} is not in the catalog"
            continue
        try:
            raw.update({(sid, n): text for n, text in read_lines(record, wanted).items()})
        except InputError as exc:
            notes[sid] = str(exc)
    out = []
    for sid, line, role in refs:
        sid, line = int(sid), int(line)
        table, row = decoded.get((sid, line), (None, {}))
        last = _last_line(line, row)
        record = sources.get(sid)
        lines = [raw.get((sid, n)) for n in range(line, last + 1)]
        text = None if sid in notes or any(t is None for t in lines) else "\n".join(t for t in lines if t is not None)
        note = notes.get(sid)
        if note is None and text is None:
            note = f"line {line} is past the end of the file"
        out.append(EvidenceRow(
            source_id=sid, source_path=record.path if record else None, line=line, role=role, raw=text,
            decoded={k: v for k, v in row.items() if k not in _PROVENANCE and v is not None}, table=table,
            line_last=last, note=note,
        ))
    return out


def read_lines(source: SourceRecord, wanted: Iterable[int]) -> dict[int, str]:
    """Lines of a catalog source by number (1-based, as ingest counted them), in one pass over it.

    InputError when the file cannot be read again or its size differs from the one ingested.
    """
    numbers = sorted(set(wanted))
    if not numbers:
        return {}
    stream, size = reopen(source.path)
    found: dict[int, str] = {}
    with contextlib.closing(stream):
        if size != source.size_bytes:
            raise InputError(
                f"{source.path} changed since it was ingested ({size:,} bytes now, {source.size_bytes:,} then)"
            )
        for block, first in line_chunks(stream):
            lines = block.split(b"\n")
            if block.endswith(b"\n"):
                lines.pop()
            after = first + len(lines)  # the number of the next block's first line
            i = bisect.bisect_left(numbers, first)
            while i < len(numbers) and numbers[i] < after:
                found[numbers[i]] = _text(lines[numbers[i] - first])
                i += 1
            if after > numbers[-1]:
                break
    return found


def _text(data: bytes) -> str:
    text = data.rstrip(b"\r").decode("utf-8", "replace")
    return text if len(text) <= MAX_RAW_CHARS else text[:MAX_RAW_CHARS] + f"... ({len(text) - MAX_RAW_CHARS} more)"


def _last_line(line: int, row: Mapping[str, Any]) -> int:
    last = row.get("line_last")
    if not isinstance(last, int) or last < line:
        return line
    return min(last, line + MAX_SPAN_LINES - 1)


def _decoded(store: Store, keys: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, dict[str, Any]]]:
    """The stored row of each (source_id, line), with its table (the first of DECODED_TABLES holding it)."""
    refs = pa.table({
        "source_id": pa.array([k[0] for k in keys], pa.int32()), "line": pa.array([k[1] for k in keys], pa.int64()),
    })
    ids = ", ".join(str(s) for s in sorted({k[0] for k in keys}))
    out: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
    con = store_sql.connect(store)
    try:
        con.register("_refs", refs)
        for table in DECODED_TABLES:
            rows = con.sql(
                f"SELECT t.* FROM {table} t SEMI JOIN _refs r ON t.source_id = r.source_id AND t.line = r.line "
                f"WHERE t.source_id IN ({ids}) ORDER BY t.source_id, t.line"
            ).to_arrow_table().to_pylist()
            for row in rows:
                key = (int(row["source_id"]), int(row["line"]))
                if key not in out:
                    out[key] = (table, row)
                else:  # a CSV line can give a position and a static report: show both
                    name, first = out[key]
                    out[key] = (f"{name}+{table}", {**row, **{k: v for k, v in first.items() if v is not None}})
    finally:
        con.close()
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
