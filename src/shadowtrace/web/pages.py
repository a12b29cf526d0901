"""The server-rendered pages: overview, event list with filters, vessel, event.

The event filters are a plain GET form, so they work without JavaScript; a bad value re-shows the
form with what is wrong (status 422). Every text from the store is autoescaped by the templates;
chart data is handed to the static scripts as JSON in ``<script type="application/json">``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from shadowtrace.models.events import SEVERITIES, event_summary
from shadowtrace.risk import LABELS, LEVELS, VesselRisk
from shadowtrace.store.event_filter import EventFilter
from shadowtrace.web import detail
from shadowtrace.web import queries as q
from shadowtrace.web.api import reader
from shadowtrace.web.components import plotly_text
from shadowtrace.web.schemas import (
    EVENT_ID_PATTERN,
    KINDS,
    MAX_LIMIT,
    MAX_NAME,
    MAX_OFFSET,
    VESSEL_PATTERN,
    parse_time,
)
from shadowtrace.web.templating import render

router = APIRouter(include_in_schema=False)

#: vessels in the overview's risk table
TOP_VESSELS = 15
#: reasons shown per vessel in the risk table
TOP_REASONS = 3
PAGE_SIZES = (25, 50, 100, 200)
#: a colour per kind in the overview chart (Okabe-Ito and Tol hues; port calls, the bulk, pale)
KIND_COLOURS = {
    "SANCTIONS_MATCH": "#000000", "DECLARATION_MISMATCH": "#D55E00", "DESTINATION_MISMATCH": "#E69F00",
    "DARK_PORT_CALL_POSSIBLE": "#CC79A7", "DRAUGHT_CHANGE_DARK": "#882255", "IDENTITY_CHANGE": "#0072B2",
    "SHARED_MMSI": "#56B4E9", "AIS_GAP": "#7F7F7F", "ENCOUNTER": "#009E73", "LOITERING": "#44AA99",
    "POSITION_JUMP": "#F0E442", "PORT_CALL": "#D0D4D9",
}


def html(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: ``pages/<template>`` rendered with the common context."""
    return HTMLResponse(render(f"pages/{template}", path=request.url.path, **context), status_code=status)


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    titles = {404: "Not found", 405: "Method not allowed", 422: "Not a valid request"}
    return html(request, "error.html", status, title=titles.get(status, f"Error {status}"), detail=detail)


def describe_error(err: Mapping[str, Any]) -> str:
    """One validation error in words: ``vessel: String should match pattern ...``."""
    where = ".".join(str(x) for x in err.get("loc", ())[1:]) or "request"
    return f"{where}: {err.get('msg', 'not valid')}"


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    counts, (unit, series), risks = reader(request).read(
        lambda snap: (q.kind_counts(snap), q.events_over_time(snap), snap.risks())
    )
    return html(
        request, "overview.html", title="Overview",
        total=sum(counts.values()), kinds=kind_rows(counts), figure=time_figure(unit, series), unit=unit,
        vessels=len(risks), levels={lv: sum(r.level == lv for r in risks) for lv in LEVELS},
        risks=[risk_row(i, r) for i, r in enumerate(risks[:TOP_VESSELS], start=1)],
    )


