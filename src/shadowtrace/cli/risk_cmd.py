"""``shadowtrace risk``: vessels ranked by a transparent score of their events (docs/risk.md)."""

from __future__ import annotations

import datetime as dt

import click
import pyarrow as pa

from shadowtrace.cli.main import Context
from shadowtrace.cli.output import FORMATS, write_json, write_rows
from shadowtrace.models.vessels import parse_vessel
from shadowtrace.risk import LEVELS, RiskParams, VesselRisk
from shadowtrace.risk.store import detect_has_run, store_risks
from shadowtrace.settings import with_overrides

#: reasons shown in the one-line column of the table format
TABLE_REASONS = 3
#: columns of the table format, and of the csv format (json carries everything)
TABLE_COLUMNS = ("rank", "level", "score", "mmsi", "imo", "name", "reasons")
CSV_COLUMNS = ("rank", "vessel", "level", "score", "mmsi", "imo", "name", "events", "as_of", "reasons",
               "event_ids", "sanctioned_by")


@click.command()
@click.option("--top", type=click.IntRange(min=1), help="Only the first N vessels (after the other filters).")
@click.option("--vessel", help="Only this vessel: MMSI (9 digits) or IMO (7 digits).")
@click.option("--level", "levels", multiple=True, type=click.Choice(LEVELS), help="Only this level (repeatable).")
@click.option("--as-of", "as_of", type=click.DateTime(),
              help="Score as of this time (UTC): later events are left out, age counts from it. "
                   "Default: the latest event in the store.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Change a setting of the score (repeatable), e.g. weight_ais_gap=20 (docs/risk.md).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def risk(obj: Context, top: int | None, vessel: str | None, levels: tuple[str, ...], as_of: dt.datetime | None,
         overrides: tuple[str, ...], fmt: str) -> None:
    """Rank vessels by a risk score of their events, with the reasons and the event ids behind it.

    Levels: sanctioned (listed IMO or MMSI), high, medium, low. Run `shadowtrace detect` first.
    """
    params = with_overrides(RiskParams(), overrides)
    if vessel:
        parse_vessel(vessel)  # a bad identifier fails before any work
    when = None if as_of is None else as_of.replace(tzinfo=as_of.tzinfo or dt.UTC)
    risks = store_risks(obj.store, params, when)
    if not risks:
        why = "found no vessel events" if detect_has_run(obj.store) else "has not run on this store yet"
        click.echo(f"shadowtrace: no risk to score: `shadowtrace detect` {why}", err=True)
    ranked = list(enumerate(risks, start=1))
    if vessel:
        ranked = [(i, r) for i, r in ranked if r.is_vessel(vessel)]
    if levels:
        ranked = [(i, r) for i, r in ranked if r.level in levels]
    write_risks(ranked[:top] if top else ranked, fmt)


def write_risks(ranked: list[tuple[int, VesselRisk]], fmt: str) -> None:
    """Ranked vessels as a table (top reasons in one line), flat CSV, or JSON with every reason and event id."""
    if fmt == "json":
        write_json([{"rank": i, **r.to_dict()} for i, r in ranked])
        return
    rows = [_flat(i, r, TABLE_REASONS if fmt == "table" else None) for i, r in ranked]
    columns = TABLE_COLUMNS if fmt == "table" else CSV_COLUMNS
    types = {"rank": pa.int64(), "score": pa.float64(), "imo": pa.int64(), "events": pa.int64()}
    table = pa.table({c: pa.array([row[c] for row in rows], types.get(c, pa.string())) for c in columns})
    write_rows(table, fmt)


def _flat(rank: int, r: VesselRisk, reasons: int | None) -> dict[str, object]:
    """One row; ``reasons``: how many scoring reasons to show (None: every reason, scoring or not)."""
    shown = r.reasons if reasons is None else [x for x in r.reasons if x.points > 0][:reasons]
    return {
        "rank": rank, "vessel": r.vessel, "level": r.level, "score": r.score,
        "mmsi": ",".join(str(m) for m in r.mmsis), "imo": r.imo, "name": r.name, "events": r.events,
        "as_of": r.as_of.isoformat(),
        "reasons": "; ".join(x.brief() for x in shown),
        "event_ids": " ".join(e for x in r.reasons for e in x.event_ids),
        "sanctioned_by": " ".join(r.sanctioned_by),
    }
