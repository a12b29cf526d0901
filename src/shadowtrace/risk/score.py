"""A transparent risk score per vessel, from the events the detectors stored.

One vessel is one IMO number where known, with every MMSI seen with it (an identity change keeps
the IMO and changes the MMSI), else one MMSI. Each MMSI belongs to the valid IMO it broadcast most
often (from ``identities``, the statics, and from the events themselves).

The score is a sum over *reasons*, one per event kind (plus ``MET_SANCTIONED``: an ENCOUNTER whose
partner is at level sanctioned, counted apart). An event is worth

    weight(kind) x factor(severity) x 0.5 ** (age_days / half_life_days)

with its age counted back from ``as_of`` (by default the latest event of the input: archives are
historical, the wall clock means nothing to them). A reason adds its events strongest first, each
``repeat_factor`` times the one before, at most ``kind_cap`` x weight. A SANCTIONS_MATCH of a
strength in ``sanctioning_strengths`` (the listed IMO or MMSI) sets the level to ``sanctioned``
whatever the score; other levels come from the score's thresholds. An ENCOUNTER counts for both
vessels. Every reason keeps the ids of all its events, so a report can show the proof.

Pure: tables and a frozen :class:`~shadowtrace.risk.params.RiskParams` in, results out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow as pa

from shadowtrace.models.events import SEVERITIES, event_summary
from shadowtrace.models.imo import valid_imo
from shadowtrace.models.vessels import parse_vessel
from shadowtrace.risk.params import LABELS, LEVELS, MET_SANCTIONED, RiskParams
from shadowtrace.tracks.exprs import require_columns

#: columns the events table must have (the stored events table has them all)
REQUIRED = ("event_id", "kind", "start", "severity", "mmsi", "imo")
#: columns used when present
OPTIONAL: dict[str, pl.DataType] = {
    "end": pl.Datetime("us", "UTC"), "vessel_name": pl.String(), "reasons": pl.List(pl.String), "details": pl.String(),
}
_UTC = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class Reason:
    """Why a vessel scores: the events of one kind, what they add, and the proof."""

    kind: str  # the event kind, or MET_SANCTIONED (an ENCOUNTER with a sanctioned vessel)
    label: str  # the kind in plain words
    points: float  # what this reason adds to the score
    count: int  # events
    severity: str  # the highest of its events
    summary: str  # of the strongest event: its own reasons (untrusted text: names and destinations)
    event_ids: tuple[str, ...]  # every event of the reason, strongest first
    first: dt.datetime  # start of the earliest event
    last: dt.datetime  # end (else start) of the latest event

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "label": self.label, "points": self.points, "count": self.count,
            "severity": self.severity, "summary": self.summary, "event_ids": list(self.event_ids),
            "first": self.first.isoformat(), "last": self.last.isoformat(),
        }

    def brief(self) -> str:
        """``KIND xN +P`` (the count only when more than one)."""
        times = f" x{self.count}" if self.count > 1 else ""
        return f"{self.kind}{times} +{self.points:g}"


@dataclass(frozen=True)
class VesselRisk:
    """A vessel's score, level and reasons (ordered by the points they add)."""

    vessel: str  # "imo:<IMO>" or "mmsi:<MMSI>"
    imo: int | None
    mmsis: tuple[int, ...]
    name: str | None  # latest broadcast name (untrusted text)
    score: float
    level: str  # one of LEVELS
    reasons: tuple[Reason, ...]
    events: int  # events about the vessel, of every kind
    as_of: dt.datetime
    sanctioned_by: tuple[str, ...] = field(default=())  # ids of the matches that make it "sanctioned"

    def to_dict(self) -> dict[str, Any]:
        return {
            "vessel": self.vessel, "imo": self.imo, "mmsis": list(self.mmsis), "name": self.name,
            "score": self.score, "level": self.level, "events": self.events, "as_of": self.as_of.isoformat(),
            "sanctioned_by": list(self.sanctioned_by), "reasons": [r.to_dict() for r in self.reasons],
        }

    def is_vessel(self, vessel: str) -> bool:
        """Whether ``vessel`` (an MMSI or IMO, as typed) is this vessel."""
        column, number = parse_vessel(vessel)
        return number == self.imo if column == "imo" else number in self.mmsis


