"""Every sentence of every real NMEA corpus, decoded by shadowtrace and by pyais, field by field.

pyais (a test-only dependency) is the reference. Its values go through the
normalisations of ``NORMALISED`` first (our deliberate choices: nulls for the
"not available" sentinels of ITU-R M.1371 and so on); every remaining
difference must be listed in ``KNOWN`` with the reason, and every entry of
``KNOWN`` must still occur.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pytest
from tests.ingest.ais.nmea_testlib import AIS_DATA, decode_bytes, read_corpus

pyais_stream = pytest.importorskip("pyais.stream", reason="pyais (test dependency) is not installed")
pyais_constants = pytest.importorskip("pyais.constants")

EXTENSIONS = (".nmea", ".nm4", ".ais", ".aivdm", ".log", ".txt", ".raw", ".txt.gz")
#: files with an NMEA extension that are not NMEA logs
NOT_NMEA = {
    "noaadata-schwehr/ais_gps_ntp_log.txt": "prose (an article on logging AIS with NTP time), not a log",
    "dma-aislib/LICENSE.txt": "licence text",
}


def corpus_files() -> list[str]:
    if not AIS_DATA.is_dir():
        return []
    return sorted(
        rel
        for p in AIS_DATA.rglob("*")
        if p.is_file()
        and p.name.endswith(EXTENSIONS)
        and (rel := p.relative_to(AIS_DATA).as_posix()) not in NOT_NMEA
    )


FILES = corpus_files() or [pytest.param("", marks=pytest.mark.skip(reason=f"{AIS_DATA} is absent"))]

# ---------------------------------------------------------------- pyais side

POSITION_TYPES = {1, 2, 3, 4, 9, 11, 18, 19, 21, 27}
STATIC_TYPES = {5, 19, 21, 24}

#: what we do differently from pyais on purpose, applied to pyais's values before comparing
NORMALISED = {
    "lat 91, lon 181 (types 27: in 1/10 minute)": "not available -> null",
    "sog 102.3 kn (type 9: 1023 kn, type 27: 63 kn), cog 360 (type 27: 511), heading 511":
        "not available -> null",
    "turn -128 (pyais TurnRate.NO_TI_DEFAULT)": "no turn information -> null",
    "alt 4095 (type 9), imo 0, draught 0, ETA month 0 / day 0 / hour 24 / minute 60":
        "not available -> null",
    "text fields": "cut at the first '@' (ITU-R M.1371: '@' ends the text), spaces trimmed, empty -> null; "
                   "pyais only strips trailing '@' and spaces",
    "type 21 shipname": "name followed by the name extension (pyais: name, name_ext)",
    "type 4/11 reported_utc": "the station's year..second as a timestamp when all are valid, else null",
    "fill_bits": "compared with the fill-bit field of the last fragment as written in the line; pyais's "
                 "attribute is the first fragment's, and 0 when USCG fields follow the checksum",
    "a field cut by the end of a short payload": "null; pyais returns the bits that are there",
    "enum codes (ship_type, epfd)": "the code transmitted; pyais maps a code its enum lacks onto a "
                                    "fallback member (ship type 57 -> 56, 9 -> 0; epfd 14 -> 0): "
                                    "checked to be exactly that fallback",
}


def _na(v: Any, sentinel: Any) -> Any:
    return None if v is None or v == sentinel else v


def _text(v: str | None) -> str | None:
    return (v or "").split("@")[0].strip() or None


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


def expected_rows(mt: int, d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """pyais's decoded message as our positions / statics values, normalised."""
    g = d.get
    out: dict[str, dict[str, Any]] = {}
    if mt in POSITION_TYPES:
        p: dict[str, Any] = {"lat": _na(g("lat"), 91.0), "lon": _na(g("lon"), 181.0)}
        if mt in (1, 2, 3, 18, 19):
            p.update(sog_kn=_na(g("speed"), 102.3), cog_deg=_na(g("course"), 360.0),
                     heading_deg=_na(g("heading"), 511))
        if mt == 9:
            p.update(sog_kn=_na(g("speed"), 1023), cog_deg=_na(g("course"), 360.0), alt_m=_na(g("alt"), 4095))
        if mt == 27:
            p.update(sog_kn=_na(g("speed"), 63), cog_deg=_na(g("course"), 511), gnss=g("gnss"))
        if mt in (1, 2, 3, 27):
            p["nav_status"] = _int(g("status"))
        if mt in (1, 2, 3):
            turn = g("turn")
            p.update(turn=None if turn is None or turn == -128 else float(turn), maneuver=_int(g("maneuver")))
        p.update(accuracy=g("accuracy"), raim=g("raim"))
        if mt not in (4, 11, 27):
            p["utc_second"] = g("second")
        if mt in (1, 2, 3, 4, 9, 11, 18):
            p["radio"] = g("radio")
        if mt in (4, 11, 19, 21):
            p["epfd"] = _int(g("epfd"))
        if mt in (4, 11):
            p["reported_utc"] = _utc(*(g(k) for k in ("year", "month", "day", "hour", "minute", "second")))
        if mt == 18:
            p.update(cs_unit=g("cs"), display=g("display"), dsc=g("dsc"), band=g("band"), msg22=g("msg22"))
        if mt in (9, 18, 19, 21):
            p["assigned"] = g("assigned")
        out["positions"] = p
    if mt in STATIC_TYPES:
        s: dict[str, Any] = {}
        part = g("partno")
        if mt == 24:
            s["part_num"] = part
        if mt == 5:
            s.update(ais_version=g("ais_version"), imo=_na(g("imo"), 0), callsign=_text(g("callsign")),
                     eta_month=_na(g("month"), 0), eta_day=_na(g("day"), 0), eta_hour=_na(g("hour"), 24),
                     eta_minute=_na(g("minute"), 60), draught_m=_na(g("draught"), 0.0),
                     destination=_text(g("destination")), dte=g("dte"))
        if mt == 21:
            s.update(shipname=_text((g("name") or "") + (g("name_ext") or "")), aid_type=_int(g("aid_type")),
                     off_position=g("off_position"), virtual_aid=g("virtual_aid"))
        elif mt in (5, 19) or part == 0:
            s["shipname"] = _text(g("shipname"))
        if mt in (5, 19) or part == 1:
            s["ship_type"] = _int(g("ship_type"))
        if mt in (5, 19, 21) or (part == 1 and "to_bow" in d):
            s.update({f"{k}_m": g(k) for k in ("to_bow", "to_stern", "to_port", "to_starboard")})
        if mt in (5, 19, 21):
            s["epfd"] = _int(g("epfd"))
        if mt == 19:
            s["dte"] = g("dte")
        if part == 1:
            s.update(vendor_id=_text(g("vendorid")), model=g("model"), serial=g("serial"),
                     callsign=_text(g("callsign")))
            if "mothership_mmsi" in d:
                s["mothership_mmsi"] = g("mothership_mmsi")
        out["statics"] = s
    return out


