"""GeoJSON: RFC 7946 structure, what GDAL (QGIS) reads of it, the antimeridian, event geometries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from shadowtrace.export.geojson import split_antimeridian
from shadowtrace.store.store import Store

from .conftest import FORMULA, HOSTILE, RENAMED, SCRIPT, SILENT, export_text


@pytest.fixture(scope="module")
def collection(store: Store) -> dict[str, Any]:
    return dict(json.loads(export_text(store, "geojson")))


def _features(collection: dict[str, Any], feature: str) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["feature"] == feature]


def test_a_feature_collection_without_crs(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert all(f["type"] == "Feature" and "id" in f for f in collection["features"])


def test_track_segments_are_lines_in_lon_lat_order(collection: dict[str, Any]) -> None:
    tracks = {(f["properties"]["mmsi"], f["properties"]["segment"]): f for f in _features(collection, "track")}
    assert sorted(tracks) == [(HOSTILE, 0), (HOSTILE, 1), (FORMULA, 0), (RENAMED, 0), (RENAMED, 1), (SILENT, 0)]
    first = tracks[(HOSTILE, 0)]
    assert first["geometry"]["type"] == "LineString"
    assert first["geometry"]["coordinates"][0] == [-0.05, 50.0]  # [lon, lat], a negative longitude kept
    assert len(first["geometry"]["coordinates"]) == 10 == first["properties"]["points"]
    assert first["properties"] | {"feature": None} == {
        "feature": None, "mmsi": HOSTILE, "imo": None, "vessel_name": SCRIPT, "callsign": "\x1b[31mRED",
        "segment": 0, "track": 0, "start": "2017-10-01T00:00:00Z", "end": "2017-10-01T01:30:00Z", "points": 10,
    }
    assert tracks[(RENAMED, 1)]["geometry"] == {"type": "Point", "coordinates": [130.5, 41.0]}  # one fix
    assert tracks[(FORMULA, 0)]["geometry"]["type"] == "MultiLineString"  # cut at the antimeridian


# kind -> geometry type (None: no position)
EVENT_GEOMETRIES = {"AIS_GAP": "LineString", "DESTINATION_MISMATCH": "Point", "ENCOUNTER": "Point",
                    "IDENTITY_CHANGE": None}


@pytest.mark.parametrize(("kind", "geometry"), EVENT_GEOMETRIES.items(), ids=EVENT_GEOMETRIES.keys())
def test_event_geometry(collection: dict[str, Any], kind: str, geometry: str | None) -> None:
    (event,) = [f for f in _features(collection, "event") if f["properties"]["kind"] == kind]
    assert (event["geometry"] or {}).get("type") == geometry
    assert event["id"] == event["properties"]["event_id"]
    assert isinstance(json.loads(event["properties"]["details"]), dict)


def test_gap_runs_from_its_start_to_its_end(collection: dict[str, Any]) -> None:
    (gap,) = [f for f in _features(collection, "event") if f["properties"]["kind"] == "AIS_GAP"]
    assert gap["geometry"]["coordinates"] == [[0.04, 50.04], [0.1, 50.0]]
    assert gap["properties"]["severity"] == "high" and gap["properties"]["score"] == 0.9
    assert gap["properties"]["evidence"] == "1:10 before; 1:12 after"


def test_markup_is_escaped_as_json_unicode(store: Store) -> None:
    text = export_text(store, "geojson")
    assert "<" not in text and ">" not in text and "&" not in text  # cannot close a <script> it is pasted into


ANTIMERIDIAN = {
    "eastwards": ([179.0, -179.0], [0.0, 2.0], [[[179.0, 0.0], [180.0, 1.0]], [[-180.0, 1.0], [-179.0, 2.0]]]),
    "westwards": ([-179.5, 179.5], [10.0, 10.0], [[[-179.5, 10.0], [-180.0, 10.0]], [[180.0, 10.0], [179.5, 10.0]]]),
    "twice": ([179.0, -179.0, 179.0], [0.0, 0.0, 0.0], [
        [[179.0, 0.0], [180.0, 0.0]], [[-180.0, 0.0], [-179.0, 0.0], [-180.0, 0.0]], [[180.0, 0.0], [179.0, 0.0]],
    ]),
    "not-crossing": ([-10.0, 10.0], [0.0, 0.0], [[[-10.0, 0.0], [10.0, 0.0]]]),
}


@pytest.mark.parametrize(("lon", "lat", "parts"), ANTIMERIDIAN.values(), ids=ANTIMERIDIAN.keys())
def test_split_antimeridian(lon: list[float], lat: list[float], parts: list[list[list[float]]]) -> None:
    assert split_antimeridian(np.array(lon), np.array(lat)) == parts


#: OGC WKB geometry type codes
WKB_TYPES = {1: "Point", 2: "LineString", 5: "MultiLineString"}


def _wkb_type(wkb: bytes | None) -> str | None:
    if wkb is None:
        return None
    return WKB_TYPES[int.from_bytes(wkb[1:5], "little" if wkb[0] == 1 else "big")]


def test_gdal_reads_it_as_qgis_would(store: Store, tmp_path: Path) -> None:
    raw = pytest.importorskip("pyogrio.raw", reason="pyogrio (GDAL) is in the test extra")
    path = tmp_path / "export.geojson"
    path.write_text(export_text(store, "geojson"), encoding="utf-8")
    meta, _fids, geometries, values = raw.read(path)
    assert meta["crs"] == "EPSG:4326"
    fields = {name: list(column) for name, column in zip(meta["fields"], values, strict=True)}
    kinds = dict(zip(fields["id"], map(_wkb_type, geometries), strict=True))
    assert kinds[f"{HOSTILE}-0"] == "LineString" and kinds[f"{FORMULA}-0"] == "MultiLineString"
    assert kinds[f"{RENAMED}-1"] == "Point"
    events = {kind: kinds[i] for i, kind in zip(fields["id"], fields["kind"], strict=True) if kind}
    assert events == EVENT_GEOMETRIES
    types = dict(zip(meta["fields"], meta["ogr_types"], strict=True))
    assert types["start"] == "OFTDateTime" and types["mmsi"] == "OFTInteger"  # times read as times
    assert fields["vessel_name"][fields["id"].index(f"{HOSTILE}-0")] == SCRIPT
