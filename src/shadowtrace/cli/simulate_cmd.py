"""``shadowtrace simulate --out DIR``: synthetic AIS traffic with labelled evasion."""

from __future__ import annotations

from pathlib import Path

import click

from shadowtrace.cli.output import terminal_safe
from shadowtrace.sim.run import simulate as run_simulation
from shadowtrace.sim.scenario import builtin_scenarios


@click.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (must be empty unless --force).",
)
@click.option(
    "--scenario",
    default="sea-of-japan",
    show_default=True,
    help=f"Built-in scenario ({', '.join(builtin_scenarios())}) or a scenario .toml file.",
)
@click.option("--vessels", type=int, default=None, help="Fleet size (default: the scenario's).")
@click.option("--days", type=float, default=None, help="Days to simulate (default: the scenario's).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option("--csv", "csv_too", is_flag=True, help="Also write the traffic as Danish-DMA-style CSV.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder, replacing earlier output.")
@click.option(
    "--listed", type=click.Path(dir_okay=False, exists=True, path_type=Path), multiple=True,
    help="A sanctions list (formats of `lists add`; repeatable): ordinary vessels take identities of its entries.",
)
@click.option("--listed-count", type=int, default=3, show_default=True,
              help="How many vessels take identities from each --listed list.")
def simulate(
    out_dir: Path, scenario: str, vessels: int | None, days: float | None, seed: int, csv_too: bool, force: bool,
    listed: tuple[Path, ...], listed_count: int,
) -> None:
    """Simulate a fleet: NMEA logs per day, declarations.csv and truth.json (see docs/simulate.md)."""

    def progress(message: str) -> None:
        click.echo(message, err=True)

    s = run_simulation(
        scenario, out_dir, vessels=vessels, days=days, seed=seed, csv=csv_too, force=force,
        listed=listed, listed_count=listed_count, progress=progress,
    )
    acts = ", ".join(f"{k} {n}" for k, n in sorted(s.acts.items()))
    click.echo(
        f"scenario {s.scenario}, seed {s.seed}: {s.vessels:,} vessels over {s.days:g} days "
        f"-> {terminal_safe(str(s.out_dir))}"
    )
    click.echo(
        f"{s.positions:,} positions, {s.statics:,} static reports, {s.lines:,} NMEA lines "
        f"in {sum(f.startswith('ais/') for f in s.files)} daily files"
        + (f", {sum(f.startswith('csv/') for f in s.files)} CSV files" if csv_too else "")
    )
    click.echo(f"{s.port_calls:,} port calls, {s.declarations:,} declarations, {s.gaps:,} gaps; acts: {acts}")
    if s.skipped_acts:
        click.echo(f"acts that did not fit this run: {', '.join(s.skipped_acts)}", err=True)
    click.echo(f"done in {s.seconds:.1f} s ({s.positions / max(s.seconds, 1e-9):,.0f} positions/s)", err=True)