@router.get("/events", response_class=HTMLResponse)
def event_list(
    request: Request,
    kind: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    severity: Annotated[list[str], Query()] = [],  # noqa: B006
    vessel: str = "",
    since: str = "",
    until: str = "",
    name: str = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    form = {"kind": [k for k in kind if k], "severity": [s for s in severity if s], "vessel": vessel.strip(),
            "since": since.strip(), "until": until.strip(), "name": name.strip(), "limit": limit}
    filters, errors = form_filters(form)
    total, rows = 0, list[dict[str, Any]]()
    if filters is not None:
        total, rows = reader(request).read(lambda snap: q.list_events(snap, filters, limit, offset))
    pairs = _form_pairs(form)
    page = {
        "first": offset + 1 if rows else 0, "last": offset + len(rows), "total": total,
        "prev": _link("/events", pairs, offset - limit) if offset > 0 else None,
        "next": _link("/events", pairs, offset + limit) if offset + len(rows) < total else None,
    }
    return html(
        request, "events.html", 422 if errors else 200, title="Events", form=form, errors=errors, page=page,
        events=[event_item(r) for r in rows], kinds=[(k, LABELS[k]) for k in KINDS], severities=SEVERITIES,
        page_sizes=sorted({*PAGE_SIZES, limit}), request_query=urlencode(pairs),
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    if not re.fullmatch(EVENT_ID_PATTERN, event_id):
        raise HTTPException(422, f"{event_id!r} is not an event id (16 hex digits)")
    context = detail.event_context(reader(request), event_id)
    if context is None:
        raise HTTPException(404, f"no event {event_id} in this store")
    return html(request, "event.html", title=f"{context['event']['kind']} {event_id}", **context)


@router.get("/vessels/{vessel}", response_class=HTMLResponse)
def vessel_page(request: Request, vessel: str) -> HTMLResponse:
    if not re.fullmatch(VESSEL_PATTERN, vessel):
        raise HTTPException(422, f"{vessel!r} is not a vessel: give an MMSI (9 digits) or an IMO number (7 digits)")
    context = detail.vessel_context(reader(request), vessel)
    if context is None:
        raise HTTPException(404, f"no vessel {vessel} in this store")
    return html(request, "vessel.html", title=f"Vessel {vessel}", **context)


def form_filters(form: Mapping[str, Any]) -> tuple[EventFilter | None, list[str]]:
    """The filters of the events form, or None and what is wrong with it."""
    errors = [f"kind {k!r} is not one of {', '.join(KINDS)}" for k in form["kind"] if k not in KINDS]
    errors += [f"severity {s!r} is not one of {', '.join(SEVERITIES)}" for s in form["severity"] if s not in SEVERITIES]
    if form["vessel"] and not re.fullmatch(VESSEL_PATTERN, form["vessel"]):
        errors.append(f"vessel {form['vessel']!r}: give an MMSI (9 digits) or an IMO number (7 digits)")
    if len(form["name"]) > MAX_NAME:
        errors.append(f"name: at most {MAX_NAME} characters")
    times: dict[str, dt.datetime | None] = {}
    for key in ("since", "until"):
        try:
            times[key] = parse_time(form[key]) if form[key] else None
        except ValueError as exc:
            errors.append(f"{key}: {exc}")
    if errors:
        return None, errors
    return EventFilter(
        kinds=tuple(form["kind"]), severities=tuple(form["severity"]),
        vessels=(form["vessel"],) if form["vessel"] else (), since=times["since"], until=times["until"],
        name=form["name"] or None,
    ), []


def kind_rows(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """Kinds with events, most first, each with its label and list link."""
    rows = [{"kind": k, "label": LABELS.get(k, k.lower().replace("_", " ")), "events": n,
             "href": _link("/events", [("kind", k)])} for k, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["events"], r["kind"]))


def time_figure(unit: str, series: Sequence[tuple[str, dt.datetime, int]]) -> dict[str, Any]:
    """Plotly figure (plain JSON) of events by kind over time: one stacked bar trace per kind."""
    order = {k: i for i, k in enumerate(KINDS)}
    kinds = sorted({k for k, _, _ in series}, key=lambda k: (order.get(k, len(order)), k))
    data = [
        {
            "type": "bar", "name": plotly_text(k),
            "x": [t.isoformat() for kk, t, _ in series if kk == k], "y": [n for kk, _, n in series if kk == k],
            "hovertemplate": f"{plotly_text(k)}<br>%{{x}}: %{{y}}<extra></extra>",
            **({"marker": {"color": KIND_COLOURS[k]}} if k in KIND_COLOURS else {}),
        }
        for k in kinds
    ]
    layout = {
        "barmode": "stack", "height": 340, "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "xaxis": {"type": "date", "title": {"text": f"{unit} (UTC)"}}, "yaxis": {"title": {"text": "events"}},
        "legend": {"orientation": "h", "y": -0.25}, "paper_bgcolor": "rgba(0,0,0,0)",
    }
    return {"data": data, "layout": layout, "config": {"displaylogo": False, "responsive": True}}


def risk_row(rank: int, r: VesselRisk) -> dict[str, Any]:
    """A row of the risk table."""
    shown = [x for x in r.reasons if x.points > 0][:TOP_REASONS]
    return {
        "rank": rank, "level": r.level, "score": r.score, "name": r.name, "imo": r.imo,
        "mmsis": ", ".join(str(m) for m in r.mmsis), "href": f"/vessels/{q.risk_key(r.vessel)}",
        "reasons": [(x.kind, x.label, x.brief()) for x in shown], "events": r.events,
    }


def event_item(row: Mapping[str, Any]) -> dict[str, Any]:
    """An event as a row of a list: its facts, its one-line summary, and its links."""
    return {
        **row, "summary": event_summary(row["kind"], row["details"]), "href": f"/events/{row['event_id']}",
        "vessel_href": f"/vessels/{row['vessel']}" if row.get("vessel") else None,
    }


def _form_pairs(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = [("kind", k) for k in form["kind"]] + [("severity", s) for s in form["severity"]]
    pairs += [(k, form[k]) for k in ("vessel", "since", "until", "name") if form[k]]
    return [*pairs, ("limit", str(form["limit"]))]


def _link(path: str, pairs: Sequence[tuple[str, str]], offset: int = 0) -> str:
    query = list(pairs) + ([("offset", str(max(offset, 0)))] if offset > 0 else [])
    return f"{path}?{urlencode(query)}" if query else path
