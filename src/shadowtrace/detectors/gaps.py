"""AIS gaps (dark periods) and draught changes across them.

``AIS_GAP``: a vessel's consecutive clean fixes (same ``mmsi`` and ``track``) at least
``report_gap_h`` apart. Its severity, rule by rule:

1. shorter than ``min_gap_h``: "low";
2. began and ended within ``in_port_km`` of the same listed port (a stay in port: berths are
   where reception is worst, and nothing was hidden but the stay): "low";
3. fewer than ``min_expected_fixes`` reports expected over it (a coverage hole, not a
   silence): "low";
4. else "medium", and "high" when the vessel was moving when it fell silent (GFW's "likely
   disabling" has the same spirit: good reception, long gap).

Reports expected = the duration x a reception rate measured from the data itself: the median,
over 9 points evenly along the straight line from the last fix to the first after (at the
interpolated times), of how often *other* vessels were heard there (their fixes per hour: fixes
over the time to each one's next fix, that time counted at most 24 h), each point taken with
the 3 x 3 grid cells of about ``reception_cell_km`` around it and the ``reception_window_h``
time bin it falls in with the bins before and after. The median along the way, not the rate at
the start: a vessel last heard at the edge of shore coverage and heard again across a hole was
in the hole most of the time. When the vessel was stopped as it fell silent, the rate is also
taken from its own fixes over the ``own_history_h`` before, while stopped (at least 3 fixes
over an hour), and the lower of the two counts: moored ships report less often than moving
ones and berths are shadowed, so other ships' rate can overstate what a berth hears.

``DRAUGHT_CHANGE_DARK``: an AIS_GAP across which the reported draught (statics ``draught_m``,
last report at or before the gap start versus first at or after its end, however far) changed
by more than ``min_draught_change_m``: cargo loaded or discharged while dark (a change spanning
several gaps, for want of reports between them, is put on the longest). Its severity is the
gap's.

All vectorised; longitudes are not wrapped across the antimeridian. DARK_PORT_CALL_POSSIBLE is
in :mod:`shadowtrace.detectors.dark_ports`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from shadowtrace.errors import InputError
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.geo.sphere import haversine_m
from shadowtrace.models.events import Event, params_hash
from shadowtrace.settings import check_range, setting
from shadowtrace.tracks.exprs import KN_M_S, evidence, require_columns, step_m, step_s
from shadowtrace.tracks.exprs import haversine_m as haversine_expr

DETECTOR = "gaps@2"

#: columns the clean positions table, and the statics table for DRAUGHT_CHANGE_DARK, must have
REQUIRED = ("source_id", "line", "ts", "mmsi", "lat", "lon", "sog_kn")
STATICS_REQUIRED = ("source_id", "line", "ts", "mmsi", "draught_m")

_SCORES = {"low": 0.3, "medium": 0.6, "high": 0.9}
_KM_PER_DEG = 111.195
#: an interval between two fixes counts at most this long as time spent where the first was heard
#: (a vessel's week-long absence says little about the cell it left)
_MAX_INTERVAL_H = 24.0
_PATH_POINTS = 9  # reception is sampled at the start, the end and 7 points evenly between


@dataclass(frozen=True)
class GapParams:
    """Settings of the gap detectors (AIS_GAP, DRAUGHT_CHANGE_DARK, DARK_PORT_CALL_POSSIBLE)."""

    min_gap_h: float = setting(12.0, "h", "a silence this long may be deliberate (GFW: 12 h for likely disabling)")
    report_gap_h: float = setting(6.0, "h", "every silence this long is reported, below min_gap_h as 'low' (GFW: 6 h)")
    reception_cell_km: float = setting(
        25.0, "km", "reception is measured in cells this wide, each point with the 8 cells around it"
    )
    reception_window_h: float = setting(
        72.0, "h", "and in time bins this long, each point with the bins before and after it"
    )
    min_expected_fixes: float = setting(
        8.0, "fixes", "fewer reports than this expected while silent (at other vessels' rate along the way, or its own "
        "when stopped, if lower): a coverage hole (low)"
    )
    moving_speed_kn: float = setting(1.0, "kn", "a vessel at or above this speed at its last fix fell silent moving")
    min_draught_change_m: float = setting(1.0, "m", "a draught change across a gap larger than this is reported")
    port_speed_kn: float | None = setting(
        14.0, "kn", "plausible speed during a gap; None: the 90th percentile of the vessel's own reported speeds"
    )
    detour_factor: float = setting(1.3, "ratio", "sea distance over great-circle distance, for reaching a port")
    min_port_stay_h: float = setting(
        12.0, "h", "shortest stay in a port that counts as a port call: long enough to load or discharge"
    )
    own_history_h: float = setting(
        24.0, "h", "a vessel stopped when it fell silent is also judged by how often it was itself heard, "
        "stopped, over this long before"
    )
    in_port_km: float = setting(
        5.0, "km", "a silence that begins and ends this close to the same listed port is a stay in port (low)"
    )
    watched_countries: tuple[str, ...] = setting(
        ("KP",), "ISO 3166 alpha-2", "countries whose feasible ports raise DARK_PORT_CALL_POSSIBLE"
    )

    def __post_init__(self) -> None:
        for name in ("report_gap_h", "reception_cell_km", "reception_window_h", "min_port_stay_h", "in_port_km",
                     "own_history_h"):
            check_range(self, name, 0.0)
        check_range(self, "min_gap_h", self.report_gap_h, low_open=False)
        check_range(self, "moving_speed_kn", 0.0, 50.0, low_open=False)
        check_range(self, "min_draught_change_m", 0.0, 30.0, low_open=False)
        check_range(self, "min_expected_fixes", 0.0, low_open=False)
        check_range(self, "detour_factor", 1.0, 10.0, low_open=False)
        if self.port_speed_kn is not None:
            check_range(self, "port_speed_kn", 0.0, 50.0)
        if not all(isinstance(c, str) and len(c) == 2 for c in self.watched_countries):
            raise InputError(
                f"GapParams.watched_countries = {self.watched_countries!r}: give ISO 3166 alpha-2 codes, e.g. ('KP',)"
            )


@dataclass(frozen=True)
class PortArrays:
    """The gazetteer's listed ports as parallel arrays, for vectorised distances."""

    codes: list[str]
    names: list[str]
    countries: npt.NDArray[np.str_]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]


