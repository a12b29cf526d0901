"""Destination resolution: every rule on its own cases, the simulator's forms, and accuracy on real texts."""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from shadowtrace.errors import InputError
from shadowtrace.geo.destinations import (
    KINDS,
    RULE_NAMES,
    DestinationResolver,
    DestinationSettings,
    Resolution,
    resolve,
    resolver_for,
)
from shadowtrace.geo.gazetteer_files import PortEntry, gazetteer_with_files, with_records
from shadowtrace.geo.ports import Gazetteer, PortRecord

#: the shared real port lists (read-only, never copied into the repository)
SHARED_PORTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ports"
PORT_FILES = (
    "nga-wpi/UpdatedPub150.csv",
    "unlocode-geoapify/unlocode_seaports_function1.csv",
    "gfw-anchorages/anchorage_overrides.csv",
    "gfw-anchorages/WPI_ports.csv",
)
LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "destinations" / "labelled.csv"
MIN_ACCURACY = 0.90


@pytest.fixture(scope="module")
def searoute() -> Gazetteer:
    return Gazetteer.from_searoute()


@pytest.fixture(scope="module")
def nordic(searoute: Gazetteer) -> Gazetteer:
    """searoute's ports plus a few small ones it lacks, written by hand (positions to 0.01 degree)."""
    extra = [
        PortEntry(PortRecord("DKTHN", "Thyboron", "DK", "Denmark", 56.70, 8.22), size=0.4),
        PortEntry(PortRecord("FRSTP", "Saint-Tropez", "FR", "France", 43.27, 6.64), size=0.4),
        PortEntry(PortRecord("SEFSD", "Farosund", "SE", "Sweden", 57.86, 19.06), size=0.6),
        PortEntry(PortRecord("CABEL", "Belledune", "CA", "Canada", 47.91, -65.83), size=0.2),
        PortEntry(PortRecord("USPDX", "Portland", "US", "United States", 45.52, -122.67), size=1.0, subdivision="OR"),
    ]
    return with_records(searoute, extra)


