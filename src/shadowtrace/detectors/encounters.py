"""Ship-to-ship meetings at sea: two vessels side by side, slow, for hours, far from any port.

An ``ENCOUNTER`` is a stretch of at least ``min_duration_h`` during which two vessels stay within
``max_distance_m`` of each other at every 10-minute step, both with a median speed below
``max_median_speed_kn``, its mean position at least ``min_port_distance_km`` from every port of the
gazetteer (Global Fishing Watch: 500 m, 2 h, 2 kn, 10 km from an anchorage).

Steps, vectorised over all vessels at once:

1. :func:`resample`: each vessel's clean fixes become positions at every ``step_min`` step,
   interpolated between two fixes at most ``max_interpolation_gap_h`` apart (GFW: 10 min, 1 h); a
   fix with no such neighbour stands for its nearest step only, and nothing is made up across a
   longer silence;
2. :func:`candidate_pairs`: points of the same step that fall in the same or a neighbouring cell of
   a grid of about ``max_distance_m`` (latitude bands, and longitude bins as wide as that distance
   at the band's poleward edge). Each point is joined with the points of 9 cells of its own step,
   so the work grows with the number of points, not with its square;
3. :func:`close_pairs`: the candidates within ``max_distance_m``;
4. consecutive close steps of a pair make a run; a run that lasts long enough, slowly enough and far
   enough from ports is an event, with real fixes of both vessels at its start, middle and end as
   evidence.

Not handled: pairs across the antimeridian (longitude bins do not wrap).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from shadowtrace.geo.ports import Gazetteer
from shadowtrace.geo.sphere import haversine_m as haversine_np
from shadowtrace.models.events import Event, params_hash
from shadowtrace.settings import check_range, setting
from shadowtrace.tracks.exprs import KN_M_S, evidence, haversine_m, require_columns

DETECTOR = "encounters@1"

#: columns the clean positions table must have
REQUIRED = ("mmsi", "ts", "lat", "lon", "sog_kn", "source_id", "line")

M_PER_DEG_LAT = 111_195.0
#: grid cells are this much wider than the distance threshold, so rounding never loses a pair
CELL_MARGIN = 1.05


@dataclass(frozen=True)
class EncounterParams:
    """Settings of the encounter detector (defaults: Global Fishing Watch's encounters pipeline)."""

    max_distance_m: float = setting(500.0, "m", "two vessels meet when within this distance (GFW: 500 m)")
    min_duration_h: float = setting(2.0, "h", "and stay that close at every step for at least this long (GFW: 2 h)")
    max_median_speed_kn: float = setting(
        2.0, "kn", "each vessel's median speed while close stays below this (GFW: 2 kn)"
    )
    min_port_distance_km: float = setting(
        10.0, "km", "the meeting's mean position lies at least this far from every port (GFW: 10 km from an anchorage)"
    )
    step_min: float = setting(10.0, "min", "tracks are resampled to steps this long (GFW: 10 minutes)")
    max_interpolation_gap_h: float = setting(
        1.0,
        "h",
        "positions are interpolated between fixes at most this far apart (GFW: 1 h), never across longer silences",
    )

    def __post_init__(self) -> None:
        for name in ("max_distance_m", "max_median_speed_kn", "step_min", "max_interpolation_gap_h"):
            check_range(self, name, 0.0)
        check_range(self, "max_distance_m", 0.0, 50_000.0)
        check_range(self, "step_min", 0.0, 1440.0)
        check_range(self, "min_duration_h", 0.0, low_open=False)
        check_range(self, "min_port_distance_km", 0.0, low_open=False)


def resample(clean: pl.DataFrame, step_min: float = 10.0, max_interpolation_gap_h: float = 1.0) -> pl.DataFrame:
    """Each vessel's position at every ``step_min`` step covered by its fixes (see the module docstring).

    Returns one row per vessel and step: ``mmsi``, ``step`` (i64: seconds since the epoch divided by
    the step length), ``lat``, ``lon``, ``speed_kn`` (reported speeds interpolated, the implied speed
    where none was reported), and the fixes the point rests on: ``source_id``/``line`` of the fix at
    or before it, ``next_source_id``/``next_line`` of the fix after it (null for a lone fix).
    Sorted by ``mmsi``, ``step``. Of a vessel whose MMSI two transmitters share, only track 0 is used.
    """
    require_columns(clean, REQUIRED, "the clean positions table")
    step_s = step_min * 60.0
    df = clean.filter(pl.col("track") == 0) if "track" in clean.columns else clean
    df = df.select(
        pl.col("mmsi"),
        pl.col("ts").dt.epoch("ms").cast(pl.Float64).truediv(1000.0).alias("t"),
        "lat",
        "lon",
        pl.col("sog_kn").cast(pl.Float64),
        "source_id",
        "line",
    ).sort("mmsi", "t")
    nxt = [pl.col(c).shift(-1).alias(f"next_{c}") for c in ("t", "lat", "lon", "sog_kn", "source_id", "line")]
    df = df.with_columns(*nxt, _same=(pl.col("mmsi") == pl.col("mmsi").shift(-1)).fill_null(False))
    linked = pl.col("_same") & ((pl.col("next_t") - pl.col("t")) <= max_interpolation_gap_h * 3600.0)
    df = df.with_columns(
        [
            pl.when(linked).then(pl.col(f"next_{c}")).alias(f"next_{c}")
            for c in ("t", "lat", "lon", "sog_kn", "source_id", "line")
        ]
    )
    first = (pl.col("t") / step_s).ceil()
    last = pl.when(pl.col("next_t").is_not_null()).then((pl.col("next_t") / step_s).ceil() - 1)
    lone = (pl.col("t") / step_s).round()
    df = df.with_columns(
        _k0=pl.when(linked).then(first).otherwise(lone).cast(pl.Int64),
        _k1=pl.when(linked).then(last).otherwise(lone).cast(pl.Int64),
    ).filter(pl.col("_k1") >= pl.col("_k0"))
    df = df.with_columns(step=pl.int_ranges("_k0", pl.col("_k1") + 1)).explode("step")
    dt_s = pl.col("next_t") - pl.col("t")
    frac = (
        pl.when(pl.col("next_t").is_not_null() & (dt_s > 0))
        .then((pl.col("step") * step_s - pl.col("t")) / dt_s)
        .otherwise(0.0)
    )
    dlon = ((pl.col("next_lon") - pl.col("lon") + 180.0) % 360.0) - 180.0
    implied_kn = haversine_m(pl.col("lat"), pl.col("lon"), pl.col("next_lat"), pl.col("next_lon")) / dt_s / KN_M_S
    sog0 = pl.col("sog_kn").fill_null(implied_kn)
    sog1 = pl.col("next_sog_kn").fill_null(implied_kn).fill_null(sog0)
    out = df.with_columns(_f=frac).select(
        "mmsi",
        "step",
        lat=pl.col("lat") + pl.col("_f") * (pl.col("next_lat") - pl.col("lat")).fill_null(0.0),
        lon=(pl.col("lon") + pl.col("_f") * dlon.fill_null(0.0) + 180.0) % 360.0 - 180.0,
        speed_kn=sog0 + pl.col("_f") * (sog1 - sog0).fill_null(0.0),
        source_id="source_id",
        line="line",
        next_source_id="next_source_id",
        next_line="next_line",
    )
    return out.unique(["mmsi", "step"], keep="first", maintain_order=True).sort("mmsi", "step")


def _cells(points: pl.DataFrame, cell_m: float) -> pl.DataFrame:
    """Each point's grid cell: latitude band, and longitude bin as wide as ``cell_m`` at the band's poleward edge."""
    band_deg = cell_m * CELL_MARGIN / M_PER_DEG_LAT
    return points.with_row_index("_i").with_columns(_band=(pl.col("lat") / band_deg).floor().cast(pl.Int64))


def _lon_bin(band: pl.Expr, lon: pl.Expr, cell_m: float) -> pl.Expr:
    """The longitude bin of ``lon`` in latitude band ``band`` (bins narrow at the equator, wide near the poles)."""
    band_deg = cell_m * CELL_MARGIN / M_PER_DEG_LAT
    poleward = pl.max_horizontal((band * band_deg).abs(), ((band + 1) * band_deg).abs()).clip(0.0, 89.0)
    width_deg = (band_deg / poleward.radians().cos()).clip(upper_bound=360.0)
    return (lon / width_deg).floor().cast(pl.Int64)


def candidate_pairs(points: pl.DataFrame, cell_m: float) -> pl.DataFrame:
    """Pairs of points of one step in the same or neighbouring grid cells, each pair once (lower MMSI first).

    ``points`` has ``mmsi``, ``step``, ``lat``, ``lon``; the result has ``_i``/``_j``, the row
    numbers of the two points in ``points``. Every pair of points within ``cell_m`` of each other is
    among them; the number of candidates grows with the number of points times their density.
    """
    cells = _cells(points, cell_m)
    keyed = cells.select("_i", "mmsi", "step", "_band", _bin=_lon_bin(pl.col("_band"), pl.col("lon"), cell_m))
    offsets = pl.DataFrame(
        {"_db": [-1, -1, -1, 0, 0, 0, 1, 1, 1], "_dl": [-1, 0, 1] * 3}, schema={"_db": pl.Int64, "_dl": pl.Int64}
    )
    queries = (
        cells.select("_i", "mmsi", "step", "lon", "_band")
        .join(offsets, how="cross")
        .select(
            "_i",
            "mmsi",
            "step",
            _band=pl.col("_band") + pl.col("_db"),
            _bin=_lon_bin(pl.col("_band") + pl.col("_db"), pl.col("lon"), cell_m) + pl.col("_dl"),
        )
    )
    found = queries.join(keyed, on=["step", "_band", "_bin"], suffix="_o")
    return found.filter(pl.col("mmsi") < pl.col("mmsi_o")).select("_i", _j="_i_o").unique(maintain_order=True)


def close_pairs(points: pl.DataFrame, max_distance_m: float) -> pl.DataFrame:
    """Pairs of vessels within ``max_distance_m`` at one step, from :func:`resample`'s points.

    Columns: ``mmsi_a`` < ``mmsi_b``, ``step``, ``distance_m``, the mid point ``lat``/``lon``, each
    vessel's ``speed_kn_a``/``speed_kn_b``, and the fixes each point rests on (``*_a``, ``*_b``).
    """
    pairs = candidate_pairs(points, max_distance_m)
    pts = points.with_row_index("_i")
    a = pairs.join(pts, on="_i").drop("_i")
    b = pts.rename({c: f"{c}_b" for c in pts.columns if c != "_i"}).rename({"_i": "_j"})
    joined = a.join(b, on="_j").drop("_j", "step_b")
    joined = joined.rename({c: f"{c}_a" for c in pts.columns if c not in ("_i", "step")})
    dist = haversine_m(pl.col("lat_a"), pl.col("lon_a"), pl.col("lat_b"), pl.col("lon_b"))
    dlon = ((pl.col("lon_b") - pl.col("lon_a") + 180.0) % 360.0) - 180.0
    return (
        joined.with_columns(distance_m=dist)
        .filter(pl.col("distance_m") <= max_distance_m)
        .with_columns(lat=(pl.col("lat_a") + pl.col("lat_b")) / 2, lon=pl.col("lon_a") + dlon / 2)
        .sort("mmsi_a", "mmsi_b", "step")
    )


def _runs(pairs: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """``pairs`` with ``_run``: a number that changes where the key changes or a step is skipped."""
    new = pl.lit(False)
    for k in key:
        new = new | (pl.col(k) != pl.col(k).shift(1))
    new = new | (pl.col("step") != pl.col("step").shift(1) + 1)
    return pairs.with_columns(_run=new.fill_null(True).cum_sum())


def port_distance_km(gazetteer: Gazetteer, lat: float, lon: float, within_km: float) -> tuple[str | None, float]:
    """The nearest port within ``within_km`` (its listed position, berth or anchorage) and its distance, in km.

    ``(None, inf)`` when no port lies that close.
    """
    best: tuple[str | None, float] = (None, math.inf)
    for port in gazetteer.near(lat, lon, within_km + 10.0):
        lats = np.array([port.lat, port.berth_lat, port.anchorage_lat])
        lons = np.array([port.lon, port.berth_lon, port.anchorage_lon])
        d_km = float(np.min(haversine_np(lat, lon, lats, lons))) / 1000.0
        if d_km < best[1]:
            best = (port.locode, d_km)
    return best if best[1] <= within_km else (None, math.inf)


def step_time(step: int, step_min: float) -> dt.datetime:
    """The UTC time of a resampled step."""
    return dt.datetime.fromtimestamp(step * step_min * 60.0, dt.UTC)


def detect_encounters(
    clean_positions: pl.DataFrame,
    gazetteer: Gazetteer,
    params: EncounterParams,
    names: Mapping[int, str] | None = None,
) -> list[Event]:
    """ENCOUNTER events of every pair of vessels in a clean positions table (see the module docstring).

    ``names``: vessel names by MMSI, when known (only reported in the details).
    """
    points = resample(clean_positions, params.step_min, params.max_interpolation_gap_h)
    pairs = _runs(close_pairs(points, params.max_distance_m), ["mmsi_a", "mmsi_b"])
    runs = (
        pairs.group_by("_run", maintain_order=True)
        .agg(
            pl.col("mmsi_a").first(),
            pl.col("mmsi_b").first(),
            first=pl.col("step").first(),
            last=pl.col("step").last(),
            steps=pl.len(),
            lat=pl.col("lat").mean(),
            lon=pl.col("lon").mean(),
            min_distance_m=pl.col("distance_m").min(),
            median_distance_m=pl.col("distance_m").median(),
            median_speed_kn_a=pl.col("speed_kn_a").median(),
            median_speed_kn_b=pl.col("speed_kn_b").median(),
            rows=pl.struct(pl.all().exclude("_run")),
        )
        .filter(
            ((pl.col("last") - pl.col("first")) * params.step_min / 60.0 >= params.min_duration_h - 1e-9)
            & (pl.col("median_speed_kn_a") < params.max_median_speed_kn)
            & (pl.col("median_speed_kn_b") < params.max_median_speed_kn)
        )
    )
    names = names or {}
    phash = params_hash(params)
    events = []
    for run in runs.iter_rows(named=True):
        port, _ = port_distance_km(gazetteer, run["lat"], run["lon"], params.min_port_distance_km)
        if port is not None:
            continue
        events.append(_event(run, params, phash, names))
    return events


def _evidence(rows: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """Real fixes of both vessels at a run's start, middle and end."""
    picks = [("start", rows[0], False), ("middle", rows[len(rows) // 2], False), ("end", rows[-1], True)]
    out: list[tuple[int | None, int | None, str]] = []
    for where, row, after in picks:
        for side in ("a", "b"):
            role = f"{where} mmsi:{row[f'mmsi_{side}']}"
            out.append((row[f"source_id_{side}"], row[f"line_{side}"], role))
            if after:
                out.append((row[f"next_source_id_{side}"], row[f"next_line_{side}"], role))
    return evidence(out)


def _event(run: dict[str, Any], params: EncounterParams, phash: str, names: Mapping[int, str]) -> Event:
    a, b = int(run["mmsi_a"]), int(run["mmsi_b"])
    start, end = step_time(run["first"], params.step_min), step_time(run["last"], params.step_min)
    duration_h = (end - start).total_seconds() / 3600.0
    details = {
        "other": {"mmsi": b, "name": names.get(b)},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "duration_h": round(duration_h, 2),
        "lat": round(run["lat"], 5),
        "lon": round(run["lon"], 5),
        "min_distance_m": round(run["min_distance_m"], 1),
        "median_distance_m": round(run["median_distance_m"], 1),
        "median_speed_kn": {str(a): round(run["median_speed_kn_a"], 2), str(b): round(run["median_speed_kn_b"], 2)},
        "steps": run["steps"],
    }
    reasons = [
        f"within {params.max_distance_m:g} m of mmsi:{b} for {duration_h:.1f} h",
        f"median speeds {run['median_speed_kn_a']:.1f} and {run['median_speed_kn_b']:.1f} kn",
        f"at least {params.min_port_distance_km:g} km from any port",
    ]
    return Event(
        kind="ENCOUNTER",
        detector=DETECTOR,
        subject=f"mmsi:{a}",
        other=f"mmsi:{b}",
        start=start,
        end=end,
        mmsi=a,
        vessel_name=names.get(a),
        lat=run["lat"],
        lon=run["lon"],
        severity="medium",
        reasons=reasons,
        details=details,
        params_hash=phash,
        evidence=_evidence(run["rows"]),
    )
