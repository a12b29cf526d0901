"""The web API's parameter types and response models: what its OpenAPI schema documents.

Parameters are validated by type and pattern before any handler runs: a bad one is a 422 with
the reason, never a 500. Texts broadcast over AIS (names, call signs, destinations, and the
reasons and details made of them) are untrusted: the API returns them as JSON strings, the pages
escape them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from shadowtrace.models.events import SEVERITIES
from shadowtrace.risk import LABELS, LEVELS, MET_SANCTIONED

#: the event kinds the detectors raise (a filter naming another kind is refused)
KINDS: tuple[str, ...] = tuple(k for k in LABELS if k != MET_SANCTIONED)
#: event ids are 16 lowercase hex digits (models.events.event_id)
EVENT_ID_PATTERN = r"^[0-9a-f]{16}$"
#: an MMSI (9 digits) or an IMO number (7 digits, "IMO" before it optional, with or without a space)
VESSEL_PATTERN = r"^(?:[Ii][Mm][Oo] ?)?[0-9]{7}$|^[0-9]{9}$"
#: an ISO 8601 date or date-time (no offset: UTC)
_ISO = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$"
)
#: the years a date filter may name
YEARS = (1900, 2200)
MAX_LIMIT = 500
MAX_OFFSET = 10_000_000
MAX_NAME = 64

Kind = Literal[KINDS]  # type: ignore[valid-type]
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
Level = Literal[LEVELS]  # type: ignore[valid-type]


def parse_time(text: str) -> dt.datetime:
    """An ISO date or date-time as a UTC datetime; ValueError (a 422) when it is no real time or out of YEARS."""
    if not re.fullmatch(_ISO, text):
        raise ValueError(f"{text!r} is not an ISO 8601 date or date-time, e.g. 2017-10-01 or 2017-10-01T06:00Z")
    when = dt.datetime.fromisoformat(text)
    try:
        when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None
    if not YEARS[0] <= when.year <= YEARS[1]:
        raise ValueError(f"{text!r}: give a year from {YEARS[0]} to {YEARS[1]}")
    return when


IsoTime = Annotated[
    str,
    Field(pattern=_ISO, description="ISO 8601 date or date-time, UTC unless an offset is given"),
    AfterValidator(parse_time),
]
VesselId = Annotated[str, Field(pattern=VESSEL_PATTERN, description="MMSI (9 digits) or IMO number (7 digits)")]
EventId = Annotated[str, Field(pattern=EVENT_ID_PATTERN, description="event id: 16 hex digits")]


class EvidenceRef(BaseModel):
    """A raw row an event rests on: ``shadowtrace sql "SELECT * FROM sources WHERE source_id = ..."``."""

    source_id: int | None
    line: int | None
    role: str | None


class EventFacts(BaseModel):
    """What every event says (fields: docs/events.md)."""

    event_id: str
    kind: str
    detector: str
    subject: str
    mmsi: int | None
    imo: int | None
    vessel_name: str | None = Field(description="as broadcast: untrusted text")
    start: dt.datetime
    end: dt.datetime | None
    lat: float | None
    lon: float | None
    severity: str
    score: float | None
    reasons: list[str]
    details: dict[str, Any] = Field(description="the kind's own facts (docs/events.md)")


class EventOut(EventFacts):
    """One event, with the references of the raw rows it rests on."""

    vessel: str | None = Field(description="the vessel's id in this API (IMO number, else MMSI)")
    params_hash: str
    evidence: list[EvidenceRef]


class EventPage(BaseModel):
    """A page of events in time order."""

    total: int = Field(description="events matching the filters")
    limit: int
    offset: int
    events: list[EventOut]


class EvidenceRowOut(BaseModel):
    """An evidence row resolved to the raw line(s) of its file and the values the store decoded from them."""

    source_id: int
    source_path: str | None = Field(description="the file as ingested; null when the catalog has no such source")
    line: int
    line_last: int | None = Field(description="last line of a multipart message")
    role: str
    raw: str | None = Field(description="the raw line(s): untrusted text; null when the file cannot be read again")
    table: str | None = Field(description="the table holding the decoded row")
    decoded: dict[str, Any] = Field(description="the decoded row's non-null values")
    note: str | None = Field(description="why raw is missing")


class EventDetail(EventOut):
    """An event with its evidence resolved to the raw rows."""

    evidence_rows: list[EvidenceRowOut]


class ReasonOut(BaseModel):
    """Why a vessel scores: the events of one kind (docs/risk.md)."""

    kind: str
    label: str
    points: float
    count: int
    severity: str
    summary: str = Field(description="untrusted text")
    event_ids: list[str]
    first: dt.datetime
    last: dt.datetime


class RiskOut(BaseModel):
    """A vessel's place in the risk ranking."""

    rank: int
    vessel: str = Field(description="imo:<IMO> or mmsi:<MMSI>")
    key: str = Field(description="the vessel's id in this API")
    imo: int | None
    mmsis: list[int]
    name: str | None = Field(description="latest broadcast name: untrusted text")
    score: float
    level: str
    events: int
    as_of: dt.datetime
    sanctioned_by: list[str]
    reasons: list[ReasonOut]


class RiskPage(BaseModel):
    """The ranking, strongest first."""

    total: int = Field(description="vessels scored")
    limit: int
    vessels: list[RiskOut]


class KindOut(BaseModel):
    """An event kind and how many events of it the store holds."""

    kind: str
    label: str
    events: int


class IdentityOut(BaseModel):
    """One value an identity field took, and when it was broadcast."""

    field: str = Field(description="shipname, callsign, imo, ship_type, flag or mmsi")
    value: str = Field(description="untrusted text for shipname and callsign")
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    reports: int
    mmsis: list[int]


class EventBrief(EventFacts):
    """An event of a vessel, with its one-line summary."""

    summary: str
    evidence_total: int = Field(description="evidence rows the event rests on")


class VesselOut(BaseModel):
    """Everything the store knows about one vessel (``views.dossier``)."""

    vessel: str = Field(description="imo:<IMO> or mmsi:<MMSI>")
    key: str = Field(description="the vessel's id in this API")
    mmsis: list[int]
    imo: int | None
    name: str | None = Field(description="latest broadcast name: untrusted text")
    callsign: str | None = Field(description="latest broadcast call sign: untrusted text")
    flag: str | None = Field(description="ISO 3166 alpha-2 of the latest MMSI's MID")
    identities: list[IdentityOut]
    track_points: int = Field(description="clean position fixes")
    risk: RiskOut | None
    events: list[EventBrief]


class Problem(BaseModel):
    """An error: what was wrong."""

    detail: str