def _utc(*fields: Any) -> dt.datetime | None:
    try:
        return dt.datetime(*fields, tzinfo=dt.UTC) if fields[5] < 60 else None
    except (TypeError, ValueError):
        return None


LAST_FILL = re.compile(rb",([0-9]?)\*[0-9A-Fa-f]{2}")


@dataclass
class PyaisMessage:
    line_last: int  # the line that completed the message
    msg_type: int | None
    mmsi: int | None
    fields: dict[str, Any] | None  # None: pyais raised on decoding
    error: str
    payload: str
    fill_bits: int  # of the last fragment, read from the line


def pyais_messages(data: bytes) -> Iterator[PyaisMessage]:
    lines = data.split(b"\n")
    current = 0

    def numbered() -> Iterator[bytes]:
        nonlocal current
        for current, line in enumerate(lines, 1):  # noqa: B007 - read by the consumer
            yield line

    for msg in pyais_stream.IterMessages(numbered()):
        last = msg.raw.split(b"\n")[-1]
        fills = LAST_FILL.findall(last)
        fill = int(fills[0] or 0) if fills else 0
        try:
            fields: dict[str, Any] | None = msg.decode().asdict()
            error = ""
        except Exception as exc:  # pyais's own failures are part of the comparison
            fields, error = None, type(exc).__name__
        yield PyaisMessage(
            current,
            None if fields is None else fields["msg_type"],
            None if fields is None else fields["mmsi"],
            fields,
            error,
            msg.payload.decode(),
            fill,
        )


# ---------------------------------------------------------------- comparison


#: fields pyais turns into enums: a code its enum lacks becomes the enum's fallback member
ENUMS = {"ship_type": pyais_constants.ShipType, "epfd": pyais_constants.EpfdType}


def _same(ours: Any, theirs: Any, key: str) -> bool:
    enum = ENUMS.get(key)
    if enum is not None and ours is not None and ours not in enum._value2member_map_:
        return theirs == int(enum(ours))  # pyais's fallback for a code it does not know
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(ours, float) or isinstance(theirs, float):
        return abs(float(ours) - float(theirs)) <= (1e-9 if key in ("lat", "lon") else 1e-4)
    return bool(ours == theirs)


Diff = tuple[int, str]  # (line of the message's last sentence, what differs)


