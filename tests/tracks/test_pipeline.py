"""build_tracks end to end on synthetic tracks, and the store driver's argument checks."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from shadowtrace.errors import InputError
from shadowtrace.models.tables import POSITIONS, STATICS
from shadowtrace.store.store import Store
from shadowtrace.tracks import PortPoints, TrackResult, build_tracks
from shadowtrace.tracks.pipeline import bucket_count

LEGS = [
    ("from", -30.0, 0.0), ("to", 0.0, 0.0, 12.0, 3), ("at", 12, 30),
    ("to", 100.0, 0.0, 12.0, 3), ("at", 12, 30), ("to", 130.0, 0.0, 12.0, 3),
]  # fmt: skip


def no_statics() -> pl.DataFrame:
    empty = pl.from_arrow(STATICS.empty_table())
    assert isinstance(empty, pl.DataFrame)
    return empty


def test_build_tracks_links_events_calls_and_voyages(synth: ModuleType) -> None:
    points = PortPoints.of([synth.port("XXAAA"), synth.port("XXBBB", north=100.0)])
    track = synth.build_track(
        [*LEGS[:3], ("spoof", 0.0, 400.0, 2, 3), *LEGS[3:]], mmsi=273000002
    )  # a jump while in port A
    result = build_tracks(track, no_statics(), points)
    assert [e.kind for e in result.events] == ["POSITION_JUMP", "PORT_CALL", "PORT_CALL"]
    assert result.calls["event_id"].to_list() == [e.event_id for e in result.port_calls]
    (voyage,) = result.voyages.filter(pl.col("to_locode").is_not_null()).iter_rows(named=True)
    assert (voyage["from_call"], voyage["to_call"]) == tuple(result.calls["event_id"])
    assert result.counts["kept"] == result.positions.height == track.height - 2


def test_results_of_disjoint_vessels_combine(synth: ModuleType) -> None:
    points = PortPoints.of([synth.port("XXAAA"), synth.port("XXBBB", north=100.0)])
    parts = [build_tracks(synth.build_track(LEGS, mmsi=m), no_statics(), points) for m in (1, 2)]
    both = TrackResult.concat(parts)
    assert both.calls.height == 4 and both.voyages.height == 4
    assert both.counts["rows"] == sum(p.counts["rows"] for p in parts)


def test_empty_input_gives_empty_tables(synth: ModuleType) -> None:
    empty = pl.from_arrow(POSITIONS.empty_table())
    assert isinstance(empty, pl.DataFrame)
    result = build_tracks(empty, no_statics(), PortPoints.of([synth.port()]))
    assert result.events == []
    assert result.calls.is_empty() and result.voyages.is_empty() and result.positions.is_empty()


@pytest.mark.parametrize("buckets", [0, -2, 1.5, True], ids=["zero", "negative", "fraction", "bool"])
def test_bucket_count_must_be_a_whole_number(tmp_path: Path, buckets: object) -> None:
    with pytest.raises(InputError, match="buckets"):
        bucket_count(Store(tmp_path), buckets)  # type: ignore[arg-type]
