"""Decoded-AIS CSV formats, declared once as data, and user column mappings.

A format (a :class:`ColumnMapping`) says which CSV column holds which field,
how the times are written, and what the text values of its coded columns mean.
Fields are the data columns of ``models.tables.POSITIONS`` and ``STATICS``
(``lat``, ``sog_kn``, ``shipname``...) plus ``mmsi``, ``ts``, ``msg_type`` and
the CSV-only fields of :data:`CSV_ONLY_FIELDS`.

Built-in formats:

- ``dma``: Danish Maritime Authority "aisdk" CSV, header ``# Timestamp,Type of
  mobile,MMSI,...`` with ``Width``/``Length``;
- ``dma-legacy``: the same columns with the antenna offsets ``A,B,C,D``;
- ``noaa``: NOAA MarineCadastre (``MMSI,BaseDateTime,LAT,LON,...,TransceiverClass``);
- ``exactearth``: exactEarth/Spire full-decode export (``MMSI,Message_ID,...``),
  one row per AIS message.

A user mapping for any other provider is a TOML file::

    name = "myprovider"                 # optional, default: the file's stem
    delimiter = ";"                     # optional, default ","
    time_format = "%Y-%m-%d %H:%M:%S"   # strftime, or unix_s, unix_ms, iso
    null_values = ["N/A"]               # optional: texts meaning "not available"

    [columns]                           # field = "CSV column"; mmsi and ts are required
    mmsi = "MMSI"
    ts = "Time"
    lat = "Lat"

    [values.nav_status]                 # optional: text -> code of a coded field
    "Moored" = 5

    [scale]                             # optional: factor applied to a numeric field
    draught_m = 0.1
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

from shadowtrace.errors import InputError
from shadowtrace.models.tables import POSITIONS, PROVENANCE, STATICS, TS

#: time formats named by keyword instead of a strftime pattern
TIME_KEYWORDS = {
    "unix_s": "seconds since 1970-01-01 UTC (may have decimals)",
    "unix_ms": "milliseconds since 1970-01-01 UTC",
    "iso": "ISO 8601, with 'T' or space, optional fraction and offset (no offset = UTC)",
}

#: fields that are not table columns; the reader turns them into table columns
CSV_ONLY_FIELDS: dict[str, tuple[pa.DataType, str]] = {
    "millisecond": (pa.int16(), "milliseconds added to ts"),
    "length_m": (pa.int16(), "overall length: stored as to_bow_m = length, to_stern_m = 0"),
    "width_m": (pa.int16(), "beam: stored as to_port_m = width, to_starboard_m = 0"),
    "eta": (TS, "ETA as one time text (in time_format): gives eta_month/day/hour/minute"),
    "cargo_category": (pa.uint8(), "added to a ship type that is a category head (20, 40, 60, 70, 80, 90)"),
}

_PROVENANCE = {f.name for f in PROVENANCE}

#: every field a CSV column can fill, with the Arrow type it is read as
FIELD_TYPES: dict[str, pa.DataType] = {
    "mmsi": pa.int32(),
    "ts": TS,
    "msg_type": pa.uint8(),
    **{
        f.name: f.type
        for f in (*POSITIONS, *STATICS)
        if f.name not in _PROVENANCE and f.name != "reported_utc"
    },
    **{name: dtype for name, (dtype, _) in CSV_ONLY_FIELDS.items()},
}

#: ITU-R M.1371 "not available" values: read as null, as the NMEA decoder does
NOT_AVAILABLE: dict[str, float] = {
    "lat": 91,
    "lon": 181,
    "sog_kn": 102.3,
    "cog_deg": 360,
    "heading_deg": 511,
    "draught_m": 0,
    "imo": 0,
    "alt_m": 4095,
    "eta_month": 0,
    "eta_day": 0,
    "eta_hour": 24,
    "eta_minute": 60,
}

#: the values no AIS message can carry (besides NOT_AVAILABLE): a row holding one is rejected
VALID_RANGE: dict[str, tuple[float, float]] = {
    "lat": (-90, 90),
    "lon": (-180, 180),
    "sog_kn": (0, float("inf")),
    "cog_deg": (0, float("inf")),
    "heading_deg": (0, float("inf")),
}

_T = TypeVar("_T")

_MAPPING_KEYS = ("name", "delimiter", "time_format", "null_values", "columns", "values", "scale")


@dataclass(frozen=True)
class ColumnMapping:
    """Which CSV column holds which field, and how its text is read.

    ``values`` maps the texts of a coded field to its codes; a text outside the
    map reads as null (a msg_type as 0: "decoded CSV, type unknown"). ``scale``
    multiplies a numeric field (a draught in decimetres: 0.1).
    """

    name: str
    columns: Mapping[str, str]
    time_format: str
    delimiter: str = ","
    values: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    null_values: frozenset[str] = frozenset()
    scale: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"column mapping {self.name!r}"
        for key in ("mmsi", "ts"):
            if key not in self.columns:
                raise InputError(f'{where}: [columns] needs {key!r}; add {key} = "<CSV column>"')
        for section, fields in (("columns", self.columns), ("values", self.values), ("scale", self.scale)):
            for name in fields:
                if name not in FIELD_TYPES:
                    raise InputError(
                        f"{where}: [{section}] unknown field {name!r}; use one of {', '.join(FIELD_TYPES)}"
                    )
        for section, fields in (("values", self.values), ("scale", self.scale)):
            for name in fields:
                if not (pa.types.is_integer(FIELD_TYPES[name]) or pa.types.is_floating(FIELD_TYPES[name])):
                    raise InputError(f"{where}: [{section}] {name!r} is not a numeric field; remove it")
        if len(self.delimiter) != 1 or self.delimiter in '"\r\n':
            raise InputError(f"{where}: delimiter {self.delimiter!r} must be one character, not a quote")
        if self.time_format not in TIME_KEYWORDS and "%" not in self.time_format:
            raise InputError(
                f"{where}: time_format {self.time_format!r} is neither a strftime pattern "
                f"nor one of {', '.join(TIME_KEYWORDS)}"
            )

    @classmethod
    def from_toml(cls, path: str | Path) -> ColumnMapping:
        """Read and validate a user mapping; every mistake is a one-line InputError."""
        path = Path(path)
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"{path}: cannot read the column mapping ({exc}); fix the file") from exc
        for key in doc:
            if key not in _MAPPING_KEYS:
                raise InputError(f"{path}: unknown key {key!r}; use one of {', '.join(_MAPPING_KEYS)}")
        if "time_format" not in doc:
            raise InputError(f'{path}: time_format is missing; add time_format = "%Y-%m-%d %H:%M:%S" or iso')
        try:
            return cls(
                name=_typed("name", doc.get("name", path.stem), str),
                columns=_table("columns", doc.get("columns", {}), str),
                time_format=_typed("time_format", doc["time_format"], str),
                delimiter=_typed("delimiter", doc.get("delimiter", ","), str),
                values={
                    name: _table(f"values.{name}", codes, int)
                    for name, codes in _table("values", doc.get("values", {}), dict).items()
                },
                null_values=frozenset(
                    _typed("null_values[]", text, str)
                    for text in _typed("null_values", doc.get("null_values", []), list)
                ),
                scale=_table("scale", doc.get("scale", {}), float),
            )
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None


def _typed(key: str, value: object, kind: type[_T]) -> _T:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise InputError(f"{key} = {value!r} must be a {kind.__name__}")
    return value


def _table(key: str, value: object, kind: type[_T]) -> dict[str, _T]:
    return {str(k): _typed(f"{key}.{k}", v, kind) for k, v in _typed(f"[{key}]", value, dict).items()}


def header_names(header_line: bytes, delimiter: str) -> list[str] | None:
    """The column names of a header line (``# `` prefix and BOM dropped), or None if not text."""
    try:
        text = header_line.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    names = [name.strip() for name in next(csv.reader([text], delimiter=delimiter), [])]
    if names:
        names[0] = names[0].lstrip("#").strip()
    return names


def detect_csv_format(header_line: bytes) -> str | None:
    """The name of the built-in format whose columns the header holds (the fullest match)."""
    best: tuple[int, str] | None = None
    for fmt in FORMATS.values():
        names = set(header_names(header_line, fmt.delimiter) or ())
        wanted = set(fmt.columns.values())
        if wanted <= names and (best is None or len(wanted) > best[0]):
            best = (len(wanted), fmt.name)
    return best[1] if best else None


_DMA_VALUES: dict[str, dict[str, int]] = {
    "msg_type": {"Class A": 1, "Class B": 18, "Base Station": 4, "AtoN": 21, "SAR Airborne": 9},
    "nav_status": {
        "Under way using engine": 0,
        "At anchor": 1,
        "Not under command": 2,
        "Restricted maneuverability": 3,
        "Constrained by her draught": 4,
        "Moored": 5,
        "Aground": 6,
        "Engaged in fishing": 7,
        "Under way sailing": 8,
        "Reserved for future amendment [HSC]": 9,
        "Reserved for future amendment [WIG]": 10,
        "Power-driven vessel towing astern": 11,
        "Reserved for future use [11]": 11,
        "Power-driven vessel pushing ahead or towing alongside": 12,
        "Reserved for future use [12]": 12,
        "Reserved for future use": 13,
        "Reserved for future use [13]": 13,
        "AIS-SART": 14,
        "AIS-SART (active)": 14,
        "Unknown value": 15,
    },
    # ITU-R M.1371 table 53; a category head (Cargo = 70...) gets the Cargo type added;
    # "Reserved" (38 or 39) names no single code and reads as null
    "ship_type": {
        "WIG": 20,
        "Fishing": 30,
        "Towing": 31,
        "Towing long/wide": 32,
        "Dredging": 33,
        "Diving": 34,
        "Military": 35,
        "Sailing": 36,
        "Pleasure": 37,
        "HSC": 40,
        "Pilot": 50,
        "SAR": 51,
        "Tug": 52,
        "Port tender": 53,
        "Anti-pollution": 54,
        "Law enforcement": 55,
        "Spare 1": 56,
        "Spare 2": 57,
        "Medical": 58,
        "Not party to conflict": 59,
        "Passenger": 60,
        "Cargo": 70,
        "Tanker": 80,
        "Other": 90,
    },
    "cargo_category": {
        "No additional information": 0,
        "Category X": 1,
        "Category Y": 2,
        "Category Z": 3,
        "Category OS": 4,
    },
    "epfd": {
        "GPS": 1,
        "GLONASS": 2,
        "Combined GPS/GLONASS": 3,
        "Loran-C": 4,
        "Chayka": 5,
        "Integrated navigation system": 6,
        "Surveyed": 7,
        "Galileo": 8,
        "Internal": 15,
    },
}

_DMA_COLUMNS = {
    "ts": "Timestamp",
    "msg_type": "Type of mobile",
    "mmsi": "MMSI",
    "lat": "Latitude",
    "lon": "Longitude",
    "nav_status": "Navigational status",
    "turn": "ROT",
    "sog_kn": "SOG",
    "cog_deg": "COG",
    "heading_deg": "Heading",
    "imo": "IMO",
    "callsign": "Callsign",
    "shipname": "Name",
    "ship_type": "Ship type",
    "cargo_category": "Cargo type",
    "epfd": "Type of position fixing device",
    "draught_m": "Draught",
    "destination": "Destination",
    "eta": "ETA",
}

_DMA_TIME = "%d/%m/%Y %H:%M:%S"
_DMA_NULLS = frozenset({"Unknown", "Undefined"})

DMA = ColumnMapping(
    name="dma",
    columns={**_DMA_COLUMNS, "width_m": "Width", "length_m": "Length"},
    time_format=_DMA_TIME,
    values=_DMA_VALUES,
    null_values=_DMA_NULLS,
)

DMA_LEGACY = ColumnMapping(
    name="dma-legacy",
    columns={**_DMA_COLUMNS, "to_bow_m": "A", "to_stern_m": "B", "to_port_m": "C", "to_starboard_m": "D"},
    time_format=_DMA_TIME,
    values=_DMA_VALUES,
    null_values=_DMA_NULLS,
)

NOAA = ColumnMapping(
    name="noaa",
    columns={
        "mmsi": "MMSI",
        "ts": "BaseDateTime",
        "lat": "LAT",
        "lon": "LON",
        "sog_kn": "SOG",
        "cog_deg": "COG",
        "heading_deg": "Heading",
        "shipname": "VesselName",
        "imo": "IMO",
        "callsign": "CallSign",
        "ship_type": "VesselType",
        "nav_status": "Status",
        "length_m": "Length",
        "width_m": "Width",
        "draught_m": "Draft",
        "msg_type": "TransceiverClass",
    },
    time_format="iso",
    values={"msg_type": {"A": 1, "B": 18}},
)

EXACTEARTH = ColumnMapping(
    name="exactearth",
    columns={
        "mmsi": "MMSI",
        "msg_type": "Message_ID",
        "ts": "Time",
        "millisecond": "Millisecond",
        "shipname": "Vessel_Name",
        "callsign": "Call_sign",
        "imo": "IMO",
        "ship_type": "Ship_Type",
        "to_bow_m": "Dimension_to_Bow",
        "to_stern_m": "Dimension_to_stern",
        "to_port_m": "Dimension_to_port",
        "to_starboard_m": "Dimension_to_starboard",
        "draught_m": "Draught",
        "destination": "Destination",
        "ais_version": "AIS_version",
        "nav_status": "Navigational_status",
        "turn": "ROT",
        "sog_kn": "SOG",
        "accuracy": "Accuracy",
        "lon": "Longitude",
        "lat": "Latitude",
        "cog_deg": "COG",
        "heading_deg": "Heading",
        "maneuver": "Maneuver",
        "raim": "RAIM_flag",
        "radio": "Communication_state",
        "utc_second": "UTC_second",
        "epfd": "Fixing_device",
        "eta_month": "ETA_month",
        "eta_day": "ETA_day",
        "eta_hour": "ETA_hour",
        "eta_minute": "ETA_minute",
        "alt_m": "Altitude",
        "dte": "Data_terminal",
        "assigned": "Mode",
        "cs_unit": "unit_flag",
        "display": "display",
        "dsc": "DSC",
        "band": "band",
        "msg22": "msg22",
        "aid_type": "ATON_type",
        "off_position": "off_position",
        "virtual_aid": "Virtual_ATON",
        "part_num": "Part_Number",
        "vendor_id": "Vendor_ID",
        "mothership_mmsi": "Mother_ship_MMSI",
        "gnss": "GNSS_status",
    },
    time_format="%Y%m%d_%H%M%S",
    null_values=frozenset({"None"}),
    scale={"draught_m": 0.1},  # the raw field, in decimetres
)

#: the built-in formats, by name
FORMATS: dict[str, ColumnMapping] = {fmt.name: fmt for fmt in (DMA, DMA_LEGACY, NOAA, EXACTEARTH)}
