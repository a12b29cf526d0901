"""The JSON API under ``/api/``: read-only, every parameter typed, every response a documented model."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from shadowtrace.risk import LABELS
from shadowtrace.store.event_filter import EventFilter
from shadowtrace.web import detail
from shadowtrace.web import queries as q
from shadowtrace.web.schemas import (
    KINDS,
    MAX_LIMIT,
    MAX_NAME,
    MAX_OFFSET,
    EventDetail,
    EventId,
    EventPage,
    IsoTime,
    Kind,
    KindOut,
    Level,
    Problem,
    RiskPage,
    Severity,
    VesselId,
    VesselOut,
)

router = APIRouter(prefix="/api", tags=["api"], responses={422: {"description": "a parameter is not valid"}})
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "not in the store"}}

KindsQuery = Annotated[list[Kind], Query(alias="kind", description="only these kinds (repeatable)")]
SeveritiesQuery = Annotated[list[Severity], Query(alias="severity", description="only these severities (repeatable)")]
VesselQuery = Annotated[VesselId | None, Query(description="only this vessel: MMSI, or IMO with all its MMSIs")]
SinceQuery = Annotated[IsoTime | None, Query(description="only events ending at or after this time (UTC)")]
UntilQuery = Annotated[IsoTime | None, Query(description="only events starting at or before this time (UTC)")]
NameQuery = Annotated[
    str | None, Query(max_length=MAX_NAME, description="only vessels that broadcast a name containing this text")
]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="events per page")]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="events skipped")]


def reader(request: Request) -> q.Reader:
    """The app's store reader (set by ``create_app``)."""
    found: q.Reader = request.app.state.reader
    return found


@router.get("/events", response_model=EventPage, summary="Events, filtered, in time order")
def api_events(
    request: Request,
    kinds: KindsQuery = [],  # noqa: B006 - FastAPI copies defaults
    severities: SeveritiesQuery = [],  # noqa: B006
    vessel: VesselQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    name: NameQuery = None,
    limit: LimitQuery = 50,
    offset: OffsetQuery = 0,
) -> dict[str, Any]:
    filters = EventFilter(
        kinds=tuple(kinds), severities=tuple(severities), vessels=(vessel,) if vessel else (), since=since,  # type: ignore[arg-type]
        until=until, name=name or None,  # type: ignore[arg-type]
    )
    total, rows = reader(request).read(lambda snap: q.list_events(snap, filters, limit, offset))
    return {"total": total, "limit": limit, "offset": offset, "events": rows}


@router.get("/events/{event_id}", response_model=EventDetail, responses=NOT_FOUND,
            summary="One event, with its evidence resolved to the raw rows")
def api_event(request: Request, event_id: Annotated[EventId, Path()]) -> dict[str, Any]:
    found = detail.event_detail(reader(request), event_id)
    if found is None:
        raise HTTPException(404, f"no event {event_id} in this store")
    return found


@router.get("/vessels/{vessel}", response_model=VesselOut, responses=NOT_FOUND,
            summary="A vessel: its ids, identity history, risk and events")
def api_vessel(request: Request, vessel: Annotated[VesselId, Path()]) -> dict[str, Any]:
    found = detail.vessel_detail(reader(request), vessel)
    if found is None:
        raise HTTPException(404, f"no vessel {vessel} in this store")
    return found


@router.get("/risk", response_model=RiskPage, summary="Vessels ranked by risk (docs/risk.md)")
def api_risk(
    request: Request,
    levels: Annotated[list[Level], Query(alias="level", description="only these levels (repeatable)")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="vessels returned")] = 50,
) -> dict[str, Any]:
    risks = reader(request).read(lambda snap: snap.risks())
    ranked = [detail.risk_out(i, r) for i, r in enumerate(risks, start=1) if not levels or r.level in levels]
    return {"total": len(risks), "limit": limit, "vessels": ranked[:limit]}


@router.get("/kinds", response_model=list[KindOut], summary="Event kinds, with how many the store holds")
def api_kinds(request: Request) -> list[dict[str, Any]]:
    counts = reader(request).read(q.kind_counts)
    return [{"kind": k, "label": LABELS[k], "events": counts.get(k, 0)} for k in KINDS] + [
        {"kind": k, "label": k.lower().replace("_", " "), "events": n} for k, n in sorted(counts.items())
        if k not in KINDS
    ]

