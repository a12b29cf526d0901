"""Page components shared by the HTML report and the web UI: Jinja2 templates, Plotly figures, assets.

Everything a vessel broadcast or a port declared is untrusted text (a ship can be named
``<script>alert(1)</script>``). It reaches a page in two ways only, and both treat it as text:

- through the templates, whose environment escapes every value (autoescape on; nothing marked
  safe but the packaged assets and the JSON blocks below);
- inside figure data, as JSON in a ``<script type="application/json">`` block (``<``, ``>``, ``&``
  written as ``\\u003c``, ``\\u003e``, ``\\u0026``, so no text can close the block), read by
  ``shadowtrace.js`` with ``JSON.parse``. Plotly reads a few HTML tags in hover and label texts,
  so every untrusted text in a figure is HTML-escaped first (:func:`plotly_text`): Plotly shows
  the entities as the characters they stand for, and makes no tag of them.

The figures are Plotly figure dicts (``data``, ``layout``). Plotly's JavaScript comes from the
``plotly`` Python package (``plotly.offline.get_plotlyjs()``): nothing is fetched from the network.
The map has no tiles: land is drawn from the packaged land mask (:mod:`shadowtrace.views.coast`).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from shadowtrace.errors import InputError
from shadowtrace.views.coast import land_polygons
from shadowtrace.views.dossier import Dossier, EventView

#: assets a page may inline or a server may serve, by name, with their media type (nothing else is served)
ASSETS: dict[str, str] = {
    "shadowtrace.css": "text/css",
    "shadowtrace.js": "text/javascript",
    "plotly.min.js": "text/javascript",
}

#: colours of the track's segments, in turn (colour-blind-safe, Okabe-Ito)
SEGMENT_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SEVERITY_COLOURS = {"info": "#7f8c8d", "low": "#95a5a6", "medium": "#e67e22", "high": "#c0392b"}
LAND_COLOUR, COAST_COLOUR, SEA_COLOUR = "#ece6d6", "#b3a98f", "#e3eef5"
#: event kinds drawn on the map as markers of their own (the others with a position share one marker)
MAP_MARKERS = {
    "ENCOUNTER": ("diamond", "#8e44ad", "encounters"),
    "LOITERING": ("circle-open", "#16a085", "loitering"),
    "DESTINATION_MISMATCH": ("star", "#c0392b", "destination mismatches"),
    "DECLARATION_MISMATCH": ("star-open", "#c0392b", "declaration mismatches"),
}
#: timeline lanes, top to bottom
LANES = ("port calls", "voyages: AIS destination", "voyages: clearance", "dark periods", "events")
#: map margin around the track, as a share of its extent (and at least MIN_MARGIN_DEG)
MARGIN, MIN_MARGIN_DEG = 0.08, 0.1
#: shapes (width / height) of the map's plot area that land is drawn for: print (about 1.2) to wide screens
ASPECT_RANGE = (0.8, 3.5)


def plotly_text(text: object) -> str:
    """Untrusted text for a Plotly label or hover: HTML-escaped, so Plotly shows it and makes no tag of it."""
    return html.escape("" if text is None else str(text), quote=False)


def json_for_script(value: Any) -> str:
    """JSON safe to put inside a ``<script>`` element: no ``<``, ``>`` or ``&`` appear as such."""
    text = json.dumps(value, separators=(",", ":"), default=_json_default, allow_nan=False, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def json_script(value: Any, element_id: str) -> Markup:
    """A ``<script type="application/json">`` block holding ``value``, for ``shadowtrace.js`` to read."""
    return Markup('<script type="application/json" id="{}">{}</script>').format(
        element_id, Markup(json_for_script(value))
    )


@functools.cache
def asset_text(name: str) -> str:
    """The text of a packaged asset (:data:`ASSETS`): to inline it in a page, or to serve it."""
    if name not in ASSETS:
        raise InputError(f"no asset {name!r}; assets are {', '.join(sorted(ASSETS))}")
    if name == "plotly.min.js":
        from plotly.offline import get_plotlyjs

        return str(get_plotlyjs())
    return resources.files("shadowtrace.web").joinpath("static", name).read_text(encoding="utf-8")


def inline_asset(name: str) -> Markup:
    """A packaged asset's text to put inside a ``<script>`` or ``<style>`` element of a page."""
    text = asset_text(name)
    return Markup(text.replace("</script", "<\\/script").replace("</style", "<\\/style"))


