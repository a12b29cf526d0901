"""Writing a simulation: NMEA logs (through the encoder), DMA-style CSV, declarations, truth.

Every writer takes whole columns (:class:`Traffic`) and works day by day, so memory stays
bounded by one day of traffic. The NMEA files are tag-blocked receiver logs
(``\\s:station,c:unix*hh\\!AIVDM...``), one per UTC day, lines in receive-time order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from shadowtrace.ingest.declarations import COLUMNS as DECLARATION_FIELDS
from shadowtrace.sim.encode import AisEncoder, Categorical, SentenceBlock

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

DAY_MS: Final = 86_400_000
DECLARATION_COLUMNS: Final = DECLARATION_FIELDS  # the columns `shadowtrace ingest` reads
DMA_HEADER: Final = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,"
    "Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,"
    "ETA,Data source type"
)
_NAV_STATUS: Final = {0: "Under way using engine", 1: "At anchor", 5: "Moored", 15: "Unknown value"}
_SHIP_TYPE: Final = {
    80: ("Tanker", ""),
    70: ("Cargo", ""),
    71: ("Cargo", "Category X"),
    37: ("Pleasure", ""),
    50: ("Pilot", ""),
    0: ("Undefined", ""),
}
_MOBILE: Final = {1: "Class A", 3: "Class A", 18: "Class B", 4: "Base Station", 21: "AtoN"}


@dataclass
class Identities:
    """Every identity any vessel used, as columns (indexed by identity number)."""

    mmsi: I64
    imo: I64
    name: npt.NDArray[np.str_]
    callsign: npt.NDArray[np.str_]
    ship_type: I64
    dims: I64  # (n, 4): to bow, stern, port, starboard
    class_b: npt.NDArray[np.bool_]


@dataclass
class Voyages:
    """Every voyage-data setting (destination, draught, ETA), indexed by voyage number."""

    destination: npt.NDArray[np.str_]
    draught: F64
    eta_ms: I64  # epoch ms, -1 when not set


@dataclass
class Traffic:
    """What the receivers kept: position reports and static reports, as columns."""

    start_ms: int
    # positions
    p_ms: I64
    p_type: I64
    p_lat: F64
    p_lon: F64
    p_sog: F64
    p_cog: F64
    p_heading: F64
    p_status: I64
    p_turn: F64
    p_station: I64
    p_ident: I64
    p_voyage: I64
    # statics
    s_ms: I64
    s_station: I64
    s_ident: I64
    s_voyage: I64


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000.0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_name(day: int) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day)).strftime("%Y-%m-%d")


def fast_merge(blocks: Sequence[SentenceBlock]) -> bytes:
    """Lines of all blocks in receive-time order (stable), like :func:`encode.merge`, without Python lists."""
    blocks = [b for b in blocks if len(b)]
    if not blocks:
        return b""
    data = np.frombuffer(b"".join(b.data for b in blocks), dtype=np.uint8)
    base = np.cumsum([0] + [len(b.data) for b in blocks[:-1]])
    ends = np.concatenate([b.ends + o for b, o in zip(blocks, base, strict=True)])
    starts = np.concatenate([[0], ends[:-1]])
    starts[np.cumsum([0] + [len(b) for b in blocks[:-1]])] = base
    keys = np.concatenate([b.keys for b in blocks])
    order = np.argsort(keys, kind="stable")
    lens = (ends - starts)[order]
    src = starts[order]
    out_start = np.cumsum(lens) - lens
    idx = np.arange(int(lens.sum()), dtype=np.int64) + np.repeat(src - out_start, lens)
    merged: bytes = data[idx].tobytes()
    return merged


def _eta_parts(ms: I64) -> dict[str, F64]:
    ok = ms >= 0
    t = np.where(ok, ms, 0).astype("datetime64[ms]")
    month = (t.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.float64)
    day = (t.astype("datetime64[D]") - t.astype("datetime64[M]")).astype(np.int64) + 1.0
    tod = (t - t.astype("datetime64[D]")).astype(np.int64) // 1000
    nan = np.nan
    return {
        "eta_month": np.where(ok, month, nan),
        "eta_day": np.where(ok, day, nan),
        "eta_hour": np.where(ok, tod // 3600, nan),
        "eta_minute": np.where(ok, tod // 60 % 60, nan),
    }


class NmeaWriter:
    """Encodes one day of traffic at a time into a tag-blocked NMEA log."""

    def __init__(
        self,
        stations: Sequence[str],
        ids: Identities,
        voyages: Voyages,
        shore: Callable[[int, int], list[SentenceBlock]],
    ) -> None:
        self.enc = AisEncoder(groups=False)
        self.stations = list(stations)
        self.ids = ids
        self.voy = voyages
        self.shore = shore  # (day start ms, day end ms) -> base station and AtoN blocks

    def day(self, tr: Traffic, p: slice, s: slice, day_ms: int) -> bytes:
        blocks: list[SentenceBlock] = []
        rng = np.random.default_rng(day_ms // DAY_MS)
        ids, voy = self.ids, self.voy
        for msg_type in (1, 3, 18):
            sel = np.arange(p.start, p.stop)[tr.p_type[p] == msg_type]
            if not sel.size:
                continue
            ms = tr.p_ms[sel]
            cols: dict[str, object] = {
                "mmsi": ids.mmsi[tr.p_ident[sel]],
                "lat": tr.p_lat[sel],
                "lon": tr.p_lon[sel],
                "sog_kn": np.round(tr.p_sog[sel], 1),
                "cog_deg": np.round(tr.p_cog[sel], 1) % 360.0,
                "heading_deg": np.rint(tr.p_heading[sel]) % 360,
                "utc_second": (ms // 1000 - rng.integers(0, 2, sel.size)) % 60,
                "accuracy": True,
                "raim": False,
            }
            if msg_type == 18:
                cols.update(cs_unit=True, display=False, dsc=True, band=True, msg22=True, radio=393222)
            else:
                cols.update(
                    nav_status=tr.p_status[sel],
                    turn=tr.p_turn[sel],
                    maneuver=0,
                    radio=rng.integers(0, 1 << 19, sel.size),
                )
            blocks.append(self._encode(msg_type, cols, ms, tr.p_station[sel], rng))
        sel = np.arange(s.start, s.stop)
        if sel.size:
            ident = tr.s_ident[sel]
            b = ids.class_b[ident]
            a_rows, b_rows = sel[~b], sel[b]
            if a_rows.size:
                ia, va = tr.s_ident[a_rows], tr.s_voyage[a_rows]
                cols = {
                    "mmsi": ids.mmsi[ia],
                    "ais_version": 2,
                    "imo": ids.imo[ia],
                    "callsign": ids.callsign[ia],
                    "shipname": ids.name[ia],
                    "ship_type": ids.ship_type[ia],
                    "epfd": 1,
                    "draught_m": voy.draught[va],
                    "destination": voy.destination[va],
                    "dte": False,
                    **self._dims(ia),
                    **_eta_parts(voy.eta_ms[va]),
                }
                blocks.append(self._encode(5, cols, tr.s_ms[a_rows], tr.s_station[a_rows], rng))
            if b_rows.size:
                ib = tr.s_ident[b_rows]
                n = ib.size
                ms = np.concatenate([tr.s_ms[b_rows], tr.s_ms[b_rows] + 1000])
                cols = {
                    "mmsi": np.tile(ids.mmsi[ib], 2),
                    "part_num": np.repeat([0, 1], n),
                    "shipname": np.tile(ids.name[ib], 2),
                    "ship_type": np.tile(ids.ship_type[ib], 2),
                    "callsign": np.tile(ids.callsign[ib], 2),
                    "vendor_id": "SRT",
                    "model": 2,
                    "serial": 0,
                    "epfd": 1,
                    **{k: np.tile(v, 2) for k, v in self._dims(ib).items()},
                }
                blocks.append(self._encode(24, cols, ms, np.tile(tr.s_station[b_rows], 2), rng))
        blocks += self.shore(day_ms, day_ms + DAY_MS)
        return fast_merge(blocks)

    def _dims(self, ident: I64) -> dict[str, I64]:
        d = self.ids.dims[ident]
        return {"to_bow_m": d[:, 0], "to_stern_m": d[:, 1], "to_port_m": d[:, 2], "to_starboard_m": d[:, 3]}

    def _encode(
        self, msg_type: int, cols: Mapping[str, object], ms: I64, station: I64, rng: np.random.Generator
    ) -> SentenceBlock:
        channel = Categorical(["A", "B"], rng.integers(0, 2, ms.size))
        return self.enc.columns(msg_type, cols, ts=ms, station=Categorical(self.stations, station), channel=channel)


def dma_day(tr: Traffic, p: slice, ids: Identities, voy: Voyages) -> bytes:
    """One day of positions as Danish Maritime Authority CSV (statics repeated on every row)."""
    sel = np.arange(p.start, p.stop)
    ident, vo = tr.p_ident[sel], tr.p_voyage[sel]
    st = ids.ship_type[ident]
    eta = voy.eta_ms[vo]
    class_b = tr.p_type[sel] == 18
    df = pl.DataFrame(
        {
            "ts": tr.p_ms[sel],
            "type": tr.p_type[sel],
            "mmsi": ids.mmsi[ident],
            "lat": np.round(tr.p_lat[sel], 6),
            "lon": np.round(tr.p_lon[sel], 6),
            "status": tr.p_status[sel],
            "rot": tr.p_turn[sel],
            "sog": np.round(tr.p_sog[sel], 1),
            "cog": np.round(tr.p_cog[sel], 1) % 360.0,
            "heading": np.rint(tr.p_heading[sel]).astype(np.int64) % 360,
            "imo": ids.imo[ident],
            "callsign": ids.callsign[ident],
            "name": ids.name[ident],
            "ship_type": st,
            "width": ids.dims[ident, 2] + ids.dims[ident, 3],
            "length": ids.dims[ident, 0] + ids.dims[ident, 1],
            "draught": np.where(class_b, np.nan, voy.draught[vo]),
            "dest": np.where(class_b, "", voy.destination[vo]),
            "eta": np.where(class_b, -1, eta),
        }
    )
    types = {k: v[0] for k, v in _SHIP_TYPE.items()}
    out = df.select(
        pl.from_epoch("ts", time_unit="ms").dt.strftime("%d/%m/%Y %H:%M:%S").alias("Timestamp"),
        pl.col("type").replace_strict(_MOBILE, return_dtype=pl.String).alias("Type of mobile"),
        pl.col("mmsi").alias("MMSI"),
        pl.col("lat").alias("Latitude"),
        pl.col("lon").alias("Longitude"),
        pl.when(pl.col("type") == 18)
        .then(pl.lit("Unknown value"))
        .otherwise(pl.col("status").replace_strict(_NAV_STATUS, default="Unknown value", return_dtype=pl.String))
        .alias("Navigational status"),
        pl.when(pl.col("type") == 18).then(None).otherwise(pl.col("rot").fill_nan(None)).alias("ROT"),
        pl.col("sog").alias("SOG"),
        pl.col("cog").alias("COG"),
        pl.col("heading").alias("Heading"),
        pl.when(pl.col("imo") > 0).then(pl.col("imo").cast(pl.String)).otherwise(pl.lit("Unknown")).alias("IMO"),
        pl.col("callsign").alias("Callsign"),
        pl.col("name").alias("Name"),
        pl.col("ship_type").replace_strict(types, default="Undefined", return_dtype=pl.String).alias("Ship type"),
        pl.when(pl.col("ship_type") == 71).then(pl.lit("Category X")).otherwise(None).alias("Cargo type"),
        pl.col("width").alias("Width"),
        pl.col("length").alias("Length"),
        pl.lit("GPS").alias("Type of position fixing device"),
        pl.col("draught").fill_nan(None).alias("Draught"),
        pl.col("dest").alias("Destination"),
        pl.when(pl.col("eta") >= 0)
        .then(pl.from_epoch("eta", time_unit="ms").dt.strftime("%d/%m/%Y %H:%M:%S"))
        .otherwise(None)
        .alias("ETA"),
        pl.lit("AIS").alias("Data source type"),
    )
    buf = io.BytesIO()
    out.write_csv(buf, include_header=False, null_value="", float_precision=None)
    return (DMA_HEADER + "\n").encode() + buf.getvalue()


def write_declarations(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(DECLARATION_COLUMNS), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def write_truth(path: Path, truth: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(truth, indent=1, sort_keys=False, ensure_ascii=True) + "\n", encoding="utf-8")


def iso(ms: int) -> str:
    return _iso(ms)
