"""IDENTITY_CHANGE and SHARED_MMSI, table-driven on synthetic statics and positions."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from shadowtrace.detectors.identity import (
    IdentityParams,
    detect_identity,
    identity_changes,
    invalid_imo,
    shared_mmsi_positions,
    shared_mmsi_statics,
)
from shadowtrace.errors import InputError
from shadowtrace.models.mid import MID_FLAGS, flag_of_mmsi

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
#: the ITU list the MID table is made from (read-only, beside the repository, in shared/data)
MID_CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "ports" / "itu-mid"
MID_CSV = MID_CSV / "MaritimeIdentificationDigits.csv"

RU, KP, PA = 273123456, 445000001, 352000001  # MMSIs with Russian, North Korean, Panamanian MIDs
IMO = 9074729  # valid check digit


def h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def statics(*reports: tuple[Any, ...]) -> pl.DataFrame:
    """Reports (hour, mmsi, imo, name, callsign, ship_type); line = position in the list."""
    rows = [
        {"source_id": 1, "line": i + 1, "ts": h(t), "mmsi": mmsi, "imo": imo, "callsign": cs, "shipname": name,
         "ship_type": st}
        for i, (t, mmsi, imo, name, cs, st) in enumerate(reports)
    ]
    schema = {"source_id": pl.Int32, "line": pl.Int64, "ts": pl.Datetime("ms", "UTC"), "mmsi": pl.Int32,
              "imo": pl.Int32, "callsign": pl.String, "shipname": pl.String, "ship_type": pl.UInt8}
    return pl.DataFrame(rows, schema=schema)


def positions(fixes: list[tuple[float, int, float, float]]) -> pl.DataFrame:
    """Fixes (hour, mmsi, lat, lon); line = position in the list."""
    rows = [{"source_id": 2, "line": i + 1, "ts": h(t), "mmsi": m, "lat": la, "lon": lo}
            for i, (t, m, la, lo) in enumerate(fixes)]
    schema = {"source_id": pl.Int32, "line": pl.Int64, "ts": pl.Datetime("ms", "UTC"), "mmsi": pl.Int32,
              "lat": pl.Float64, "lon": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


@dataclass(frozen=True)
class ChangeCase:
    id: str
    reports: tuple[tuple[Any, ...], ...]
    changed: tuple[str, ...]  # fields of the one expected event, () for none
    subject: str = f"imo:{IMO}"
    severity: str = "medium"


CHANGE_CASES = [
    ChangeCase(
        "name-and-mmsi-change-keeping-imo",
        ((0, RU, IMO, "RIM", "UBCD1", 80), (1, RU, IMO, "RIM", "UBCD1", 80),
         (5, PA, IMO, "PATRIOT", "3EAB2", 80), (6, PA, IMO, "PATRIOT", "3EAB2", 80)),
        ("callsign", "flag", "mmsi", "shipname"), severity="high",
    ),
    ChangeCase(
        "one-garbled-report-is-no-change",
        ((0, RU, IMO, "RIM", "UBCD1", 80), (1, RU, IMO, "R!M", "UBCD1", 80), (2, RU, IMO, "RIM", "UBCD1", 80)),
        (),
    ),
    ChangeCase(
        "case-and-space-only-change-is-none",
        ((0, RU, IMO, "RIM STAR", "UBCD1", 80), (1, RU, IMO, "rim  star ", "ubcd1", 80),
         (2, RU, IMO, "Rim Star@@@", "UBCD1", 80)),
        (),
    ),
    ChangeCase(
        "nulls-are-ignored",
        ((0, RU, IMO, "RIM", "UBCD1", 80), (1, RU, IMO, None, None, None), (2, RU, IMO, None, "UBCD1", 0)),
        (),
    ),
    ChangeCase(
        "name-change-same-mmsi",
        ((0, RU, IMO, "RIM", "UBCD1", 80), (1, RU, IMO, "RIM", "UBCD1", 80),
         (2, RU, IMO, "SUN", "UBCD1", 80), (3, RU, IMO, "SUN", "UBCD1", 80)),
        ("shipname",),
    ),
    ChangeCase(
        "flag-change-via-new-mmsi-with-another-mid",
        ((0, RU, IMO, "RIM", "UBCD1", 80), (1, RU, IMO, "RIM", "UBCD1", 80),
         (2, KP, IMO, "RIM", "UBCD1", 80), (3, KP, IMO, "RIM", "UBCD1", 80)),
        ("flag", "mmsi"), severity="high",
    ),
    ChangeCase(
        "ship-type-change-without-imo",
        ((0, RU, None, "RIM", "UBCD1", 70), (1, RU, None, "RIM", "UBCD1", 70),
         (2, RU, None, "RIM", "UBCD1", 80), (3, RU, None, "RIM", "UBCD1", 80)),
        ("ship_type",), subject=f"mmsi:{RU}",
    ),
]


@pytest.mark.parametrize("case", CHANGE_CASES, ids=lambda c: c.id)
def test_identity_change(case: ChangeCase) -> None:
    events = identity_changes(statics(*case.reports))
    if not case.changed:
        assert events == []
        return
    [event] = events
    assert event.kind == "IDENTITY_CHANGE"
    assert event.detector == "identity@1"
    assert event.subject == case.subject
    assert event.severity == case.severity
    assert tuple(sorted(event.details["changes"])) == case.changed
    # evidence: the last report with the old value, then the first with the new
    old_line, new_line = event.evidence[0][1], event.evidence[1][1]
    assert case.reports[old_line - 1][0] < case.reports[new_line - 1][0]
    assert event.start == h(case.reports[new_line - 1][0])


def test_flag_change_names_both_flags() -> None:
    reports = CHANGE_CASES[5].reports
    [event] = identity_changes(statics(*reports))
    assert event.details["changes"]["flag"] == {"old": "RU", "new": "KP"}
    assert event.details["changes"]["mmsi"] == {"old": RU, "new": KP}


@pytest.mark.parametrize(
    ("imo", "invalid"),
    [(9074729, False), (9074728, True), (9176187, False), (1234568, True), (123456, True), (12345678, True)],
    ids=["9074729-valid", "9074728-wrong-digit", "9176187-valid", "1234568-wrong-digit", "six-digits", "eight-digits"],
)
def test_invalid_imo(imo: int, invalid: bool) -> None:
    assert invalid_imo(imo) is invalid


def test_invalid_imo_is_a_low_severity_event() -> None:
    events = identity_changes(statics((0, RU, 9074728, "RIM", "UBCD1", 80), (1, RU, 9074728, "RIM", "UBCD1", 80)))
    [event] = events
    assert (event.kind, event.severity, event.reasons) == ("IDENTITY_CHANGE", "low", ["invalid IMO check digit"])
    assert event.subject == f"mmsi:{RU}"
    assert (event.start, event.end) == (h(0), h(1))


def alternating(mmsi: int, n: int, step_h: float, a: tuple[float, float], b: tuple[float, float]) -> list[Any]:
    """Fixes of two ships on one MMSI, each moving slowly, heard in turn."""
    fixes = []
    for i in range(n):
        la, lo = a if i % 2 == 0 else b
        fixes.append((i * step_h, mmsi, la + 0.001 * i, lo + 0.001 * i))
    return fixes


@dataclass(frozen=True)
class SharedCase:
    id: str
    fixes: list[tuple[float, int, float, float]]
    shared: bool


# off Nakhodka (42.8 N 132.9 E) and in the Korea Bay (38.0 N 124.0 E): about 920 km apart
NAKHODKA, KOREA_BAY = (42.8, 132.9), (38.0, 124.0)
STRAIGHT = [(i * 0.25, RU, 42.8 + 0.01 * i, 132.9) for i in range(40)]

SHARED_CASES = [
    SharedCase("two-ships-900-km-apart-alternating", alternating(RU, 30, 0.2, NAKHODKA, KOREA_BAY), True),
    SharedCase("single-spoofed-fix", [*STRAIGHT[:20], (5.1, RU, *KOREA_BAY), *STRAIGHT[21:]], False),
    SharedCase("one-ship-moving-normally", STRAIGHT, False),
    SharedCase("few-alternations", alternating(RU, 4, 0.2, NAKHODKA, KOREA_BAY), False),
    SharedCase(
        "alternations-spread-beyond-window",
        [(i * 30.0, RU, *(NAKHODKA if i % 2 == 0 else KOREA_BAY)) for i in range(10)],
        False,
    ),
]


@pytest.mark.parametrize("case", SHARED_CASES, ids=lambda c: c.id)
def test_shared_mmsi_from_positions(case: SharedCase) -> None:
    events = shared_mmsi_positions(positions(case.fixes))
    assert [e.kind for e in events] == (["SHARED_MMSI"] if case.shared else [])


def test_shared_mmsi_event_gives_both_places_and_evidence_from_both() -> None:
    fixes = alternating(RU, 30, 0.2, NAKHODKA, KOREA_BAY)
    [event] = shared_mmsi_positions(positions(fixes))
    a, b = event.details["track_a"], event.details["track_b"]
    assert abs(a["lat"] - NAKHODKA[0]) < 0.1 and abs(b["lat"] - KOREA_BAY[0]) < 0.1
    assert 800 < event.details["distance_km"] < 1000
    roles = {role for _, _, role in event.evidence}
    assert roles == {"track A fix", "track B fix"}
    assert (event.start, event.end) == (h(0), h(29 * 0.2))


def test_shared_mmsi_from_statics_alternating_imos() -> None:
    reports = [(i * 0.5, RU, IMO if i % 2 == 0 else 9176187, "RIM", "UBCD1", 80) for i in range(12)]
    [event] = shared_mmsi_statics(statics(*reports))
    assert event.kind == "SHARED_MMSI" and event.details["field"] == "imo"
    assert {r for _, _, r in event.evidence} == {f"report with imo {IMO}", "report with imo 9176187"}


def test_detect_identity_is_deterministic_with_unique_ids() -> None:
    s = statics(*CHANGE_CASES[0].reports)
    p = positions(alternating(RU, 30, 0.2, NAKHODKA, KOREA_BAY))
    first, second = detect_identity(p, s), detect_identity(p, s)
    assert [e.row() for e in first] == [e.row() for e in second]
    assert len({e.event_id for e in first}) == len(first) == 2


@pytest.mark.parametrize(
    "kwargs",
    [{"max_speed_kn": 0.0}, {"min_alternations": 0}, {"min_persist_reports": 1.5}, {"window_h": -1.0},
     {"jump_tolerance_m": -5.0}],
    ids=["zero-speed", "zero-alternations", "fractional-reports", "negative-window", "negative-tolerance"],
)
def test_params_validate(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        IdentityParams(**kwargs)


def test_mid_table() -> None:
    assert (flag_of_mmsi(RU), flag_of_mmsi(KP), flag_of_mmsi(PA)) == ("RU", "KP", "PA")
    assert flag_of_mmsi(None) is None and flag_of_mmsi(992731234) is None


@pytest.mark.skipif(not MID_CSV.exists(), reason=f"ITU MID list not found at {MID_CSV}")
def test_mid_table_covers_the_itu_list() -> None:
    with MID_CSV.open(newline="", encoding="utf-8") as f:
        mids = {int(r["MID"]) for r in csv.DictReader(f)}
    assert set(MID_FLAGS) == mids
