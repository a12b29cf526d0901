"""One vessel idling at sea: where transfers happen, to a visible partner or to a dark one.

A ``LOITERING`` event is a run of consecutive hours, lasting at least ``min_duration_h``, in each
of which a vessel's mean speed (over its 10-minute resampled positions, see
:func:`shadowtrace.detectors.encounters.resample`) stays below ``max_mean_speed_kn``, its mean
position at least ``min_port_distance_km`` from every port of the gazetteer (Global Fishing Watch:
hourly mean speed < 2 kn for >= 2 h, published events >= 20 nm from shore). Where reception is
sparse, a silence between two idle fixes counts as idle time (see ``max_idle_gap_h``), as it does
in GFW's loitering pipeline, whose hourly speeds weigh each fix by the time since the one before.

When ``ENCOUNTER`` events of the same vessel with one partner cover ``explained_fraction`` of the
time, the details name that partner (``low``). Otherwise no partner broadcast nearby: a possible
dark transfer (``medium``) when a transfer is plausible, that is, unless the vessel's broadcast
ship type is one whose work keeps it idle at sea (fishing, tugs, pilots, passenger ships:
:data:`IDLE_AT_WORK`), whose loitering is listed as ``info``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from shadowtrace.detectors.encounters import (
    Resampling,
    away_from_ports,
    bridged_silences,
    fix_count,
    mean_lon,
    port_distance_km,
    resample_for,
    step_time,
)
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.models.events import Event, params_hash
from shadowtrace.settings import check_range, setting
from shadowtrace.tracks.exprs import evidence

DETECTOR = "loitering@2"

#: AIS ship types (ITU-R M.1371 "type of ship and cargo") whose work keeps them idle at sea, first to last code
IDLE_AT_WORK: tuple[tuple[int, int, str], ...] = (
    (30, 30, "fishing vessel"),
    (31, 32, "towing vessel"),
    (33, 34, "dredging, underwater or diving vessel"),
    (35, 35, "military vessel"),
    (36, 37, "sailing or pleasure craft"),
    (40, 49, "high-speed craft"),
    (50, 50, "pilot vessel"),
    (51, 51, "search and rescue vessel"),
    (52, 53, "tug or port tender"),
    (54, 55, "anti-pollution or law enforcement vessel"),
    (58, 59, "medical transport or non-combatant ship"),
    (60, 69, "passenger ship"),
)


def idle_at_work(ship_type: int | None) -> str | None:
    """What a vessel of this AIS ship type is, when its work keeps it idle at sea (else None)."""
    if ship_type is None:
        return None
    return next((what for first, last, what in IDLE_AT_WORK if first <= ship_type <= last), None)


def latest_ship_types(statics: pl.DataFrame) -> dict[int, int]:
    """Each MMSI's latest broadcast ship type (0, "not available", counts as none)."""
    typed = statics.filter(pl.col("ship_type").is_not_null() & (pl.col("ship_type") > 0))
    latest = typed.sort("ts").group_by("mmsi").agg(pl.col("ship_type").last())
    return dict(zip(latest["mmsi"].to_list(), latest["ship_type"].to_list(), strict=True))


@dataclass(frozen=True)
class LoiteringParams(Resampling):
    """Settings of the loitering detector (defaults: Global Fishing Watch's loitering events)."""

    max_mean_speed_kn: float = setting(2.0, "kn", "an hour is idle when the vessel's mean speed in it is below this")
    min_duration_h: float = setting(2.0, "h", "idle hours in a row last at least this long (GFW: 2 h)")
    min_port_distance_km: float = setting(
        37.04,
        "km",
        "the mean position lies at least this far from every port: 20 nm, as GFW's published events are from shore",
    )
    explained_fraction: float = setting(
        0.25,
        "fraction",
        "loitering overlapped by ENCOUNTERs of the same vessel with one partner for at least this share of its "
        "time had a visible partner; otherwise it is a possible dark transfer",
    )

    @property
    def idle_speed_kn(self) -> float:
        return self.max_mean_speed_kn

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range(self, "max_mean_speed_kn", 0.0)
        check_range(self, "min_duration_h", 0.0, low_open=False)
        check_range(self, "min_port_distance_km", 0.0, low_open=False)
        check_range(self, "explained_fraction", 0.0, 1.0)


