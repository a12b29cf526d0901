"""``shadowtrace lists``: load sanctions lists into the store, show them, remove them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from shadowtrace.cli.main import Context
from shadowtrace.cli.output import FORMATS, terminal_safe, write_rows
from shadowtrace.sanctions.formats import READERS
from shadowtrace.sanctions.lists import LoadedList, add_list, list_summary, load_list, remove_list
from shadowtrace.store.store import Store

#: reject lines shown after a summary (all are counted)
SHOWN_REJECTS = 5


@click.group(invoke_without_command=True)
@click.pass_context
def lists(ctx: click.Context) -> None:
    """Sanctions lists the SANCTIONS_MATCH detector screens against (see docs/sanctions.md).

    Without a subcommand: the lists loaded, as `lists ls` shows them.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(ls)


@lists.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--name", help="Name of the list (default: from the file, e.g. 'OFAC SDN', 'EU 2017/1509').")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]),
              help="Date of this version (default: a date in the file name, else its modification day).")
@click.option("--format", "fmt", type=click.Choice(list(READERS)),
              help="Force the format (default: told by the content).")
@click.pass_obj
def add(obj: Context, file: Path, name: str | None, date: dt.datetime | None, fmt: str | None) -> None:
    """Load a list FILE; a list of the same name already loaded is replaced (a newer version).

    Formats: OFAC SDN CSV (raw or vessel extract), EU annex CSV (OpenSanctions' Official
    Journal transcription), FollowTheMoney JSON lines, OpenSanctions CSV.
    """
    loaded = load_list(file, name=name, date=date.date() if date else None, fmt=fmt)
    replaced = add_list(obj.store, loaded)
    report_added(loaded, replaced)


def load_and_add(store: Store, file: Path) -> None:
    """``lists add FILE`` with the defaults (the demo loads its simulated list so)."""
    loaded = load_list(file)
    report_added(loaded, add_list(store, loaded))


def report_added(loaded: LoadedList, replaced: int) -> None:
    """The summary of a list added: counts on stdout, the first rejects on stderr."""
    p, t = loaded.parsed, loaded.table
    with_imo = t.num_rows - t.column("imo").null_count
    with_mmsi = t.num_rows - t.column("mmsi").null_count
    click.echo(
        f"added {terminal_safe(loaded.name)!r} ({loaded.date}, {p.format}): {loaded.entries:,} vessel entries, "
        f"{with_imo:,} with an IMO number, {with_mmsi:,} with an MMSI; {len(p.rejects):,} rejected, "
        f"{p.ignored:,} other entities ignored" + (f"; replaced {replaced:,} entries of the earlier version"
                                                    if replaced else "")
    )
    for problem, n in sorted(p.flagged.items()):
        click.echo(f"  {n:,} x {problem}")
    for r in p.rejects[:SHOWN_REJECTS]:
        click.echo(f"  rejected line {r.line}: {r.cause}: {terminal_safe(r.raw)[:80]}", err=True)
    if len(p.rejects) > SHOWN_REJECTS:
        click.echo(f"  ... and {len(p.rejects) - SHOWN_REJECTS:,} more rejected lines", err=True)


@lists.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def ls(obj: Context, fmt: str = "table") -> None:
    """The lists loaded: name, date, format, entries, how many with an IMO number and with an MMSI."""
    write_rows(list_summary(obj.store), fmt)


@lists.command()
@click.argument("name")
@click.pass_obj
def rm(obj: Context, name: str) -> None:
    """Remove the list NAME (as `shadowtrace lists` shows it)."""
    n = remove_list(obj.store, name)
    click.echo(f"removed {terminal_safe(name)!r}: {n:,} entries")
