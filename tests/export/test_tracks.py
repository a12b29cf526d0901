"""What an export selects: clean tracks in segments, read in buckets of vessels; events by vessel, kind, window."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from shadowtrace.errors import InputError
from shadowtrace.export.select import Selection, read_events, resolve_vessels
from shadowtrace.export.tracks import DEFAULT_GAP_H, FIX_COLUMNS, TrackBucket, iter_tracks, mmsi_ranges
from shadowtrace.export.vessels import identities_of, ship_type_label
from shadowtrace.store.store import Store

from .conftest import FORMULA, HOSTILE, IMO_RENAMED, RENAMED, SCRIPT, SILENT, T0


def _tracks(store: Store, selection: Selection | None = None, **kw: object) -> pl.DataFrame:
    selection = selection or Selection()
    buckets = list(iter_tracks(store, selection, resolve_vessels(store, selection), **kw))  # type: ignore[arg-type]
    return pl.concat([b.fixes for b in buckets]) if buckets else pl.DataFrame()


RANGES = {
    "one-bucket": ([1, 2, 3], [5, 5, 5], 100, [(1, 3)]),
    "split-evenly": ([1, 2, 3, 4], [5, 5, 5, 5], 10, [(1, 2), (3, 4)]),
    "big-vessel-alone": ([1, 2, 3], [1, 50, 1], 10, [(1, 1), (2, 2), (3, 3)]),
    "nothing": ([], [], 10, []),
}


@pytest.mark.parametrize(("mmsis", "rows", "per_bucket", "expected"), RANGES.values(), ids=RANGES.keys())
def test_mmsi_ranges(mmsis: list[int], rows: list[int], per_bucket: int, expected: list[tuple[int, int]]) -> None:
    assert mmsi_ranges(np.array(mmsis, np.int64), np.array(rows, np.int64), per_bucket) == expected


def test_default_gap_is_the_ais_gap_report_threshold() -> None:
    assert DEFAULT_GAP_H == 6.0


def test_tracks_are_clean_segmented_and_carry_the_latest_identity(store: Store) -> None:
    fixes = _tracks(store)
    assert tuple(fixes.columns) == FIX_COLUMNS
    assert fixes["mmsi"].unique(maintain_order=True).to_list() == [HOSTILE, FORMULA, RENAMED, SILENT]
    hostile = fixes.filter(pl.col("mmsi") == HOSTILE)
    assert hostile.height == 15 and hostile["lat"].min() == 50.0  # the spoofed fix at 10 N is set aside
    assert hostile.group_by("segment").len().sort("segment")["len"].to_list() == [10, 5]  # cut at the 8 h silence
    assert set(hostile["vessel_name"]) == {SCRIPT}
    renamed = fixes.filter(pl.col("mmsi") == RENAMED)
    assert set(renamed["vessel_name"]) == {"STAR OF KP"} and set(renamed["imo"]) == {IMO_RENAMED}
    assert renamed["segment"].to_list() == [0, 0, 0, 1]
    assert fixes.filter(pl.col("mmsi") == SILENT)["vessel_name"].null_count() == 4


def test_a_longer_gap_setting_joins_segments(store: Store) -> None:
    fixes = _tracks(store, gap_h=12.0)
    assert fixes.filter(pl.col("mmsi") == HOSTILE)["segment"].unique().to_list() == [0]


def test_buckets_change_nothing_but_memory(store: Store) -> None:
    whole = _tracks(store)
    selection = Selection()
    buckets = list(iter_tracks(store, selection, resolve_vessels(store, selection), rows_per_bucket=5))
    assert len(buckets) == 4  # one vessel each
    assert all(isinstance(b, TrackBucket) and b.vessels.height == 1 for b in buckets)
    assert pl.concat([b.fixes for b in buckets]).equals(whole)


# (selection, MMSIs with fixes)
SELECTIONS = {
    "by-mmsi": (Selection(vessels=(str(FORMULA),)), [FORMULA]),
    "by-imo": (Selection(vessels=(f"IMO {IMO_RENAMED}",)), [RENAMED]),
    "two-vessels": (Selection(vessels=(str(SILENT), str(HOSTILE))), [HOSTILE, SILENT]),
    "unknown-imo": (Selection(vessels=("9999999",)), []),
    "window": (Selection(since=T0 + dt.timedelta(hours=9), until=T0 + dt.timedelta(hours=10)), [HOSTILE]),
    "window-misses-every-file": (Selection(since=dt.datetime(2020, 1, 1)), []),
}


@pytest.mark.parametrize(("selection", "mmsis"), SELECTIONS.values(), ids=SELECTIONS.keys())
def test_selection_of_tracks(store: Store, selection: Selection, mmsis: list[int]) -> None:
    fixes = _tracks(store, selection)
    assert (fixes["mmsi"].unique(maintain_order=True).to_list() if fixes.height else []) == mmsis


def test_window_is_inclusive_then_exclusive(store: Store) -> None:
    nine = T0 + dt.timedelta(hours=9, minutes=30)
    fixes = _tracks(store, Selection(since=nine, until=nine + dt.timedelta(minutes=20)))
    assert fixes["ts"].to_list() == [nine, nine + dt.timedelta(minutes=10)]


# (selection, kinds of the events selected)
EVENT_SELECTIONS = {
    "all": (Selection(), ["IDENTITY_CHANGE", "ENCOUNTER", "DESTINATION_MISMATCH", "AIS_GAP"]),
    "kind-any-case": (Selection(kinds=("ais_gap",)), ["AIS_GAP"]),
    "vessel": (Selection(vessels=(str(FORMULA),)), ["DESTINATION_MISMATCH"]),
    "encounter-partner": (Selection(vessels=(str(RENAMED),)), ["IDENTITY_CHANGE", "ENCOUNTER"]),
    "by-imo": (Selection(vessels=(str(IMO_RENAMED),)), ["IDENTITY_CHANGE", "ENCOUNTER"]),
    "since": (Selection(since=T0 + dt.timedelta(hours=3)), ["AIS_GAP"]),
    "until": (Selection(until=T0), ["IDENTITY_CHANGE"]),
}


@pytest.mark.parametrize(("selection", "kinds"), EVENT_SELECTIONS.values(), ids=EVENT_SELECTIONS.keys())
def test_selection_of_events(store: Store, selection: Selection, kinds: list[str]) -> None:
    events = read_events(store, selection)
    assert events.column("kind").to_pylist() == kinds


BAD = {
    "short-number": (dict(vessels=("12345",)), "give an MMSI"),
    "empty-window": (dict(since=T0, until=T0), "would be empty"),
}


@pytest.mark.parametrize(("kwargs", "message"), BAD.values(), ids=BAD.keys())
def test_bad_selections_fail_at_once(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        Selection(**kwargs)  # type: ignore[arg-type]


def test_identities_latest_and_every_value() -> None:
    reports = pl.DataFrame({
        "ts": [T0, None, T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=2)],
        "mmsi": [1, 1, 1, 2],
        "imo": [None, 9074729, None, None],
        "shipname": ["OLD", "OLDEST", " NEW ", ""],
        "callsign": [None, "ABCD", None, None],
        "ship_type": [80, 0, None, 0],
    }, schema_overrides={"mmsi": pl.Int32, "imo": pl.Int32, "ship_type": pl.UInt8})
    rows = identities_of(reports).to_dicts()
    assert rows[0] == {
        "mmsi": 1, "imo": 9074729, "vessel_name": "NEW", "callsign": "ABCD", "ship_type": 80,
        "imos": [9074729], "names": ["OLDEST", "OLD", "NEW"], "callsigns": ["ABCD"],
    }
    assert rows[1]["vessel_name"] is None and rows[1]["ship_type"] is None


@pytest.mark.parametrize(("code", "label"), [(80, "Tanker"), (89, "Tanker"), (30, "Fishing"), (52, "Tug"),
                                             (0, None), (None, None), (38, None), (100, None)])
def test_ship_type_label(code: int | None, label: str | None) -> None:
    assert ship_type_label(code) == label