@functools.cache
def jinja_env() -> jinja2.Environment:
    """The environment of the shared templates (``web/templates``), autoescaping every value.

    Globals: ``inline_asset``; filters: ``json_script``, ``when`` (a UTC time), ``value`` (a
    decoded value), ``duration`` (hours between two times).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("shadowtrace.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["inline_asset"] = inline_asset
    env.filters["json_script"] = json_script
    env.filters["when"] = when
    env.filters["value"] = display_value
    env.filters["duration"] = duration_h
    return env


def when(value: dt.datetime | str | None, seconds: bool = False) -> str:
    """A time as ``YYYY-MM-DD HH:MM`` UTC (``:SS`` with ``seconds``); empty for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def display_value(value: Any) -> str:
    """A decoded value for people: floats without float32 noise, times in UTC, lists joined."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(round(value, 6))
    if isinstance(value, dt.datetime):
        return when(value, seconds=True)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {display_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(display_value(v) for v in value)
    return str(value)


def duration_h(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if start is None or end is None:
        return ""
    hours = (end - start).total_seconds() / 3600.0
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} d"


def figure_json(dossier: Dossier) -> dict[str, Any]:
    """Both figures of a vessel: ``{"map": ..., "timeline": ...}``."""
    return {"map": map_figure(dossier), "timeline": timeline_figure(dossier)}


# ---- the map


def map_figure(dossier: Dossier) -> dict[str, Any]:
    """The track coloured by segment over land polygons, with port calls, gaps (dashed), jumps and
    events with a position marked; lon/lat axes scaled by the cosine of the middle latitude."""
    box = _map_box(dossier)
    if box is None:
        return {"data": [], "layout": _map_layout(None, "no positions for this vessel")}
    traces: list[dict[str, Any]] = []
    land = land_polygons(*_land_box(box))
    if land:
        traces.append({
            "type": "scatter", "mode": "lines", "name": "land", "x": _joined(r[0] for r in land),
            "y": _joined(r[1] for r in land), "fill": "toself", "fillcolor": LAND_COLOUR,
            "line": {"color": COAST_COLOUR, "width": 0.6}, "hoverinfo": "skip", "showlegend": False,
        })
    traces += _track_traces(dossier)
    traces += _gap_traces(dossier.dark_periods)
    traces += _port_call_trace(dossier.port_calls)
    traces += _jump_trace(dossier)
    traces += _event_traces(dossier.events)
    return {"data": traces, "layout": _map_layout(box, None)}


def _map_box(d: Dossier) -> tuple[float, float, float, float] | None:
    lats, lons = list(d.track.lat), list(d.track.lon)
    for e in d.events:
        for la, lo in _event_points(e):
            lats.append(la)
            lons.append(lo)
    if not lats:
        return None
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    pad_lat = max((lat1 - lat0) * MARGIN, MIN_MARGIN_DEG)
    pad_lon = max((lon1 - lon0) * MARGIN, MIN_MARGIN_DEG)
    return max(-89.9, lat0 - pad_lat), min(89.9, lat1 + pad_lat), lon0 - pad_lon, lon1 + pad_lon


def _land_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The box to draw land over: wide and tall enough to fill the plot whatever its shape (Plotly
    widens one axis range to keep the aspect ratio), from ASPECT_RANGE[0] to ASPECT_RANGE[1]."""
    lat0, lat1, lon0, lon1 = box
    scale = max(math.cos(math.radians((lat0 + lat1) / 2.0)), 0.05)
    width, height = (lon1 - lon0) * scale, lat1 - lat0
    lo, hi = ASPECT_RANGE
    cover_w, cover_h = max(width, hi * height), max(height, width / lo)
    mid_lat, mid_lon = (lat0 + lat1) / 2.0, (lon0 + lon1) / 2.0
    half_lon = cover_w / scale / 2.0
    half_lat = cover_h / 2.0
    return max(-90.0, mid_lat - half_lat), min(90.0, mid_lat + half_lat), mid_lon - half_lon, mid_lon + half_lon


