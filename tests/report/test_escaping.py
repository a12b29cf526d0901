"""Hostile texts (a ship named ``<script>alert(1)</script>``, a destination ``javascript:alert(1)``, a
call sign ``=HYPERLINK(...)``, a name carrying XML markup) reach the page as text only: in the HTML,
in the figures' JSON and in Plotly's labels."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from typing import Any

import pytest
from tests.web.weblib import HOSTILE

from shadowtrace.errors import InputError
from shadowtrace.report.render import CSP, Section
from shadowtrace.risk import Reason, VesselRisk
from shadowtrace.views.dossier import Dossier, EventView, IdentityRecord, Track, TrackSegment
from shadowtrace.views.evidence import EvidenceRow
from shadowtrace.web.components import (
    ASSETS,
    asset_text,
    figure_json,
    jinja_env,
    json_for_script,
    json_script,
    plotly_text,
)

T0 = dt.datetime(2017, 10, 1, 6, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=20)
NAME, RENAMED, CALLSIGN, DESTINATION = HOSTILE["name"], HOSTILE["renamed"], HOSTILE["callsign"], HOSTILE["destination"]
EVERY = (NAME, RENAMED, CALLSIGN, DESTINATION)


def _event(kind: str, **kw: Any) -> EventView:
    base: dict[str, Any] = {
        "event_id": f"{kind.lower()[:8]:0<8}00000000", "kind": kind, "detector": "test@1", "subject": "mmsi:273999990",
        "mmsi": 273999990, "imo": 9301237, "vessel_name": NAME, "start": T0, "end": T1, "lat": 42.0, "lon": 131.5,
        "severity": "high", "score": 1.0, "reasons": (f"renamed {NAME} to {RENAMED}", DESTINATION),
        "details": {"port_name": RENAMED, "declared_raw": DESTINATION, "changes": {"callsign": {"new": CALLSIGN}},
                    "start_lat": 42.0, "start_lon": 131.5, "end_lat": 42.1, "end_lon": 131.8},
        "summary": f"declared {DESTINATION!r} as {NAME}",
        "evidence": (EvidenceRow(
            source_id=1, source_path=f"/data/{RENAMED}.nmea", line=3, role=CALLSIGN, raw=f"{NAME}\n{DESTINATION}",
            decoded={"shipname": NAME, "destination": DESTINATION, "callsign": CALLSIGN}, table="statics",
        ), EvidenceRow(source_id=2, source_path=None, line=9, role="gone", note=f"{RENAMED}: no longer there")),
        "evidence_total": 3,
    }
    base.update(kw)
    return EventView(**base)


def hostile_dossier() -> Dossier:
    gap, call = _event("AIS_GAP"), _event("PORT_CALL")
    change = _event("IDENTITY_CHANGE", lat=None, lon=None, focus=True)
    encounter = _event("ENCOUNTER")
    reason = Reason(kind="IDENTITY_CHANGE", label="changed identity", points=30.0, count=1, severity="high",
                    summary=f"{NAME} -> {RENAMED}", event_ids=(change.event_id, "not-in-dossier"), first=T0, last=T1)
    risk = VesselRisk(vessel="imo:9301237", imo=9301237, mmsis=(273999990,), name=NAME, score=30.0, level="medium",
                      reasons=(reason,), events=4, as_of=T1)
    ident = tuple(IdentityRecord(f, v, T0, T1, 3, (273999990,))
                  for f, v in (("shipname", NAME), ("shipname", RENAMED), ("callsign", CALLSIGN)))
    track = Track(ts=(T0, T1), lat=(42.0, 42.1), lon=(131.5, 131.8), sog_kn=(10.0, None), segment=(0, 0),
                  segments=(TrackSegment(0, 273999990, 0, T0, T1, 2, 2),), points_total=2,
                  jumps=({"ts": T0, "lat": 43.5, "lon": 131.6, "mmsi": 273999990, "source_id": 1, "line": 4},))
    voyage = {
        "from_port": NAME, "from_locode": RENAMED, "departed_at": T0, "to_port": CALLSIGN, "arrived_at": T1,
        "destinations": [{"text": DESTINATION, "count": 2, "first_seen": T0, "last_seen": T1}],
        "declaration_id": RENAMED, "declared_next_name": DESTINATION, "cargo": CALLSIGN,
    }
    declaration = {"declaration_id": "other", "departure_time": T0, "port_name": NAME,
                   "declared_next_port_name": CALLSIGN}
    return Dossier(
        vessel="imo:9301237", mmsis=(273999990,), imo=9301237, name=NAME, callsign=CALLSIGN, flag="RU",
        identities=ident, track=track, port_calls=(call,), voyages=(voyage,), declarations=(declaration,),
        dark_periods=(gap,), events=(call, gap, change, encounter), risk=risk, focus=(change.event_id,),
    )


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes (script contents are not parsed as markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def page() -> tuple[str, _Tags]:
    dossier = hostile_dossier()
    html = jinja_env().get_template("report.html").render(
        title=NAME, subtitle=DESTINATION, sections=[Section("", dossier, figure_json(dossier))],
        generated=T1, version="test", sources=1, inline_assets=True, csp=CSP,
    )
    tags = _Tags()
    tags.feed(html)
    tags.close()
    return html, tags


def test_hostile_texts_are_escaped_in_the_html(page: tuple[str, _Tags]) -> None:
    html, tags = page
    for text in (NAME, RENAMED, '"http://x"'):
        assert text not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;/name&gt;&lt;![CDATA[x]]&gt;" in html
    shown = "".join(tags.text)
    for text in EVERY:
        assert text in shown, f"{text!r} should read as text"


def test_no_markup_is_made_of_hostile_texts(page: tuple[str, _Tags]) -> None:
    _, tags = page
    names = [t for t, _ in tags.tags]
    assert names.count("script") == 4, "plotly.js, shadowtrace.js and two JSON blocks: no other script"
    assert "name" not in names and "img" not in names
    for tag, attrs in tags.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for key in ("href", "src", "action", "formaction"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith("javascript:"), (tag, attrs)
            if key == "href" and tag == "a":
                assert value.startswith("#"), f"links stay inside the page: {attrs}"
    meta = [a for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert meta and meta[0]["content"] == CSP


def test_figure_data_travels_as_inert_json(page: tuple[str, _Tags]) -> None:
    _, tags = page
    blocks = [(a, body) for a, body in tags.scripts if a.get("type") == "application/json"]
    assert {a["id"] for a, _ in blocks} == {"map-data", "timeline-data"}
    for _, body in blocks:
        assert not set("<>&") & set(body), "no character that could end the block or start markup"
        figure = json.loads(body)
        texts = json.dumps(figure)
        assert NAME not in texts and RENAMED not in texts, "Plotly makes tags of raw text: escaped first"
    timeline = json.loads(next(body for a, body in blocks if a["id"] == "timeline-data"))
    labels = [t for trace in timeline["data"] for t in (trace.get("hovertext") or []) + (trace.get("text") or [])]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in t for t in labels if t)
    assert any(DESTINATION in t for t in labels if t), "no markup in it: shown as it is"


def test_dom_ids_the_web_app_and_tests_rely_on(page: tuple[str, _Tags]) -> None:
    _, tags = page
    by_id = {a.get("id"): (t, a) for t, a in tags.tags if a.get("id")}
    for element_id in ("map", "timeline", "risk", "identities", "events"):
        assert element_id in by_id
    assert by_id["map"][1]["data-points"] == "2"
    assert by_id["risk"][1]["data-level"] == "medium"
    evidence = [a for t, a in tags.tags if t == "table" and "evidence" in (a.get("class") or "").split()]
    assert len(evidence) == 4 and all(a.get("data-event-id") for a in evidence)
    anchors = {a["href"][1:] for t, a in tags.tags if t == "a" and a.get("href")}
    assert anchors <= set(by_id), "every link has a target"


@pytest.mark.parametrize("text", EVERY)
def test_helpers(text: str) -> None:
    assert "<" not in plotly_text(text) and ">" not in plotly_text(text)
    encoded = json_for_script({"name": text})
    assert not set("<>&") & set(encoded) and json.loads(encoded) == {"name": text}
    block = str(json_script([text], "x"))
    assert block.startswith('<script type="application/json" id="x">') and block.count("<") == 2


def test_templates_autoescape_and_assets_are_a_fixed_list() -> None:
    env = jinja_env()
    assert env.from_string("{{ x }}").render(x=NAME) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert set(ASSETS) == {"shadowtrace.css", "shadowtrace.js", "plotly.min.js"}
    assert "Plotly.newPlot" in asset_text("shadowtrace.js")
    for bad in ("../templates/base.html", "/etc/passwd", "static/shadowtrace.css"):
        with pytest.raises(InputError):
            asset_text(bad)