def score_vessels(
    events: pl.DataFrame | pa.Table,
    params: RiskParams | None = None,
    *,
    as_of: dt.datetime | None = None,
    identities: pl.DataFrame | pa.Table | None = None,
) -> list[VesselRisk]:
    """Every vessel of the events, strongest level and highest score first (see the module docstring).

    ``events``: rows of the events table (columns REQUIRED; ``end``, ``vessel_name``, ``reasons``,
    ``details`` used when present). Events starting after ``as_of`` are left out.
    ``identities``: optional rows ``mmsi``, ``imo`` (and ``reports``, ``last_seen``, ``name``), e.g. the
    statics grouped by MMSI and IMO, to join MMSIs under their IMO and name the vessels.
    """
    p = params or RiskParams()
    df = _events_frame(events)
    if df.is_empty():
        return []
    when = as_of_time(df) if as_of is None else _utc(as_of)
    df = df.filter(pl.col("start") <= when)
    ids = _identity_frame(identities)
    imo_of = _imo_of_mmsi(df, ids)
    sides = _sides(df, imo_of)
    sanctioned = _sanctioned(sides, p)
    names = _names(sides, ids, imo_of)
    mmsis = _mmsis(sides, imo_of)
    counts = dict(sides.group_by("key").agg(pl.col("event_id").n_unique()).iter_rows())
    weighed = {k for k in sides["kind"].unique().to_list() if p.weight(k) > 0} | {"ENCOUNTER"}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in sides.filter(pl.col("kind").is_in(sorted(weighed))).iter_rows(named=True):
        grouped.setdefault(row["key"], []).append(row)
    out = []
    for key in sorted(counts):
        reasons = _reasons(grouped.get(key, []), sanctioned, p, when)
        score = round(float(sum(r.points for r in reasons)), 1)
        level = p.level(score, key in sanctioned)
        imo = int(key[4:]) if key.startswith("imo:") else None
        out.append(VesselRisk(
            vessel=key, imo=imo, mmsis=mmsis.get(key, ()), name=names.get(key), score=score, level=level,
            reasons=reasons, events=counts[key], as_of=when, sanctioned_by=sanctioned.get(key, ()),
        ))
    return sorted(out, key=lambda v: (LEVELS.index(v.level), -v.score, v.vessel))


def score_vessel(
    events: pl.DataFrame | pa.Table,
    vessel: str,
    params: RiskParams | None = None,
    *,
    as_of: dt.datetime | None = None,
    identities: pl.DataFrame | pa.Table | None = None,
) -> VesselRisk | None:
    """The risk of one vessel (an MMSI or IMO, as typed), scored among all ``events`` (a partner's
    sanctions and the default ``as_of`` come from the whole table); None when no event names it."""
    parse_vessel(vessel)  # a bad identifier is an error even when there are no events
    risks = score_vessels(events, params, as_of=as_of, identities=identities)
    return next((r for r in risks if r.is_vessel(vessel)), None)


def as_of_time(events: pl.DataFrame | pa.Table) -> dt.datetime:
    """The default ``as_of``: the latest end (else start) of any event."""
    df = _events_frame(events)
    if df.is_empty():
        raise ValueError("no events: as_of has no default")
    latest = df.select(pl.coalesce("end", "start").max()).item()
    assert isinstance(latest, dt.datetime)
    return latest


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _frame(table: pl.DataFrame | pa.Table) -> pl.DataFrame:
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _as_utc(df: pl.DataFrame, name: str) -> pl.Expr:
    dtype = df.schema[name]
    col = pl.col(name)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        col = col.dt.replace_time_zone("UTC")
    return col.cast(_UTC).alias(name)


def _events_frame(events: pl.DataFrame | pa.Table) -> pl.DataFrame:
    df = _frame(events)
    require_columns(df, REQUIRED, "the events table")
    df = df.with_columns(
        [pl.lit(None, dtype).alias(name) for name, dtype in OPTIONAL.items() if name not in df.columns]
    )
    return df.select(
        pl.col("event_id", "kind", "severity").cast(pl.String),
        pl.col("mmsi", "imo").cast(pl.Int64),
        _as_utc(df, "start"), _as_utc(df, "end"),
        pl.col("vessel_name").cast(pl.String), pl.col("reasons").cast(pl.List(pl.String)),
        pl.col("details").cast(pl.String),
    )


