"""``shadowtrace vessel MMSI|IMO``: everything the store knows about one vessel."""

from __future__ import annotations

import json

import click
import pyarrow as pa

from shadowtrace.cli.events_cmd import vessel_filter, write_events
from shadowtrace.cli.main import Context
from shadowtrace.cli.output import write_json, write_rows
from shadowtrace.models.stored import TABLES
from shadowtrace.store import sql as store_sql

#: the vessel's MMSIs: those given, or those that broadcast the IMO given
_MMSIS = "SELECT DISTINCT mmsi FROM statics WHERE {cond} UNION SELECT ? WHERE ? > 99999999"

#: section -> (the table it reads, its query)
SECTIONS = {
    "identities": (
        "statics",
        "SELECT mmsi, imo, shipname, callsign, ship_type, min(ts) AS first_seen, max(ts) AS last_seen, "
        "count(*) AS reports FROM statics WHERE mmsi IN ({mmsis}) "
        "GROUP BY ALL ORDER BY first_seen NULLS LAST",
    ),
    "declarations": (
        "declarations",
        "SELECT declaration_id, mmsi, imo, vessel_name, port_locode, departure_time, "
        "declared_next_port_locode, declared_next_port_name, cargo, source_id, line "
        "FROM declarations WHERE mmsi IN ({mmsis}) OR {cond} ORDER BY departure_time",
    ),
    "voyages": (
        "voyages",
        "SELECT * EXCLUDE (destinations) FROM voyages WHERE mmsi IN ({mmsis}) ORDER BY departed_at",
    ),
    "events": ("events", "SELECT * FROM events WHERE mmsi IN ({mmsis}) OR {cond} ORDER BY start, kind"),
}


@click.command()
@click.argument("vessel")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def vessel(obj: Context, vessel: str, fmt: str) -> None:
    """Identity history, declarations, voyages and events of a vessel (MMSI or IMO)."""
    cond, params = vessel_filter(vessel)
    number = int(params[0])  # type: ignore[call-overload]
    con = store_sql.connect(obj.store)
    try:
        mmsis = _MMSIS.format(cond=cond)
        results: dict[str, pa.Table] = {}
        for name, (table, sql) in SECTIONS.items():
            if table not in TABLES:
                continue
            query = sql.format(mmsis=mmsis, cond=cond)
            args = [number, number, number] + ([number] if "OR {cond}" in sql else [])
            results[name] = con.sql(query, params=args).to_arrow_table()
    finally:
        con.close()
    if fmt == "json":
        out = {name: t.to_pylist() for name, t in results.items()}
        for row in out.get("events", []):
            row["details"] = json.loads(row["details"] or "{}")
        write_json(out)
        return
    for name, table in results.items():
        click.echo(f"\n{name} ({table.num_rows})")
        if table.num_rows:
            if name == "events":
                write_events(table, "table")
            else:
                write_rows(table, "table")
