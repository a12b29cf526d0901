"""KML 2.2 for Google Earth: tracks as ``gx:Track`` (a time slider), events as timed Placemarks.

Layout: ``Document`` > styles, a ``Folder`` "Events" (one Placemark per event, with a TimeSpan,
styled by severity; a gap is a MultiGeometry of its start point and a line to where it ended),
and a ``Folder`` "Tracks" with a Folder per vessel holding a Placemark per segment (a
``gx:Track``: a ``when`` and a ``gx:coord`` per fix, so Google Earth animates it).

Untrusted text: every element is built with :mod:`xml.etree.ElementTree`, which escapes markup
in text and attributes; text first goes through :func:`~shadowtrace.export.safe.xml_safe` so the
document stays well formed whatever the bytes. ``<name>`` is plain text. ``<description>`` is
HTML to Google Earth (after XML parsing, whatever the escaping), so it is built from
:func:`~shadowtrace.export.safe.html_text` pieces: text shown as text, never markup. Every style
sets its balloon to ``$[description]`` alone, so Google Earth never pastes the raw name into a
balloon's HTML (its default balloon does). No CDATA, no links from untrusted text.

Written element by element: the fixed document head and tail are constants; each Placemark or
vessel Folder is serialized when complete, so memory follows one bucket of vessels.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, TextIO

import polars as pl
import pyarrow as pa

from shadowtrace.export.events import (
    details_of,
    event_geometry,
    event_lines,
    event_title,
    iso_z,
    plain_score,
    vessel_label,
)
from shadowtrace.export.safe import html_text, xml_safe
from shadowtrace.export.tracks import TrackBucket

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"

#: icon and line colours by severity (KML colours are aabbggrr)
SEVERITY_COLOURS = {"info": "ffb0b0b0", "low": "ff00ffff", "medium": "ff0080ff", "high": "ff0000ff"}
TRACK_COLOUR = "ffffaa00"
_ICON = "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
_TRACK_ICON = "https://maps.google.com/mapfiles/kml/shapes/sailing.png"
_BALLOON = "$[description]"

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<kml xmlns="{KML_NS}" xmlns:gx="{GX_NS}">\n<Document>\n<name>shadowtrace export</name>\n'
)
_TAIL = "</Document>\n</kml>\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = xml_safe(text)
    return el


def _write(out: TextIO, element: ET.Element) -> None:
    out.write(ET.tostring(element, encoding="unicode") + "\n")


def _style(sid: str, colour: str, icon: str, width: str, scale: str = "1") -> ET.Element:
    style = ET.Element("Style", id=sid)
    icon_style = _sub(style, "IconStyle")
    _sub(icon_style, "color", colour)
    _sub(icon_style, "scale", scale)
    _sub(_sub(icon_style, "Icon"), "href", icon)
    line = _sub(style, "LineStyle")
    _sub(line, "color", colour)
    _sub(line, "width", width)
    _sub(_sub(style, "BalloonStyle"), "text", _BALLOON)
    return style


def _description(lines: list[str]) -> str:
    return "<br/>".join(html_text(line) for line in lines)


def _data(parent: ET.Element, values: dict[str, Any]) -> None:
    extended = _sub(parent, "ExtendedData")
    for name, value in values.items():
        if value is not None and value != "":
            _sub(_sub(extended, "Data", name=name), "value", str(value))


class KmlWriter:
    """Writes one KML document to a text stream: :meth:`start`, :meth:`events` and :meth:`tracks`
    (in that order; each opens its folder once), :meth:`finish`."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._open: str | None = None

    def start(self) -> None:
        self.out.write(_HEAD)
        for severity, colour in SEVERITY_COLOURS.items():
            _write(self.out, _style(severity, colour, _ICON, "3"))
        _write(self.out, _style("track", TRACK_COLOUR, _TRACK_ICON, "2", "0.8"))

    def _folder(self, name: str) -> None:
        if self._open != name:
            if self._open:
                self.out.write("</Folder>\n")
            self.out.write(f"<Folder>\n<name>{name}</name>\n")  # name: a constant of this module
            self._open = name

    def finish(self) -> None:
        if self._open:
            self.out.write("</Folder>\n")
        self.out.write(_TAIL)

    def events(self, table: pa.Table) -> None:
        self._folder("Events")
        for row in table.to_pylist():
            _write(self.out, event_placemark(row))

    def tracks(self, bucket: TrackBucket) -> None:
        self._folder("Tracks")
        fixes = bucket.fixes.with_columns(
            when=pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            coord=pl.format("{} {} 0", pl.col("lon").round(6), pl.col("lat").round(6)),
        )
        when, coord = fixes["when"].to_list(), fixes["coord"].to_list()
        folder, mmsi = ET.Element("Folder"), None
        for seg in bucket.segments().iter_rows(named=True):
            if seg["mmsi"] != mmsi:  # segments come vessel by vessel: one folder each
                if mmsi is not None:
                    _write(self.out, folder)
                folder, mmsi = ET.Element("Folder"), seg["mmsi"]
                _sub(folder, "name", vessel_label(seg["vessel_name"], seg["mmsi"], seg["imo"]))
            a, b = seg["first"], seg["first"] + seg["n"]
            folder.append(segment_placemark(seg, when[a:b], coord[a:b]))
        if mmsi is not None:
            _write(self.out, folder)


