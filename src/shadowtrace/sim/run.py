"""Run a simulation: scenario -> fleet and acts -> what receivers heard -> files.

:func:`simulate` is the one entry point (the ``shadowtrace simulate`` command calls it).
The same scenario, size and seed give byte-identical files: every random draw comes from
a generator keyed by (seed, vessel, purpose), so nothing depends on processing order.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.sim.acts import EvasiveActs
from shadowtrace.sim.coverage import Receivers, gps_noise
from shadowtrace.sim.encode import AisEncoder, SentenceBlock
from shadowtrace.sim.fleet import H, Itinerary, Vessel, World, make_vessel
from shadowtrace.sim.identities import MID, Identity, Registry
from shadowtrace.sim.listed import FICTITIOUS_FILE, fictitious, from_list, write_entities
from shadowtrace.sim.lookalikes import LookAlikes
from shadowtrace.sim.motion import report_times, states
from shadowtrace.sim.scenario import Scenario, load_scenario
from shadowtrace.sim.stage import Act, act_schedule
from shadowtrace.sim.truth import build_truth, declaration_rows
from shadowtrace.sim.writers import (
    DAY_MS,
    Identities,
    NmeaWriter,
    Traffic,
    Voyages,
    day_name,
    dma_day,
    write_declarations,
    write_truth,
)

__all__ = ["SimulationSummary", "simulate"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Progress = Callable[[str], None]


@dataclass
class SimulationSummary:
    """What a run wrote."""

    scenario: str
    seed: int
    vessels: int
    days: float
    out_dir: Path
    positions: int = 0
    statics: int = 0
    lines: int = 0
    files: list[str] = field(default_factory=list)
    acts: dict[str, int] = field(default_factory=dict)
    skipped_acts: list[str] = field(default_factory=list)
    declarations: int = 0
    port_calls: int = 0
    gaps: int = 0
    seconds: float = 0.0


@dataclass
class _Tx:
    """One vessel's received reports (columns) and its gaps."""

    p_t: F64
    p_lat: F64
    p_lon: F64
    p_sog: F64
    p_cog: F64
    p_heading: F64
    p_status: I64
    p_station: I64
    p_ident: I64
    p_voyage: I64
    s_t: F64
    s_station: I64
    s_ident: I64
    s_voyage: I64
    gaps: list[dict[str, Any]]


