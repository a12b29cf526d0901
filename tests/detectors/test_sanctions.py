"""SANCTIONS_MATCH: strengths, severities and what contradicts a match, case by case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pyarrow as pa
import pytest

from shadowtrace.detectors.sanctions import SanctionsParams, detect_sanctions
from shadowtrace.errors import InputError
from shadowtrace.models.listed import LISTED

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
IMO, OTHER_IMO, BAD_IMO = 9074729, 9187629, 9074720  # valid, valid, wrong check digit
MMSI, KP_MMSI = 356978000, 445123000


def statics(*reports: dict[str, Any]) -> pl.DataFrame:
    """Static reports (type 5 unless said), one an hour from T0."""
    rows = [
        {"source_id": 1, "line": i + 1, "ts": T0 + dt.timedelta(hours=i), "msg_type": r.get("msg_type", 5),
         "mmsi": r.get("mmsi", MMSI), "imo": r.get("imo"), "callsign": r.get("callsign"), "shipname": r.get("name")}
        for i, r in enumerate(reports)
    ]
    return pl.DataFrame(rows, schema={"source_id": pl.Int32, "line": pl.Int64, "ts": pl.Datetime("ms", "UTC"),
                                      "msg_type": pl.UInt8, "mmsi": pl.Int32, "imo": pl.Int32,
                                      "callsign": pl.String, "shipname": pl.String})


def listed(*entries: dict[str, Any]) -> pl.DataFrame:
    rows = [
        {"list_name": "TEST", "list_date": dt.date(2024, 5, 3), "format": "ftm", "entry_id": f"e{i + 1}",
         "source_file": "test.jsonl", "line": i + 1, "aliases": [], "programs": ["DPRK"],
         "imo_valid": None if e.get("imo") is None else e["imo"] != BAD_IMO, **e}
        for i, e in enumerate(entries)
    ]
    frame = pl.from_arrow(pa.Table.from_pylist(rows, schema=LISTED))
    assert isinstance(frame, pl.DataFrame)
    return frame


def ship(**kw: Any) -> dict[str, Any]:
    return {"name": "SAM JONG 2", "imo": None, **kw}


# reports, entries, expected (entry_id, strength, severity, score) of each event
CASES: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str, str, float]]]] = {
    "exact IMO": ([ship(imo=IMO)] * 3, [{"name": "SAM JONG 2", "imo": IMO}], [("e1", "imo", "high", 1.0)]),
    "exact IMO, renamed since": ([ship(imo=IMO, name="NEW NAME")], [{"name": "SAM JONG 2", "imo": IMO}],
                                 [("e1", "imo", "high", 1.0)]),
    "IMO with a wrong check digit never matches by IMO": (
        [ship(imo=BAD_IMO, name="X")], [{"name": "SAM JONG 2", "imo": BAD_IMO}], []),
    "MMSI, name agrees": ([ship()], [{"name": "Sam Jong 2", "mmsi": MMSI}], [("e1", "mmsi", "high", 0.9)]),
    "MMSI, no name broadcast": ([ship(name=None)], [{"name": "SAM JONG 2", "mmsi": MMSI}],
                                [("e1", "mmsi", "high", 0.9)]),
    "MMSI, listed IMO broadcast: an IMO match": (
        [ship(imo=IMO)], [{"name": "SAM JONG 2", "imo": IMO, "mmsi": MMSI}], [("e1", "imo", "high", 1.0)]),
    "MMSI, another IMO broadcast: reused": (
        [ship(imo=OTHER_IMO)], [{"name": "SAM JONG 2", "imo": IMO, "mmsi": MMSI}],
        [("e1", "mmsi_reused", "low", 0.2)]),
    "MMSI, another name, no IMO to settle it": (
        [ship(name="FISHING BOAT 7")], [{"name": "SAM JONG 2", "imo": IMO, "mmsi": MMSI}],
        [("e1", "mmsi_unconfirmed", "medium", 0.6)]),
    "MMSI, the entry has no name to contradict": (
        [ship(name="ANY NAME")], [{"name": None, "mmsi": MMSI}], [("e1", "mmsi", "high", 0.9)]),
    "fuzzy name": ([ship(name="SAMJONG 2")], [{"name": "Sam Jong No. 2", "imo": IMO}],
                   [("e1", "name", "medium", 0.6)]),
    "name of an alias (former name)": ([ship(name="BLUE NOUVELLE")],
                                       [{"name": "Chong Bong", "aliases": ["Greenlight", "Blue Nouvelle"]}],
                                       [("e1", "name", "medium", 0.6)]),
    "name and flag": ([ship(mmsi=KP_MMSI)], [{"name": "SAM JONG 2", "flag": "KP"}], [("e1", "name", "high", 0.75)]),
    "name and call sign": ([ship(callsign="HMZZ 1")], [{"name": "SAM JONG 2", "callsign": "HMZZ1"}],
                           [("e1", "name", "high", 0.75)]),
    "name, flag and call sign": ([ship(mmsi=KP_MMSI, callsign="HMZZ1")],
                                 [{"name": "SAM JONG 2", "flag": "KP", "callsign": "HMZZ1"}],
                                 [("e1", "name", "high", 0.9)]),
    "name, but another IMO: a namesake": ([ship(imo=OTHER_IMO)], [{"name": "SAM JONG 2", "imo": IMO}], []),
    "sister ship: YU JONG 1 is not YU JONG 2": ([ship(name="YU JONG 1")], [{"name": "YU JONG 2"}], []),
    "a word short": ([ship(name="SAM JONG")], [{"name": "SAM JONG 2"}], []),
    "class B namesake": ([ship(msg_type=24)], [{"name": "SAM JONG 2", "imo": IMO}], [("e1", "name", "low", 0.3)]),
    "two entries, one event each": ([ship(imo=IMO)], [{"name": "SAM JONG 2", "imo": IMO},
                                                      {"name": "SAM JONG 2", "imo": IMO}],
                                    [("e1", "imo", "high", 1.0), ("e2", "imo", "high", 1.0)]),
    "nothing in common": ([ship(name="PACIFIC STAR", imo=OTHER_IMO)], [{"name": "SAM JONG 2", "imo": IMO}], []),
}


@pytest.mark.parametrize(("reports", "entries", "expected"), CASES.values(), ids=CASES.keys())
def test_cases(reports: list[dict[str, Any]], entries: list[dict[str, Any]],
               expected: list[tuple[str, str, str, float]]) -> None:
    events = detect_sanctions(statics(*reports), listed(*entries))
    got = sorted((e.details["entry_id"], e.details["strength"], e.severity, e.score) for e in events)
    assert got == expected
    for e in events:
        assert (e.kind, e.subject) == ("SANCTIONS_MATCH", f"mmsi:{e.mmsi}")
        assert e.reasons and e.params_hash


def test_event_fields_span_and_evidence() -> None:
    reports = [ship(name="OTHER", imo=OTHER_IMO), ship(imo=IMO), ship(imo=IMO), ship(imo=IMO)]
    entry = {"name": "SAM JONG 2", "imo": IMO, "mmsi": MMSI, "listed_since": dt.date(2018, 3, 30)}
    (e,) = detect_sanctions(statics(*reports), listed(entry))
    assert (e.start, e.end) == (T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=3))
    assert [(s, ln) for s, ln, _ in e.evidence] == [(1, 2), (1, 4)]
    assert (e.mmsi, e.imo, e.vessel_name) == (MMSI, IMO, "SAM JONG 2")
    d = e.details
    assert (d["list"], d["list_date"], d["entry_id"], d["listed_name"], d["listed_imo"], d["listed_mmsi"]) == (
        "TEST", dt.date(2024, 5, 3), "e1", "SAM JONG 2", IMO, MMSI)
    assert (d["programs"], d["matched_on"], d["reports"], d["name_score"]) == (["DPRK"], ["imo", "mmsi", "name"], 3,
                                                                              100.0)
    assert any("before the listing date 2018-03-30" in r for r in e.reasons)


def test_event_ids_are_deterministic_and_unique() -> None:
    reports = [ship(imo=IMO), ship(mmsi=KP_MMSI, name="SAM JONG 2")]
    entries = [{"name": "SAM JONG 2", "imo": IMO}, {"name": "SAM JONG 2", "mmsi": KP_MMSI}]
    first = detect_sanctions(statics(*reports), listed(*entries))
    again = detect_sanctions(statics(*reports), listed(*entries))
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert len({e.event_id for e in first}) == len(first) == 4  # each vessel meets both entries


def test_a_higher_name_threshold_drops_fuzzy_names() -> None:
    reports, entries = [ship(name="SAMJONG 2 Y")], [{"name": "SAM JONG 2"}]
    assert detect_sanctions(statics(*reports), listed(*entries), SanctionsParams(min_name_score=80.0))
    assert not detect_sanctions(statics(*reports), listed(*entries), SanctionsParams(min_name_score=99.0))


def test_empty_inputs() -> None:
    assert detect_sanctions(statics(), listed({"name": "X"})) == []
    assert detect_sanctions(statics(ship()), listed()) == []


def test_bad_setting_is_an_input_error() -> None:
    with pytest.raises(InputError, match="min_name_score"):
        SanctionsParams(min_name_score=120.0)
