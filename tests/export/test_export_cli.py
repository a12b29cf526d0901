"""`shadowtrace export` end to end, hostile text in every format, and every CSV command neutralising formulas."""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner, Result

from shadowtrace.cli.main import cli
from shadowtrace.cli.output import write_rows
from shadowtrace.export.csv_rows import BOM
from shadowtrace.store.store import Store

from .conftest import FORMULA, HOSTILE_TEXT, HYPERLINK, SCRIPT


def run(store: Store, *args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, ["--data", str(store.root), *args])
    assert result.exit_code == code, result.output
    return result


def test_stdout_by_default_with_a_summary_on_stderr(store: Store) -> None:
    result = run(store, "export", "--format", "geojson", "--vessel", str(FORMULA), "--what", "tracks")
    assert json.loads(result.stdout)["features"][0]["properties"]["mmsi"] == FORMULA
    assert result.stderr == "exported 6 positions in 1 segment of 1 vessel as geojson to standard output\n"


def test_out_file_format_from_its_suffix_and_no_overwrite_without_force(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "fleet.kml"
    run(store, "export", "--out", str(out))
    assert ET.parse(out).getroot().tag.endswith("kml")
    assert [p.name for p in tmp_path.iterdir()] == ["fleet.kml"]  # no temporary file left behind
    refused = run(store, "export", "--out", str(out), code=1)
    assert refused.stderr == (
        f"shadowtrace: error: --out {str(out)!r} exists: give --force to replace it, or another name\n"
    )
    out.write_text("old")
    run(store, "export", "--out", str(out), "--force", "--kind", "AIS_GAP", "--what", "events")
    assert ET.parse(out).getroot().tag.endswith("kml")


# arguments -> the one-line error
ERRORS = {
    "csv-needs-one-table": (["--format", "csv"], "a CSV file holds one table: give --what events or --what tracks"),
    "format-not-told": (["--out", "x.txt"], "give --format (geojson, kml, csv, ftm): the output 'x.txt' does not tell"),
    "bad-vessel": (["--format", "kml", "--vessel", "12"], "vessel '12': give an MMSI (9 digits)"),
    "empty-window": (["--format", "kml", "--since", "2017-10-02", "--until", "2017-10-01"], "would be empty"),
    "no-folder": (["--format", "kml", "--out", "/nonexistent/x.kml"], "the folder '/nonexistent' does not exist"),
    "bad-gap": (["--format", "kml", "--gap-h", "0"], "--gap-h 0.0: give a silence in hours above 0"),
}


@pytest.mark.parametrize(("args", "message"), ERRORS.values(), ids=ERRORS.keys())
def test_one_line_errors(store: Store, args: list[str], message: str) -> None:
    result = run(store, "export", *args, code=1)
    assert result.stderr.startswith("shadowtrace: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def _texts(fmt: str, text: str) -> list[str]:
    """Every text value a reader of the format gets back."""
    if fmt == "geojson":
        features = json.loads(text)["features"]
        return [str(v) for f in features for v in f["properties"].values()]
    if fmt == "kml":
        root = ET.fromstring(text.encode("utf-8"))
        return [html.unescape(e.text) if e.tag.endswith("description") else e.text
                for e in root.iter() if e.text]
    if fmt == "ftm":
        return [v for line in text.splitlines() for vs in json.loads(line)["properties"].values() for v in vs]
    rows = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""))
    return [cell.removeprefix("'") for row in rows for cell in row]


FORMATS = {"geojson": ("geojson", "all"), "kml": ("kml", "all"), "ftm": ("ftm", "all"),
           "csv-events": ("csv", "events"), "csv-tracks": ("csv", "tracks")}


@pytest.mark.parametrize(("fmt", "what"), FORMATS.values(), ids=FORMATS.keys())
def test_hostile_text_comes_back_as_text_in_every_format(store: Store, fmt: str, what: str) -> None:
    texts = _texts(fmt, run(store, "export", "--format", fmt, "--what", what).stdout)
    wanted = [t for t in HOSTILE_TEXT if what != "tracks" or t in (SCRIPT, HYPERLINK)]  # tracks carry names only
    for hostile in wanted:
        assert any(hostile in t for t in texts), hostile


def test_exports_to_a_terminal_show_escapes(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shadowtrace.cli.export_cmd.is_terminal", lambda _stream: True)
    out = run(store, "export", "--format", "csv", "--what", "tracks").stdout
    assert "\x1b" not in out and "\\x1b[31mRED" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_rows_written_to_a_terminal_show_escapes(fmt: str) -> None:
    out = _Terminal()
    write_rows(pa.table({"name": ["\x1b[2J\x9b31m\u202eX"]}), fmt, out)
    assert not set("\x1b\x9b\u202e") & set(out.getvalue())


# command -> the column holding the hostile name
CSV_COMMANDS = {
    "events": (["events", "--format", "csv", "--vessel", str(FORMULA)], "vessel_name"),
    "risk": (["risk", "--format", "csv", "--vessel", str(FORMULA)], "name"),
    "sql": (["sql", "--format", "csv", f"SELECT shipname FROM statics WHERE mmsi = {FORMULA}"], "shipname"),
}


@pytest.mark.parametrize(("args", "column"), CSV_COMMANDS.values(), ids=CSV_COMMANDS.keys())
def test_every_csv_command_neutralises_formulas(store: Store, args: list[str], column: str) -> None:
    rows = list(csv.DictReader(io.StringIO(run(store, *args).stdout)))
    assert rows and all(r[column] == "'" + HYPERLINK for r in rows)


def test_a_store_never_detected_says_so(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    with store.transaction("ingest"):
        pass
    result = run(store, "export", "--format", "geojson")
    assert json.loads(result.stdout) == {"type": "FeatureCollection", "features": []}
    assert "`shadowtrace detect` has not run on this store yet" in result.stderr


def test_the_docs_name_every_option_and_column() -> None:
    from shadowtrace.cli.export_cmd import export_cmd  # here: the command modules import cli.main first
    from shadowtrace.export.tracks import FIX_COLUMNS

    docs = (Path(__file__).parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    options = [o for p in export_cmd.params for o in p.opts if o.startswith("--")]
    assert [o for o in options if f"`{o}" not in docs and o != "--bom"] == []  # --bom: documented as --no-bom
    assert [c for c in FIX_COLUMNS if f"`{c}`" not in docs] == []
