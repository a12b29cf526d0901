"""Clean raw positions into per-vessel tracks: usable fixes, in order, once each, jumps set aside, segmented.

Steps, vectorised over many vessels at once (the table sorted by ``mmsi`` and ``ts``):

1. keep fixes of vessels (:attr:`CleanParams.vessel_msg_types`) with a time and a position; a
   reported speed that is transmitter noise (102.3, 51.2, 52 kn) becomes null, the fix stays;
2. drop duplicates: the same vessel, time and position heard by several stations (the row of the
   lowest ``source_id``/``line`` stays);
3. untangle: consecutive fixes farther apart than ``max_speed_kn`` allows (plus
   ``jump_tolerance_m``) cannot both be where they say. They split a vessel's fixes into runs of
   possible steps; for the few vessels with such steps, each run joins the most recently seen
   *track* whose last fix can reach it, or starts a new one (a tight loop over runs, not fixes).
   The track with most fixes is track 0;
4. set aside each other track that spans at most ``max_jump_duration_h`` and is outnumbered by
   track 0: a POSITION_JUMP event with its rows as evidence (the fixes around it stay). A longer
   track is kept under its own ``track`` number: two transmitters using one MMSI;
5. number segments per vessel: a new one at each silence of ``max_gap_h`` or more within a track.

A POSITION_JUMP event is a stretch of at most ``max_jump_duration_h`` of one vessel's fixes that
the rest of its track could not have reached at ``max_speed_kn``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from shadowtrace.geo.sphere import EARTH_RADIUS_M
from shadowtrace.models.events import Event, params_hash
from shadowtrace.tracks.exprs import (
    KN_M_S,
    evidence,
    fill_forward_from,
    require_columns,
    same_vessel_as_previous,
    step_m,
    step_s,
)
from shadowtrace.tracks.params import CleanParams

DETECTOR = "tracks.clean@1"

#: columns a positions table must have (a POSITIONS table has them all)
REQUIRED = ("source_id", "line", "ts", "mmsi", "lat", "lon", "sog_kn")


@dataclass(frozen=True)
class CleanResult:
    """Clean tracks, the fixes set aside as jumps, their events, and what each step removed.

    ``positions``: the kept fixes, sorted by ``mmsi``, ``ts``, with ``track`` (u32, 0 but where
    two transmitters share an MMSI) and a per-vessel ``segment`` number (u32, from 0). ``jumps``:
    the fixes set aside, with ``jump`` (the index of their event in ``events``). ``counts``: rows
    read, and rows removed by each step.
    """

    positions: pl.DataFrame
    jumps: pl.DataFrame
    events: list[Event]
    counts: dict[str, int] = field(default_factory=dict)


def clean_positions(positions: pl.DataFrame, params: CleanParams) -> CleanResult:
    """Clean a positions table of any number of vessels (see the module docstring)."""
    require_columns(positions, REQUIRED, "the positions table")
    usable, counts = _usable(positions, params)
    unique = _deduplicated(usable)
    counts["duplicates"] = usable.height - unique.height
    tracked = _untangled(unique, params)
    minor = _minor_tracks(tracked, params)
    key = ["mmsi", "track"]
    if minor.is_empty():  # the common case: nothing to set aside
        jumps, kept = tracked.clear().with_columns(jump=pl.lit(None, pl.UInt32)), tracked
    else:
        jumps = tracked.join(minor.select(*key, "jump"), on=key, maintain_order="left")
        kept = tracked.join(minor.select(key), on=key, how="anti", maintain_order="left")
    counts["jumps"] = minor.height
    counts["jump_fixes"] = jumps.height
    counts["kept"] = kept.height
    events = _jump_events(minor, jumps, kept, params)
    return CleanResult(_segments(kept, params), jumps.sort("jump", "ts", "source_id", "line"), events, counts)


def _usable(df: pl.DataFrame, p: CleanParams) -> tuple[pl.DataFrame, dict[str, int]]:
    """Fixes of vessels with a time and a position; noise speeds nulled. Counts what was left out."""
    vessel = pl.col("msg_type").is_in(list(p.vessel_msg_types)) if "msg_type" in df.columns else pl.lit(True)
    timed = pl.col("ts").is_not_null()
    placed = pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    placed = placed & pl.col("lat").is_between(-90.0, 90.0) & pl.col("lon").is_between(-180.0, 180.0)
    noise = pl.lit(False)
    for s in p.noise_speeds_kn:
        noise = noise | ((pl.col("sog_kn") - s).abs() <= p.noise_speed_tolerance_kn)
    noise = noise.fill_null(False)
    tally = df.select(
        not_vessel=(~vessel).sum(),
        untimed=(vessel & ~timed).sum(),
        no_position=(vessel & timed & ~placed).sum(),
        noise_speed=(vessel & timed & placed & noise).sum(),
    ).row(0, named=True)
    counts = {"rows": df.height, **{k: int(v or 0) for k, v in tally.items()}}
    out = df.filter(vessel & timed & placed).with_columns(sog_kn=pl.when(noise).then(None).otherwise(pl.col("sog_kn")))
    return out, counts


def _deduplicated(df: pl.DataFrame) -> pl.DataFrame:
    """Sorted by vessel and time; a fix repeating the one before (time and position) is dropped."""
    df = df.sort(["mmsi", "ts", "lat", "lon", "source_id", "line"])
    repeat = same_vessel_as_previous() & pl.all_horizontal(
        (pl.col(c) == pl.col(c).shift(1)).fill_null(False) for c in ("ts", "lat", "lon")
    )
    return df.filter(~repeat)


def _impossible(dist_m: pl.Expr, dt_s: pl.Expr, p: CleanParams) -> pl.Expr:
    """True where covering ``dist_m`` in ``dt_s`` needs more than ``max_speed_kn``."""
    return dist_m > dt_s * (p.max_speed_kn * KN_M_S) + p.jump_tolerance_m


def _untangled(df: pl.DataFrame, p: CleanParams) -> pl.DataFrame:
    """The fixes with ``track``: 0 for every vessel whose steps are all possible."""
    same = same_vessel_as_previous()
    df = df.with_columns(_run=(~same | _impossible(step_m(), step_s(), p)).cum_sum().cast(pl.UInt32))
    tangled = df.filter(same & (pl.col("_run") != pl.col("_run").shift(1)))["mmsi"].unique()
    track = np.zeros(df.height, dtype=np.uint32)
    if tangled.len():
        part = df.with_row_index("_row").filter(pl.col("mmsi").is_in(tangled.implode()))
        runs = part.group_by("_run", maintain_order=True).agg(
            pl.col("mmsi").first(),
            rows=pl.col("_row"),
            t0=pl.col("ts").first().dt.epoch("ms") / 1000.0,
            t1=pl.col("ts").last().dt.epoch("ms") / 1000.0,
            lat0=pl.col("lat").first(),
            lon0=pl.col("lon").first(),
            lat1=pl.col("lat").last(),
            lon1=pl.col("lon").last(),
        )
        run_track = _assign_tracks(runs, p)
        rows = runs["rows"].explode().to_numpy()
        track[rows] = np.repeat(run_track, runs["rows"].list.len().to_numpy())
    return df.drop("_run").with_columns(track=pl.Series(track, dtype=pl.UInt32))


def _assign_tracks(runs: pl.DataFrame, p: CleanParams) -> npt.NDArray[np.uint32]:
    """The track of each run (rows in vessel and time order), track 0 being each vessel's largest.

    Each run joins the track whose last fix is the latest of those that can reach the run's first
    fix at ``max_speed_kn`` (plus ``jump_tolerance_m``), else starts a new track. Runs are few:
    only vessels with an impossible step are looked at, and a run is a whole stretch of possible steps.
    """
    speed = p.max_speed_kn * KN_M_S
    mmsi = runs["mmsi"].to_list()
    t0, t1 = runs["t0"].to_list(), runs["t1"].to_list()
    la0, lo0, la1, lo1 = (runs[c].to_list() for c in ("lat0", "lon0", "lat1", "lon1"))
    sizes = runs["rows"].list.len().to_list()
    out = np.zeros(len(mmsi), dtype=np.uint32)
    k = 0
    while k < len(mmsi):
        end = k
        while end < len(mmsi) and mmsi[end] == mmsi[k]:
            end += 1
        ends: list[tuple[float, float, float]] = []  # each track's last fix: time, lat, lon
        fixes: list[int] = []
        for r in range(k, end):
            best = -1
            for j, (t, la, lo) in enumerate(ends):
                ok = _distance_m(la, lo, la0[r], lo0[r]) <= (t0[r] - t) * speed + p.jump_tolerance_m
                if ok and (best < 0 or t > ends[best][0]):
                    best = j
            if best < 0:
                best = len(ends)
                ends.append((0.0, 0.0, 0.0))
                fixes.append(0)
            ends[best] = (t1[r], la1[r], lo1[r])
            fixes[best] += sizes[r]
            out[r] = best
        order = sorted(range(len(fixes)), key=lambda j: (-fixes[j], j))  # largest first, then first seen
        rank = np.argsort(np.asarray(order))
        out[k:end] = rank[out[k:end]]
        k = end
    return out


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (scalar, for the loop over runs)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _minor_tracks(df: pl.DataFrame, p: CleanParams) -> pl.DataFrame:
    """Tracks to set aside: short, and with fewer fixes than their vessel's track 0; numbered ``jump``."""
    tracks = df.filter(pl.col("mmsi").is_in(df.filter(pl.col("track") > 0)["mmsi"].unique().implode()))
    stats = tracks.group_by("mmsi", "track").agg(
        n=pl.len(),
        t0=pl.col("ts").min(),
        t1=pl.col("ts").max(),
        lat=pl.col("lat").median(),
        lon=pl.col("lon").median(),
    )
    short = (pl.col("t1") - pl.col("t0")).dt.total_milliseconds() <= p.max_jump_duration_h * 3_600_000
    main_n = pl.col("n").filter(pl.col("track") == 0).first().over("mmsi")
    minor = stats.filter((pl.col("track") > 0) & short & (pl.col("n") < main_n)).sort("mmsi", "t0", "track")
    return minor.with_columns(jump=pl.int_range(pl.len(), dtype=pl.UInt32))


