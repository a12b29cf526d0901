"""Rendering the app's pages with the shared Jinja environment (autoescaping on)."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from shadowtrace import __version__


@functools.cache
def environment() -> jinja2.Environment:
    """The components' environment (``web.components.jinja_env``), over ``web/templates``."""
    from shadowtrace.web.components import jinja_env

    env: jinja2.Environment = jinja_env()
    assert env.autoescape, "the web pages need an autoescaping environment"
    return env


def render(template: str, **context: Any) -> str:
    """``template`` (a name under ``web/templates``) rendered with ``context``."""
    return environment().get_template(template).render(version=__version__, **context)
