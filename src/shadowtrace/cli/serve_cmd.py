"""``shadowtrace serve``: the local web app (pages and JSON API) over the store, read-only."""

from __future__ import annotations

import ipaddress

import click

from shadowtrace.cli.main import Context
from shadowtrace.errors import StoreError

#: the Host headers answered when bound to loopback (a page elsewhere cannot rebind its name to us)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback name or address (only this machine can connect)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback lets other machines read the store.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to bind.")
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """Serve pages and a JSON API over the store: overview, events, vessels, evidence (docs/web.md).

    Read-only; binds to loopback unless --host says otherwise. The API is described by its
    OpenAPI schema at /openapi.json.
    """
    import uvicorn

    from shadowtrace.web.app import create_app

    if not obj.store.exists():
        raise StoreError(
            f"{obj.store.root} is not a shadowtrace data directory; ingest something first or pass --data DIR"
        )
    loopback = is_loopback(host)
    if not loopback:
        click.echo(
            f"shadowtrace: warning: binding to {host}, not loopback: anyone who can reach this machine "
            "can read the store (there is no authentication)",
            err=True,
        )
    hosts = [*LOOPBACK_HOSTS, f"[{host.strip('[]')}]" if ":" in host else host] if loopback else None
    app = create_app(obj.store, allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"shadowtrace: serving {obj.store.root} at http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
