"""On a simulated fleet with labelled evasion: every declared-elsewhere voyage is found,
no look-alike is flagged (one fixed seed; benchmarks/quality.py prints many)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from shadowtrace.cli.main import cli
from shadowtrace.sim.evaluate import evaluate
from shadowtrace.sim.run import simulate
from shadowtrace.store import sql
from shadowtrace.store.store import Store


@pytest.fixture(scope="module")
def detected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, object]]:
    tmp = tmp_path_factory.mktemp("quality")
    simulate("sea-of-japan", tmp / "sim", vessels=60, days=14, seed=0)
    data = tmp / "data"
    runner = CliRunner()
    inputs = [str(tmp / "sim/ais"), str(tmp / "sim/declarations.csv")]
    ingest = runner.invoke(cli, ["--data", str(data), "ingest", *inputs])
    assert ingest.exit_code == 0, ingest.output
    first = runner.invoke(cli, ["--data", str(data), "detect"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(cli, ["--data", str(data), "detect"])  # idempotent: replaces
    assert again.output == first.output
    return Store(data), json.loads((tmp / "sim/truth.json").read_text())


@pytest.mark.parametrize("kind", ["DESTINATION_MISMATCH", "DECLARATION_MISMATCH", "POSITION_JUMP"])
def test_found_and_nothing_false(detected: tuple[Store, dict[str, object]], kind: str) -> None:
    store, truth = detected
    events = sql.query(store, 'SELECT kind, mmsi, imo, start, "end" FROM events').to_pylist()
    score = evaluate(truth, events, kinds=[kind])[kind]
    assert score.expected >= 1
    assert score.recall is not None and score.recall >= 0.95, score
    assert score.precision is not None and score.precision >= 0.95, score
    assert score.on_look_alikes == 0


def test_events_cli_lists_the_mismatches_with_evidence(detected: tuple[Store, dict[str, object]]) -> None:
    store, _ = detected
    out = CliRunner().invoke(cli, ["--data", str(store.root), "events", "--kind", "DESTINATION_MISMATCH",
                                   "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert rows and all(r["details"]["actual"] and r["evidence"] for r in rows)
    assert any(r["severity"] == "high" and r["details"]["actual_country"] == "KP" for r in rows)
    ids = sql.query(store, "SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events").to_pylist()[0]
    assert ids["n"] == ids["d"]