def _map_layout(box: tuple[float, float, float, float] | None, note: str | None) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": 560, "margin": {"l": 50, "r": 10, "t": 10, "b": 10}, "hovermode": "closest",
        "plot_bgcolor": SEA_COLOUR, "paper_bgcolor": "#ffffff", "dragmode": "pan",
        "legend": {"orientation": "h", "y": -0.06, "x": 0, "yanchor": "top"},
        "xaxis": {"ticksuffix": "°", "showgrid": True, "gridcolor": "#ffffff", "zeroline": False},
        "yaxis": {"ticksuffix": "°", "showgrid": True, "gridcolor": "#ffffff", "zeroline": False},
    }
    if box is not None:
        lat0, lat1, lon0, lon1 = box
        mid = math.radians((lat0 + lat1) / 2.0)
        layout["xaxis"]["range"] = [lon0, lon1]
        layout["yaxis"]["range"] = [lat0, lat1]
        layout["yaxis"]["scaleanchor"] = "x"
        layout["yaxis"]["scaleratio"] = 1.0 / max(math.cos(mid), 0.05)
    if note:
        layout["annotations"] = [{"text": note, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5,
                                  "y": 0.5}]
        layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False
    return layout


def _track_traces(d: Dossier) -> list[dict[str, Any]]:
    t = d.track
    by_segment: dict[int, list[int]] = {}
    for i, s in enumerate(t.segment):
        by_segment.setdefault(s, []).append(i)
    markers = t.points_drawn <= 5000
    traces = []
    for seg in t.segments:
        rows = by_segment.get(seg.segment, [])
        if not rows:
            continue
        label = f"segment {seg.segment + 1}" + (f" (MMSI {seg.mmsi})" if len(d.mmsis) > 1 else "")
        traces.append({
            "type": "scatter", "mode": "lines+markers" if markers else "lines", "name": label,
            "legendgroup": "track", "x": [t.lon[i] for i in rows], "y": [t.lat[i] for i in rows],
            "text": [_hover_fix(t.ts[i], t.sog_kn[i]) for i in rows],
            "hovertemplate": "%{text}<br>%{y:.5f}, %{x:.5f}<extra>" + label + "</extra>",
            "line": {"color": SEGMENT_COLOURS[seg.segment % len(SEGMENT_COLOURS)], "width": 1.5},
            "marker": {"size": 3}, "meta": {"role": "track"},
        })
    return traces


def _hover_fix(ts: dt.datetime, sog: float | None) -> str:
    speed = "" if sog is None or (isinstance(sog, float) and math.isnan(sog)) else f" · {sog:.1f} kn"
    return when(ts) + " UTC" + speed


def _gap_traces(gaps: Sequence[EventView]) -> list[dict[str, Any]]:
    out = []
    for alleged in (True, False):
        chosen = [g for g in gaps if (g.severity in ("medium", "high")) == alleged and _gap_ends(g)]
        if not chosen:
            continue
        xs: list[float | None] = []
        ys: list[float | None] = []
        texts: list[str | None] = []
        ids: list[str | None] = []
        for g in chosen:
            (la0, lo0), (la1, lo1) = _gap_ends(g)  # type: ignore[misc]
            hover = plotly_text(f"AIS gap ({g.severity}) {g.details.get('duration_h', '')} h: "
                                f"{when(g.start)} to {when(g.end)} UTC")
            xs += [lo0, lo1, None]
            ys += [la0, la1, None]
            texts += [hover, hover, None]
            ids += [g.event_id, g.event_id, None]
        out.append({
            "type": "scatter", "mode": "lines+markers", "name": "dark periods" if alleged else "dark periods (low)",
            "x": xs, "y": ys, "hovertext": texts, "hoverinfo": "text", "customdata": ids,
            "line": {"dash": "dash", "width": 2 if alleged else 1, "color": "#c0392b" if alleged else "#7f8c8d"},
            "marker": {"size": 5, "symbol": "circle-open"}, "connectgaps": False,
        })
    return out


def _gap_ends(g: EventView) -> tuple[tuple[float, float], tuple[float, float]] | None:
    d = g.details
    try:
        return (float(d["start_lat"]), float(d["start_lon"])), (float(d["end_lat"]), float(d["end_lon"]))
    except (KeyError, TypeError, ValueError):
        return None


