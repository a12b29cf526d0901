"""``shadowtrace detect``: run every detector; replaces the events and voyages tables."""

from __future__ import annotations

import click

from shadowtrace.cli.main import Context
from shadowtrace.detectors.run import detect as run_detect


@click.command()
@click.pass_obj
def detect(obj: Context) -> None:
    """Run every detector over the store (rerunning replaces, never duplicates).

    Finds port calls, voyages, position jumps, and voyages whose AIS destination or
    port-clearance declaration named another port than the one reached. List the
    results with `shadowtrace events`; fields: docs/events.md.
    """
    report = run_detect(obj.store, progress=lambda m: click.echo(m, err=True))
    click.echo(f"{report.voyages:,} voyages; events: " + (", ".join(
        f"{k} {n:,}" for k, n in sorted(report.events_by_kind.items())) or "none"))