def simulate(
    scenario: Scenario | str | Path,
    out_dir: str | Path,
    *,
    vessels: int | None = None,
    days: float | None = None,
    seed: int = 0,
    csv: bool = False,
    force: bool = False,
    listed: Sequence[str | Path] = (),
    listed_count: int = 3,
    progress: Progress | None = None,
) -> SimulationSummary:
    """Simulate ``scenario`` and write its files into ``out_dir`` (see docs/simulate.md).

    ``listed``: sanctions list files; for each, ``listed_count`` ordinary vessels become entries of
    it (without any, the scenario's ``listed`` vessels are listed in a fictitious ``sanctions.jsonl``).
    """
    import time

    t_start = time.perf_counter()
    say = progress or (lambda _msg: None)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    n_vessels = sc.vessels if vessels is None else vessels
    n_days = sc.days if days is None else days
    if n_vessels < 1 or n_vessels > 200_000:
        raise InputError(f"--vessels {n_vessels} is impossible; give 1 to 200000")
    if not 0.5 <= n_days <= 366:
        raise InputError(f"--days {n_days} is impossible; give 0.5 to 366")
    if seed < 0:
        raise InputError(f"--seed {seed} must be zero or positive")
    out = _prepare_out(Path(out_dir), force)
    gaz = Gazetteer.from_searoute()
    for i, p in enumerate(sc.ports):
        if p.locode not in gaz:
            raise InputError(
                f"{sc.source or sc.name}: ports[{i}].locode = {p.locode!r} is not in the gazetteer; "
                "use a UN/LOCODE it lists (see `shadowtrace.geo.ports`)"
            )
    world = World(sc, gaz, seed, n_days)
    receivers = Receivers(sc)
    registry = Registry(world.rng(0, 0))
    counter = iter(range(10**9))
    say(f"planning {n_vessels} vessels over {n_days:g} days ({sc.name})")
    stage = _Stage(world, registry, lambda: next(counter), receivers.covered)
    for k, (kind, variant) in enumerate(act_schedule(sc, n_vessels, n_days)):
        stage.stage(kind, variant, world.rng(2, k))
    fleet = list(stage.vessels)
    for kind_name, count in _type_counts(sc, max(0, n_vessels - len(fleet))):
        for _ in range(count):
            fleet.append(_ordinary(world, registry, next(counter), kind_name))
    fleet.sort(key=lambda v: v.idx)
    entities = _list_vessels(stage, fleet, registry, world, listed, listed_count)
    say(f"simulating reception for {len(fleet)} vessels")
    ids, ident_of = _identities(fleet)
    voys, voy_base = _voyages(fleet, sc.start.timestamp())
    txs = []
    for n, v in enumerate(fleet):
        txs.append(_transmit(v, world, receivers, ident_of[v.idx], voy_base[v.idx]))
        if n % 500 == 499:
            say(f"  {n + 1}/{len(fleet)} vessels")
    start_ms = round(sc.start.timestamp() * 1000)
    traffic = _traffic(txs, start_ms)
    summary = SimulationSummary(sc.name, seed, len(fleet), n_days, out)
    summary.positions, summary.statics = int(traffic.p_ms.size), int(traffic.s_ms.size)
    say(f"writing {summary.positions:,} positions and {summary.statics:,} static reports")
    _write_logs(out, traffic, ids, voys, receivers, sc, world, csv, summary)
    decls = declaration_rows(fleet, world, start_ms)
    write_declarations(out / "declarations.csv", decls)
    truth = build_truth(
        sc, seed, n_days, fleet, stage.acts, [g for tx in txs for g in tx.gaps], world, receivers, start_ms, decls
    )
    write_truth(out / "truth.json", truth)
    summary.files += ["declarations.csv", "truth.json"]
    if entities:
        write_entities(out / FICTITIOUS_FILE, entities)
        summary.files.append(FICTITIOUS_FILE)
    summary.declarations = len(decls)
    summary.port_calls = len(truth["port_calls"])
    summary.gaps = len(truth["gaps"])
    summary.acts = _count_acts(stage.acts)
    summary.skipped_acts = stage.skipped
    summary.seconds = time.perf_counter() - t_start
    return summary


class _Stage(EvasiveActs, LookAlikes):
    """Stages every kind of act: the evasive ones and their look-alikes."""


#: the generator key of listing vessels (apart from every other draw)
_LISTED_KEY = (1_000_003, 1)


def _list_vessels(
    stage: _Stage, fleet: list[Vessel], registry: Registry, world: World, paths: Sequence[str | Path], count: int
) -> list[dict[str, Any]]:
    """Listed vessels (sim/listed.py) as acts; the fictitious list's entities, if it is the one used."""
    rng = world.rng(*_LISTED_KEY)
    if paths and count < 1:
        raise InputError(f"--listed-count {count} must be at least 1")
    for path in paths:
        for act in from_list(Path(path), fleet, registry, count, rng, world):
            stage.add(act)
    if paths:
        return []
    acts, entities = fictitious(fleet, world.scenario.listed, rng, world)
    for act in acts:
        stage.add(act)
    return entities


def _count_acts(acts: list[Act]) -> dict[str, int]:
    out: dict[str, int] = {}
    for a in acts:
        out[a.kind] = out.get(a.kind, 0) + 1
    return out


def _prepare_out(out: Path, force: bool) -> Path:
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise InputError(f"--out {out} is not empty; choose an empty folder or add --force to overwrite")
        for name in ("ais", "csv"):
            if (out / name).is_dir():
                shutil.rmtree(out / name)
        for name in ("truth.json", "declarations.csv", FICTITIOUS_FILE):
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _type_counts(sc: Scenario, n: int) -> list[tuple[str, int]]:
    """Largest-remainder split of ``n`` vessels by the fleet shares."""
    names = [k for k, v in sc.fleet.items() if v > 0]
    shares = np.array([sc.fleet[k] for k in names], dtype=float)
    exact = shares / shares.sum() * n
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: n - int(counts.sum())]:
        counts[i] += 1
    return [(k, int(c)) for k, c in zip(names, counts, strict=True)]


