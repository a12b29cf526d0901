"""Ports: where they are, where ships moor in them, and where ships wait outside them.

The gazetteer is the port list shipped inside the ``searoute`` package (about 3,900 ports, each with
a UN/LOCODE, a name, a country name and one position, often a city centre on land). A port's berth
and anchorage are derived from the land mask when the port is first asked for, so loading the
gazetteer costs only reading the list.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
from scipy import ndimage

from shadowtrace.errors import InputError
from shadowtrace.geo.seagrid import SeaGrid
from shadowtrace.geo.sphere import haversine_m, wrap_lon

#: searoute's country names whose words are not simply capitalised.
_SMALL_WORDS = {"and", "of", "the"}


@dataclass(frozen=True)
class BerthSettings:
    """How a port's berth and anchorage are placed on the land mask."""

    sea_window_km: float = field(
        default=50.0,
        metadata={
            "unit": "km",
            "help": "half-size of the box around a port searched for its sea: the "
            "largest body of water in it (a port with none is a river or lake port)",
        },
    )
    anchorage_min_km: float = field(
        default=2.0, metadata={"unit": "km", "help": "least distance from berth to anchorage"}
    )
    anchorage_max_km: float = field(
        default=5.0, metadata={"unit": "km", "help": "greatest distance from berth to anchorage"}
    )
    anchorage_clearance_km: float = field(
        default=2.0,
        metadata={"unit": "km", "help": "anchorages keep this far from land where the sea allows"},
    )


@dataclass(frozen=True)
class PortRecord:
    """One gazetteer entry as listed: UN/LOCODE, name, country code and name, listed position."""

    locode: str
    name: str
    country: str
    country_name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Port:
    """A port: its listed position, a berth in the water inside it, and an anchorage off it.

    ``country`` is the ISO 3166 alpha-2 code (the first two letters of the UN/LOCODE). The berth is
    the centre of the land-mask sea pixel nearest the listed position (of the pixel holding it,
    when it is at sea: at most 0.65 km away); the anchorage is a sea point 2-5 km from the berth,
    as far from land as the sea there allows. ``sea_access`` is False for a river or lake port with
    no sea in reach of the land mask (see :class:`BerthSettings`): its berth and anchorage are then
    its listed position, and it cannot be routed to.
    """

    locode: str
    name: str
    country: str
    lat: float
    lon: float
    berth_lat: float
    berth_lon: float
    anchorage_lat: float
    anchorage_lon: float
    country_name: str = ""
    sea_access: bool = True


def country_display_name(searoute_name: str) -> str:
    """A searoute country name made readable: ``"North_korea"`` becomes ``"North Korea"``."""
    words = searoute_name.replace("_", " ").split()
    return " ".join(w if w in _SMALL_WORDS and i else w.capitalize() for i, w in enumerate(words))


def _sea_window(lat: float, lon: float, half_km: float) -> tuple[SeaGrid, np.ndarray]:
    """The land-mask window around a point and the mask of its largest water body."""
    dlat = half_km / 111.2
    dlon = half_km / (111.2 * max(math.cos(math.radians(lat)), 0.05))
    grid = SeaGrid.around(lat - dlat, lat + dlat, lon - dlon, lon + dlon)
    labels, n = ndimage.label(~grid.land)
    if n == 0:
        return grid, np.zeros(grid.land.shape, dtype=bool)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return grid, labels == int(np.argmax(sizes))


