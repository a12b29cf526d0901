"""Decoded-AIS CSV reader: formats, values, rejects, accounting, chunking."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shadowtrace.errors import InputError
from shadowtrace.ingest.ais.csv_formats import ColumnMapping, detect_csv_format
from shadowtrace.ingest.ais.csv_reader import decode_csv
from shadowtrace.ingest.lines import MAX_LINE_BYTES, line_chunks
from shadowtrace.ingest.stats import IGNORE_RULES, REJECT_CAUSES, IngestStats
from shadowtrace.models.tables import MAX_REJECT_RAW_BYTES, POSITIONS, REJECTS, STATICS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "csv"
SHARED_AIS = Path(__file__).resolve().parents[4] / "shared" / "data" / "ais"
SCHEMAS = {"positions": POSITIONS, "statics": STATICS, "rejects": REJECTS}

DMA_HEADER = (
    b"# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,"
    b"Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,"
    b"Destination,ETA,Data source type"
)
GOOD_ROW = (
    b"01/06/2018 00:00:00,Class A,219014851,55.075200,8.341003,Under way using engine,0.0,3.2,190.1,196,"
    b"Unknown,,,Undefined,,,,Undefined,,,,AIS"
)


def shared(name: str) -> Path:
    path = SHARED_AIS / name
    if not path.exists():
        pytest.skip(f"shared sample {path} is absent (it lives beside the repository, in shared/data/ais)")
    return path


def decode(data: bytes, chunk_bytes: int = 1 << 20, **kwargs: Any) -> tuple[IngestStats, dict[str, pa.Table]]:
    """Decode a whole file; the tables of every block concatenated (empty tables where none)."""
    stats = IngestStats()
    parts: dict[str, list[pa.Table]] = {name: [] for name in SCHEMAS}
    for tables in decode_csv(line_chunks(io.BytesIO(data), chunk_bytes), 7, stats, **kwargs):
        assert tables and all(table.num_rows for table in tables.values())
        for name, table in tables.items():
            assert table.schema.equals(SCHEMAS[name], check_metadata=False), name
            parts[name].append(table)
    return stats, {
        name: pa.concat_tables(t) if t else SCHEMAS[name].empty_table() for name, t in parts.items()
    }


def rows_by_line(table: pa.Table) -> dict[int, dict[str, Any]]:
    return {row["line"]: row for row in table.to_pylist()}


def assert_accounted(stats: IngestStats, data: bytes) -> None:
    assert stats.balanced, stats.as_dict()
    assert stats.lines_read == data.count(b"\n") + (not data.endswith(b"\n"))
    assert set(stats.ignored) <= set(IGNORE_RULES)
    assert set(stats.rejects_by_cause) <= set(REJECT_CAUSES)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- format detection ----------------------------------------------------------------------------

DETECTION = {
    "dma": (DMA_HEADER, "dma"),
    "dma-crlf-bom": (b"\xef\xbb\xbf" + DMA_HEADER + b"\r", "dma"),
    "dma-legacy": ((FIXTURES / "dma_legacy.csv").read_bytes().split(b"\n")[0], "dma-legacy"),
    "dma-with-offsets": (DMA_HEADER + b",A,B,C,D", "dma-legacy"),
    "noaa": (
        b"MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
        b"Length,Width,Draft,Cargo,TransceiverClass",
        "noaa",
    ),
    "debs-no-mmsi": (
        b"SHIP_ID,SPEED,LON,LAT,COURSE,HEADING,TIMESTAMP,Departure_Port_Name,Reported_Draught",
        None,
    ),
    "nmea": (b"!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E", None),
    "binary": (b"\x00\xff\xfe garbage", None),
}


@pytest.mark.parametrize(("header", "expected"), DETECTION.values(), ids=DETECTION.keys())
def test_detect_csv_format(header: bytes, expected: str | None) -> None:
    assert detect_csv_format(header) == expected


# -- real samples --------------------------------------------------------------------------------

DMA_SAMPLE_POSITIONS = {
    2: {"mmsi": 215810000, "msg_type": 1, "lat": 55.921028, "lon": 17.320418, "sog_kn": 12.5,
        "cog_deg": 255.5, "heading_deg": 256, "nav_status": 4, "turn": 0.0, "ts": at("2018-06-01T00:00:00")},
    10: {"mmsi": 219937000, "nav_status": 5, "heading_deg": None, "turn": None},
    11: {"mmsi": 265518830, "msg_type": 18, "lat": None, "lon": None, "sog_kn": None, "nav_status": 15},
    35: {"mmsi": 2190066, "msg_type": 4, "epfd": 1},
}  # fmt: skip
DMA_SAMPLE_STATICS = {
    33: {"mmsi": 266220000, "msg_type": 5, "imo": 9320063, "callsign": "SHZA", "shipname": "ASTINA",
         "ship_type": 81, "to_bow_m": 130, "to_stern_m": 0, "to_port_m": 20, "to_starboard_m": 0, "epfd": 1,
         "draught_m": pytest.approx(5.9), "destination": "FREDERICIA", "eta_month": 5, "eta_day": 31,
         "eta_hour": 4, "eta_minute": 0},
    41: {"mmsi": 250515000, "ship_type": 70, "imo": 9291717, "eta_month": 6, "eta_day": 1, "eta_hour": 10},
    11: {"mmsi": 265518830, "msg_type": 24, "shipname": "SUVI-SIRKKA", "callsign": None, "ship_type": None},
    26: {"mmsi": 265518830, "msg_type": 24, "shipname": "SUVI-SIRKKA", "callsign": "SA9908", "ship_type": 36},
}  # fmt: skip
NOAA_POSITIONS = {
    2: {"mmsi": 367752440, "msg_type": 1, "lat": 43.07917, "lon": -70.75733, "sog_kn": 0.0, "cog_deg": None,
        "heading_deg": 95, "nav_status": 0, "ts": at("2023-01-11T00:00:00")},
    6: {"mmsi": 367431720, "heading_deg": None, "cog_deg": pytest.approx(240.1)},
    86: {"mmsi": 338228393, "msg_type": 18, "nav_status": None},
}  # fmt: skip
NOAA_STATICS = {
    3: {"mmsi": 636021061, "msg_type": 5, "imo": 9307839, "shipname": "MSC NAISHA III", "callsign": "5LCB4",
        "ship_type": 70, "to_bow_m": 208, "to_stern_m": 0, "to_port_m": 30, "draught_m": 8.0},
    2: {"imo": None, "draught_m": None, "to_bow_m": None, "to_stern_m": None},
    86: {"msg_type": 24, "shipname": "GITANA", "ship_type": 37},
}  # fmt: skip
EXACTEARTH_POSITIONS = {
    2: {"mmsi": 432905000, "msg_type": 1, "ts": at("2021-07-01T18:51:51.680"), "lat": 8.87747666667,
        "lon": -103.63687, "sog_kn": pytest.approx(13.6), "cog_deg": pytest.approx(314.8), "heading_deg": 315,
        "radio": 2249, "utc_second": 48, "accuracy": False, "raim": False},
}  # fmt: skip
EXACTEARTH_STATICS = {
    105: {"mmsi": 538007407, "msg_type": 5, "shipname": "GH ZONDA", "callsign": "V7MF3", "imo": 9436472,
          "ship_type": 71, "to_bow_m": 182, "to_stern_m": 49, "to_port_m": 24, "to_starboard_m": 8,
          "draught_m": pytest.approx(8.7), "destination": "BLUFF", "eta_month": 6, "eta_day": 30,
          "eta_hour": 19, "eta_minute": 0, "ais_version": 2, "epfd": 1},
}  # fmt: skip

SAMPLES = {
    "dma": ("dma-csv-sample/aisdk_header.csv", "dma", 138, 0, DMA_SAMPLE_POSITIONS, DMA_SAMPLE_STATICS),
    "noaa": ("aisdb/test_data_noaa_20230101.csv", "noaa", 1000, 0, NOAA_POSITIONS, NOAA_STATICS),
    "exactearth": (
        "aisdb/test_data_20210701.csv",
        "exactearth",
        2405,
        29,
        EXACTEARTH_POSITIONS,
        EXACTEARTH_STATICS,
    ),
}


@pytest.mark.parametrize(
    ("name", "fmt", "n_positions", "n_rejects", "positions", "statics"), SAMPLES.values(), ids=SAMPLES.keys()
)
def test_real_sample(
    name: str,
    fmt: str,
    n_positions: int,
    n_rejects: int,
    positions: dict[int, dict[str, Any]],
    statics: dict[int, dict[str, Any]],
) -> None:
    data = shared(name).read_bytes()
    stats, tables = decode(data)
    assert stats.format == fmt
    assert_accounted(stats, data)
    assert stats.ignored == {"header": 1}
    assert tables["positions"].num_rows == n_positions
    assert tables["rejects"].num_rows == n_rejects
    for table, expected in ((tables["positions"], positions), (tables["statics"], statics)):
        got = rows_by_line(table)
        for line, values in expected.items():
            assert {key: got[line][key] for key in values} == values, line
            assert got[line]["source_id"] == 7
            assert got[line]["line_last"] == line
            assert got[line]["station"] is got[line]["channel"] is got[line]["repeat"] is None


def test_dma_statics_are_not_repeated() -> None:
    data = shared("dma-csv-sample/aisdk_header.csv").read_bytes()
    _, tables = decode(data + data.split(b"\n", 1)[1])  # every row twice
    statics = tables["statics"].to_pylist()
    # 265518830 gives its name on line 11, and name, call sign, type and size on line 26
    assert [row["line"] for row in statics if row["mmsi"] == 265518830] == [11, 26]
    assert max(row["line"] for row in statics) < 140 and len(statics) == 14


def test_exactearth_static_reports_give_statics_only() -> None:
    _, tables = decode(shared("aisdb/test_data_20210701.csv").read_bytes())
    assert 105 not in rows_by_line(tables["positions"])
    causes = {row["cause"] for row in tables["rejects"].to_pylist()}
    assert causes == {"unsupported_type"}  # messages 6, 8, 12, 20, 25, 26: no positions or statics


@pytest.mark.parametrize("name", ["vessel24hpublic_fixed.csv", "1000rowspublic_fixed.csv"])
def test_debs_has_no_mmsi_and_is_refused(name: str) -> None:
    data = shared(f"debs2018-hobbit/{name}").read_bytes()
    with pytest.raises(InputError, match="header not recognised"):
        decode(data)


# -- hand-made fixtures --------------------------------------------------------------------------


def test_dma_legacy_fixture() -> None:
    data = (FIXTURES / "dma_legacy.csv").read_bytes()
    stats, tables = decode(data)
    assert stats.format == "dma-legacy"
    assert_accounted(stats, data)
    positions = rows_by_line(tables["positions"])
    assert {k: positions[5][k] for k in ("msg_type", "sog_kn", "cog_deg", "heading_deg")} == {
        "msg_type": 18, "sog_kn": None, "cog_deg": None, "heading_deg": None,
    }  # fmt: skip
    assert (positions[6]["msg_type"], positions[7]["msg_type"], positions[7]["nav_status"]) == (21, 0, 14)
    statics = rows_by_line(tables["statics"])
    assert sorted(statics) == [3, 5, 6]  # line 4 repeats line 3
    dimensions = ("to_bow_m", "to_stern_m", "to_port_m", "to_starboard_m", "ship_type")
    assert [statics[3][k] for k in dimensions] == [150, 30, 12, 12, 82]
    assert (statics[5]["draught_m"], statics[5]["imo"], statics[6]["msg_type"]) == (None, None, 21)


def test_user_mapping_fixture() -> None:
    mapping = ColumnMapping.from_toml(FIXTURES / "provider.toml")
    data = (FIXTURES / "provider.csv").read_bytes()
    stats, tables = decode(data, mapping=mapping)
    assert stats.format == "example-provider"
    assert_accounted(stats, data)
    positions = tables["positions"].to_pylist()
    assert [(row["ts"], row["nav_status"], row["msg_type"]) for row in positions] == [
        (at("2017-02-27T00:00:00"), 0, 0),
        (at("2017-02-27T01:00:00.500"), 1, 0),
        (at("2017-02-27T02:00:00"), 5, 0),
    ]
    assert (positions[1]["cog_deg"], positions[2]["lat"], positions[0]["sog_kn"]) == (
        None,
        None,
        pytest.approx(12.3),
    )
    statics = tables["statics"].to_pylist()
    assert [(row["line"], row["draught_m"]) for row in statics] == [
        (2, pytest.approx(8.5)),
        (4, pytest.approx(9.2)),
    ]


MAPPING_ERRORS = {
    "unknown-key": ('time_format = "iso"\ncolums = {}\n', "unknown key 'colums'"),
    "unknown-field": (
        'time_format = "iso"\n[columns]\nmmsi = "M"\nts = "T"\nspeed = "S"\n',
        "unknown field 'speed'",
    ),
    "no-mmsi": ('time_format = "iso"\n[columns]\nts = "T"\n', "needs 'mmsi'"),
    "no-time-format": ('[columns]\nmmsi = "M"\nts = "T"\n', "time_format is missing"),
    "bad-time-format": (
        'time_format = "dd/mm/yyyy"\n[columns]\nmmsi = "M"\nts = "T"\n',
        "neither a strftime",
    ),
    "column-not-text": ('time_format = "iso"\n[columns]\nmmsi = 3\nts = "T"\n', "mmsi = 3 must be a str"),
    "code-not-int": (
        'time_format = "iso"\n[columns]\nmmsi = "M"\nts = "T"\n[values.nav_status]\nMoored = "5"\n',
        "must be a int",
    ),
    "code-for-text": (
        'time_format = "iso"\n[columns]\nmmsi = "M"\nts = "T"\n[values.shipname]\nX = 1\n',
        "'shipname' is not a numeric field",
    ),
    "long-delimiter": (
        'time_format = "iso"\ndelimiter = ";;"\n[columns]\nmmsi = "M"\nts = "T"\n',
        "delimiter",
    ),
    "not-toml": ("time_format = \n", "cannot read the column mapping"),
}


@pytest.mark.parametrize(("text", "message"), MAPPING_ERRORS.values(), ids=MAPPING_ERRORS.keys())
def test_mapping_errors_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        ColumnMapping.from_toml(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_declared_format_must_fit_the_header() -> None:
    with pytest.raises(InputError, match="lacks the column"):
        decode(DMA_HEADER + b"\n" + GOOD_ROW + b"\n", fmt="noaa")
    with pytest.raises(InputError, match="unknown CSV format"):
        decode(DMA_HEADER + b"\n", fmt="aisdk")


# -- bad rows ------------------------------------------------------------------------------------

BAD_ROWS = {
    "too-few-fields": (b"01/06/2018 00:00:00,Class A,219014851,55.0752", "missing_field"),
    "too-many-fields": (GOOD_ROW + b",extra", "missing_field"),
    "unbalanced-quote": (GOOD_ROW.replace(b"Class A", b'"Class A'), "missing_field"),
    "no-mmsi": (GOOD_ROW.replace(b"219014851", b""), "missing_field"),
    "mmsi-letters": (GOOD_ROW.replace(b"219014851", b"21901485X"), "bad_value"),
    "mmsi-ten-digits": (GOOD_ROW.replace(b"219014851", b"2190148510"), "bad_value"),
    "bad-date": (GOOD_ROW.replace(b"01/06/2018", b"32/13/2018"), "bad_time"),
    "time-is-text": (GOOD_ROW.replace(b"01/06/2018 00:00:00", b"yesterday"), "bad_time"),
    "lat-out-of-range": (GOOD_ROW.replace(b"55.075200", b"95.5"), "bad_value"),
    "lon-out-of-range": (GOOD_ROW.replace(b"8.341003", b"-181.5"), "bad_value"),
    "sog-negative": (GOOD_ROW.replace(b",3.2,", b",-1.0,"), "bad_value"),
    "sog-text": (GOOD_ROW.replace(b",3.2,", b",fast,"), "bad_value"),
    "lat-nan": (GOOD_ROW.replace(b"55.075200", b"nan"), "bad_value"),
    "draught-text": (GOOD_ROW.replace(b"Undefined,,,,AIS", b"Undefined,deep,,,AIS"), "bad_value"),
    "bad-eta": (GOOD_ROW.replace(b",,,AIS", b",,31/02/2019 25:00:00,AIS"), "bad_value"),
    "binary-garbage": (b"\x00\x01\x02\x7f\x1b[0m" + GOOD_ROW, "non_ascii"),
    "invalid-utf8": (GOOD_ROW.replace(b"Class A", b"Class \xff\xfe"), "non_ascii"),
    "carriage-return-inside": (GOOD_ROW.replace(b"Class A", b"Class\rA"), "non_ascii"),
    "oversize": (GOOD_ROW.replace(b"Class A", b"Class A" + b" " * MAX_LINE_BYTES), "oversize"),
}


@pytest.mark.parametrize(("line", "cause"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_a_counted_reject_and_the_good_rows_land(line: bytes, cause: str) -> None:
    data = b"\n".join([DMA_HEADER, GOOD_ROW, line, GOOD_ROW]) + b"\n"
    stats, tables = decode(data)
    assert_accounted(stats, data)
    raw = line[:MAX_REJECT_RAW_BYTES]
    assert tables["rejects"].to_pylist() == [{"source_id": 7, "line": 3, "cause": cause, "raw": raw}]
    assert stats.rejects_by_cause == {cause: 1}
    assert tables["positions"].column("line").to_pylist() == [2, 4]


SHORT = GOOD_ROW.rsplit(b",", 1)[0]  # one field too few
RAGGED = {  # the separators of each file add up to those of well-formed lines
    "short-first": [SHORT, GOOD_ROW + b",x", GOOD_ROW],
    "long-first": [GOOD_ROW, GOOD_ROW + b",x", SHORT, GOOD_ROW],
    "much-shorter": [GOOD_ROW, b"01/06/2018 00:00:00,Class A,219014851,55.0752", GOOD_ROW + b",x" * 18],
}


@pytest.mark.parametrize("lines", RAGGED.values(), ids=RAGGED.keys())
def test_ragged_lines_whose_fields_add_up_are_rejected(lines: list[bytes]) -> None:
    data = b"\n".join([DMA_HEADER, *lines]) + b"\n"
    stats, tables = decode(data)
    assert_accounted(stats, data)
    bad = [i + 2 for i, line in enumerate(lines) if line != GOOD_ROW]
    assert [(r["line"], r["cause"]) for r in tables["rejects"].to_pylist()] == [
        (i, "missing_field") for i in bad
    ]
    assert tables["positions"].num_rows == len(lines) - len(bad)


IGNORED_LINES = {
    "blank": (b"", "blank"),
    "blanks-only": (b"   \t ", "blank"),
    "comment": (b"# exported by hand", "comment"),
    "header-again": (DMA_HEADER, "header"),
}


@pytest.mark.parametrize(("line", "rule"), IGNORED_LINES.values(), ids=IGNORED_LINES.keys())
def test_ignored_line(line: bytes, rule: str) -> None:
    data = b"\n".join([DMA_HEADER, GOOD_ROW, line, GOOD_ROW]) + b"\n"
    stats, tables = decode(data)
    assert_accounted(stats, data)
    assert stats.ignored == Counter(["header", rule])
    assert tables["rejects"].num_rows == 0 and tables["positions"].num_rows == 2


def test_not_available_values_are_null_and_padded_values_are_read() -> None:
    row = (
        b" 01/06/2018 00:00:00 ,Class A, 219014851 ,91,181,Moored,,102.3,360,511,0, OXAB1 ,@@@@,Cargo,,,,"
        b"Undefined,0, ,,AIS"
    )
    data = DMA_HEADER + b"\n" + row + b"\n"
    stats, tables = decode(data)
    assert_accounted(stats, data)
    (position,) = tables["positions"].to_pylist()
    assert position["mmsi"] == 219014851 and position["ts"] == at("2018-06-01T00:00:00")
    assert [position[k] for k in ("lat", "lon", "sog_kn", "cog_deg", "heading_deg")] == [None] * 5
    (static,) = tables["statics"].to_pylist()
    assert (static["imo"], static["callsign"], static["shipname"], static["draught_m"]) == (
        None,
        "OXAB1",
        None,
        None,
    )


def test_empty_time_is_an_untimed_row() -> None:
    data = DMA_HEADER + b"\n" + GOOD_ROW.replace(b"01/06/2018 00:00:00", b"") + b"\n"
    stats, tables = decode(data)
    assert (stats.untimed_rows, tables["positions"].column("ts").to_pylist()) == (1, [None])


def test_crlf_file_reads_like_lf() -> None:
    data = shared("dma-csv-sample/aisdk_header.csv").read_bytes().replace(b"\r\n", b"\n")  # it is CRLF
    _, lf = decode(data)
    _, crlf = decode(data.replace(b"\n", b"\r\n"))
    assert all(lf[name].equals(crlf[name]) for name in ("positions", "statics"))


def test_statics_row_again_when_a_value_comes_back() -> None:
    def row(second: int, destination: bytes) -> bytes:
        return GOOD_ROW.replace(b"00:00:00", b"00:00:%02d" % second).replace(
            b",,,AIS", b"," + destination + b",,AIS"
        )

    destinations = [b"KIEL", b"KIEL", b"AARHUS", b"AARHUS", b"KIEL"]
    data = b"\n".join([DMA_HEADER, *(row(i, d) for i, d in enumerate(destinations))]) + b"\n"
    for chunk_bytes in (1, len(data)):
        _, tables = decode(data, chunk_bytes=chunk_bytes)
        statics = tables["statics"].to_pylist()
        assert [(r["line"], r["destination"]) for r in statics] == [(2, "KIEL"), (4, "AARHUS"), (6, "KIEL")]


# -- properties ----------------------------------------------------------------------------------

MIXED = b"\n".join([DMA_HEADER, *(line for line, _ in BAD_ROWS.values()), GOOD_ROW, b"", b"# note", GOOD_ROW])


def mixed_file() -> bytes:
    sample = SHARED_AIS / "dma-csv-sample" / "aisdk_header.csv"
    return sample.read_bytes() + MIXED.split(b"\n", 1)[1] if sample.exists() else MIXED


@settings(max_examples=25, deadline=None)
@given(chunk_bytes=st.integers(min_value=100, max_value=8192))
def test_result_is_independent_of_chunk_size(chunk_bytes: int) -> None:
    data = mixed_file()
    whole_stats, whole = decode(data, chunk_bytes=len(data))
    stats, parts = decode(data, chunk_bytes=chunk_bytes)
    assert_accounted(stats, data)
    assert stats.as_dict() == whole_stats.as_dict()
    assert all(parts[name].equals(whole[name]) for name in SCHEMAS)


ALPHABET = [
    b"1",
    b"9",
    b",",
    b'"',
    b" ",
    b"A",
    b".",
    b"-",
    b"/",
    b":",
    b"\xff",
    b"\xc3\xa6",
    b"\x00",
    b"\r",
    b"#",
]


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.lists(st.sampled_from(ALPHABET), max_size=40).map(b"".join), max_size=12),
    chunk_bytes=st.integers(min_value=1, max_value=256),
)
def test_any_bytes_are_accounted_for(lines: list[bytes], chunk_bytes: int) -> None:
    data = b"\n".join([DMA_HEADER, GOOD_ROW, *lines, GOOD_ROW])
    stats, tables = decode(data, chunk_bytes=chunk_bytes)
    assert_accounted(stats, data)
    assert stats.lines_rejected == tables["rejects"].num_rows
    assert stats.lines_decoded >= 2
