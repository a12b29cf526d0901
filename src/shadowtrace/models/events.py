"""The event model shared by every detector and channel, declared once.

An event is a finding with its proof: what kind, about whom, when and where,
how severe and why, and the raw rows it rests on (``evidence``: source and line
of each, so an analyst can go from an alert to the exact sentences).

``event_id`` is deterministic (detector, version, subject, kind, start, and the
second party where there is one), so a rerun on the same data gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from shadowtrace.models.tables import TS

SEVERITIES = ("info", "low", "medium", "high")

EVIDENCE = pa.struct([("source_id", pa.int32()), ("line", pa.int64()), ("role", pa.string())])

EVENTS = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("detector", pa.string(), nullable=False),  # name@version
        pa.field("subject", pa.string(), nullable=False),  # "mmsi:273123456", "imo:9123456", "asn:131279"
        pa.field("mmsi", pa.int32()),
        pa.field("imo", pa.int32()),
        pa.field("vessel_name", pa.string()),
        pa.field("start", TS, nullable=False),
        pa.field("end", TS),
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("severity", pa.string(), nullable=False),
        pa.field("score", pa.float32()),
        pa.field("reasons", pa.list_(pa.string())),
        pa.field("details", pa.string()),  # JSON object: the kind's own facts
        pa.field("params_hash", pa.string(), nullable=False),
        pa.field("evidence", pa.list_(EVIDENCE)),
    ]
)


def params_hash(params: Any) -> str:
    """A short stable hash of a detector's settings (a dataclass or mapping)."""
    data = params.__dict__ if hasattr(params, "__dict__") else dict(params)
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def event_summary(kind: str, details: Mapping[str, Any]) -> str:
    """One line of the facts that matter most for a kind (its ``details``)."""
    keys = ("summary", "locode", "declared", "actual", "duration_h", "distance_km")
    parts = [f"{k}={details[k]}" for k in keys if details.get(k) not in (None, "")]
    return ", ".join(parts) if parts else kind.lower().replace("_", " ")


def event_id(detector: str, subject: str, kind: str, start: dt.datetime, other: str = "") -> str:
    """Deterministic id; ``other`` tells apart events of one subject, kind and start (an
    encounter's partner)."""
    key = f"{detector}|{subject}|{kind}|{start.astimezone(dt.UTC).isoformat()}"
    if other:
        key += f"|{other}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class Event:
    """One finding, before it becomes a row of the events table."""

    kind: str
    detector: str
    subject: str
    start: dt.datetime
    end: dt.datetime | None = None
    mmsi: int | None = None
    imo: int | None = None
    vessel_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    severity: str = "medium"
    score: float | None = None
    reasons: list[str] = field(default_factory=list)
    details: Mapping[str, Any] = field(default_factory=dict)
    params_hash: str = ""
    evidence: Sequence[tuple[int, int, str]] = ()  # (source_id, line, role)
    other: str = ""  # the second party, where one subject can have several events at once

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {SEVERITIES}")
        if self.start.tzinfo is None:
            raise ValueError("event times must be tz-aware (UTC)")

    @property
    def event_id(self) -> str:
        return event_id(self.detector, self.subject, self.kind, self.start, self.other)

    def row(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id, "kind": self.kind, "detector": self.detector,
            "subject": self.subject, "mmsi": self.mmsi, "imo": self.imo, "vessel_name": self.vessel_name,
            "start": self.start, "end": self.end, "lat": self.lat, "lon": self.lon,
            "severity": self.severity, "score": self.score, "reasons": list(self.reasons),
            "details": json.dumps(self.details, sort_keys=True, default=str),
            "params_hash": self.params_hash,
            "evidence": [{"source_id": s, "line": ln, "role": r} for s, ln, r in self.evidence],
        }


def events_table(events: Sequence[Event]) -> pa.Table:
    """Events as a table of the EVENTS schema, in a stable order."""
    rows = sorted((e.row() for e in events), key=lambda r: (r["start"], r["kind"], r["subject"]))
    return pa.Table.from_pylist(rows, schema=EVENTS)
