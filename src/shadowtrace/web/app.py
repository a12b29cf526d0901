"""The web app: server-rendered pages and a JSON API over one store, read-only.

:func:`create_app` builds it; ``shadowtrace serve`` runs it with uvicorn on the loopback
interface by default. What it guarantees (docs/web.md):

- **Read-only.** Only GET routes (any other method: 405); the store is read through DuckDB views over the
  committed files, a cursor per request (:mod:`shadowtrace.web.queries`).
- **Nothing from a request reaches the filesystem.** Static files come from a fixed map of names
  to package resources; every other path is a 404. Parameters are typed and matched against
  patterns (event ids, vessel ids, kinds, ISO dates), so a bad one is a 422, an unknown one a 404.
- **Untrusted text stays text.** Templates autoescape; page data travels in
  ``<script type="application/json">`` blocks (``<`` escaped) read by the static scripts, so the
  Content-Security-Policy allows no inline script, and nothing is fetched from other hosts.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from shadowtrace import __version__
from shadowtrace.store.store import Store
from shadowtrace.web import api, components, pages
from shadowtrace.web.queries import Reader

#: every response carries these
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def static_assets() -> dict[str, tuple[str, Callable[[], bytes]]]:
    """The files under ``/static/``: the shared components' fixed list (``web.components.ASSETS``:
    stylesheet, scripts, and plotly.js from the ``plotly`` package), name -> (media type, bytes)."""
    return {
        name: (f"{media}; charset=utf-8", functools.partial(_asset_bytes, name))
        for name, media in components.ASSETS.items()
    }


def _asset_bytes(name: str) -> bytes:
    return components.asset_text(name).encode()


def create_app(store: Store, *, allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The app over ``store`` (which must exist). ``allowed_hosts``: the Host headers it answers
    (``shadowtrace serve`` passes the loopback names, against DNS rebinding); None: any."""
    app = FastAPI(
        title="shadowtrace",
        version=__version__,
        summary="Events, vessels and risk found in AIS data, with the evidence. Read-only.",
        docs_url=None,  # the interactive docs would load their scripts from a CDN
        redoc_url=None,
    )
    app.state.reader = Reader(store)
    app.include_router(api.router)
    app.include_router(pages.router)
    assets = static_assets()
    loaded: dict[str, bytes] = {}

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in assets:
            raise StarletteHTTPException(404, "no such file")
        media, load = assets[name]
        if name not in loaded:
            loaded[name] = load()
        return Response(loaded[name], media_type=media, headers={"Cache-Control": "public, max-age=3600"})

    hosts = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if hosts is not None and host_name(request.headers.get("host", "")) not in hosts:
            response = Response("this server answers only for its own host name", 400, media_type="text/plain")
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    return app


def host_name(header: str) -> str:
    """The name in a Host header, without the port: ``127.0.0.1``, ``localhost``, ``[::1]``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.split(":", 1)[0]


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _wants_html(request):
        return pages.error_page(request, exc.status_code, str(exc.detail))
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    if _wants_html(request):
        problems = "; ".join(pages.describe_error(e) for e in exc.errors())
        return pages.error_page(request, 422, problems)
    return JSONResponse({"detail": _jsonable(exc.errors())}, status_code=422)


def _jsonable(errors: Sequence[object]) -> list[dict[str, object]]:
    """Validation errors without their exception objects (``ctx.error``), which JSON cannot carry."""
    out = []
    for err in errors:
        if isinstance(err, dict):
            item = {k: v for k, v in err.items() if k != "ctx"}
            if isinstance(err.get("ctx"), dict):
                item["ctx"] = {k: str(v) for k, v in err["ctx"].items()}
            out.append(item)
    return out
