"""The JSON API in-process: documented shapes, filters, validation (422, never 500), 404s,
security headers, read-only methods; and path tricks against the served app over a raw socket."""

from __future__ import annotations

import http.client
import urllib.request
from typing import Any
from urllib.parse import urlparse

import pytest
from tests.web.weblib import HOSTILE, HOSTILE_IMO, HOSTILE_MMSI

API_PATHS = ("/api/events", "/api/events/{event_id}", "/api/vessels/{vessel}", "/api/risk", "/api/kinds")


def get(client: Any, path: str, status: int = 200, **params: Any) -> Any:
    resp = client.get(path, params=params)
    assert resp.status_code == status, (path, params, resp.status_code, resp.text[:300])
    return resp.json()


def test_schema_documents_every_endpoint_and_model(client: Any) -> None:
    schema = get(client, "/openapi.json")
    assert schema["openapi"].startswith("3.")
    assert set(API_PATHS) <= set(schema["paths"])
    assert not [p for p in schema["paths"] if not p.startswith("/api/")], "pages are not part of the API"
    assert all(set(ops) == {"get"} for ops in schema["paths"].values()), "read-only: GET only"
    models = schema["components"]["schemas"]
    assert {"EventOut", "EventPage", "EventDetail", "EvidenceRowOut", "VesselOut", "RiskOut", "KindOut"} <= set(models)
    assert "vessel_name" in models["EventOut"]["properties"]
    params = {p["name"]: p for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert set(params) == {"kind", "severity", "vessel", "since", "until", "name", "limit", "offset"}
    assert "AIS_GAP" in str(params["kind"]["schema"])  # kinds are an enum
    assert 404 in {int(c) for c in schema["paths"]["/api/events/{event_id}"]["get"]["responses"]}


def test_events_page_shape_and_order(client: Any) -> None:
    page = get(client, "/api/events", limit=5)
    assert page["total"] > 5 and page["limit"] == 5 and page["offset"] == 0 and len(page["events"]) == 5
    event = page["events"][0]
    assert {"event_id", "kind", "start", "severity", "reasons", "details", "evidence", "vessel"} <= set(event)
    assert isinstance(event["details"], dict) and isinstance(event["evidence"], list)
    starts = [e["start"] for e in get(client, "/api/events", limit=500)["events"]]
    assert starts == sorted(starts)
    second = get(client, "/api/events", limit=5, offset=5)["events"]
    assert not {e["event_id"] for e in second} & {e["event_id"] for e in page["events"]}


def test_event_filters(client: Any) -> None:
    everything = get(client, "/api/events", limit=500)["events"]
    kinds = {e["kind"] for e in everything}
    assert {"PORT_CALL", "AIS_GAP"} <= kinds
    gaps = get(client, "/api/events", kind="AIS_GAP", limit=500)
    assert gaps["total"] == sum(e["kind"] == "AIS_GAP" for e in everything)
    assert {e["kind"] for e in gaps["events"]} == {"AIS_GAP"}
    two = get(client, "/api/events", kind=["AIS_GAP", "PORT_CALL"], limit=500)
    assert two["total"] == sum(e["kind"] in ("AIS_GAP", "PORT_CALL") for e in everything)
    medium = get(client, "/api/events", severity="medium", limit=500)["events"]
    assert medium and {e["severity"] for e in medium} == {"medium"}
    mine = get(client, "/api/events", vessel=str(HOSTILE_MMSI), limit=500)["events"]
    assert {e["kind"] for e in mine} >= {"IDENTITY_CHANGE", "POSITION_JUMP", "AIS_GAP"}
    assert {e["mmsi"] for e in mine} == {HOSTILE_MMSI}
    by_imo = get(client, "/api/events", vessel=f"IMO {HOSTILE_IMO}", limit=500)["events"]
    assert {e["event_id"] for e in by_imo} == {e["event_id"] for e in mine}  # the IMO's MMSIs
    named = get(client, "/api/events", name="<SCRIPT>", limit=500)["events"]
    assert {e["event_id"] for e in named} == {e["event_id"] for e in mine}  # any name it broadcast
    assert get(client, "/api/events", name="%", limit=500)["total"] == 0  # a wildcard is a character
    late = get(client, "/api/events", since="2017-10-03", limit=500)["events"]
    assert late and all((e["end"] or e["start"]) >= "2017-10-03" for e in late)
    early = get(client, "/api/events", until="2017-10-01T12:00:00Z", limit=500)["events"]
    assert early and all(e["start"] <= "2017-10-01T12:00:00Z" for e in early)


def test_event_detail_resolves_evidence(client: Any) -> None:
    event = get(client, "/api/events", kind="IDENTITY_CHANGE", vessel=str(HOSTILE_MMSI))["events"][0]
    detail = get(client, f"/api/events/{event['event_id']}")
    assert detail["event_id"] == event["event_id"] and detail["vessel"] == f"{HOSTILE_IMO:07d}"
    rows = detail["evidence_rows"]
    assert len(rows) == len(event["evidence"]) >= 2
    assert all(r["raw"] and r["source_path"].endswith("hostile.csv") for r in rows)
    assert HOSTILE["name"] in "".join(r["raw"] for r in rows)  # the raw line, as text


def test_vessel(client: Any) -> None:
    vessel = get(client, f"/api/vessels/{HOSTILE_IMO}")
    assert vessel["vessel"] == f"imo:{HOSTILE_IMO}" and vessel["mmsis"] == [HOSTILE_MMSI]
    names = {i["value"] for i in vessel["identities"] if i["field"] == "shipname"}
    assert names == {HOSTILE["name"], HOSTILE["renamed"]}
    assert vessel["callsign"] == HOSTILE["callsign"]
    assert vessel["risk"]["level"] in ("medium", "high") and vessel["risk"]["rank"] >= 1
    assert {e["kind"] for e in vessel["events"]} >= {"IDENTITY_CHANGE", "POSITION_JUMP"}
    assert vessel["track_points"] > 100
    same = get(client, f"/api/vessels/{HOSTILE_MMSI}")
    assert same["mmsis"] == [HOSTILE_MMSI] and same["imo"] == HOSTILE_IMO


def test_risk_and_kinds(client: Any) -> None:
    risk = get(client, "/api/risk", limit=3)
    assert risk["total"] >= 10 and len(risk["vessels"]) == 3
    assert [v["rank"] for v in risk["vessels"]] == [1, 2, 3]
    assert all(v["reasons"] is not None and v["key"].isdigit() for v in risk["vessels"])
    levels = get(client, "/api/risk", level="low", limit=500)["vessels"]
    assert levels and {v["level"] for v in levels} == {"low"}
    kinds = {k["kind"]: k for k in get(client, "/api/kinds")}
    assert kinds["AIS_GAP"]["events"] > 0 and kinds["AIS_GAP"]["label"]
    assert kinds["SANCTIONS_MATCH"]["events"] == 0  # every known kind is listed
    assert "MET_SANCTIONED" not in kinds  # a reason of the risk score, not an event kind


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/events", {"kind": "NOT_A_KIND"}),
        ("/api/events", {"kind": "ais_gap"}),
        ("/api/events", {"severity": "critical"}),
        ("/api/events", {"vessel": "12345"}),
        ("/api/events", {"vessel": "١٢٣٤٥٦٧"}),  # digits, but not ASCII ones
        ("/api/events", {"vessel": "9301237; DROP TABLE events"}),
        ("/api/events", {"since": "yesterday"}),
        ("/api/events", {"since": "2017-13-45"}),
        ("/api/events", {"since": "9999-12-31T23:59:59-05:00"}),  # past year 9999 in UTC
        ("/api/events", {"until": "0001-01-01"}),
        ("/api/events", {"limit": 0}),
        ("/api/events", {"limit": 100000}),
        ("/api/events", {"offset": -1}),
        ("/api/events", {"offset": 10**30}),
        ("/api/events", {"name": "x" * 65}),
        ("/api/risk", {"limit": "many"}),
        ("/api/risk", {"level": "extreme"}),
        ("/api/events/not-an-id", {}),
        ("/api/events/0123456789ABCDEF", {}),
        ("/api/vessels/abc", {}),
    ],
)
def test_bad_parameters_are_422(client: Any, path: str, params: dict[str, Any]) -> None:
    resp = client.get(path, params=params)
    assert resp.status_code == 422, (path, params, resp.status_code, resp.text[:200])
    assert resp.json()["detail"]


