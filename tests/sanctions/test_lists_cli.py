"""`shadowtrace lists`: add each format, replace a list by a newer version, remove one, refuse bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shadowtrace.cli.main import cli
from shadowtrace.sanctions.lists import date_in_name


def run(data: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data", str(data), *args])


def loaded(data: Path) -> dict[str, dict[str, object]]:
    result = run(data, "lists", "ls", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.output)}


REAL = {
    "ofac raw": ("ofac-sdn/sdn_2024-05-03.csv", "OFAC SDN", "2024-05-03", 851, 844, 154),
    "ofac extract": ("ofac-sdn/sdn_vessels_2024-05-03.csv", "OFAC SDN", "2024-05-03", 851, 844, 154),
    "eu 2017/1509": ("eu-oj-sanctions-opensanctions/32017R1509.csv", "EU 2017/1509", None, 75, 74, 4),
    "eu 833/2014": ("eu-oj-sanctions-opensanctions/32014R0833.csv", "EU 833/2014", None, 633, 633, 0),
}


@pytest.mark.parametrize(("relative", "name", "date", "entries", "with_imo", "with_mmsi"), REAL.values(),
                         ids=REAL.keys())
def test_add_real_lists(tmp_path: Path, shared: Callable[[str], Path], relative: str, name: str, date: str | None,
                        entries: int, with_imo: int, with_mmsi: int) -> None:
    result = run(tmp_path, "lists", "add", str(shared(relative)))
    assert result.exit_code == 0, result.output
    assert f"{entries:,} vessel entries" in result.output
    row = loaded(tmp_path)[name]
    assert (row["entries"], row["with_imo"], row["with_mmsi"]) == (entries, with_imo, with_mmsi)
    if date:
        assert row["date"] == date


def test_add_followthemoney_and_name_date_options(tmp_path: Path, ftm_fixture: Path) -> None:
    result = run(tmp_path, "lists", "add", str(ftm_fixture), "--name", "OpenSanctions", "--date", "2024-06-01")
    assert result.exit_code == 0, result.output
    assert "4 vessel entries, 3 with an IMO number, 2 with an MMSI; 2 rejected, 3 other entities ignored" in (
        result.stdout)
    assert "1 x IMO check digit wrong (kept, imo_valid false)" in result.stdout
    assert "rejected line 7: no vessel name, IMO number or MMSI" in result.stderr
    row = loaded(tmp_path)["OpenSanctions"]
    assert (row["date"], row["format"], row["entries"]) == ("2024-06-01", "ftm", 4)


def test_readding_a_list_replaces_it_and_keeps_the_others(tmp_path: Path, ftm_fixture: Path) -> None:
    assert run(tmp_path, "lists", "add", str(ftm_fixture), "--name", "A").exit_code == 0
    assert run(tmp_path, "lists", "add", str(ftm_fixture), "--name", "B").exit_code == 0
    newer = tmp_path / "newer.jsonl"
    newer.write_text(ftm_fixture.read_text().splitlines()[0] + "\n")
    result = run(tmp_path, "lists", "add", str(newer), "--name", "A", "--date", "2025-01-01")
    assert result.exit_code == 0, result.output
    assert "replaced 4 entries of the earlier version" in result.output
    lists = loaded(tmp_path)
    assert (lists["A"]["entries"], lists["A"]["date"], lists["B"]["entries"]) == (1, "2025-01-01", 4)
    count = run(tmp_path, "sql", "--format", "json", "SELECT count(*) AS n FROM listed")
    assert json.loads(count.output)[0]["n"] == 5


def test_remove_a_list(tmp_path: Path, ftm_fixture: Path) -> None:
    run(tmp_path, "lists", "add", str(ftm_fixture), "--name", "A")
    run(tmp_path, "lists", "add", str(ftm_fixture), "--name", "B")
    result = run(tmp_path, "lists", "rm", "A")
    assert (result.exit_code, result.output.strip()) == (0, "removed 'A': 4 entries")
    assert list(loaded(tmp_path)) == ["B"]
    missing = run(tmp_path, "lists", "rm", "A")
    assert missing.exit_code == 1
    assert missing.output == "shadowtrace: error: no list named 'A' is loaded (loaded: 'B'); see `shadowtrace lists`\n"
    assert run(tmp_path, "lists", "rm", "B").exit_code == 0
    assert loaded(tmp_path) == {}


def test_lists_without_subcommand_shows_the_table(tmp_path: Path, ftm_fixture: Path) -> None:
    run(tmp_path, "lists", "add", str(ftm_fixture), "--name", "evil\x1b[31m")
    result = run(tmp_path, "lists")
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "evil\\x1b[31m" in result.output


BAD = {
    "not a list": ("a,b,c\n1,2,3\n", [], "not a sanctions list this version reads"),
    "no vessel in it": ('{"id": "p", "schema": "Person", "properties": {}}\n', [],
                        "no vessel entry read as ftm (no row of a vessel in it)"),
    "every row rejected": ("x,y\n1,2\n", ["--format", "eu-journal"], "no vessel entry read as eu-journal (1 rejected"),
    "unknown format": ("x\n", ["--format", "pdf"], None),
}


@pytest.mark.parametrize(("text", "extra", "message"), BAD.values(), ids=BAD.keys())
def test_bad_files_give_one_line_errors(tmp_path: Path, text: str, extra: list[str], message: str | None) -> None:
    path = tmp_path / "list.txt"
    path.write_text(text)
    result = run(tmp_path / "data", "lists", "add", str(path), *extra)
    if message is None:  # a usage error from click
        assert result.exit_code == 2
        return
    assert result.exit_code == 1
    assert result.output.startswith("shadowtrace: error: ") and message in result.output
    assert result.output.count("\n") == 1


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert run(tmp_path, "lists", "add", str(tmp_path / "absent.csv")).exit_code == 2


@pytest.mark.parametrize(("name", "date"), [("sdn_2024-05-03.csv", "2024-05-03"), ("list-20240503.json", "2024-05-03"),
                                            ("32017R1509.csv", None), ("x_2024-13-40.csv", None)])
def test_date_in_file_name(name: str, date: str | None) -> None:
    found = date_in_name(name)
    assert (found.isoformat() if found else None) == date
