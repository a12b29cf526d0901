"""One event or one vessel, for the API and the pages: the shared views (``shadowtrace.views``)
read through the app's snapshot, so the risk ranking is computed once per state of the store."""

from __future__ import annotations

import dataclasses
from typing import Any

from shadowtrace.errors import InputError
from shadowtrace.models.events import event_summary
from shadowtrace.risk import VesselRisk
from shadowtrace.views.dossier import MAX_EVIDENCE_ROWS, Dossier, EventView, load_dossier, vessel_of_event
from shadowtrace.views.evidence import resolve_evidence
from shadowtrace.web import components
from shadowtrace.web import queries as q


def risk_out(rank: int, risk: VesselRisk) -> dict[str, Any]:
    """A ranked vessel as the API returns it."""
    return {"rank": rank, "key": q.risk_key(risk.vessel), **risk.to_dict()}


def rank_of(risks: list[VesselRisk], risk: VesselRisk | None) -> int | None:
    """The place of ``risk`` in the ranking (1 = highest)."""
    return next((i for i, r in enumerate(risks, start=1) if r.vessel == risk.vessel), None) if risk else None


def event_detail(reader: q.Reader, event_id: str) -> dict[str, Any] | None:
    """The event (as ``/api/events`` lists it) with ``evidence_rows`` resolved; None when unknown."""
    found = event_view(reader, event_id)
    if found is None:
        return None
    row, view = found
    return {**row, "evidence_rows": [q.finite(e.to_dict()) for e in view.evidence]}


def dossier(reader: q.Reader, vessel: str, event_ids: tuple[str, ...] = ()) -> tuple[Dossier, int | None] | None:
    """The vessel's dossier and its rank, or None when the store knows nothing of it."""
    snap = reader.snapshot()
    if not reader.read(lambda s: q.vessel_known(s, vessel)):
        return None
    risks = snap.risks()
    try:
        found = load_dossier(reader.store, vessel, event_ids=event_ids, risks=risks)
    except InputError:
        return None
    return found, rank_of(risks, found.risk)


def vessel_detail(reader: q.Reader, vessel: str) -> dict[str, Any] | None:
    """The vessel as ``/api/vessels/{vessel}`` returns it; None when the store knows nothing of it."""
    found = dossier(reader, vessel)
    if found is None:
        return None
    d, rank = found
    return {
        "vessel": d.vessel, "key": q.risk_key(d.vessel), "mmsis": list(d.mmsis), "imo": d.imo, "name": d.name,
        "callsign": d.callsign, "flag": d.flag,
        "identities": [dataclasses.asdict(r) for r in d.identities], "track_points": d.track.points_total,
        "risk": risk_out(rank, d.risk) if d.risk and rank else None,
        "events": [event_brief(e) for e in d.events],
    }


def event_brief(e: EventView) -> dict[str, Any]:
    """An event of a dossier, without its resolved evidence."""
    out = e.to_dict()
    out.pop("evidence")
    out["start"], out["end"] = e.start, e.end
    return q.finite(out)  # type: ignore[no-any-return]


def event_view(reader: q.Reader, event_id: str) -> tuple[dict[str, Any], EventView] | None:
    """The event (as the API lists it) and as the shared evidence component shows it, evidence resolved."""
    row = reader.read(lambda snap: q.get_event(snap, event_id))
    if row is None:
        return None
    refs = [
        (int(e["source_id"]), int(e["line"]), e["role"] or "")
        for e in row["evidence"][:MAX_EVIDENCE_ROWS] if e["source_id"] is not None and e["line"] is not None
    ]
    view = EventView(
        event_id=row["event_id"], kind=row["kind"], detector=row["detector"], subject=row["subject"],
        mmsi=row["mmsi"], imo=row["imo"], vessel_name=row["vessel_name"], start=row["start"], end=row["end"],
        lat=row["lat"], lon=row["lon"], severity=row["severity"], score=row["score"], reasons=tuple(row["reasons"]),
        details=row["details"], summary=event_summary(row["kind"], row["details"]),
        evidence=tuple(resolve_evidence(reader.store, refs)), evidence_total=len(row["evidence"]), focus=True,
    )
    return row, view


def event_context(reader: q.Reader, event_id: str) -> dict[str, Any] | None:
    """What the event page shows: the event, its evidence, and the vessel it is about (None: unknown)."""
    found = event_view(reader, event_id)
    if found is None:
        return None
    row, view = found
    try:
        vessel: str | None = vessel_of_event(reader.store, event_id)
    except InputError:
        vessel = None
    return {"event": row, "e": view, "vessel": vessel}


def vessel_context(reader: q.Reader, vessel: str) -> dict[str, Any] | None:
    """What the vessel page shows: the dossier, its figures and rank (None: the store knows nothing of it)."""
    found = dossier(reader, vessel)
    if found is None:
        return None
    d, rank = found
    return {"d": d, "rank": rank, "figures": components.figure_json(d), "key": q.risk_key(d.vessel)}
