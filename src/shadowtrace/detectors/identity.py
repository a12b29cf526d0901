"""Identity: a vessel that changes who it says it is, and two transmitters sharing one MMSI.

``IDENTITY_CHANGE``: a vessel's broadcast identity changed, and the new identity held. Two ways:

* between consecutive static reports of one MMSI, its name, call sign, IMO or ship type changed
  (nulls, and changes of case or whitespace only, are ignored), and the new value was then
  reported at least ``min_persist_reports`` times in a row, so one garbled report is no change;
* one (valid) IMO was broadcast under a new MMSI, held as long: the MMSI changed, the IMO was
  kept. The details give the old and new MMSI, the flags their MIDs stand for (a change of flag
  raises the score), and the name and call sign under each.

Changes of one vessel at one report make one event: subject ``imo:<imo>`` when the vessel has a
valid IMO, else ``mmsi:<mmsi>``; start = the first report with the new value; evidence = the last
report with the old value and the first with the new.

An IMO number whose check digit is wrong (:func:`invalid_imo`) is reported as a separate,
low-severity ``IDENTITY_CHANGE`` with reason ``"invalid IMO check digit"`` (one per MMSI and
IMO, spanning the reports that carried it): a made-up or mistyped IMO is how a vessel hides its
registered identity, but alone it proves little.

``SHARED_MMSI``: two transmitters use one MMSI at the same time. From positions: the fixes of one
MMSI, split into two tracks (each fix joins whichever of two running positions it can reach at
``max_speed_kn``, the nearer when both), switch between the tracks by an impossible step at least
``min_alternations`` times, each switch within ``window_h`` of the one before. A single spoofed fix
(POSITION_JUMP) switches twice, away and back, and is not one. From statics: reports of one MMSI
alternate between two IMOs (or two names), each seen at least ``min_persist_reports`` times, at
least ``min_alternations`` times in such a window. The event spans the episode, gives both places
(or both identities), and has evidence rows from both.

All functions are pure and deterministic: tables and a frozen :class:`IdentityParams` in, events out.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from shadowtrace.errors import InputError
from shadowtrace.geo.sphere import haversine_m
from shadowtrace.models.events import Event, params_hash
from shadowtrace.models.imo import valid_imo
from shadowtrace.models.mid import flag_of_mmsi
from shadowtrace.settings import check_range, setting
from shadowtrace.tracks.exprs import KN_M_S, evidence, require_columns, same_vessel_as_previous, step_m, step_s

DETECTOR = "identity@1"

#: identity fields of a static report compared between reports of one MMSI
FIELDS = ("shipname", "callsign", "imo", "ship_type")

STATICS_REQUIRED = ("source_id", "line", "ts", "mmsi", "imo", "callsign", "shipname", "ship_type")
POSITIONS_REQUIRED = ("source_id", "line", "ts", "mmsi", "lat", "lon")


@dataclass(frozen=True)
class IdentityParams:
    """Settings of the identity detectors (see :mod:`shadowtrace.detectors.identity`)."""

    min_persist_reports: int = setting(
        2, "reports", "a new value counts only when reported this many times in a row (one garbled report is no change)"
    )
    max_speed_kn: float = setting(
        50.0, "kn", "implied speed between two fixes above which one transmitter cannot have sent both (as CleanParams)"
    )
    jump_tolerance_m: float = setting(
        1000.0, "m", "distance always allowed between consecutive fixes (GPS error, rounded receive times)"
    )
    min_alternations: int = setting(
        5, "switches", "impossible switches between two tracks (or two identities) that make a shared MMSI"
    )
    window_h: float = setting(
        24.0, "h", "switches further apart than this belong to different episodes, counted apart"
    )
    max_evidence_per_track: int = setting(5, "rows", "evidence rows kept from each of the two tracks")

    def __post_init__(self) -> None:
        for name in ("max_speed_kn", "window_h"):
            check_range(self, name, 0.0)
        check_range(self, "jump_tolerance_m", 0.0, low_open=False)
        for name in ("min_persist_reports", "min_alternations", "max_evidence_per_track"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InputError(f"IdentityParams.{name} = {value!r}: must be a whole number of at least 1")


@functools.lru_cache(maxsize=65_536)
def invalid_imo(imo: int) -> bool:
    """Whether ``imo`` is not a valid IMO ship number (:func:`shadowtrace.models.imo.valid_imo`)."""
    return not valid_imo(imo)


def _norm_text(column: str) -> pl.Expr:
    """Text as compared: upper case, AIS padding ``@`` removed, whitespace collapsed; blank -> null."""
    text = (pl.col(column).cast(pl.String).str.replace_all("@", " ", literal=True).str.to_uppercase()
            .str.replace_all(r"\s+", " ").str.strip_chars())
    return pl.when(text != "").then(text).alias(column)


def _norm(column: str) -> pl.Expr:
    """A field as compared: texts by :func:`_norm_text`, numbers with 0 (not available) -> null."""
    if column in ("shipname", "callsign"):
        return _norm_text(column)
    return pl.when(pl.col(column) != 0).then(pl.col(column).cast(pl.Int64)).alias(column)


def _ordered_statics(statics: pl.DataFrame) -> pl.DataFrame:
    require_columns(statics, STATICS_REQUIRED, "statics table")
    return statics.filter(pl.col("ts").is_not_null()).sort(["mmsi", "ts", "source_id", "line"])


@dataclass
class _Run:
    """Consecutive reports carrying one value."""

    value: Any
    rows: list[dict[str, Any]]


def _runs(rows: Sequence[dict[str, Any]], key: str) -> list[_Run]:
    runs: list[_Run] = []
    for r in rows:
        v = r[key]
        if v is None:
            continue
        if runs and runs[-1].value == v:
            runs[-1].rows.append(r)
        else:
            runs.append(_Run(v, [r]))
    return runs


def _persistent_changes(runs: list[_Run], min_persist: int) -> list[tuple[_Run, _Run, dict[str, Any]]]:
    """(old run, new run, last row with the old value) for each change to a value that persisted."""
    changes: list[tuple[_Run, _Run, dict[str, Any]]] = []
    current: _Run | None = None
    last_old: dict[str, Any] | None = None
    for run in runs:
        if current is None:
            if len(run.rows) >= min_persist:
                current, last_old = run, run.rows[-1]
            continue
        if run.value == current.value:
            last_old = run.rows[-1]
        elif len(run.rows) >= min_persist:
            assert last_old is not None
            changes.append((current, run, last_old))
            current, last_old = run, run.rows[-1]
    return changes


@dataclass
class _Change:
    subject: str
    start: dt.datetime
    mmsi: int
    imo: int | None
    name: str | None
    fields: dict[str, dict[str, Any]]
    rows: list[tuple[int | None, int | None, str]]
    flag_changed: bool = False


def _subject(mmsi: int, imo: int | None) -> str:
    return f"imo:{imo}" if imo is not None and not invalid_imo(imo) else f"mmsi:{mmsi}"


def _mmsi_field_changes(rows: list[dict[str, Any]], params: IdentityParams) -> list[_Change]:
    """Changes of name, call sign, IMO or ship type within one MMSI's reports (sorted by time)."""
    out: list[_Change] = []
    for field in FIELDS:
        for old, new, last_old in _persistent_changes(_runs(rows, field), params.min_persist_reports):
            first_new = new.rows[0]
            imo = first_new["imo"] or last_old["imo"]
            out.append(_Change(
                _subject(first_new["mmsi"], imo), first_new["ts"], first_new["mmsi"], imo, first_new["shipname"],
                {field: {"old": old.value, "new": new.value}},
                [(last_old["source_id"], last_old["line"], f"last report with old {field}"),
                 (first_new["source_id"], first_new["line"], f"first report with new {field}")],
            ))
    return out


