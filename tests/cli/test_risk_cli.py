"""`shadowtrace risk` on a small store: formats, filters, empty stores, untrusted names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shadowtrace.cli.main import cli
from shadowtrace.models.events import Event, events_table
from shadowtrace.store.store import Store

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
LISTED, MET, DARK, CALLER = 273000001, 412000002, 538000003, 636000004
IMO = 9074729


def _event(kind: str, mmsi: int, days: float, severity: str = "high", **kw: object) -> Event:
    start = T0 + dt.timedelta(days=days)
    return Event(kind=kind, detector="test@1", subject=f"mmsi:{mmsi}", start=start, end=start, mmsi=mmsi,
                 severity=severity, reasons=[f"{kind.lower()} of {mmsi}"], **kw)  # type: ignore[arg-type]


EVENTS = [
    _event("SANCTIONS_MATCH", LISTED, 0, imo=IMO, vessel_name="LISTED ONE",
           details={"strength": "imo", "list": "UN", "listed_name": "LISTED ONE", "name_score": 1.0}),
    _event("ENCOUNTER", LISTED, 1, "medium", other=f"mmsi:{MET}", details={"other": {"mmsi": MET, "name": "MET"}}),
    _event("AIS_GAP", DARK, 2, vessel_name="\x1b[31mDARK\x1b[0m"),
    _event("DRAUGHT_CHANGE_DARK", DARK, 2.5),
    _event("AIS_GAP", DARK, 3, "low"),
    _event("PORT_CALL", CALLER, 4, "info"),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("risk") / "data"
    with Store(root).transaction("detect") as txn:
        txn.write("events", 0, events_table(EVENTS))
    return root


def run(data: Path, *args: str) -> Result:
    """``shadowtrace risk`` without decay, so points are the weights (decay: tests/risk)."""
    result = CliRunner().invoke(cli, ["--data", str(data), "risk", "--set", "half_life_days=inf", *args])
    assert result.exit_code == 0, result.output
    return result


def test_table_ranks_levels_and_one_line_of_reasons(data: Path) -> None:
    lines = run(data, "--format", "table").stdout.splitlines()
    assert lines[0].split() == ["rank", "level", "score", "mmsi", "imo", "name", "reasons"]
    body = [line.split()[:3] for line in lines[2:]]
    assert body == [["1", "sanctioned", "70.0"], ["2", "high", "45.0"], ["3", "high", "40.0"], ["4", "low", "0.0"]]
    assert "MET_SANCTIONED +40" in lines[4]
    assert "AIS_GAP x2 +15" in lines[3]


def test_untrusted_names_are_terminal_safe(data: Path) -> None:
    out = run(data).stdout
    assert "\x1b" not in out and "\\x1b[31mDARK" in out


def test_json_carries_every_reason_and_event_id(data: Path) -> None:
    rows = json.loads(run(data, "--format", "json").stdout)
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    listed = rows[0]
    assert (listed["vessel"], listed["level"], listed["mmsis"]) == (f"imo:{IMO}", "sanctioned", [LISTED])
    assert listed["sanctioned_by"] == [EVENTS[0].event_id]
    dark = rows[1]
    gap = next(r for r in dark["reasons"] if r["kind"] == "AIS_GAP")
    assert set(gap["event_ids"]) == {EVENTS[2].event_id, EVENTS[4].event_id}
    assert gap["first"].startswith("2017-10-03") and gap["points"] == 15.0
    met = rows[2]
    assert met["reasons"][0]["kind"] == "MET_SANCTIONED" and met["reasons"][0]["event_ids"] == [EVENTS[1].event_id]


def test_csv_is_flat(data: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(data, "--format", "csv").stdout)))
    assert [r["vessel"] for r in rows] == [f"imo:{IMO}", f"mmsi:{DARK}", f"mmsi:{MET}", f"mmsi:{CALLER}"]
    assert rows[1]["reasons"] == "DRAUGHT_CHANGE_DARK +30; AIS_GAP x2 +15"
    assert EVENTS[4].event_id in rows[1]["event_ids"]


@pytest.mark.parametrize(
    ("args", "vessels"),
    [
        (["--top", "2"], [f"imo:{IMO}", f"mmsi:{DARK}"]),
        (["--level", "high"], [f"mmsi:{DARK}", f"mmsi:{MET}"]),
        (["--level", "high", "--top", "1"], [f"mmsi:{DARK}"]),
        (["--vessel", str(IMO)], [f"imo:{IMO}"]),
        (["--vessel", str(LISTED)], [f"imo:{IMO}"]),
        (["--vessel", "999999999"], []),
    ],
    ids=["top", "level", "level-and-top", "vessel-by-imo", "vessel-by-mmsi", "unknown-vessel"],
)
def test_filters_keep_the_fleet_rank(data: Path, args: list[str], vessels: list[str]) -> None:
    rows = json.loads(run(data, *args, "--format", "json").stdout)
    assert [r["vessel"] for r in rows] == vessels
    if args[:2] == ["--level", "high"]:
        assert rows[0]["rank"] == 2


def test_as_of_leaves_out_later_events_and_settings_change_weights(data: Path) -> None:
    early = json.loads(run(data, "--as-of", "2017-10-01T12:00:00", "--format", "json").stdout)
    assert [r["vessel"] for r in early] == [f"imo:{IMO}"]
    assert early[0]["as_of"] == "2017-10-01T12:00:00+00:00"
    heavier = json.loads(run(data, "--set", "weight_draught_change_dark=10", "--format", "json").stdout)
    assert next(r["score"] for r in heavier if r["vessel"] == f"mmsi:{DARK}") == 25.0


def test_bad_setting_or_vessel_is_one_line(data: Path) -> None:
    for args, message in [(["--set", "weight_ais_gap=-3"], "weight_ais_gap = -3"),
                          (["--vessel", "12345"], "give an MMSI (9 digits)")]:
        result = CliRunner().invoke(cli, ["--data", str(data), "risk", *args])
        assert result.exit_code == 1
        assert result.stderr.startswith("shadowtrace: error:") and message in result.stderr


@pytest.mark.parametrize(("detect", "why"), [(False, "has not run"), (True, "found no vessel events")],
                         ids=["detect-never-ran", "nothing-found"])
def test_empty_store_says_why_and_prints_nothing(tmp_path: Path, detect: bool, why: str) -> None:
    with Store(tmp_path / "data").transaction("detect" if detect else "ingest"):
        pass
    result = CliRunner().invoke(cli, ["--data", str(tmp_path / "data"), "risk", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert why in result.stderr
    table = CliRunner().invoke(cli, ["--data", str(tmp_path / "data"), "risk"])
    assert table.stdout.splitlines()[0].split() == ["rank", "level", "score", "mmsi", "imo", "name", "reasons"]
