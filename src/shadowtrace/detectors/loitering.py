"""One vessel idling at sea: where transfers happen, to a visible partner or to a dark one.

A ``LOITERING`` event is a run of consecutive hours, lasting at least ``min_duration_h``, in each
of which a vessel's mean speed (over its 10-minute resampled positions, see
:func:`shadowtrace.detectors.encounters.resample`) stays below ``max_mean_speed_kn``, its mean
position at least ``min_port_distance_km`` from every port of the gazetteer (Global Fishing Watch:
hourly mean speed < 2 kn for >= 2 h, published events >= 20 nm from shore). When an ``ENCOUNTER``
of the same vessel covers most of the same time, the details name that partner; otherwise no
partner broadcast nearby, and the event is a possible dark transfer (medium, not low, severity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from shadowtrace.detectors.encounters import port_distance_km, resample, step_time
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.models.events import Event, params_hash
from shadowtrace.settings import check_range, setting
from shadowtrace.tracks.exprs import evidence

DETECTOR = "loitering@1"


@dataclass(frozen=True)
class LoiteringParams:
    """Settings of the loitering detector (defaults: Global Fishing Watch's loitering events)."""

    max_mean_speed_kn: float = setting(2.0, "kn", "an hour is idle when the vessel's mean speed in it is below this")
    min_duration_h: float = setting(2.0, "h", "idle hours in a row last at least this long (GFW: 2 h)")
    min_port_distance_km: float = setting(
        37.04,
        "km",
        "the mean position lies at least this far from every port: 20 nm, as GFW's published events are from shore",
    )
    step_min: float = setting(10.0, "min", "tracks are resampled to steps this long (GFW: 10 minutes)")
    max_interpolation_gap_h: float = setting(
        1.0, "h", "positions are interpolated between fixes at most this far apart; a longer silence ends a run"
    )
    explained_fraction: float = setting(
        0.5,
        "fraction",
        "loitering overlapped by an ENCOUNTER of the same vessel for at least this share of its time had "
        "a visible partner; otherwise it is a possible dark transfer",
    )

    def __post_init__(self) -> None:
        for name in ("max_mean_speed_kn", "max_interpolation_gap_h"):
            check_range(self, name, 0.0)
        check_range(self, "step_min", 0.0, 60.0)
        check_range(self, "min_duration_h", 0.0, low_open=False)
        check_range(self, "min_port_distance_km", 0.0, low_open=False)
        check_range(self, "explained_fraction", 0.0, 1.0)


def idle_runs(clean_positions: pl.DataFrame, params: LoiteringParams) -> pl.DataFrame:
    """Runs of consecutive idle hours per vessel lasting ``min_duration_h``, before the port and encounter rules.

    Columns: ``mmsi``, ``first``/``last`` (resampled steps), ``hours``, ``lat``/``lon`` (mean),
    ``mean_speed_kn``, ``max_hourly_speed_kn``, ``rows`` (the points, with the fixes they rest on).
    """
    points = resample(clean_positions, params.step_min, params.max_interpolation_gap_h)
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
            lon=pl.col("rows.lon").mean(),
            mean_speed_kn=pl.col("rows.speed_kn").mean(),
            max_hourly_speed_kn=pl.col("hourly_speed_kn").max(),
            rows=pl.struct("rows.source_id", "rows.line", "rows.next_source_id", "rows.next_line"),
        )
    )
    long_enough = (pl.col("last") - pl.col("first")) * params.step_min / 60.0 >= params.min_duration_h - 1e-9
    return runs.filter(long_enough).drop("_run")


def _partner(run: dict[str, Any], encounters: Sequence[Event], params: LoiteringParams) -> int | None:
    """The MMSI of the other vessel of an ENCOUNTER covering ``explained_fraction`` of the run's time."""
    start, end = step_time(run["first"], params.step_min), step_time(run["last"], params.step_min)
    span_s = max((end - start).total_seconds(), 1.0)
    for e in encounters:
        if e.kind != "ENCOUNTER" or e.end is None:
            continue
        other = e.details.get("other", {}).get("mmsi") if isinstance(e.details.get("other"), Mapping) else None
        if run["mmsi"] not in (e.mmsi, other):
            continue
        overlap_s = (min(end, e.end) - max(start, e.start)).total_seconds()
        if overlap_s >= params.explained_fraction * span_s:
            return int(other if run["mmsi"] == e.mmsi else e.mmsi)  # type: ignore[arg-type]
    return None


def detect_loitering(
    clean_positions: pl.DataFrame,
    gazetteer: Gazetteer,
    params: LoiteringParams,
    encounters: Sequence[Event] = (),
    names: Mapping[int, str] | None = None,
) -> list[Event]:
    """LOITERING events of every vessel in a clean positions table (see the module docstring).

    ``encounters``: ENCOUNTER events already found; they name the partner of a loitering.
    ``names``: vessel names by MMSI, when known.
    """
    names = names or {}
    phash = params_hash(params)
    events = []
    for run in idle_runs(clean_positions, params).iter_rows(named=True):
        port, _ = port_distance_km(gazetteer, run["lat"], run["lon"], params.min_port_distance_km)
        if port is not None:
            continue
        events.append(_event(run, params, phash, names, _partner(run, encounters, params)))
    return events


def _event(
    run: dict[str, Any], params: LoiteringParams, phash: str, names: Mapping[int, str], partner: int | None
) -> Event:
    mmsi = int(run["mmsi"])
    start, end = step_time(run["first"], params.step_min), step_time(run["last"], params.step_min)
    duration_h = (end - start).total_seconds() / 3600.0
    rows = run["rows"]
    picks = [("start", rows[0]), ("middle", rows[len(rows) // 2]), ("end", rows[-1])]
    ev = [(r["rows.source_id"], r["rows.line"], where) for where, r in picks]
    ev.append((rows[-1]["rows.next_source_id"], rows[-1]["rows.next_line"], "end"))
    details = {
        "note": "possible dark transfer" if partner is None else f"alongside mmsi:{partner} (ENCOUNTER)",
        "why": "idle at sea with no partner broadcasting nearby" if partner is None else "idle at sea beside a partner",
        "partner_mmsi": partner,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "duration_h": round(duration_h, 2),
        "lat": round(run["lat"], 5),
        "lon": round(run["lon"], 5),
        "mean_speed_kn": round(run["mean_speed_kn"], 2),
        "max_hourly_speed_kn": round(run["max_hourly_speed_kn"], 2),
    }
    reasons = [
        f"hourly mean speed below {params.max_mean_speed_kn:g} kn for {duration_h:.1f} h",
        f"at least {params.min_port_distance_km:g} km from any port",
        "no encounter with a vessel broadcasting AIS: possible dark transfer"
        if partner is None else f"beside mmsi:{partner} (see its ENCOUNTER)",
    ]
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
        severity="medium" if partner is None else "low",
        reasons=reasons,
        details=details,
        params_hash=phash,
        evidence=evidence(ev),
    )