def _imo_mmsi_changes(rows: list[dict[str, Any]], params: IdentityParams) -> list[_Change]:
    """Changes of MMSI under one valid IMO (its reports sorted by time)."""
    out: list[_Change] = []
    for old, new, last_old in _persistent_changes(_runs(rows, "mmsi"), params.min_persist_reports):
        first_new = new.rows[0]
        old_flag, new_flag = flag_of_mmsi(old.value), flag_of_mmsi(new.value)
        fields: dict[str, dict[str, Any]] = {"mmsi": {"old": old.value, "new": new.value}}
        if old_flag != new_flag:
            fields["flag"] = {"old": old_flag, "new": new_flag}
        for f in ("shipname", "callsign"):
            if last_old[f] is not None and first_new[f] is not None and last_old[f] != first_new[f]:
                fields[f] = {"old": last_old[f], "new": first_new[f]}
        out.append(_Change(
            f"imo:{first_new['imo']}", first_new["ts"], first_new["mmsi"], first_new["imo"], first_new["shipname"],
            fields,
            [(last_old["source_id"], last_old["line"], "last report under old MMSI"),
             (first_new["source_id"], first_new["line"], "first report under new MMSI")],
            flag_changed=old_flag != new_flag,
        ))
    return out


def _merge(changes: list[_Change]) -> list[_Change]:
    """One change per subject and time (so event ids stay unique), fields and evidence joined."""
    merged: dict[tuple[str, dt.datetime], _Change] = {}
    for c in sorted(changes, key=lambda c: (c.subject, c.start, sorted(c.fields))):
        key = (c.subject, c.start)
        if key not in merged:
            merged[key] = c
            continue
        m = merged[key]
        m.fields = {**c.fields, **m.fields}
        m.rows = [*m.rows, *c.rows]
        m.flag_changed = m.flag_changed or c.flag_changed
    return list(merged.values())


