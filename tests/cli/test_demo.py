"""`shadowtrace demo` end to end: simulate, ingest, score; rerunning adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from shadowtrace.cli.main import cli


def test_demo_runs_end_to_end_and_is_idempotent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ["--data", str(data), "demo", "--vessels", "16", "--days", "4", "--seed", "3"]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "0 rejected" in first.output
    truth_files = list((data / "demo-input").glob("*/truth.json"))
    assert len(truth_files) == 1
    truth = json.loads(truth_files[0].read_text())
    for kind in truth["event_kinds"]:
        assert kind in first.output
    count = CliRunner().invoke(cli, ["--data", str(data), "sql", "--format", "json",
                                     "SELECT count(*) AS n FROM positions"])
    positions = json.loads(count.output)[0]["n"]
    assert positions > 1000
    again = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert again.exit_code == 0
    assert "ingested 0 file(s)" in again.output
    count = CliRunner().invoke(cli, ["--data", str(data), "sql", "--format", "json",
                                     "SELECT count(*) AS n FROM positions"])
    assert json.loads(count.output)[0]["n"] == positions