def place_port(record: PortRecord, settings: BerthSettings) -> Port:
    """The port of a gazetteer record, with berth and anchorage placed on the land mask."""
    grid, sea = _sea_window(record.lat, record.lon, settings.sea_window_km)
    blat, blon = record.lat, record.lon
    alat, alon = record.lat, record.lon
    si, sj = np.nonzero(sea)
    if si.size:
        clat, clon = grid.centre(si, sj)
        d_m = haversine_m(record.lat, record.lon, clat, clon)
        i0, j0 = grid.cell(record.lat, record.lon)
        if sea[int(i0), int(j0)]:
            blat, blon = (float(x) for x in grid.centre(i0, j0))
        else:
            k = int(np.argmin(d_m))
            blat, blon = float(clat[k]), float(clon[k])
        alat, alon = _anchorage(grid, sea, blat, blon, clat, clon, settings)
    return Port(
        locode=record.locode,
        name=record.name,
        country=record.country,
        lat=record.lat,
        lon=record.lon,
        berth_lat=blat,
        berth_lon=float(wrap_lon(blon)),
        anchorage_lat=alat,
        anchorage_lon=float(wrap_lon(alon)),
        country_name=record.country_name,
        sea_access=bool(si.size),
    )


def _anchorage(
    grid: SeaGrid,
    sea: np.ndarray,
    blat: float,
    blon: float,
    clat: np.ndarray,
    clon: np.ndarray,
    settings: BerthSettings,
) -> tuple[float, float]:
    """A sea cell 2-5 km from the berth, reached from it in a straight line where possible, far from land."""
    d_m = haversine_m(blat, blon, clat, clon)
    clear = grid.clearance_m[sea]
    for scale in (1.0, 2.0, 4.0):
        ring = np.flatnonzero(
            (d_m >= settings.anchorage_min_km * 1000.0) & (d_m <= settings.anchorage_max_km * scale * 1000.0)
        )
        if ring.size:
            break
    else:
        return blat, blon
    capped = np.minimum(clear[ring], settings.anchorage_clearance_km * 1000.0)
    mid_m = (settings.anchorage_min_km + settings.anchorage_max_km) * 500.0
    ranked = ring[np.lexsort((np.abs(d_m[ring] - mid_m), -capped))]
    for k in ranked[:200]:
        line_lat, line_lon = np.array([blat, clat[k]]), np.array([blon, clon[k]])
        if grid.line_clearance_m(line_lat, line_lon) > 0.0:
            return float(clat[k]), float(clon[k])
    return float(clat[ranked[0]]), float(clon[ranked[0]])


