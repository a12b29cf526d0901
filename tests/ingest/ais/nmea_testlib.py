"""Helpers of the NMEA decoder tests: the real corpora, a one-call decoder, sentence builders.

Imported by the test modules next to it as ``tests.ingest.ais.nmea_testlib``.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import reduce
from pathlib import Path

import pyarrow as pa
import pytest

from shadowtrace.ingest.ais.nmea import decode_nmea
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.models.tables import DECODED

#: the shared real NMEA corpora (read-only, never copied into the repository)
AIS_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "ais"

Decoded = tuple[dict[str, pa.Table], IngestStats]


def read_corpus(rel: str) -> bytes:
    """The bytes of a corpus file (gunzipped), or skip when the corpora are absent."""
    path = AIS_DATA / rel
    if not path.is_file():
        pytest.skip(f"NMEA corpus file {path} is absent (the shared data folder is not mounted here)")
    data = path.read_bytes()
    return gzip.decompress(data) if rel.endswith(".gz") else data


def decode_chunks(chunks: Iterable[tuple[bytes, int]], multipart_window: int = 200) -> Decoded:
    """All the tables of one source, concatenated in order, and its stats."""
    stats = IngestStats()
    parts: dict[str, list[pa.Table]] = {name: [] for name in DECODED}
    for tables in decode_nmea(chunks, 7, stats, multipart_window=multipart_window):
        for name, table in tables.items():
            assert table.schema == DECODED[name], name
            assert table.num_rows > 0, name
            parts[name].append(table)
    out = {name: pa.concat_tables(ts) if ts else DECODED[name].empty_table() for name, ts in parts.items()}
    return out, stats


def decode_bytes(data: bytes, multipart_window: int = 200) -> Decoded:
    return decode_chunks([(data, 1)], multipart_window)


def nmea(body: str, tag: str | None = None) -> str:
    """``!body*hh`` with its checksum, optionally behind a ``\\tag*hh\\`` tag block."""
    line = f"!{body}*{xor(body):02X}"
    if tag is not None:
        line = f"\\{tag}*{xor(tag):02X}\\" + line
    return line


def xor(text: str) -> int:
    return reduce(lambda a, c: a ^ ord(c), text, 0)
