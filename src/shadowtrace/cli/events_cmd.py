"""``shadowtrace events``: list what the detectors found, with filters."""

from __future__ import annotations

import datetime as dt
import json

import click
import pyarrow as pa

from shadowtrace.cli.main import Context
from shadowtrace.cli.output import FORMATS, write_json, write_rows
from shadowtrace.export.events import flat_events
from shadowtrace.models.events import event_summary as summary
from shadowtrace.models.vessels import parse_vessel
from shadowtrace.store import sql as store_sql
from shadowtrace.store.event_filter import EventFilter

#: columns of the table format (csv and json carry every field: docs/events.md)
TABLE_COLUMNS = ("event_id", "kind", "severity", "start", "end", "mmsi", "imo", "vessel_name", "summary")


def vessel_filter(vessel: str) -> tuple[str, list[object]]:
    """SQL condition and parameters selecting one vessel by MMSI (9 digits) or IMO (7 digits)."""
    column, number = parse_vessel(vessel)
    return f"{column} = ?", [number]


def query_events(
    obj: Context, kinds: tuple[str, ...] = (), vessel: str | None = None, since: dt.datetime | None = None
) -> pa.Table:
    """The stored events of a selection (:class:`EventFilter`), in time order."""
    where, params = EventFilter(kinds=kinds, vessels=(vessel,) if vessel else (), since=since).sql()
    con = store_sql.connect(obj.store)
    try:
        sql = f"SELECT * FROM events WHERE {where} ORDER BY start, kind, subject"
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()


@click.command()
@click.option("--kind", "kinds", multiple=True, help="Only this kind (repeatable), e.g. DESTINATION_MISMATCH.")
@click.option("--vessel", help="Only this vessel: MMSI (9 digits) or IMO (7 digits; with every MMSI that broadcast "
              "it), meetings where it is the other party included.")
@click.option("--since", type=click.DateTime(), help="Only events ending at or after this time (UTC).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def events(obj: Context, kinds: tuple[str, ...], vessel: str | None, since: dt.datetime | None, fmt: str) -> None:
    """List events found by `shadowtrace detect` (fields: docs/events.md)."""
    write_events(query_events(obj, kinds, vessel, since), fmt)


def write_events(table: pa.Table, fmt: str) -> None:
    """Events in a format: a readable table, flat CSV, or JSON with nested details and evidence."""
    rows = table.to_pylist()
    for row in rows:
        row["details"] = json.loads(row["details"] or "{}")
    if fmt == "json":
        write_json(rows)
        return
    if fmt == "table":
        flat = {c: [r.get(c) for r in rows] for c in TABLE_COLUMNS if c != "summary"}
        flat["summary"] = [summary(r["kind"], r["details"]) for r in rows]
        write_rows(pa.table({c: flat[c] for c in TABLE_COLUMNS}), "table")
        return
    write_rows(flat_events(table), "csv")
