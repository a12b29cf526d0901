"""Spherical helpers against known distances and bearings, and their round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shadowtrace.errors import InputError
from shadowtrace.geo.sphere import (
    EARTH_RADIUS_M,
    bearing_deg,
    course_deg,
    densify,
    destination_point,
    haversine_m,
    wrap_lon,
)

QUARTER_M = math.pi / 2 * EARTH_RADIUS_M


@pytest.mark.parametrize(
    ("a", "b", "expected_m", "tol_m"),
    [
        pytest.param((0, 0), (0, 0), 0.0, 1e-6, id="same-point"),
        pytest.param((0, 0), (1, 0), math.pi / 180 * EARTH_RADIUS_M, 1e-3, id="one-degree-of-meridian"),
        pytest.param((0, 0), (0, 90), QUARTER_M, 1e-3, id="quarter-equator"),
        pytest.param((0, 0), (90, 0), QUARTER_M, 1e-3, id="equator-to-pole"),
        pytest.param((0, 179.5), (0, -179.5), math.pi / 180 * EARTH_RADIUS_M, 1e-3, id="across-antimeridian"),
        # the classic Nashville (BNA) - Los Angeles (LAX) example: 2886.4 km on a 6371 km sphere
        pytest.param((36.12, -86.67), (33.94, -118.40), 2_886_450.0, 200.0, id="BNA-LAX"),
        # Vladivostok - Busan city centres, great circle: about 925 km
        pytest.param((43.1167, 131.8833), (35.0982, 129.0358), 925_000.0, 10_000.0, id="VVO-PUS"),
    ],
)
def test_haversine_known_distances(
    a: tuple[float, float], b: tuple[float, float], expected_m: float, tol_m: float
) -> None:
    assert float(haversine_m(a[0], a[1], b[0], b[1])) == pytest.approx(expected_m, abs=tol_m)


def test_haversine_is_vectorised_and_broadcasts() -> None:
    lat2 = np.array([0.0, 1.0, 2.0])
    d = haversine_m(0.0, 0.0, lat2, 0.0)
    assert d.shape == (3,)
    assert np.allclose(d, lat2 * math.pi / 180 * EARTH_RADIUS_M)


@pytest.mark.parametrize(
    ("a", "b", "expected_deg"),
    [
        pytest.param((0, 0), (1, 0), 0.0, id="north"),
        pytest.param((0, 0), (0, 1), 90.0, id="east"),
        pytest.param((0, 0), (-1, 0), 180.0, id="south"),
        pytest.param((0, 0), (0, -1), 270.0, id="west"),
        pytest.param((0, 179.5), (0, -179.5), 90.0, id="east-across-antimeridian"),
    ],
)
def test_bearing_deg(a: tuple[float, float], b: tuple[float, float], expected_deg: float) -> None:
    assert float(bearing_deg(a[0], a[1], b[0], b[1])) == pytest.approx(expected_deg, abs=1e-9)


@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-180, 180),
    brg=st.floats(0, 360, exclude_max=True),
    dist=st.floats(1.0, 2_000_000.0),
)
def test_destination_point_round_trips(lat: float, lon: float, brg: float, dist: float) -> None:
    lat2, lon2 = destination_point(lat, lon, brg, dist)
    assert -180.0 <= float(lon2) < 180.0
    assert float(haversine_m(lat, lon, lat2, lon2)) == pytest.approx(dist, rel=1e-9, abs=1e-6)
    back = float(bearing_deg(lat, lon, lat2, lon2))
    assert min(abs(back - brg), 360.0 - abs(back - brg)) < 1e-6


def test_wrap_lon() -> None:
    assert np.allclose(wrap_lon([180.0, 181.0, -181.0, 540.0, -180.0]), [-180.0, -179.0, 179.0, -180.0, -180.0])


@pytest.mark.parametrize(
    ("dlat", "dlon", "expected"),
    [
        pytest.param(1.0, 0.0, 0.0, id="north"),
        pytest.param(0.0, 1.0, 90.0, id="east"),
        pytest.param(-1.0, -1.0 / math.cos(math.radians(60)), 225.0, id="south-west-at-60N"),
    ],
)
def test_course_deg(dlat: float, dlon: float, expected: float) -> None:
    assert float(course_deg(60.0, dlat, dlon)) == pytest.approx(expected)


def test_densify_keeps_ends_and_step() -> None:
    lat, lon, seg = densify([0.0, 0.0, 1.0], [0.0, 1.0, 1.0], step_m=1000.0)
    assert (lat[0], lon[0]) == (0.0, 0.0)
    assert (lat[-1], lon[-1]) == (1.0, 1.0)
    gaps = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    assert gaps.max() <= 1000.0
    assert set(seg.tolist()) == {0, 1}


def test_densify_across_antimeridian_takes_the_short_way() -> None:
    _, lon, _ = densify([0.0, 0.0], [179.9, -179.9], step_m=1000.0)
    assert np.all(np.abs(lon) >= 179.9 - 1e-9)


def test_densify_rejects_a_bad_step() -> None:
    with pytest.raises(InputError, match="step_m"):
        densify([0, 1], [0, 1], step_m=0.0)
