"""Voyages between port calls, the destinations broadcast on each, and the declarations they match."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import polars as pl
import pytest

from shadowtrace.models.tables import DECLARATIONS
from shadowtrace.tracks import (
    CleanParams,
    PortCallParams,
    PortPoints,
    VoyageParams,
    attach_declarations,
    build_voyages,
    clean_positions,
    detect_port_calls,
)

H = dt.timedelta(hours=1)
MMSI, IMO = 273000001, 9100001
LEGS = [
    ("from", 0.0, 0.0), ("at", 12, 30),                          # at A from T0 to T0 + 12 h
    ("to", 100.0, 0.0, 12.0, 3), ("at", 12, 30),                 # 4.5 h to B, 12 h there
    ("to", 200.0, 0.0, 12.0, 3),                                 # away: an open voyage
]  # fmt: skip
LEFT_A = 12.0  # hours after T0
REACHED_B = LEFT_A + 100 / (12 * 1.852)


def statics(rows: list[tuple[float, str | None]], mmsi: int = MMSI, start: dt.datetime | None = None) -> pl.DataFrame:
    t0 = start or dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
    return pl.DataFrame(
        {
            "source_id": [3] * len(rows),
            "line": [100 + k for k in range(len(rows))],
            "ts": [t0 + h * H for h, _ in rows],
            "mmsi": [mmsi] * len(rows),
            "imo": [IMO] * len(rows),
            "shipname": ["TEST SHIP"] * len(rows),
            "destination": [d for _, d in rows],
        },
        schema_overrides={"source_id": pl.Int32, "ts": pl.Datetime("ms", "UTC"), "mmsi": pl.Int32, "imo": pl.Int32},
    )


@pytest.fixture
def calls(synth: ModuleType) -> pl.DataFrame:
    points = PortPoints.of([synth.port("XXAAA"), synth.port("XXBBB", north=100.0)])
    clean = clean_positions(synth.build_track(LEGS, mmsi=MMSI), CleanParams())
    return detect_port_calls(clean.positions, points, PortCallParams()).with_columns(imo=pl.lit(IMO, pl.Int32))


def test_voyages_link_consecutive_calls(calls: pl.DataFrame) -> None:
    v = build_voyages(calls, statics([]))
    assert v.select("from_locode", "to_locode").rows() == [("XXAAA", "XXBBB"), ("XXBBB", None)]
    first, open_ = v.row(0, named=True), v.row(1, named=True)
    assert first["departed_at"] == calls["departure"][0]
    assert first["arrived_at"] == calls["arrival"][1]
    assert open_["arrived_at"] is None
    assert v["destinations"].to_list() == [[], []]


def test_destinations_broadcast_during_each_voyage(calls: pl.DataFrame) -> None:
    heard = [
        (LEFT_A - 2, "XX AAA"),  # in port A before leaving: no voyage of ours
        (LEFT_A + 0.5, "XX AAA"),  # stale, after leaving
        (LEFT_A + 1.0, "XX BBB"),
        (LEFT_A + 2.0, "FOR ORDERS"),
        (LEFT_A + 3.0, "XX BBB"),
        (LEFT_A + 3.5, None),  # a static report without destination
        (REACHED_B + 1.0, "XX BBB"),  # at B: between voyages
        (REACHED_B + 13.0, "XX CCC"),  # left B: the open voyage
    ]
    v = build_voyages(calls, statics(heard))
    first = v["destinations"][0].to_list()
    assert [(d["text"], d["count"]) for d in first] == [("XX AAA", 1), ("XX BBB", 2), ("FOR ORDERS", 1)]
    bbb = first[1]
    assert bbb["last_seen"] - bbb["first_seen"] == 2 * H
    assert [(e["source_id"], e["line"]) for e in bbb["evidence"]] == [(3, 102), (3, 104)]
    assert [d["text"] for d in v["destinations"][1].to_list()] == ["XX CCC"]


def test_another_vessels_broadcasts_are_not_ours(calls: pl.DataFrame) -> None:
    v = build_voyages(calls, statics([(LEFT_A + 1.0, "XX ZZZ")], mmsi=MMSI + 1))
    assert v["destinations"].to_list() == [[], []]


def declaration(**kw: Any) -> dict[str, Any]:
    row = {name: None for name in DECLARATIONS.names}
    row.update(source_id=9, line=2, declaration_id="XXAAA-1", mmsi=MMSI, imo=IMO, port_locode="XXAAA")
    row.update(departure_time=dt.datetime(2017, 10, 1, 12, tzinfo=dt.UTC), declared_next_port_locode="XXDDD")
    row.update(kw)
    return row


DECLARATION_CASES = [
    pytest.param({}, "XXAAA-1", id="same-mmsi-port-and-time"),
    pytest.param({"mmsi": 111}, "XXAAA-1", id="other-mmsi-same-imo"),
    pytest.param({"mmsi": None}, "XXAAA-1", id="imo-only"),
    pytest.param({"imo": None, "mmsi": 111}, None, id="neither-vessel-id-matches"),
    pytest.param({"port_locode": "XXBBB"}, None, id="other-port"),
    pytest.param({"departure_time": dt.datetime(2017, 10, 2, 6, tzinfo=dt.UTC)}, None, id="beyond-tolerance"),
    pytest.param({"departure_time": dt.datetime(2017, 10, 1, 23, tzinfo=dt.UTC)}, "XXAAA-1", id="within-tolerance"),
]


@pytest.mark.parametrize(("change", "matched"), DECLARATION_CASES)
def test_attach_declarations(calls: pl.DataFrame, change: dict[str, Any], matched: str | None) -> None:
    v = build_voyages(calls, statics([]))
    decl = pl.from_dicts([declaration(**change)], schema=pl.Schema(DECLARATIONS))
    out = attach_declarations(v, decl, VoyageParams())
    assert out.height == v.height
    assert out["declaration_id"].to_list() == [matched, None]
    if matched:
        assert out["declared_next_locode"][0] == "XXDDD"
        assert (out["declaration_source_id"][0], out["declaration_line"][0]) == (9, 2)


def test_each_declaration_goes_to_one_voyage_and_each_voyage_takes_the_nearest(calls: pl.DataFrame) -> None:
    v = build_voyages(calls, statics([]))
    near = declaration(declaration_id="near", departure_time=dt.datetime(2017, 10, 1, 12, 30, tzinfo=dt.UTC))
    far = declaration(declaration_id="far", departure_time=dt.datetime(2017, 10, 1, 16, tzinfo=dt.UTC))
    decl = pl.from_dicts([far, near], schema=pl.Schema(DECLARATIONS))
    out = attach_declarations(v, decl, VoyageParams())
    assert out["declaration_id"].to_list() == ["near", None]


def test_tables_have_the_documented_columns(calls: pl.DataFrame) -> None:
    from shadowtrace.tracks.port_calls import CALL_COLUMNS
    from shadowtrace.tracks.voyages import DECLARATION_COLUMNS, VOYAGE_COLUMNS

    assert calls.drop("imo").columns == list(CALL_COLUMNS)
    v = build_voyages(calls, statics([]))
    assert v.columns == list(VOYAGE_COLUMNS)
    decl = pl.from_dicts([declaration()], schema=pl.Schema(DECLARATIONS))
    assert attach_declarations(v, decl, VoyageParams()).columns == list(VOYAGE_COLUMNS) + list(DECLARATION_COLUMNS)
