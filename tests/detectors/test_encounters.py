"""ENCOUNTER and LOITERING, table-driven on synthetic tracks; the pair search stays linear."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pytest

from shadowtrace.detectors.encounters import (
    EncounterParams,
    candidate_pairs,
    close_pairs,
    detect_encounters,
    resample,
)
from shadowtrace.detectors.loitering import LoiteringParams, detect_loitering
from shadowtrace.errors import InputError
from shadowtrace.geo.ports import Gazetteer, Port, PortRecord
from shadowtrace.geo.sphere import haversine_m
from shadowtrace.tracks.clean import clean_positions
from shadowtrace.tracks.params import CleanParams

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
SEA = (40.0, 133.0)  # Sea of Japan, far from any port
M_LAT = 1 / 111_195.0


@dataclass(frozen=True)
class Vessel:
    """A vessel sailing a straight line: start ``north_m``/``east_m`` from the scene's origin."""

    mmsi: int
    north_m: float = 0.0
    east_m: float = 0.0
    course_deg: float = 0.0
    speed_kn: float = 0.5
    hours: float = 4.0
    start_h: float = 0.0
    every_min: float = 3.0


def track(v: Vessel, origin: tuple[float, float], source_id: int) -> list[dict[str, object]]:
    m_lon = M_LAT / math.cos(math.radians(origin[0]))
    rows = []
    for k in range(int(v.hours * 60 / v.every_min) + 1):
        t_h = k * v.every_min / 60
        run_m = v.speed_kn * 1852 * t_h
        north = v.north_m + run_m * math.cos(math.radians(v.course_deg))
        east = v.east_m + run_m * math.sin(math.radians(v.course_deg))
        rows.append({
            "source_id": source_id, "line": k + 1, "ts": T0 + dt.timedelta(hours=v.start_h + t_h), "mmsi": v.mmsi,
            "lat": origin[0] + north * M_LAT, "lon": origin[1] + east * m_lon, "sog_kn": v.speed_kn,
        })  # fmt: skip
    return rows


def scene(vessels: list[Vessel], origin: tuple[float, float]) -> pl.DataFrame:
    rows = [r for i, v in enumerate(vessels) for r in track(v, origin, source_id=i + 1)]
    positions = pl.DataFrame(rows, schema_overrides={"ts": pl.Datetime("us", "UTC"), "mmsi": pl.Int32})
    return clean_positions(positions, CleanParams()).positions


#: Vladivostok as the searoute gazetteer places it (listed position, berth, anchorage)
RUVVO = Port(
    "RUVVO", "Vladivostok", "RU", 43.116667, 131.883333, 43.120833, 131.870833, 43.129167, 131.829167, "Russia"
)


class PlacedPorts(Gazetteer):
    """A gazetteer of ports already placed, so the tests need not load the land mask."""

    def __init__(self, ports: list[Port]) -> None:
        super().__init__([PortRecord(p.locode, p.name, p.country, p.country_name, p.lat, p.lon) for p in ports])
        self._placed = {p.locode: p for p in ports}

    def get(self, locode: str) -> Port:
        return self._placed[locode.replace(" ", "").upper()]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return PlacedPorts([RUVVO])


def vvo_berth(gaz: Gazetteer) -> tuple[float, float]:
    port = gaz.get("RUVVO")
    return port.berth_lat, port.berth_lon


@dataclass
class Case:
    id: str
    vessels: list[Vessel]
    in_port: bool = False
    expect: dict[str, int] = field(default_factory=dict)  # kind -> count


