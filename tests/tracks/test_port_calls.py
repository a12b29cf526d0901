"""Port calls on small synthetic tracks: one case per behaviour of the state machine."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import polars as pl
import pytest

from shadowtrace.tracks import CleanParams, PortCallParams, PortPoints, clean_positions, detect_port_calls
from shadowtrace.tracks.port_calls import port_call_events

APPROACH = [("from", -30.0, 0.0), ("to", 0.0, 0.0, 12.0, 3)]  # 30 km at 12 kn: 81 minutes
LEAVE = [("to", -30.0, 0.0, 12.0, 3)]
TO_BERTH_MIN = 30 / (12 * 1.852) * 60

CASES = [
    pytest.param(
        [*APPROACH, ("at", 24, 30), *LEAVE], {},
        [{"confidence": 4, "entry": True, "exit": True, "stopped": True, "gap": False, "anchored": False,
          "arrival_min": TO_BERTH_MIN, "departure_min": TO_BERTH_MIN + 24 * 60}],
        id="arrive-stop-leave",
    ),
    pytest.param(
        [("from", -30.0, 0.0), ("to", 3.5, 0.0, 12.0, 3), ("at", 6, 30), ("to", 0.0, 0.0, 4.0, 3), ("at", 12, 30),
         *LEAVE], {},
        [{"confidence": 4, "anchored": True, "berthed": True, "arrival_min": 33.5 / (12 * 1.852) * 60}],
        id="anchor-then-berth",
    ),
    pytest.param(
        [*APPROACH, ("at", 2, 30), ("quiet", 10), ("at", 2, 30), *LEAVE], {},
        [{"confidence": 4, "gap": True, "stopped": True}],
        id="gap-inside-port-one-call",
    ),
    pytest.param(
        [*APPROACH, ("at", 2, 30, None), ("quiet", 6), ("at", 2, 30, None), *LEAVE], {},
        [{"confidence": 4, "gap": True, "stopped": False}],
        id="gap-without-speeds-counts-like-a-stop",
    ),
    pytest.param([("from", -30.0, 1.5), ("to", 30.0, 1.5, 12.0, 3)], {}, [], id="pass-by-not-reported"),
    pytest.param(
        [("from", -30.0, 1.5), ("to", 30.0, 1.5, 12.0, 3)], {"min_confidence": 1},
        [{"confidence": 1, "entry": True, "exit": True, "stopped": False}],
        id="pass-by-is-confidence-1",
    ),
    pytest.param(
        [("from", -30.0, 2.5), ("to", 0.0, 2.5, 12.0, 3), ("swing", 2.9, 3.9, 12, 20), ("to", -30.0, 2.5, 12.0, 3)],
        {}, [{"confidence": 4, "positions": None}],
        id="jitter-across-3-4-km-one-call",
    ),
    pytest.param(
        [("at", 10, 30), *LEAVE], {}, [{"confidence": 3, "entry": False, "exit": True, "arrival_min": 0}],
        id="starts-at-berth",
    ),
    pytest.param(
        [*APPROACH, ("at", 10, 30)], {}, [{"confidence": 3, "entry": True, "exit": False, "left": False}],
        id="ends-at-berth",
    ),
    pytest.param(
        [("from", -30.0, 0.0), ("to", -5.0, 0.0, 12.0, 3), ("at", 12, 30), ("to", -30.0, 0.0, 12.0, 3)], {}, [],
        id="stopped-5-km-out-no-call",
    ),
    pytest.param(
        [*APPROACH, ("at", 1, 30), ("quiet", 30), ("at", 1, 30), *LEAVE], {},
        [{"confidence": 4, "gap": True}],
        id="silence-longer-than-a-segment-still-one-call",
    ),
]  # fmt: skip


def calls_of(track: pl.DataFrame, points: PortPoints, **settings: Any) -> pl.DataFrame:
    clean = clean_positions(track, CleanParams())
    return detect_port_calls(clean.positions, points, PortCallParams(**settings))


@pytest.mark.parametrize(("legs", "settings", "expected"), CASES)
def test_port_call_cases(
    synth: ModuleType, one_port: PortPoints, legs: list[Any], settings: dict[str, Any], expected: list[dict[str, Any]]
) -> None:
    calls = calls_of(synth.build_track(legs), one_port, **settings)
    assert calls.height == len(expected), calls
    for row, want in zip(calls.iter_rows(named=True), expected, strict=True):
        assert row["locode"] == "XXAAA"
        for key, value in want.items():
            if key.endswith("_min"):
                got = (row[key.removesuffix("_min")] - synth.T0).total_seconds() / 60
                assert got == pytest.approx(value, abs=4), key
            elif value is not None:
                assert row[key] == value, key


def test_hysteresis_is_what_keeps_jitter_one_call(synth: ModuleType, one_port: PortPoints) -> None:
    legs = [("from", -30.0, 2.5), ("to", 0.0, 2.5, 12.0, 3), ("swing", 2.9, 3.9, 12, 20), ("to", -30.0, 2.5, 12.0, 3)]
    track = synth.build_track(legs)
    assert calls_of(track, one_port).height == 1
    assert calls_of(track, one_port, exit_radius_km=3.0).height > 10  # no hysteresis: a call per swing


def test_two_ports_two_calls_in_order(synth: ModuleType) -> None:
    points = PortPoints.of([synth.port("XXAAA"), synth.port("XXBBB", north=100.0)])
    legs = [*APPROACH, ("at", 12, 30), ("to", 100.0, 0.0, 12.0, 3), ("at", 12, 30), ("to", 130.0, 0.0, 12.0, 3)]
    calls = calls_of(synth.build_track(legs), points)
    assert calls["locode"].to_list() == ["XXAAA", "XXBBB"]
    assert calls["call"].to_list() == [0, 1]
    assert calls["confidence"].to_list() == [4, 4]


def test_ports_sharing_a_berth_go_to_the_one_listed_nearest(synth: ModuleType) -> None:
    near, far = synth.port("XXNEA"), synth.port("XXFAR")
    far = type(far)(**{**far.__dict__, "lat": far.lat + 0.2})  # same berth, listed 22 km away
    calls = calls_of(synth.build_track([*APPROACH, ("at", 12, 30), *LEAVE]), PortPoints.of([far, near]))
    assert calls["locode"].to_list() == ["XXNEA"]


def test_port_call_event(synth: ModuleType, one_port: PortPoints) -> None:
    track = synth.build_track([*APPROACH, ("at", 24, 30), *LEAVE], mmsi=273123456, source_id=7)
    calls = calls_of(track, one_port)
    (event,) = port_call_events(calls, PortCallParams())
    call = calls.row(0, named=True)
    assert event.kind == "PORT_CALL"
    assert event.subject == "mmsi:273123456"
    assert (event.start, event.end) == (call["arrival"], call["departure"])
    assert (event.lat, event.lon) == pytest.approx(synth.BERTH)
    assert event.details["locode"] == "XXAAA"
    assert event.details["confidence"] == 4
    roles = {role: line for _, line, role in event.evidence}
    assert {"last_outside", "first_inside", "first_stop", "last_inside", "first_outside"} <= set(roles)
    lines = track.filter(pl.col("line").is_in(list(roles.values())))
    inside = lines.filter(pl.col("line") == roles["first_inside"]).row(0, named=True)
    assert inside["ts"] == call["first_inside"]
    assert all(source == 7 for source, _, _ in event.evidence)
    assert event.event_id == port_call_events(calls, PortCallParams())[0].event_id  # deterministic


def test_many_vessels_at_once_equal_each_alone(synth: ModuleType, one_port: PortPoints) -> None:
    legs = [
        [*APPROACH, ("at", 24, 30), *LEAVE],
        [("at", 10, 30), *LEAVE],
        [("from", -30.0, 1.5), ("to", 30.0, 1.5, 12.0, 3)],
        [*APPROACH, ("at", 2, 30), ("quiet", 10), ("at", 2, 30), *LEAVE],
    ]
    tracks = [synth.build_track(lg, mmsi=100 + k, start=synth.T0 + dt.timedelta(hours=k)) for k, lg in enumerate(legs)]
    together = calls_of(pl.concat(tracks).sample(fraction=1.0, shuffle=True, seed=1), one_port)
    alone = pl.concat([calls_of(t, one_port) for t in tracks])
    assert together.equals(alone)


def test_moving_on_to_a_neighbouring_port_is_a_new_call(synth: ModuleType) -> None:
    """Gdansk to Gdynia: berthed at one port, then at another whose circles touch, never leaving both."""
    points = PortPoints.of([synth.port("XXAAA"), synth.port("XXBBB", east=6.0, anchorage=(-3.5, 0.0))])
    legs = [*APPROACH, ("at", 12, 30), ("to", 0.0, 6.0, 4.0, 3), ("at", 12, 30), ("to", -30.0, 6.0, 12.0, 3)]
    calls = calls_of(synth.build_track(legs), points)
    assert calls["locode"].to_list() == ["XXAAA", "XXBBB"]
    a, b = calls.iter_rows(named=True)
    left_a = synth.T0 + dt.timedelta(minutes=TO_BERTH_MIN + 12 * 60)
    assert abs((a["departure"] - left_a).total_seconds()) < 5 * 60
    reached_b = left_a + dt.timedelta(hours=6 / (4 * 1.852))
    assert abs((b["arrival"] - reached_b).total_seconds()) < 5 * 60
    assert (a["entry"], a["exit"], b["entry"], b["exit"]) == (True, False, False, True)


def test_a_silence_on_the_approach_is_reckoned_at_approach_speed(synth: ModuleType, one_port: PortPoints) -> None:
    """Last heard 40 km out at 13 kn, unheard until the berth: arrival is reckoned, slowing near port."""
    legs = [
        ("from", -60.0, 0.0), ("to", -40.0, 0.0, 13.0, 3), ("to", -39.9, 0.0, 13.0, 3),  # a last fix at 40 km
        ("dark", -5.0, 0.0, 13.0), ("dark", 0.0, 0.0, 5.0), ("quiet", 1), ("at", 12, 30), *LEAVE,
    ]  # fmt: skip
    (call,) = calls_of(synth.build_track(legs), one_port).iter_rows(named=True)
    last_heard = synth.T0 + dt.timedelta(hours=20 / (13 * 1.852))
    at_berth = last_heard + dt.timedelta(hours=35 / (13 * 1.852) + 5 / (5 * 1.852))
    assert abs((call["first_inside"] - at_berth - dt.timedelta(hours=1)).total_seconds()) < 2
    reckoned = last_heard + dt.timedelta(hours=35 / (13 * 1.852) + 4.5 / (6 * 1.852))  # 500 m short, 6 kn in
    assert abs((call["arrival"] - reckoned).total_seconds()) < 60
    assert abs((call["arrival"] - at_berth).total_seconds()) < 15 * 60
