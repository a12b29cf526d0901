"""FollowTheMoney: Vessel, Event and UnknownLink entities, deterministic ids, valid against the FtM model."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest

from shadowtrace.export import Selection
from shadowtrace.export.ftm import event_entity_id, vessel_id
from shadowtrace.store.store import Store

from .conftest import FORMULA, HOSTILE, IMO_FORMULA, IMO_RENAMED, MARKUP, RENAMED, SCRIPT, SILENT, export_text

Entity = dict[str, Any]


@pytest.fixture(scope="module")
def entities(store: Store) -> list[Entity]:
    return [json.loads(line) for line in export_text(store, "ftm").splitlines()]


def _by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e["id"]: e for e in entities}


def test_each_entity_once(entities: list[Entity]) -> None:
    assert len(_by_id(entities)) == len(entities)
    counts = {s: sum(e["schema"] == s for e in entities) for s in ("Vessel", "Event", "UnknownLink")}
    assert counts == {"Vessel": 4, "Event": 4, "UnknownLink": 5}  # an encounter links both its vessels


# mmsi -> expected properties of its Vessel
VESSELS = {
    "hostile-name": (HOSTILE, {"name": [SCRIPT], "mmsi": [str(HOSTILE)], "callSign": ["\\x1b[31mRED"], "flag": ["ru"],
                               "type": ["Cargo"]}),
    "formula-name": (FORMULA, {"imoNumber": [f"IMO{IMO_FORMULA}"], "flag": ["cn"], "type": ["Tanker"]}),
    "renamed": (RENAMED, {"name": ["STAR OF KP"], "previousName": [MARKUP], "imoNumber": [f"IMO{IMO_RENAMED}"]}),
    "no-static-report": (SILENT, {"name": [f"MMSI {SILENT}"], "mmsi": [str(SILENT)], "flag": ["lr"]}),
}


@pytest.mark.parametrize(("mmsi", "expected"), VESSELS.values(), ids=VESSELS.keys())
def test_vessels(entities: list[Entity], mmsi: int, expected: dict[str, list[str]]) -> None:
    vessel = _by_id(entities)[vessel_id(mmsi)]
    assert vessel["schema"] == "Vessel"
    assert {k: vessel["properties"].get(k) for k in expected} == expected


def test_events_and_their_links(entities: list[Entity], store: Store) -> None:
    index = _by_id(entities)
    encounter = next(e for e in entities if e["schema"] == "Event" and "ENCOUNTER" in e["properties"]["keywords"])
    links = [e for e in entities if e["schema"] == "UnknownLink" and e["properties"]["object"] == [encounter["id"]]]
    roles = sorted((link["properties"]["role"][0], link["properties"]["subject"][0]) for link in links)
    assert roles == [("other", vessel_id(RENAMED)), ("subject", vessel_id(HOSTILE))]
    assert all(link["properties"]["subject"][0] in index for link in links)
    props = encounter["properties"]
    assert props["startDate"] == ["2017-10-01T00:00:00"] and props["endDate"] == ["2017-10-01T02:00:00"]
    assert encounter["id"] == event_entity_id(props["recordId"][0])
    mismatch = next(e for e in entities
                    if e["schema"] == "Event" and "DESTINATION_MISMATCH" in e["properties"]["keywords"])
    assert mismatch["properties"]["country"] == ["kp"] and mismatch["properties"]["location"] == ["Rajin"]


def test_ids_are_deterministic(store: Store) -> None:
    assert export_text(store, "ftm") == export_text(store, "ftm")


def test_tracks_alone_give_the_vessels_seen(store: Store) -> None:
    lines = export_text(store, "ftm", "tracks", Selection(vessels=(str(FORMULA),))).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [vessel_id(FORMULA)]


def test_entities_are_valid_followthemoney(entities: list[Entity]) -> None:
    limit = csv.field_size_limit()
    try:
        ftm = pytest.importorskip("followthemoney", reason="the ftm extra validates the export (shadowtrace[ftm])")
    finally:
        csv.field_size_limit(limit)  # importing followthemoney raises this process-wide limit: put it back
    model = ftm.model

    schemas = {e["id"]: e["schema"] for e in entities}
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract
        proxy = model.make_entity(schema)
        proxy.id = data["id"]
        for name, values in data["properties"].items():
            prop = schema.get(name)
            assert prop is not None, f"{data['schema']} has no property {name}"
            proxy.add(name, values, quiet=False)
            assert sorted(proxy.get(name)) == sorted(values), f"{data['schema']}.{name} changed when cleaned"
            if prop.type.name == "entity":  # a reference: to an entity written, of a schema the range allows
                for target in values:
                    assert model.get(schemas[target]).is_a(prop.range), f"{name} -> {schemas[target]}"
        schema.validate(proxy.to_dict())  # required properties present, values of their types
