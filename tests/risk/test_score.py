"""The risk score, table-driven on small event tables: points, levels, grouping, reasons."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pyarrow as pa
import pytest

from shadowtrace.models.events import Event, events_table
from shadowtrace.models.imo import imo_check_digit
from shadowtrace.risk import MET_SANCTIONED, RiskParams, VesselRisk, as_of_time, score_vessel, score_vessels

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
A, B, C = 273000001, 412000002, 538000003
IMO_A = 9074729  # a valid IMO number
_STARTS = itertools.count()


IMO_B = 9301230 + imo_check_digit(930123)


def ev(kind: str, severity: str = "medium", *, mmsi: int | None = A, imo: int | None = None, days: float = 0.0,
       name: str | None = None, details: dict[str, Any] | None = None, reasons: list[str] | None = None) -> Event:
    """An event of ``kind`` about a vessel, ``days`` after T0 (distinct starts keep ids distinct)."""
    start = T0 + dt.timedelta(days=days, milliseconds=next(_STARTS))
    return Event(kind=kind, detector="test@1", subject=f"mmsi:{mmsi}", start=start, end=start, mmsi=mmsi, imo=imo,
                 vessel_name=name, severity=severity, details=details or {}, reasons=reasons or [f"{kind} found"])


def table(*events: Event) -> pa.Table:
    return events_table(list(events))


def only(events: list[Event], **kw: Any) -> VesselRisk:
    risks = score_vessels(table(*events), **kw)
    assert len(risks) == 1, risks
    return risks[0]


def sanctions(strength: str, severity: str = "high", **kw: Any) -> Event:
    return ev("SANCTIONS_MATCH", severity, details={"strength": strength, "list": "OFAC SDN",
                                                   "listed_name": "SOME SHIP", "name_score": 1.0}, **kw)


def encounter(a: int, b: int, days: float = 0.0) -> Event:
    return ev("ENCOUNTER", mmsi=a, days=days, details={"other": {"mmsi": b, "name": "PARTNER"}})


P = RiskParams()


@pytest.mark.parametrize(
    ("kind", "severity", "points", "level"),
    [
        ("SANCTIONS_MATCH", "high", P.weight_sanctions_match, "high"),
        ("DECLARATION_MISMATCH", "high", P.weight_declaration_mismatch, "high"),
        ("DECLARATION_MISMATCH", "medium", P.weight_declaration_mismatch / 2, "medium"),
        ("DESTINATION_MISMATCH", "high", P.weight_destination_mismatch, "high"),
        ("DESTINATION_MISMATCH", "medium", P.weight_destination_mismatch / 2, "medium"),
        ("DARK_PORT_CALL_POSSIBLE", "high", P.weight_dark_port_call_possible, "medium"),
        ("DRAUGHT_CHANGE_DARK", "high", P.weight_draught_change_dark, "medium"),
        ("IDENTITY_CHANGE", "high", P.weight_identity_change, "medium"),
        ("SHARED_MMSI", "high", P.weight_shared_mmsi, "medium"),
        ("AIS_GAP", "high", P.weight_ais_gap, "medium"),
        ("AIS_GAP", "medium", P.weight_ais_gap / 2, "low"),
        ("ENCOUNTER", "medium", P.weight_encounter / 2, "low"),
        ("LOITERING", "medium", P.weight_loitering / 2, "low"),
        ("POSITION_JUMP", "medium", P.weight_position_jump / 2, "low"),
    ],
    ids=lambda v: str(v),
)
def test_each_kind_alone(kind: str, severity: str, points: float, level: str) -> None:
    r = only([ev(kind, severity)])
    assert r.score == pytest.approx(points)
    assert r.level == level
    assert [x.kind for x in r.reasons] == [kind]
    assert r.reasons[0].points == pytest.approx(points)


@pytest.mark.parametrize("kind", ["PORT_CALL", "UPSTREAM_ADDED"], ids=["port-call-neutral", "unknown-kind"])
def test_neutral_kinds_score_nothing_and_are_not_reasons(kind: str) -> None:
    r = only([ev(kind, "info"), ev(kind, "high")])
    assert (r.score, r.level, r.reasons, r.events) == (0.0, "low", (), 2)


def test_severity_orders_points_and_low_is_listed_not_scored() -> None:
    points = {s: only([ev("AIS_GAP", s)]).score for s in ("info", "low", "medium", "high")}
    assert points["info"] == points["low"] == 0.0 < points["medium"] < points["high"]
    listed = only([ev("AIS_GAP", "low")])
    assert [(x.kind, x.points, x.count) for x in listed.reasons] == [("AIS_GAP", 0.0, 1)]


@pytest.mark.parametrize(
    ("age_days", "share"),
    [(0, 1.0), (90, 2 ** -0.5), (180, 0.5), (360, 0.25)],
    ids=["fresh", "quarter-year", "one-half-life", "two-half-lives"],
)
def test_recency_decay_from_as_of(age_days: float, share: float) -> None:
    as_of = T0 + dt.timedelta(days=360, seconds=1)  # just after the event (starts are a few ms apart)
    r = only([ev("DECLARATION_MISMATCH", "high", days=360 - age_days)], as_of=as_of)
    assert r.score == pytest.approx(P.weight_declaration_mismatch * share, abs=0.05)


def test_sanctions_do_not_fade_with_age() -> None:
    r = only([sanctions("name", days=0)], as_of=T0 + dt.timedelta(days=720))
    assert r.score == P.weight_sanctions_match


@pytest.mark.parametrize(
    ("n", "points"),
    [(1, 15.0), (2, 24.0), (3, 29.4), (4, 30.0), (10, 30.0)],
    ids=["one", "two", "three", "four-capped", "ten-capped"],
)
def test_repeats_saturate_and_cap(n: int, points: float) -> None:
    r = only([ev("AIS_GAP", "high", days=i / 1e4) for i in range(n)], params=RiskParams(half_life_days=float("inf")))
    assert r.score == pytest.approx(points)
    assert r.reasons[0].count == n


@pytest.mark.parametrize(
    ("strength", "severity", "level"),
    [("imo", "high", "sanctioned"), ("mmsi", "high", "sanctioned"), ("imo", "low", "sanctioned"),
     ("name", "high", "high"), ("name", "medium", "medium"), ("name", "low", "low")],
    ids=lambda v: str(v),
)
def test_sanctioned_level_by_identifier_match_not_by_name(strength: str, severity: str, level: str) -> None:
    r = only([sanctions(strength, severity)])
    assert r.level == level
    assert bool(r.sanctioned_by) == (level == "sanctioned")


def test_sanctioned_ranks_first_whatever_the_score() -> None:
    risks = score_vessels(table(sanctions("mmsi", "low", mmsi=B), ev("DECLARATION_MISMATCH", "high", mmsi=A)))
    assert [(r.vessel, r.level) for r in risks] == [(f"mmsi:{B}", "sanctioned"), (f"mmsi:{A}", "high")]


def test_meeting_a_sanctioned_vessel_weighs_more_and_counts_for_both() -> None:
    risks = {r.vessel: r for r in score_vessels(table(sanctions("imo", mmsi=A, imo=IMO_A), encounter(A, B)))}
    met = risks[f"mmsi:{B}"]
    assert [x.kind for x in met.reasons] == [MET_SANCTIONED]
    assert met.score == P.weight_met_sanctioned / 2 and met.level == "high"
    assert f"imo:{IMO_A}" in met.reasons[0].summary
    listed = risks[f"imo:{IMO_A}"]
    assert {x.kind for x in listed.reasons} == {"SANCTIONS_MATCH", "ENCOUNTER"}  # its partner is not listed
    assert met.reasons[0].event_ids == next(x.event_ids for x in listed.reasons if x.kind == "ENCOUNTER")


def test_plain_encounter_counts_for_both_vessels() -> None:
    risks = score_vessels(table(encounter(A, B)))
    assert sorted((r.vessel, r.score) for r in risks) == [(f"mmsi:{A}", 10.0), (f"mmsi:{B}", 10.0)]
    by = {r.vessel: r for r in risks}
    assert by[f"mmsi:{B}"].name == "PARTNER"
    assert by[f"mmsi:{B}"].reasons[0].summary.startswith(f"with mmsi:{A}: ")
    assert by[f"mmsi:{A}"].reasons[0].summary.startswith(f"with mmsi:{B}: ")


def test_mmsis_join_under_their_imo_from_events() -> None:
    events = [
        ev("IDENTITY_CHANGE", "high", mmsi=C, imo=IMO_A, days=2, name="NEW NAME"),  # new MMSI, same IMO
        ev("AIS_GAP", "high", mmsi=C, days=3),
        ev("DESTINATION_MISMATCH", "high", mmsi=A, imo=IMO_A, days=1, name="OLD NAME"),
        ev("AIS_GAP", "high", mmsi=A, days=0.5),
        ev("AIS_GAP", "high", mmsi=B, days=0.5),  # another vessel
    ]
    risks = {r.vessel: r for r in score_vessels(table(*events))}
    assert set(risks) == {f"imo:{IMO_A}", f"mmsi:{B}"}
    one = risks[f"imo:{IMO_A}"]
    assert (one.imo, one.mmsis, one.name, one.events) == (IMO_A, (A, C), "NEW NAME", 4)
    assert next(x for x in one.reasons if x.kind == "AIS_GAP").count == 2


def test_mmsis_join_under_their_imo_from_identities() -> None:
    identities = pa.table({
        "mmsi": [A, A, C, B], "imo": [IMO_A, IMO_B, IMO_A, None], "reports": [50, 2, 10, 5],
        "last_seen": [T0, T0, T0, T0], "name": ["ALPHA", "ALPHA", "ALPHA II", "BRAVO"],
    })
    risks = score_vessels(table(ev("AIS_GAP", "high", mmsi=A), ev("AIS_GAP", "high", mmsi=C, days=1),
                                ev("AIS_GAP", "high", mmsi=B)), identities=identities)
    by = {r.vessel: r for r in risks}
    assert by[f"imo:{IMO_A}"].mmsis == (A, C)  # A's IMO is the one it broadcast most
    assert by[f"imo:{IMO_A}"].name in {"ALPHA", "ALPHA II"}
    assert by[f"mmsi:{B}"].name == "BRAVO"


def test_invalid_imo_does_not_group() -> None:
    bad = 1234560  # check digit should be 7
    risks = score_vessels(table(ev("AIS_GAP", "high", mmsi=A, imo=bad), ev("AIS_GAP", "high", mmsi=B, imo=bad)))
    assert sorted(r.vessel for r in risks) == [f"mmsi:{A}", f"mmsi:{B}"]


def test_reasons_ordered_by_points_with_every_event_id_strongest_first() -> None:
    gaps = [ev("AIS_GAP", "medium", days=1), ev("AIS_GAP", "high", days=2), ev("AIS_GAP", "low", days=3)]
    mismatch = ev("DESTINATION_MISMATCH", "high", days=4, reasons=["declared CNDLC, arrived at KPNAM"])
    r = only([*gaps, mismatch, ev("POSITION_JUMP", days=5)])
    assert [x.kind for x in r.reasons] == ["DESTINATION_MISMATCH", "AIS_GAP", "POSITION_JUMP"]
    assert r.reasons[0].summary == "declared CNDLC, arrived at KPNAM"
    gap = r.reasons[1]
    assert gap.event_ids == (gaps[1].event_id, gaps[0].event_id, gaps[2].event_id)
    assert (gap.count, gap.severity, gap.first, gap.last) == (3, "high", gaps[0].start, gaps[2].start)
    assert r.score == pytest.approx(sum(x.points for x in r.reasons), abs=0.1)
    as_dict = r.to_dict()
    assert as_dict["reasons"][1]["event_ids"] == list(gap.event_ids)


def test_as_of_defaults_to_the_latest_event_not_the_clock() -> None:
    events = table(ev("DECLARATION_MISMATCH", "high", days=0), ev("PORT_CALL", "info", mmsi=B, days=180))
    assert T0 + dt.timedelta(days=180) <= as_of_time(events) < T0 + dt.timedelta(days=180, seconds=1)
    r = next(x for x in score_vessels(events) if x.vessel == f"mmsi:{A}")
    assert r.as_of == as_of_time(events)
    assert r.score == pytest.approx(P.weight_declaration_mismatch / 2, abs=0.05)


def test_events_after_as_of_are_left_out() -> None:
    events = table(ev("AIS_GAP", "high", days=0), ev("DECLARATION_MISMATCH", "high", days=10))
    r = score_vessels(events, as_of=T0 + dt.timedelta(days=1))[0]
    assert [x.kind for x in r.reasons] == ["AIS_GAP"]


def test_empty_table_scores_nobody() -> None:
    assert score_vessels(table()) == []


def test_score_vessel_by_mmsi_or_imo() -> None:
    events = table(ev("AIS_GAP", "high", mmsi=A, imo=IMO_A), ev("AIS_GAP", "medium", mmsi=B))
    by_imo = score_vessel(events, str(IMO_A))
    by_mmsi = score_vessel(events, str(A))
    assert by_imo is not None and by_imo == by_mmsi
    assert score_vessel(events, str(C)) is None


def test_required_columns_are_named() -> None:
    from shadowtrace.errors import InputError

    with pytest.raises(InputError, match="lacks column"):
        score_vessels(pa.table({"kind": ["AIS_GAP"]}))
