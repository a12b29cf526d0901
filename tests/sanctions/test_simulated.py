"""Screening a simulated fleet in which some vessels carry identities from the real lists."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shadowtrace.cli.main import cli
from shadowtrace.sim.evaluate import alleged, evaluate
from shadowtrace.sim.run import simulate
from shadowtrace.sim.scenario import load_scenario
from shadowtrace.store import sql
from shadowtrace.store.store import Store

OFAC = "ofac-sdn/sdn_2024-05-03.csv"
EU_PRK = "eu-oj-sanctions-opensanctions/32017R1509.csv"
EU_RUS = "eu-oj-sanctions-opensanctions/32014R0833.csv"


def _ingest_and_detect(data: Path, sim: Path, lists: list[Path]) -> list[dict[str, Any]]:
    runner = CliRunner()
    assert runner.invoke(cli, ["--data", str(data), "ingest", str(sim / "ais")]).exit_code == 0
    for path in lists:
        added = runner.invoke(cli, ["--data", str(data), "lists", "add", str(path)])
        assert added.exit_code == 0, added.output
    detected = runner.invoke(cli, ["--data", str(data), "detect"])
    assert detected.exit_code == 0, detected.output
    rows = sql.query(Store(data), "SELECT * FROM events WHERE kind = 'SANCTIONS_MATCH'").to_pylist()
    for row in rows:
        row["details"] = json.loads(row["details"])
    return rows


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, shared: Callable[[str], Path]) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("listed")
    ofac, eu_prk, eu_rus = shared(OFAC), shared(EU_PRK), shared(EU_RUS)
    simulate("sea-of-japan", tmp / "sim", vessels=20, days=3, seed=4, listed=[ofac, eu_prk], listed_count=2)
    events = _ingest_and_detect(tmp / "data", tmp / "sim", [ofac, eu_prk, eu_rus])
    return {"truth": json.loads((tmp / "sim/truth.json").read_text()), "events": events}


def test_every_listed_vessel_is_found_by_imo(real: dict[str, Any]) -> None:
    acts = [a for a in real["truth"]["acts"] if a["kind"] == "listed_vessel"]
    assert [a["facts"]["list"] for a in acts] == ["OFAC SDN", "OFAC SDN", "EU 2017/1509", "EU 2017/1509"]
    for act in acts:
        vessel = act["vessels"][0]
        found = [e for e in real["events"] if e["mmsi"] == vessel["mmsi"] and e["details"]["strength"] == "imo"]
        assert found, act
        assert {e["details"]["listed_imo"] for e in found} == {vessel["imo"]}
        assert act["facts"]["entry_id"] in {e["details"]["entry_id"] for e in found}
        assert all(e["severity"] == "high" for e in found)


def test_no_false_matches_on_the_other_vessels(real: dict[str, Any]) -> None:
    listed = {a["vessels"][0]["mmsi"] for a in real["truth"]["acts"] if a["kind"] == "listed_vessel"}
    others = [e for e in real["events"] if e["mmsi"] not in listed]
    assert [e for e in others if e["details"]["strength"] in ("imo", "mmsi", "mmsi_unconfirmed")] == []
    assert alleged(others) == []  # a class B namesake at most, at low severity
    score = evaluate(real["truth"], real["events"], kinds=["SANCTIONS_MATCH"])["SANCTIONS_MATCH"]
    assert (score.expected, score.found, score.false) == (4, 4, 0)


def test_same_seed_same_bytes_with_listed_vessels(tmp_path: Path, shared: Callable[[str], Path]) -> None:
    outs = []
    for k in range(2):
        simulate("sea-of-japan", tmp_path / str(k), vessels=8, days=1, seed=9, listed=[shared(EU_PRK)], listed_count=2)
        outs.append([p.read_bytes() for p in sorted((tmp_path / str(k)).rglob("*")) if p.is_file()])
    assert outs[0] == outs[1]


def test_fictitious_list_of_the_scenario(tmp_path: Path) -> None:
    simulate("sea-of-japan", tmp_path / "sim", vessels=16, days=2, seed=3)
    truth = json.loads((tmp_path / "sim/truth.json").read_text())
    assert "SANCTIONS_MATCH" in truth["event_kinds"]
    acts = [a for a in truth["acts"] if a["kind"] == "listed_vessel"]
    assert [a["variant"] for a in acts] == ["imo", "mmsi", "name"]
    events = _ingest_and_detect(tmp_path / "data", tmp_path / "sim", [tmp_path / "sim/sanctions.jsonl"])
    by_mmsi = {e["mmsi"]: e for e in events}
    for act in acts:
        event = by_mmsi[act["vessels"][0]["mmsi"]]
        assert (event["details"]["strength"], event["severity"]) == (act["variant"], "high")
    assert len(events) == len(acts)


def test_the_fictitious_list_changes_no_traffic(tmp_path: Path) -> None:
    """Listing the scenario's vessels happens after planning, with its own draws: the NMEA is the same."""
    scenario = load_scenario("sea-of-japan")
    simulate(scenario, tmp_path / "listed", vessels=12, days=1, seed=6)
    simulate(dataclasses.replace(scenario, listed=0), tmp_path / "none", vessels=12, days=1, seed=6)
    assert (tmp_path / "listed/sanctions.jsonl").is_file() and not (tmp_path / "none/sanctions.jsonl").exists()
    for path in sorted((tmp_path / "none/ais").iterdir()):
        assert (tmp_path / "listed/ais" / path.name).read_bytes() == path.read_bytes()
