"""Ship-to-ship meetings at sea: two vessels side by side, slow, for hours, far from any port.

An ``ENCOUNTER`` is a stretch of at least ``min_duration_h`` during which two vessels stay within
``max_distance_m`` of each other at every 10-minute step, both with a median speed below
``max_median_speed_kn``, its mean position at least ``min_port_distance_km`` from every port of the
gazetteer (Global Fishing Watch: 500 m, 2 h, 2 kn, 10 km from an anchorage).

Steps, vectorised over all vessels at once:

1. :func:`resample`: each vessel's clean fixes become positions at every ``step_min`` step,
   interpolated between two fixes at most ``max_interpolation_gap_h`` apart (GFW: 10 min, 1 h).
   Where reception is sparse (satellite only, a fix every few hours) an idle vessel is followed
   further: across a silence of up to ``max_idle_gap_h`` between two idle fixes, and for up to
   ``idle_extension_h`` into a longer silence from an idle fix at its edge. Nothing is made up for
   a moving vessel beyond 1 h, and events that rest on such positions say so;
2. :func:`candidate_pairs`: points of the same step that fall in the same or a neighbouring cell of
   a grid of about ``max_distance_m`` (latitude bands, each cut into a whole number of longitude
   bins at least that wide at the band's poleward edge, so the bins wrap at the antimeridian).
   Each point is joined with the points of 9 cells of its own step, so the work grows with the
   number of points, not with its square;
3. :func:`close_pairs`: the candidates within ``max_distance_m``;
4. consecutive close steps of a pair make a run; a run that lasts long enough, slowly enough and far
   enough from ports is an event, with real fixes of both vessels at its start, middle and end as
   evidence. Mean positions are taken on the circle, so a meeting on the antimeridian is placed
   there, not at 0°.
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
from shadowtrace.tracks.exprs import (
    KN_M_S,
    evidence,
    haversine_m,
    require_columns,
    same_vessel_as_next,
    same_vessel_as_previous,
)
from shadowtrace.tracks.port_index import PortPoints

DETECTOR = "encounters@2"

#: columns the clean positions table must have
REQUIRED = ("mmsi", "ts", "lat", "lon", "sog_kn", "source_id", "line")

M_PER_DEG_LAT = 111_195.0
#: grid cells are this much wider than the distance threshold, so rounding never loses a pair
CELL_MARGIN = 1.05


@dataclass(frozen=True)
class Resampling:
    """How tracks become positions every ``step_min``: settings shared by ENCOUNTER and LOITERING.

    Defaults: Global Fishing Watch's 10 minutes and 1 h, and how far an idle vessel is followed
    where reception is sparse (see :func:`resample`). ``idle_speed_kn`` is the detector's own
    speed threshold.
    """

    step_min: float = setting(10.0, "min", "tracks are resampled to steps this long (GFW: 10 minutes)")
    max_interpolation_gap_h: float = setting(
        1.0, "h", "positions are interpolated between fixes at most this far apart (GFW: 1 h)"
    )
    max_idle_gap_h: float = setting(
        12.0,
        "h",
        "... and across a silence up to this long when the vessel was idle on both sides (both fixes, and the "
        "straight line between them, below the speed threshold); 0: never (GFW)",
    )
    idle_extension_h: float = setting(
        1.0,
        "h",
        "an idle fix before or after a longer silence stands for up to this long (at most half the silence) "
        "into it, dead-reckoned on its course and speed; 0: never (GFW)",
    )
    min_fixes: int = setting(2, "fixes", "an event rests on at least this many received fixes of each vessel")

    @property
    def idle_speed_kn(self) -> float:
        raise NotImplementedError

    def __post_init__(self) -> None:
        check_range(self, "step_min", 0.0, 60.0)
        check_range(self, "max_interpolation_gap_h", 0.0)
        for name in ("max_idle_gap_h", "idle_extension_h"):
            check_range(self, name, 0.0, 48.0, low_open=False)
        check_range(self, "min_fixes", 1.0, low_open=False)


@dataclass(frozen=True)
class EncounterParams(Resampling):
    """Settings of the encounter detector (defaults: Global Fishing Watch's encounters pipeline)."""

    max_distance_m: float = setting(500.0, "m", "two vessels meet when within this distance (GFW: 500 m)")
    min_duration_h: float = setting(2.0, "h", "and stay that close at every step for at least this long (GFW: 2 h)")
    max_median_speed_kn: float = setting(
        2.0, "kn", "each vessel's median speed while close stays below this (GFW: 2 kn)"
    )
    min_port_distance_km: float = setting(
        10.0, "km", "the meeting's mean position lies at least this far from every port (GFW: 10 km from an anchorage)"
    )

    @property
    def idle_speed_kn(self) -> float:
        return self.max_median_speed_kn

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range(self, "max_distance_m", 0.0, 50_000.0)
        check_range(self, "max_median_speed_kn", 0.0)
        check_range(self, "min_duration_h", 0.0, low_open=False)
        check_range(self, "min_port_distance_km", 0.0, low_open=False)


def resample_for(clean: pl.DataFrame, params: Resampling) -> pl.DataFrame:
    """:func:`resample` with a detector's settings."""
    return resample(
        clean,
        params.step_min,
        params.max_interpolation_gap_h,
        idle_speed_kn=params.idle_speed_kn,
        max_idle_gap_h=params.max_idle_gap_h,
        idle_extension_h=params.idle_extension_h,
    )


def away_from_ports(points: pl.DataFrame, gazetteer: Gazetteer, min_port_distance_km: float) -> pl.DataFrame:
    """The resampled points at least ``min_port_distance_km`` from every port's berth and anchorage.

    Vessels in port spend most of their time idle and side by side; leaving those points out
    before pairs and idle runs are formed keeps both searches to the traffic at sea (a run is
    still judged by its mean position afterwards, as the module docstring says).
    """
    if points.is_empty() or min_port_distance_km <= 0:
        return points
    lat, lon = points["lat"].to_numpy(), points["lon"].to_numpy()
    near = PortPoints.near(gazetteer, lat, lon, min_port_distance_km)
    dist_m, _ = near.nearest(lat, lon, min_port_distance_km * 1000.0)
    return points.filter(pl.Series(np.isnan(dist_m)))


def resample(
    clean: pl.DataFrame,
    step_min: float = 10.0,
    max_interpolation_gap_h: float = 1.0,
    *,
    idle_speed_kn: float = 2.0,
    max_idle_gap_h: float = 0.0,
    idle_extension_h: float = 0.0,
) -> pl.DataFrame:
    """Each vessel's position at every ``step_min`` step covered by its fixes (see the module docstring).

    Two fixes at most ``max_interpolation_gap_h`` apart are interpolated between (GFW: 1 h); so
    are two fixes at most ``max_idle_gap_h`` apart when the vessel was idle across the silence:
    both fixes report, and the straight line between them implies, less than ``idle_speed_kn``.
    An idle fix at the edge of a longer silence (between two fixes, not at the end of a track)
    stands for up to ``idle_extension_h``, and at most half the silence, into it, dead-reckoned on
    its reported course and speed; any other fix with no such neighbour stands for its nearest
    step only.

    Returns one row per vessel and step: ``mmsi``, ``step`` (i64: seconds since the epoch divided by
    the step length), ``lat``, ``lon``, ``speed_kn`` (reported speeds interpolated, the implied speed
    where none was reported), ``silence_h`` (the silence the step lies in: the time between the fixes
    around it; 0 at a lone fix's own step), and the fixes the point rests on: ``source_id``/``line``
    of the fix at or before it, ``next_source_id``/``next_line`` of the fix after it (null for a
    lone or extended fix). Sorted by ``mmsi``, ``step``. Of a vessel whose MMSI two transmitters
    share, only track 0 is used.
    """
    require_columns(clean, REQUIRED, "the clean positions table")
    step_s = step_min * 60.0
    df = _fixes(clean)
    cols = ("t", "lat", "lon", "sog_kn", "cog_deg", "source_id", "line")
    df = df.with_columns(
        *[pl.col(c).shift(-1).alias(f"next_{c}") for c in cols],
        _same=same_vessel_as_next(),
        _prev_same=same_vessel_as_previous(),
        _prev_t=pl.col("t").shift(1),
    )
    gap_s = pl.col("next_t") - pl.col("t")
    implied_kn = haversine_m(pl.col("lat"), pl.col("lon"), pl.col("next_lat"), pl.col("next_lon")) / gap_s / KN_M_S
    idle_across = (
        (gap_s <= max_idle_gap_h * 3600.0)
        & (implied_kn < idle_speed_kn)
        & (pl.col("sog_kn").fill_null(implied_kn) < idle_speed_kn)
        & (pl.col("next_sog_kn").fill_null(implied_kn) < idle_speed_kn)
    ).fill_null(False)
    df = df.with_columns(_linked=pl.col("_same") & ((gap_s <= max_interpolation_gap_h * 3600.0) | idle_across))
    df = df.with_columns(
        _linked_prev=pl.col("_linked").shift(1).fill_null(False) & pl.col("_prev_same"),
        **{f"next_{c}": pl.when(pl.col("_linked")).then(pl.col(f"next_{c}")) for c in cols},
    )
    points = [_interpolated(df, step_s)]
    if idle_extension_h > 0:
        points.append(_extended(df, step_s, idle_speed_kn, idle_extension_h))
    out = pl.concat(points, how="vertical_relaxed").sort("mmsi", "step", "_rank", maintain_order=True)
    return out.unique(["mmsi", "step"], keep="first", maintain_order=True).drop("_rank")


def _fixes(clean: pl.DataFrame) -> pl.DataFrame:
    """The fixes resampling reads, sorted by vessel and time (track 0 only; course null when not given)."""
    df = clean.filter(pl.col("track") == 0) if "track" in clean.columns else clean
    cog = pl.col("cog_deg").cast(pl.Float64) if "cog_deg" in df.columns else pl.lit(None, pl.Float64)
    return df.select(
        pl.col("mmsi"),
        pl.col("ts").dt.epoch("ms").cast(pl.Float64).truediv(1000.0).alias("t"),
        "lat",
        "lon",
        pl.col("sog_kn").cast(pl.Float64),
        cog.alias("cog_deg"),
        "source_id",
        "line",
    ).sort("mmsi", "t")


def _interpolated(df: pl.DataFrame, step_s: float) -> pl.DataFrame:
    """Points between linked fixes, and each unlinked fix at its nearest step (rank 0: preferred)."""
    first = (pl.col("t") / step_s).ceil()
    last = pl.when(pl.col("next_t").is_not_null()).then((pl.col("next_t") / step_s).ceil() - 1)
    lone = (pl.col("t") / step_s).round()
    df = df.with_columns(
        _k0=pl.when(pl.col("_linked")).then(first).otherwise(lone).cast(pl.Int64),
        _k1=pl.when(pl.col("_linked")).then(last).otherwise(lone).cast(pl.Int64),
    ).filter(pl.col("_k1") >= pl.col("_k0"))
    df = df.with_columns(step=pl.int_ranges("_k0", pl.col("_k1") + 1)).explode("step")
    dt_s = pl.col("next_t") - pl.col("t")
    frac = (
        pl.when(pl.col("next_t").is_not_null() & (dt_s > 0))
        .then((pl.col("step") * step_s - pl.col("t")) / dt_s)
        .otherwise(0.0)
    )
    dlon = wrap_lon(pl.col("next_lon") - pl.col("lon"))
    implied_kn = haversine_m(pl.col("lat"), pl.col("lon"), pl.col("next_lat"), pl.col("next_lon")) / dt_s / KN_M_S
    sog0 = pl.col("sog_kn").fill_null(implied_kn)
    sog1 = pl.col("next_sog_kn").fill_null(implied_kn).fill_null(sog0)
    return df.with_columns(_f=frac).select(
        "mmsi",
        "step",
        lat=pl.col("lat") + pl.col("_f") * (pl.col("next_lat") - pl.col("lat")).fill_null(0.0),
        lon=wrap_lon(pl.col("lon") + pl.col("_f") * dlon.fill_null(0.0)),
        speed_kn=sog0 + pl.col("_f") * (sog1 - sog0).fill_null(0.0),
        silence_h=(dt_s / 3600.0).fill_null(0.0),
        source_id="source_id",
        line="line",
        next_source_id="next_source_id",
        next_line="next_line",
        _rank=pl.lit(0, pl.Int8),
    )


def _extended(df: pl.DataFrame, step_s: float, idle_speed_kn: float, extension_h: float) -> pl.DataFrame:
    """Idle fixes at the edges of silences carried into them, dead-reckoned (rank 1: behind interpolated points)."""
    idle = pl.col("sog_kn").is_not_null() & (pl.col("sog_kn") < idle_speed_kn)
    ext_s = extension_h * 3600.0
    df = df.with_columns(
        _ahead_gap_s=pl.when(pl.col("_same")).then(pl.col("t").shift(-1) - pl.col("t")),
        _back_gap_s=pl.when(pl.col("_prev_same")).then(pl.col("t") - pl.col("_prev_t")),
    )
    # each side reaches into the silence for the extension, and at most half of it
    ahead = df.filter(idle & ~pl.col("_linked") & pl.col("_ahead_gap_s").is_not_null()).with_columns(
        _k0=(pl.col("t") / step_s).floor() + 1,
        _k1=((pl.col("t") + pl.min_horizontal(ext_s, pl.col("_ahead_gap_s") / 2)) / step_s).floor(),
        _silence_s=pl.col("_ahead_gap_s"),
    )
    back = df.filter(idle & ~pl.col("_linked_prev") & pl.col("_back_gap_s").is_not_null()).with_columns(
        _k0=((pl.col("t") - pl.min_horizontal(ext_s, pl.col("_back_gap_s") / 2)) / step_s).ceil(),
        _k1=(pl.col("t") / step_s).ceil() - 1,
        _silence_s=pl.col("_back_gap_s"),
    )
    sides = pl.concat([ahead, back])
    sides = sides.with_columns(pl.col("_k0", "_k1").cast(pl.Int64)).filter(pl.col("_k1") >= pl.col("_k0"))
    sides = sides.with_columns(step=pl.int_ranges("_k0", pl.col("_k1") + 1)).explode("step")
    run_m = pl.col("sog_kn") * KN_M_S * (pl.col("step") * step_s - pl.col("t"))
    course = pl.col("cog_deg").radians()
    north_m = (run_m * course.cos()).fill_null(0.0)
    east_m = (run_m * course.sin()).fill_null(0.0)
    return sides.select(
        "mmsi",
        "step",
        lat=pl.col("lat") + north_m / M_PER_DEG_LAT,
        lon=wrap_lon(pl.col("lon") + east_m / (M_PER_DEG_LAT * pl.col("lat").radians().cos())),
        speed_kn="sog_kn",
        silence_h=pl.col("_silence_s") / 3600.0,
        source_id="source_id",
        line="line",
        next_source_id=pl.lit(None, df.schema["source_id"]),
        next_line=pl.lit(None, df.schema["line"]),
        _rank=pl.lit(1, pl.Int8),
    )


def wrap_lon(lon: pl.Expr) -> pl.Expr:
    """Longitudes wrapped into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def mean_lon(lon: pl.Expr) -> pl.Expr:
    """The mean of longitudes taken as directions (an aggregation), right across the antimeridian too."""
    rad = lon.radians()
    return wrap_lon(pl.arctan2(rad.sin().mean(), rad.cos().mean()).degrees())


def _cells(points: pl.DataFrame, cell_m: float) -> pl.DataFrame:
    """Each point's latitude band, about ``cell_m`` (plus a margin) tall."""
    band_deg = cell_m * CELL_MARGIN / M_PER_DEG_LAT
    return points.with_row_index("_i").with_columns(_band=(pl.col("lat") / band_deg).floor().cast(pl.Int64))


def _lon_bin(band: pl.Expr, lon: pl.Expr, cell_m: float, offset: pl.Expr | int = 0) -> pl.Expr:
    """The longitude bin of ``lon`` in latitude band ``band``, moved by ``offset`` bins and wrapped at ±180°.

    A band holds a whole number of equal bins, each at least ``cell_m`` (plus a margin) wide at the
    band's poleward edge, so bin -1 of one side of the antimeridian is the last bin of the other
    (a band near a pole is a single bin).
    """
    band_deg = cell_m * CELL_MARGIN / M_PER_DEG_LAT
    poleward = pl.max_horizontal((band * band_deg).abs(), ((band + 1) * band_deg).abs()).clip(0.0, 90.0)
    bins = (360.0 * poleward.radians().cos() / band_deg).floor().clip(lower_bound=1.0)
    index = ((lon + 180.0) * bins / 360.0).floor() + offset
    return (index % bins).cast(pl.Int64)


def candidate_pairs(points: pl.DataFrame, cell_m: float) -> pl.DataFrame:
    """Pairs of points of one step in the same or neighbouring grid cells, each pair once (lower MMSI first).

    ``points`` has ``mmsi``, ``step``, ``lat``, ``lon``; the result has ``_i``/``_j``, the row
    numbers of the two points in ``points``. Every pair of points within ``cell_m`` of each other is
    among them, across the antimeridian too; the number of candidates grows with the number of
    points times their density.
    """
    cells = _cells(points, cell_m)
    keyed = cells.select("_i", "mmsi", "step", "_band", _bin=_lon_bin(pl.col("_band"), pl.col("lon"), cell_m))
    offsets = pl.DataFrame(
        {"_db": [-1, -1, -1, 0, 0, 0, 1, 1, 1], "_dl": [-1, 0, 1] * 3}, schema={"_db": pl.Int64, "_dl": pl.Int64}
    )
    queries = (  # lazy and streamed: the nine neighbours of every point never sit in memory at once
        cells.lazy()
        .select("_i", "mmsi", "step", "lon", "_band")
        .join(offsets.lazy(), how="cross")
        .select(
            "_i",
            "mmsi",
            "step",
            _band=pl.col("_band") + pl.col("_db"),
            _bin=_lon_bin(pl.col("_band") + pl.col("_db"), pl.col("lon"), cell_m, pl.col("_dl")),
        )
    )
    found = queries.join(keyed.lazy(), on=["step", "_band", "_bin"], suffix="_o")
    pairs = found.filter(pl.col("mmsi") < pl.col("mmsi_o")).select("_i", _j="_i_o")
    return pairs.collect(engine="streaming").unique().sort("_i", "_j")


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
    dlon = wrap_lon(pl.col("lon_b") - pl.col("lon_a"))
    return (
        joined.with_columns(distance_m=dist)
        .filter(pl.col("distance_m") <= max_distance_m)
        .with_columns(lat=(pl.col("lat_a") + pl.col("lat_b")) / 2, lon=wrap_lon(pl.col("lon_a") + dlon / 2))
        .sort("mmsi_a", "mmsi_b", "step")
    )


def fix_count(suffix: str = "", prefix: str = "") -> pl.Expr:
    """How many received fixes the points of a group rest on (an aggregation over :func:`resample`'s columns)."""

    def key(source: str, line: str) -> pl.Expr:
        return pl.col(f"{prefix}{source}{suffix}").cast(pl.Int64) * (1 << 40) + pl.col(f"{prefix}{line}{suffix}")

    return key("source_id", "line").append(key("next_source_id", "next_line")).drop_nulls().n_unique()


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
    points = away_from_ports(resample_for(clean_positions, params), gazetteer, params.min_port_distance_km)
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
            lon=mean_lon(pl.col("lon")),
            min_distance_m=pl.col("distance_m").min(),
            median_distance_m=pl.col("distance_m").median(),
            median_speed_kn_a=pl.col("speed_kn_a").median(),
            median_speed_kn_b=pl.col("speed_kn_b").median(),
            longest_silence_h_a=pl.col("silence_h_a").max(),
            longest_silence_h_b=pl.col("silence_h_b").max(),
            fixes_a=fix_count("_a"),
            fixes_b=fix_count("_b"),
            rows=pl.struct(pl.all().exclude("_run")),
        )
        .filter(
            ((pl.col("last") - pl.col("first")) * params.step_min / 60.0 >= params.min_duration_h - 1e-9)
            & (pl.min_horizontal("fixes_a", "fixes_b") >= params.min_fixes)
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


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def bridged_silences(longest_h: Mapping[int, float | None], max_interpolation_gap_h: float) -> str | None:
    """The reason to add when positions were carried across silences longer than ordinary interpolation."""
    long = {m: h for m, h in longest_h.items() if h is not None and h > max_interpolation_gap_h + 1e-9}
    if not long:
        return None
    which = ", ".join(f"mmsi:{m} up to {h:.1f} h" for m, h in sorted(long.items()))
    return f"rests in part on positions carried into silences of an idle vessel ({which}): sparse reception"


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
        "fixes": {str(a): run["fixes_a"], str(b): run["fixes_b"]},
        "longest_silence_h": {str(a): _hours(run["longest_silence_h_a"]), str(b): _hours(run["longest_silence_h_b"])},
    }
    reasons = [
        f"within {params.max_distance_m:g} m of mmsi:{b} for {duration_h:.1f} h",
        f"median speeds {run['median_speed_kn_a']:.1f} and {run['median_speed_kn_b']:.1f} kn",
        f"at least {params.min_port_distance_km:g} km from any port",
    ]
    bridged = bridged_silences(
        {a: run["longest_silence_h_a"], b: run["longest_silence_h_b"]}, params.max_interpolation_gap_h
    )
    if bridged:
        reasons.append(bridged)
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