@functools.lru_cache(maxsize=4)
def port_arrays(gazetteer: Gazetteer) -> PortArrays:
    """Every listed port of ``gazetteer`` (listed positions, no berth placing)."""
    recs = [gazetteer.record(c) for c in gazetteer.locodes]
    return PortArrays([r.locode for r in recs], [r.name for r in recs], np.array([r.country for r in recs]),
                      np.array([r.lat for r in recs], float), np.array([r.lon for r in recs], float))


def find_gaps(clean_positions: pl.DataFrame, gazetteer: Gazetteer, params: GapParams) -> pl.DataFrame:
    """One row per silence of at least ``report_gap_h``, sorted by mmsi, track, start.

    Columns: mmsi, track, start, end, start/end lat/lon, start_speed_kn (reported, else implied by
    the step before), duration_h, distance_m, implied_speed_kn, reception_fixes,
    nearest_port, nearest_port_km, and the evidence of the fixes before and after.
    """
    require_columns(clean_positions, REQUIRED, "the clean positions table")
    df = clean_positions
    if "track" not in df.columns:
        df = df.with_columns(track=pl.lit(0, pl.UInt32))
    df = df.sort("mmsi", "track", "ts")
    same = (pl.col("mmsi") == pl.col("mmsi").shift(1)) & (pl.col("track") == pl.col("track").shift(1))
    same = same.fill_null(False)
    df = df.with_columns(
        same=same, step_kn=pl.when(step_s() > 0).then(step_m() / step_s() / KN_M_S).otherwise(None),
    )
    df = df.with_columns(speed_kn=pl.col("sog_kn").cast(pl.Float64).fill_null(pl.when(pl.col("same"))
                                                                               .then(pl.col("step_kn"))))
    prev = [pl.col(c).shift(1).alias(f"start_{c}") for c in ("ts", "lat", "lon", "speed_kn", "source_id", "line")]
    gaps = (
        df.with_columns(*prev)
        .filter(pl.col("same") & (pl.col("ts") - pl.col("start_ts") >= pl.duration(seconds=params.report_gap_h * 3600)))
        .select(
            "mmsi", "track", start=pl.col("start_ts"), end=pl.col("ts"),
            start_lat=pl.col("start_lat"), start_lon=pl.col("start_lon"), end_lat=pl.col("lat"),
            end_lon=pl.col("lon"), start_speed_kn=pl.col("start_speed_kn"),
            start_source_id=pl.col("start_source_id"), start_line=pl.col("start_line"),
            end_source_id=pl.col("source_id"), end_line=pl.col("line"),
        )
        .with_columns(
            duration_h=(pl.col("end") - pl.col("start")).dt.total_seconds() / 3600.0,
            distance_m=haversine_expr(pl.col("start_lat"), pl.col("start_lon"), pl.col("end_lat"), pl.col("end_lon")),
        )
        .with_columns(implied_speed_kn=pl.col("distance_m") / (pl.col("duration_h") * 3600.0) / KN_M_S)
        .with_row_index("gap")
    )
    gaps = (
        gaps.join(_reception(df, gaps, params), on="gap", how="left", maintain_order="left")
        .join(_own_reception(df, params), left_on=["mmsi", "track", "start"], right_on=["mmsi", "track", "last"],
              how="left", maintain_order="left")
        .with_columns(reception_expected_fixes=pl.min_horizontal(
            "reception_expected_fixes", pl.col("reception_own_per_h") * pl.col("duration_h")))
    )
    return gaps.with_columns(*_nearest_ports(gaps, gazetteer))


