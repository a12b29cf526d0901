"""Sea routes: land-free between every pair of scenario ports, sane lengths, exact interpolation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from shadowtrace.errors import InputError
from shadowtrace.geo.land import crosses_land, is_land, segments_crossing_land
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.geo.routes import Route, sea_route
from shadowtrace.geo.sphere import EARTH_RADIUS_M, haversine_m

SEA_OF_JAPAN = [
    "RUVVO", "RUNJK", "RUVYP", "RUZAR", "RUPSE", "CNDLC", "CNTAO", "KRPUS", "KRUSN", "KRINC",
    "KPNAM", "KPCHO", "KPNJN", "KPWON", "KPHGM", "KPSON", "JPKIJ", "JPTOY",
]  # fmt: skip
BALTIC = ["DKCPH", "SEGOT", "PLGDN", "DERSK", "RULED", "RUKGD", "LTKLJ", "FIHEL", "EETLL"]
PAIRS = [
    pytest.param(a, b, id=f"{a}-{b}") for ports in (SEA_OF_JAPAN, BALTIC) for a, b in itertools.combinations(ports, 2)
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_searoute()


def route(gaz: Gazetteer, a: str, b: str) -> Route:
    return sea_route(gaz.get(a), gaz.get(b))


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_route_is_land_free_from_berth_to_berth(gaz: Gazetteer, a: str, b: str) -> None:
    r = route(gaz, a, b)
    pa, pb = gaz.get(a), gaz.get(b)
    assert (r.origin, r.destination) == (a, b)
    assert (r.lat[0], r.lon[0]) == pytest.approx((pa.berth_lat, pa.berth_lon))
    assert (r.lat[-1], r.lon[-1]) == pytest.approx((pb.berth_lat, pb.berth_lon))
    assert not crosses_land(r.lat, r.lon, step_m=500.0), "route meets land (500 m samples)"
    assert not crosses_land(r.lat, r.lon, step_m=None), "route touches a land pixel"
    assert r.land_passages_m == ()
    assert r.length_m >= float(haversine_m(pa.berth_lat, pa.berth_lon, pb.berth_lat, pb.berth_lon)) - 1.0


@pytest.mark.parametrize(
    ("a", "b", "low_km", "high_km"),
    [
        # along Peter the Great Gulf, round Russky Island
        pytest.param("RUVVO", "RUNJK", 100, 170, id="Vladivostok-Nakhodka"),
        pytest.param("RUVVO", "RUZAR", 80, 150, id="Vladivostok-Zarubino"),
        # down Amur Bay and across to Rason: 160 km as the crow flies
        pytest.param("RUVVO", "KPNJN", 160, 260, id="Vladivostok-Najin"),
        pytest.param("RUVVO", "KPCHO", 210, 320, id="Vladivostok-Chongjin"),
        pytest.param("RUVVO", "KRPUS", 900, 1100, id="Vladivostok-Busan"),
        # round the Korean peninsula through the Korea Strait
        pytest.param("RUVVO", "CNDLC", 1800, 2300, id="Vladivostok-Dalian"),
        pytest.param("RUVVO", "KPNAM", 1750, 2200, id="Vladivostok-Nampo"),
        # North Korea's two coasts: 250 km apart overland, far apart by sea
        pytest.param("KPNAM", "KPWON", 1200, 1700, id="Nampo-Wonsan"),
        pytest.param("KRPUS", "KRUSN", 50, 100, id="Busan-Ulsan"),
        pytest.param("DKCPH", "RULED", 1150, 1400, id="Copenhagen-St-Petersburg"),
        pytest.param("EETLL", "FIHEL", 70, 100, id="Tallinn-Helsinki"),
        pytest.param("PLGDN", "RUKGD", 90, 150, id="Gdansk-Kaliningrad"),
    ],
)
def test_route_lengths_are_plausible(gaz: Gazetteer, a: str, b: str, low_km: float, high_km: float) -> None:
    assert low_km <= route(gaz, a, b).length_m / 1000.0 <= high_km


@pytest.mark.parametrize("dest", ["CNDLC", "KRINC", "KPNAM"])
def test_routes_to_the_yellow_sea_pass_the_korea_strait(gaz: Gazetteer, dest: str) -> None:
    r = route(gaz, "RUVVO", dest)
    lat, lon, _ = r.position_at(np.linspace(0.0, r.length_m, 4000))
    in_strait = (lat > 33.8) & (lat < 35.3) & (lon > 128.3) & (lon < 130.2)
    assert in_strait.any()


def test_positions_along_a_route_are_all_at_sea(gaz: Gazetteer) -> None:
    r = route(gaz, "KPNJN", "CNDLC")
    rng = np.random.default_rng(7)
    lat, lon, course = r.position_at(rng.uniform(0.0, r.length_m, 20_000))
    assert not is_land(lat, lon).any()
    assert ((course >= 0.0) & (course < 360.0)).all()


def test_routes_are_cached_and_reversible(gaz: Gazetteer) -> None:
    there = route(gaz, "KPNJN", "RUVVO")
    assert route(gaz, "KPNJN", "RUVVO") is there
    back = route(gaz, "RUVVO", "KPNJN")
    assert np.array_equal(back.lat, there.lat[::-1])
    assert back.length_m == pytest.approx(there.length_m)
    with pytest.raises(ValueError, match="read-only"):
        there.lat[0] = 0.0


def test_route_to_the_same_port_is_a_point(gaz: Gazetteer) -> None:
    r = route(gaz, "RUVVO", "RUVVO")
    assert r.length_m == 0.0
    lat, lon, _ = r.position_at(np.array([0.0, 100.0]))
    p = gaz.get("RUVVO")
    assert np.allclose(lat, p.berth_lat) and np.allclose(lon, p.berth_lon)


def test_position_at_interpolates_between_vertices() -> None:
    deg_m = math.pi / 180.0 * EARTH_RADIUS_M
    r = Route.from_vertices([0.0, 0.0, 1.0], [0.0, 1.0, 1.0])
    assert r.length_m == pytest.approx(2 * deg_m)
    assert r.cum_m.tolist() == pytest.approx([0.0, deg_m, 2 * deg_m])
    lat, lon, course = r.position_at(np.array([-5.0, 0.0, deg_m / 4, deg_m, 1.5 * deg_m, 3 * deg_m]))
    assert lat.tolist() == pytest.approx([0.0, 0.0, 0.0, 0.0, 0.5, 1.0])
    assert lon.tolist() == pytest.approx([0.0, 0.0, 0.25, 1.0, 1.0, 1.0])
    assert course.tolist() == pytest.approx([90.0, 90.0, 90.0, 0.0, 0.0, 0.0])


def test_position_at_keeps_the_shape_of_its_input() -> None:
    r = Route.from_vertices([0.0, 1.0], [0.0, 0.0])
    lat, lon, course = r.position_at(np.zeros((2, 3)))
    assert lat.shape == lon.shape == course.shape == (2, 3)


def test_position_at_across_the_antimeridian() -> None:
    r = Route.from_vertices([0.0, 0.0], [179.5, -179.5])
    assert r.length_m == pytest.approx(math.pi / 180.0 * EARTH_RADIUS_M)
    _lat, lon, course = r.position_at(np.array([r.length_m / 2, r.length_m * 0.75]))
    assert abs(lon[0]) == pytest.approx(180.0)
    assert lon[1] == pytest.approx(-179.75)
    assert course.tolist() == pytest.approx([90.0, 90.0])


def test_route_needs_matching_vertices() -> None:
    with pytest.raises(InputError, match="matching"):
        Route.from_vertices([0.0, 1.0], [0.0])


def test_a_canal_is_kept_as_a_land_passage_and_nothing_else_touches_land(gaz: Gazetteer) -> None:
    r = route(gaz, "NLRTM", "SGSIN")  # Rotterdam - Singapore, through the Suez Canal
    assert 14_500 <= r.length_m / 1000.0 <= 16_500
    assert r.land_passages_m
    land = np.flatnonzero(segments_crossing_land(r.lat, r.lon, step_m=None))
    assert [(r.cum_m[k], r.cum_m[k + 1]) for k in land] == list(r.land_passages_m)
    for start, end in r.land_passages_m:
        lat, lon, _ = r.position_at(np.linspace(start, end, 50))
        assert ((lat > 29.0) & (lat < 31.6) & (lon > 32.0) & (lon < 33.0)).all(), "land passage outside Suez"
    back = r.reversed()
    mirrored = [(r.length_m - e, r.length_m - s) for s, e in reversed(r.land_passages_m)]
    assert np.allclose(np.array(back.land_passages_m), np.array(mirrored))
