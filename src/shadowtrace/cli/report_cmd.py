"""``shadowtrace report``: one self-contained HTML file with the evidence about vessels."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import click

from shadowtrace.cli.main import Context
from shadowtrace.cli.output import terminal_safe
from shadowtrace.errors import InputError
from shadowtrace.report import render_report
from shadowtrace.store.store import Store


@click.command()
@click.option("--vessel", "vessels", multiple=True, help="A vessel: MMSI (9 digits) or IMO (7 digits); repeatable.")
@click.option("--event", "event_id", help="The vessel of this event, with the event put forward.")
@click.option("--top", type=click.IntRange(1, 500), help="The N vessels of highest risk.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The HTML file to write.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.pass_obj
def report(
    obj: Context, vessels: tuple[str, ...], event_id: str | None, top: int | None, out: Path, force: bool
) -> None:
    """Write an evidence report: one HTML file that opens offline, for one case or a few.

    For each vessel: a map of its track (coloured by segment, with port calls, dark periods,
    encounters and position jumps), a timeline of port calls, declarations and dark periods, its
    identity history, its risk score with the reasons, and for every event the raw lines it rests
    on (file, line, sentence) with the values decoded from them. Printable: each vessel starts a
    page. Give exactly one of --vessel, --event, --top. Details: docs/reports.md.
    """
    if sum([bool(vessels), event_id is not None, top is not None]) != 1:
        raise click.UsageError("give exactly one of --vessel (repeatable), --event or --top")
    started = time.perf_counter()
    html = render_report(
        obj.store, vessels=vessels, event_id=event_id, top=top, progress=lambda m: click.echo(m, err=True)
    )
    write_report(out, html, force=force)
    click.echo(
        f"wrote {terminal_safe(str(out))} ({len(html.encode()) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s",
        err=True,
    )


def write_report(out: Path, html: str, *, force: bool = False) -> None:
    """Write the file whole or not at all (a temporary file renamed); refuse to overwrite without ``force``."""
    if out.exists() and not force:
        raise InputError(f"{out} exists; pass --force to overwrite it")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such folder")
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def top_report(store: Store, out: Path, top: int = 10) -> Path:
    """A report of the ``top`` vessels by risk written to ``out`` (overwritten), for ``shadowtrace demo --open``."""
    write_report(out, render_report(store, top=top), force=True)
    return out