def _identity_frame(identities: pl.DataFrame | pa.Table | None) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {
        "mmsi": pl.Int64(), "imo": pl.Int64(), "reports": pl.Int64(), "last_seen": _UTC, "name": pl.String(),
    }
    if identities is None:
        return pl.DataFrame(schema=schema)
    df = _frame(identities)
    require_columns(df, ("mmsi", "imo"), "the identities table")
    df = df.with_columns(
        [pl.lit(1 if n == "reports" else None, schema[n]).alias(n) for n in schema if n not in df.columns]
    )
    return df.select(
        pl.col("mmsi", "imo", "reports").cast(pl.Int64), _as_utc(df, "last_seen"), pl.col("name").cast(pl.String)
    ).filter(pl.col("mmsi").is_not_null())


def _valid_imos(values: Iterable[int | None]) -> list[int]:
    return sorted({v for v in values if v is not None and valid_imo(v)})


def _imo_of_mmsi(df: pl.DataFrame, ids: pl.DataFrame) -> pl.DataFrame:
    """Each MMSI's IMO: the valid one it was seen with most (the latest on a tie). Columns mmsi, map_imo."""
    from_events = df.select("mmsi", "imo", reports=pl.lit(1, pl.Int64), last_seen=pl.coalesce("end", "start"))
    links = pl.concat([ids.select(from_events.columns), from_events]).drop_nulls(["mmsi", "imo"])
    links = links.filter(pl.col("imo").is_in(_valid_imos(links["imo"].unique().to_list())))
    return (
        links.group_by("mmsi", "imo").agg(pl.col("reports").sum(), pl.col("last_seen").max())
        .sort("mmsi", "reports", "last_seen", "imo", descending=[False, True, True, True], nulls_last=True)
        .group_by("mmsi", maintain_order=True).agg(map_imo=pl.col("imo").first())
    )


def _key(mmsi: pl.Expr, imo: pl.Expr, map_imo: pl.Expr, valid: Sequence[int]) -> pl.Expr:
    """The vessel: its MMSI's IMO, else its own valid IMO, else its MMSI; null for no vessel."""
    return (
        pl.when(map_imo.is_not_null()).then(pl.format("imo:{}", map_imo))
        .when(imo.is_in(valid)).then(pl.format("imo:{}", imo))
        .when(mmsi.is_not_null()).then(pl.format("mmsi:{}", mmsi))
    )


def _sides(df: pl.DataFrame, imo_of: pl.DataFrame) -> pl.DataFrame:
    """Events with their vessel (``key``); an ENCOUNTER once for each of its two vessels, with the
    other one's ``other_key``."""
    valid = _valid_imos(df["imo"].unique().to_list())
    partner = pl.col("details").str.json_path_match("$.other.mmsi").cast(pl.Int64, strict=False)
    df = df.with_columns(partner=pl.when(pl.col("kind") == "ENCOUNTER").then(partner))
    mirrored = df.filter(pl.col("partner").is_not_null()).with_columns(
        pl.col("partner").alias("mmsi"), pl.col("mmsi").alias("partner"), imo=pl.lit(None, pl.Int64),
        vessel_name=pl.col("details").str.json_path_match("$.other.name"),
    )
    both = pl.concat([df, mirrored])
    mapped = imo_of.rename({"mmsi": "partner", "map_imo": "partner_imo"})
    both = both.join(imo_of, on="mmsi", how="left").join(mapped, on="partner", how="left")
    return both.with_columns(
        key=_key(pl.col("mmsi"), pl.col("imo"), pl.col("map_imo"), valid),
        other_key=_key(pl.col("partner"), pl.lit(None, pl.Int64), pl.col("partner_imo"), valid),
    ).filter(pl.col("key").is_not_null())


def _sanctioned(sides: pl.DataFrame, p: RiskParams) -> dict[str, tuple[str, ...]]:
    """Vessels at level sanctioned, with the ids of the matches that put them there."""
    strength = pl.col("details").str.json_path_match("$.strength")
    hits = sides.filter((pl.col("kind") == "SANCTIONS_MATCH") & strength.is_in(list(p.sanctioning_strengths)))
    grouped = hits.sort("event_id").group_by("key").agg(pl.col("event_id").unique(maintain_order=True))
    return {k: tuple(v) for k, v in grouped.iter_rows()}