def _port_call_trace(calls: Sequence[EventView]) -> list[dict[str, Any]]:
    placed = [c for c in calls if c.lat is not None and c.lon is not None]
    if not placed:
        return []
    return [{
        "type": "scatter", "mode": "markers+text", "name": "port calls",
        "x": [c.lon for c in placed], "y": [c.lat for c in placed],
        "text": [plotly_text(c.details.get("port_name") or c.details.get("locode") or "") for c in placed],
        "textposition": "top center", "textfont": {"size": 10, "color": "#34495e"},
        "hovertext": [
            plotly_text(f"{c.details.get('port_name', '')} ({c.details.get('locode', '')}) "
                        f"{when(c.start)} to {when(c.end)} UTC") for c in placed
        ],
        "hoverinfo": "text", "customdata": [c.event_id for c in placed],
        "marker": {"symbol": "square", "size": 9, "color": "#2c3e50", "line": {"color": "#ffffff", "width": 1}},
    }]


def _jump_trace(d: Dossier) -> list[dict[str, Any]]:
    jumps = d.track.jumps
    if not jumps:
        return []
    return [{
        "type": "scatter", "mode": "markers", "name": "position jumps (set aside)",
        "x": [j["lon"] for j in jumps], "y": [j["lat"] for j in jumps],
        "hovertext": [f"impossible fix {when(j['ts'])} UTC (source {j['source_id']} line {j['line']})" for j in jumps],
        "hoverinfo": "text", "marker": {"symbol": "x", "size": 8, "color": "#d35400"},
    }]


def _event_points(e: EventView) -> list[tuple[float, float]]:
    if e.kind == "AIS_GAP":
        ends = _gap_ends(e)
        return list(ends) if ends else []
    if e.lat is not None and e.lon is not None:
        return [(e.lat, e.lon)]
    return []


def _event_traces(events: Sequence[EventView]) -> list[dict[str, Any]]:
    groups: dict[str, list[EventView]] = {}
    for e in events:
        if e.kind in ("PORT_CALL", "AIS_GAP") or e.lat is None or e.lon is None:
            continue
        groups.setdefault(e.kind if e.kind in MAP_MARKERS else "", []).append(e)
    out = []
    for kind, items in sorted(groups.items()):
        symbol, colour, name = MAP_MARKERS.get(kind, ("circle", "#7f8c8d", "other events"))
        out.append({
            "type": "scatter", "mode": "markers", "name": name,
            "x": [e.lon for e in items], "y": [e.lat for e in items],
            "hovertext": [plotly_text(f"{e.kind} ({e.severity}) {when(e.start)} UTC: {e.summary}") for e in items],
            "hoverinfo": "text", "customdata": [e.event_id for e in items],
            "marker": {"symbol": symbol, "size": 12, "color": colour, "line": {"width": 1.5, "color": colour}},
        })
    return out


def _joined(rings: Iterable[list[float]]) -> list[float | None]:
    out: list[float | None] = []
    for ring in rings:
        if out:
            out.append(None)
        out.extend(ring)
    return out


# ---- the timeline


