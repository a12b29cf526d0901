"""Scoring events against truth: found, missed, false, and false on look-alikes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shadowtrace.sim.evaluate import evaluate, expected_events

T0 = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)


def iso(hours: float) -> str:
    return (T0 + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


TRUTH: dict[str, Any] = {
    "acts": [
        {"id": "A1", "kind": "dark_delivery", "look_alike": False, "start": iso(10), "end": iso(80),
         "vessels": [{"mmsi": 273000001, "imo": 9000001}],
         "expect": [{"kind": "AIS_GAP", "mmsi": 273000001, "dark_start": iso(10), "dark_end": iso(80)},
                    {"kind": "DRAUGHT_CHANGE_DARK", "imo": 9000001, "dark_start": iso(10),
                     "dark_end": iso(80)}]},
        {"id": "A2", "kind": "identity_change", "look_alike": False, "start": iso(100), "end": iso(100),
         "vessels": [{"mmsi": 273000002, "imo": 9000002}],
         "expect": [{"kind": "IDENTITY_CHANGE", "imo": 9000002, "changed_at": iso(100)}]},
        {"id": "L1", "kind": "coverage_gap", "look_alike": True, "start": iso(20), "end": iso(40),
         "vessels": [{"mmsi": 273000003, "imo": 9000003}], "expect": []},
        {"id": "A3", "kind": "shared_mmsi", "look_alike": False, "start": iso(200), "end": iso(230),
         "vessels": [{"mmsi": 273000004, "imo": 9000004}],
         "expect": [{"kind": "AIS_GAP", "mmsi": 273000005, "dark_start": iso(200), "dark_end": iso(230),
                     "optional": True}]},
    ]
}


def ev(kind: str, start: float, end: float | None = None, **vessel: int) -> dict[str, Any]:
    return {"kind": kind, "start": at(start), "end": at(end if end is not None else start), **vessel}


@pytest.mark.parametrize(
    ("events", "kind", "found", "false", "on_look_alikes"),
    [
        pytest.param([], "AIS_GAP", 0, 0, 0, id="nothing-reported"),
        pytest.param([ev("AIS_GAP", 11, 79, mmsi=273000001)], "AIS_GAP", 1, 0, 0, id="gap-found"),
        pytest.param([ev("AIS_GAP", 11, 79, imo=9000001)], "AIS_GAP", 1, 0, 0, id="matched-by-imo"),
        pytest.param([ev("AIS_GAP", 11, 79, mmsi=273000001)] * 2, "AIS_GAP", 1, 0, 0,
                     id="two-events-one-finding"),
        pytest.param([ev("AIS_GAP", 200, 210, mmsi=273000001)], "AIS_GAP", 0, 1, 0, id="wrong-time-is-false"),
        pytest.param([ev("AIS_GAP", 11, 79, mmsi=999999999)], "AIS_GAP", 0, 1, 0, id="wrong-vessel-is-false"),
        pytest.param([ev("AIS_GAP", 22, 38, mmsi=273000003)], "AIS_GAP", 0, 1, 1, id="flagged-look-alike"),
        pytest.param([ev("AIS_GAP", 201, 229, mmsi=273000005)], "AIS_GAP", 0, 0, 0,
                     id="optional-item-neither-found-nor-false"),
        pytest.param([ev("IDENTITY_CHANGE", 103, imo=9000002)], "IDENTITY_CHANGE", 1, 0, 0,
                     id="instant-within-tolerance"),
        pytest.param([ev("IDENTITY_CHANGE", 120, imo=9000002)], "IDENTITY_CHANGE", 0, 1, 0,
                     id="instant-beyond-tolerance"),
    ],
)
def test_scores(events: list[dict[str, Any]], kind: str, found: int, false: int, on_look_alikes: int) -> None:
    score = evaluate(TRUTH, events)[kind]
    assert (score.found, score.false, score.on_look_alikes) == (found, false, on_look_alikes)
    assert score.missed == score.expected - found


def test_expected_events_and_kinds_filter() -> None:
    kinds = sorted(e.kind for e in expected_events(TRUTH) if not e.optional)
    assert kinds == ["AIS_GAP", "DRAUGHT_CHANGE_DARK", "IDENTITY_CHANGE"]
    assert [e.mmsi for e in expected_events(TRUTH) if e.optional] == [273000005]
    scores = evaluate(TRUTH, [ev("ENCOUNTER", 1, 2, mmsi=1)], kinds=["AIS_GAP"])
    assert list(scores) == ["AIS_GAP"]
    assert scores["AIS_GAP"].recall == 0.0 and scores["AIS_GAP"].precision is None
