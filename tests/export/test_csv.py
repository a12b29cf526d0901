"""CSV: one row per fix or per event, spreadsheet times, a BOM, and no formula a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pytest

from shadowtrace.export import Selection
from shadowtrace.export.csv_rows import BOM, csv_text, spreadsheet_times
from shadowtrace.export.tracks import FIX_COLUMNS
from shadowtrace.store.store import Store

from .conftest import FORMULA, HOSTILE, HYPERLINK, JAVASCRIPT, SCRIPT, export_text


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))


@pytest.fixture(scope="module")
def fixes(store: Store) -> list[dict[str, str]]:
    return _rows(export_text(store, "csv", "tracks"))


@pytest.fixture(scope="module")
def events(store: Store) -> list[dict[str, str]]:
    return _rows(export_text(store, "csv", "events"))


def test_one_row_per_fix(fixes: list[dict[str, str]]) -> None:
    assert tuple(fixes[0]) == FIX_COLUMNS
    assert len(fixes) == 29
    first = fixes[0]
    assert first["mmsi"] == str(HOSTILE) and first["ts"] == "2017-10-01 00:00:00"  # a spreadsheet's date-time
    assert first["lon"] == "-0.05" and first["lat"] == "50"  # a negative longitude stays a number
    assert first["sog_kn"] == "4" and first["source_id"] == "1" and first["line"] == "1"


def test_formulas_are_neutralised_text_kept(fixes: list[dict[str, str]]) -> None:
    formula = [r for r in fixes if r["mmsi"] == str(FORMULA)]
    assert {r["vessel_name"] for r in formula} == {"'" + HYPERLINK}
    assert {r["vessel_name"] for r in fixes if r["mmsi"] == str(HOSTILE)} == {SCRIPT}  # text, not a formula


def test_events_flat_as_the_events_command_has_them(events: list[dict[str, str]]) -> None:
    assert list(events[0]) == ["event_id", "kind", "detector", "subject", "mmsi", "imo", "vessel_name", "start",
                               "end", "lat", "lon", "severity", "score", "reasons", "details", "params_hash",
                               "evidence"]
    (mismatch,) = [e for e in events if e["kind"] == "DESTINATION_MISMATCH"]
    assert mismatch["vessel_name"] == "'" + HYPERLINK
    assert JAVASCRIPT in mismatch["details"] and mismatch["lon"] == "-179.99" and mismatch["score"] == "0.6"
    (gap,) = [e for e in events if e["kind"] == "AIS_GAP"]
    assert gap["start"] == "2017-10-01 01:30:00" and gap["evidence"] == "1:10 before; 1:12 after"


def test_no_bom_for_programs(store: Store) -> None:
    assert not export_text(store, "csv", "events", bom=False).startswith(BOM)


def test_an_empty_selection_still_has_its_header(store: Store) -> None:
    text = export_text(store, "csv", "tracks", Selection(vessels=("123456789",)))
    assert text.removeprefix(BOM).splitlines() == [",".join(f'"{c}"' for c in FIX_COLUMNS)]


def test_spreadsheet_times_drop_the_zone_and_fractions() -> None:
    table = pa.table({"t": pa.array([0, 1_500, None], pa.timestamp("ms", "UTC")),
                      "naive": pa.array([0, 0, 0], pa.timestamp("s"))})
    out = spreadsheet_times(table)
    assert out.column("t").to_pylist() == ["1970-01-01 00:00:00", "1970-01-01 00:00:01", None]
    assert out.column("naive").to_pylist() == ["1970-01-01 00:00:00"] * 3


def test_csv_text_prints_float32_as_typed() -> None:
    table = pa.table({"x": pa.array([14.1], pa.float32()), "name": ["-X"]})
    assert csv_text(table) == '"x","name"\n14.1,"\'-X"\n'