TANKER_A, TANKER_B, LONER = 273_000_001, 273_000_002, 445_000_001
CASES = [
    Case("alongside-300m-4h-at-sea", [Vessel(TANKER_A), Vessel(TANKER_B, east_m=300)],
         expect={"ENCOUNTER": 1, "LOITERING": 2}),
    Case("alongside-300m-1h-at-sea", [Vessel(TANKER_A, hours=1), Vessel(TANKER_B, east_m=300, hours=1)]),
    Case("alongside-300m-4h-in-port", [Vessel(TANKER_A), Vessel(TANKER_B, east_m=300)], in_port=True),
    Case("alongside-800m-4h-at-sea", [Vessel(TANKER_A), Vessel(TANKER_B, east_m=800)],
         expect={"LOITERING": 2}),
    Case("alongside-1.5h-silent-2h-alongside-1.5h", [
        Vessel(TANKER_A, hours=1.5), Vessel(TANKER_B, east_m=300, hours=1.5),
        Vessel(TANKER_A, start_h=3.5, hours=1.5), Vessel(TANKER_B, east_m=300, start_h=3.5, hours=1.5)]),
    Case("crossing-at-12kn", [Vessel(TANKER_A, north_m=-24_000, speed_kn=12),
                              Vessel(TANKER_B, east_m=-24_000, course_deg=90, speed_kn=12)]),
    Case("alongside-at-10kn", [Vessel(TANKER_A, speed_kn=10), Vessel(TANKER_B, east_m=300, speed_kn=10)]),
    Case("alone-drifting-5h-at-sea", [Vessel(LONER, speed_kn=0.8, hours=5)], expect={"LOITERING": 1}),
    Case("alone-drifting-5h-in-port", [Vessel(LONER, speed_kn=0.8, hours=5)], in_port=True),
    Case("alone-drifting-1h-at-sea", [Vessel(LONER, speed_kn=0.8, hours=1)]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cases(case: Case, gaz: Gazetteer) -> None:
    clean = scene(case.vessels, vvo_berth(gaz) if case.in_port else SEA)
    encounters = detect_encounters(clean, gaz, EncounterParams())
    loitering = detect_loitering(clean, gaz, LoiteringParams(), encounters)
    found: dict[str, int] = {}
    for e in encounters + loitering:
        found[e.kind] = found.get(e.kind, 0) + 1
    assert found == case.expect
    partners = {e.mmsi for e in encounters} | {e.details["other"]["mmsi"] for e in encounters}
    for e in loitering:
        seen_partner = e.mmsi in partners
        assert (e.details["note"] == "possible dark transfer") is not seen_partner
        assert e.severity == ("low" if seen_partner else "medium")
        assert e.detector == "loitering@1"


def test_encounter_event(gaz: Gazetteer) -> None:
    clean = scene([Vessel(TANKER_B, east_m=300), Vessel(TANKER_A)], SEA)
    (e,) = detect_encounters(clean, gaz, EncounterParams(), names={TANKER_B: "CHON MA SAN"})
    assert (e.kind, e.detector, e.subject, e.mmsi) == ("ENCOUNTER", "encounters@1", f"mmsi:{TANKER_A}", TANKER_A)
    assert e.details["other"] == {"mmsi": TANKER_B, "name": "CHON MA SAN"}
    assert e.start == T0 and e.end == T0 + dt.timedelta(hours=4)
    assert 299 < e.details["min_distance_m"] <= e.details["median_distance_m"] < 301
    assert e.details["median_speed_kn"] == {str(TANKER_A): 0.5, str(TANKER_B): 0.5}
    assert e.lat is not None and abs(e.lat - SEA[0]) < 0.02
    sources = {s for s, _, _ in e.evidence}
    assert sources == {1, 2}  # fixes of both vessels
    assert {r.split()[0] for _, _, r in e.evidence} == {"start", "middle", "end"}
    again = detect_encounters(clean, gaz, EncounterParams())
    assert again[0].event_id == e.event_id


def test_encounter_names_the_partner_of_a_loitering(gaz: Gazetteer) -> None:
    clean = scene([Vessel(TANKER_A), Vessel(TANKER_B, east_m=300)], SEA)
    encounters = detect_encounters(clean, gaz, EncounterParams())
    alone = detect_loitering(clean, gaz, LoiteringParams())
    assert [e.details["note"] for e in alone] == ["possible dark transfer"] * 2  # when no encounter is known
    paired = detect_loitering(clean, gaz, LoiteringParams(), encounters)
    assert sorted(e.details["partner_mmsi"] for e in paired) == sorted([TANKER_A, TANKER_B])


def test_long_silence_is_not_interpolated() -> None:
    clean = scene([Vessel(TANKER_A, hours=1), Vessel(TANKER_A, hours=1, start_h=3)], SEA)
    steps = resample(clean)["step"].to_list()
    assert len(steps) == 14  # 7 steps an hour (both ends), nothing in the 2 h silence
    one_hour = scene([Vessel(TANKER_A, hours=1, every_min=60)], SEA)
    assert resample(one_hour).height == 7  # a 1 h gap is interpolated


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: EncounterParams(max_distance_m=0), "max_distance_m"),
        (lambda: EncounterParams(min_duration_h=-1), "min_duration_h"),
        (lambda: EncounterParams(step_min=float("nan")), "step_min"),
        (lambda: LoiteringParams(max_mean_speed_kn=-2), "max_mean_speed_kn"),
        (lambda: LoiteringParams(explained_fraction=1.5), "explained_fraction"),
    ],
    ids=["zero-distance", "negative-duration", "nan-step", "negative-speed", "fraction-above-one"],
)
def test_params_validate(make: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        make()  # type: ignore[operator]


def scatter(n: int, box_deg: float, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({
        "mmsi": np.arange(n, dtype=np.int64), "step": np.zeros(n, dtype=np.int64),
        "lat": SEA[0] + rng.uniform(0, box_deg, n), "lon": SEA[1] + rng.uniform(0, box_deg, n),
        "speed_kn": np.zeros(n), "source_id": np.ones(n, dtype=np.int32), "line": np.arange(n, dtype=np.int64),
        "next_source_id": np.ones(n, dtype=np.int32), "next_line": np.arange(n, dtype=np.int64),
    })  # fmt: skip


def test_pair_search_is_linear() -> None:
    n = 5000
    points = scatter(n, box_deg=1.0)
    candidates = candidate_pairs(points, 500.0).height
    assert candidates < 20 * n  # a quadratic search would visit n * (n - 1) / 2 = 12.5M pairs


def test_pair_search_finds_every_close_pair() -> None:
    n = 1500
    points = scatter(n, box_deg=0.1, seed=11)
    lat, lon = points["lat"].to_numpy(), points["lon"].to_numpy()
    d = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    i, j = np.nonzero(np.triu(d <= 500.0, k=1))
    assert len(i) > 100
    found = close_pairs(points, 500.0)
    assert set(zip(found["mmsi_a"].to_list(), found["mmsi_b"].to_list(), strict=True)) == set(
        zip(i.tolist(), j.tolist(), strict=True)
    )
