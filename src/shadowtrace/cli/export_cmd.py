"""``shadowtrace export``: events and tracks as GeoJSON, KML, CSV or FollowTheMoney (docs/exports.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from shadowtrace.cli.main import Context
from shadowtrace.cli.output import TerminalSafe, is_terminal, terminal_safe
from shadowtrace.errors import InputError
from shadowtrace.export import FORMATS, WHAT, ExportCounts, Selection, export
from shadowtrace.export.run import check_request
from shadowtrace.export.tracks import DEFAULT_GAP_H
from shadowtrace.risk.store import detect_has_run

#: file suffix -> format, when --format is not given
SUFFIXES = {".geojson": "geojson", ".kml": "kml", ".csv": "csv", ".jsonl": "ftm", ".ftm": "ftm"}
#: above this many positions a KML export gets a note: Google Earth slows down
KML_COMFORT_POSITIONS = 1_000_000
_DATES = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              help="geojson (QGIS), kml (Google Earth), csv (spreadsheets), ftm (FollowTheMoney). "
                   "Default: from the --out suffix (.geojson, .kml, .csv, .jsonl/.ftm).")
@click.option("--what", type=click.Choice(WHAT), default="all", show_default=True,
              help="Events, tracks, or both (a CSV file holds one of them).")
@click.option("--vessel", "vessels", multiple=True, metavar="MMSI|IMO",
              help="Only this vessel (repeatable): an MMSI, or an IMO number (every MMSI that broadcast it).")
@click.option("--kind", "kinds", multiple=True, help="Only events of this kind (repeatable), e.g. AIS_GAP.")
@click.option("--since", type=click.DateTime(_DATES), help="From this time (UTC, inclusive).")
@click.option("--until", type=click.DateTime(_DATES),
              help="Up to this time (UTC, exclusive: --until 2017-10-06 ends with 5 October).")
@click.option("--gap-h", type=float, default=DEFAULT_GAP_H, show_default=True,
              help="A silence this long (hours) ends a track segment: no line is drawn across it.")
@click.option("--out", "-o", default="-", show_default=True, metavar="FILE",
              help="Write to FILE (- for standard output).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="CSV: start with a UTF-8 byte order mark, which Excel needs to read non-ASCII names.")
@click.pass_obj
def export_cmd(obj: Context, fmt: str | None, what: str, vessels: tuple[str, ...], kinds: tuple[str, ...],
               since: dt.datetime | None, until: dt.datetime | None, gap_h: float, out: str, force: bool,
               bom: bool) -> None:
    """Export events and vessel tracks for QGIS, Google Earth, spreadsheets or investigation platforms.

    Tracks are the clean fixes (position jumps set aside), one line per segment. Untrusted text
    (names, destinations) is escaped for each format; CSV cells that a spreadsheet would run as
    formulas are neutralised. Formats and fields: docs/exports.md.
    """
    fmt = fmt or _format_of(out)
    check_request(fmt, what)
    selection = Selection(vessels=vessels, kinds=kinds, since=since, until=until)
    store = obj.store
    store.reader().close()  # a missing store fails here, before any output is opened
    with _output(out, force) as stream:
        counts = export(store, fmt, stream, what=what, selection=selection, gap_h=gap_h, bom=bom)
    click.echo(_summary(counts, what, fmt, out), err=True)
    if what != "tracks" and not counts.events and not detect_has_run(store):
        click.echo("shadowtrace: note: no events: `shadowtrace detect` has not run on this store yet", err=True)
    if fmt == "kml" and counts.positions > KML_COMFORT_POSITIONS:
        click.echo("shadowtrace: note: Google Earth grows slow with millions of points; export a vessel "
                   "(--vessel) or a window (--since, --until)", err=True)


def _format_of(out: str) -> str:
    suffix = Path(out).suffix.lower() if out != "-" else ""
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise InputError(f"give --format ({', '.join(FORMATS)}): the output {out!r} does not tell")


@contextlib.contextmanager
def _output(out: str, force: bool) -> Iterator[Any]:
    """A UTF-8 text stream to standard output (terminal-safe on a terminal), or to FILE: written under
    a temporary name and moved into place only when complete, never over a file without ``force``."""
    if out == "-":
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream (embedding): write to it as it is
            yield TerminalSafe(sys.stdout) if is_terminal(sys.stdout) else sys.stdout
            return
        sys.stdout.flush()
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        try:
            yield TerminalSafe(text) if is_terminal(binary) else text
        finally:
            text.flush()
            text.detach()
        return
    path = Path(out)
    if path.is_dir():
        raise InputError(f"--out {out!r} is a directory: give a file name")
    if not path.parent.is_dir():
        raise InputError(f"--out {out!r}: the folder {str(path.parent)!r} does not exist")
    if path.exists() and not force:
        raise InputError(f"--out {out!r} exists: give --force to replace it, or another name")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            yield f
        if force:
            os.replace(tmp, path)
        else:
            _move_new(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _move_new(tmp: Path, path: Path) -> None:
    """``tmp`` renamed to ``path``, which must not exist (checked atomically where the file system
    has hard links)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise InputError(f"--out {str(path)!r} appeared while exporting: give --force to replace it") from None
    except OSError:  # no hard links here (some network and FAT file systems)
        if path.exists():
            raise InputError(f"--out {str(path)!r} appeared while exporting: give --force to replace it") from None
        os.replace(tmp, path)


def _summary(counts: ExportCounts, what: str, fmt: str, out: str) -> str:
    parts = []
    if what in ("all", "events"):
        parts.append(_count(counts.events, "event"))
    if what in ("all", "tracks"):
        parts.append(f"{_count(counts.positions, 'position')} in {_count(counts.segments, 'segment')} "
                     f"of {_count(counts.vessels, 'vessel')}")
    where = "standard output" if out == "-" else terminal_safe(out)
    return f"exported {' and '.join(parts)} as {fmt} to {where}"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
