"""``shadowtrace ingest PATH...``: decode AIS logs and CSV into the store."""

from __future__ import annotations

import json
from pathlib import Path

import click
from tqdm import tqdm

from shadowtrace.cli.main import Context
from shadowtrace.cli.output import terminal_safe
from shadowtrace.ingest.ais.csv_formats import ColumnMapping
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.pipeline.ingest import IngestReport
from shadowtrace.pipeline.ingest import ingest as run_ingest
from shadowtrace.pipeline.sources import Source


@click.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--declarations", "declarations", multiple=True, metavar="FILE.csv",
    help="Port-clearance records (columns: docs/ingest.md); recognised by header in PATHS too.",
)
@click.option("--strict", is_flag=True, help="Stop at the first bad line (file:line: cause), store nothing.")
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="TOML column mapping for a CSV layout shadowtrace does not know (see docs/ingest.md).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal)."
)
@click.pass_obj
def ingest(
    obj: Context, paths: tuple[str, ...], declarations: tuple[str, ...], strict: bool, mapping: Path | None,
    fmt: str, progress: bool | None,
) -> None:
    """Ingest AIS files, folders, .gz/.bz2/.xz/.zip archives, or - for stdin.

    The run is one transaction: interrupted or failed, it leaves the store as
    it was. Sources already in the store (same SHA-256) are skipped.
    """
    if not paths and not declarations:
        raise click.UsageError("give at least one PATH or --declarations FILE")
    column_mapping = ColumnMapping.from_toml(mapping) if mapping else None
    disable = None if progress is None else not progress
    with tqdm(unit="B", unit_scale=True, unit_divisor=1024, disable=disable, leave=False) as bar:

        def on_source(source: Source) -> None:
            bar.set_description(terminal_safe(Path(source.name).name)[:40])
            if not source.compression and source.size_bytes:
                bar.total = (bar.total or 0) + source.size_bytes
                bar.refresh()

        report = run_ingest(
            obj.store, list(paths), strict=strict, mapping=column_mapping,
            progress=bar.update, on_source=on_source, declarations=list(declarations),
        )
    if fmt == "json":
        click.echo(json.dumps(_as_json(report), indent=2))
    else:
        click.echo(_summary(report, obj.store.root))


def _as_json(report: IngestReport) -> dict[str, object]:
    return {
        "sources": [
            {"path": r.name, "sha256": r.sha256, "source_id": r.source_id, "duplicate": r.duplicate,
             **({} if r.duplicate else r.stats.as_dict())}
            for r in report.results
        ],
        "total": report.total().as_dict(),
        "duplicates_skipped": len(report.duplicates),
    }


def _summary(report: IngestReport, root: Path) -> str:
    out: list[str] = []
    for r in report.results:
        name = terminal_safe(r.name)
        if r.duplicate:
            out.append(f"skipped {name}: already ingested as source {r.source_id} (same SHA-256)")
            continue
        s = r.stats
        out.append(
            f"source {r.source_id} {name} [{s.format}]: {s.lines_read:,} lines = {s.lines_decoded:,} decoded"
            f" + {s.lines_rejected:,} rejected + {s.lines_ignored:,} ignored"
        )
        if s.lines_read and not s.lines_decoded:
            out.append("  warning: nothing decoded; is this an AIS log or a known CSV layout?")
    total = report.total()
    if report.ingested:
        out.append("")
        out.extend(_totals(total))
        out.append("")
    out.append(
        f"{len(report.ingested)} source(s) ingested into {terminal_safe(str(root))}, "
        f"{len(report.duplicates)} duplicate(s) skipped"
    )
    return "\n".join(out)


def _totals(total: IngestStats) -> list[str]:
    out = [
        f"lines read {total.lines_read:,} = decoded {total.lines_decoded:,} + rejected "
        f"{total.lines_rejected:,} + ignored {total.lines_ignored:,}"
        + ("" if total.balanced else "  (MISMATCH: please report this)")
    ]
    if total.rows_by_type:
        out.append("rows by message type: " + ", ".join(
            f"{t}: {n:,}" for t, n in sorted(total.rows_by_type.items())))
    if total.rows_by_table:
        by_table = sorted(total.rows_by_table.items())
        out.append("rows by table: " + ", ".join(f"{t}: {n:,}" for t, n in by_table))
    if total.rejects_by_cause:
        out.append("rejects by cause: " + ", ".join(
            f"{c}: {n:,}" for c, n in sorted(total.rejects_by_cause.items(), key=lambda kv: -kv[1])))
    if total.ignored:
        out.append("ignored by rule: " + ", ".join(f"{c}: {n:,}" for c, n in sorted(total.ignored.items())))
    out.append(f"untimed rows: {total.untimed_rows:,}")
    return out
