"""``shadowtrace demo``: simulate a fleet with labelled evasion, ingest it, score what is found."""

from __future__ import annotations

import json
import time
import webbrowser

import click
import pyarrow as pa

from shadowtrace.cli.events_cmd import query_events
from shadowtrace.cli.lists_cmd import load_and_add
from shadowtrace.cli.main import Context
from shadowtrace.cli.output import terminal_safe, write_rows
from shadowtrace.cli.report_cmd import top_report
from shadowtrace.detectors.run import detect as run_detect
from shadowtrace.pipeline.ingest import ingest as run_ingest
from shadowtrace.sim.evaluate import alleged, evaluate
from shadowtrace.sim.listed import FICTITIOUS_FILE
from shadowtrace.sim.run import simulate


@click.command()
@click.option("--scenario", default="sea-of-japan", show_default=True, help="Built-in scenario or a .toml file.")
@click.option("--vessels", type=int, default=40, show_default=True)
@click.option("--days", type=float, default=10, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--open", "open_report", is_flag=True,
    help="Then write an evidence report of the 10 vessels of highest risk (DATA/demo-report.html) and open it.",
)
@click.pass_obj
def demo(obj: Context, scenario: str, vessels: int, days: float, seed: int, open_report: bool) -> None:
    """Run the whole chain on a simulated fleet whose every evasive act is known.

    Simulates the scenario into DATA/demo-input/, ingests it into the store, loads the
    scenario's fictitious sanctions list (if it has one), runs every detector this version
    has, and prints, per event kind, how many of the labelled acts were found, missed, or
    reported falsely. Rerunning adds nothing: the same seed gives the same bytes, which the
    store recognises (the sanctions list is replaced by itself). With --open, it then writes an
    evidence report of the 10 vessels of highest risk (`shadowtrace report --top 10`) to
    DATA/demo-report.html and opens it in the browser (or prints its path when there is none).
    """
    started = time.perf_counter()
    name = scenario.rsplit("/", 1)[-1].removesuffix(".toml")
    inputs = obj.store.root / "demo-input" / f"{name}-{vessels}v-{days:g}d-seed{seed}"
    if not (inputs / "truth.json").is_file():
        click.echo(f"simulating {vessels} vessels over {days:g} days ({name}, seed {seed})...", err=True)
        simulate(scenario, inputs, vessels=vessels, days=days, seed=seed, force=True)
    report = run_ingest(obj.store, [str(inputs / "ais"), str(inputs / "declarations.csv")])
    total = report.total()
    click.echo(
        f"ingested {len(report.ingested)} file(s) ({len(report.duplicates)} already in the store): "
        f"{total.lines_read:,} lines, {total.rows_by_table.get('positions', 0):,} positions, "
        f"{total.lines_rejected:,} rejected"
    )
    if (inputs / FICTITIOUS_FILE).is_file():
        load_and_add(obj.store, inputs / FICTITIOUS_FILE)
    detected = run_detect(obj.store, progress=lambda m: click.echo(m, err=True))
    truth = json.loads((inputs / "truth.json").read_text())
    events = alleged(query_events(obj).select(["kind", "mmsi", "imo", "start", "end", "severity"]).to_pylist())
    scores = evaluate(truth, events, kinds=truth["event_kinds"])
    table = pa.table({
        "kind": [s.kind for s in scores.values()],
        "expected": [s.expected for s in scores.values()],
        "found": [s.found for s in scores.values()],
        "missed": [s.missed for s in scores.values()],
        "false": [s.false for s in scores.values()],
    })
    click.echo("")
    write_rows(table, "table")
    searched = set(detected.events_by_kind) | {"DESTINATION_MISMATCH", "DECLARATION_MISMATCH", "POSITION_JUMP"}
    later = [s.kind for s in scores.values() if s.kind not in searched]
    click.echo(
        f"\n{detected.voyages:,} voyages, {detected.events_by_kind.get('PORT_CALL', 0):,} port calls."
        + (f" Not detected by this version yet: {', '.join(later)}." if later else "")
        + "\nLow-severity events (short gaps, coverage holes) are listed by `shadowtrace events` but not scored."
        + "\nNext: shadowtrace risk --top 10 ; shadowtrace report --top 10 --out top10.html ; shadowtrace serve"
    )
    acts = sorted({a["kind"] for a in truth["acts"]})
    click.echo(f"labelled acts in the truth: {', '.join(acts)}")
    click.echo(f"inputs and truth: {terminal_safe(str(inputs))}  ({time.perf_counter() - started:.1f} s)")
    if open_report:
        _open_report(obj)


def _open_report(obj: Context) -> None:
    """Write the report of the top-risk vessels and open it, or say where it is."""
    out = top_report(obj.store, obj.store.root / "demo-report.html", top=10)
    opened = False
    try:
        opened = webbrowser.open(out.as_uri())
    except webbrowser.Error:
        opened = False
    verb = "opened" if opened else "wrote (no browser to open it)"
    click.echo(f"evidence report of the 10 vessels of highest risk {verb}: {terminal_safe(str(out))}")
