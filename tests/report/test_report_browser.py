"""Reports opened in headless Chromium from file://: no console error, no request but the file
itself, the map and the timeline drawn, and the hostile texts shown as text without running."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.report.conftest import NMEA_HOSTILE
from tests.web.weblib import HOSTILE, HOSTILE_MMSI, Watched

from shadowtrace.cli.main import cli
from shadowtrace.report import render_report
from shadowtrace.store.store import Store

#: elements carrying an event-handler attribute, and links of the javascript: scheme
_ACTIVE = """() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(
    a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value))).map(e => e.outerHTML.slice(0, 80))"""


def open_report(browser: Any, path: Path) -> Watched:
    """The report opened from its file, every request, console error, page error and dialog recorded
    (``outside``: any request but the file itself)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = Watched(page, path.as_uri())
    page.on("request", lambda r: None if r.url == opened.base else opened.outside.append(r.url))
    page.on("console", lambda m: opened.console_errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: opened.page_errors.append(str(exc)))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.goto(opened.base, wait_until="load")
    page.wait_for_selector("[data-figure]:not([data-drawn])", state="detached", timeout=20_000)
    return opened


@pytest.fixture(scope="module")
def one_vessel(report_store: tuple[Store, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("one") / "report.html"
    path.write_text(render_report(report_store[0], vessels=[str(HOSTILE_MMSI)]), encoding="utf-8")
    return path


def test_report_loads_offline_and_draws(browser: Any, one_vessel: Path) -> None:
    opened = open_report(browser, one_vessel)
    page = opened.page
    try:
        points = int(page.get_attribute("#map", "data-points") or 0)
        assert points > 100
        assert page.locator("#map svg g.trace.scatter").count() >= 3, "land, the track and more, drawn as SVG"
        assert page.locator("#timeline svg g.trace").count() >= 2
        assert page.get_attribute("#risk", "data-level") in ("sanctioned", "high", "medium", "low")
        assert page.locator("#identities tr.field-shipname").count() == 2
        tables = page.locator("table.evidence")
        assert tables.count() == page.locator("#events tbody tr").count() > 0
        first = tables.first.get_attribute("data-event-id")
        page.click(f'#events a[href="#ev-{first}"]')
        opened.assert_clean()
    finally:
        page.close()


def test_hostile_texts_show_as_text_and_run_nothing(browser: Any, one_vessel: Path) -> None:
    opened = open_report(browser, one_vessel)
    page = opened.page
    try:
        text = page.inner_text("body")
        for value in HOSTILE.values():
            assert value in text
        assert page.evaluate("document.scripts.length") == 4, "no script element made from data"
        assert page.evaluate(_ACTIVE) == []
        assert page.locator("svg a").count() == 0, "Plotly made no link of a label"
        page.hover("#map .legend")  # a little interaction: still nothing runs
        opened.assert_clean()
    finally:
        page.close()


def test_cli_report_of_several_vessels(browser: Any, report_store: tuple[Store, int], tmp_path: Path) -> None:
    store, renamed = report_store
    out = tmp_path / "two.html"
    args = ["--data", str(store.root), "report", "--vessel", str(renamed), "--vessel", str(HOSTILE_MMSI),
            "--out", str(out)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0
    both = CliRunner().invoke(cli, [*args, "--top", "2"])
    assert both.exit_code == 2 and "exactly one" in both.output
    opened = open_report(browser, out)
    page = opened.page
    try:
        assert page.locator("nav.toc li").count() == 2
        for prefix in ("v1-", "v2-"):
            assert int(page.get_attribute(f"#{prefix}map", "data-points") or 0) > 0
            assert page.locator(f"#{prefix}timeline svg g.trace").count() >= 1
        text = page.inner_text("body")
        for value in (*HOSTILE.values(), *NMEA_HOSTILE.values()):
            assert value in text
        assert page.evaluate("document.scripts.length") == 6
        assert page.evaluate(_ACTIVE) == []
        opened.assert_clean()
    finally:
        page.close()


def test_report_of_an_event_and_of_the_top_vessels(report_store: tuple[Store, int], tmp_path: Path) -> None:
    store, _ = report_store
    html = render_report(store, top=3)
    assert html.count('class="vessel"') == 3
    event_id = html.split('data-event-id="', 1)[1].split('"', 1)[0]
    one = render_report(store, event_id=event_id)
    assert one.count('class="vessel"') == 1 and f'class="evidence-block focus" id="ev-{event_id}"' in one


def test_demo_open_writes_the_top_report_and_opens_it(
    report_store: tuple[Store, int], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from shadowtrace.cli import demo_cmd
    from shadowtrace.cli.main import Context

    store, _ = report_store
    opened: list[str] = []
    monkeypatch.setattr(demo_cmd.webbrowser, "open", lambda url: opened.append(url) or False)
    demo_cmd._open_report(Context(store=store, debug=False))
    out = store.root / "demo-report.html"
    assert opened == [out.as_uri()] and out.read_text().count('class="vessel"') == 10
    assert "no browser" in capsys.readouterr().out
