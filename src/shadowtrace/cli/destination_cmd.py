"""``shadowtrace destination TEXT...``: how AIS destination texts resolve, and why."""

from __future__ import annotations

from pathlib import Path

import click
import pyarrow as pa

from shadowtrace.cli.output import FORMATS, write_rows
from shadowtrace.geo.destinations import Resolution, resolver_for
from shadowtrace.geo.gazetteer_files import gazetteer_with_files
from shadowtrace.geo.ports import Gazetteer

_SCHEMA = pa.schema(
    [
        pa.field("raw", pa.string()),
        pa.field("kind", pa.string()),
        pa.field("locode", pa.string()),
        pa.field("port", pa.string()),
        pa.field("country", pa.string()),
        pa.field("confidence", pa.float64()),
        pa.field("rule", pa.string()),
        pa.field("legs", pa.string()),
        pa.field("detail", pa.string()),
    ]
)


@click.command()
@click.argument("texts", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--gazetteer",
    "gazetteer_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add the ports of a World Port Index, UN/LOCODE or named-anchorage CSV (format read "
    "from its header). Repeatable; merged in order after searoute's ports.",
)
def destination(texts: tuple[str, ...], fmt: str, gazetteer_files: tuple[Path, ...]) -> None:
    """Show how AIS destination TEXTs resolve: port, country, placeholder or unresolved, and why.

    \b
    Example: shadowtrace destination "RU VVO>CN NGB" VLADIVOSTOCK "BUSAN KOREA" "FOR ORDERS"
    The rules, in order, are listed in docs/destinations.md.
    """
    gazetteer: Gazetteer = Gazetteer.from_searoute()
    if gazetteer_files:
        gazetteer = gazetteer_with_files(gazetteer_files)
        names = ", ".join(click.format_filename(p.name) for p in gazetteer_files)
        click.echo(f"gazetteer: {len(gazetteer):,} ports (searoute + {names})", err=True)
    resolver = resolver_for(gazetteer)
    rows = [_row(resolver.resolve(text)) for text in texts]
    write_rows(pa.Table.from_pylist(rows, schema=_SCHEMA), fmt)


def _row(res: Resolution) -> dict[str, object]:
    return {
        "raw": res.raw,
        "kind": res.kind,
        "locode": res.locode,
        "port": res.name if res.kind == "port" else None,
        "country": res.country,
        "confidence": res.confidence,
        "rule": res.rule,
        "legs": " > ".join(leg.destination or leg.kind for leg in res.legs) or None,
        "detail": res.detail,
    }