def _change_event(c: _Change, p_hash: str) -> Event:
    reasons = [f"{f} changed from {v['old']!r} to {v['new']!r}" for f, v in sorted(c.fields.items())]
    score = 0.5 + (0.2 if c.flag_changed else 0.0) + (0.1 if len(c.fields) >= 2 else 0.0)
    return Event(
        kind="IDENTITY_CHANGE", detector=DETECTOR, subject=c.subject, start=c.start, end=c.start,
        mmsi=c.mmsi, imo=c.imo, vessel_name=c.name, severity="high" if score >= 0.7 else "medium",
        score=round(score, 2), reasons=reasons, params_hash=p_hash,
        details={"changes": {f: dict(v) for f, v in sorted(c.fields.items())}, "at": c.start},
        evidence=evidence(c.rows),
    )


def _normalised_rows(statics: pl.DataFrame) -> list[dict[str, Any]]:
    return _ordered_statics(statics).select(STATICS_REQUIRED).with_columns(_norm(f) for f in FIELDS).to_dicts()


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    return groups


def _invalid_imo_events(rows: list[dict[str, Any]], p_hash: str) -> list[Event]:
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in rows:
        if r["imo"] is not None and invalid_imo(r["imo"]):
            groups.setdefault((r["mmsi"], r["imo"]), []).append(r)
    events = []
    for (mmsi, imo), rs in sorted(groups.items()):
        first, last = rs[0], rs[-1]
        events.append(Event(
            kind="IDENTITY_CHANGE", detector=DETECTOR, subject=f"mmsi:{mmsi}", start=first["ts"], end=last["ts"],
            mmsi=mmsi, imo=imo, vessel_name=first["shipname"], severity="low", score=0.3,
            reasons=["invalid IMO check digit"], params_hash=p_hash,
            details={"imo": imo, "reports": len(rs)},
            evidence=evidence([(first["source_id"], first["line"], "first report with invalid IMO"),
                               (last["source_id"], last["line"], "last report with invalid IMO")]),
        ))
    return events


def identity_changes(statics: pl.DataFrame, params: IdentityParams | None = None) -> list[Event]:
    """IDENTITY_CHANGE events of a statics table (see the module docstring), in a stable order."""
    p = params or IdentityParams()
    p_hash = params_hash(p)
    rows = _normalised_rows(statics)
    changes: list[_Change] = []
    for _mmsi, rs in sorted(_by(rows, "mmsi").items()):
        changes += _mmsi_field_changes(rs, p)
    valid = [r for r in rows if r["imo"] is not None and not invalid_imo(r["imo"])]
    for _imo, rs in sorted(_by(valid, "imo").items()):
        rs.sort(key=lambda r: (r["ts"], r["source_id"], r["line"]))
        changes += _imo_mmsi_changes(rs, p)
    events = [_change_event(c, p_hash) for c in _merge(changes)]
    events += _invalid_imo_events(rows, p_hash)
    return sorted(events, key=lambda e: (e.start, e.subject, e.reasons))