def differences(data: bytes, tables: dict[str, pa.Table]) -> dict[Diff, tuple[Any, Any]]:
    """Every difference left after normalisation: {(line_last, field or kind): (ours, pyais)}."""
    index: dict[tuple[int, int, int], dict[str, dict[str, Any]]] = defaultdict(dict)
    for name in ("positions", "statics", "other"):
        for row in tables[name].to_pylist():
            index[(row["line_last"], row["msg_type"], row["mmsi"])][name] = row
    seen = set()
    diffs: dict[Diff, tuple[Any, Any]] = {}
    for m in pyais_messages(data):
        if m.fields is None:
            diffs[(m.line_last, "pyais_error")] = (None, m.error)
            continue
        assert m.msg_type is not None and m.mmsi is not None
        key = (m.line_last, m.msg_type, m.mmsi)
        rows = index.get(key)
        if rows is None:
            diffs[(m.line_last, "only_pyais")] = (None, m.msg_type)
            continue
        seen.add(key)
        if m.fields["repeat"] != next(iter(rows.values()))["repeat"]:
            diffs[(m.line_last, "repeat")] = (next(iter(rows.values()))["repeat"], m.fields["repeat"])
        want = {} if m.msg_type == 24 and m.fields.get("partno") not in (0, 1) else expected_rows(
            m.msg_type, m.fields)
        if not want:  # kept whole in "other"
            other = rows.get("other")
            if other is None:
                diffs[(m.line_last, "not_in_other")] = (sorted(rows), None)
                continue
            for k, theirs in (("payload", m.payload), ("fill_bits", m.fill_bits)):
                if other[k] != theirs:
                    diffs[(m.line_last, k)] = (other[k], theirs)
        for name, values in want.items():
            row = rows.get(name)
            if row is None:
                diffs[(m.line_last, f"no_{name}_row")] = (None, None)
                continue
            for k, theirs in values.items():
                if not _same(row[k], theirs, k):
                    diffs[(m.line_last, k)] = (row[k], theirs)
    for key in index.keys() - seen:
        diffs[(key[0], "only_ours")] = (key[1], None)
    return diffs


# ---------------------------------------------------------------- the known differences


@dataclass(frozen=True)
class Known:
    file: str
    what: str  # a field, or: only_ours / only_pyais (with our reject cause) / pyais_error
    lines: frozenset[int] | str  # line numbers, or a regex the line must match
    why: str
    cause: str = ""  # only_pyais / pyais_error: the cause we reject the line with


def L(*lines: int) -> frozenset[int]:
    return frozenset(lines)


CUT = "a field cut short by the end of the payload is null; pyais returns the bits that are there"
TWO_ON_ONE_LINE = ("two sentences on one line; pyais reads only the first, so the message never completes "
                   "for it; we reassemble them")

KNOWN = [
    Known("aisdb/test_data_20211101.nm4", "shipname", L(237),
          "type 21 name 'CHANNEL PORT VIRTUAL' + extension ' NO.4': pyais strips the name before appending"),
    Known("dma-aislib/ais250.txt", "only_ours", r"\\r\\n!",
          "part 1 and part 2 of a type 5 on one line, joined by a literal '\\r\\n'; " + TWO_ON_ONE_LINE),
    Known("gfw-ais-tools/single-message-type-5.nmea", "only_pyais", L(1),
          "the NMEA checksum *60 is wrong (pyais does not verify it)", "checksum"),
    Known("gfw-ais-tools/spire-test.nmea", "only_ours", L(1, 2), TWO_ON_ONE_LINE),
    Known("gpsd/ais-nmea-type6-fid55.log", "shipname", L(377),
          "type 21 name 'AHAAHA ROCKS NORTH@@' is not full, so the extension '>S+>NG' is not part of it "
          "(ITU-R M.1371-5 Table 74); pyais appends it"),
    Known("gpsd/sample.aivdm", "radio", L(1098), CUT),
    Known("knapply-maritime/20181101.log", "only_pyais", L(1),
          "the NMEA checksum *23 is wrong (pyais does not verify it)", "checksum"),
    Known("knapply-maritime/20181101.log", "only_pyais", r"^!AIVDM,1,1,,.,(GHv=2H|K[^,]{1,15}),",
          "type 23 / 27 shorter than the message needs (33 bits; 27: 48-90 of 96 bits)", "payload_too_short"),
    Known("kystverket-aisnet/Ais1000Lines.nm4", "only_pyais", r"^\\g:",
          "a g: group was added to these tag blocks without updating their checksum (*53 is that of "
          "'c:1565218798' alone); pyais does not verify tag-block checksums", "bad_tag_block"),
    Known("libais/test.aivdm", "only_pyais", r"^!AIVDM,1,1,,.,(GHv=2H|K[^,]{1,15}),",
          "type 23 / 27 shorter than the message needs (33 bits; 27: 48-90 of 96 bits)", "payload_too_short"),
    Known("pyais/mixed.txt", "only_pyais", r"\*A\\",
          "tag block with a one-digit, wrong checksum '*A'; pyais does not verify tag-block checksums",
          "bad_tag_block"),
    Known("pyais/nmea_data_sample.txt", "pyais_error", r"^!AIVDM,1,1,,[AB],,0\*2[56]$",
          "empty payload: pyais raises MissingPayloadException", "payload_too_short"),
    Known("pyais/sample.ais", "only_pyais", r"\*(A|5A)\\",
          "tag block with a wrong checksum ('*A', or '*5A' for 's:blah,c:1747818025'); pyais does not "
          "verify tag-block checksums", "bad_tag_block"),
]


