"""The store: atomic transactions, recovery, duplicate sources, read-only SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from shadowtrace.errors import InputError, StoreError
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.models.tables import OTHER
from shadowtrace.store import sql
from shadowtrace.store.store import Store


def _other_rows(source_id: int, days: list[str | None]) -> pa.Table:
    ts = [None if d is None else dt.datetime.fromisoformat(d + "T12:00:00+00:00") for d in days]
    n = len(days)
    return pa.table(
        {
            "source_id": [source_id] * n,
            "line": list(range(1, n + 1)),
            "line_last": list(range(1, n + 1)),
            "ts": ts,
            "station": [None] * n,
            "channel": ["A"] * n,
            "msg_type": [8] * n,
            "repeat": [0] * n,
            "mmsi": [123456789] * n,
            "payload": ["85Mwp`1Kf3aCnsNvBWLi=wQuNhA5t43N`5nCuI=p<IBfVqnMgPGs"] * n,
            "fill_bits": [0] * n,
        },
        schema=OTHER,
    )


def _commit(store: Store, sha: str, days: list[str | None]) -> int:
    with store.transaction("test") as txn:
        sid = txn.new_source_id()
        txn.write("other", sid, _other_rows(sid, days))
        txn.add_source(sid, sha, f"{sha}.nmea", 10, IngestStats(format="nmea"))
    return sid


def test_commit_partitions_by_day_and_untimed(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    _commit(store, "a" * 64, ["2021-11-01", "2021-11-02", None, "2021-11-01"])
    names = sorted(p.parent.name for p in store.files("other"))
    assert names == ["date=2021-11-01", "date=2021-11-02", "date=__HIVE_DEFAULT_PARTITION__"]
    result = sql.query(store, "SELECT date, count(*) AS n FROM other GROUP BY date ORDER BY date NULLS LAST")
    assert result.to_pylist() == [
        {"date": dt.date(2021, 11, 1), "n": 2},
        {"date": dt.date(2021, 11, 2), "n": 1},
        {"date": None, "n": 1},
    ]


def test_failed_transaction_leaves_store_unchanged(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    _commit(store, "a" * 64, ["2021-11-01"])
    before = sorted(tmp_path.rglob("*.parquet"))
    with pytest.raises(RuntimeError), store.transaction("test") as txn:
        sid = txn.new_source_id()
        txn.write("other", sid, _other_rows(sid, ["2021-11-01", "2021-11-03"]))
        raise RuntimeError("interrupted")
    assert sorted(tmp_path.rglob("*.parquet")) == before
    assert len(store.sources()) == 1
    assert sql.query(store, "SELECT count(*) AS n FROM other").to_pylist() == [{"n": 1}]


def test_unlisted_files_are_invisible_and_removed_by_next_writer(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    _commit(store, "a" * 64, ["2021-11-01"])
    stray = tmp_path / "data/tables/other/date=2021-11-01/part-999-1-1.parquet"
    stray.write_bytes(next(iter(store.files("other"))).read_bytes())
    (tmp_path / "data/staging/999").mkdir(parents=True)
    assert sql.query(store, "SELECT count(*) AS n FROM other").to_pylist() == [{"n": 1}]
    _commit(store, "b" * 64, ["2021-11-02"])
    assert not stray.exists()
    assert not (tmp_path / "data/staging/999").exists()


def test_known_source_by_sha(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    sid = _commit(store, "a" * 64, ["2021-11-01"])
    with store.transaction("test") as txn:
        assert txn.known_source("a" * 64) == sid
        assert txn.known_source("c" * 64) is None
        new = txn.new_source_id()
        txn.add_source(new, "c" * 64, "c", 1, IngestStats())
        assert txn.known_source("c" * 64) == new
        assert new == sid + 1


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    with (
        store.transaction("first"),
        pytest.raises(StoreError, match="another shadowtrace process"),
        store.transaction("second"),
    ):
        pass


def test_reading_a_missing_store_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="ingest something first"):
        Store(tmp_path / "nothing").sources()


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("CREATE TABLE x (a INT)", id="create"),
        pytest.param("COPY (SELECT 1) TO 'out.csv'", id="copy-to-file"),
        pytest.param("DROP VIEW positions", id="drop"),
        pytest.param("SELECT 1; SELECT 2", id="two-statements"),
        pytest.param("SELEC 1", id="syntax-error"),
        pytest.param("SELECT nope FROM positions", id="unknown-column"),
    ],
)
def test_sql_refuses_anything_but_one_query(tmp_path: Path, statement: str) -> None:
    store = Store(tmp_path / "data")
    _commit(store, "a" * 64, ["2021-11-01"])
    with pytest.raises(InputError):
        sql.query(store, statement)
    assert not (Path.cwd() / "out.csv").exists()


def test_sql_sees_every_table_even_when_empty(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    _commit(store, "a" * 64, ["2021-11-01"])
    for table in ("positions", "statics", "rejects", "sources"):
        assert sql.query(store, f"SELECT count(*) AS n FROM {table}").num_rows == 1
    row = sql.query(store, "SELECT source_id, sha256, format FROM sources").to_pylist()
    assert row == [{"source_id": 1, "sha256": "a" * 64, "format": "nmea"}]


def _events(n: int) -> pa.Table:
    from shadowtrace.models.events import Event, events_table

    t0 = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
    return events_table([
        Event("AIS_GAP", "gaps@1", f"mmsi:{100000000 + i}", t0 + dt.timedelta(hours=i), mmsi=100000000 + i,
              evidence=[(1, 10 + i, "last before"), (1, 20 + i, "first after")])
        for i in range(n)
    ])


def test_events_are_replaced_whole_by_each_run(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    with store.transaction("detect") as txn:
        txn.write("events", 0, _events(3))
    with store.transaction("detect") as txn:
        txn.write("events", 0, _events(2))
    rows = sql.query(store, "SELECT subject, evidence FROM events ORDER BY subject").to_pylist()
    assert [r["subject"] for r in rows] == ["mmsi:100000000", "mmsi:100000001"]
    assert rows[0]["evidence"][1] == {"source_id": 1, "line": 20, "role": "first after"}
    assert len(list((tmp_path / "data/tables/events").glob("*.parquet"))) == 1
    with pytest.raises(RuntimeError), store.transaction("detect") as txn:
        txn.write("events", 0, _events(5))
        raise RuntimeError("interrupted")
    assert sql.query(store, "SELECT count(*) AS n FROM events").to_pylist() == [{"n": 2}]
    with store.transaction("detect") as txn:
        txn.write("events", 0, _events(0))
    assert sql.query(store, "SELECT count(*) AS n FROM events").to_pylist() == [{"n": 0}]
