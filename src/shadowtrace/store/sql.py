"""Read-only SQL over the store, with DuckDB.

Every table is a view over the committed Parquet files only (``date`` is the
Hive partition column of the partitioned ones); ``sources`` is the catalog's list
of ingested sources.
Only queries are accepted (SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN):
nothing a user types here can change the store.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from shadowtrace.errors import InputError
from shadowtrace.models.stored import TABLES
from shadowtrace.store.store import Store

_READ_ONLY = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def connect(store: Store) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per table of the store (an empty table where it has no
    files). Its cursors see them all, so threads can share it, a cursor each."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for table, spec in TABLES.items():
        files = store.files(table)
        hive = "hive_partitioning = " + ("true, hive_types = {'date': DATE}" if spec.partition else "false")
        if files:
            listed = ", ".join(_literal(str(p)) for p in files)
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listed}], {hive})")
        else:
            empty = spec.schema.empty_table()
            if spec.partition:
                empty = empty.append_column("date", pa.array([], pa.date32()))
            _create_table(con, table, empty)
    _create_table(con, "sources", _sources_table(store))
    return con


def _create_table(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table) -> None:
    """``data`` as a table of the database (an Arrow table registered instead would be seen by this
    connection only, not by its cursors)."""
    con.register("_arrow_data", data)
    try:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _arrow_data")
    finally:
        con.unregister("_arrow_data")


def query(store: Store, sql: str) -> pa.Table:
    """Run one read-only statement and return its result."""
    con = connect(store)
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise InputError(f"SQL does not parse: {exc}") from None
    if len(statements) != 1:
        raise InputError(f"give exactly one SQL statement, got {len(statements)}")
    if statements[0].type not in _READ_ONLY:
        raise InputError(
            f"only queries are allowed here (SELECT, WITH, DESCRIBE...), not {statements[0].type.name}"
        )
    try:
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise InputError(f"SQL failed: {exc}") from None
    finally:
        con.close()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sources_table(store: Store) -> pa.Table:
    rows = [
        {
            "source_id": s.source_id,
            "sha256": s.sha256,
            "path": s.path,
            "format": s.format,
            "size_bytes": s.size_bytes,
            "ingested_at": s.ingested_at,
            "lines_read": s.stats.get("lines_read", 0),
            "lines_decoded": s.stats.get("lines_decoded", 0),
            "lines_rejected": s.stats.get("lines_rejected", 0),
            "lines_ignored": s.stats.get("lines_ignored", 0),
            "untimed_rows": s.stats.get("untimed_rows", 0),
        }
        for s in store.sources()
    ]
    schema = pa.schema(
        [
            ("source_id", pa.int32()), ("sha256", pa.string()), ("path", pa.string()),
            ("format", pa.string()), ("size_bytes", pa.int64()), ("ingested_at", pa.string()),
            ("lines_read", pa.int64()), ("lines_decoded", pa.int64()), ("lines_rejected", pa.int64()),
            ("lines_ignored", pa.int64()), ("untimed_rows", pa.int64()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)