def _ordinary(world: World, registry: Registry, idx: int, type_name: str) -> Vessel:
    sc = world.scenario
    vt = sc.types[type_name]
    rng = world.rng(idx, 2)
    role = {"tanker": "export", "bulker": "export", "small_craft": "local"}.get(type_name, "hub")
    ports = world.role(role) or world.role("import") or [p.locode for p in sc.ports]
    if type_name in ("tanker", "bulker") and rng.random() < 0.5 and world.role("import"):
        ports = world.role("import")
    home = ports[int(rng.integers(len(ports)))]
    if vt.ais_class == "B" and world.ports[home].country in MID:
        flag = world.ports[home].country
    else:
        flags = list(sc.flags)
        share = np.array([sc.flags[f] for f in flags])
        flag = flags[int(rng.choice(len(flags), p=share / share.sum()))]
    v = make_vessel(world, registry, idx, vt, home, flag)
    it = Itinerary(world, v, rng)
    until = float(rng.uniform(-40, 30)) * H
    laden = "export" in world.roles_of(home) and type_name in ("tanker", "bulker")
    it.begin_at_berth(home, laden=laden, until=until, since=until - it.stay_h() * H)
    it.trade_until(world.T)
    return v


def _identities(fleet: list[Vessel]) -> tuple[Identities, dict[int, list[int]]]:
    rows: list[tuple[Identity, Vessel]] = []
    index: dict[Identity, int] = {}
    of: dict[int, list[int]] = {}
    for v in fleet:
        of[v.idx] = []
        for _, ident in v.identities:
            key = ident
            if key not in index:
                index[key] = len(rows)
                rows.append((ident, v))
            of[v.idx].append(index[key])
    # an identity borrowed by another vessel keeps its owner's ship data
    return Identities(
        mmsi=np.array([i.mmsi for i, _ in rows], dtype=np.int64),
        imo=np.array([i.imo for i, _ in rows], dtype=np.int64),
        name=np.array([i.name for i, _ in rows], dtype=str),
        callsign=np.array([i.callsign for i, _ in rows], dtype=str),
        ship_type=np.array([v.ship_type for _, v in rows], dtype=np.int64),
        dims=np.array([v.dims for _, v in rows], dtype=np.int64).reshape(-1, 4),
        class_b=np.array([v.ais_class == "B" for _, v in rows], dtype=np.bool_),
    ), of


def _voyages(fleet: list[Vessel], start_s: float) -> tuple[Voyages, dict[int, int]]:
    dest: list[str] = []
    draught: list[float] = []
    eta: list[int] = []
    base: dict[int, int] = {}
    for v in fleet:
        v.voyage.sort(key=lambda x: x.t)
        base[v.idx] = len(dest)
        for x in v.voyage:
            dest.append(x.destination)
            draught.append(x.draught_m)
            eta.append(-1 if math.isnan(x.eta) else round((start_s + x.eta) / 60.0) * 60_000)
    return Voyages(np.array(dest, dtype=str), np.array(draught), np.array(eta, dtype=np.int64)), base


