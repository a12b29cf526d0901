"""The bit layouts of the AIS messages the encoder writes, field by field (ITU-R M.1371-5).

A :class:`Field` says how one value becomes its raw code: width, scale, sign, the code
written for "not available", the limit beyond which it saturates or is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from shadowtrace.errors import InputError

#: message types this encoder writes
SUPPORTED_TYPES: Final = (1, 2, 3, 4, 5, 9, 11, 18, 19, 21, 24, 27)
#: types whose vectorised encoding is the bulk path of the simulator
POSITION_TYPES: Final = frozenset({1, 2, 3, 4, 9, 11, 18, 19, 21, 27})

_Kind = Literal["type", "const", "uint", "bool", "turn", "cog", "text"]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a message layout."""

    name: str
    width: int  # bits (for text: 6 per character)
    kind: _Kind = "uint"
    na: int = 0  # raw code written for None (for const: the constant)
    scale: float = 1.0  # raw = round(value * scale)
    signed: bool = False
    limit: float = 0.0  # largest |value| accepted; 0: the bit range decides
    saturate: int = -1  # raw codes above this are written as this ("x or more")

    @property
    def chars(self) -> int:
        return self.width // 6

    def error(self, value: object, why: str) -> InputError:
        return InputError(f"AIS field {self.name}={value!r} {why}")


def _spare(width: int, value: int = 0) -> Field:
    return Field("", width, "const", na=value)


def text_field(name: str, chars: int) -> Field:
    return Field(name, 6 * chars, "text")


_TYPE = Field("msg_type", 6, "type")
_REPEAT = Field("repeat", 2)
_MMSI = Field("mmsi", 30)
_LON = Field("lon", 28, na=181 * 600_000, scale=600_000.0, signed=True, limit=181.0)
_LAT = Field("lat", 27, na=91 * 600_000, scale=600_000.0, signed=True, limit=91.0)
_SOG = Field("sog_kn", 10, na=1023, scale=10.0, saturate=1022)
_COG = Field("cog_deg", 12, "cog", na=3600, scale=10.0)
_HEADING = Field("heading_deg", 9, na=511)
_SECOND = Field("utc_second", 6, na=60)
_ACCURACY = Field("accuracy", 1, "bool")
_RAIM = Field("raim", 1, "bool")
_ASSIGNED = Field("assigned", 1, "bool")
_DTE = Field("dte", 1, "bool", na=1)
_EPFD = Field("epfd", 4)
_SHIP_TYPE = Field("ship_type", 8)
DIMS = (
    Field("to_bow_m", 9, saturate=511),
    Field("to_stern_m", 9, saturate=511),
    Field("to_port_m", 6, saturate=63),
    Field("to_starboard_m", 6, saturate=63),
)
_HEAD = (_TYPE, _REPEAT, _MMSI)

