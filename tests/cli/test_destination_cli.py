"""`shadowtrace destination` end to end, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shadowtrace.cli.main import cli

#: the shared real port lists (read-only, never copied into the repository)
SHARED_PORTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ports"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["destination", *args], catch_exceptions=False)


def test_table_shows_how_and_why() -> None:
    result = run("RU VVO>CN NGB", "VLADIVOSTOCK", "BUSAN KOREA", "FOR ORDERS", "")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["raw", "kind", "locode", "port", "country", "confidence", "rule", "legs", "detail"]
    assert len(lines) == 2 + 5
    assert "CNNGB" in lines[2] and "RUVVO > CNNGB" in lines[2] and "legs" in lines[2]
    assert "RUVVO" in lines[3] and "Vladivostok" in lines[3]
    assert "KRPUS" in lines[4] and "name_country" in lines[4]
    assert "placeholder" in lines[5] and "placeholder" in lines[6]


def test_json_rows() -> None:
    result = run("--format", "json", "SE GOT>SE NYN", "N.KOREA", "XYZZY")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["kind"], r["locode"], r["country"], r["rule"]) for r in rows] == [
        ("port", "SENYN", "SE", "legs"),
        ("country", None, "KP", "country"),
        ("unresolved", None, None, "unknown"),
    ]
    assert rows[0]["legs"] == "SEGOT > SENYN" and rows[0]["port"] == "Nynashamn"
    assert rows[0]["raw"] == "SE GOT>SE NYN" and 0.0 < rows[0]["confidence"] <= 1.0


def test_untrusted_text_is_escaped_in_the_table() -> None:
    result = run("EVIL\x1b[2J\x07")
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "EVIL\\x1b[2J\\x07" in result.output


def test_a_text_is_required() -> None:
    result = run()
    assert result.exit_code == 2 and "Missing argument" in result.output


def test_added_gazetteer_file_from_the_world_port_index() -> None:
    wpi = SHARED_PORTS / "nga-wpi" / "UpdatedPub150.csv"
    if not wpi.exists():
        pytest.skip(f"the World Port Index {wpi} is absent (it lives beside the repository, in shared/data)")
    without = json.loads(run("--format", "json", "KYOMIPO", "KASTRON").stdout)
    with_wpi = json.loads(run("--format", "json", "--gazetteer", str(wpi), "KYOMIPO", "KASTRON").stdout)
    assert [r["locode"] for r in with_wpi] == ["KPSGN", "GRAND"]  # Kyomip'o; Kastron, an alias of Andros
    assert without[0]["kind"] == "unresolved"  # searoute does not list Kyomip'o


def test_added_gazetteer_file_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "ports.csv"
    path.write_text(
        "country,location,name,nameWoDiacritics,subdivision,status,function,iata,lat,lon\n"
        "KP,ZZZ,Somewhere Quay,Somewhere Quay,,RL,1-------,,39.5,127.5\n",
        encoding="utf-8",
    )
    result = run("--format", "json", "--gazetteer", str(path), "SOMEWHERE QUAY", "KP ZZZ")
    assert result.exit_code == 0, result.output
    assert [r["locode"] for r in json.loads(result.stdout)] == ["KPZZZ", "KPZZZ"]
    assert "gazetteer:" in result.stderr


def test_a_bad_gazetteer_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("just,some,columns\n1,2,3\n", encoding="utf-8")
    result = run("--gazetteer", str(path), "BUSAN")
    assert result.exit_code == 1
    assert result.stderr.startswith("shadowtrace: error: port file header not recognised")
    assert len(result.stderr.strip().splitlines()) == 1
