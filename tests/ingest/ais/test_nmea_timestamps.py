"""Receive time and station in every style met in real logs, and the lines that only carry a time.

Order of preference for a sentence's time: its tag block ``c:``, the USCG
trailing time, a leading time column, then the time of a preceding timestamp
line (``$PGHP``, bare tag block, bare ``,unix``), which applies to the next AIS
sentence only. A multipart message takes the time and station of the first of
its parts that has them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest
from tests.ingest.ais.nmea_testlib import decode_bytes, nmea, read_corpus

TYPE1 = "AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0"
TYPE1_B = "AIVDM,1,1,,B,133sVfPP00PD>hRMDH@jNOvN20S8,0"
TYPE5_1 = "AIVDM,2,1,3,A,56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0"
TYPE5_2 = "AIVDM,2,2,3,A,888888888888880,2"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def rows(tables: dict[str, pa.Table], line: int | None = None) -> list[dict[str, Any]]:
    out = [r for name in ("positions", "statics", "other") for r in tables[name].to_pylist()]
    found = (r for r in out if line is None or r["line"] == line)
    return sorted(found, key=lambda r: (r["line"], r["msg_type"]))


def one(tables: dict[str, pa.Table], line: int) -> dict[str, Any]:
    found = rows(tables, line)
    assert len(found) == 1, found
    return found[0]


def decode_lines(*lines: str) -> tuple[dict[str, pa.Table], Any]:
    return decode_bytes(("\n".join(lines) + "\n").encode())


# ---------------------------------------------------------------- tag blocks


def test_tag_block_seconds_and_station() -> None:
    tables, stats = decode_bytes(read_corpus("kystverket-cvagner/norwegian.raw"))
    row = one(tables, 1)  # \s:2573238,c:1733782034*0A\!BSVDM,...
    assert (row["ts"], row["station"], row["channel"]) == (utc(2024, 12, 9, 22, 7, 14), "2573238", "A")
    # line 5 has no tag block: untimed, no station
    assert (one(tables, 5)["ts"], one(tables, 5)["station"]) == (None, None)
    assert stats.untimed_rows == sum(r["ts"] is None for r in rows(tables)) > 0


def test_tag_block_milliseconds_and_junk_after_the_checksum() -> None:
    # \c:1599239526500,s:sdr-experiments,T:2020-09-04 18.12.06*5D\!AIVDM,...,0*73'
    tables, stats = decode_bytes(read_corpus("gfw-ais-tools/sample.nmea"))
    row = one(tables, 1)
    assert row["ts"] == utc(2020, 9, 4, 17, 12, 6, 500000)
    assert row["station"] == "sdr-experiments"
    assert stats.lines_decoded == stats.lines_read == 3


def test_tag_block_group_later_part_carries_only_g() -> None:
    # \g:1-2-1278,s:66,c:1661782369*43\!AIVDM,2,1,3,A,...  then  \g:2-2-1278*51\!AIVDM,2,2,3,A,...
    tables, stats = decode_bytes(read_corpus("gfw-ais-tools/ee-multiline.nmea"))
    row = one(tables, 2)
    assert (row["msg_type"], row["line"], row["line_last"]) == (5, 2, 3)
    assert (row["ts"], row["station"]) == (utc(2022, 8, 29, 14, 12, 49), "66")
    assert row["shipname"] is not None
    assert stats.lines_decoded == stats.lines_read == 10


def test_two_tag_block_sentence_pairs_on_one_line_count_once() -> None:
    """Spire writes both parts of a message on one line: one line, one message, one decoded line.

    The tag blocks carry the placeholder checksum ``*00``, accepted unverified; the second
    part of line 2 carries a group ``g:2-1-1`` that cannot be (part 2 of 1) and is ignored.
    """
    tables, stats = decode_bytes(read_corpus("gfw-ais-tools/spire-test.nmea"))
    assert [(r["line"], r["line_last"], r["msg_type"]) for r in rows(tables)] == [(1, 1, 5), (2, 2, 5)]
    for r in rows(tables):
        assert (r["ts"], r["station"], r["mmsi"]) == (utc(2022, 9, 1, 17, 13, 4), "FM112", 2424139)
    assert (stats.lines_read, stats.lines_decoded, stats.lines_rejected) == (2, 2, 0)


def test_a_line_with_one_bad_sentence_of_two_is_rejected_once_but_keeps_the_good_rows() -> None:
    good, bad = nmea(TYPE1, "c:1609459200"), nmea(TYPE1_B, "c:1609459200")[:-2] + "00"
    tables, stats = decode_lines(good + bad)
    assert [r["mmsi"] for r in rows(tables)] == [one(decode_lines(good)[0], 1)["mmsi"]]
    assert tables["rejects"].to_pylist()[0]["cause"] == "checksum"
    assert (stats.lines_read, stats.lines_decoded, stats.lines_rejected) == (1, 0, 1)


def test_tag_block_c_beats_every_other_time() -> None:
    pghp = "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
    tables, _ = decode_lines(pghp, "1577836800 " + nmea(TYPE1, "c:1609459200") + ",r003669946,1325394060")
    assert one(tables, 2)["ts"] == utc(2021, 1, 1)
    assert one(tables, 2)["station"] == "r003669946"  # no s: in the tag block


# ---------------------------------------------------------------- $PGHP


def test_gatehouse_pghp_line_times_the_next_sentence() -> None:
    tables, stats = decode_bytes(read_corpus("dma-aislib/stream_example.txt"))
    assert one(tables, 2)["ts"] == utc(2010, 6, 11, 11, 46, 11, 390000)  # $PGHP,1,2010,6,11,11,46,11,390,...
    assert one(tables, 4)["ts"] == utc(2010, 6, 11, 11, 46, 12, 386000)
    assert stats.ignored["timestamp_line"] == 4051  # one $PGHP per sentence
    assert stats.untimed_rows == 0


def test_pghp_with_a_bare_tag_line_between() -> None:
    # \si:AISD*3F\  /  $PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62*26  /  !BSVDM,...
    tables, stats = decode_bytes(read_corpus("dma-aisabnormal/ais-sample.txt.gz"))
    assert one(tables, 3)["ts"] == utc(2013, 11, 12, 12, 0, 0, 11000)
    assert stats.ignored["timestamp_line"] == 53127  # both kinds of line
    assert stats.untimed_rows == 0


def test_pghp_applies_to_the_next_ais_sentence_only() -> None:
    pghp = "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
    tables, stats = decode_lines(pghp, "# a comment does not use it", "", nmea(TYPE1), nmea(TYPE1_B))
    assert one(tables, 4)["ts"] == utc(2010, 6, 11, 11, 46, 11, 390000)
    assert one(tables, 5)["ts"] is None
    assert stats.untimed_rows == 1
    assert dict(stats.ignored) == {"timestamp_line": 1, "comment": 1, "blank": 1}


def test_a_pghp_with_a_bad_checksum_or_date_gives_no_time() -> None:
    bad_checksum = "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5C"
    bad_date = nmea("PGHP,1,2010,13,11,11,46,11,390,231,45,992190934,1,2B").replace("!", "$")
    tables, stats = decode_lines(bad_checksum, nmea(TYPE1), bad_date, nmea(TYPE1_B))
    assert [r["ts"] for r in rows(tables)] == [None, None]
    assert stats.ignored["timestamp_line"] == 2


def test_bare_tag_block_line_times_and_names_the_next_sentence() -> None:
    tables, stats = decode_lines("\\" + nmea("x", "s:rx7,c:1609459200").split("\\")[1] + "\\", nmea(TYPE1))
    assert (one(tables, 2)["ts"], one(tables, 2)["station"]) == (utc(2021, 1, 1), "rx7")
    assert stats.ignored["timestamp_line"] == 1


def test_multipart_takes_time_from_the_first_part_that_has_one() -> None:
    pghp = "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
    tables, _ = decode_lines(nmea(TYPE5_1), pghp, nmea(TYPE5_2, "s:later"))
    row = one(tables, 1)
    assert (row["line"], row["line_last"]) == (1, 3)
    assert row["ts"] == utc(2010, 6, 11, 11, 46, 11, 390000)
    assert row["station"] == "later"


# ---------------------------------------------------------------- USCG trailing fields


def test_uscg_trailing_fields_time_after_the_station() -> None:
    # ...,0*28,d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001
    tables, stats = decode_bytes(read_corpus("aisdb/test_data_201201.nmea"))
    row = one(tables, 1)
    assert (row["ts"], row["station"]) == (dt.datetime.fromtimestamp(1325394060, dt.UTC), "r003669946")
    assert stats.untimed_rows == 0


def test_noaa_station_and_time() -> None:
    # !AIVDM,1,1,,A,14`qQb0000o?u?DK>Smo2E`v0404,0*1A,r003669987,1152921693
    tables, _ = decode_bytes(read_corpus("noaadata-schwehr/test.ais"))
    row = one(tables, 2)
    assert (row["ts"], row["station"]) == (dt.datetime.fromtimestamp(1152921693, dt.UTC), "r003669987")
    # multipart (lines 4-5): from the first part
    first_part = one(tables, 4)
    assert (first_part["line_last"], first_part["ts"]) == (5, dt.datetime.fromtimestamp(1152921692, dt.UTC))


def test_knapply_trailing_time_and_bare_time_lines() -> None:
    tables, stats = decode_bytes(read_corpus("knapply-maritime/20181101.log"))
    # lines 2 and 3 are just ",1541030400": timestamp lines
    assert stats.ignored["timestamp_line"] == 2
    # !ABVDM,...,0*4F,1541030311,1541030400: the first unix time (no station field)
    assert one(tables, 4)["ts"] == dt.datetime.fromtimestamp(1541030311, dt.UTC)
    assert one(tables, 4)["station"] is None


def test_station_field_without_time_and_time_without_station() -> None:
    tables, _ = decode_lines(
        nmea(TYPE1) + ",r003669946",
        nmea(TYPE1_B) + ",x123,s28320,d-098,1272412827",
        nmea(TYPE1) + ",b003669794,12345",  # a short number is not a time
    )
    got = [(r["line"], r["ts"], r["station"]) for r in rows(tables)]
    assert got == [
        (1, None, "r003669946"),
        (2, dt.datetime.fromtimestamp(1272412827, dt.UTC), None),
        (3, None, "b003669794"),
    ]


# ---------------------------------------------------------------- leading time column


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("1609459200 ", utc(2021, 1, 1)),
        ("1609459200.123,", utc(2021, 1, 1, 0, 0, 0, 123000)),
        ("1609459200123 ", utc(2021, 1, 1, 0, 0, 0, 123000)),  # milliseconds
        ("2021-01-01T00:00:00Z ", utc(2021, 1, 1)),
        ("2021-01-01 00:00:00.000;", utc(2021, 1, 1)),
        ("2021-01-01T01:00:00.5+01:00 ", utc(2021, 1, 1, 0, 0, 0, 500000)),
        ("2021-01-01T00:00:00 , ", utc(2021, 1, 1)),
    ],
    ids=["unix-space", "unix-frac-comma", "unix-ms", "iso-z", "iso-space-semicolon", "iso-offset",
         "iso-naive"],
)
def test_leading_time_column(prefix: str, expected: dt.datetime) -> None:
    tables, stats = decode_lines(prefix + nmea(TYPE1), prefix + nmea(TYPE5_1), prefix + nmea(TYPE5_2, "s:x"))
    assert [r["ts"] for r in rows(tables)] == [expected, expected]
    assert stats.lines_decoded == 3
    assert stats.untimed_rows == 0


def test_leading_time_column_before_a_tag_block() -> None:
    tables, _ = decode_lines("1609459200 " + nmea(TYPE1, "s:abc"))
    assert (one(tables, 1)["ts"], one(tables, 1)["station"]) == (utc(2021, 1, 1), "abc")


@pytest.mark.parametrize(
    "line", ["2021-13-01T00:00:00Z !AIVDM", "16094 " + nmea(TYPE1), "1609459200x" + nmea(TYPE1)]
)
def test_bad_leading_time_is_not_nmea(line: str) -> None:
    tables, _ = decode_lines(line)
    assert tables["rejects"].column("cause").to_pylist() == ["not_nmea"]


# ---------------------------------------------------------------- no time


def test_no_time_at_all_is_kept_and_counted_untimed() -> None:
    tables, stats = decode_bytes(read_corpus("dma-aislib/ais250.txt"))
    decoded = rows(tables)
    assert decoded and all(r["ts"] is None and r["station"] is None for r in decoded)
    assert stats.untimed_rows == len(decoded)


def test_plotter_extra_field_decodes_like_pyais() -> None:
    # signalk gofree: !AIVDM,1,1,1,,13aI8e?P00PGpU:NR6s00?vT2000,0,0*1C (8 fields, empty channel)
    tables, stats = decode_bytes(read_corpus("signalk-samples/gofree-merrimac.log"))
    row = one(tables, 1)
    assert (row["mmsi"], row["lat"], row["lon"], row["channel"]) == (244730036, 53.36018, 5.217555, None)
    assert stats.lines_rejected == 0