# one case per line: (text, kind, destination: locode for a port, country code for a country, rule)
RULE_CASES = [
    # blank
    pytest.param("", "placeholder", None, "blank", id="blank-empty"),
    pytest.param("     ", "placeholder", None, "blank", id="blank-spaces"),
    pytest.param("@@@@@@@@@@@@@@@@@@@@", "placeholder", None, "blank", id="blank-ais-padding"),
    pytest.param("---", "placeholder", None, "blank", id="blank-dashes"),
    pytest.param(".", "placeholder", None, "blank", id="blank-dot"),
    pytest.param("XXXXX", "placeholder", None, "blank", id="blank-one-letter-repeated"),
    pytest.param("02000511", "placeholder", None, "blank", id="blank-digits-only"),
    # placeholder
    pytest.param("FOR ORDERS", "placeholder", None, "placeholder", id="placeholder-for-orders"),
    pytest.param("ORDERS", "placeholder", None, "placeholder", id="placeholder-orders"),
    pytest.param("TBA", "placeholder", None, "placeholder", id="placeholder-tba"),
    pytest.param("TBN", "placeholder", None, "placeholder", id="placeholder-tbn"),
    pytest.param("AWAITING ORDERS", "placeholder", None, "placeholder", id="placeholder-awaiting-orders"),
    pytest.param("SEA", "placeholder", None, "placeholder", id="placeholder-sea"),
    pytest.param("FISHING", "placeholder", None, "placeholder", id="placeholder-fishing"),
    pytest.param("FISHINGGROUNDS", "placeholder", None, "placeholder", id="placeholder-fishing-grounds-one-word"),
    pytest.param("UNKNOWN", "placeholder", None, "placeholder", id="placeholder-unknown"),
    pytest.param("ANCHORAGE", "placeholder", None, "placeholder", id="placeholder-anchorage-alone"),
    pytest.param("CH 16", "placeholder", None, "placeholder", id="placeholder-vhf-channel"),
    pytest.param("TLF +4721549177", "placeholder", None, "placeholder", id="placeholder-phone"),
    # locode
    pytest.param("CNDLC", "port", "CNDLC", "locode", id="locode-plain"),
    pytest.param("CN DLC", "port", "CNDLC", "locode", id="locode-space"),
    pytest.param("CN-DLC", "port", "CNDLC", "locode", id="locode-dash"),
    pytest.param("CN.DLC", "port", "CNDLC", "locode", id="locode-dot"),
    pytest.param("cn dlc", "port", "CNDLC", "locode", id="locode-lower-case"),
    pytest.param("KRPUS", "port", "KRPUS", "locode", id="locode-krpus"),
    pytest.param("LYT NZ", "port", "NZLYT", "locode", id="locode-place-first"),
    pytest.param("JP YOK HM", "port", "JPYOK", "locode", id="locode-then-words"),
    pytest.param("NLRTM00130LOCKB00140", "port", "NLRTM", "locode", id="locode-eri-isrs"),
    # country
    pytest.param("CHINA", "country", "CN", "country", id="country-china"),
    pytest.param("KOREA", "country", "KR", "country", id="country-korea-is-south"),
    pytest.param("N.KOREA", "country", "KP", "country", id="country-n-korea"),
    pytest.param("DPRK", "country", "KP", "country", id="country-dprk"),
    pytest.param("RUSSIA", "country", "RU", "country", id="country-russia"),
    pytest.param("RU", "country", "RU", "country", id="country-iso-alpha2"),
    pytest.param("RUS", "country", "RU", "country", id="country-iso-alpha3"),
    pytest.param("SINGAPORE", "port", "SGSIN", "country", id="country-city-state-is-its-port"),
    # legs
    pytest.param("RU VVO>CN NGB", "port", "CNNGB", "legs", id="legs-arrow-codes"),
    pytest.param("SE GOT>SE NYN", "port", "SENYN", "legs", id="legs-arrow-real-dma"),
    pytest.param("BRPNG>>ARBUE", "port", "ARBUE", "legs", id="legs-double-arrow"),
    pytest.param("NAKHODKA=>BUSAN", "port", "KRPUS", "legs", id="legs-fat-arrow"),
    pytest.param("DKCPH<>NOOSL", "port", "NOOSL", "legs", id="legs-both-ways"),
    pytest.param("RIGA-HULL", "port", "GBHUL", "legs", id="legs-dash"),
    pytest.param("ROTTERDAM TO HAMBURG", "port", "DEHAM", "legs", id="legs-to"),
    pytest.param("KIEL/KLAIPEDA/KIEL", "port", "DEKEL", "legs", id="legs-slash-round-trip"),
    pytest.param("LIEGE TO BOSTON", "port", "GBBOS", "legs", id="legs-same-name-nearest-previous-leg"),
    pytest.param("USCPO > BRRJO", "country", "BR", "legs", id="legs-unlisted-code-gives-country"),
    pytest.param("ST-PETERSBURG", "port", "RULED", "name", id="legs-not-a-dash-inside-a-name"),
    # name
    pytest.param("VLADIVOSTOK", "port", "RUVVO", "name", id="name-exact"),
    pytest.param("  HAMBURG  ", "port", "DEHAM", "name", id="name-odd-spacing"),
    pytest.param("ST PETERSBURG", "port", "RULED", "name", id="name-st-is-saint"),
    pytest.param("ST.PETERSBURG", "port", "RULED", "name", id="name-st-dot"),
    pytest.param("NAKHODKA PORT", "port", "RUNJK", "name", id="name-without-port"),
    pytest.param("ULSAN ANCH", "port", "KRUSN", "name", id="name-without-anch"),
    pytest.param("GDANSK ROADS", "port", "PLGDN", "name", id="name-without-roads"),
    pytest.param("ROTTERDAM OPL", "port", "NLRTM", "name", id="name-without-opl"),
    pytest.param("VOSTOCHNY PILOT STATION", "port", "RUVYP", "name", id="name-without-pilot-station"),
    pytest.param("GOTHENBURG", "port", "SEGOT", "name", id="name-alias"),
    pytest.param("TSINGTAO", "port", "CNTAO", "name", id="name-old-alias"),
    pytest.param("VLADIVOSTOCK", "port", "RUVVO", "name", id="name-misspelt-ck-folded"),
    pytest.param("ROTERDAM", "port", "NLRTM", "name", id="name-misspelt-double-letter-folded"),
    pytest.param("N1NGBO", "port", "CNNGB", "name", id="name-digit-one-for-i"),
    # name_country
    pytest.param("BUSAN KOREA", "port", "KRPUS", "name_country", id="name-country-busan-korea"),
    pytest.param("DALIAN CHINA", "port", "CNDLC", "name_country", id="name-country-dalian-china"),
    pytest.param("NAMPO DPRK", "port", "KPNAM", "name_country", id="name-country-nampo-dprk"),
    pytest.param("AALBORG  DK", "port", "DKAAL", "name_country", id="name-country-iso-code"),
    pytest.param("PL  SZCZECIN", "port", "PLSZZ", "name_country", id="name-country-code-first"),
    pytest.param("KALININGRAD\\RUSSIA", "port", "RUKGD", "name_country", id="name-country-backslash"),
    pytest.param("TACOMA,WA", "port", "USTIW", "name_country", id="name-country-us-state"),
    pytest.param("XYZZY RUSSIA", "country", "RU", "name_country", id="name-country-unknown-name-keeps-country"),
    # fuzzy
    pytest.param("KALINIGRAD", "port", "RUKGD", "fuzzy", id="fuzzy-kalinigrad"),
    pytest.param("AMSTEDAM", "port", "NLAMS", "fuzzy", id="fuzzy-missing-letter"),
    pytest.param("ESBJERK", "port", "DKEBJ", "fuzzy", id="fuzzy-one-letter-wrong"),
    # truncated, place code, name part, activity, code country, unknown
    pytest.param("SKELLEFTEHAM", "port", "SESKE", "truncated", id="truncated"),
    pytest.param("ZNZ", "port", "TZZNZ", "place_code", id="place-code-alone"),
    pytest.param("SKAGEN PEC 217", "port", "DKSKA", "name_part", id="name-part"),
    pytest.param("FISHING IN SKAGERACK", "placeholder", None, "activity", id="activity-fishing-somewhere"),
    pytest.param("HOME SWEET HOME", "placeholder", None, "activity", id="activity-home"),
    pytest.param("SE XYZ", "country", "SE", "code_country", id="code-country"),
    pytest.param("BARBRA", "unresolved", None, "unknown", id="unknown-word"),
    pytest.param("P-63", "unresolved", None, "unknown", id="unknown-not-a-route"),
]


