"""AIS_GAP, DRAUGHT_CHANGE_DARK and DARK_PORT_CALL_POSSIBLE, table-driven on synthetic tracks."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from shadowtrace.detectors.dark_ports import dark_port_calls_possible, detect_gaps
from shadowtrace.detectors.gaps import GapParams, ais_gaps, draught_changes_dark
from shadowtrace.errors import InputError
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.models.events import Event
from shadowtrace.tracks.clean import clean_positions
from shadowtrace.tracks.params import CleanParams

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
VESSEL = 273000001
_LINES = itertools.count(1)


def h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def fixes(mmsi: int, lat: float, lon: float, from_h: float, to_h: float, sog_kn: float,
          step_h: float = 1 / 6, dlon_per_h: float = 0.0) -> list[dict[str, Any]]:
    """Fixes every ``step_h`` from ``from_h`` to ``to_h``, drifting east by ``dlon_per_h`` degrees an hour."""
    n = round((to_h - from_h) / step_h)
    return [
        {"source_id": 1, "line": next(_LINES), "ts": h(from_h + i * step_h), "mmsi": mmsi, "lat": lat,
         "lon": lon + dlon_per_h * i * step_h, "sog_kn": sog_kn}
        for i in range(n + 1)
    ]


def crowd(lat: float, lon: float, from_h: float, to_h: float, vessels: int = 6, step_h: float = 0.5,
          dlon: float = 0.15) -> list[dict[str, Any]]:
    """Other vessels heard every ``step_h`` near (lat, lon) and eastwards (``dlon`` degrees apart):
    good reception there, at 1 / ``step_h`` fixes an hour."""
    rows = []
    for k in range(vessels):
        rows += fixes(412000000 + k, lat + 0.02 * k, lon + dlon * k, from_h, to_h, 0.0, step_h=step_h)
    return rows


def silent_track(lat: float, lon: float, gap_h: float, sog_kn: float, end_lat: float | None = None,
                 end_lon: float | None = None) -> list[dict[str, Any]]:
    """The vessel heard for 3 h, silent ``gap_h``, heard again for 3 h (from h = 3 + gap_h)."""
    dlon = sog_kn * 1.852 / (111.195 * math.cos(math.radians(lat)))  # eastwards at the reported speed
    before = fixes(VESSEL, lat, lon, 0.0, 3.0, sog_kn, dlon_per_h=dlon)
    after = fixes(VESSEL, end_lat if end_lat is not None else lat, end_lon if end_lon is not None else lon,
                  3.0 + gap_h, 6.0 + gap_h, sog_kn)
    return before + after


def positions(rows: list[dict[str, Any]]) -> pl.DataFrame:
    raw = pl.DataFrame(rows, schema={"source_id": pl.Int32, "line": pl.Int64, "ts": pl.Datetime("ms", "UTC"),
                                     "mmsi": pl.Int32, "lat": pl.Float64, "lon": pl.Float64, "sog_kn": pl.Float32})
    return clean_positions(raw, CleanParams()).positions


def statics(draughts: list[tuple[float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"source_id": 2, "line": i + 1, "ts": h(t), "mmsi": VESSEL, "draught_m": d}
         for i, (t, d) in enumerate(draughts)],
        schema={"source_id": pl.Int32, "line": pl.Int64, "ts": pl.Datetime("ms", "UTC"), "mmsi": pl.Int32,
                "draught_m": pl.Float32},
    )


NO_STATICS = statics([])


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_searoute()


def of_vessel(events: list[Event], kind: str) -> list[Event]:
    return [e for e in events if e.kind == kind and e.subject == f"mmsi:{VESSEL}"]


# --- AIS_GAP -----------------------------------------------------------------------------------

OFF_BUSAN = (34.9, 129.4)
MID_PACIFIC = (20.0, -160.0)
PUSAN = (35.098203, 129.035797)  # the gazetteer's listed position of KRPUS


@dataclass
class GapCase:
    id: str
    rows: list[dict[str, Any]]
    severity: str | None  # None: no AIS_GAP of the vessel
    reasons: list[str] = field(default_factory=list)


def own_fixes_every(hours: float, lat: float, lon: float, from_h: float, to_h: float) -> list[dict[str, Any]]:
    """The vessel itself, stopped at (lat, lon), heard only every ``hours``."""
    return fixes(VESSEL, lat, lon, from_h, to_h, 0.0, step_h=hours)


GAP_CASES = [
    GapCase("silence_moving_in_good_coverage_is_high",
            silent_track(*OFF_BUSAN, 20.0, 10.0) + crowd(*OFF_BUSAN, -3.0, 30.0), "high",
            ["good reception", "about 40 reports expected", "fell silent moving"]),
    GapCase("silence_stopped_in_good_coverage_is_medium",
            silent_track(*OFF_BUSAN, 20.0, 0.0) + crowd(*OFF_BUSAN, -3.0, 30.0), "medium", ["good reception"]),
    GapCase("silence_in_coverage_hole_is_low",
            silent_track(*MID_PACIFIC, 20.0, 10.0) + crowd(*OFF_BUSAN, -3.0, 30.0), "low", ["coverage hole"]),
    GapCase("others_heard_ten_days_later_is_low",
            silent_track(*OFF_BUSAN, 20.0, 10.0) + crowd(*OFF_BUSAN, 240.0, 250.0), "low", ["coverage hole"]),
    GapCase("others_heard_rarely_is_low",  # each heard every 4 h: 0.25 an hour x 20 h
            silent_track(*OFF_BUSAN, 20.0, 10.0) + crowd(*OFF_BUSAN, -3.0, 30.0, step_h=4.0), "low",
            ["coverage hole", "about 5 reports expected"]),
    GapCase("heard_at_the_edges_of_a_hole_is_low",  # others heard where it fell silent and reappeared only
            silent_track(*OFF_BUSAN, 20.0, 10.0, end_lat=OFF_BUSAN[0], end_lon=OFF_BUSAN[1] + 4.0)
            + crowd(*OFF_BUSAN, -3.0, 30.0, vessels=2) + crowd(OFF_BUSAN[0], OFF_BUSAN[1] + 4.0, -3.0, 30.0, vessels=2),
            "low", ["coverage hole"]),
    GapCase("began_and_ended_in_port_is_low",
            silent_track(*PUSAN, 20.0, 0.0) + crowd(*PUSAN, -3.0, 30.0), "low", ["in port", "KRPUS"]),
    GapCase("stopped_and_itself_rarely_heard_is_low",  # others heard twice an hour, the vessel every 3 h
            own_fixes_every(3.0, *OFF_BUSAN, -21.0, 3.0) + fixes(VESSEL, *OFF_BUSAN, 23.0, 26.0, 0.0)
            + crowd(*OFF_BUSAN, -24.0, 30.0), "low", ["itself heard 0.33 times an hour"]),
    GapCase("stopped_and_itself_well_heard_is_medium",
            own_fixes_every(0.5, *OFF_BUSAN, -21.0, 3.0) + fixes(VESSEL, *OFF_BUSAN, 23.0, 26.0, 0.0)
            + crowd(*OFF_BUSAN, -24.0, 30.0), "medium", ["good reception"]),
    GapCase("gap_of_8_h_is_low",
            silent_track(*OFF_BUSAN, 8.0, 10.0) + crowd(*OFF_BUSAN, -3.0, 30.0), "low", ["shorter than 12 h"]),
    GapCase("gap_of_4_h_is_not_reported",
            silent_track(*OFF_BUSAN, 4.0, 10.0) + crowd(*OFF_BUSAN, -3.0, 30.0), None),
]


@pytest.mark.parametrize("case", GAP_CASES, ids=[c.id for c in GAP_CASES])
def test_ais_gap(case: GapCase, gazetteer: Gazetteer) -> None:
    events = of_vessel(ais_gaps(positions(case.rows), NO_STATICS, gazetteer, GapParams()), "AIS_GAP")
    if case.severity is None:
        assert events == []
        return
    assert len(events) == 1
    (e,) = events
    assert e.severity == case.severity, e.reasons
    assert e.detector == "gaps@2"
    for reason in case.reasons:
        assert any(reason in r for r in e.reasons), e.reasons
    assert [role for _, _, role in e.evidence] == ["last fix before the gap", "first fix after the gap"]
    assert e.start == h(3.0) and e.end is not None and e.end >= e.start
    assert e.details["nearest_port"] is not None


def test_ais_gap_details_and_determinism(gazetteer: Gazetteer) -> None:
    clean = positions(silent_track(*OFF_BUSAN, 20.0, 10.0) + crowd(*OFF_BUSAN, -3.0, 30.0))
    first = ais_gaps(clean, NO_STATICS, gazetteer, GapParams())
    again = ais_gaps(clean, NO_STATICS, gazetteer, GapParams())
    assert [e.event_id for e in first] == [e.event_id for e in again]
    (e,) = of_vessel(first, "AIS_GAP")
    d = e.details
    assert d["duration_h"] == pytest.approx(20.0, abs=0.01)
    # other vessels heard twice an hour all along: 2/h x 20 h
    assert d["reception_median_per_h"] == pytest.approx(2.0, rel=0.01)
    assert d["reception_expected_fixes"] == pytest.approx(40.0, rel=0.01)
    assert d["reception_own_per_h"] is None  # moving when it fell silent
    assert d["implied_speed_kn"] >= 0.0 and d["nearest_port_km"] < 100.0 and d["end_port"] == "KRPUS"
    before = clean.filter((pl.col("mmsi") == VESSEL) & (pl.col("ts") == h(3.0)))
    assert e.evidence[0][:2] == (before["source_id"][0], before["line"][0])


# --- DRAUGHT_CHANGE_DARK -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draughts", "expected_change_m"),
    [
        pytest.param([(0.5, 6.0), (25.0, 9.5)], 3.5, id="loaded_while_dark"),
        pytest.param([(0.5, 9.5), (1.0, 9.4), (25.0, 5.0)], -4.4, id="discharged_while_dark_last_report_counts"),
        pytest.param([(0.5, 6.0), (25.0, 6.4)], None, id="small_change_not_reported"),
        pytest.param([(0.5, 6.0)], None, id="no_report_after"),
        pytest.param([(25.0, 6.0)], None, id="no_report_before"),
    ],
)
def test_draught_change_dark(draughts: list[tuple[float, float]], expected_change_m: float | None,
                             gazetteer: Gazetteer) -> None:
    clean = positions(silent_track(*OFF_BUSAN, 20.0, 10.0) + crowd(*OFF_BUSAN, -3.0, 30.0))
    events = of_vessel(draught_changes_dark(clean, statics(draughts), gazetteer, GapParams()), "DRAUGHT_CHANGE_DARK")
    if expected_change_m is None:
        assert events == []
        return
    (e,) = events
    assert e.details["draught_change_m"] == pytest.approx(expected_change_m, abs=0.01)
    roles = [role for _, _, role in e.evidence]
    assert "last draught report before the gap" in roles and "first draught report after the gap" in roles


# --- DARK_PORT_CALL_POSSIBLE ---------------------------------------------------------------------

OFF_VLADIVOSTOK = (42.9, 131.9)
OFF_POSYET = (42.6, 130.9)  # about 55 km from Najin (KPNJN)
NAJIN = (42.2333, 130.3)  # the gazetteer's listed position of KPNJN
BALTIC = (55.3, 15.5)


@dataclass
class DarkPortCase:
    id: str
    rows: list[dict[str, Any]]
    watched: str | None  # a port expected among the watched ones; None: no event
    absent: str | None = None  # a port that must not be listed
    params: dict[str, Any] = field(default_factory=dict)


DARK_PORT_CASES = [
    DarkPortCase("60_h_off_vladivostok", silent_track(*OFF_VLADIVOSTOK, 60.0, 10.0, 42.95, 131.95), "KPCHO"),
    DarkPortCase("12_h_in_baltic_far_from_kp", silent_track(*BALTIC, 12.0, 10.0), None),
    DarkPortCase("60_h_in_baltic_far_from_kp", silent_track(*BALTIC, 60.0, 10.0), None),
    DarkPortCase("8_h_off_vladivostok_too_short", silent_track(*OFF_VLADIVOSTOK, 8.0, 10.0), None),
    DarkPortCase("15_h_near_najin_too_short_for_a_12_h_stay", silent_track(*OFF_POSYET, 15.0, 0.0), None),
    DarkPortCase("15_h_near_najin_long_enough_for_a_6_h_stay", silent_track(*OFF_POSYET, 15.0, 0.0), "KPNJN",
                 params={"min_port_stay_h": 6.0}),
    DarkPortCase("the_watched_port_it_was_seen_in_is_not_counted",
                 silent_track(*NAJIN, 60.0, 0.0, *OFF_VLADIVOSTOK), "KPCHO", absent="KPNJN"),
    DarkPortCase("60_h_in_baltic_watching_russia", silent_track(*BALTIC, 60.0, 10.0), "RUKGD",
                 params={"watched_countries": ("RU",)}),
]


@pytest.mark.parametrize("case", DARK_PORT_CASES, ids=[c.id for c in DARK_PORT_CASES])
def test_dark_port_call_possible(case: DarkPortCase, gazetteer: Gazetteer) -> None:
    params = GapParams(**case.params)
    events = of_vessel(dark_port_calls_possible(positions(case.rows), NO_STATICS, gazetteer, params),
                       "DARK_PORT_CALL_POSSIBLE")
    if case.watched is None:
        assert events == []
        return
    (e,) = events
    ports = {p["locode"]: p for p in e.details["watched_ports"]}
    assert case.watched in ports and case.absent not in ports
    assert all(p["country"] in params.watched_countries for p in ports.values())
    stay = ports[case.watched]
    assert e.start < stay["earliest_arrival"] < stay["latest_departure"] < e.end
    assert stay["max_stay_h"] >= params.min_port_stay_h
    assert e.details["feasible_ports_count"] >= len(ports)
    assert e.details["detour_factor"] == 1.3 and e.details["min_port_stay_h"] == params.min_port_stay_h


def test_dark_port_own_speed_and_detect_gaps(gazetteer: Gazetteer) -> None:
    clean = positions(silent_track(*OFF_VLADIVOSTOK, 60.0, 10.0, 42.95, 131.95))
    own = dark_port_calls_possible(clean, NO_STATICS, gazetteer, GapParams(port_speed_kn=None))
    (e,) = of_vessel(own, "DARK_PORT_CALL_POSSIBLE")
    assert e.details["speed_source"] == "own 90th percentile" and e.details["speed_kn"] == pytest.approx(10.0)
    kinds = sorted(e.kind for e in detect_gaps(clean, statics([(0.5, 6.0), (70.0, 9.0)]), gazetteer))
    assert kinds == ["AIS_GAP", "DARK_PORT_CALL_POSSIBLE", "DRAUGHT_CHANGE_DARK"]


# --- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"min_gap_h": 4.0}, id="min_gap_below_report_gap"),
        pytest.param({"report_gap_h": 0.0}, id="report_gap_zero"),
        pytest.param({"reception_cell_km": -5.0}, id="negative_cell"),
        pytest.param({"in_port_km": 0.0}, id="zero_in_port_radius"),
        pytest.param({"own_history_h": -1.0}, id="negative_own_history"),
        pytest.param({"min_expected_fixes": -1.0}, id="negative_expected_fixes"),
        pytest.param({"reception_window_h": float("nan")}, id="nan_window"),
        pytest.param({"detour_factor": 0.8}, id="detour_below_one"),
        pytest.param({"port_speed_kn": 0.0}, id="zero_speed"),
        pytest.param({"min_draught_change_m": -1.0}, id="negative_draught_change"),
        pytest.param({"watched_countries": ("PRK",)}, id="three_letter_country"),
    ],
)
def test_params_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        GapParams(**kwargs)


def test_params_defaults_are_valid_and_frozen() -> None:
    p = GapParams()
    assert (p.min_gap_h, p.report_gap_h, p.detour_factor, p.port_speed_kn) == (12.0, 6.0, 1.3, 14.0)
    assert (p.min_port_stay_h, p.min_expected_fixes, p.in_port_km) == (12.0, 8.0, 5.0)
    with pytest.raises(AttributeError):
        p.min_gap_h = 1.0  # type: ignore[misc]


def test_docs_list_every_setting_with_its_default() -> None:
    text = (Path(__file__).parents[2] / "docs" / "events.md").read_text()
    section = text[text.index("#### Settings of the gap detectors"):].split("\n#", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+?) \|", section, re.M))
    for f in fields(GapParams):
        default = getattr(GapParams(), f.name)
        shown = ", ".join(default) if isinstance(default, tuple) else f"{default:g}"
        assert rows.get(f.name) == shown, f"docs/events.md gives {f.name} = {rows.get(f.name)!r}, the code {shown!r}"


def test_draught_change_belongs_to_the_gap_it_spans(gazetteer: Gazetteer) -> None:
    """Two gaps (20 h, then 14 h), the draught reported only before the first and after the second:
    the change goes to the longer gap; with a report between them, to the gap it spans."""
    rows = silent_track(*OFF_BUSAN, 20.0, 0.0) + fixes(VESSEL, *OFF_BUSAN, 40.0, 43.0, 0.0)
    rows += crowd(*OFF_BUSAN, -3.0, 45.0)
    clean = positions(rows)
    only_ends = statics([(0.5, 6.0), (44.0, 9.5)])
    (e,) = of_vessel(draught_changes_dark(clean, only_ends, gazetteer, GapParams()), "DRAUGHT_CHANGE_DARK")
    assert e.start == h(3.0) and e.details["gaps_spanned"] == 2
    with_report_between = statics([(0.5, 6.0), (24.0, 6.0), (44.0, 9.5)])
    (e,) = of_vessel(draught_changes_dark(clean, with_report_between, gazetteer, GapParams()), "DRAUGHT_CHANGE_DARK")
    assert e.start == h(26.0) and e.details["draught_change_m"] == pytest.approx(3.5)
    assert e.details["gaps_spanned"] == 1