def _row(lat: pl.Expr, cell_deg: float) -> pl.Expr:
    """Grid row of a latitude: rows ``cell_deg`` high; columns (below) as wide at the row's middle."""
    return (lat / cell_deg).floor().cast(pl.Int64)


def _column(row: pl.Expr, lon: pl.Expr, cell_deg: float) -> pl.Expr:
    shrink = ((row.cast(pl.Float64) + 0.5) * cell_deg).radians().cos().clip(0.01, 1.0)
    return (lon * shrink / cell_deg).floor().cast(pl.Int64)


def _reception(fixes: pl.DataFrame, gaps: pl.DataFrame, params: GapParams) -> pl.DataFrame:
    """How well other vessels were heard along each gap (see the module docstring).

    Columns: gap, reception_expected_fixes, reception_median_per_h, reception_start_per_h,
    reception_end_per_h.
    """
    names = ("reception_expected_fixes", "reception_median_per_h", "reception_start_per_h", "reception_end_per_h")
    if gaps.is_empty():
        return pl.DataFrame({"gap": [], **{n: [] for n in names}}, schema={"gap": pl.UInt32, **dict.fromkeys(
            names, pl.Float64)})
    cell_deg = params.reception_cell_km / _KM_PER_DEG
    bin_ms = int(params.reception_window_h * 3600 * 1000)
    nxt = ((pl.col("mmsi") == pl.col("mmsi").shift(-1)) & (pl.col("track") == pl.col("track").shift(-1)))
    heard_h = (pl.col("ts").shift(-1) - pl.col("ts")).dt.total_milliseconds() / 3_600_000.0
    row = _row(pl.col("lat"), cell_deg)
    binned = (
        fixes.select("mmsi", row=row, col=_column(row, pl.col("lon"), cell_deg),
                     tbin=pl.col("ts").dt.epoch("ms") // bin_ms,
                     h=pl.when(nxt.fill_null(False)).then(heard_h.clip(upper_bound=_MAX_INTERVAL_H)))
        .drop_nulls("h")
    )
    keys = ["row", "col", "tbin"]
    total = binned.group_by(keys).agg(n=pl.len(), t=pl.col("h").sum())
    own = binned.group_by([*keys, "mmsi"]).agg(own_n=pl.len(), own_t=pl.col("h").sum())
    last = _PATH_POINTS - 1
    frac = pl.col("k").cast(pl.Float64) / last
    points = (
        gaps.select("gap", "mmsi", "start", "end", "start_lat", "start_lon", "end_lat", "end_lon",
                    k=pl.int_ranges(0, _PATH_POINTS))
        .explode("k")
        .select("gap", "mmsi", "k",
                lat=pl.col("start_lat") + frac * (pl.col("end_lat") - pl.col("start_lat")),
                lon=pl.col("start_lon") + frac * (pl.col("end_lon") - pl.col("start_lon")),
                ms=pl.col("start").dt.epoch("ms") + (frac * (pl.col("end") - pl.col("start")).dt.total_milliseconds()
                                                     ).cast(pl.Int64))
    )
    row0 = _row(pl.col("lat"), cell_deg)
    rates = (
        points.with_columns(row=pl.int_ranges(row0 - 1, row0 + 2),
                            tbin=pl.int_ranges(pl.col("ms") // bin_ms - 1, pl.col("ms") // bin_ms + 2))
        .explode("row").explode("tbin")
        .with_columns(col0=_column(pl.col("row"), pl.col("lon"), cell_deg))
        .with_columns(col=pl.int_ranges(pl.col("col0") - 1, pl.col("col0") + 2))
        .explode("col")
        .join(total, on=keys, how="left")
        .join(own, on=[*keys, "mmsi"], how="left")
        .group_by("gap", "k")
        .agg(n=(pl.col("n").fill_null(0) - pl.col("own_n").fill_null(0)).sum(),
             t=(pl.col("t").fill_null(0.0) - pl.col("own_t").fill_null(0.0)).sum())
        .with_columns(rate=pl.when(pl.col("t") > 1e-9).then(pl.col("n") / pl.col("t")).otherwise(0.0))
        .sort("gap", "k")
        .group_by("gap", maintain_order=True)
        .agg(reception_median_per_h=pl.col("rate").median(), reception_start_per_h=pl.col("rate").first(),
             reception_end_per_h=pl.col("rate").last())
    )
    out = (
        gaps.select("gap", "duration_h").join(rates, on="gap", how="left", maintain_order="left")
        .with_columns(reception_expected_fixes=pl.col("reception_median_per_h") * pl.col("duration_h"))
    )
    return out.select("gap", *(pl.col(n).fill_null(0.0).cast(pl.Float64) for n in names))


def _own_reception(fixes: pl.DataFrame, params: GapParams) -> pl.DataFrame:
    """How often each vessel was itself heard while stopped, at each of its stopped fixes: over the
    ``own_history_h`` before it, within the same stop (fixes per hour, from at least 3 fixes over
    at least an hour; silences do not end a stop, moving does).

    Columns: mmsi, track, last (the fix), reception_own_per_h.
    """
    stopped = (pl.col("speed_kn") < params.moving_speed_kn).fill_null(False)
    new_stop = ~pl.col("same") | ~stopped.shift(1).fill_null(False)
    return (
        fixes.select("mmsi", "track", "ts", stop=new_stop.cum_sum(), stopped=stopped)
        .filter(pl.col("stopped"))
        .rolling(index_column="ts", period=f"{round(params.own_history_h * 3_600_000)}ms", group_by="stop")
        .agg(pl.col("mmsi", "track").last(), n=pl.len(), first=pl.col("ts").min())
        .with_columns(span_h=(pl.col("ts") - pl.col("first")).dt.total_seconds() / 3600.0)
        .filter((pl.col("n") >= 3) & (pl.col("span_h") >= 1.0))
        .select("mmsi", "track", last="ts", reception_own_per_h=(pl.col("n") - 1) / pl.col("span_h"))
        .unique(["mmsi", "track", "last"], keep="any")  # two fixes at one instant have one window
    )


def _nearest_ports(gaps: pl.DataFrame, gazetteer: Gazetteer) -> list[pl.Series]:
    """The listed port nearest each gap's start and end, and their great-circle distances in km."""
    out = []
    for end, code, km in (("start", "nearest_port", "nearest_port_km"), ("end", "end_port", "end_port_km")):
        codes, dist_km = nearest_ports(gaps[f"{end}_lat"].to_numpy(), gaps[f"{end}_lon"].to_numpy(), gazetteer)
        out += [pl.Series(code, codes, pl.String), pl.Series(km, dist_km, pl.Float64)]
    return out


def nearest_ports(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
                  gazetteer: Gazetteer) -> tuple[list[str | None], npt.NDArray[np.float64]]:
    """The listed port nearest each point and its great-circle distance in km (256 points at a time)."""
    ports, n = port_arrays(gazetteer), lat.size
    if not ports.codes or n == 0:
        return [None] * n, np.full(n, np.nan)
    best, dist_m = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.float64)
    for lo in range(0, n, 256):
        d = haversine_m(lat[lo:lo + 256, None], lon[lo:lo + 256, None], ports.lat, ports.lon)
        best[lo:lo + 256], dist_m[lo:lo + 256] = d.argmin(axis=1), d.min(axis=1)
    return [ports.codes[i] for i in best], dist_m / 1000.0


def gap_severity(g: dict[str, Any], params: GapParams) -> tuple[str, list[str]]:
    """Severity of one gap row and the reasons for it (rules in the module docstring)."""
    reasons = [f"silent {g['duration_h']:.1f} h"]
    expected = g["reception_expected_fixes"]
    own = g["reception_own_per_h"]
    if own is not None and own <= g["reception_median_per_h"]:
        heard = f"itself heard {own:.2f} times an hour while stopped there before"
    else:
        heard = f"other vessels heard along its way {g['reception_median_per_h']:.2f} times an hour (median)"
    heard += f": about {expected:.0f} reports expected while silent"
    moving = g["start_speed_kn"] is not None and g["start_speed_kn"] >= params.moving_speed_kn
    if g["duration_h"] < params.min_gap_h:
        return "low", [*reasons, f"shorter than {params.min_gap_h:g} h"]
    if in_port(g, params):
        return "low", [*reasons, f"in port: began and ended within {params.in_port_km:g} km of {g['nearest_port']}"]
    if expected < params.min_expected_fixes:
        return "low", [*reasons, f"coverage hole: {heard}"]
    reasons.append(f"good reception: {heard}")
    if moving:
        return "high", [*reasons, f"fell silent moving at {g['start_speed_kn']:.1f} kn"]
    return "medium", reasons


def ports_seen_in(g: dict[str, Any], params: GapParams) -> tuple[str | None, str | None]:
    """The ports gap row ``g`` began and ended in (within ``in_port_km`` of their listed positions), or None."""
    def within(code: str, km: str) -> str | None:
        return g[code] if g[code] is not None and g[km] <= params.in_port_km else None

    return within("nearest_port", "nearest_port_km"), within("end_port", "end_port_km")


def in_port(g: dict[str, Any], params: GapParams) -> bool:
    """Whether gap row ``g`` began and ended in the same port."""
    began, ended = ports_seen_in(g, params)
    return began is not None and began == ended


def gap_event(kind: str, g: dict[str, Any], params: GapParams, severity: str, reasons: list[str],
              details: dict[str, Any], extra_evidence: Sequence[tuple[int | None, int | None, str]] = ()) -> Event:
    """An event about one gap row (any of the three kinds)."""
    return Event(
        kind=kind, detector=DETECTOR, subject=f"mmsi:{g['mmsi']}", start=g["start"], end=g["end"],
        mmsi=g["mmsi"], lat=g["start_lat"], lon=g["start_lon"], severity=severity, score=_SCORES[severity],
        reasons=reasons, details=details, params_hash=params_hash(params),
        evidence=evidence([(g["start_source_id"], g["start_line"], "last fix before the gap"),
                           (g["end_source_id"], g["end_line"], "first fix after the gap"), *extra_evidence]),
    )


def _gap_details(g: dict[str, Any], params: GapParams) -> dict[str, Any]:
    return {
        "start_lat": g["start_lat"], "start_lon": g["start_lon"], "end_lat": g["end_lat"], "end_lon": g["end_lon"],
        "duration_h": round(g["duration_h"], 3), "distance_km": round(g["distance_m"] / 1000.0, 3),
        "implied_speed_kn": round(g["implied_speed_kn"], 2),
        "start_speed_kn": None if g["start_speed_kn"] is None else round(g["start_speed_kn"], 2),
        "nearest_port": g["nearest_port"], "nearest_port_km": None if g["nearest_port_km"] is None
        else round(g["nearest_port_km"], 1),
        "end_port": g["end_port"], "end_port_km": None if g["end_port_km"] is None else round(g["end_port_km"], 1),
        **reception_details(g), "track": g["track"],
    }


def reception_details(g: dict[str, Any]) -> dict[str, float | None]:
    """The reception estimate of gap row ``g``, rounded for an event's details."""
    rates = ("reception_median_per_h", "reception_start_per_h", "reception_end_per_h", "reception_own_per_h")
    return {"reception_expected_fixes": round(g["reception_expected_fixes"], 1),
            **{k: None if g[k] is None else round(g[k], 2) for k in rates}}


def ais_gaps(clean_positions: pl.DataFrame, statics: pl.DataFrame, gazetteer: Gazetteer,
             params: GapParams) -> list[Event]:
    """AIS_GAP events (see the module docstring); ``statics`` is not used."""
    return ais_gap_events(find_gaps(clean_positions, gazetteer, params), params)


def ais_gap_events(gaps: pl.DataFrame, params: GapParams) -> list[Event]:
    """AIS_GAP events of the rows of :func:`find_gaps`."""
    return [gap_event("AIS_GAP", g, params, *gap_severity(g, params), _gap_details(g, params))
            for g in gaps.iter_rows(named=True)]


def draught_changes_dark(clean_positions: pl.DataFrame, statics: pl.DataFrame, gazetteer: Gazetteer,
                         params: GapParams) -> list[Event]:
    """DRAUGHT_CHANGE_DARK events: AIS gaps across which the draught changed (module docstring)."""
    return draught_change_events(find_gaps(clean_positions, gazetteer, params), statics, params)


def draught_change_events(gaps: pl.DataFrame, statics: pl.DataFrame, params: GapParams) -> list[Event]:
    """DRAUGHT_CHANGE_DARK events of the rows of :func:`find_gaps`, from the ``statics`` table."""
    require_columns(statics, STATICS_REQUIRED, "the statics table")
    if gaps.is_empty():
        return []
    reports = (
        statics.filter(pl.col("draught_m").is_not_null() & pl.col("ts").is_not_null())
        .select(pl.col("mmsi").cast(gaps.schema["mmsi"]), pl.col("ts").cast(gaps.schema["start"]),
                draught=pl.col("draught_m").cast(pl.Float64),
                sid=pl.col("source_id"), ln=pl.col("line"))
        .sort("mmsi", "ts", "sid", "ln")
    )
    before = reports.rename({"ts": "before_at", "draught": "draught_before_m", "sid": "before_sid",
                             "ln": "before_line"})
    after = reports.rename({"ts": "after_at", "draught": "draught_after_m", "sid": "after_sid",
                            "ln": "after_line"})
    kb, ka = ["mmsi", "track", "before_sid", "before_line"], ["mmsi", "track", "after_sid", "after_line"]
    joined = (
        gaps.sort("mmsi", "start")  # sorted within each vessel, as join_asof with ``by`` needs
        .join_asof(before, left_on="start", right_on="before_at", by="mmsi", strategy="backward",
                   check_sortedness=False)
        .sort("mmsi", "end")
        .join_asof(after, left_on="end", right_on="after_at", by="mmsi", strategy="forward", check_sortedness=False)
        .filter((pl.col("draught_after_m") - pl.col("draught_before_m")).abs() > params.min_draught_change_m)
        .sort("mmsi", "track", "start")
        # several gaps after the same report (or before the same one): the change goes to the longest
        .with_columns(gaps_spanned=pl.max_horizontal(pl.len().over(kb), pl.len().over(ka)))
        .filter(pl.col("duration_h").rank("ordinal", descending=True).over(kb) == 1)
        .filter(pl.col("duration_h").rank("ordinal", descending=True).over(ka) == 1)
    )
    events = []
    for g in joined.iter_rows(named=True):
        severity, reasons = gap_severity(g, params)
        change = g["draught_after_m"] - g["draught_before_m"]
        why = f"draught {g['draught_before_m']:.1f} m before, {g['draught_after_m']:.1f} m after ({change:+.1f} m)"
        details = {**_gap_details(g, params), "draught_before_m": g["draught_before_m"],
                   "draught_after_m": g["draught_after_m"], "draught_change_m": round(change, 2),
                   "draught_before_at": g["before_at"], "draught_after_at": g["after_at"],
                   "gaps_spanned": g["gaps_spanned"]}
        events.append(gap_event("DRAUGHT_CHANGE_DARK", g, params, severity, [why, *reasons], details, [
            (g["before_sid"], g["before_line"], "last draught report before the gap"),
            (g["after_sid"], g["after_line"], "first draught report after the gap"),
        ]))
    return events
