"""List readers: the real OFAC and EU lists, the FollowTheMoney fixture, and hostile rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shadowtrace.errors import InputError
from shadowtrace.sanctions.entries import ParsedList, flag_code, parse_date, split_parenthesised
from shadowtrace.sanctions.eu import regulation
from shadowtrace.sanctions.formats import READERS, decode, detect, parse

# file, format, default name, entries, with IMO, with MMSI, other entities ignored, flagged
REAL = [
    # 851 vessels; IMO in the remarks of 844 (two written "IMO  8730455", with two spaces, which the
    # derived extract missed: it has 842), MMSI in 154; 14,114 persons, companies and aircraft
    ("ofac-sdn/sdn_2024-05-03.csv", "ofac-sdn", "OFAC SDN", 851, 844, 154, 14_114, {}),
    ("ofac-sdn/sdn_vessels_2024-05-03.csv", "ofac-sdn", "OFAC SDN", 851, 844, 154, 0, {}),
    # 75 vessels, all with an IMO number but MIN NING DE YOU 078 ("Does not exist"), 4 with an MMSI
    ("eu-oj-sanctions-opensanctions/32017R1509.csv", "eu-journal", "EU 2017/1509", 75, 74, 4, 251,
     {"IMO number not 7 digits (left out)": 1}),
    ("eu-oj-sanctions-opensanctions/32014R0833.csv", "eu-journal", "EU 833/2014", 633, 633, 0, 1_113, {}),
    ("eu-oj-sanctions-opensanctions/eu_sanctioned_vessels_prk_rus.csv", "eu-journal", "EU 2017/1509 + EU 833/2014",
     708, 707, 4, 0, {"IMO number not 7 digits (left out)": 1}),
    ("eu-oj-sanctions-opensanctions/zavod_testdataset_maritime.csv", "opensanctions-csv", "", 4, 3, 0, 2, {}),
]


@pytest.mark.parametrize(
    ("relative", "fmt", "name", "entries", "with_imo", "with_mmsi", "ignored", "flagged"),
    REAL, ids=[r[0].rsplit("/", 1)[1] for r in REAL],
)
def test_real_lists(shared: Callable[[str], Path], relative: str, fmt: str, name: str, entries: int,
                    with_imo: int, with_mmsi: int, ignored: int, flagged: dict[str, int]) -> None:
    parsed = parse(shared(relative).read_bytes())
    assert (parsed.format, parsed.default_name) == (fmt, name)
    assert len(parsed.rows) == entries
    assert sum(r["imo"] is not None for r in parsed.rows) == with_imo
    assert sum(r["mmsi"] is not None for r in parsed.rows) == with_mmsi
    assert (parsed.ignored, parsed.rejects, dict(parsed.flagged)) == (ignored, [], flagged)
    assert len({r["entry_id"] for r in parsed.rows}) == entries


def _entry(parsed: ParsedList, entry_id: str) -> dict[str, object]:
    return next(r for r in parsed.rows if r["entry_id"] == entry_id)


def test_ofac_remarks_give_imo_mmsi_and_former_names(shared: Callable[[str], Path]) -> None:
    parsed = parse(shared("ofac-sdn/sdn_2024-05-03.csv").read_bytes())
    ebano = _entry(parsed, "4243")
    assert (ebano["name"], ebano["imo"], ebano["aliases"], ebano["flag"]) == (
        "EBANO", 7406784, ["ANA I", "SAND SWAN"], "PA")
    with_mmsi = next(r for r in parsed.rows if r["mmsi"] is not None)
    assert 100_000_000 <= with_mmsi["mmsi"] <= 999_999_999
    assert _entry(parsed, "4238")["callsign"] == "CL2192"
    programs = {p for r in parsed.rows for p in r["programs"]}
    assert {"IRAN", "NPWMD", "IFSR", "DPRK3", "RUSSIA-EO14024"} <= programs


def test_eu_names_in_parentheses_are_aliases(shared: Callable[[str], Path]) -> None:
    parsed = parse(shared("eu-oj-sanctions-opensanctions/32017R1509.csv").read_bytes())
    chong_bong = next(r for r in parsed.rows if r["imo"] == 8909575)
    assert (chong_bong["name"], chong_bong["aliases"]) == ("Chong Bong", ["Greenlight", "Blue Nouvelle"])
    assert chong_bong["listed_since"] == dt.date(2016, 3, 2)
    assert chong_bong["entry_id"] == "32017R1509/XIII.B/8909575"
    petrel = next(r for r in parsed.rows if r["name"] == "PETREL 8")
    assert (petrel["imo"], petrel["mmsi"]) == (9562233, 620233000)


def test_followthemoney_fixture(ftm_fixture: Path) -> None:
    parsed = parse(ftm_fixture.read_bytes())
    assert (parsed.format, parsed.default_name) == ("ftm", "us_ofac_sdn")
    assert [r["entry_id"] for r in parsed.rows] == ["ofac-12345", "ofac-23456", "ofac-34567", "ofac-45678"]
    spirit = parsed.rows[0]
    assert (spirit["imo"], spirit["imo_valid"], spirit["mmsi"], spirit["flag"], spirit["callsign"]) == (
        9074729, True, 445123000, "KP", "HMZZ1")
    assert spirit["aliases"] == ["M/T OCEAN SPIRIT", "OCEANSPIRIT", "SEA BREEZE"]
    assert (spirit["programs"], spirit["listed_since"]) == (["DPRK3"], dt.date(2018, 2, 23))
    yu_jong = parsed.rows[1]
    assert (yu_jong["programs"], yu_jong["listed_since"]) == (["DPRK4"], dt.date(2018, 3, 30))
    assert parsed.rows[2]["flag"] == "KP"
    assert (parsed.rows[3]["imo"], parsed.rows[3]["imo_valid"]) == (9074720, False)
    assert [(r.line, r.cause) for r in parsed.rejects] == [
        (7, "no vessel name, IMO number or MMSI"), (10, "not a JSON line")]
    assert parsed.ignored == 3  # the Sanction, the company, the person
    assert dict(parsed.flagged) == {"IMO check digit wrong (kept, imo_valid false)": 1}


OFAC_HEADER = "ent_num,name,program,call_sign,vessel_type,tonnage,grt,flag,owner,imo,mmsi,remarks\n"
EU_HEADER = "celex,recordId,programKey,annex,measure,startDate,schema,name,previousName,imoNumber,mmsi,flag\n"

# (text or bytes, entries, rejects (line, cause), flagged)
HOSTILE: dict[str, tuple[str | bytes, int, list[tuple[int, str]], dict[str, int]]] = {
    "imo check digit wrong: kept, flagged": (
        OFAC_HEADER + "1,SHIP A,DPRK,,Tanker,,,Panama,,9074720,,\n", 1, [],
        {"IMO check digit wrong (kept, imo_valid false)": 1}),
    "imo of six digits: left out, flagged": (
        OFAC_HEADER + "1,SHIP A,DPRK,,Tanker,,,Panama,,907472,,\n", 1, [],
        {"IMO number not 7 digits (left out)": 1}),
    "mmsi of eight digits: left out, flagged": (
        OFAC_HEADER + "1,SHIP A,DPRK,,Tanker,,,Panama,,,44512300,\n", 1, [], {"MMSI not 9 digits (left out)": 1}),
    "unknown flag: left out, flagged": (
        OFAC_HEADER + "1,SHIP A,DPRK,,Tanker,,,Atlantis,,9074729,,\n", 1, [],
        {"flag not recognised (left out)": 1}),
    "missing fields: a reject": (
        OFAC_HEADER + "1,SHIP A,DPRK\n2,SHIP B,DPRK,,Tanker,,,Panama,,9074729,,\n", 1,
        [(2, "expected 12 fields, got 3")], {}),
    "vessel with no name, imo or mmsi: a reject": (
        EU_HEADER + "32017R1509,1,EU-PRK,XIV.A,Freeze,2.3.2016,Vessel,,,,,\n", 0,
        [(2, "no vessel name, IMO number or MMSI")], {}),
    "blank lines skipped, line numbers kept": (
        EU_HEADER + "\n\n32017R1509,1,EU-PRK,XIV.A,Freeze,2.3.2016,Vessel,X,,,,\n32017R1509,2,EU-PRK\n", 1,
        [(5, "expected 12 fields, got 3")], {}),
    "bad date: left out, flagged": (
        EU_HEADER + "32017R1509,1,EU-PRK,XIV.A,Freeze,31.2.2016,Vessel,X,,8604917,,\n", 1, [],
        {"date not understood (left out)": 1}),
    "latin-1 bytes": (
        ('4238,"PEÑA","vessel","CUBA",-0- ,-0- ,"Tug",-0- ,"212","Cuba",-0- ,-0- \r\n').encode("latin-1"), 1, [], {}),
    "utf-8 with a byte-order mark": (
        ("\ufeff" + OFAC_HEADER + "1,CHÔNG BÒNG,DPRK,,Tanker,,,Panama,,9074729,,\n").encode("utf-8"), 1, [], {}),
    "dos end-of-file mark": (
        '4238,"MAR AZUL","vessel","CUBA",-0- ,"CL2192","Tug",-0- ,"212","Cuba",-0- ,-0- \r\n\x1a', 1, [], {}),
    "quoted field spanning lines": (
        OFAC_HEADER + '1,SHIP A,DPRK,,Tanker,,,Panama,,9074729,,"two\nlines"\n2,SHIP B,DPRK,,,,,,,,,\n'
        "3,SHIP C\n", 2, [(5, "expected 12 fields, got 2")], {}),
}


@pytest.mark.parametrize(("data", "entries", "rejects", "flagged"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_rows_are_counted(data: str | bytes, entries: int, rejects: list[tuple[int, str]],
                                  flagged: dict[str, int]) -> None:
    parsed = parse(data.encode() if isinstance(data, str) else data)
    assert len(parsed.rows) == entries
    assert [(r.line, r.cause) for r in parsed.rejects] == rejects
    assert dict(parsed.flagged) == flagged


def test_latin1_and_bom_names_read_right() -> None:
    latin = parse('4238,"PEÑA","vessel","CUBA",-0- ,-0- ,"Tug",-0- ,"212","Cuba",-0- ,-0- \n'.encode("latin-1"))
    assert latin.rows[0]["name"] == "PEÑA"
    bom = parse(("\ufeff" + OFAC_HEADER + "7,X,DPRK,,,,,,,9074729,,\n").encode())
    assert bom.rows[0]["entry_id"] == "7"


DETECT = {
    "ofac raw": ('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Havana"\n', "ofac-sdn"),
    "ofac extract": (OFAC_HEADER, "ofac-sdn"),
    "eu journal": (EU_HEADER, "eu-journal"),
    "ftm": ('\n{"id": "x", "schema": "Vessel", "properties": {}}\n', "ftm"),
    "opensanctions csv": ("id,type,name,imo,topics\n", "opensanctions-csv"),
    "something else": ("a,b,c\n1,2,3\n", None),
    "empty": ("", None),
}


@pytest.mark.parametrize(("text", "fmt"), DETECT.values(), ids=DETECT.keys())
def test_format_told_by_content(text: str, fmt: str | None) -> None:
    assert detect(decode(text.encode())) == fmt


def test_unknown_content_is_one_clear_error() -> None:
    with pytest.raises(InputError, match=r"not a sanctions list this version reads.*--format"):
        parse(b"a,b,c\n1,2,3\n", where="x.csv")


def test_forced_format_reads_what_it_can() -> None:
    parsed = parse(b"a,b,c\n1,2,3\n", "eu-journal")
    assert parsed.rows == []
    assert [(r.line, r.cause) for r in parsed.rejects] == [(2, "no vessel name, IMO number or MMSI")]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(sorted(READERS)))
def test_any_bytes_give_entries_or_counted_rejects(data: bytes, fmt: str) -> None:
    parsed = parse(data, fmt)
    for row in parsed.rows:
        assert row["name"] or row["imo"] is not None or row["mmsi"] is not None
        assert row["imo_valid"] is (None if row["imo"] is None else row["imo_valid"])


@pytest.mark.parametrize(("celex", "name"), [("32017R1509", "EU 2017/1509"), ("32014R0833", "EU 833/2014"),
                                             ("odd", "EU odd")])
def test_regulation_names(celex: str, name: str) -> None:
    assert regulation(celex) == name


@pytest.mark.parametrize(("text", "code"), [
    ("kp", "KP"), ("PRK", "KP"), ("Democratic People's Republic of Korea", "KP"),
    ("St. Vincent and the Grenadines", "VC"), ("St. Kitts & Nevis", "KN"), ("Atlantis", None)])
def test_flags(text: str, code: str | None) -> None:
    assert flag_code(text) == code


@pytest.mark.parametrize(("text", "day"), [
    ("2.3.2016", dt.date(2016, 3, 2)), ("2018-02-23", dt.date(2018, 2, 23)),
    ("2018-03-30T00:00:00", dt.date(2018, 3, 30)), ("2018-03", dt.date(2018, 3, 1)), ("2018", dt.date(2018, 1, 1)),
    ("31.2.2016", None), ("soon", None)])
def test_dates(text: str, day: dt.date | None) -> None:
    assert parse_date(text) == day


def test_parenthesised_names() -> None:
    assert split_parenthesised("Chong Bong (Greenlight) (Blue Nouvelle)") == ("Chong Bong", ["Greenlight",
                                                                                            "Blue Nouvelle"])
    assert split_parenthesised("(X)") == ("(X)", ["X"])
    assert split_parenthesised(None) == (None, [])


def test_a_field_over_the_csv_limit_is_a_reject() -> None:
    text = OFAC_HEADER + "1," + "X" * 200_000 + ",DPRK,,,,,,,9074729,,\n2,SHIP B,DPRK,,,,,,,9074729,,\n"
    parsed = parse(text.encode())
    assert [r["entry_id"] for r in parsed.rows] == ["2"]
    assert [r.line for r in parsed.rejects] == [2]
    assert parsed.rejects[0].cause.startswith("unreadable CSV")
