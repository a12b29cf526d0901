"""The ``shadowtrace`` command: a click group of kebab-case verbs.

Rows go to stdout, progress and diagnostics to stderr. Errors become one-line
messages here and nowhere else; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from shadowtrace import __version__
from shadowtrace.errors import ShadowtraceError
from shadowtrace.store.store import DEFAULT_DATA_DIR, Store


@dataclass
class Context:
    store: Store
    debug: bool


class _Group(click.Group):
    """Turns shadowtrace errors and interrupts into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, BrokenPipeError):
            raise
        except ShadowtraceError as exc:
            if _debug(ctx):
                raise
            click.echo(f"shadowtrace: error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("shadowtrace: interrupted; the store is unchanged", err=True)
            ctx.exit(130)
        except Exception as exc:
            if _debug(ctx):
                raise
            click.echo(
                f"shadowtrace: internal error: {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback, and please report it)",
                err=True,
            )
            ctx.exit(70)


def _debug(ctx: click.Context) -> bool:
    obj = ctx.find_object(Context)
    return bool(obj and obj.debug)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    envvar="SHADOWTRACE_DATA",
    default=DEFAULT_DATA_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory (env SHADOWTRACE_DATA).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(__version__, prog_name="shadowtrace")
@click.pass_context
def cli(ctx: click.Context, data: Path, debug: bool) -> None:
    """Find the hidden lifelines of sanctioned states in raw public data."""
    ctx.obj = Context(store=Store(data), debug=debug)


def _register() -> None:
    from shadowtrace.cli import (
        demo_cmd,
        destination_cmd,
        detect_cmd,
        events_cmd,
        export_cmd,
        ingest_cmd,
        lists_cmd,
        report_cmd,
        risk_cmd,
        serve_cmd,
        simulate_cmd,
        sql_cmd,
        vessel_cmd,
    )

    cli.add_command(demo_cmd.demo)
    cli.add_command(destination_cmd.destination)
    cli.add_command(detect_cmd.detect)
    cli.add_command(events_cmd.events)
    cli.add_command(export_cmd.export_cmd)
    cli.add_command(ingest_cmd.ingest)
    cli.add_command(lists_cmd.lists)
    cli.add_command(vessel_cmd.vessel)
    cli.add_command(risk_cmd.risk)
    cli.add_command(report_cmd.report)
    cli.add_command(serve_cmd.serve)
    cli.add_command(simulate_cmd.simulate)
    cli.add_command(sql_cmd.sql)


_register()


def main() -> None:
    try:
        cli(prog_name="shadowtrace")
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)


if __name__ == "__main__":  # pragma: no cover
    main()
