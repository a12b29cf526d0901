"""Vessel identifiers as people type them: an MMSI (9 digits) or an IMO number (7 digits, ``IMO`` optional)."""

from __future__ import annotations

from typing import Literal

from shadowtrace.errors import InputError


def parse_vessel(text: str) -> tuple[Literal["mmsi", "imo"], int]:
    """``("mmsi", n)`` for 9 digits, ``("imo", n)`` for 7 (``"IMO 9301234"`` too); InputError otherwise."""
    digits = text.upper().removeprefix("IMO").strip()
    if not digits.isdigit() or len(digits) not in (7, 9):
        raise InputError(f"vessel {text!r}: give an MMSI (9 digits) or an IMO number (7 digits)")
    return ("mmsi", int(digits)) if len(digits) == 9 else ("imo", int(digits))