def idle_runs(clean_positions: pl.DataFrame, params: LoiteringParams, gazetteer: Gazetteer) -> pl.DataFrame:
    """Runs of consecutive idle hours per vessel lasting ``min_duration_h``, before the port and encounter rules.

    Columns: ``mmsi``, ``first``/``last`` (resampled steps), ``hours``, ``lat``/``lon`` (mean),
    ``mean_speed_kn``, ``max_hourly_speed_kn``, ``longest_silence_h`` (the longest silence its
    positions were carried across), ``fixes`` (the received fixes it rests on), ``rows`` (the points,
    with the fixes they rest on).
    """
    points = away_from_ports(resample_for(clean_positions, params), gazetteer, params.min_port_distance_km)
    per_hour = 60.0 / params.step_min
    hours = (
        points.with_columns(hour=(pl.col("step") / per_hour).floor().cast(pl.Int64))
        .group_by("mmsi", "hour", maintain_order=True)
        .agg(hourly_speed_kn=pl.col("speed_kn").mean(), rows=pl.struct(pl.all().exclude("hour")))
        .filter(pl.col("hourly_speed_kn") < params.max_mean_speed_kn)
        .sort("mmsi", "hour")
    )
    new = (pl.col("mmsi") != pl.col("mmsi").shift(1)) | (pl.col("hour") != pl.col("hour").shift(1) + 1)
    hours = hours.with_columns(_run=new.fill_null(True).cum_sum())
    runs = (
        hours.explode("rows")
        .unnest("rows", separator=".")
        .group_by("_run", maintain_order=True)
        .agg(
            pl.col("mmsi").first(),
            first=pl.col("rows.step").min(),
            last=pl.col("rows.step").max(),
            hours=pl.col("hour").n_unique(),
            lat=pl.col("rows.lat").mean(),
            lon=mean_lon(pl.col("rows.lon")),
            mean_speed_kn=pl.col("rows.speed_kn").mean(),
            max_hourly_speed_kn=pl.col("hourly_speed_kn").max(),
            longest_silence_h=pl.col("rows.silence_h").max(),
            fixes=fix_count(prefix="rows."),
            rows=pl.struct("rows.source_id", "rows.line", "rows.next_source_id", "rows.next_line"),
        )
    )
    long_enough = (pl.col("last") - pl.col("first")) * params.step_min / 60.0 >= params.min_duration_h - 1e-9
    return runs.filter(long_enough & (pl.col("fixes") >= params.min_fixes)).drop("_run")


def _partner(run: dict[str, Any], encounters: Sequence[Event], params: LoiteringParams) -> int | None:
    """The vessel whose ENCOUNTERs with this one cover the most of the run, if ``explained_fraction`` of it."""
    start, end = step_time(run["first"], params.step_min), step_time(run["last"], params.step_min)
    span_s = max((end - start).total_seconds(), 1.0)
    overlap_s: dict[int, float] = {}
    for e in encounters:
        other = e.details.get("other")
        if e.kind != "ENCOUNTER" or e.end is None or e.mmsi is None or not isinstance(other, Mapping):
            continue
        pair = (e.mmsi, int(other["mmsi"]))
        if run["mmsi"] not in pair:
            continue
        partner = pair[1] if run["mmsi"] == pair[0] else pair[0]
        overlap = (min(end, e.end) - max(start, e.start)).total_seconds()
        overlap_s[partner] = overlap_s.get(partner, 0.0) + max(overlap, 0.0)
    best = max(overlap_s.items(), key=lambda item: (item[1], -item[0]), default=None)
    return best[0] if best is not None and best[1] >= params.explained_fraction * span_s else None