def _names(sides: pl.DataFrame, ids: pl.DataFrame, imo_of: pl.DataFrame) -> dict[str, str]:
    """Each vessel's latest name: from the identities when given, else from its events."""
    from_events = sides.filter(pl.col("vessel_name").is_not_null()).sort("start").group_by("key").agg(
        pl.col("vessel_name").last()
    )
    names = dict(from_events.iter_rows())
    if not ids.is_empty():
        named = ids.filter(pl.col("name").is_not_null()).join(imo_of, on="mmsi", how="left").with_columns(
            key=pl.when(pl.col("map_imo").is_not_null()).then(pl.format("imo:{}", "map_imo"))
            .otherwise(pl.format("mmsi:{}", "mmsi"))
        )
        latest = named.sort("last_seen", nulls_last=False).group_by("key").agg(pl.col("name").last())
        names.update(dict(latest.iter_rows()))
    return {k: v.strip() for k, v in names.items() if v and v.strip()}


def _mmsis(sides: pl.DataFrame, imo_of: pl.DataFrame) -> dict[str, tuple[int, ...]]:
    """Each vessel's MMSIs: those of its events, and every MMSI whose IMO it is."""
    of_events = sides.select("key", "mmsi").drop_nulls()
    of_imo = imo_of.select(key=pl.format("imo:{}", "map_imo"), mmsi="mmsi")
    grouped = pl.concat([of_events, of_imo]).unique().sort("mmsi").group_by("key").agg("mmsi")
    return {k: tuple(v) for k, v in grouped.iter_rows()}


def _reasons(
    rows: list[dict[str, Any]], sanctioned: Mapping[str, Sequence[str]], p: RiskParams, as_of: dt.datetime
) -> tuple[Reason, ...]:
    groups: dict[str, list[tuple[float, dict[str, Any]]]] = {}
    for row in rows:
        kind = row["kind"]
        if kind == "ENCOUNTER" and row["other_key"] in sanctioned and row["other_key"] != row["key"]:
            kind = MET_SANCTIONED
        if p.weight(kind) <= 0:
            continue
        age_days = (as_of - (row["end"] or row["start"])).total_seconds() / 86400.0
        value = p.weight(kind) * p.factor(row["severity"]) * p.decay(age_days, kind)
        groups.setdefault(kind, []).append((value, row))
    reasons = [_reason(kind, items, p) for kind, items in groups.items()]
    order = list(LABELS)
    return tuple(sorted(reasons, key=lambda r: (-r.points, order.index(r.kind) if r.kind in order else 99, r.kind)))


def _reason(kind: str, items: list[tuple[float, dict[str, Any]]], p: RiskParams) -> Reason:
    unique = {row["event_id"]: (value, row) for value, row in items}  # an event once, even if listed twice
    ranked = sorted(unique.values(), key=lambda vr: (-vr[0], -vr[1]["start"].timestamp(), vr[1]["event_id"]))
    total = sum(value * p.repeat_factor**i for i, (value, _) in enumerate(ranked))
    points = round(min(total, p.kind_cap * p.weight(kind)), 1)
    strongest = ranked[0][1]
    return Reason(
        kind=kind, label=LABELS.get(kind, kind.lower().replace("_", " ")), points=points, count=len(ranked),
        severity=max((r["severity"] for _, r in ranked), key=SEVERITIES.index),
        summary=_summary(kind, strongest), event_ids=tuple(r["event_id"] for _, r in ranked),
        first=min(r["start"] for _, r in ranked), last=max(r["end"] or r["start"] for _, r in ranked),
    )


def _summary(kind: str, row: Mapping[str, Any]) -> str:
    text = "; ".join(row["reasons"] or []) or event_summary(row["kind"], _details(row["details"]))
    if row["kind"] == "ENCOUNTER" and row["other_key"]:  # the event's text is its first vessel's view
        text = f"with {'sanctioned ' if kind == MET_SANCTIONED else ''}{row['other_key']}: {text}"
    return text


def _details(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
