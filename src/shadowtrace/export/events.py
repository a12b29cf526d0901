"""Events as every export format sees them: flat columns, a geometry, a title and lines of text.

Rows are those of the stored events table (:data:`shadowtrace.models.events.EVENTS`) as Python
dicts. Names, destinations and anything quoted in ``reasons`` and ``details`` are untrusted text:
these helpers put it together as text, and each writer escapes it for its medium.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrace.models.events import event_summary

#: (GeoJSON geometry type, [(lon, lat), ...])
Geometry = tuple[str, list[tuple[float, float]]]

_ENDS = ("start_lat", "start_lon", "end_lat", "end_lon")


def details_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """An event row's ``details`` as an object (a stored row holds JSON text)."""
    details = row.get("details")
    if isinstance(details, str):
        details = json.loads(details or "{}")
    return dict(details) if isinstance(details, Mapping) else {}


def flat_events(table: pa.Table) -> pa.Table:
    """Events with flat columns, as CSV carries them (docs/events.md): ``reasons`` ``; ``-joined,
    ``details`` as JSON text (keys sorted, non-ASCII as is), ``evidence`` as ``source:line role; ...``."""
    if "reasons" in table.column_names:
        i = table.column_names.index("reasons")
        joined = pc.fill_null(pc.binary_join(table.column(i), "; "), "")
        table = table.set_column(i, "reasons", joined)
    if "details" in table.column_names:
        i = table.column_names.index("details")
        text = [json.dumps(details_of({"details": d}), sort_keys=True, ensure_ascii=False)
                for d in table.column(i).to_pylist()]
        table = table.set_column(i, "details", pa.array(text, pa.string()))
    if "evidence" in table.column_names:
        i = table.column_names.index("evidence")
        text = ["; ".join(f"{e['source_id']}:{e['line']} {e['role']}" for e in ev or [])
                for ev in table.column(i).to_pylist()]
        table = table.set_column(i, "evidence", pa.array(text, pa.string()))
    return table


def _coordinate(lat: Any, lon: Any) -> tuple[float, float] | None:
    ok = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lat, lon))
    if not ok or not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return (float(lon), float(lat))


def event_geometry(row: Mapping[str, Any], details: Mapping[str, Any]) -> Geometry | None:
    """Where an event happened: a line from where it began to where it ended when its details say
    both (a gap: last fix before, first fix after), else its point, else None (an identity change)."""
    if all(k in details for k in _ENDS):
        a = _coordinate(details["start_lat"], details["start_lon"])
        b = _coordinate(details["end_lat"], details["end_lon"])
        if a and b:
            return ("LineString", [a, b])
    point = _coordinate(row.get("lat"), row.get("lon"))
    return ("Point", [point]) if point else None


def plain_score(score: float | None) -> float | None:
    """A stored (float32) score as the number it was meant to be (0.9, not 0.8999999761581421)."""
    return None if score is None else round(float(score), 6)


def vessel_label(name: str | None, mmsi: int | None, imo: int | None) -> str:
    """``NAME (MMSI 273123456, IMO 9074729)``, with what is known."""
    ids = ", ".join(x for x in (f"MMSI {mmsi}" if mmsi else "", f"IMO {imo}" if imo else "") if x)
    if name and ids:
        return f"{name} ({ids})"
    return name or ids or "unknown vessel"


def event_title(row: Mapping[str, Any]) -> str:
    """``KIND: vessel``; for a vessel-less event, ``KIND: subject``."""
    who = vessel_label(row.get("vessel_name"), row.get("mmsi"), row.get("imo"))
    if not (row.get("vessel_name") or row.get("mmsi") or row.get("imo")):
        who = str(row.get("subject") or who)
    return f"{row['kind']}: {who}"


def iso_z(when: dt.datetime | None) -> str:
    """UTC as ``2017-10-01T12:00:00Z`` (whole seconds), or ``""``."""
    if when is None:
        return ""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_lines(row: Mapping[str, Any], details: Mapping[str, Any]) -> list[str]:
    """An event as lines of plain text: what, when, who, why, and the rows it rests on."""
    score = row.get("score")
    lines = [
        f"{row['kind']}, severity {row['severity']}" + (f", score {score:.2f}" if score is not None else ""),
        f"{iso_z(row['start'])} to {iso_z(row.get('end') or row['start'])}",
        f"vessel: {vessel_label(row.get('vessel_name'), row.get('mmsi'), row.get('imo'))}",
    ]
    other = details.get("other")
    if isinstance(other, Mapping) and other.get("mmsi"):
        lines.append(f"with: {vessel_label(other.get('name'), other.get('mmsi'), None)}")
    lines += [f"why: {r}" for r in row.get("reasons") or []]
    lines.append(f"facts: {event_summary(row['kind'], details)}")
    evidence: Sequence[Mapping[str, Any]] = row.get("evidence") or []
    if evidence:
        lines.append("evidence: " + "; ".join(f"source {e['source_id']} line {e['line']} ({e['role']})"
                                              for e in evidence))
    lines.append(f"event {row['event_id']} by {row.get('detector', '')}")
    return lines


def event_vessels(row: Mapping[str, Any], details: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The vessels (MMSIs) an event is about, with their role: ``subject``, and ``other`` for an
    encounter's other vessel."""
    out = [("subject", int(row["mmsi"]))] if row.get("mmsi") else []
    other = details.get("other")
    if isinstance(other, Mapping):
        try:
            mmsi = int(other.get("mmsi") or 0)
        except (TypeError, ValueError):
            mmsi = 0
        if mmsi and mmsi != row.get("mmsi"):
            out.append(("other", mmsi))
    return out