@pytest.mark.parametrize(("text", "kind", "destination", "rule"), RULE_CASES)
def test_rules(searoute: Gazetteer, text: str, kind: str, destination: str | None, rule: str) -> None:
    res = resolve(text, searoute)
    assert (res.kind, res.destination, res.rule) == (kind, destination, rule), res.detail
    assert res.raw == text


@pytest.mark.parametrize(
    ("text", "destination", "rule"),
    [
        pytest.param("THYB0ROEN", "DKTHN", "name", id="folded-oe-and-zero-for-o"),
        pytest.param("THYBOROENN", "DKTHN", "name", id="folded-doubled-letter"),
        pytest.param("STTROPEZ", "FRSTP", "name", id="saint-written-st-without-space"),
        pytest.param("TRAFFIC FAROSUND", "SEFSD", "name_part", id="name-part-last-word"),
        pytest.param("BELLEDU", "CABEL", "truncated", id="truncated-short"),
        pytest.param("PORTLAND OR.", "USPDX", "name_country", id="us-state-picks-the-portland"),
    ],
)
def test_rules_with_added_ports(nordic: Gazetteer, text: str, destination: str, rule: str) -> None:
    res = resolve(text, nordic)
    assert (res.kind, res.locode, res.rule) == ("port", destination, rule), res.detail