def segment_placemark(seg: dict[str, Any], when: list[str], coord: list[str]) -> ET.Element:
    """A track segment: a ``gx:Track`` of its fixes, labelled with the vessel."""
    mark = ET.Element("Placemark")
    label = vessel_label(seg["vessel_name"], seg["mmsi"], seg["imo"])
    _sub(mark, "name", f"{label} #{seg['segment']}")
    lines = [
        f"vessel: {label}", f"call sign: {seg['callsign'] or '-'}",
        f"segment {seg['segment']} (transmitter {seg['track']}): {seg['n']} fix{'' if seg['n'] == 1 else 'es'}",
        f"{iso_z(seg['start'])} to {iso_z(seg['end'])}",
    ]
    _sub(mark, "description", _description(lines))
    _sub(mark, "styleUrl", "#track")
    _data(mark, {"mmsi": seg["mmsi"], "imo": seg["imo"], "vessel_name": seg["vessel_name"],
                 "callsign": seg["callsign"], "segment": seg["segment"], "track": seg["track"], "points": seg["n"]})
    if len(when) == 1:  # one fix: a timed point (a one-point track is a degenerate line to GIS tools)
        mark.insert(2, _time_stamp(when[0]))
        _sub(_sub(mark, "Point"), "coordinates", coord[0].replace(" ", ","))
        return mark
    track = _sub(mark, "gx:Track")
    for w in when:  # times and numbers made here: nothing to make safe
        ET.SubElement(track, "when").text = w
    for c in coord:
        ET.SubElement(track, "gx:coord").text = c
    return mark


def _time_stamp(when: str) -> ET.Element:
    stamp = ET.Element("TimeStamp")
    _sub(stamp, "when", when)
    return stamp


def event_placemark(row: dict[str, Any]) -> ET.Element:
    """An event: its TimeSpan, severity style, plain-text name, description and data."""
    details = details_of(row)
    mark = ET.Element("Placemark", id=f"event-{row['event_id']}")
    _sub(mark, "name", event_title(row))
    _sub(mark, "Snippet", f"{row['kind']}, {row['severity']}", maxLines="1")
    _sub(mark, "description", _description(event_lines(row, details)))
    span = _sub(mark, "TimeSpan")
    _sub(span, "begin", iso_z(row["start"]))
    _sub(span, "end", iso_z(row.get("end") or row["start"]))
    _sub(mark, "styleUrl", f"#{row['severity'] if row['severity'] in SEVERITY_COLOURS else 'info'}")
    _data(mark, {"event_id": row["event_id"], "kind": row["kind"], "severity": row["severity"],
                 "score": plain_score(row.get("score")), "mmsi": row.get("mmsi"), "imo": row.get("imo"),
                 "vessel_name": row.get("vessel_name"), "subject": row.get("subject")})
    geometry = event_geometry(row, details)
    if geometry is not None:
        kind, coords = geometry
        text = [f"{lon:.6f},{lat:.6f},0" for lon, lat in coords]
        if kind == "Point":
            _sub(_sub(mark, "Point"), "coordinates", text[0])
        else:
            multi = _sub(mark, "MultiGeometry")
            _sub(_sub(multi, "Point"), "coordinates", text[0])
            line = _sub(multi, "LineString")
            _sub(line, "tessellate", "1")
            _sub(line, "coordinates", " ".join(text))
    return mark
