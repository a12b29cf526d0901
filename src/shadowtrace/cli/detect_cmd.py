"""``shadowtrace detect``: run every detector; replaces the events and voyages tables."""

from __future__ import annotations

import click

from shadowtrace.cli.main import Context
from shadowtrace.detectors.gaps import GapParams
from shadowtrace.detectors.mismatch import MismatchParams
from shadowtrace.detectors.run import detect as run_detect
from shadowtrace.errors import InputError


def watched_countries(values: tuple[str, ...]) -> tuple[str, ...]:
    """ISO 3166 alpha-2 codes from ``--watch`` values (repeatable, or comma-separated)."""
    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise InputError(f"--watch {', '.join(bad)}: give ISO 3166 alpha-2 country codes, e.g. KP")
    return codes


@click.command()
@click.option(
    "--watch", "watch", multiple=True, metavar="CC",
    help="A watched country (ISO 3166 alpha-2; repeatable or comma-separated; default KP): arrivals "
    "there raise mismatch severity, and its ports are the ones a dark period is checked against.",
)
@click.pass_obj
def detect(obj: Context, watch: tuple[str, ...]) -> None:
    """Run every detector over the store (rerunning replaces, never duplicates).

    Tracks and port calls, voyages, position jumps, destination and declaration mismatches,
    identity changes and shared MMSIs, AIS gaps with what they could hide, encounters and
    loitering, and sanctions-list matches (lists loaded with `shadowtrace lists add`). List
    the results with `shadowtrace events`, rank vessels with `shadowtrace risk`; fields:
    docs/events.md.
    """
    countries = watched_countries(watch)
    mismatch = MismatchParams(watched_countries=countries) if countries else None
    gaps = GapParams(watched_countries=countries) if countries else None
    report = run_detect(obj.store, mismatch_params=mismatch, gap_params=gaps,
                        progress=lambda m: click.echo(m, err=True))
    click.echo(f"{report.voyages:,} voyages; events: " + (", ".join(
        f"{k} {n:,}" for k, n in sorted(report.events_by_kind.items())) or "none"))