# --- SHARED_MMSI -------------------------------------------------------------------------------


def _reachable_m(params: IdentityParams, seconds: float) -> float:
    return params.max_speed_kn * KN_M_S * abs(seconds) + params.jump_tolerance_m


def _dist_m(a: dict[str, Any], b: dict[str, Any]) -> float:
    return float(haversine_m(a["lat"], a["lon"], b["lat"], b["lon"]))


def _split_tracks(fixes: list[dict[str, Any]], params: IdentityParams) -> list[int]:
    """Track (0 or 1) of each fix: the running position it can reach, the nearer when both or neither."""
    last: list[dict[str, Any]] = [fixes[0]]
    labels = [0]
    for f in fixes[1:]:
        dists = [_dist_m(f, t) for t in last]
        ok = [d <= _reachable_m(params, (f["ts"] - t["ts"]).total_seconds()) for d, t in zip(dists, last, strict=True)]
        if len(last) == 1 and not ok[0]:
            last.append(f)
            labels.append(1)
            continue
        candidates = [i for i in range(len(last)) if ok[i]] or list(range(len(last)))
        k = min(candidates, key=lambda i: dists[i])
        last[k] = f
        labels.append(k)
    return labels


def _episodes(switch_idx: list[int], fixes: list[dict[str, Any]], params: IdentityParams) -> list[list[int]]:
    """Switches (indices of the fix switched to) grouped where each is within ``window_h`` of the one before."""
    window = dt.timedelta(hours=params.window_h)
    groups: list[list[int]] = []
    for i in switch_idx:
        if groups and fixes[i]["ts"] - fixes[groups[-1][-1]]["ts"] <= window:
            groups[-1].append(i)
        else:
            groups.append([i])
    return [g for g in groups if len(g) >= params.min_alternations]


def _mean_place(fs: list[dict[str, Any]]) -> tuple[float, float]:
    """Mean position of fixes (via unit vectors, so the antimeridian does no harm)."""
    x = y = z = 0.0
    for f in fs:
        la, lo = math.radians(f["lat"]), math.radians(f["lon"])
        x, y, z = x + math.cos(la) * math.cos(lo), y + math.cos(la) * math.sin(lo), z + math.sin(la)
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return round(lat, 5), round(math.degrees(math.atan2(y, x)), 5)


def _suspect_mmsis(positions: pl.DataFrame, params: IdentityParams) -> list[int]:
    """MMSIs with at least ``min_alternations`` impossible steps (vectorised prefilter)."""
    steps = positions.with_columns(
        impossible=same_vessel_as_previous()
        & (step_m() > params.max_speed_kn * KN_M_S * step_s().abs() + params.jump_tolerance_m)
    )
    counts = steps.group_by("mmsi").agg(pl.col("impossible").sum().alias("n"))
    return sorted(counts.filter(pl.col("n") >= params.min_alternations)["mmsi"].to_list())


def _shared_event(mmsi: int, fixes: list[dict[str, Any]], labels: list[int], episode: list[int],
                  params: IdentityParams, p_hash: str) -> Event:
    lo, hi = episode[0] - 1, episode[-1]
    span = list(range(lo, hi + 1))
    tracks = [[fixes[i] for i in span if labels[i] == k] for k in (0, 1)]
    places = [_mean_place(t) for t in tracks]
    apart_km = float(haversine_m(places[0][0], places[0][1], places[1][0], places[1][1])) / 1000
    rows: list[tuple[int | None, int | None, str]] = []
    for k, t in enumerate(tracks):
        rows += [(f["source_id"], f["line"], f"track {'AB'[k]} fix") for f in t[: params.max_evidence_per_track]]
    return Event(
        kind="SHARED_MMSI", detector=DETECTOR, subject=f"mmsi:{mmsi}", start=fixes[lo]["ts"], end=fixes[hi]["ts"],
        mmsi=mmsi, lat=places[0][0], lon=places[0][1], severity="high", score=0.8,
        reasons=[f"fixes switched {len(episode)} times between two places {apart_km:.0f} km apart, "
                 f"faster than {params.max_speed_kn:g} kn"],
        params_hash=p_hash,
        details={"switches": len(episode), "distance_km": round(apart_km, 1),
                 "track_a": {"lat": places[0][0], "lon": places[0][1], "fixes": len(tracks[0])},
                 "track_b": {"lat": places[1][0], "lon": places[1][1], "fixes": len(tracks[1])}},
        evidence=evidence(rows),
    )


