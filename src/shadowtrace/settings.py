"""Settings declared once: each is a dataclass field with its unit and help text.

Detector and track settings are frozen dataclasses whose fields come from :func:`setting`;
their ``__post_init__`` checks each value with :func:`check_range`, which raises
:class:`~shadowtrace.errors.InputError` naming the setting, the bad value and the allowed range.
"""

from __future__ import annotations

import math
from dataclasses import field, fields
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
