"""KML: well formed, KML 2.2 structure, gx:Track for the time slider, events timed and styled, read by GDAL."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from shadowtrace.export.kml import GX_NS, KML_NS, SEVERITY_COLOURS
from shadowtrace.store.store import Store

from .conftest import HOSTILE, HYPERLINK, MARKUP, SCRIPT, export_text

NS = {"k": KML_NS, "gx": GX_NS}


@pytest.fixture(scope="module")
def document(store: Store) -> ET.Element:
    root = ET.fromstring(export_text(store, "kml").encode("utf-8"))
    assert root.tag == f"{{{KML_NS}}}kml"
    doc = root.find("k:Document", NS)
    assert doc is not None
    return doc


def _folder(doc: ET.Element, name: str) -> ET.Element:
    (folder,) = [f for f in doc.findall("k:Folder", NS) if f.findtext("k:name", namespaces=NS) == name]
    return folder


def _event(doc: ET.Element, kind: str) -> ET.Element:
    (mark,) = [p for p in _folder(doc, "Events").findall("k:Placemark", NS)
               if p.findtext("k:name", namespaces=NS).startswith(kind)]  # type: ignore[union-attr]
    return mark


def test_styles_for_every_severity_and_a_balloon_of_the_description_alone(document: ET.Element) -> None:
    styles = {s.get("id"): s for s in document.findall("k:Style", NS)}
    assert set(styles) == {*SEVERITY_COLOURS, "track"}
    for style in styles.values():
        assert style.findtext("k:BalloonStyle/k:text", namespaces=NS) == "$[description]"


def test_a_folder_per_vessel_and_a_gx_track_per_segment(document: ET.Element) -> None:
    vessels = _folder(document, "Tracks").findall("k:Folder", NS)
    names = [v.findtext("k:name", namespaces=NS) for v in vessels]
    assert names[0] == f"{SCRIPT} (MMSI {HOSTILE})"  # the hostile name, as text
    assert len(vessels) == 4
    marks = vessels[0].findall("k:Placemark", NS)
    assert [m.findtext("k:name", namespaces=NS)[-2:] for m in marks] == ["#0", "#1"]  # type: ignore[index]
    track = marks[0].find("gx:Track", NS)
    assert track is not None
    when = [w.text for w in track.findall("k:when", NS)]
    coord = [c.text for c in track.findall("gx:coord", NS)]
    assert len(when) == len(coord) == 10
    assert when[0] == "2017-10-01T00:00:00Z" and coord[0] == "-0.05 50.0 0"  # lon lat alt


def test_a_one_fix_segment_is_a_timed_point(document: ET.Element) -> None:
    marks = [m for v in _folder(document, "Tracks").findall("k:Folder", NS) for m in v.findall("k:Placemark", NS)]
    points = [m for m in marks if m.find("k:Point", NS) is not None]
    assert len(points) == 1
    assert points[0].findtext("k:TimeStamp/k:when", namespaces=NS) == "2017-10-01T10:40:00Z"
    assert points[0].findtext("k:Point/k:coordinates", namespaces=NS) == "130.5,41.0,0"


# kind -> (style, geometry element)
EVENTS = {"AIS_GAP": ("#high", "MultiGeometry"), "DESTINATION_MISMATCH": ("#medium", "Point"),
          "IDENTITY_CHANGE": ("#low", None)}


@pytest.mark.parametrize(("kind", "style", "geometry"), [(k, *v) for k, v in EVENTS.items()], ids=EVENTS.keys())
def test_events_are_timed_styled_placemarks(document: ET.Element, kind: str, style: str, geometry: str | None) -> None:
    mark = _event(document, kind)
    assert mark.findtext("k:styleUrl", namespaces=NS) == style
    assert mark.findtext("k:TimeSpan/k:begin", namespaces=NS).endswith("Z")  # type: ignore[union-attr]
    shapes = [c.tag.split("}")[1] for c in mark if c.tag.split("}")[1] in ("Point", "MultiGeometry", "LineString")]
    assert shapes == ([geometry] if geometry else [])
    data = {d.get("name"): d.findtext("k:value", namespaces=NS) for d in mark.findall("k:ExtendedData/k:Data", NS)}
    assert data["kind"] == kind


def test_a_gap_is_its_start_and_a_line_to_its_end(document: ET.Element) -> None:
    multi = _event(document, "AIS_GAP").find("k:MultiGeometry", NS)
    assert multi is not None
    assert multi.findtext("k:Point/k:coordinates", namespaces=NS) == "0.040000,50.040000,0"
    assert multi.findtext("k:LineString/k:coordinates", namespaces=NS) == "0.040000,50.040000,0 0.100000,50.000000,0"


@pytest.mark.parametrize("hostile", [SCRIPT, HYPERLINK, MARKUP], ids=["script", "hyperlink", "markup"])
def test_hostile_text_is_plain_text_in_names_and_inert_html_in_descriptions(document: ET.Element, hostile: str) -> None:
    names = [e.text or "" for e in document.iter(f"{{{KML_NS}}}name")]
    assert any(hostile in n for n in names)
    for description in document.iter(f"{{{KML_NS}}}description"):
        text = description.text or ""
        assert "<script" not in text and "<name" not in text  # Google Earth renders this as HTML
        assert "<" not in text.replace("<br/>", "")
    shown = [html.unescape(d.text or "") for d in document.iter(f"{{{KML_NS}}}description")]
    assert any(hostile in s for s in shown)


def test_characters_xml_cannot_hold_are_shown_as_escapes(document: ET.Element) -> None:
    data = document.iter(f"{{{KML_NS}}}Data")
    values = [d.findtext("k:value", namespaces=NS) for d in data if d.get("name") == "callsign"]
    assert MARKUP + "\\x01" in values and "\\x1b[31mRED" in values


def test_no_cdata(store: Store) -> None:
    assert "CDATA" not in export_text(store, "kml")


def test_gdal_reads_tracks_as_lines_and_events_with_times(store: Store, tmp_path: Path) -> None:
    pyogrio = pytest.importorskip("pyogrio")
    pytest.importorskip("pyogrio.raw")
    if not {"LIBKML", "KML"} & set(pyogrio.list_drivers()):
        pytest.skip("GDAL has no KML driver here")
    path = tmp_path / "export.kml"
    path.write_text(export_text(store, "kml"), encoding="utf-8")
    layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    assert layers[:2] == ["Events", "Tracks"] and f"{SCRIPT} (MMSI {HOSTILE})" in layers
    _meta, _fids, tracks, _values = pyogrio.raw.read(path, layer=f"{SCRIPT} (MMSI {HOSTILE})")
    assert [_wkb_type(wkb) for wkb in tracks] == [2, 2]  # LineString (2D or 3D)
    _meta, _fids, events, _values = pyogrio.raw.read(path, layer="Events")
    assert len(events) == 4


def _wkb_type(wkb: bytes) -> int:
    """The base geometry type of a WKB geometry (ISO or extended, with or without Z/M)."""
    code = int.from_bytes(wkb[1:5], "little" if wkb[0] == 1 else "big")
    return (code & 0x0FFFFFFF) % 1000
