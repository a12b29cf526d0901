"""Port-clearance declarations: decoded rows, counted rejects, through the CLI too."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shadowtrace.cli.main import cli
from shadowtrace.ingest.declarations import decode_declarations, is_declarations_header
from shadowtrace.ingest.lines import line_chunks
from shadowtrace.ingest.stats import IngestStats

HEADER = ("declaration_id,mmsi,imo,vessel_name,flag,port_locode,port_name,departure_time,"
          "declared_next_port_locode,declared_next_port_name,cargo")
GOOD = "RUVVO-000001,273419000,9301234,ZARYA,RU,RUVVO,Vladivostok,2025-02-11T22:10:00Z,CNDLC,Dalian,fuel oil"


@pytest.mark.parametrize(
    ("row", "cause"),
    [
        pytest.param(GOOD, None, id="good"),
        pytest.param(GOOD.replace("273419000,9301234", ",9301234"), None, id="imo-only"),
        pytest.param(GOOD.replace("2025-02-11T22:10:00Z", "2025-02-12 08:10:00+10:00"), None, id="offset-time"),
        pytest.param(GOOD.replace("CNDLC", "CN DLC"), None, id="locode-with-space"),
        pytest.param(GOOD.replace("273419000,9301234", ","), "missing_field", id="no-vessel"),
        pytest.param(GOOD.replace(",RUVVO,", ",,"), "missing_field", id="no-port"),
        pytest.param(GOOD.rsplit(",", 1)[0], "missing_field", id="short-row"),
        pytest.param(GOOD.replace("273419000", "27341900x"), "bad_value", id="bad-mmsi"),
        pytest.param(GOOD.replace(",RUVVO,", ",Vladivostok port,"), "bad_value", id="bad-locode"),
        pytest.param(GOOD.replace("2025-02-11T22:10:00Z", "11/02/2025"), "bad_time", id="bad-time"),
    ],
)
def test_rows(row: str, cause: str | None) -> None:
    stats = IngestStats()
    data = f"{HEADER}\n{row}\n".encode()
    tables = {}
    for t in decode_declarations(line_chunks(io.BytesIO(data)), 7, stats):
        tables.update(t)
    assert stats.balanced and stats.lines_read == 2 and stats.ignored["header"] == 1
    if cause is None:
        decl = tables["declarations"].to_pylist()[0]
        assert decl["source_id"] == 7 and decl["line"] == 2
        assert decl["departure_time"] == dt.datetime(2025, 2, 11, 22, 10, tzinfo=dt.UTC)
        assert decl["declared_next_port_locode"] == "CNDLC"
    else:
        assert tables["rejects"].to_pylist()[0]["cause"] == cause
        assert "declarations" not in tables


def test_header_recognised() -> None:
    assert is_declarations_header(HEADER.encode())
    assert not is_declarations_header(b"MMSI,BaseDateTime,LAT,LON")


def test_ingested_by_header_or_option_and_queryable(tmp_path: Path) -> None:
    path = tmp_path / "clearances.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n{GOOD.replace('000001', '000002').replace('Z,', 'x,')}\n")
    data = tmp_path / "data"
    result = CliRunner().invoke(cli, ["--data", str(data), "ingest", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "[declarations]" in result.output and "bad_time: 1" in result.output
    out = CliRunner().invoke(cli, ["--data", str(data), "sql", "--format", "json",
                                   "SELECT declaration_id, declared_next_port_name FROM declarations"])
    assert json.loads(out.output) == [{"declaration_id": "RUVVO-000001", "declared_next_port_name": "Dalian"}]
    other = tmp_path / "other-name.txt"
    other.write_text(f"{HEADER}\n{GOOD.replace('000001', '000003')}\n")
    result = CliRunner().invoke(cli, ["--data", str(data), "ingest", "--declarations", str(other)])
    assert result.exit_code == 0, result.output
    out = CliRunner().invoke(cli, ["--data", str(data), "sql", "--format", "json",
                                   "SELECT count(*) AS n FROM declarations"])
    assert json.loads(out.output) == [{"n": 2}]