def shared_mmsi_positions(positions: pl.DataFrame, params: IdentityParams | None = None) -> list[Event]:
    """SHARED_MMSI events from the raw positions of each MMSI (see the module docstring)."""
    p = params or IdentityParams()
    p_hash = params_hash(p)
    require_columns(positions, POSITIONS_REQUIRED, "positions table")
    table = (
        positions.select(POSITIONS_REQUIRED)
        .filter(pl.col("ts").is_not_null() & pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
        .sort(["mmsi", "ts", "source_id", "line"])
        .unique(["mmsi", "ts", "lat", "lon"], keep="first", maintain_order=True)
    )
    suspects = _suspect_mmsis(table, p)
    events: list[Event] = []
    for mmsi in suspects:
        fixes = table.filter(pl.col("mmsi") == mmsi).to_dicts()
        labels = _split_tracks(fixes, p)
        switches = [
            i for i in range(1, len(fixes))
            if labels[i] != labels[i - 1]
            and _dist_m(fixes[i], fixes[i - 1]) > _reachable_m(p, (fixes[i]["ts"] - fixes[i - 1]["ts"]).total_seconds())
        ]
        for episode in _episodes(switches, fixes, p):
            events.append(_shared_event(mmsi, fixes, labels, episode, p, p_hash))
    return events


def shared_mmsi_statics(statics: pl.DataFrame, params: IdentityParams | None = None) -> list[Event]:
    """SHARED_MMSI events from static reports of one MMSI alternating between two IMOs or two names."""
    p = params or IdentityParams()
    p_hash = params_hash(p)
    events: list[Event] = []
    for mmsi, rs in sorted(_by(_normalised_rows(statics), "mmsi").items()):
        for field in ("imo", "shipname"):
            seq = [r for r in rs if r[field] is not None]
            top = [v for v, n in Counter(r[field] for r in seq).most_common(2) if n >= p.min_persist_reports]
            if len(top) < 2:
                continue
            seq = [r for r in seq if r[field] in top]
            switch_idx = [i for i in range(1, len(seq)) if seq[i][field] != seq[i - 1][field]]
            for episode in _episodes(switch_idx, seq, p):
                lo, hi = episode[0] - 1, episode[-1]
                span = seq[lo:hi + 1]
                rows: list[tuple[int | None, int | None, str]] = []
                for v in top:
                    rows += [(r["source_id"], r["line"], f"report with {field} {v}")
                             for r in span if r[field] == v][: p.max_evidence_per_track]
                events.append(Event(
                    kind="SHARED_MMSI", detector=DETECTOR, subject=f"mmsi:{mmsi}", start=span[0]["ts"],
                    end=span[-1]["ts"], mmsi=mmsi, severity="high", score=0.8,
                    reasons=[f"static reports switched {len(episode)} times between {field} {top[0]!r} and {top[1]!r}"],
                    params_hash=p_hash,
                    details={"field": field, "values": sorted(top, key=str), "switches": len(episode)},
                    evidence=evidence(rows),
                ))
    return events


def detect_identity(
    positions: pl.DataFrame | None, statics: pl.DataFrame | None, params: IdentityParams | None = None
) -> list[Event]:
    """Every identity event of the tables given (either may be None), in a stable order, ids unique."""
    p = params or IdentityParams()
    events: list[Event] = []
    if statics is not None:
        events += identity_changes(statics, p) + shared_mmsi_statics(statics, p)
    if positions is not None:
        events += shared_mmsi_positions(positions, p)
    unique: dict[str, Event] = {}
    for e in sorted(events, key=lambda e: (e.start, e.kind, e.subject, e.reasons)):
        unique.setdefault(e.event_id, e)
    return list(unique.values())
