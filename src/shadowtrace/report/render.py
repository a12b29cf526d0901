"""One self-contained HTML file: the dossiers of the vessels asked for, with maps, timelines,
risk, identity history and the evidence of every event.

Self-contained: Plotly's JavaScript (from the ``plotly`` package), the stylesheet and the script
are inlined, the map has no tiles, and a Content-Security-Policy forbids the page every request
(:data:`CSP`), so it opens offline, from a file, and fetches nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shadowtrace import __version__
from shadowtrace.errors import InputError
from shadowtrace.risk.store import store_risks
from shadowtrace.store.store import Store
from shadowtrace.views.dossier import Dossier, load_dossier, top_vessels, vessel_of_event
from shadowtrace.web.components import figure_json, jinja_env

#: no request of any kind leaves the page: inline scripts and styles, data: images, nothing else
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class Section:
    """One vessel of the report: its DOM id prefix, its dossier and its figures."""

    prefix: str
    dossier: Dossier
    figures: dict[str, Any]


def render_report(
    store: Store,
    *,
    vessels: Sequence[str] = (),
    event_id: str | None = None,
    top: int | None = None,
    title: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> str:
    """The report as HTML text: the ``vessels`` given (MMSI or IMO), or the vessel of ``event_id``
    (that event put forward), or the ``top`` vessels by risk. Exactly one of the three.

    DOM ids: with one vessel ``#map``, ``#timeline``, ``#risk``, ``#identities``, ``#events``,
    ``#ev-<event id>``; with several, each prefixed ``v<n>-`` (``#v2-map``).
    """
    given = sum([bool(vessels), event_id is not None, top is not None])
    if given != 1:
        raise InputError("give exactly one of: vessels, an event id, or a number of top vessels")
    say = progress or (lambda _m: None)
    risks = store_risks(store)
    focus: tuple[str, ...] = ()
    if event_id is not None:
        chosen = [vessel_of_event(store, event_id)]
        focus = (event_id,)
        subtitle = f"event {event_id}"
    elif top is not None:
        chosen = top_vessels(store, top, risks=risks)
        subtitle = f"top {top} vessel(s) by risk"
        if not chosen:
            raise InputError("no vessel has events yet: run `shadowtrace detect` first")
    else:
        chosen = list(dict.fromkeys(vessels))
        subtitle = ""
    sections = []
    for i, vessel in enumerate(chosen, start=1):
        say(f"vessel {vessel} ({i}/{len(chosen)})")
        dossier = load_dossier(store, vessel, event_ids=focus, risks=risks)
        prefix = "" if len(chosen) == 1 else f"v{i}-"
        sections.append(Section(prefix, dossier, figure_json(dossier)))
    if title is None:
        first = sections[0].dossier
        title = (f"Evidence report: {first.name or first.vessel}" if len(sections) == 1
                 else f"Evidence report: {len(sections)} vessels")
    return jinja_env().get_template("report.html").render(
        title=title, subtitle=subtitle, sections=sections, generated=dt.datetime.now(dt.UTC),
        version=__version__, sources=len(store.sources()), inline_assets=True, csp=CSP,
    )
