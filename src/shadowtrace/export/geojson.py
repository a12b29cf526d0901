"""GeoJSON (RFC 7946): one FeatureCollection of events and track segments, for QGIS and web maps.

- Coordinates are ``[lon, lat]`` in WGS 84, rounded to 6 decimals (about 0.1 m); no ``crs``
  member (RFC 7946 dropped it: WGS 84 is implied).
- A track segment is a LineString (a Point when it holds one fix); a line crossing the
  antimeridian is cut there into a MultiLineString (RFC 7946 section 3.1.9).
- An event is a LineString from where it began to where it ended when its details say both (a
  gap), else a Point, else a feature with null geometry (an identity change has no place).
- ``properties.feature`` tells events (``event``) from track segments (``track``).
- Written feature by feature (memory follows one bucket of vessels). ``<``, ``>`` and ``&`` are
  written as ``\\u003c``, ``\\u003e``, ``\\u0026``: the same JSON, but it cannot close a
  ``<script>`` element it is pasted into.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from shadowtrace.export.events import Geometry, details_of, event_geometry, flat_events, iso_z, plain_score
from shadowtrace.export.tracks import TrackBucket

DECIMALS = 6
_HEAD = '{"type": "FeatureCollection", "features": [\n'
_TAIL = "\n]}\n"
_EVENT_PROPERTIES = (
    "event_id", "kind", "severity", "score", "start", "end", "mmsi", "imo", "vessel_name", "subject",
    "detector", "reasons", "details", "evidence", "params_hash",
)


class GeoJsonWriter:
    """Writes one FeatureCollection to a text stream: :meth:`start`, any number of :meth:`events`
    and :meth:`tracks`, :meth:`finish`."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._first = True

    def start(self) -> None:
        self.out.write(_HEAD)

    def finish(self) -> None:
        self.out.write(_TAIL)

    def _feature(self, fid: str, geometry: dict[str, Any] | None, properties: dict[str, Any]) -> None:
        text = json.dumps(
            {"type": "Feature", "id": fid, "geometry": geometry, "properties": properties},
            ensure_ascii=False, allow_nan=False, separators=(",", ":"),
        )
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        self.out.write(text if self._first else ",\n" + text)
        self._first = False

    def events(self, table: pa.Table) -> None:
        flat = flat_events(table).to_pylist()
        for row, flat_row in zip(table.to_pylist(), flat, strict=True):
            props: dict[str, Any] = {"feature": "event"}
            props |= {k: flat_row.get(k) for k in _EVENT_PROPERTIES}
            props["start"], props["end"] = iso_z(row["start"]), iso_z(row.get("end")) or None
            props["score"] = plain_score(row.get("score"))
            self._feature(row["event_id"], _geometry(event_geometry(row, details_of(row))), props)

    def tracks(self, bucket: TrackBucket) -> None:
        lon = np.round(bucket.fixes["lon"].to_numpy(), DECIMALS)
        lat = np.round(bucket.fixes["lat"].to_numpy(), DECIMALS)
        for seg in bucket.segments().iter_rows(named=True):
            a, b = seg["first"], seg["first"] + seg["n"]
            props = {
                "feature": "track", "mmsi": seg["mmsi"], "imo": seg["imo"], "vessel_name": seg["vessel_name"],
                "callsign": seg["callsign"], "segment": seg["segment"], "track": seg["track"],
                "start": iso_z(seg["start"]), "end": iso_z(seg["end"]), "points": seg["n"],
            }
            self._feature(f"{seg['mmsi']}-{seg['segment']}", line_geometry(lon[a:b], lat[a:b]), props)


def _geometry(geometry: Geometry | None) -> dict[str, Any] | None:
    if geometry is None:
        return None
    lon = np.round(np.array([c[0] for c in geometry[1]]), DECIMALS)
    lat = np.round(np.array([c[1] for c in geometry[1]]), DECIMALS)
    return line_geometry(lon, lat)


def line_geometry(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> dict[str, Any]:
    """A Point (one position), a LineString, or a MultiLineString cut at the antimeridian."""
    if len(lon) == 1:
        return {"type": "Point", "coordinates": [float(lon[0]), float(lat[0])]}
    parts = split_antimeridian(lon, lat)
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def split_antimeridian(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> list[list[list[float]]]:
    """A line as parts none of which crosses the antimeridian.

    A step whose longitude changes by more than 180 degrees went the short way round, across
    180: the line is cut there, each side ending at +-180 at the latitude interpolated between
    the two fixes.
    """
    coords = np.column_stack([lon, lat])
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0)
    parts: list[list[list[float]]] = []
    current: list[list[float]] = []
    start = 0
    for j in jumps.tolist():
        lon0, lat0, lon1, lat1 = float(lon[j]), float(lat[j]), float(lon[j + 1]), float(lat[j + 1])
        side = 180.0 if lon0 > 0 else -180.0  # the edge the line leaves by
        unwrapped = lon1 + 360.0 if lon0 > 0 else lon1 - 360.0  # the next fix, on this side's numbers
        frac = (side - lon0) / (unwrapped - lon0)
        cross = round(lat0 + frac * (lat1 - lat0), DECIMALS)
        parts.append([*current, *coords[start : j + 1].tolist(), [side, cross]])
        current, start = [[-side, cross]], j + 1
    parts.append([*current, *coords[start:].tolist()])
    return parts
