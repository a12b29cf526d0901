"""The pages in headless Chromium against ``shadowtrace serve``: every page loads with no console
error and no request leaving localhost; the overview chart, map and timeline render (checked
through the DOM); the filter form works; hostile texts render as text and run nothing."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

from tests.web.weblib import HOSTILE, HOSTILE_IMO, HOSTILE_MMSI, Watched

from shadowtrace.risk import LEVELS

#: scripts a page may hold: the packaged ones, and JSON data blocks
SCRIPTS_ALLOWED = """() => [...document.querySelectorAll('script')].filter(
    s => !(s.type === 'application/json' || /^\\/static\\/[a-z.]+\\.js$/.test(s.getAttribute('src') || ''))
).map(s => s.outerHTML.slice(0, 80))"""
#: elements with an event-handler attribute, or a link or source with a script URL
ACTIVE_MARKUP = """() => [...document.querySelectorAll('*')].filter(el =>
    [...el.attributes].some(a => a.name.startsWith('on') ||
        (['href', 'src', 'action', 'formaction'].includes(a.name) && /^\\s*javascript:/i.test(a.value)))
).map(el => el.outerHTML.slice(0, 80))"""


def api(server: str, path: str) -> Any:
    with urllib.request.urlopen(server + path, timeout=30) as resp:
        return json.loads(resp.read())


def hostile_events(server: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = api(server, f"/api/events?vessel={HOSTILE_MMSI}&limit=500")["events"]
    return events


def drawn(page: Any, selector: str) -> None:
    """Wait until shadowtrace.js has drawn the figure (``data-drawn``)."""
    page.wait_for_selector(f"{selector}[data-drawn='true']", timeout=15_000)


def test_pages_load_clean(watched: Watched, server: str) -> None:
    """Every visit of every test here checks the page (``Watched.visit``); these are pages the others do not open."""
    top = api(server, "/api/risk?limit=1")["vessels"][0]["key"]
    event = api(server, "/api/events?limit=1&kind=PORT_CALL")["events"][0]["event_id"]
    for path in (f"/vessels/{top}", f"/events/{event}", "/events?kind=AIS_GAP&severity=low&limit=25"):
        page = watched.visit(path)
        assert page.locator("header.site nav a").count() == 3


def test_overview_chart_and_risk_table(watched: Watched, server: str) -> None:
    page = watched.visit("/")
    drawn(page, "#overview-chart")
    kinds = api(server, "/api/kinds")
    present = {k["kind"] for k in kinds if k["events"]}
    assert page.locator("#overview-chart .barlayer .trace").count() == len(present)
    legend = page.locator("#overview-chart .legendtext").all_text_contents()
    assert set(legend) == present
    rows = page.locator("#top-risk tbody tr")
    ranking = api(server, "/api/risk?limit=15")["vessels"]
    assert rows.count() == len(ranking) >= 10
    levels = [rows.nth(i).get_attribute("data-level") for i in range(rows.count())]
    assert levels == [v["level"] for v in ranking] and set(levels) <= set(LEVELS)
    first = rows.nth(0).locator("a.vessel-link")
    assert first.get_attribute("href") == f"/vessels/{ranking[0]['key']}"
    first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/vessels/{ranking[0]['key']}")
    watched.assert_clean()


def listed(page: Any) -> list[dict[str, str | None]]:
    rows = page.locator("#events tr[data-event-id]")
    return [
        {k: rows.nth(i).get_attribute(f"data-{k}") for k in ("event-id", "kind", "severity", "mmsi")}
        for i in range(rows.count())
    ]


def submit(page: Any) -> None:
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#apply")


def test_event_filters_through_the_form(watched: Watched, server: str) -> None:
    page = watched.visit("/events?limit=200")
    everything = listed(page)
    assert len(everything) == api(server, "/api/events?limit=1")["total"]
    page.check("input[name=kind][value=AIS_GAP]")
    submit(page)
    gaps = listed(page)
    assert gaps and {r["kind"] for r in gaps} == {"AIS_GAP"} and len(gaps) < len(everything)
    assert len(gaps) == sum(r["kind"] == "AIS_GAP" for r in everything)
    assert "kind=AIS_GAP" in page.url
    page.check("input[name=kind][value=PORT_CALL]")
    submit(page)
    assert {r["kind"] for r in listed(page)} == {"AIS_GAP", "PORT_CALL"}
    page.uncheck("input[name=kind][value=AIS_GAP]")
    page.uncheck("input[name=kind][value=PORT_CALL]")
    page.check("input[name=severity][value=medium]")
    submit(page)
    medium = listed(page)
    assert medium and {r["severity"] for r in medium} == {"medium"}
    assert len(medium) == sum(r["severity"] == "medium" for r in everything)
    page.uncheck("input[name=severity][value=medium]")
    page.fill("input[name=vessel]", str(HOSTILE_MMSI))
    submit(page)
    mine = listed(page)
    assert {r["mmsi"] for r in mine} == {str(HOSTILE_MMSI)} and len(mine) == len(hostile_events(server))
    page.fill("input[name=vessel]", "")
    page.fill("input[name=name]", "cdata")
    submit(page)
    assert {r["event-id"] for r in listed(page)} == {r["event-id"] for r in mine}
    watched.assert_clean()


def test_bad_filter_is_shown_not_run(watched: Watched) -> None:
    page = watched.page
    response = page.goto(watched.base + "/events?vessel=12ab&since=soon", wait_until="networkidle")
    assert response is not None and response.status == 422
    errors = page.locator("#filter-errors li").all_inner_texts()
    assert len(errors) == 2 and "vessel" in errors[0] and "since" in errors[1]
    assert page.input_value("input[name=vessel]") == "12ab"  # the form keeps what was typed
    watched.console_errors[:] = [e for e in watched.console_errors if "422" not in e]  # the status itself


def test_vessel_page_map_and_timeline(watched: Watched, server: str) -> None:
    page = watched.visit(f"/vessels/{HOSTILE_IMO}")
    drawn(page, "#map")
    drawn(page, "#timeline")
    assert int(page.get_attribute("#map", "data-points") or 0) > 100
    tracks = page.locator("#map .scatterlayer .trace")
    assert tracks.count() >= 2  # land, the track, the gap, the jump...
    paths = page.eval_on_selector_all(
        "#map .scatterlayer .trace path.js-line", "els => els.map(e => e.getAttribute('d'))"
    )
    assert any(d and d.count("L") > 50 for d in paths), "the track is drawn as a line of many points"
    assert page.locator("#timeline .barlayer .trace, #timeline .scatterlayer .trace").count() >= 1
    vessel = api(server, f"/api/vessels/{HOSTILE_IMO}")
    assert page.get_attribute("#risk", "data-level") == vessel["risk"]["level"]
    assert page.locator("#events tr[data-event-id]").count() == len(vessel["events"])
    identities = page.inner_text("#identities")
    assert HOSTILE["name"] in identities and HOSTILE["renamed"] in identities and HOSTILE["callsign"] in identities


def test_event_page_shows_its_evidence(watched: Watched, server: str) -> None:
    event = next(e for e in hostile_events(server) if e["kind"] == "IDENTITY_CHANGE")
    page = watched.visit(f"/events/{event['event_id']}")
    table = page.locator(f"table.evidence[data-event-id='{event['event_id']}']")
    assert table.locator("tbody tr").count() == len(event["evidence"]) >= 2
    raw = table.locator("td.raw").all_inner_texts()
    assert any(HOSTILE["name"] in text for text in raw) and any(HOSTILE["renamed"] in text for text in raw)
    assert page.get_attribute("#vessel-link", "href") == f"/vessels/{HOSTILE_IMO}"
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#vessel-link")
    drawn(page, "#map")
    watched.assert_clean()


def test_hostile_texts_render_as_text_and_run_nothing(watched: Watched, server: str) -> None:
    events = hostile_events(server)
    pages = ["/", f"/events?vessel={HOSTILE_MMSI}", f"/events?name={HOSTILE['name']}", f"/vessels/{HOSTILE_IMO}",
             f"/vessels/{HOSTILE_MMSI}"] + [f"/events/{e['event_id']}" for e in events]
    seen = ""
    for path in pages:
        page = watched.visit(path)
        page.wait_for_timeout(100)  # time for anything injected to run
        assert page.evaluate(SCRIPTS_ALLOWED) == [], path
        assert page.evaluate(ACTIVE_MARKUP) == [], path
        assert page.locator("name, svg script, a[href^='javascript'], iframe, object, embed").count() == 0, path
        seen += page.inner_text("body")
    for text in HOSTILE.values():
        assert text in seen or text.upper() in seen, text
    assert re.search(r"=HYPERLINK\(\"http://x\",\"y\"\)", seen)
    assert not watched.dialogs