def _in_windows(t: F64, windows: list[tuple[float, float]]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(t.shape, dtype=np.bool_)
    for a, b in windows:
        mask |= (t >= a) & (t < b)
    return mask


def _transmit(v: Vessel, world: World, rec: Receivers, ident_rows: list[int], voy_base: int) -> _Tx:
    rng = world.rng(v.idx, 3)
    sc = world.scenario
    T = world.T
    t, which = report_times(v.phases, 0.0, T, v.moving_s, v.still_s, rng, v.ais_class == "B")
    st = states(v.phases, t, which, rng, v.heading_bias)
    passes = rec.passes(rng, T)
    heard = rec.receive(st.t, st.lat, st.lon, passes)
    dark = _in_windows(st.t, [(a, b) for a, b, _ in v.dark])
    keep = heard.keep & ~dark
    idx = np.nonzero(keep)[0]
    lat, lon = gps_noise(st.lat[idx], st.lon[idx], rng, sc.reception.gps_noise_m, sc.reception.gps_outlier_share)
    for a, b, slat, slon in v.spoof:
        m = (st.t[idx] >= a) & (st.t[idx] < b)
        lat[m], lon[m] = slat + rng.normal(0, 0.0002, int(m.sum())), slon + rng.normal(0, 0.0002, int(m.sum()))
    pt = st.t[idx]
    since = np.array([s for s, _ in v.identities])
    ident = np.asarray(ident_rows, dtype=np.int64)
    vt = np.array([x.t for x in v.voyage])

    def ident_at(times: F64) -> I64:
        return ident[np.clip(np.searchsorted(since, times, side="right") - 1, 0, len(ident) - 1)]

    def voy_at(times: F64) -> I64:
        return voy_base + np.clip(np.searchsorted(vt, times, side="right") - 1, 0, len(vt) - 1)

    # static reports every 6 minutes, heard where the nearest position report would be
    s_t = np.arange(float(rng.uniform(0, sc.reception.static_interval_s)), T, sc.reception.static_interval_s)
    s_t = s_t[~_in_windows(s_t, [(a, b) for a, b, _ in v.dark])]
    near = np.clip(np.searchsorted(st.t, s_t), 0, max(st.t.size - 1, 0))
    if st.t.size:
        s_station = heard.station[near]
        sat = (s_station == rec.sat) | (
            (s_station < 0) & (rng.random(s_t.size) < 0.08) & (rec.satellite_share(st.lat[near], st.lon[near]) > 0.5)
        )
        s_ok = (s_station >= 0) & (s_station != rec.sat) | sat
        s_station = np.where(sat & (s_station < 0), rec.sat, s_station)
        s_t, s_station = s_t[s_ok], s_station[s_ok]
    else:
        s_t, s_station = s_t[:0], np.zeros(0, np.int64)
    gaps = _gap_list(v, pt, st, rec)
    return _Tx(
        pt,
        lat,
        lon,
        st.sog[idx],
        st.cog[idx],
        st.heading[idx],
        st.status[idx],
        heard.station[idx],
        ident_at(pt),
        voy_at(pt),
        s_t,
        s_station,
        ident_at(s_t),
        voy_at(s_t),
        gaps,
    )


def _gap_list(v: Vessel, pt: F64, st: Any, rec: Receivers) -> list[dict[str, Any]]:
    """Every silence of at least ``min_gap_h`` between received positions, with its cause."""
    out: list[dict[str, Any]] = []
    limit = rec.rec.min_gap_h * H
    d = np.diff(pt)
    for k in np.nonzero(d >= limit)[0].tolist():
        a, b = float(pt[k]), float(pt[k + 1])
        cause, why = "no_coverage", "out of range of shore stations, between satellite passes"
        act = next((aid for x0, x1, aid in v.dark if x0 < b and x1 > a), None)
        if act is not None:
            cause, why = "deliberate_silence", act
        else:
            inside = (st.t > a) & (st.t < b)
            holes = rec.hole_of(st.lat[inside], st.lon[inside])
            if holes.size and (holes >= 0).mean() > 0.5:
                h = rec.holes[int(np.bincount(holes[holes >= 0]).argmax())]
                cause, why = "receiver_hole", h.name
        out.append({"vessel": v.idx, "start": a, "end": b, "cause": cause, "detail": why})
    return out


def _traffic(txs: list[_Tx], start_ms: int) -> Traffic:
    def cat(name: str) -> Any:
        return np.concatenate([getattr(x, name) for x in txs]) if txs else np.zeros(0)

    p_t, s_t = cat("p_t"), cat("s_t")
    po = np.argsort(p_t, kind="stable")
    so = np.argsort(s_t, kind="stable")
    p_ms = start_ms + np.rint(p_t[po] * 1000).astype(np.int64)
    s_ms = start_ms + np.rint(s_t[so] * 1000).astype(np.int64)
    ident = cat("p_ident")[po].astype(np.int64)
    return Traffic(
        start_ms=start_ms,
        p_ms=p_ms,
        p_type=np.zeros(0, np.int64),
        p_lat=cat("p_lat")[po],
        p_lon=cat("p_lon")[po],
        p_sog=cat("p_sog")[po],
        p_cog=cat("p_cog")[po],
        p_heading=cat("p_heading")[po],
        p_status=cat("p_status")[po].astype(np.int64),
        p_turn=np.zeros(po.size),
        p_station=cat("p_station")[po].astype(np.int64),
        p_ident=ident,
        p_voyage=cat("p_voyage")[po].astype(np.int64),
        s_ms=s_ms,
        s_station=cat("s_station")[so].astype(np.int64),
        s_ident=cat("s_ident")[so].astype(np.int64),
        s_voyage=cat("s_voyage")[so].astype(np.int64),
    )


def _write_logs(
    out: Path,
    tr: Traffic,
    ids: Identities,
    voys: Voyages,
    rec: Receivers,
    sc: Scenario,
    world: World,
    csv: bool,
    summary: SimulationSummary,
) -> None:
    rng = np.random.default_rng([world.seed, 7])
    class_b = ids.class_b[tr.p_ident]
    tr.p_type = np.where(class_b, 18, np.where(rng.random(tr.p_ms.size) < 0.03, 3, 1)).astype(np.int64)
    turning = rng.random(tr.p_ms.size)
    tr.p_turn = np.where(
        turning < 0.25, np.nan, np.where(tr.p_status == 0, np.round(rng.normal(0, 1.5, tr.p_ms.size)), 0.0)
    )
    shore = _shore(sc, world, rec)
    writer = NmeaWriter(rec.names, ids, voys, shore)
    (out / "ais").mkdir(exist_ok=True)
    if csv:
        (out / "csv").mkdir(exist_ok=True)
    first = tr.start_ms // DAY_MS
    last = (tr.start_ms + int(world.T * 1000) - 1) // DAY_MS
    for day in range(first, last + 1):
        lo, hi = day * DAY_MS, (day + 1) * DAY_MS
        p = slice(*np.searchsorted(tr.p_ms, [lo, hi]).tolist())
        s = slice(*np.searchsorted(tr.s_ms, [lo, hi]).tolist())
        data = writer.day(tr, p, s, lo)
        name = f"ais/{day_name(day)}.nmea"
        (out / name).write_bytes(data)
        summary.lines += data.count(b"\n")
        summary.files.append(name)
        if csv:
            cname = f"csv/aisdk-{day_name(day)}.csv"
            (out / cname).write_bytes(dma_day(tr, p, ids, voys))
            summary.files.append(cname)


def _shore(sc: Scenario, world: World, rec: Receivers) -> Callable[[int, int], list[SentenceBlock]]:
    """Base stations (type 4) at every shore station and aids to navigation (type 21)."""
    start_ms = round(sc.start.timestamp() * 1000)
    end_ms = start_ms + int(world.T * 1000)
    countries = []
    for s in sc.stations:
        near = min(world.ports.values(), key=lambda p: (p.berth_lat - s.lat) ** 2 + (p.berth_lon - s.lon) ** 2)
        countries.append(MID.get(near.country, (351,))[0])
    enc = AisEncoder()
    aton_station = rec.terrestrial(np.array([a.lat for a in sc.aton]), np.array([a.lon for a in sc.aton]))

    def blocks(lo: int, hi: int) -> list[SentenceBlock]:
        lo, hi = max(lo, start_ms), min(hi, end_ms)
        out: list[SentenceBlock] = []
        step = int(sc.reception.base_station_interval_s * 1000)
        for k, s in enumerate(sc.stations):
            ms = np.arange(lo - lo % step + (k * 7919) % step, hi, step, dtype=np.int64)
            ms = ms[ms >= lo]
            if ms.size:
                cols = {
                    "mmsi": countries[k] * 10_000 + k + 1,
                    "lat": s.lat,
                    "lon": s.lon,
                    "epfd": 7,
                    "accuracy": True,
                    "raim": False,
                    "radio": 0,
                    "reported_utc": (ms // 1000).astype("datetime64[s]"),
                }
                out.append(enc.columns(4, cols, ts=ms, station=s.name, channel="A", n=ms.size))
        step = int(sc.reception.aton_interval_s * 1000)
        for k, a in enumerate(sc.aton):
            if aton_station[k] < 0:
                continue
            ms = np.arange(lo - lo % step + (k * 3571) % step, hi, step, dtype=np.int64)
            ms = ms[ms >= lo]
            if ms.size:
                mid = countries[int(aton_station[k])]
                cols = {
                    "mmsi": 990_000_000 + mid * 10_000 + k + 1,
                    "aid_type": a.aid_type,
                    "shipname": a.name,
                    "lat": a.lat,
                    "lon": a.lon,
                    "epfd": 7,
                    "accuracy": False,
                    "virtual_aid": False,
                    "off_position": False,
                    "utc_second": (ms // 1000) % 60,
                    "to_bow_m": 1,
                    "to_stern_m": 1,
                    "to_port_m": 1,
                    "to_starboard_m": 1,
                }
                out.append(
                    enc.columns(21, cols, ts=ms, station=rec.names[int(aton_station[k])], channel="B", n=ms.size)
                )
        return out

    return blocks
