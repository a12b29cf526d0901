"""On a small simulated fleet: vessels of labelled evasive acts rank above the others
(one fixed seed; benchmarks/risk.py measures many)."""

from __future__ import annotations

import json

import pytest

from shadowtrace.detectors.run import detect
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.risk import VesselRisk
from shadowtrace.risk.store import store_risks
from shadowtrace.sim.evaluate import labelled_scores, roc_auc
from shadowtrace.sim.run import simulate
from shadowtrace.store.store import Store


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[VesselRisk], dict[str, object]]:
    tmp = tmp_path_factory.mktemp("risk-sim")
    simulate("sea-of-japan", tmp / "sim", vessels=30, days=7, seed=0)
    store = Store(tmp / "data")
    ingest(store, [str(tmp / "sim/ais"), str(tmp / "sim/declarations.csv")])
    detect(store)
    return store_risks(store), json.loads((tmp / "sim/truth.json").read_text())


def test_act_vessels_rank_above_the_rest(scored: tuple[list[VesselRisk], dict[str, object]]) -> None:
    risks, truth = scored
    rows = labelled_scores(truth, [(r.mmsis, r.imo, r.score) for r in risks])
    acts = [s for s, label in rows if label == "act"]
    others = [s for s, label in rows if label != "act"]
    assert len(acts) >= 8
    assert roc_auc(acts, others) >= 0.85
    top = sorted(rows, key=lambda r: -r[0])[: len(acts)]
    assert sum(label == "act" for _, label in top) >= 0.8 * len(acts)


def test_declared_elsewhere_vessels_are_high_or_medium(scored: tuple[list[VesselRisk], dict[str, object]]) -> None:
    risks, truth = scored
    acts = truth["acts"]
    assert isinstance(acts, list)
    liars = {v["mmsi"] for a in acts if a["kind"] in ("declared_elsewhere", "dark_delivery") for v in a["vessels"]}
    levels = {m: r.level for r in risks for m in r.mmsis}
    assert liars and all(levels.get(m) in ("high", "medium") for m in liars), levels
    assert all(r.reasons[0].event_ids for r in risks if r.score > 0)