@pytest.mark.parametrize("path", ["/api/events/0123456789abcdef", "/api/vessels/999999999", "/api/vessels/1234567",
                                  "/api/nothing", "/static/nothing.js", "/docs", "/redoc"])
def test_unknown_is_404(client: Any, path: str) -> None:
    assert client.get(path).status_code == 404


def test_text_parameters_are_bound_not_interpreted(client: Any) -> None:
    for name in ("'; DROP TABLE events; --", "\x00", "\\", "_", "é\u202e", "%25"):
        assert get(client, "/api/events", name=name)["total"] == 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_read_only(client: Any, method: str) -> None:
    for path in ("/api/events", "/", "/events", "/static/shadowtrace.js"):
        assert client.request(method, path).status_code == 405


def test_security_headers_everywhere(client: Any) -> None:
    for path in ("/", "/api/kinds", "/static/plotly.min.js", "/api/events/zz", "/nothing"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_static_files_come_from_the_package(client: Any) -> None:
    plotly = client.get("/static/plotly.min.js")
    assert plotly.status_code == 200 and plotly.headers["content-type"].startswith("text/javascript")
    assert len(plotly.content) > 1_000_000 and b"plotly" in plotly.content[:2000].lower()
    assert client.get("/static/shadowtrace.css").headers["content-type"].startswith("text/css")


RAW_TRICKS = [
    "/static/../../etc/passwd",
    "/static/..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static//etc/passwd",
    "/static/shadowtrace.js/../../../../etc/passwd",
    "/api/vessels/..%2f..",
    "/api/vessels/..%2f..%2f..%2fetc%2fpasswd",
    "/api/events/..%2f..%2fetc%2fpasswd",
    "/vessels/..%2f..%2fetc%2fpasswd",
    "/events/%2e%2e",
]


@pytest.mark.parametrize("path", RAW_TRICKS)
def test_path_traversal_reaches_no_file(server: str, path: str) -> None:
    """Sent as is over a socket (HTTP clients would normalise the dots away first)."""
    url = urlparse(server)
    con = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        con.request("GET", path)
        resp = con.getresponse()
        body = resp.read()
    finally:
        con.close()
    assert resp.status in (404, 422), (path, resp.status)
    assert b"root:" not in body


def test_served_app_refuses_other_host_names(server: str) -> None:
    """Against DNS rebinding: a page on another site whose name points at 127.0.0.1 gets nothing."""
    url = urlparse(server)
    con = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        con.request("GET", "/api/kinds", headers={"Host": "attacker.example"})
        assert con.getresponse().status == 400
    finally:
        con.close()


def test_concurrent_requests(server: str) -> None:
    """Requests in parallel threads of the server, each with its own DuckDB cursor."""
    from concurrent.futures import ThreadPoolExecutor

    paths = ["/api/events?limit=500", "/api/risk", "/api/kinds", "/events", "/", f"/api/vessels/{HOSTILE_IMO}"] * 8

    def status(path: str) -> int:
        with urllib.request.urlopen(server + path, timeout=60) as resp:
            return int(resp.status)

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(status, paths)) == {200}
