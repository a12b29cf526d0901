"""``shadowtrace serve``: its errors and warnings (uvicorn replaced by a recorder); the pages' own
error pages, and no server error whatever their parameters (in-process)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shadowtrace.cli.main import cli
from shadowtrace.cli.serve_cmd import is_loopback
from shadowtrace.models.events import Event, events_table
from shadowtrace.store.store import Store


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What uvicorn.run would have been asked to serve."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def test_a_missing_store_is_a_one_line_error(tmp_path: Path, started: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["--data", str(tmp_path / "nothing"), "serve"])
    assert result.exit_code == 1 and not started
    assert result.stderr.count("\n") == 1 and "is not a shadowtrace data directory" in result.stderr


def test_loopback_by_default_without_warning(web_store: Store, started: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["--data", str(web_store.root), "serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and "http://127.0.0.1:8123/" in result.stderr
    assert started[0]["host"] == "127.0.0.1" and started[0]["port"] == 8123


def test_other_hosts_get_a_warning(web_store: Store, started: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["--data", str(web_store.root), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "warning: binding to 0.0.0.0, not loopback" in result.stderr
    assert started[0]["host"] == "0.0.0.0"


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.5.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("::", False), ("example.org", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("path", "status", "shown"), [
    ("/events?kind=NOPE", 422, "kind &#39;NOPE&#39; is not one of"),
    ("/events?limit=abc", 422, "limit"),
    ("/events?since=2017-02-30", 422, "since"),
    ("/vessels/<img src=x onerror=alert(1)>", 422, "&lt;img src=x onerror=alert(1)&gt;"),
    ("/vessels/999999999", 404, "no vessel 999999999"),
    ("/events/0123456789abcdef", 404, "no event 0123456789abcdef"),
    ("/events/nope", 422, "not an event id"),
    ("/nowhere", 404, "Not Found"),
])
def test_page_errors_are_pages(client: Any, path: str, status: int, shown: str) -> None:
    resp = client.get(path)
    assert resp.status_code == status
    assert resp.headers["content-type"].startswith("text/html")
    assert shown in resp.text
    assert "<img" not in resp.text


TEXT = st.text(max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(kind=st.lists(TEXT, max_size=3), severity=st.lists(TEXT, max_size=2), vessel=TEXT, since=TEXT, until=TEXT,
       name=TEXT, limit=st.one_of(TEXT, st.integers()), offset=st.one_of(TEXT, st.integers()), segment=TEXT)
def test_pages_never_fail_on_any_parameters(
    client: Any, kind: list[str], severity: list[str], vessel: str, since: str, until: str, name: str,
    limit: str | int, offset: str | int, segment: str,
) -> None:
    """The pages are not in the API schema (schemathesis covers that): any text in any parameter,
    or in a path segment, gives a page or an error page, never a server error."""
    params = {"kind": kind, "severity": severity, "vessel": vessel, "since": since, "until": until, "name": name,
              "limit": limit, "offset": offset}
    assert client.get("/events", params=params).status_code in (200, 422)
    for prefix in ("/vessels/", "/events/", "/static/"):
        assert client.get(prefix + quote(segment, safe="")).status_code in (200, 404, 422)


def _events(kind: str, n: int) -> pa.Table:
    start = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
    return events_table([
        Event(kind=kind, detector="test@1", subject=f"mmsi:{273000000 + i}", mmsi=273000000 + i,
              start=start + dt.timedelta(hours=i), severity="medium")
        for i in range(n)
    ])


def test_the_app_follows_commits_to_the_store(tmp_path: Path) -> None:
    """A detect run replaces the events files; the next request reads the new ones (no stale view, no 500)."""
    from fastapi.testclient import TestClient

    from shadowtrace.web.app import create_app

    store = Store(tmp_path / "data")
    with store.transaction("detect") as txn:
        txn.write("events", 0, _events("AIS_GAP", 3))
    with TestClient(create_app(store)) as client:
        assert client.get("/api/events").json()["total"] == 3
        assert client.get("/api/risk").json()["total"] == 3
        with store.transaction("detect") as txn:
            txn.write("events", 0, _events("LOITERING", 5))
        kinds = {k["kind"]: k["events"] for k in client.get("/api/kinds").json()}
        assert kinds["LOITERING"] == 5 and kinds["AIS_GAP"] == 0
        assert client.get("/api/risk").json()["total"] == 5
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(("header", "answered"), [
    ("127.0.0.1:8000", True), ("localhost:8000", True), ("LOCALHOST", True), ("[::1]:8000", True),
    ("attacker.example", False), ("attacker.example:8000", False), ("127.0.0.1.attacker.example", False),
    ("[::2]:8000", False), ("", False),
])
def test_host_check(web_store: Store, header: str, answered: bool) -> None:
    """With the loopback names ``serve`` passes, other Host headers (DNS rebinding) get a 400."""
    from fastapi.testclient import TestClient

    from shadowtrace.cli.serve_cmd import LOOPBACK_HOSTS
    from shadowtrace.web.app import create_app

    client = TestClient(create_app(web_store, allowed_hosts=LOOPBACK_HOSTS))
    resp = client.get("/api/kinds", headers={"Host": header})
    assert resp.status_code == (200 if answered else 400)
    assert resp.headers["x-content-type-options"] == "nosniff"
