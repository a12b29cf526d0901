"""Polars expressions shared by the track modules: distances and per-vessel neighbours.

Tables here are sorted by ``mmsi`` then ``ts``, so "the previous fix of the same vessel" is a
shift of the whole column masked where the vessel changes: one vectorised pass, no group-by.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from shadowtrace.errors import InputError
from shadowtrace.geo.sphere import EARTH_RADIUS_M

KN_M_S = 1852.0 / 3600.0  # metres per second in a knot


def haversine_m(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    """Great-circle distance in metres between two points given as expressions in degrees."""
    p1, p2 = lat1.radians(), lat2.radians()
    a = ((p2 - p1) / 2).sin().pow(2) + p1.cos() * p2.cos() * ((lon2 - lon1).radians() / 2).sin().pow(2)
    return a.clip(0.0, 1.0).sqrt().arcsin() * (2.0 * EARTH_RADIUS_M)


def same_vessel_as_previous(key: str = "mmsi") -> pl.Expr:
    """True where the row before belongs to the same vessel (False on each vessel's first row)."""
    return (pl.col(key) == pl.col(key).shift(1)).fill_null(False)


def same_vessel_as_next(key: str = "mmsi") -> pl.Expr:
    """True where the row after belongs to the same vessel (False on each vessel's last row)."""
    return (pl.col(key) == pl.col(key).shift(-1)).fill_null(False)


def step_m() -> pl.Expr:
    """Distance in metres from the previous row's position (null on the first row)."""
    return haversine_m(pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon"))


def step_s() -> pl.Expr:
    """Seconds since the previous row's time (null on the first row)."""
    return (pl.col("ts") - pl.col("ts").shift(1)).dt.total_milliseconds() / 1000.0


def fill_forward_from(first: pl.Expr, value: pl.Expr, start: Any) -> pl.Expr:
    """``value`` carried forward over nulls, never across a row where ``first`` is true.

    On those rows a null is replaced by ``start``, so carrying never leaks from one vessel (or
    visit) into the next: the hysteresis states of the track modules are built this way. ``start``
    must not be None (a null start would itself be filled from the row before).
    """
    return pl.when(first & value.is_null()).then(pl.lit(start)).otherwise(value).forward_fill()


def evidence(rows: Iterable[tuple[int | None, int | None, str]]) -> list[tuple[int, int, str]]:
    """Evidence tuples ``(source_id, line, role)``, dropping missing rows and repeats (first role wins)."""
    seen: set[tuple[int, int]] = set()
    out: list[tuple[int, int, str]] = []
    for source_id, line, role in rows:
        if source_id is None or line is None or (source_id, line) in seen:
            continue
        seen.add((source_id, line))
        out.append((int(source_id), int(line), role))
    return out


def require_columns(df: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise InputError naming the columns ``what`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{what} lacks column(s) {', '.join(missing)}; it needs {', '.join(columns)}")
