"""Settings declared once: each is a dataclass field with its unit and help text.

Detector and track settings are frozen dataclasses whose fields come from :func:`setting`;
their ``__post_init__`` checks each value with :func:`check_range`, which raises
:class:`~shadowtrace.errors.InputError` naming the setting, the bad value and the allowed range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import field, fields, replace
from typing import Any

from shadowtrace.errors import InputError


def setting(default: Any, unit: str, help: str) -> Any:
    """A dataclass field carrying its unit and help text."""
    return field(default=default, metadata={"unit": unit, "help": help})


def check_range(obj: Any, name: str, low: float, high: float = math.inf, *, low_open: bool = True) -> None:
    """Raise InputError unless ``obj.name`` lies in (low, high] (or [low, high] when not ``low_open``)."""
    value = getattr(obj, name)
    unit = next(f.metadata.get("unit", "") for f in fields(obj) if f.name == name)
    ok = isinstance(value, int | float) and not math.isnan(value) and value <= high
    ok = ok and (value > low if low_open else value >= low)
    if not ok:
        bound = f"above {low:g}" if low_open else f"at least {low:g}"
        upper = f" and at most {high:g}" if math.isfinite(high) else ""
        raise InputError(f"{type(obj).__name__}.{name} = {value!r}: must be a number {bound}{upper} {unit}".rstrip())


def with_overrides(obj: Any, pairs: Iterable[str]) -> Any:
    """A copy of a settings dataclass with ``name=value`` texts applied (as typed on a command line).

    A value takes the type of the setting's default: a number, or a comma-separated tuple
    (``KP,IR``); ``none`` clears a setting whose default may be None. The copy validates itself.
    """
    known = {f.name: f for f in fields(obj)}
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or name not in known:
            raise InputError(
                f"setting {pair!r}: give NAME=VALUE with NAME one of {', '.join(known)}"
            )
        values[name] = _parse_setting(type(obj).__name__, name, getattr(obj, name), text)
    return replace(obj, **values)


def _parse_setting(owner: str, name: str, default: Any, text: str) -> Any:
    if text.lower() == "none":
        return None
    try:
        if isinstance(default, tuple):
            kind = type(default[0]) if default else str
            return tuple(kind(part.strip()) for part in text.split(",") if part.strip())
        if isinstance(default, bool) or not isinstance(default, int | float):
            return text
        return type(default)(text) if isinstance(default, int) and text.lstrip("-").isdigit() else float(text)
    except ValueError:
        raise InputError(f"{owner}.{name} = {text!r}: not a {type(default).__name__}") from None