_LAYOUT_123 = (
    *_HEAD,
    Field("nav_status", 4, na=15),
    Field("turn", 8, "turn", na=-128, signed=True),
    _SOG,
    _ACCURACY,
    _LON,
    _LAT,
    _COG,
    _HEADING,
    _SECOND,
    Field("maneuver", 2),
    _spare(3),
    _RAIM,
    Field("radio", 19),
)
_LAYOUT_4 = (
    *_HEAD,
    Field("_year", 14),
    Field("_month", 4),
    Field("_day", 5),
    Field("_hour", 5, na=24),
    Field("_minute", 6, na=60),
    Field("_second", 6, na=60),
    _ACCURACY,
    _LON,
    _LAT,
    _EPFD,
    _spare(10),
    _RAIM,
    Field("radio", 19),
)
_LAYOUT_5 = (
    *_HEAD,
    Field("ais_version", 2),
    Field("imo", 30),
    text_field("callsign", 7),
    text_field("shipname", 20),
    _SHIP_TYPE,
    *DIMS,
    _EPFD,
    Field("eta_month", 4),
    Field("eta_day", 5),
    Field("eta_hour", 5, na=24),
    Field("eta_minute", 6, na=60),
    Field("draught_m", 8, scale=10.0, saturate=255),
    text_field("destination", 20),
    _DTE,
    _spare(1),
)
_LAYOUT_9 = (
    *_HEAD,
    Field("alt_m", 12, na=4095, saturate=4094),
    Field("sog_kn", 10, na=1023, saturate=1022),
    _ACCURACY,
    _LON,
    _LAT,
    _COG,
    _SECOND,
    _spare(8),
    _DTE,
    _spare(3),
    _ASSIGNED,
    _RAIM,
    Field("radio", 20),
)
_LAYOUT_18 = (
    *_HEAD,
    _spare(8),
    _SOG,
    _ACCURACY,
    _LON,
    _LAT,
    _COG,
    _HEADING,
    _SECOND,
    _spare(2),
    Field("cs_unit", 1, "bool"),
    Field("display", 1, "bool"),
    Field("dsc", 1, "bool"),
    Field("band", 1, "bool"),
    Field("msg22", 1, "bool"),
    _ASSIGNED,
    _RAIM,
    Field("radio", 20),
)
_LAYOUT_19 = (
    *_HEAD,
    _spare(8),
    _SOG,
    _ACCURACY,
    _LON,
    _LAT,
    _COG,
    _HEADING,
    _SECOND,
    _spare(4),
    text_field("shipname", 20),
    _SHIP_TYPE,
    *DIMS,
    _EPFD,
    _RAIM,
    _DTE,
    _ASSIGNED,
    _spare(4),
)
#: type 21 up to the name extension (272 bits); the extension (0-14 characters)
#: and 0-6 spare bits to the next byte boundary follow
_LAYOUT_21 = (
    *_HEAD,
    Field("aid_type", 5),
    text_field("_name", 20),
    _ACCURACY,
    _LON,
    _LAT,
    *DIMS,
    _EPFD,
    _SECOND,
    Field("off_position", 1, "bool"),
    _spare(8),
    _RAIM,
    Field("virtual_aid", 1, "bool"),
    _ASSIGNED,
    _spare(1),
    text_field("_name_ext", 14),
)
BITS_21 = 272
LAYOUT_24A = (*_HEAD, _spare(2, 0), text_field("shipname", 20))
LAYOUT_24B = (
    *_HEAD,
    _spare(2, 1),
    _SHIP_TYPE,
    text_field("vendor_id", 3),
    Field("model", 4),
    Field("serial", 20),
    text_field("callsign", 7),
    Field("_extent", 30),  # dimensions, or the mother ship's MMSI for an auxiliary craft
    _EPFD,
    _spare(2),
)
_LAYOUT_27 = (
    *_HEAD,
    _ACCURACY,
    _RAIM,
    Field("nav_status", 4, na=15),
    Field("lon", 18, na=181 * 600, scale=600.0, signed=True, limit=181.0),
    Field("lat", 17, na=91 * 600, scale=600.0, signed=True, limit=91.0),
    Field("sog_kn", 6, na=63, saturate=62),
    Field("cog_deg", 9, "cog", na=511),
    Field("gnss", 1, "bool", na=1),
    _spare(1),
)

LAYOUTS: Final[dict[int, tuple[Field, ...]]] = {
    1: _LAYOUT_123,
    2: _LAYOUT_123,
    3: _LAYOUT_123,
    4: _LAYOUT_4,
    5: _LAYOUT_5,
    9: _LAYOUT_9,
    11: _LAYOUT_4,
    18: _LAYOUT_18,
    19: _LAYOUT_19,
    21: _LAYOUT_21,
    27: _LAYOUT_27,
}

#: the field names each type accepts (besides ts, station, channel)
FIELDS: Final[dict[int, frozenset[str]]] = {
    t: frozenset(f.name for f in lay if f.name and not f.name.startswith("_") and f.kind != "type")
    for t, lay in LAYOUTS.items()
}
FIELDS[4] = FIELDS[11] = FIELDS[4] | {"reported_utc"}
FIELDS[21] = FIELDS[21] | {"shipname"}
FIELDS[24] = frozenset(
    {f.name for f in LAYOUT_24A + LAYOUT_24B if f.name and not f.name.startswith("_")} - {"msg_type"}
    | {"part_num", "mothership_mmsi", "to_bow_m", "to_stern_m", "to_port_m", "to_starboard_m"}
)


def layout_of(msg_type: int, part_num: int = 0) -> tuple[Field, ...]:
    if msg_type == 24:
        return LAYOUT_24B if part_num == 1 else LAYOUT_24A
    try:
        return LAYOUTS[msg_type]
    except KeyError:
        raise InputError(
            f"AIS message type {msg_type} cannot be encoded; supported types: {SUPPORTED_TYPES}"
        ) from None


def check_fields(msg_type: int, names: Iterable[str]) -> None:
    """Refuse a message type the encoder does not write, or a field its layout does not have."""
    known = FIELDS.get(msg_type)
    if known is None:
        layout_of(msg_type)  # raises
        raise AssertionError
    unknown = set(names) - known
    if unknown:
        raise InputError(
            f"AIS type {msg_type} has no field(s) {sorted(unknown)}; its fields are {sorted(known)}"
        )