class Gazetteer:
    """A searchable list of ports, placing each port's berth and anchorage when first asked for."""

    def __init__(self, records: Sequence[PortRecord], settings: BerthSettings | None = None) -> None:
        """Index ``records`` by UN/LOCODE (the first record of a code wins)."""
        self.settings = settings or BerthSettings()
        self._records: dict[str, PortRecord] = {}
        for r in records:
            self._records.setdefault(_normalised(r.locode), r)
        self._codes = list(self._records)
        self._lat = np.array([r.lat for r in self._records.values()], dtype=np.float64)
        self._lon = np.array([r.lon for r in self._records.values()], dtype=np.float64)
        self._ports: dict[str, Port] = {}

    @classmethod
    def from_searoute(cls) -> Gazetteer:
        """The gazetteer of the ports shipped in the ``searoute`` package (built once per process)."""
        return _searoute_gazetteer()

    def __len__(self) -> int:
        """Number of ports."""
        return len(self._codes)

    def __contains__(self, locode: object) -> bool:
        """Whether a UN/LOCODE is listed (case and spaces ignored)."""
        return isinstance(locode, str) and _normalised(locode) in self._records

    def __iter__(self) -> Iterator[Port]:
        """Every port, in listing order (placing berths as it goes: under 2 ms a port)."""
        return (self.get(code) for code in self._codes)

    @property
    def locodes(self) -> list[str]:
        """Every listed UN/LOCODE, in listing order."""
        return list(self._codes)

    def record(self, locode: str) -> PortRecord:
        """The entry as listed for ``locode`` (case and spaces ignored), without berth or anchorage."""
        rec = self._records.get(_normalised(locode)) if isinstance(locode, str) else None
        if rec is None:
            raise InputError(self._unknown_message(locode))
        return rec

    def get(self, locode: str) -> Port:
        """The port with UN/LOCODE ``locode`` (case and spaces ignored, e.g. ``"ru vvo"``)."""
        rec = self.record(locode)
        key = _normalised(rec.locode)
        port = self._ports.get(key)
        if port is None:
            port = place_port(rec, self.settings)
            self._ports[key] = port
        return port

    def _unknown_message(self, locode: object) -> str:
        """The error for an unknown code: what was asked for, and the closest codes and names."""
        text = _normalised(str(locode))
        by_code = difflib.get_close_matches(text, self._codes, n=5, cutoff=0.6)
        names = {r.name.upper(): code for code, r in self._records.items()}
        by_name = [names[n] for n in difflib.get_close_matches(text, list(names), n=3, cutoff=0.7)]
        close = list(dict.fromkeys(by_name + by_code))
        hint = (
            "did you mean " + ", ".join(f"{c} ({self._records[c].name})" for c in close) + "?"
            if close
            else "ports are named by UN/LOCODE: two letters of country, three of place"
        )
        return f"unknown port {locode!r}: no port with that UN/LOCODE in the gazetteer; {hint}"

    def near(self, lat: float, lon: float, radius_km: float) -> list[Port]:
        """Ports whose listed position is within ``radius_km`` of (lat, lon), nearest first."""
        d_m = haversine_m(lat, lon, self._lat, self._lon)
        idx = np.flatnonzero(d_m <= radius_km * 1000.0)
        return [self.get(self._codes[i]) for i in idx[np.argsort(d_m[idx], kind="stable")]]

    def in_bbox(self, lat_min: float, lat_max: float, lon_min: float, lon_max: float) -> list[Port]:
        """Ports listed inside a box, in listing order (``lon_min > lon_max`` crosses the antimeridian)."""
        in_lat = (self._lat >= lat_min) & (self._lat <= lat_max)
        if lon_min <= lon_max:
            in_lon = (self._lon >= lon_min) & (self._lon <= lon_max)
        else:
            in_lon = (self._lon >= lon_min) | (self._lon <= lon_max)
        return [self.get(self._codes[i]) for i in np.flatnonzero(in_lat & in_lon)]

    def by_country(self, country: str) -> list[Port]:
        """Ports of one country (ISO 3166 alpha-2 code), in listing order."""
        code = country.strip().upper()
        return [self.get(c) for c, r in self._records.items() if r.country == code]


def _normalised(locode: str) -> str:
    """A UN/LOCODE as listed: upper case, without spaces (``"ru vvo"`` becomes ``"RUVVO"``)."""
    return "".join(locode.split()).upper()


def _searoute_records() -> list[PortRecord]:
    """The ports of searoute's own ``data/ports.geojson``, one per UN/LOCODE.

    The country is the code's first two letters (where searoute's country name disagrees, as for a
    handful of entries, the code wins). Where a code is listed twice, the entry searoute marks as a
    terminal (``t`` = 1) wins, then the first; entries whose code is not five letters or digits are
    skipped.
    """
    text = resources.files("searoute").joinpath("data", "ports.geojson").read_text(encoding="utf-8")
    best: dict[str, tuple[float, PortRecord]] = {}
    for feature in json.loads(text)["features"]:
        props = feature["properties"]
        code = str(props.get("port") or "").strip().upper()
        if len(code) != 5 or not code.isalnum():
            continue
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
        cty = str(props.get("cty") or "")
        rec = PortRecord(code, str(props.get("name") or code), code[:2], country_display_name(cty), lat, lon)
        rank = float(props.get("t") if props.get("t") is not None else -1.0)
        if code not in best or rank > best[code][0]:
            best[code] = (rank, rec)
    return [rec for _, rec in best.values()]


@functools.cache
def _searoute_gazetteer() -> Gazetteer:
    """The one gazetteer of searoute's ports in this process."""
    return Gazetteer(_searoute_records())
