"""Candidate matches of broadcast identities and list entries, found with vectorised joins.

Three ways a vessel (an MMSI with its static reports) can meet an entry of the ``listed`` table:

- ``imo``: a report carried a valid IMO number the entry lists (with a valid check digit);
- ``mmsi``: the vessel's MMSI is the one the entry lists;
- ``name``: a broadcast name scores at least ``min_score`` against the entry's name or an alias
  (:func:`shadowtrace.sanctions.names.name_score`; each distinct name is scored once).

:func:`candidates` gives one row per (MMSI, entry, way) with the span of the reports that carried
the matching identity (first and last time, first and last row); :func:`vessels_seen` what else
the vessel broadcast (its valid IMO numbers, call signs, names), which the rules in
:mod:`shadowtrace.detectors.sanctions` weigh to confirm or contradict a candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from shadowtrace.sanctions.names import listed_keys, name_key, score_pairs

STATICS_REQUIRED = ("source_id", "line", "ts", "msg_type", "mmsi", "imo", "callsign", "shipname")
#: static message types of class B transponders (small craft: not the ships SOLAS lists)
CLASS_B_STATICS = (19, 24)

_SPAN = (
    pl.col("ts").first().alias("first_ts"), pl.col("ts").last().alias("last_ts"),
    pl.col("source_id").first().alias("first_src"), pl.col("line").first().alias("first_line"),
    pl.col("source_id").last().alias("last_src"), pl.col("line").last().alias("last_line"),
    pl.len().alias("reports"),
)


def valid_imo_expr(imo: pl.Expr) -> pl.Expr:
    """:func:`shadowtrace.models.imo.valid_imo` as a Polars expression."""
    head = imo // 10
    check = pl.sum_horizontal([(head // 10**k) % 10 * (k + 2) for k in range(6)]) % 10
    return imo.is_between(1_000_000, 9_999_999) & (check == imo % 10)


def callsign_key(text: str) -> str:
    """A call sign as compared: letters and digits only, upper case (``5IM 592`` is ``5IM592``)."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def observed(statics: pl.DataFrame) -> pl.DataFrame:
    """Timed static reports, time-ordered, with IMO 0 as null and a ``valid_imo`` column."""
    missing = [c for c in STATICS_REQUIRED if c not in statics.columns]
    if missing:
        raise ValueError(f"statics table lacks columns {missing}")
    return (
        statics.select(STATICS_REQUIRED)
        .filter(pl.col("ts").is_not_null())
        .with_columns(imo=pl.when(pl.col("imo") > 0).then(pl.col("imo")))
        .with_columns(valid_imo=valid_imo_expr(pl.col("imo")).fill_null(False))
        .sort("ts", "source_id", "line")
    )


def _spans(rows: pl.DataFrame, how: str, *extra: pl.Expr) -> pl.DataFrame:
    return (
        rows.group_by("mmsi", "_entry", maintain_order=True)
        .agg(*_SPAN, *extra)
        .with_columns(how=pl.lit(how))
    )


def candidates(obs: pl.DataFrame, listed: pl.DataFrame, min_score: float) -> pl.DataFrame:
    """(mmsi, _entry (row of ``listed``), how, first/last ts, first/last row, reports, name_score,
    broadcast_name) of every candidate match, in a stable order."""
    entries = listed.with_row_index("_entry")
    by_imo = entries.filter(pl.col("imo_valid").fill_null(False)).select("_entry", "imo")
    imo = _spans(obs.filter(pl.col("valid_imo")).join(by_imo, on="imo", maintain_order="left"), "imo")
    by_mmsi = entries.select("_entry", "mmsi").drop_nulls()
    mmsi = _spans(obs.join(by_mmsi, on="mmsi", maintain_order="left"), "mmsi")
    frames = [imo, mmsi, _name_candidates(obs, entries, min_score)]
    columns = ["mmsi", "_entry", "how", "first_ts", "last_ts", "first_src", "first_line", "last_src", "last_line",
               "reports", "name_score", "broadcast_name"]
    out = pl.concat(
        [f.with_columns(*(pl.lit(None).alias(c) for c in ("name_score", "broadcast_name") if c not in f.columns))
         .select(columns).cast({"name_score": pl.Float64, "broadcast_name": pl.String}) for f in frames],
    )
    return out.sort("mmsi", "_entry", "how")


def _name_candidates(obs: pl.DataFrame, entries: pl.DataFrame, min_score: float) -> pl.DataFrame:
    names = obs.select("shipname").drop_nulls().unique().sort("shipname")
    names = names.with_columns(key=pl.Series([name_key(n) for n in names["shipname"]], dtype=pl.String))
    names = names.filter(pl.col("key") != "")
    variants = pl.DataFrame(
        [(e, k) for e, name, aliases in entries.select("_entry", "name", "aliases").iter_rows()
         for k in listed_keys([n for n in [name, *(aliases or [])] if n])],
        schema={"_entry": pl.UInt32, "lkey": pl.String}, orient="row",
    )
    bkeys = names["key"].unique().sort().to_list()
    lkeys = variants["lkey"].unique().sort().to_list()
    pairs = pl.DataFrame(
        [(bkeys[i], lkeys[j], s) for i, j, s in score_pairs(bkeys, lkeys, min_score)],
        schema={"key": pl.String, "lkey": pl.String, "name_score": pl.Float64}, orient="row",
    )
    matched = (
        names.join(pairs, on="key").join(variants, on="lkey")
        .group_by("shipname", "_entry").agg(pl.col("name_score").max())
    )
    rows = obs.join(matched, on="shipname", maintain_order="left")
    return _spans(
        rows, "name",
        pl.col("name_score").max(),
        pl.col("shipname").sort_by("name_score", descending=True).first().alias("broadcast_name"),
    )


@dataclass(frozen=True)
class VesselSeen:
    """What one MMSI broadcast, as the match rules weigh it."""

    imos: frozenset[int]  # valid IMO numbers
    callsigns: frozenset[str]  # as :func:`callsign_key` writes them
    names: int  # distinct names broadcast
    last_name: str | None
    last_imo: int | None  # the last valid IMO number
    class_b: bool  # every static report came from a class B transponder


def vessels_seen(obs: pl.DataFrame, mmsis: list[int]) -> dict[int, VesselSeen]:
    """What each of ``mmsis`` broadcast (see :class:`VesselSeen`)."""
    rows = obs.filter(pl.col("mmsi").is_in(mmsis))
    agg = rows.group_by("mmsi").agg(
        imos=pl.col("imo").filter(pl.col("valid_imo")).unique(),
        callsigns=pl.col("callsign").drop_nulls().unique(),
        names=pl.col("shipname").drop_nulls().n_unique(),
        last_name=pl.col("shipname").drop_nulls().last(),
        last_imo=pl.col("imo").filter(pl.col("valid_imo")).last(),
        class_b=pl.col("msg_type").is_in(CLASS_B_STATICS).all(),
    )
    return {
        r["mmsi"]: VesselSeen(
            frozenset(r["imos"]), frozenset(k for c in r["callsigns"] if (k := callsign_key(c))),
            r["names"], r["last_name"], r["last_imo"], r["class_b"],
        )
        for r in agg.iter_rows(named=True)
    }
