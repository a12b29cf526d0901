"""The port gazetteer: codes and countries, berths and anchorages at sea, lookups and their errors."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from shadowtrace.errors import InputError
from shadowtrace.geo.land import PIXELS_PER_DEG, crosses_land, is_land
from shadowtrace.geo.ports import Gazetteer, PortRecord, country_display_name
from shadowtrace.geo.routes import sea_route
from shadowtrace.geo.sphere import haversine_m

#: the shared real port lists (read-only, never copied into the repository)
SHARED_PORTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ports"

#: ports of the Sea of Japan and Baltic scenarios, with how far (km) the berth may lie from the
#: listed position (the mask is 1 km; Gothenburg's river is narrower than that, so its berth is
#: where the Gota alv meets the sea; Niigata is listed at its city centre, 5 km inland)
SCENARIO_PORTS = {
    "RUVVO": 3, "RUNJK": 3, "RUVYP": 3, "RUZAR": 3, "RUPSE": 3, "CNDLC": 3, "CNTAO": 3,
    "KRPUS": 3, "KRUSN": 3, "KRINC": 3, "KPNAM": 3, "KPCHO": 3, "KPNJN": 3, "KPWON": 3,
    "KPHGM": 3, "KPSON": 3, "JPKIJ": 5, "JPTOY": 3,
    "DKCPH": 3, "SEGOT": 8, "PLGDN": 3, "DERSK": 3, "RULED": 3, "RUKGD": 3, "LTKLJ": 3,
    "FIHEL": 3, "EETLL": 3,
}  # fmt: skip


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_searoute()


@pytest.mark.parametrize(
    ("locode", "name", "country", "country_name"),
    [
        pytest.param("RUVVO", "Vladivostok", "RU", "Russia", id="RUVVO"),
        pytest.param("RUNJK", "Nakhodka", "RU", "Russia", id="RUNJK"),
        pytest.param("KPNJN", "Najin", "KP", "North Korea", id="KPNJN"),
        pytest.param("KPNAM", "Nampo", "KP", "North Korea", id="KPNAM"),
        pytest.param("KRPUS", "Pusan", "KR", "South Korea", id="KRPUS"),
        pytest.param("CNDLC", "Dalian", "CN", "China", id="CNDLC"),
        pytest.param("JPTOY", "Toyama", "JP", "Japan", id="JPTOY"),
        pytest.param("DKCPH", "Copenhagen", "DK", "Denmark", id="DKCPH-terminal-entry-wins"),
    ],
)
def test_codes_names_and_countries(gaz: Gazetteer, locode: str, name: str, country: str, country_name: str) -> None:
    port = gaz.get(locode)
    assert (port.locode, port.name, port.country, port.country_name) == (locode, name, country, country_name)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("North_korea", "North Korea", id="underscore"),
        pytest.param("Russia", "Russia", id="one-word"),
        pytest.param("Democratic_republic_of_the_congo", "Democratic Republic of the Congo", id="small-words"),
    ],
)
def test_country_display_name(raw: str, shown: str) -> None:
    assert country_display_name(raw) == shown


def test_gazetteer_lists_every_searoute_port_once(gaz: Gazetteer) -> None:
    assert 3800 < len(gaz) < 4100
    assert len(set(gaz.locodes)) == len(gaz)
    assert all(len(code) == 5 and code[:2].isalpha() for code in gaz.locodes)
    assert all(gaz.record(code).country == code[:2] for code in gaz.locodes)
    assert len(gaz.by_country("KP")) == 7


@pytest.mark.parametrize("locode", list(SCENARIO_PORTS))
def test_berth_and_anchorage_are_at_sea_near_the_port(gaz: Gazetteer, locode: str) -> None:
    p = gaz.get(locode)
    assert p.sea_access
    assert not is_land(p.berth_lat, p.berth_lon), "berth on land"
    assert not is_land(p.anchorage_lat, p.anchorage_lon), "anchorage on land"
    assert float(haversine_m(p.lat, p.lon, p.berth_lat, p.berth_lon)) <= SCENARIO_PORTS[locode] * 1000.0
    assert 2000.0 <= float(haversine_m(p.berth_lat, p.berth_lon, p.anchorage_lat, p.anchorage_lon)) <= 5000.0
    assert not crosses_land([p.berth_lat, p.anchorage_lat], [p.berth_lon, p.anchorage_lon], step_m=None)


def test_a_listed_position_at_sea_is_berthed_in_its_own_pixel(gaz: Gazetteer) -> None:
    p = gaz.get("KPNJN")
    assert not is_land(p.lat, p.lon)
    assert abs(p.berth_lat - p.lat) <= 0.5 / PIXELS_PER_DEG
    assert abs(p.berth_lon - p.lon) <= 0.5 / PIXELS_PER_DEG


def _wpi_positions() -> dict[str, tuple[float, float]]:
    path = SHARED_PORTS / "nga-wpi" / "UpdatedPub150.csv"
    if not path.exists():
        pytest.skip(f"the World Port Index {path} is absent (it lives beside the repository, in shared/data)")
    with path.open(newline="", encoding="utf-8") as f:
        return {
            row["UN/LOCODE"].replace(" ", ""): (float(row["Latitude"]), float(row["Longitude"]))
            for row in csv.DictReader(f)
            if row["UN/LOCODE"].strip()
        }


def test_berths_lie_near_the_world_port_index_positions(gaz: Gazetteer) -> None:
    wpi = _wpi_positions()
    matched = [code for code in SCENARIO_PORTS if code in wpi]
    assert len(matched) >= 15
    for code in matched:
        p = gaz.get(code)
        d_km = float(haversine_m(p.berth_lat, p.berth_lon, *wpi[code])) / 1000.0
        # Kaliningrad's quays are on the Pregolya, narrower than a mask pixel: its berth is 11 km
        # away, where the river meets the Vistula Lagoon
        assert d_km < 12.0, f"{code}: berth {d_km:.1f} km from the World Port Index position"


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        pytest.param("RUNAK", "RUNJK (Nakhodka)", id="mistyped-code"),
        pytest.param("Nakhodka", "RUNJK (Nakhodka)", id="a-name-not-a-code"),
        pytest.param("KPRJN", "KPNJN (Najin)", id="the-other-code-for-rajin"),
    ],
)
def test_unknown_locode_names_it_and_suggests_close_ports(gaz: Gazetteer, query: str, suggested: str) -> None:
    with pytest.raises(InputError) as info:
        gaz.get(query)
    message = str(info.value)
    assert repr(query) in message
    assert suggested in message


def test_get_ignores_case_and_spaces(gaz: Gazetteer) -> None:
    assert gaz.get(" ru vvo ") is gaz.get("RUVVO")
    assert "ru vvo" in gaz
    assert "RUVVX" not in gaz


def test_near_lists_nearest_first(gaz: Gazetteer) -> None:
    near = gaz.near(43.1, 131.9, radius_km=120.0)
    codes = [p.locode for p in near]
    assert codes[0] == "RUVVO"
    assert {"RUNJK", "RUZAR"} <= set(codes)
    d = [float(haversine_m(43.1, 131.9, p.lat, p.lon)) for p in near]
    assert d == sorted(d)


def test_in_bbox(gaz: Gazetteer) -> None:
    codes = {p.locode for p in gaz.in_bbox(41.5, 43.5, 129.5, 133.5)}
    assert {"RUVVO", "RUNJK", "RUVYP", "RUZAR", "RUPSE", "KPNJN", "KPCHO"} <= codes
    assert "KRPUS" not in codes


def test_in_bbox_across_the_antimeridian(gaz: Gazetteer) -> None:
    ports = gaz.in_bbox(60.0, 70.0, 175.0, -170.0)
    assert ports
    assert all(p.lon >= 175.0 or p.lon <= -170.0 for p in ports)


def test_a_river_port_has_no_sea_access_and_cannot_be_routed(gaz: Gazetteer) -> None:
    vienna = gaz.get("ATVIE")
    assert not vienna.sea_access
    with pytest.raises(InputError, match="ATVIE"):
        sea_route(vienna, gaz.get("RUVVO"))


def test_a_gazetteer_of_given_records() -> None:
    gaz = Gazetteer(
        [
            PortRecord("XXAAA", "Alpha", "XX", "Nowhere", 40.0, 135.0),
            PortRecord("XXAAA", "Alpha again", "XX", "Nowhere", 41.0, 135.0),
            PortRecord("XXBBB", "Bravo", "XX", "Nowhere", 40.5, 135.5),
        ]
    )
    assert gaz.locodes == ["XXAAA", "XXBBB"]
    assert gaz.get("XXAAA").name == "Alpha"
    assert [p.locode for p in gaz] == ["XXAAA", "XXBBB"]
    alpha = gaz.get("XXAAA")
    assert float(haversine_m(alpha.berth_lat, alpha.berth_lon, 40.0, 135.0)) < 650.0
    assert np.isclose(
        float(haversine_m(alpha.berth_lat, alpha.berth_lon, alpha.anchorage_lat, alpha.anchorage_lon)),
        3500.0,
        atol=600.0,
    )