def _segments(df: pl.DataFrame, p: CleanParams) -> pl.DataFrame:
    """Number each vessel's segments from 0, in (track, time) order: a new one after a long silence."""
    tangled = df["track"].max() not in (0, None)
    if tangled:
        df = df.sort("mmsi", "track", "ts", maintain_order=True)
    first = ~same_vessel_as_previous()
    brk = first | (pl.col("track") != pl.col("track").shift(1)) | (step_s() >= p.max_gap_h * 3600.0)
    total = brk.cum_sum()
    base = fill_forward_from(first, pl.when(first).then(total), 0)
    out = df.with_columns(segment=(total - base).cast(pl.UInt32))
    return out.sort("mmsi", "ts", "track", maintain_order=True) if tangled else out


def _jump_events(minor: pl.DataFrame, jumps: pl.DataFrame, kept: pl.DataFrame, p: CleanParams) -> list[Event]:
    """One POSITION_JUMP event per track set aside; its fixes and the kept fixes around it are evidence."""
    if minor.is_empty():
        return []
    fixes = jumps.group_by("jump").agg(src=pl.col("source_id"), line=pl.col("line")).sort("jump")
    main = kept.filter(pl.col("track") == 0).select(
        "mmsi", _t=pl.col("ts"), _src=pl.col("source_id"), _line=pl.col("line"), _lat=pl.col("lat"), _lon=pl.col("lon")
    )
    info = minor.sort("t0").join_asof(
        main, left_on="t0", right_on="_t", by="mmsi", strategy="backward", check_sortedness=False
    )
    info = info.rename({"_src": "before_src", "_line": "before_line", "_lat": "track_lat", "_lon": "track_lon"})
    info = (
        info.drop("_t")
        .sort("t1")
        .join_asof(main, left_on="t1", right_on="_t", by="mmsi", strategy="forward", check_sortedness=False)
    )
    info = info.rename({"_src": "after_src", "_line": "after_line"}).sort("jump")
    info = info.with_columns(  # the track's position nearest in time: before the jump, else after it
        track_lat=pl.coalesce("track_lat", "_lat"), track_lon=pl.coalesce("track_lon", "_lon")
    )
    phash = params_hash(p)
    pairs = zip(info.iter_rows(named=True), fixes.iter_rows(named=True), strict=True)
    return [_jump_event(run, rows, phash) for run, rows in pairs]