def timeline_figure(dossier: Dossier) -> dict[str, Any]:
    """Port calls, voyages with their AIS destinations and clearance records, dark periods and the
    other events on one time axis (bars for spans, markers for events)."""
    d = dossier
    bars: list[dict[str, Any]] = []
    calls = [(c.start, c.end or c.start, plotly_text(c.details.get("port_name") or c.details.get("locode")),
              plotly_text(f"port call {c.details.get('port_name', '')} ({c.details.get('locode', '')}): "
                          f"{when(c.start)} to {when(c.end)} UTC"), c.event_id) for c in d.port_calls]
    bars.append(_bars("port calls", LANES[0], calls, "#2c3e50"))
    ais: list[tuple[dt.datetime, dt.datetime, str, str, str | None]] = []
    clearance: list[tuple[dt.datetime, dt.datetime, str, str, str | None]] = []
    for v in d.voyages:
        start, end = v.get("departed_at"), v.get("arrived_at") or v.get("departed_at")
        if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
            continue
        origin = v.get("from_port") or v.get("from_locode") or "?"
        route = f"{origin} to {v.get('to_port') or v.get('to_locode') or '?'}"
        texts = [str(x.get("text") or "") for x in v.get("destinations") or []]
        if texts:
            shown = " / ".join(dict.fromkeys(t.strip() for t in texts if t.strip()))
            ais.append((start, end, plotly_text(shown), plotly_text(f"{route}; AIS destination: {shown}"), None))
        declared = v.get("declared_next_name") or v.get("declared_next_locode")
        if declared:
            clearance.append((start, end, plotly_text(declared),
                              plotly_text(f"{route}; declared next port: {declared} "
                                          f"(clearance {v.get('declaration_id') or ''})"), None))
    bars.append(_bars("AIS destinations", LANES[1], ais, "#3498db"))
    bars.append(_bars("clearance records", LANES[2], clearance, "#16a085"))
    dark = [(g.start, g.end or g.start, "",
             plotly_text(f"AIS gap ({g.severity}): {when(g.start)} to {when(g.end)} UTC, "
                         f"{g.details.get('duration_h', '')} h"), g.event_id) for g in d.dark_periods]
    bars.append(_bars("dark periods", LANES[3], dark, "#7f8c8d",
                      [SEVERITY_COLOURS.get(g.severity, "#7f8c8d") for g in d.dark_periods]))
    data = [b for b in bars if b["x"]]
    data += _declaration_markers(d)
    others = [e for e in d.events if e.kind not in ("PORT_CALL", "AIS_GAP")]
    if others:
        data.append({
            "type": "scatter", "mode": "markers", "name": "events", "x": [e.start.isoformat() for e in others],
            "y": [LANES[4]] * len(others),
            "hovertext": [plotly_text(f"{e.kind} ({e.severity}) {when(e.start)} UTC: {e.summary}") for e in others],
            "hoverinfo": "text", "customdata": [e.event_id for e in others],
            "marker": {"size": 12, "symbol": "diamond", "color": [SEVERITY_COLOURS.get(e.severity, "#7f8c8d")
                                                                  for e in others],
                       "line": {"width": 1, "color": "#ffffff"}},
        })
    layout = {
        "height": 300, "margin": {"l": 170, "r": 10, "t": 10, "b": 40}, "barmode": "overlay", "hovermode": "closest",
        "showlegend": False, "plot_bgcolor": "#ffffff", "uniformtext": {"mode": "hide", "minsize": 8},
        "xaxis": {"type": "date", "showgrid": True, "gridcolor": "#ecf0f1"},
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": list(reversed(LANES)),
                  "range": [-0.5, len(LANES) - 0.5], "fixedrange": True},
    }
    if not data:
        layout["annotations"] = [{"text": "nothing dated for this vessel", "showarrow": False, "xref": "paper",
                                  "yref": "paper", "x": 0.5, "y": 0.5}]
    return {"data": data, "layout": layout}


def _bars(
    name: str,
    lane: str,
    items: Sequence[tuple[dt.datetime, dt.datetime, str, str, str | None]],
    colour: str,
    colours: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Horizontal bars on a date axis (``base`` the start, ``x`` the length in ms, as Plotly's timelines)."""
    return {
        "type": "bar", "orientation": "h", "name": name, "y": [lane] * len(items),
        "base": [s.isoformat() for s, _, _, _, _ in items],
        "x": [max((e - s).total_seconds() * 1000.0, 60_000.0) for s, e, _, _, _ in items],
        "text": [t for _, _, t, _, _ in items], "textposition": "inside", "insidetextanchor": "start",
        "textfont": {"size": 10}, "textangle": 0, "cliponaxis": True,
        "hovertext": [h for _, _, _, h, _ in items], "hoverinfo": "text",
        "customdata": [i for _, _, _, _, i in items],
        "marker": {"color": list(colours) if colours else colour, "line": {"width": 1, "color": "#ffffff"}},
        "width": 0.6,
    }


def _declaration_markers(d: Dossier) -> list[dict[str, Any]]:
    """Clearance records matched to no voyage, as markers at their departure time."""
    matched = {v.get("declaration_id") for v in d.voyages if v.get("declaration_id")}
    free = [r for r in d.declarations if r.get("declaration_id") not in matched and r.get("departure_time")]
    if not free:
        return []
    return [{
        "type": "scatter", "mode": "markers", "name": "clearance records",
        "x": [r["departure_time"].isoformat() for r in free], "y": [LANES[2]] * len(free),
        "hovertext": [
            plotly_text(f"clearance {r.get('declaration_id') or ''}: from "
                        f"{r.get('port_name') or r.get('port_locode')}, declared next port "
                        f"{r.get('declared_next_port_name') or r.get('declared_next_port_locode')}")
            for r in free
        ],
        "hoverinfo": "text", "marker": {"symbol": "triangle-right", "size": 11, "color": "#16a085"},
    }]


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)
