"""``shadowtrace sql "SELECT ..."``: read-only SQL over the store."""

from __future__ import annotations

import click

from shadowtrace.cli.main import Context
from shadowtrace.cli.output import FORMATS, write_rows
from shadowtrace.store import sql as store_sql


@click.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def sql(obj: Context, query: str, fmt: str) -> None:
    """Run one read-only SQL query (DuckDB dialect) over the store.

    \b
    Tables: positions, statics, other, rejects (partitioned by `date`), sources.
    Example: shadowtrace sql "SELECT msg_type, count(*) FROM positions GROUP BY 1"
    """
    write_rows(store_sql.query(obj.store, query), fmt)