# the forms the fleet simulator writes for the Sea of Japan (sim.fleet.destination_text)
SEA_OF_JAPAN = [
    pytest.param("CN DLC", "port", "CNDLC", id="sim-locode-space"),
    pytest.param("KRPUS", "port", "KRPUS", id="sim-locode"),
    pytest.param("RU VVO>CN NGB", "port", "CNNGB", id="sim-route"),
    pytest.param("VLADIVOSTOCK", "port", "RUVVO", id="sim-misspelt"),
    pytest.param("BUSAN KOREA", "port", "KRPUS", id="sim-name-country"),
    pytest.param("NAHODKA", "port", "RUNJK", id="sim-misspelt-nakhodka"),
    pytest.param("VOSTOCHNIY", "port", "RUVYP", id="sim-misspelt-vostochny"),
    pytest.param("ULSAN ANCH", "port", "KRUSN", id="sim-anchorage"),
    pytest.param("NIIGATA JP", "port", "JPKIJ", id="sim-name-code"),
    pytest.param("CHONGJIN DPRK", "port", "KPCHO", id="sim-dprk"),
    pytest.param("FOR ORDERS", "placeholder", None, id="sim-for-orders"),
    pytest.param("", "placeholder", None, id="sim-blank"),
]


@pytest.mark.parametrize(("text", "kind", "destination"), SEA_OF_JAPAN)
def test_simulator_forms(searoute: Gazetteer, text: str, kind: str, destination: str | None) -> None:
    res = resolve(text, searoute)
    assert (res.kind, res.destination) == (kind, destination), res.detail


def test_every_simulator_style_resolves_to_its_port(searoute: Gazetteer) -> None:
    from shadowtrace.sim.fleet import DEST_STYLES, destination_text

    ports = "RUVVO RUNJK RUVYP RUZAR KPNAM KPCHO KPNJN KPWON KPHGM KPSON CNDLC CNTAO KRPUS KRUSN JPKIJ SEGOT RULED"
    wrong = []
    for code in ports.split():
        for style in DEST_STYLES:
            text = destination_text(style, searoute.get(code), searoute.get("RUVVO"))
            res = resolve(text, searoute)
            want = ("placeholder", None) if style in ("blank", "for_orders") else ("port", code)
            if (res.kind, res.locode) != want:
                wrong.append(f"{code} {style} {text!r} -> {res.kind} {res.locode} ({res.rule}: {res.detail})")
    assert not wrong, "\n".join(wrong)


def test_a_route_keeps_every_leg_in_order(searoute: Gazetteer) -> None:
    res = resolve("SE GOT>SE NYN", searoute)
    assert [leg.locode for leg in res.legs] == ["SEGOT", "SENYN"]
    assert all(leg.kind == "port" and leg.rule == "locode" for leg in res.legs)
    assert res.country == "SE" and res.name == "Nynashamn"


