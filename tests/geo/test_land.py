"""Land-mask checks: known points, polylines across and beside land, the exact pixel walk."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shadowtrace.errors import InputError
from shadowtrace.geo.land import (
    PIXELS_PER_DEG,
    crosses_land,
    is_land,
    pixel_centre,
    segments_crossing_land,
    touched_pixels,
)


@pytest.mark.parametrize(
    ("lat", "lon", "land"),
    [
        pytest.param(40.0, 135.0, False, id="sea-of-japan"),
        pytest.param(0.0, -150.0, False, id="pacific"),
        pytest.param(56.0, 19.0, False, id="baltic"),
        pytest.param(55.75, 37.62, True, id="moscow"),
        pytest.param(39.03, 125.75, True, id="pyongyang"),
        pytest.param(-25.0, 135.0, True, id="australia"),
        pytest.param(0.0, 180.0, False, id="lon-180-is-wrapped"),
        pytest.param(0.0, 210.0, False, id="lon-beyond-180-is-wrapped"),
    ],
)
def test_is_land_known_points(lat: float, lon: float, land: bool) -> None:
    assert bool(is_land(lat, lon)) is land


def test_is_land_broadcasts() -> None:
    lat = np.array([40.0, 55.75])
    lon = np.array([135.0, 37.62, 19.0])
    assert is_land(lat[:, None], lon[None, :]).shape == (2, 3)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [pytest.param(95.0, 0.0, id="lat-over-90"), pytest.param(float("nan"), 0.0, id="nan")],
)
def test_is_land_rejects_bad_positions(lat: float, lon: float) -> None:
    with pytest.raises(InputError, match="not a valid"):
        is_land(lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon", "crosses"),
    [
        pytest.param([38.0, 37.0], [131.0, 124.0], True, id="straight-across-korea"),
        pytest.param([40.0, 41.0], [132.0, 136.0], False, id="open-sea-of-japan"),
        pytest.param([54.5, 54.5], [19.0, 21.5], True, id="baltic-into-kaliningrad-oblast"),
        pytest.param([40.0], [135.0], False, id="single-sea-point"),
        pytest.param([55.75], [37.62], True, id="single-land-point"),
    ],
)
@pytest.mark.parametrize("step_m", [500.0, None], ids=["sampled-500m", "exact"])
def test_crosses_land(lat: list[float], lon: list[float], crosses: bool, step_m: float | None) -> None:
    assert crosses_land(lat, lon, step_m=step_m) is crosses


def test_segments_crossing_land_flags_each_segment() -> None:
    lat = [40.0, 41.0, 37.0]
    lon = [132.0, 136.0, 124.0]
    assert segments_crossing_land(lat, lon, step_m=None).tolist() == [False, True]


def test_touched_pixels_include_corner_neighbours() -> None:
    r, c = 5000, 30000
    lat, lon = pixel_centre(np.array([r, r + 2]), np.array([c, c + 2]))
    rows, cols, _ = touched_pixels(lat, lon)
    touched = set(zip(rows.tolist(), cols.tolist(), strict=True))
    on_line = {(r, c), (r + 1, c + 1), (r + 2, c + 2)}
    at_corners = {(r, c + 1), (r + 1, c), (r + 1, c + 2), (r + 2, c + 1)}
    assert on_line | at_corners <= touched
    assert touched <= {(r + i, c + j) for i in range(3) for j in range(3)}


def test_touched_pixels_follow_the_mask_grid() -> None:
    rows, cols, _ = touched_pixels([43.104, 43.104], [131.904, 131.904 + 10 / PIXELS_PER_DEG])
    assert set(rows.tolist()) == {int((90 - 43.104) * PIXELS_PER_DEG)}
    assert len(set(cols.tolist())) == 11


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(42.0, 43.5),
    lon=st.floats(131.0, 133.0),
    dlat=st.floats(-0.1, 0.1),
    dlon=st.floats(-0.1, 0.1),
)
def test_exact_check_finds_all_that_sampling_finds(lat: float, lon: float, dlat: float, dlon: float) -> None:
    line_lat, line_lon = [lat, lat + dlat], [lon, lon + dlon]
    if crosses_land(line_lat, line_lon, step_m=50.0):
        assert crosses_land(line_lat, line_lon, step_m=None)


def test_a_line_along_a_pixel_edge_touches_both_sides() -> None:
    row, col = 5724, 37440  # the edge at exactly 42.3N, from 132.0E eastwards
    lat = 90.0 - row / PIXELS_PER_DEG
    lon0 = -180.0 + col / PIXELS_PER_DEG + 0.5 / PIXELS_PER_DEG
    rows, cols, _ = touched_pixels([lat, lat], [lon0, lon0 + 3 / PIXELS_PER_DEG])
    assert {row - 1, row} <= set(rows.tolist())
    assert set(cols.tolist()) == {col, col + 1, col + 2, col + 3}
