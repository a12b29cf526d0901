"""Ingest invariants: independent of block size; re-ingest adds nothing; nothing lost."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shadowtrace.models.tables import DECODED
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.store import sql
from shadowtrace.store.store import Store

SAMPLE = Path(__file__).parents[2] / "src" / "shadowtrace" / "samples" / "sample.nmea"


def _snapshot(store: Store) -> dict[str, pa.Table]:
    out = {}
    for table in DECODED:
        t = sql.query(store, f"SELECT * EXCLUDE (date) FROM {table}")
        out[table] = t.sort_by([("line", "ascending"), ("msg_type" if table != "rejects" else "cause",
                                                       "ascending")])
    return out


def _ingest_sample(chunk_bytes: int) -> tuple[dict[str, pa.Table], int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        report = ingest(store, [str(SAMPLE)], chunk_bytes=chunk_bytes)
        total = report.total()
        assert total.balanced
        return _snapshot(store), total.lines_read


REFERENCE = None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=50_000))
def test_ingest_does_not_depend_on_block_size(chunk_bytes: int) -> None:
    global REFERENCE
    if REFERENCE is None:
        REFERENCE = _ingest_sample(8 << 20)
    tables, lines = _ingest_sample(chunk_bytes)
    assert lines == REFERENCE[1] == SAMPLE.read_bytes().count(b"\n")
    for name, table in tables.items():
        assert table.equals(REFERENCE[0][name]), name


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    first = ingest(store, [str(SAMPLE)])
    before = _snapshot(store)
    again = ingest(store, [str(SAMPLE), str(SAMPLE)])
    assert len(first.ingested) == 1
    assert len(again.ingested) == 0 and len(again.duplicates) == 2
    after = _snapshot(store)
    for name in before:
        assert after[name].equals(before[name])
