"""The output does not depend on how a source is cut into blocks; arbitrary bytes never crash.

The decoder keeps multipart fragments waiting for their other parts and the
time of a preceding timestamp line from one block to the next.
"""

from __future__ import annotations

import io
import os
from functools import cache
from itertools import pairwise
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.ingest.ais.nmea_testlib import AIS_DATA, decode_bytes, decode_chunks, nmea, read_corpus

from shadowtrace.ingest.lines import line_chunks
from shadowtrace.ingest.stats import IngestStats

#: real files (or their first lines) with multipart messages, every timestamp style and broken lines
SAMPLES = {
    "gfw-ais-tools/multi-part.nmea": None,
    "gfw-ais-tools/ee-multiline.nmea": None,
    "gfw-ais-tools/spire-test.nmea": None,
    "knapply-maritime/20181101.log": None,
    "pyais/mixed.txt": None,
    "pyais/nmea_data_sample.txt": 150,
    "dma-aislib/stream_example.txt": 400,
    "dma-aislib/ais250.txt": 200,
    "dma-aisabnormal/219165000_ssc_1.ais": None,
    "kystverket-aisnet/Ais1000Lines.nm4": 120,
}

SYNTHETIC = [
    nmea("AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0"),
    nmea("AIVDM,2,1,1,B,56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0"),
    "",
    "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
    nmea("AIVDM,2,2,1,A,88888888880,2"),
    "\\s:a,c:1609459200*57\\",
    nmea("AIVDM,2,2,1,B,888888888888880,2"),
    nmea("AIVDM,2,1,2,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0"),  # never completed
    "garbage",
]


#: the log shipped with the package: present even where the shared corpora are not
SHIPPED_SAMPLE = Path(__file__).resolve().parents[3] / "src" / "shadowtrace" / "samples" / "sample.nmea"


@cache
def corpus() -> bytes:
    parts = [SHIPPED_SAMPLE.read_bytes().rstrip(b"\n")]
    for rel, n in SAMPLES.items():
        if (AIS_DATA / rel).is_file():
            lines = read_corpus(rel).split(b"\n")
            parts.append(b"\n".join(lines[:n] if n else lines).rstrip(b"\n"))
    parts.append("\n".join(SYNTHETIC).encode())
    return b"\n".join(parts) + b"\n"


Decoded = tuple[dict[str, pa.Table], IngestStats]


def assert_same(a: Decoded, b: Decoded) -> None:
    for name in a[0]:
        assert a[0][name].equals(b[0][name]), name
    assert a[1] == b[1]


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(chunk_bytes=st.integers(1, 5000), window=st.sampled_from([2, 5, 200]))
def test_any_chunk_size_gives_the_same_tables_and_stats(chunk_bytes: int, window: int) -> None:
    data = corpus()
    whole = decode_bytes(data, multipart_window=window)
    assert whole[1].balanced and whole[1].lines_decoded > 1000
    assert_same(decode_chunks(line_chunks(io.BytesIO(data), chunk_bytes), window), whole)


@SETTINGS
@given(cuts=st.lists(st.integers(0, 10_000), max_size=60))
def test_any_cut_at_line_boundaries_gives_the_same_tables_and_stats(cuts: list[int]) -> None:
    data = corpus()
    lines = data.split(b"\n")[:-1]
    bounds = sorted({0, len(lines), *(c % (len(lines) + 1) for c in cuts)})
    blocks = [(b"".join(ln + b"\n" for ln in lines[lo:hi]), lo + 1) for lo, hi in pairwise(bounds)]
    assert_same(decode_chunks(blocks), decode_bytes(data))


# ---------------------------------------------------------------- fuzz

VALID = [ln.encode() for ln in SYNTHETIC if ln] + [
    nmea("AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0", "s:r1,c:1635731889").encode(),
    b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,r003669946,1325394060",
    nmea("AIVDM,1,1,,B,E>jAal2S0a7h4aV0ah1TRah36DIOcV76<4uah:1AB@P02:Eh,0").encode(),
    nmea("AIVDM,1,1,,B,B5MiOp0006g4up6:EV403wr5oP06,0").encode(),
    b"1609459200 " + nmea("AIVDM,1,1,,A,KvQ:1o`7EBrBQ`?w,0").encode(),
]


@st.composite
def mutated_line(draw: st.DrawFn) -> bytes:
    line = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        at = draw(st.integers(0, len(line)))
        if op == "flip" and at < len(line):
            line[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del line[at:]
        elif op == "insert":
            line[at:at] = draw(st.binary(max_size=8))
        elif op == "dup":
            line += line[at:]
    return bytes(line)


fuzz_input = st.one_of(
    st.binary(max_size=3000),
    st.lists(st.one_of(mutated_line(), st.binary(max_size=60), st.sampled_from(VALID)), max_size=40).map(
        lambda ls: b"\n".join(ls)
    ),
)


#: more examples for a long fuzzing run (e.g. against a sanitizer build): NMEA_FUZZ_EXAMPLES=20000
FUZZ_EXAMPLES = int(os.environ.get("NMEA_FUZZ_EXAMPLES", "300"))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=fuzz_input, chunk_bytes=st.integers(1, 400), window=st.integers(1, 10))
def test_arbitrary_bytes_never_crash_and_every_line_is_counted(
    data: bytes, chunk_bytes: int, window: int
) -> None:
    tables, stats = decode_bytes(data, multipart_window=window)
    n_lines = data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))
    assert stats.lines_read == n_lines
    assert stats.balanced, stats
    assert tables["rejects"].num_rows == stats.lines_rejected
    for name in ("positions", "statics", "other"):
        tables[name].validate(full=True)
    tables["rejects"].validate(full=True)
    assert_same(decode_chunks(line_chunks(io.BytesIO(data), chunk_bytes), window), (tables, stats))
