"""Port lists beside searoute's: World Port Index, UN/LOCODE, named anchorages; and merging them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from shadowtrace.errors import InputError
from shadowtrace.geo.countries import alpha2_of_alpha3, country_by_name
from shadowtrace.geo.gazetteer_files import (
    MergedGazetteer,
    PortEntry,
    detect_format,
    gazetteer_with_files,
    read_anchorages,
    read_port_file,
    read_unlocode,
    read_wpi,
    with_records,
)
from shadowtrace.geo.ports import Gazetteer, PortRecord

#: the shared real port lists (read-only, never copied into the repository)
SHARED_PORTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ports"


def _shared(relative: str) -> Path:
    path = SHARED_PORTS / relative
    if not path.exists():
        pytest.skip(f"port list {path} is absent (it lives beside the repository, in shared/data/ports)")
    return path


def _by_code(entries: list[PortEntry]) -> dict[str, PortEntry]:
    return {e.record.locode: e for e in entries}


def test_world_port_index() -> None:
    entries = read_wpi(_shared("nga-wpi/UpdatedPub150.csv"))
    assert len(entries) > 3700
    ports = _by_code(entries)
    nampo = ports["KPNAM"]
    assert (nampo.record.name, nampo.record.country, nampo.aliases, nampo.size) == ("Nampo", "KP", ("Chinnampo",), 0.6)
    assert ports["KRPUS"].aliases == ("Fusan",) and ports["KRPUS"].size == 1.0
    uncoded = [e for e in entries if e.record.locode.startswith("WPI-")]
    assert uncoded and all(len(e.record.country) == 2 for e in uncoded)


def test_unlocode_seaports_with_names_the_file_failed_to_quote() -> None:
    entries = read_unlocode(_shared("unlocode-geoapify/unlocode_seaports_function1.csv"))
    assert len(entries) > 16_000
    ports = _by_code(entries)
    assert ports["JPARI"].record.name == "Ariake, Tokyo" and "Ariake" in ports["JPARI"].aliases
    assert ports["RULED"].aliases == ("Leningrad",) and ports["RULED"].subdivision == "SPE"
    assert ports["KPCHO"].record.name == "Chongjin"
    assert all(not math.isnan(e.record.lat) or e.source == "unlocode" for e in entries)


def test_unlocode_country_file_keeps_only_ports_unless_asked() -> None:
    path = _shared("unlocode-geoapify/by_country/KP.csv")
    ports, every = read_unlocode(path), read_unlocode(path, ports_only=False)
    assert {"KPNAM", "KPCHO", "KPHGM"} <= {e.record.locode for e in ports}
    assert len(every) > len(ports)


def test_anchorages_are_grouped_into_named_places() -> None:
    entries = read_anchorages(_shared("gfw-anchorages/anchorage_overrides.csv"))
    ports = _by_code(entries)
    vladivostok = ports["GFW-RU-VLADIVOSTOK"]
    assert vladivostok.record.country == "RU" and abs(vladivostok.record.lat - 43.1) < 0.3
    assert 0.3 < vladivostok.size <= 1.0
    assert not [c for c in ports if c.startswith(("GFW-CN-CHN", "GFW-BR-BRA"))], "id-only labels name no place"
    assert all(-180.0 <= e.record.lon <= 180.0 for e in entries), "the row with longitude 1001 is dropped"


def test_gfw_world_port_index_extract() -> None:
    entries = read_anchorages(_shared("gfw-anchorages/WPI_ports.csv"))
    assert {"GFW-KP-HUNGNAM", "GFW-KP-HAEJUHANG"} <= {e.record.locode for e in entries}


@pytest.mark.parametrize(
    ("relative", "fmt"),
    [
        pytest.param("nga-wpi/UpdatedPub150.csv", "wpi", id="wpi"),
        pytest.param("unlocode-geoapify/unlocode_seaports_function1.csv", "unlocode", id="unlocode-seaports"),
        pytest.param("unlocode-geoapify/by_country/AQ.csv", "unlocode", id="unlocode-country-without-geocoded"),
        pytest.param("gfw-anchorages/anchorage_overrides.csv", "anchorages", id="gfw-anchorages"),
        pytest.param("gfw-anchorages/WPI_ports.csv", "anchorages", id="gfw-wpi-extract"),
    ],
)
def test_format_from_the_header(relative: str, fmt: str) -> None:
    with _shared(relative).open(encoding="utf-8-sig") as f:
        assert detect_format(f.readline()) == fmt


def test_an_unknown_header_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ports.csv"
    path.write_text("name,where\nX,Y\n", encoding="utf-8")
    with pytest.raises(InputError, match="header not recognised"):
        read_port_file(path)
    with pytest.raises(InputError, match="cannot read port file"):
        read_port_file(tmp_path / "absent.csv")


def _entry(code: str, name: str, lat: float, lon: float, *aliases: str, size: float = 0.0) -> PortEntry:
    return PortEntry(PortRecord(code, name, "IE", "Ireland", lat, lon), aliases, size)


def test_merging_adds_names_not_ports() -> None:
    base = MergedGazetteer([_entry("IEBYT", "Bantry", 51.68, -9.45, size=0.2)])
    merged = with_records(
        base,
        [
            _entry("IEBYT", "Bantry Harbour", 51.68, -9.45, "Beanntrai", size=0.4),  # same code: names, size
            _entry("WPI-1", "Bantry", 51.70, -9.50),  # no code, same name nearby: joins
            _entry("WPI-2", "Bantry", 53.00, -7.00),  # same name far away: another place
            _entry("GFW-IE-BANTRYBAY", "Bantry Bay", 51.65, -9.60),  # a name that extends it: joins
            _entry("IEXXX", "Nowhere", math.nan, math.nan),  # no position: nothing to add to
        ],
    )
    assert merged.locodes == ["IEBYT", "WPI-2"]
    assert merged.aliases("IEBYT") == ("Beanntrai", "Bantry Bay")
    assert merged.size("IEBYT") == 0.4
    assert isinstance(merged, Gazetteer) and merged.get("IEBYT").name == "Bantry"


def test_merging_onto_searoute_keeps_its_sizes_and_order() -> None:
    searoute = Gazetteer.from_searoute()
    merged = with_records(searoute, [_entry("IEXYZ", "Xyz", 53.0, -6.0)])
    assert merged.locodes[: len(searoute)] == searoute.locodes
    assert merged.size("CNDLC") == 0.7 and merged.sources("CNDLC") == ("searoute",)


def test_every_shared_list_merged() -> None:
    paths = [
        _shared("nga-wpi/UpdatedPub150.csv"),
        _shared("unlocode-geoapify/unlocode_seaports_function1.csv"),
        _shared("gfw-anchorages/anchorage_overrides.csv"),
    ]
    g = gazetteer_with_files(paths)
    assert len(g) > 18_000
    assert "Busan" in g.aliases("KRPUS") and g.size("KRPUS") == 1.0
    assert set(g.sources("RUVVO")) == {"searoute", "wpi", "unlocode", "anchorages"}
    assert g.subdivision("USPDX") == "OR"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        pytest.param("North Korea", "KP", id="north-korea"),
        pytest.param("South Korea", "KR", id="south-korea"),
        pytest.param("Russia", "RU", id="russia"),
        pytest.param("Congo (Kinshasa)", "CD", id="wpi-congo"),
        pytest.param("Cote D'Ivoire", "CI", id="wpi-apostrophe"),
        pytest.param("The Bahamas", "BS", id="wpi-the"),
    ],
)
def test_country_names(name: str, code: str) -> None:
    assert country_by_name(name) == code


def test_alpha3_codes() -> None:
    assert (alpha2_of_alpha3("PRK"), alpha2_of_alpha3("rus"), alpha2_of_alpha3("XXX")) == ("KP", "RU", None)
