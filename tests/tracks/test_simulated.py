"""The track layer on a simulated fleet, scored against the simulator's ground truth (truth.json).

A true port call is found when a PORT_CALL of the same vessel (MMSI) and port (UN/LOCODE) has its
arrival within 30 minutes of the true one. Scored: every call of the truth but those made with AIS
off (``dark``) and those cut by the run or by reception (arriving before the vessel's first
received position, or still going on at its last). Precision: a reported call is right when some
true call of that vessel (or of the vessel sharing its MMSI, in a shared-MMSI act) and port
overlaps it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import polars as pl
import pytest

from shadowtrace.geo.ports import Gazetteer
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.sim.run import simulate
from shadowtrace.store.sql import connect
from shadowtrace.store.store import Store
from shadowtrace.tracks import TrackResult, VoyageParams, attach_declarations, run_tracks

VESSELS, DAYS, SEED = 40, 10, 0
TOLERANCE = dt.timedelta(minutes=30)


@dataclass
class Run:
    truth: dict[str, Any]
    store: Store
    result: TrackResult
    seen: dict[int, tuple[dt.datetime, dt.datetime]]  # each vessel's first and last received position


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    tmp = tmp_path_factory.mktemp("tracks-sim")
    simulate("sea-of-japan", tmp / "sim", vessels=VESSELS, days=DAYS, seed=SEED)
    store = Store(tmp / "data")
    ingest(store, [str(tmp / "sim" / "ais")], declarations=[str(tmp / "sim" / "declarations.csv")])
    result = run_tracks(store, Gazetteer.from_searoute(), keep_positions=True)
    con = connect(store)
    seen = {m: (a, b) for m, a, b in con.sql("SELECT mmsi, min(ts), max(ts) FROM positions GROUP BY mmsi").fetchall()}
    con.close()
    truth = json.loads((tmp / "sim" / "truth.json").read_text())
    return Run(truth, store, result, seen)


def _t(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def scored_calls(run: Run) -> list[dict[str, Any]]:
    """True calls a detector can be asked to find (see the module docstring)."""
    out = []
    for call in run.truth["port_calls"]:
        arrival, departure = _t(call["arrival"]), _t(call["departure"])
        first, last = run.seen.get(call["mmsi"], (None, None))
        if call["dark"] or arrival is None or departure is None or first is None or last is None:
            continue
        if first < arrival and departure < last:
            out.append(call)
    return out


def test_port_call_recall(run: Run) -> None:
    found: dict[tuple[int, str], list[dt.datetime]] = {}
    for c in run.result.calls.iter_rows(named=True):
        found.setdefault((c["mmsi"], c["locode"]), []).append(c["arrival"])
    truth = scored_calls(run)
    hits = [
        c for c in truth if any(abs(a - _t(c["arrival"])) <= TOLERANCE for a in found.get((c["mmsi"], c["locode"]), []))
    ]
    recall = len(hits) / len(truth)
    print(f"\nport calls: {len(hits)} of {len(truth)} found, recall {recall:.4f}")
    assert len(truth) > 80
    assert recall >= 0.98


def test_port_call_precision(run: Run) -> None:
    alias: dict[int, set[int]] = {}
    for act in run.truth["acts"]:
        if act["kind"] == "shared_mmsi":
            group = {v["mmsi"] for v in act["vessels"]} | {act["facts"][k]["mmsi"] for k in ("owner", "impostor")}
            for m in group:
                alias[m] = alias.get(m, set()) | group
    true: dict[tuple[int, str], list[tuple[dt.datetime, dt.datetime]]] = {}
    start, end = _t(run.truth["period"]["start"]), _t(run.truth["period"]["end"])
    for c in run.truth["port_calls"]:
        span = (_t(c["arrival"]) or start, _t(c["departure"]) or end)
        true.setdefault((c["mmsi"], c["locode"]), []).append(span)
    slack = dt.timedelta(hours=1)
    right = 0
    for c in run.result.calls.iter_rows(named=True):
        spans = [s for m in alias.get(c["mmsi"], {c["mmsi"]}) for s in true.get((m, c["locode"]), [])]
        right += any(a - slack <= c["departure"] and c["arrival"] <= b + slack for a, b in spans)
    precision = right / run.result.calls.height
    print(f"\nport calls: {right} of {run.result.calls.height} reported are right, precision {precision:.4f}")
    assert precision >= 0.95


def test_the_position_jump_act_is_found(run: Run) -> None:
    acts = [a for a in run.truth["acts"] if a["kind"] == "position_jump"]
    assert acts
    for act in acts:
        (want,) = act["expect"]
        start, end = _t(want["start"]), _t(want["end"])
        hits = [
            e for e in run.result.jumps
            if e.mmsi == want["mmsi"] and e.start <= end + TOLERANCE and (e.end or e.start) >= start - TOLERANCE
        ]  # fmt: skip
        assert len(hits) == 1, act["id"]
        assert hits[0].lat == pytest.approx(want["spoofed_lat"], abs=0.01)
        assert hits[0].details["distance_km"] == pytest.approx(want["distance_km"], rel=0.05)
    assert len(run.result.jumps) == len(acts)  # nothing else is called a jump


def test_declarations_attach_to_voyages(run: Run) -> None:
    con = connect(run.store)
    declarations = pl.from_arrow(con.sql("SELECT * FROM declarations").to_arrow_table())
    con.close()
    assert isinstance(declarations, pl.DataFrame)
    voyages = attach_declarations(run.result.voyages, declarations, VoyageParams())
    matched = voyages.filter(pl.col("declaration_id").is_not_null())
    assert matched.height >= 0.9 * declarations.height
    assert (matched["from_locode"] == matched["declaration_id"].str.split("-").list.first()).all()


def test_voyages_carry_destinations(run: Run) -> None:
    voyages = run.result.voyages
    assert voyages.height >= run.result.calls.height - VESSELS * 2
    with_text = voyages.filter(pl.col("destinations").list.len() > 0)
    assert with_text.height >= 0.8 * voyages.height


def test_buckets_change_nothing(run: Run) -> None:
    again = run_tracks(run.store, Gazetteer.from_searoute(), buckets=3)
    assert sorted(e.event_id for e in again.events) == sorted(e.event_id for e in run.result.events)
    cols = ["mmsi", "voyage", "departed_at", "to_locode"]
    assert again.voyages.select(cols).sort(cols).equals(run.result.voyages.select(cols).sort(cols))


def test_clean_positions_keep_provenance(run: Run) -> None:
    pos = run.result.positions
    assert pos.height == run.result.counts["kept"]
    assert pos.select("source_id", "line").is_duplicated().sum() == 0
    assert run.result.counts["rows"] == sum(
        run.result.counts[k] for k in ("not_vessel", "untimed", "no_position", "duplicates", "jump_fixes", "kept")
    )
