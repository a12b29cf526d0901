"""Cleaning: usable fixes, duplicates, noise speeds, jumps set aside (not deleted), segments."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shadowtrace.tracks import CleanParams, clean_positions

SAIL = [("from", 0.0, 0.0), ("to", 60.0, 0.0, 12.0, 3)]  # 60 km north at 12 kn, a fix every 3 min
SPOOF_AT = 300.0  # km east of the track


def sail_with(middle: list[Any]) -> list[Any]:
    return [("from", 0.0, 0.0), ("to", 30.0, 0.0, 12.0, 3), *middle, ("to", 60.0, 0.0, 12.0, 3)]


JUMP_CASES = [
    pytest.param(sail_with([("spoof", 30.0, SPOOF_AT, 1, 3)]), 1, [1], id="single-spoofed-fix"),
    pytest.param(sail_with([("spoof", 30.0, SPOOF_AT, 10, 3)]), 1, [10], id="spoofed-for-30-minutes"),
    pytest.param(
        sail_with([("spoof", 30.0, SPOOF_AT, 3, 3), ("to", 40.0, 0.0, 12.0, 3), ("spoof", 40.0, -SPOOF_AT, 2, 3)]),
        2, [3, 2], id="two-jumps-two-places",
    ),
    pytest.param([("spoof", 0.0, SPOOF_AT, 1, 3), *SAIL], 1, [1], id="first-fix-spoofed"),
    pytest.param([*SAIL, ("spoof", 60.0, SPOOF_AT, 1, 3)], 1, [1], id="last-fix-spoofed"),
    pytest.param(SAIL, 0, [], id="clean-track-no-jump"),
    pytest.param(
        [("from", 0.0, 0.0), ("to", 30.0, 0.0, 12.0, 3), ("quiet", 20), ("to", 300.0, 0.0, 12.0, 3)], 0, [],
        id="long-silence-then-far-but-reachable",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("legs", "events", "fixes"), JUMP_CASES)
def test_jumps_are_set_aside_and_reported(synth: ModuleType, legs: list[Any], events: int, fixes: list[int]) -> None:
    track = synth.build_track(legs)
    out = clean_positions(track, CleanParams())
    assert len(out.events) == events
    assert [e.details["fixes"] for e in out.events] == fixes
    assert out.positions.height + out.jumps.height == track.height  # set aside, never lost
    assert out.positions["track"].max() == 0
    far = out.positions["lon"].max() - synth.BERTH[1]
    assert far < 1.0  # every kept fix is on the true track
    for event, (_, rows) in zip(out.events, out.jumps.group_by("jump", maintain_order=True), strict=True):
        assert event.kind == "POSITION_JUMP"
        assert event.start == rows["ts"].min() and event.end == rows["ts"].max()
        spoofed = {ln for _, ln, role in event.evidence if role == "jump_fix"}
        assert spoofed == set(rows["line"].to_list())
        assert event.details["distance_km"] == pytest.approx(SPOOF_AT, rel=0.05)
        around = [role for _, _, role in event.evidence if role in ("before", "after")]
        assert around  # the neighbours that prove it, kept


def test_neighbours_of_a_spoofed_fix_are_kept(synth: ModuleType) -> None:
    track = synth.build_track(sail_with([("spoof", 30.0, SPOOF_AT, 1, 3)]))
    out = clean_positions(track, CleanParams())
    spoofed = out.jumps["line"].to_list()
    assert spoofed == [int(track.filter(pl.col("lon") > synth.BERTH[1] + 1)["line"][0])]
    kept = set(out.positions["line"].to_list())
    assert {spoofed[0] - 1, spoofed[0] + 1} <= kept


def test_two_transmitters_under_one_mmsi_are_two_tracks_not_jumps(synth: ModuleType) -> None:
    a = synth.build_track([("from", 0.0, 0.0), ("to", 400.0, 0.0, 12.0, 5)])
    b = synth.build_track([("from", 0.0, 500.0), ("at", 24, 17)], line0=10_000)
    out = clean_positions(pl.concat([a, b]), CleanParams())
    assert out.events == []
    assert out.positions.height == a.height + b.height
    by_track = out.positions.group_by("track").agg(pl.col("line").min()).sort("track")
    assert by_track["line"].to_list() == [1, 10_000]  # the larger one is track 0


DROPS = [
    pytest.param({"ts": None}, "untimed", id="no-time"),
    pytest.param({"lat": None}, "no_position", id="no-latitude"),
    pytest.param({"lon": None}, "no_position", id="no-longitude"),
    pytest.param({"msg_type": 4}, "not_vessel", id="base-station"),
    pytest.param({"msg_type": 21}, "not_vessel", id="aid-to-navigation"),
]


@pytest.mark.parametrize(("change", "counter"), DROPS)
def test_unusable_fixes_are_counted(synth: ModuleType, change: dict[str, Any], counter: str) -> None:
    track = synth.build_track(SAIL)
    bad = track.head(3).with_columns(**{k: pl.lit(v, dtype=track.schema[k]) for k, v in change.items()})
    out = clean_positions(pl.concat([bad, track.slice(3)]), CleanParams())
    assert out.counts[counter] == 3
    assert out.positions.height == track.height - 3


def test_duplicates_from_two_stations_keep_the_first_source(synth: ModuleType) -> None:
    track = synth.build_track(SAIL, source_id=2)
    again = track.with_columns(source_id=pl.lit(1, pl.Int32), line=pl.col("line") + 5000)
    out = clean_positions(pl.concat([track, again]), CleanParams())
    assert out.counts["duplicates"] == track.height
    assert out.positions.height == track.height
    assert out.positions["source_id"].unique().to_list() == [1]


@pytest.mark.parametrize("noise", [102.3, 51.2, 52.0])
def test_noise_speeds_become_null_and_the_fix_stays(synth: ModuleType, noise: float) -> None:
    track = synth.build_track(SAIL).with_columns(sog_kn=pl.when(pl.col("line") == 5).then(noise).otherwise("sog_kn"))
    out = clean_positions(track.with_columns(pl.col("sog_kn").cast(pl.Float32)), CleanParams())
    assert out.counts["noise_speed"] == 1
    assert out.positions.filter(pl.col("line") == 5)["sog_kn"].to_list() == [None]


def test_long_silence_starts_a_segment(synth: ModuleType) -> None:
    legs = [("from", 0.0, 0.0), ("at", 5, 30), ("quiet", 30), ("at", 5, 30), ("quiet", 2), ("at", 5, 30)]
    out = clean_positions(synth.build_track(legs), CleanParams())
    assert out.positions.group_by("segment").len().sort("segment")["segment"].to_list() == [0, 1]
    out = clean_positions(synth.build_track(legs), CleanParams(max_gap_h=1.0))
    assert out.positions["segment"].n_unique() == 3


def test_output_is_sorted_by_vessel_and_time(synth: ModuleType) -> None:
    tracks = [synth.build_track(SAIL, mmsi=m, start=synth.T0 + dt.timedelta(minutes=m)) for m in (3, 1, 2)]
    out = clean_positions(pl.concat(tracks).sample(fraction=1.0, shuffle=True, seed=3), CleanParams())
    assert out.positions.select("mmsi", "ts").equals(out.positions.select("mmsi", "ts").sort("mmsi", "ts"))


@settings(max_examples=25, deadline=None)
@given(
    spoofs=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 6)), max_size=3),
    order_seed=st.integers(0, 1000),
)
def test_vessels_together_equal_each_alone(synth: ModuleType, spoofs: list[tuple[int, int]], order_seed: int) -> None:
    """Cleaning many vessels at once gives exactly what cleaning each alone gives (no leak between vessels)."""
    tracks = []
    for k, (where, fixes) in enumerate(spoofs or [(0, 1)]):
        legs = sail_with([("spoof", 30.0, SPOOF_AT * (where - 1) or 5.0, fixes, 3)])
        tracks.append(synth.build_track(legs, mmsi=1000 + k, source_id=k + 1))
    together = clean_positions(pl.concat(tracks).sample(fraction=1.0, shuffle=True, seed=order_seed), CleanParams())
    alone = [clean_positions(t, CleanParams()) for t in tracks]
    assert together.positions.equals(pl.concat([a.positions for a in alone]))
    assert [e.event_id for e in together.events] == [e.event_id for a in alone for e in a.events]