def _jump_event(run: dict[str, Any], fixes: dict[str, Any], phash: str) -> Event:
    """The POSITION_JUMP event of one track set aside."""
    mmsi, n = int(run["mmsi"]), int(run["n"])
    km = None
    if run["track_lat"] is not None:
        km = _distance_m(run["track_lat"], run["track_lon"], run["lat"], run["lon"]) / 1000.0
    ev = [(run["before_src"], run["before_line"], "before")]
    ev += [(s, ln, "jump_fix") for s, ln in zip(fixes["src"], fixes["line"], strict=True)]
    ev.append((run["after_src"], run["after_line"], "after"))
    where = f"{km:.0f} km off the track" if km is not None else "away from the rest of the track"
    return Event(
        kind="POSITION_JUMP",
        detector=DETECTOR,
        subject=f"mmsi:{mmsi}",
        mmsi=mmsi,
        start=run["t0"],
        end=run["t1"],
        lat=float(run["lat"]),
        lon=float(run["lon"]),
        severity="medium",
        reasons=[f"{n} fix{'es' if n > 1 else ''} {where}, out of reach of the track before and after"],
        details={
            "fixes": n,
            "distance_km": round(km, 1) if km is not None else None,
            "track_lat": run["track_lat"],
            "track_lon": run["track_lon"],
        },
        params_hash=phash,
        evidence=evidence(ev),
    )
