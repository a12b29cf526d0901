"""Bad input, one case per reject cause and ignore rule: counted, kept, never a crash.

Each case's lines sit between two good sentences of the same block, which must
still be decoded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from tests.ingest.ais.nmea_testlib import decode_bytes, nmea, xor

from shadowtrace.ingest.ais import _nmea
from shadowtrace.ingest.stats import IGNORE_RULES, REJECT_CAUSES
from shadowtrace.models.tables import MAX_REJECT_RAW_BYTES

TYPE1 = "AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0"
TYPE1_B = "AIVDM,1,1,,B,133sVfPP00PD>hRMDH@jNOvN20S8,0"
GOOD_FIRST = nmea("AIVDM,1,1,,A,14eGrSPP00ncMJTO5C6aBwvP2D0?,0").encode()
GOOD_LAST = nmea("AIVDM,1,1,,A,15MrVH0000KH<:V:NtBLoqFP2H9:,0").encode()
P1 = "AIVDM,2,1,{seq},{ch},55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0"
P2 = "AIVDM,2,2,{seq},{ch},88888888880,2"
Q1 = "AIVDM,2,1,{seq},{ch},56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0"
Q2 = "AIVDM,2,2,{seq},{ch},888888888888880,2"


def part(template: str, seq: int = 1, ch: str = "A", tag: str | None = None) -> bytes:
    return nmea(template.format(seq=seq, ch=ch), tag).encode()


def corrupt_checksum(line: bytes) -> bytes:
    return line[:-2] + (b"00" if line[-2:] != b"00" else b"01")


@dataclass
class Case:
    id: str
    lines: list[bytes]
    #: per line of ``lines``: "ok" (decoded), a reject cause, or "ignored:<rule>"
    outcome: list[str]
    window: int = 200

    def __post_init__(self) -> None:
        assert len(self.lines) == len(self.outcome), self.id


CASES = [
    # --- reject causes
    Case("bad-checksum", [corrupt_checksum(nmea(TYPE1).encode())], ["checksum"]),
    Case("lowercase-checksum-is-fine", [nmea(TYPE1_B).encode()[:-2] + nmea(TYPE1_B).encode()[-2:].lower()],
         ["ok"]),
    Case("checksum-not-hex", [nmea(TYPE1).encode()[:-2] + b"G1"], ["checksum"]),
    Case("truncated-mid-payload", [b"!AIVDM,1,1,,A,13HOI:0P0000VOHLC"], ["truncated"]),
    Case("truncated-one-hex-digit", [nmea(TYPE1).encode()[:-1]], ["truncated"]),
    Case("truncated-address-only", [b"!AIVDM"], ["truncated"]),
    Case("truncated-missing-fill-field", [nmea("AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip").encode()],
         ["truncated"]),
    Case("malformed-fill-bits", [nmea(TYPE1[:-1] + "7").encode()], ["malformed"]),
    Case("malformed-fragment-count-0", [nmea(TYPE1.replace("1,1,,A", "0,1,,A")).encode()], ["malformed"]),
    Case("malformed-fragment-number", [nmea(TYPE1.replace("1,1,,A", "2,3,,A")).encode()], ["malformed"]),
    Case("malformed-sequence-id", [nmea(TYPE1.replace("1,1,,A", "1,1,x,A")).encode()], ["malformed"]),
    Case("malformed-channel", [nmea(TYPE1.replace(",A,", ",CHANNEL,")).encode()], ["malformed"]),
    Case("unknown-talker", [nmea(TYPE1.replace("AIVDM", "ZZVDM")).encode(),
                            nmea(TYPE1.replace("AIVDM", "C1VDM")).encode()], ["unknown_talker"] * 2),
    Case("other-ais-talkers-are-fine", [nmea(TYPE1.replace("AIVDM", t)).encode()
                                        for t in ("BSVDM", "ABVDM", "SAVDO", "AIVDO")], ["ok"] * 4),
    Case("national-feed-talkers-are-fine", [nmea(TYPE1.replace("AIVDM", t)).encode()
                                            for t in ("BYVDM", "SSVDM", "--VDM", "B1VDM", "B2VDO")],
         ["ok"] * 5),
    Case("oversize", [nmea(TYPE1).encode() + b"," + b"9" * 1100, b"!" * 1_000_000], ["oversize"] * 2),
    Case("binary-garbage", [bytes(b for b in range(256) if b != ord("\n")), b"\x89PNG\r\x1a\x00\x00\rIHDR"],
         ["non_ascii"] * 2),
    Case("nul-bytes", [b"\x00" * 50, nmea(TYPE1).encode().replace(b",A,", b",\x00,")], ["non_ascii"] * 2),
    Case("invalid-utf8", [b"!AIVDM,1,1,,A,\xff\xfe,0*00", "Ünïcödé".encode()], ["non_ascii"] * 2),
    Case("tab-in-sentence", [nmea(TYPE1).encode().replace(b",A,", b",\tA,")], ["non_ascii"]),
    Case("not-nmea", [b"IamNotAnAisMessage1111", b"foobar", b"AIVDM,2,2,1,B,00000000000,2*26", b"$", b"!"],
         ["not_nmea"] * 5),
    Case("bad-armour-character", [nmea(TYPE1.replace("05Ip", "05I~")).encode(),
                                  nmea(TYPE1.replace("05Ip", "05IX")).encode()], ["bad_payload"] * 2),
    Case("payload-too-short", [b"!AIVDM,1,1,,B,,0*25", nmea("AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQ,0").encode(),
                               nmea("AIVDM,1,1,,A,13HOI:,0").encode()], ["payload_too_short"] * 3),
    Case("bad-tag-block", [
        b"\\c:1609459200*00\\" + nmea(TYPE1).encode(),  # *00 is accepted as a placeholder
        f"\\c:1609459200*{xor('c:1609459200') ^ 1:02X}\\{nmea(TYPE1)}".encode(),  # wrong checksum
        b"\\c:1609459200*" + nmea(TYPE1).encode(),  # no closing backslash
        nmea(TYPE1, "c:1609459200").encode().replace(b"*", b"", 1),  # no checksum
        nmea(TYPE1, "c:16094x9200").encode(),  # the time is not a number
        nmea(TYPE1, "g:1-2").encode(),  # a group needs three numbers
    ], ["ok", "bad_tag_block", "bad_tag_block", "bad_tag_block", "bad_tag_block", "bad_tag_block"]),
    Case("orphan-part-2", [part(P2)], ["multipart_orphan"]),
    Case("part-2-twice", [part(P1), part(P2), part(P2)], ["ok", "ok", "multipart_orphan"]),
    Case("part-1-never-completed", [part(P1)], ["multipart_incomplete"]),
    Case("part-1-repeated-the-older-is-incomplete", [part(P1), part(Q1), part(Q2)],
         ["multipart_incomplete", "ok", "ok"]),
    Case("interleaved-channels-and-sequence-ids", [
        part(P1, 1, "A"), part(Q1, 1, "B"), part(P1, 2, "A"), nmea(TYPE1_B).encode(), part(Q2, 1, "B"),
        part(P2, 1, "A"), part(P2, 2, "A"),
    ], ["ok"] * 7),
    Case("interleaved-groups", [
        part(P1, 1, "A", "g:1-2-100"), part(Q1, 1, "A", "g:1-2-200"),
        part(Q2, 1, "A", "g:2-2-200"), part(P2, 1, "A", "g:2-2-100"),
    ], ["ok"] * 4),
    Case("three-parts", [nmea("AIVDM,3,1,5,B,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222,0").encode(),
                         nmea("AIVDM,3,2,5,B,216L961O5Gf0NSQEp6ClRp8,0").encode(),
                         nmea("AIVDM,3,3,5,B,88888888880,2").encode()], ["ok"] * 3),
    Case("parts-further-apart-than-the-window", [part(P1), b"", b"", b"", part(P2)],
         ["multipart_incomplete", *["ignored:blank"] * 3, "multipart_orphan"], window=3),
    Case("parts-within-the-window", [part(P1), b"", b"", part(P2)],
         ["ok", "ignored:blank", "ignored:blank", "ok"], window=3),
    Case("bad-part-2-leaves-part-1-incomplete", [part(P1), corrupt_checksum(part(P2))],
         ["multipart_incomplete", "checksum"]),
    # --- ignore rules
    Case("blank", [b"", b"   ", b"\r"], ["ignored:blank"] * 3),
    Case("comment", [b"# a comment", b"#\twith a tab \xff"], ["ignored:comment"] * 2),
    Case("timestamp-lines", [b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
                             f"\\s:a,c:1609459200*{xor('s:a,c:1609459200'):02X}\\".encode(), b",1541030400",
                             b"1609459200"], ["ignored:timestamp_line"] * 4),
    Case("non-ais-nmea", [b"$GPRMC,195719,A,5310.8115,N,00525.7025,E,0.0,0.0,160414,0.7,E,A*10",
                          b"$PSTT,10A,0*00", nmea("AIABK,315590000,A,15,,3").encode(),
                          b"$GPGGA,bad checksum is fine*00", b"\\s:x*00\\$GPZDA,195719,16,04,14,-02,00*63"],
         ["ignored:non_ais_nmea"] * 5),
]


def _block(case: Case) -> bytes:
    return b"\n".join([GOOD_FIRST, *case.lines, GOOD_LAST]) + b"\n"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_counted_and_good_lines_still_land(case: Case) -> None:
    tables, stats = decode_bytes(_block(case), multipart_window=case.window)
    want_rejects = {i: o for i, o in enumerate(case.outcome, 2) if o != "ok" and not o.startswith("ignored:")}
    got = {r["line"]: r["cause"] for r in tables["rejects"].to_pylist()}
    assert got == want_rejects
    assert stats.ignored == Counter(o.split(":")[1] for o in case.outcome if o.startswith("ignored:"))
    assert stats.lines_decoded == 2 + case.outcome.count("ok")
    assert stats.lines_read == len(case.lines) + 2
    assert stats.balanced
    lines = {r["line"] for name in ("positions", "statics", "other") for r in tables[name].to_pylist()}
    assert {1, len(case.lines) + 2} <= lines  # the good neighbours
    for raw in tables["rejects"].column("raw").to_pylist():
        assert 0 < len(raw) <= MAX_REJECT_RAW_BYTES


def test_every_cause_and_rule_has_a_case_and_is_declared() -> None:
    causes = {o for c in CASES for o in c.outcome if o != "ok" and not o.startswith("ignored:")}
    rules = {o.split(":")[1] for c in CASES for o in c.outcome if o.startswith("ignored:")}
    assert causes == set(_nmea.REJECT_CAUSES) <= set(REJECT_CAUSES)
    assert rules == set(_nmea.IGNORE_RULES) <= set(IGNORE_RULES)


def test_reassembled_messages_are_whole() -> None:
    case = next(c for c in CASES if c.id == "interleaved-channels-and-sequence-ids")
    tables, _ = decode_bytes(_block(case))
    statics = sorted((r["line"], r["line_last"], r["channel"]) for r in tables["statics"].to_pylist())
    assert statics == [(2, 7, "A"), (3, 6, "B"), (4, 8, "A")]
    assert all(r["shipname"] for r in tables["statics"].to_pylist())


def test_reject_raw_is_the_line_capped() -> None:
    huge = b"!" * 5000
    tables, _ = decode_bytes(b"garbage line\r\n" + huge + b"\n")
    raws = tables["rejects"].column("raw").to_pylist()
    assert raws == [b"garbage line", huge[:MAX_REJECT_RAW_BYTES]]


def test_last_line_without_newline_is_read() -> None:
    tables, stats = decode_bytes(GOOD_FIRST + b"\n" + GOOD_LAST)
    assert stats.lines_read == stats.lines_decoded == 2
    assert tables["positions"].num_rows == 2


def test_decoder_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="multipart_window"):
        _nmea.Decoder(1, multipart_window=0)
    with pytest.raises(ValueError, match="max_line_bytes"):
        _nmea.Decoder(1, max_line_bytes=1)
    with pytest.raises(ValueError, match="source_id"):
        _nmea.Decoder(1 << 40)
    with pytest.raises(TypeError):
        _nmea.Decoder(1).feed("not bytes", 1)  # type: ignore[arg-type]


def test_max_line_bytes_is_the_limit() -> None:
    line = nmea(TYPE1).encode() + b"," + b"9" * 100
    small = _nmea.Decoder(1, max_line_bytes=len(line) - 1)
    assert small.feed(line + b"\n", 1)["stats"]["rejects_by_cause"] == {"oversize": 1}
    exact = _nmea.Decoder(1, max_line_bytes=len(line))
    assert exact.feed(line + b"\r\n", 1)["stats"]["lines_decoded"] == 1


@pytest.mark.parametrize(
    ("payload", "fill", "msg_type"),
    [
        ("H42O55pti4hhhilD3nink000?050", 0, 24),  # type 24 with the undefined part number 2
        ("L42O55lti4hhhilD3nink000?050", 0, 28),
        ("042O55lti4hhhilD3nink000?050", 0, 0),
        ("w42O55lti4hh", 2, 63),
    ],
    ids=["type-24-part-2", "type-28", "type-0", "type-63"],
)
def test_undefined_messages_are_kept_whole_in_other(payload: str, fill: int, msg_type: int) -> None:
    tables, stats = decode_bytes(nmea(f"AIVDM,1,1,,B,{payload},{fill}").encode())
    (row,) = tables["other"].to_pylist()
    got = (row["msg_type"], row["payload"], row["fill_bits"], row["channel"])
    assert got == (msg_type, payload, fill, "B")
    assert row["mmsi"] > 0
    assert stats.lines_decoded == 1 and stats.rows_by_type == {msg_type: 1}