def detect_loitering(
    clean_positions: pl.DataFrame,
    gazetteer: Gazetteer,
    params: LoiteringParams,
    encounters: Sequence[Event] = (),
    names: Mapping[int, str] | None = None,
    ship_types: Mapping[int, int] | None = None,
) -> list[Event]:
    """LOITERING events of every vessel in a clean positions table (see the module docstring).

    ``encounters``: ENCOUNTER events already found; they name the partner of a loitering.
    ``names``, ``ship_types``: vessel names and AIS ship types by MMSI, when known
    (:func:`latest_ship_types`).
    """
    names = names or {}
    ship_types = ship_types or {}
    phash = params_hash(params)
    events = []
    for run in idle_runs(clean_positions, params, gazetteer).iter_rows(named=True):
        port, _ = port_distance_km(gazetteer, run["lat"], run["lon"], params.min_port_distance_km)
        if port is not None:
            continue
        partner = _partner(run, encounters, params)
        at_work = idle_at_work(ship_types.get(run["mmsi"])) if partner is None else None
        events.append(_event(run, params, phash, names, partner, at_work))
    return events


def _meaning(partner: int | None, at_work: str | None) -> tuple[str, str, str, str]:
    """Severity, note, why and reason of a loitering, by whom it was beside or what the vessel is."""
    if partner is not None:
        reason = f"beside mmsi:{partner} (see its ENCOUNTER)"
        return "low", f"alongside mmsi:{partner} (ENCOUNTER)", "idle at sea beside a partner", reason
    if at_work is not None:
        reason = f"broadcasts as a {at_work}: idling at sea is its ordinary work, a transfer is not presumed"
        return "info", f"idle at work ({at_work})", "its ship type idles at sea in its ordinary work", reason
    reason = "no encounter with a vessel broadcasting AIS: possible dark transfer"
    return "medium", "possible dark transfer", "idle at sea with no partner broadcasting nearby", reason


def _event(
    run: dict[str, Any],
    params: LoiteringParams,
    phash: str,
    names: Mapping[int, str],
    partner: int | None,
    at_work: str | None,
) -> Event:
    mmsi = int(run["mmsi"])
    start, end = step_time(run["first"], params.step_min), step_time(run["last"], params.step_min)
    duration_h = (end - start).total_seconds() / 3600.0
    rows = run["rows"]
    picks = [("start", rows[0]), ("middle", rows[len(rows) // 2]), ("end", rows[-1])]
    ev = [(r["rows.source_id"], r["rows.line"], where) for where, r in picks]
    ev.append((rows[-1]["rows.next_source_id"], rows[-1]["rows.next_line"], "end"))
    severity, note, why, reason = _meaning(partner, at_work)
    silence = run["longest_silence_h"]
    details = {
        "note": note,
        "why": why,
        "partner_mmsi": partner,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "duration_h": round(duration_h, 2),
        "lat": round(run["lat"], 5),
        "lon": round(run["lon"], 5),
        "mean_speed_kn": round(run["mean_speed_kn"], 2),
        "max_hourly_speed_kn": round(run["max_hourly_speed_kn"], 2),
        "longest_silence_h": None if silence is None else round(silence, 2),
        "fixes": run["fixes"],
    }
    reasons = [
        f"hourly mean speed below {params.max_mean_speed_kn:g} kn for {duration_h:.1f} h",
        f"at least {params.min_port_distance_km:g} km from any port",
        reason,
    ]
    bridged = bridged_silences({mmsi: silence}, params.max_interpolation_gap_h)
    if bridged:
        reasons.append(bridged)
    return Event(
        kind="LOITERING",
        detector=DETECTOR,
        subject=f"mmsi:{mmsi}",
        start=start,
        end=end,
        mmsi=mmsi,
        vessel_name=names.get(mmsi),
        lat=run["lat"],
        lon=run["lon"],
        severity=severity,
        reasons=reasons,
        details=details,
        params_hash=phash,
        evidence=evidence(ev),
    )
