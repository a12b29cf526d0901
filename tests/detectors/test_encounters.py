"""ENCOUNTER and LOITERING, table-driven on synthetic tracks; the pair search stays linear and wraps at ±180°."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

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
from shadowtrace.detectors.loitering import LoiteringParams, detect_loitering, idle_at_work, latest_ship_types
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
            "lat": origin[0] + north * M_LAT, "lon": (origin[1] + east * m_lon + 180) % 360 - 180,
            "sog_kn": v.speed_kn,
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
    settings: dict[str, float] = field(default_factory=dict)  # overrides, for either detector that has them
    ship_types: dict[int, int] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)  # mmsi -> the LOITERING note (default: by partner)
    origin: tuple[float, float] = SEA

    def params(self) -> tuple[EncounterParams, LoiteringParams]:
        def pick(cls: type) -> dict[str, float]:
            return {k: v for k, v in self.settings.items() if k in cls.__dataclass_fields__}

        return EncounterParams(**pick(EncounterParams)), LoiteringParams(**pick(LoiteringParams))


TANKER_A, TANKER_B, LONER, TUG = 273_000_001, 273_000_002, 445_000_001, 273_000_052
GFW = {"max_idle_gap_h": 0.0, "idle_extension_h": 0.0}  # Global Fishing Watch's own resampling: 1 h, no more
ONE_FIX_EACH = [  # sailing in, one idle fix 5 h later (on a step), sailing off 5 h after that
    Vessel(TANKER_A, north_m=-80_000, speed_kn=10, hours=1),
    Vessel(TANKER_A, start_h=6, hours=0),
    Vessel(TANKER_A, north_m=30_000, speed_kn=10, start_h=11, hours=1),
    Vessel(TANKER_B, north_m=-80_000, east_m=300, speed_kn=10, hours=1),
    Vessel(TANKER_B, east_m=300, start_h=6, hours=0),
    Vessel(TANKER_B, north_m=-30_000, east_m=300, speed_kn=10, start_h=11, hours=1),
]
DARK = "possible dark transfer"
CASES = [
    Case("alongside-300m-4h-at-sea", [Vessel(TANKER_A), Vessel(TANKER_B, east_m=300)],
         expect={"ENCOUNTER": 1, "LOITERING": 2}),
    Case("alongside-300m-1h-at-sea-gfw", [Vessel(TANKER_A, hours=1), Vessel(TANKER_B, east_m=300, hours=1)],
         settings=GFW),
    Case("alongside-300m-0.2h-at-sea", [Vessel(TANKER_A, hours=0.2), Vessel(TANKER_B, east_m=300, hours=0.2)]),
    Case("alongside-300m-4h-in-port", [Vessel(TANKER_A), Vessel(TANKER_B, east_m=300)], in_port=True),
    Case("alongside-800m-4h-at-sea", [Vessel(TANKER_A), Vessel(TANKER_B, east_m=800)],
         expect={"LOITERING": 2}),
    Case("alongside-300m-4h-across-the-antimeridian", [Vessel(TANKER_A), Vessel(TANKER_B, east_m=300)],
         origin=(52.0, 179.999), expect={"ENCOUNTER": 1, "LOITERING": 2}),
    # sparse reception: a silence between two idle fixes is idle time, up to max_idle_gap_h (12 h)
    Case("alongside-1.5h-silent-2h-alongside-1.5h-gfw", [
        Vessel(TANKER_A, hours=1.5), Vessel(TANKER_B, east_m=300, hours=1.5),
        Vessel(TANKER_A, start_h=3.5, hours=1.5), Vessel(TANKER_B, east_m=300, start_h=3.5, hours=1.5)],
         settings=GFW),
    Case("alongside-0.5h-silent-6h-alongside-0.5h", [
        Vessel(TANKER_A, hours=0.5), Vessel(TANKER_B, east_m=300, hours=0.5),
        Vessel(TANKER_A, start_h=6.5, hours=0.5), Vessel(TANKER_B, east_m=300, start_h=6.5, hours=0.5)],
         expect={"ENCOUNTER": 1, "LOITERING": 2}),
    Case("alongside-0.5h-silent-13h-alongside-0.5h", [
        Vessel(TANKER_A, hours=0.5), Vessel(TANKER_B, east_m=300, hours=0.5),
        Vessel(TANKER_A, start_h=13.5, hours=0.5), Vessel(TANKER_B, east_m=300, start_h=13.5, hours=0.5)]),
    Case("alongside-fixes-every-3h-for-12h", [
        Vessel(TANKER_A, hours=12, every_min=180),
        Vessel(TANKER_B, north_m=926, east_m=300, hours=12, start_h=1, every_min=180)],
         expect={"ENCOUNTER": 1, "LOITERING": 2}),
    Case("alongside-fixes-every-3h-for-12h-gfw", [
        Vessel(TANKER_A, hours=12, every_min=180),
        Vessel(TANKER_B, north_m=926, east_m=300, hours=12, start_h=1, every_min=180)], settings=GFW),
    Case("alone-idle-0.5h-silent-4h-reappears-25km-on", [  # 3.4 kn across the silence: it sailed, not idled
        Vessel(LONER, speed_kn=0.5, hours=0.5), Vessel(LONER, north_m=25_000, speed_kn=0.5, start_h=4.5, hours=0.5)]),
    # an idle fix before a silence stands for up to idle_extension_h (1 h) into it; not at a track's end
    Case("alone-idle-1.5h-silent-5h-reappears-sailing", [
        Vessel(LONER, speed_kn=0.5, hours=1.5), Vessel(LONER, north_m=60_000, speed_kn=10, start_h=6.5, hours=1)],
         expect={"LOITERING": 1}),
    Case("alone-idle-1.5h-silent-5h-reappears-sailing-gfw", [
        Vessel(LONER, speed_kn=0.5, hours=1.5), Vessel(LONER, north_m=60_000, speed_kn=10, start_h=6.5, hours=1)],
         settings=GFW),
    Case("alone-idle-1.5h-then-track-ends", [Vessel(LONER, speed_kn=0.5, hours=1.5)]),
    # ... but an event rests on at least min_fixes (2) fixes of each vessel: one idle fix is not 2 h idle
    Case("alongside-one-fix-each-between-sailing", ONE_FIX_EACH),
    Case("alongside-one-fix-each-between-sailing-min-fixes-1", ONE_FIX_EACH, settings={"min_fixes": 1},
         expect={"ENCOUNTER": 1, "LOITERING": 2}),
    Case("alongside-1.2h-both-silent-5h-reappear-sailing", [
        Vessel(TANKER_A, hours=1.2), Vessel(TANKER_B, east_m=300, hours=1.2),
        Vessel(TANKER_A, north_m=60_000, speed_kn=10, start_h=6.2, hours=1),
        Vessel(TANKER_B, north_m=-60_000, speed_kn=10, start_h=6.2, hours=1)],
         expect={"ENCOUNTER": 1, "LOITERING": 2}),
    Case("alongside-1.2h-both-silent-5h-reappear-sailing-gfw", [
        Vessel(TANKER_A, hours=1.2), Vessel(TANKER_B, east_m=300, hours=1.2),
        Vessel(TANKER_A, north_m=60_000, speed_kn=10, start_h=6.2, hours=1),
        Vessel(TANKER_B, north_m=-60_000, speed_kn=10, start_h=6.2, hours=1)], settings=GFW),
    Case("crossing-at-12kn", [Vessel(TANKER_A, north_m=-24_000, speed_kn=12),
                              Vessel(TANKER_B, east_m=-24_000, course_deg=90, speed_kn=12)]),
    Case("alongside-at-10kn", [Vessel(TANKER_A, speed_kn=10), Vessel(TANKER_B, east_m=300, speed_kn=10)]),
    Case("alone-drifting-5h-at-sea", [Vessel(LONER, speed_kn=0.8, hours=5)], expect={"LOITERING": 1},
         notes={LONER: DARK}),
    Case("alone-drifting-5h-in-port", [Vessel(LONER, speed_kn=0.8, hours=5)], in_port=True),
    Case("alone-drifting-1h-at-sea-gfw", [Vessel(LONER, speed_kn=0.8, hours=1)], settings=GFW),
    # whether a loitering with no visible partner is a possible dark transfer
    Case("tug-drifting-5h-at-sea", [Vessel(TUG, speed_kn=0.8, hours=5)], ship_types={TUG: 52},
         expect={"LOITERING": 1}, notes={TUG: "idle at work (tug or port tender)"}),
    Case("tanker-drifting-5h-at-sea", [Vessel(TANKER_A, speed_kn=0.8, hours=5)], ship_types={TANKER_A: 80},
         expect={"LOITERING": 1}, notes={TANKER_A: DARK}),
    Case("waits-8h-then-partner-3h", [
        Vessel(TANKER_A, hours=11), Vessel(TANKER_B, north_m=7408, east_m=300, start_h=8, hours=3)],
         expect={"ENCOUNTER": 1, "LOITERING": 2},
         notes={TANKER_A: f"alongside mmsi:{TANKER_B} (ENCOUNTER)",
                TANKER_B: f"alongside mmsi:{TANKER_A} (ENCOUNTER)"}),
    Case("waits-8h-then-partner-3h-half-explains", [
        Vessel(TANKER_A, hours=11), Vessel(TANKER_B, north_m=7408, east_m=300, start_h=8, hours=3)],
         settings={"explained_fraction": 0.5}, expect={"ENCOUNTER": 1, "LOITERING": 2},
         notes={TANKER_A: DARK, TANKER_B: f"alongside mmsi:{TANKER_A} (ENCOUNTER)"}),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cases(case: Case, gaz: Gazetteer) -> None:
    clean = scene(case.vessels, vvo_berth(gaz) if case.in_port else case.origin)
    enc_params, loi_params = case.params()
    encounters = detect_encounters(clean, gaz, enc_params)
    loitering = detect_loitering(clean, gaz, loi_params, encounters, ship_types=case.ship_types)
    found: dict[str, int] = {}
    for e in encounters + loitering:
        found[e.kind] = found.get(e.kind, 0) + 1
    assert found == case.expect
    partners = {e.mmsi for e in encounters} | {e.details["other"]["mmsi"] for e in encounters}
    for e in loitering:
        assert e.mmsi is not None and e.detector == "loitering@2"
        if e.mmsi in case.notes:
            assert e.details["note"] == case.notes[e.mmsi]
        else:
            assert (e.details["note"] == DARK) is not (e.mmsi in partners)
        expected_severity = {DARK: "medium"}.get(e.details["note"], "low")
        assert e.severity == ("info" if e.details["note"].startswith("idle at work") else expected_severity)
    for e in encounters + loitering:  # where the vessels were, also across the antimeridian
        assert e.lat is not None and e.lon is not None and -180.0 <= e.lon < 180.0
        assert abs(e.lat - case.origin[0]) < 0.1 and abs((e.lon - case.origin[1] + 180) % 360 - 180) < 0.05


def test_encounter_event(gaz: Gazetteer) -> None:
    clean = scene([Vessel(TANKER_B, east_m=300), Vessel(TANKER_A)], SEA)
    (e,) = detect_encounters(clean, gaz, EncounterParams(), names={TANKER_B: "CHON MA SAN"})
    assert (e.kind, e.detector, e.subject, e.mmsi) == ("ENCOUNTER", "encounters@2", f"mmsi:{TANKER_A}", TANKER_A)
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


RESAMPLE_CASES = [
    # (id, vessels, settings, steps): 7 points an hour of fixes (both ends)
    ("1h-of-fixes-silent-2h-1h-of-fixes-gfw", [Vessel(TANKER_A, hours=1), Vessel(TANKER_A, hours=1, start_h=3)],
     GFW, 14),
    ("fixes-1h-apart-gfw", [Vessel(TANKER_A, hours=1, every_min=60)], GFW, 7),
    ("idle-silent-2h-bridged", [Vessel(TANKER_A, hours=1), Vessel(TANKER_A, hours=1, start_h=3)], {}, 25),
    ("idle-silent-2h-not-bridged-when-off", [Vessel(TANKER_A, hours=1), Vessel(TANKER_A, hours=1, start_h=3)],
     {"max_idle_gap_h": 0.0}, 25),  # 1 h extended from each side: the two meet in the middle
    ("sailing-silent-2h-not-bridged", [Vessel(TANKER_A, hours=1, speed_kn=10),
                                       Vessel(TANKER_A, hours=1, start_h=3, speed_kn=10)], {}, 14),
    ("idle-silent-13h-extended-1h-each-side", [Vessel(TANKER_A, hours=1), Vessel(TANKER_A, hours=1, start_h=14)],
     {}, 14 + 6 + 6),
    ("idle-silent-1.5h-extended-half-of-it-each-side", [Vessel(TANKER_A, hours=1),
                                                       Vessel(TANKER_A, hours=1, start_h=2.5)],
     {"max_idle_gap_h": 0.0}, 14 + 4 + 4),
]  # fmt: skip


@pytest.mark.parametrize(("vessels", "settings", "steps"), [c[1:] for c in RESAMPLE_CASES],
                         ids=[c[0] for c in RESAMPLE_CASES])
def test_resample(vessels: list[Vessel], settings: dict[str, float], steps: int) -> None:
    p = EncounterParams(**settings)
    points = resample(
        scene(vessels, SEA), p.step_min, p.max_interpolation_gap_h,
        idle_speed_kn=p.max_median_speed_kn, max_idle_gap_h=p.max_idle_gap_h, idle_extension_h=p.idle_extension_h,
    )
    assert points.height == steps
    assert points["step"].is_unique().all() and points["step"].is_sorted()


def test_sparse_encounter_says_it_rests_on_carried_positions(gaz: Gazetteer) -> None:
    case = next(c for c in CASES if c.id == "alongside-fixes-every-3h-for-12h")
    (e,) = detect_encounters(scene(case.vessels, SEA), gaz, EncounterParams())
    assert e.details["longest_silence_h"] == {str(TANKER_A): 3.0, str(TANKER_B): 3.0}
    assert "sparse reception" in e.reasons[-1]
    (dense,) = detect_encounters(scene([Vessel(TANKER_A), Vessel(TANKER_B, east_m=300)], SEA), gaz, EncounterParams())
    assert not any("sparse" in r for r in dense.reasons)


@pytest.mark.parametrize(
    ("ship_type", "at_work"),
    [(30, "fishing vessel"), (52, "tug or port tender"), (69, "passenger ship"), (80, None), (70, None),
     (0, None), (None, None)],
    ids=["fishing", "tug", "passenger", "tanker", "cargo", "not-available", "unknown"],
)  # fmt: skip
def test_idle_at_work(ship_type: int | None, at_work: str | None) -> None:
    assert idle_at_work(ship_type) == at_work


def test_latest_ship_types_ignores_not_available() -> None:
    statics = pl.DataFrame({
        "mmsi": [1, 1, 2, 3], "ship_type": [30, 80, 52, 0],
        "ts": [T0, T0 + dt.timedelta(hours=1), T0, T0],
    })  # fmt: skip
    assert latest_ship_types(statics) == {1: 80, 2: 52}


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: EncounterParams(max_distance_m=0), "max_distance_m"),
        (lambda: EncounterParams(min_duration_h=-1), "min_duration_h"),
        (lambda: EncounterParams(step_min=float("nan")), "step_min"),
        (lambda: LoiteringParams(max_mean_speed_kn=-2), "max_mean_speed_kn"),
        (lambda: LoiteringParams(explained_fraction=1.5), "explained_fraction"),
        (lambda: EncounterParams(max_idle_gap_h=-1), "max_idle_gap_h"),
        (lambda: LoiteringParams(idle_extension_h=100), "idle_extension_h"),
        (lambda: EncounterParams(min_fixes=0), "min_fixes"),
    ],
    ids=["zero-distance", "negative-duration", "nan-step", "negative-speed", "fraction-above-one",
         "negative-idle-gap", "extension-over-two-days", "no-fixes"],
)
def test_params_validate(make: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("params", "heading"),
    [(EncounterParams(), "#### Settings of the encounter detector"),
     (LoiteringParams(), "#### Settings of the loitering detector")],
    ids=["encounter", "loitering"],
)  # fmt: skip
def test_docs_give_every_setting_and_its_default(params: object, heading: str) -> None:
    text = (Path(__file__).parents[2] / "docs" / "events.md").read_text()
    section = text[text.index(heading) :].split("\n#", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+?) \|", section, re.M))
    shown = {f.name: f"{getattr(params, f.name):g}" for f in fields(params)}  # type: ignore[arg-type]
    assert rows == shown


def scatter(n: int, box_deg: float, seed: int = 7, origin: tuple[float, float] = SEA) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    lon = (origin[1] + rng.uniform(0, box_deg, n) + 180) % 360 - 180
    return pl.DataFrame({
        "mmsi": np.arange(n, dtype=np.int64), "step": np.zeros(n, dtype=np.int64),
        "lat": origin[0] + rng.uniform(0, box_deg, n), "lon": lon,
        "speed_kn": np.zeros(n), "source_id": np.ones(n, dtype=np.int32), "line": np.arange(n, dtype=np.int64),
        "next_source_id": np.ones(n, dtype=np.int32), "next_line": np.arange(n, dtype=np.int64),
    })  # fmt: skip


def test_pair_search_is_linear() -> None:
    n = 5000
    points = scatter(n, box_deg=1.0)
    candidates = candidate_pairs(points, 500.0).height
    assert candidates < 20 * n  # a quadratic search would visit n * (n - 1) / 2 = 12.5M pairs


@pytest.mark.parametrize(
    ("origin", "box_deg", "near_lon"),
    [(SEA, 0.1, None), ((-17.0, 179.95), 0.1, 180.0), ((66.0, 179.9), 0.2, 180.0), ((89.9, -180.0), 0.09, None)],
    ids=["sea-of-japan", "across-the-antimeridian", "across-the-antimeridian-in-the-bering-strait", "near-the-pole"],
)
def test_pair_search_finds_every_close_pair(
    origin: tuple[float, float], box_deg: float, near_lon: float | None
) -> None:
    n = 1500
    points = scatter(n, box_deg=box_deg, seed=11, origin=origin)
    lat, lon = points["lat"].to_numpy(), points["lon"].to_numpy()
    d = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    i, j = np.nonzero(np.triu(d <= 500.0, k=1))
    assert len(i) > 100
    if near_lon is not None:  # some pairs straddle the antimeridian
        assert (np.sign(lon[i]) != np.sign(lon[j])).sum() > 5
    found = close_pairs(points, 500.0)
    assert set(zip(found["mmsi_a"].to_list(), found["mmsi_b"].to_list(), strict=True)) == set(
        zip(i.tolist(), j.tolist(), strict=True)
    )
    assert found["lon"].is_between(-180.0, 180.0, closed="left").all()
