"""Scoring staged ship-to-ship transfers: both visible by their ENCOUNTER, receiver dark by the giver's
LOITERING noted as a possible dark transfer; and which loitering events count as findings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from shadowtrace.sim.evaluate import alleged, transfer_recall

T0 = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
GIVER, RECEIVER, PASSER = 273000001, 273000002, 273000009


def iso(hours: float) -> str:
    return (T0 + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def sts(variant: str) -> dict[str, Any]:
    return {
        "id": "A1", "kind": "sts_transfer", "variant": variant, "look_alike": False,
        "start": iso(10), "end": iso(18), "vessels": [{"mmsi": GIVER}, {"mmsi": RECEIVER}], "expect": [],
        "facts": {"giver": {"mmsi": GIVER}, "receiver": {"mmsi": RECEIVER}},
    }  # fmt: skip


def ev(kind: str, mmsi: int, start: float, end: float, **details: Any) -> dict[str, Any]:
    return {
        "kind": kind, "mmsi": mmsi, "start": T0 + dt.timedelta(hours=start), "end": T0 + dt.timedelta(hours=end),
        "severity": "medium", "details": json.dumps(details),
    }  # fmt: skip


ENCOUNTER = ev("ENCOUNTER", GIVER, 11, 17, other={"mmsi": RECEIVER})
DARK = ev("LOITERING", GIVER, 9, 17, note="possible dark transfer")
ALONGSIDE = ev("LOITERING", GIVER, 9, 17, note=f"alongside mmsi:{RECEIVER} (ENCOUNTER)")


@pytest.mark.parametrize(
    ("variant", "events", "found"),
    [
        pytest.param("both_visible", [ENCOUNTER], 1, id="visible-found-by-the-pair's-encounter"),
        pytest.param("both_visible", [ev("ENCOUNTER", GIVER, 11, 17, other={"mmsi": PASSER})], 0,
                     id="visible-not-found-by-an-encounter-with-another-vessel"),
        pytest.param("both_visible", [DARK], 0, id="visible-not-found-by-loitering-alone"),
        pytest.param("both_visible", [ev("ENCOUNTER", GIVER, 40, 45, other={"mmsi": RECEIVER})], 0,
                     id="visible-not-found-a-day-later"),
        pytest.param("receiver_dark", [DARK], 1, id="dark-found-by-the-giver's-possible-dark-transfer"),
        pytest.param("receiver_dark", [ALONGSIDE], 0, id="dark-not-found-by-loitering-beside-a-partner"),
        pytest.param("receiver_dark", [ev("LOITERING", RECEIVER, 9, 17, note="possible dark transfer")], 0,
                     id="dark-not-found-by-the-receiver's-loitering"),
    ],
)
def test_transfer_recall(variant: str, events: list[dict[str, Any]], found: int) -> None:
    scores = transfer_recall({"acts": [sts(variant)]}, events)
    assert scores[variant] == (found, 1)
    assert sum(staged for _, staged in scores.values()) == 1


@pytest.mark.parametrize(
    ("severity", "counted"),
    [("medium", True), ("low", True), ("info", False)],
    ids=["possible-dark-transfer", "beside-a-partner", "idle-at-work"],
)
def test_which_loitering_is_alleged(severity: str, counted: bool) -> None:
    event = {**DARK, "severity": severity}
    assert (alleged([event]) == [event]) is counted