def _matches(known: Known, line: int, raw: bytes) -> bool:
    if isinstance(known.lines, frozenset):
        return line in known.lines
    return re.search(known.lines, raw.decode("latin-1")) is not None


@pytest.mark.parametrize("rel", FILES)
def test_every_field_matches_pyais_or_is_a_known_difference(rel: str) -> None:
    data = read_corpus(rel)
    tables, _ = decode_bytes(data)
    lines = [line.rstrip(b"\r") for line in data.split(b"\n")]
    diffs = differences(data, tables)
    rejects = {r["line"]: r["cause"] for r in tables["rejects"].to_pylist()}
    known = [k for k in KNOWN if k.file == rel]
    used: Counter[Known] = Counter()
    unexplained = []
    for (line, what), values in sorted(diffs.items()):
        match = next((k for k in known if k.what == what and _matches(k, line, lines[line - 1])), None)
        if match is None:
            unexplained.append((line, what, *values, lines[line - 1][:100]))
            continue
        used[match] += 1
        if match.cause:
            assert rejects.get(line) == match.cause, (line, match.why)
    listing = "\n".join(map(str, unexplained))
    assert not unexplained, f"{rel}: differences with pyais not in KNOWN:\n{listing}"
    stale = [k for k in known if not used[k]]
    assert not stale, f"{rel}: KNOWN entries that no longer occur: {stale}"


def test_known_differences_name_real_files() -> None:
    if not AIS_DATA.is_dir():
        pytest.skip(f"{AIS_DATA} is absent")
    assert {k.file for k in KNOWN} <= set(corpus_files())


@pytest.mark.parametrize("rel", FILES)
def test_every_line_is_accounted_for(rel: str) -> None:
    data = read_corpus(rel)
    tables, stats = decode_bytes(data)
    n_lines = data.count(b"\n") + (not data.endswith(b"\n"))
    assert stats.format == "nmea"
    assert stats.lines_read == n_lines
    assert stats.balanced, stats
    rejects = tables["rejects"]
    assert rejects.num_rows == stats.lines_rejected
    assert Counter(rejects.column("cause").to_pylist()) == stats.rejects_by_cause
    assert len(set(rejects.column("line").to_pylist())) == rejects.num_rows  # one row per line
    rows = Counter[int]()
    untimed = 0
    for name in ("positions", "statics", "other"):
        rows.update(tables[name].column("msg_type").to_pylist())
        untimed += tables[name].column("ts").null_count
    assert rows == stats.rows_by_type
    assert untimed == stats.untimed_rows


def causes_by_line(rel: str) -> dict[int, str]:
    tables, _ = decode_bytes(read_corpus(rel))
    return {r["line"]: r["cause"] for r in tables["rejects"].to_pylist()}


def test_broken_lines_of_the_pyais_sample_are_rejected_with_their_cause() -> None:
    data = read_corpus("pyais/nmea_data_sample.txt")
    lines = data.decode().splitlines()
    causes = causes_by_line("pyais/nmea_data_sample.txt")
    empty = {i for i, line in enumerate(lines, 1) if re.fullmatch(r"!AIVDM,1,1,,[AB],,0\*2[56]", line)}
    # the first parts of multipart messages whose second part is not in the file
    lone_first_parts = {i for i, line in enumerate(lines, 1) if line.startswith("!AIVDM,2,1,")}
    assert len(empty) == 100 and len(lone_first_parts) == 20
    assert causes == {i: "payload_too_short" for i in empty} | {
        i: "multipart_incomplete" for i in lone_first_parts
    }


def test_broken_lines_of_the_gpsd_sample_are_rejected_with_their_cause() -> None:
    causes = causes_by_line("gpsd/sample.aivdm")
    # "That fragment misses part 1, yields nothing": it also lacks its leading '!'
    assert causes == {978: "not_nmea"}
    tables, stats = decode_bytes(read_corpus("gpsd/sample.aivdm"))
    # comment lines with tabs are comments, not binary garbage
    assert stats.ignored["comment"] == 1001
    # the two type 24 "collision" cases are independent A / B parts for us: all kept
    assert 24 in tables["statics"].column("msg_type").to_pylist()


def test_normalisations_are_documented() -> None:
    assert all(NORMALISED.values())
    assert all(k.why for k in KNOWN)