def test_resolution_is_frozen_and_well_formed(searoute: Gazetteer) -> None:
    for case in RULE_CASES:
        res = resolve(case.values[0], searoute)
        assert res.kind in KINDS and res.rule in RULE_NAMES
        assert 0.0 <= res.confidence <= 1.0
        assert (res.locode is not None) == (res.kind == "port")
        assert (res.country is not None) == (res.kind in ("port", "country"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.kind = "port"  # type: ignore[misc]


def test_the_cache_keys_on_the_normalised_text_and_keeps_each_raw(searoute: Gazetteer) -> None:
    r = DestinationResolver(searoute)
    a, b = r.resolve("busan korea"), r.resolve("BUSAN  KOREA@@@")
    assert (a.raw, b.raw) == ("busan korea", "BUSAN  KOREA@@@")
    assert dataclasses.replace(a, raw="") == dataclasses.replace(b, raw="")
    assert len(r._cache) == 1
    assert resolver_for(searoute) is resolver_for(searoute)


def test_none_is_blank(searoute: Gazetteer) -> None:
    res = resolve(None, searoute)
    assert (res.raw, res.kind, res.rule) == ("", "placeholder", "blank")


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"fuzzy_min_score": 101.0}, id="score-above-100"),
        pytest.param({"fuzzy_min_chars": -1}, id="negative-length"),
    ],
)
def test_settings_are_validated(bad: dict[str, float]) -> None:
    with pytest.raises(InputError, match="destination setting"):
        DestinationSettings(**bad)  # type: ignore[arg-type]


def test_a_stricter_fuzzy_score_refuses_a_loose_match(searoute: Gazetteer) -> None:
    strict = DestinationSettings(fuzzy_min_score=99.0, fuzzy_one_edit_min_chars=0)
    assert resolve("KALINIGRAD", searoute, strict).kind == "unresolved"
    assert resolve("KALINIGRAD", searoute).locode == "RUKGD"


# -------------------------------------------------------------------------------------------
# the labelled set of real destination texts


def _labelled() -> list[dict[str, str]]:
    with LABELLED.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_labelled_set_is_well_formed() -> None:
    rows = _labelled()
    assert len(rows) >= 300
    assert len({r["raw"] for r in rows}) == len(rows), "raw texts are deduplicated"
    for r in rows:
        assert r["kind"] in KINDS, r
        codes = [c for c in r["locode"].split("|") if c]
        if r["kind"] == "port":
            assert len(r["country"]) == 2 and all(len(c) == 5 and c[:2] == r["country"] for c in codes), r
        elif r["kind"] == "country":
            assert len(r["country"]) == 2 and not codes, r
        else:
            assert not codes and not r["country"], r
        assert r["source"], r


def _correct(row: dict[str, str], res: Resolution) -> bool:
    if res.kind != row["kind"]:
        return False
    if row["kind"] == "port" and row["locode"]:
        return res.locode in row["locode"].split("|")
    if row["kind"] in ("port", "country"):
        return res.country == row["country"]
    return True


@pytest.fixture(scope="module")
def merged() -> Gazetteer:
    paths = [SHARED_PORTS / p for p in PORT_FILES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"port lists {', '.join(missing)} are absent (they live beside the repository, in shared/data)")
    return gazetteer_with_files(paths)


def test_accuracy_on_the_labelled_set(merged: Gazetteer) -> None:
    rows = _labelled()
    resolver = DestinationResolver(merged)
    misses = []
    for row in rows:
        res = resolver.resolve(row["raw"])
        if not _correct(row, res):
            want = row["locode"] or row["country"]
            misses.append(f"  {row['raw']!r}: want {row['kind']} {want}; got {res.kind} {res.destination} ({res.rule})")
    accuracy = 1.0 - len(misses) / len(rows)
    by_kind = Counter(r["kind"] for r in rows)
    print(f"\naccuracy {accuracy:.3f} on {len(rows)} labelled texts {dict(by_kind)}; {len(misses)} misses:")
    print("\n".join(misses))
    assert accuracy >= MIN_ACCURACY


# -------------------------------------------------------------------------------------------
# the docs say what the code does

DOCS = Path(__file__).resolve().parents[2] / "docs" / "destinations.md"


def test_docs_list_the_rules_in_order() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    documented = [row.split("|")[2].strip().strip("`") for row in rows]
    assert documented == list(RULE_NAMES)


def test_docs_list_every_setting_with_its_default() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for f in dataclasses.fields(DestinationSettings):
        default = f.default if not isinstance(f.default, float) or not f.default.is_integer() else int(f.default)
        assert f"| `{f.name}` | {default} | {f.metadata['unit']} |" in text, f.name
