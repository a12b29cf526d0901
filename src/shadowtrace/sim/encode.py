"""AIS encoder: field values to NMEA 0183 sentences, the inverse of the decoder.

Follows ITU-R M.1371-5 for message types 1, 2, 3 (class A position), 4 and 11
(base station), 5 (static and voyage), 9 (SAR aircraft), 18 and 19 (class B
position), 21 (aid to navigation, with the name extension), 24 (class B static,
parts A and B) and 27 (long-range position). Fields carry the names and units of
the decoded tables (:mod:`shadowtrace.models.tables`): ``lat``, ``sog_kn``,
``draught_m``, ``reported_utc``... A field left out, or given as ``None`` (NaN in
a float column), is written as the standard's "not available" value: lat 91,
lon 181, SOG 102.3 kn (63 kn in type 27, 1023 kn in type 9), COG 360 (511 in
type 27), heading 511, ``utc_second`` 60, turn -128, altitude 4095, nav status
15, draught 0, IMO 0, ETA month 0 / day 0 / hour 24 / minute 60, reported UTC
year 0 / month 0 / day 0 / hour 24 / minute 60 / second 60; flags are written 0,
except ``dte`` and ``gnss`` whose "not available" value is 1. Values beyond a
field's top code saturate where the standard says "x or more" (SOG 102.2 kn,
draught 25.5 m, dimensions 511 / 63 m, altitude 4094 m); any other value that
does not fit raises :class:`~shadowtrace.errors.InputError`. Texts are
upper-cased and cut to their field (20 characters for names, 7 for call signs).

``turn`` is the rate of turn in degrees per minute as decoders report it
(``(ROT_AIS / 4.733)**2`` with its sign), encoded back as
``ROT_AIS = round(4.733 * sqrt(|turn|))``; the codes +127, -127 (turning, no
turn indicator) and -128 (not available) pass through as given.

Sentences are NMEA 0183 ``!AIVDM`` lines of at most 82 characters: a payload
longer than 61 characters (type 5) is split into parts of 60 with a sequential
message id cycling 0-9. Each line may carry an IEC 61162-450 tag block
``\\s:station,c:time*hh\\`` (``c:`` in seconds, or in milliseconds when asked)
and, for multipart messages when asked, a ``g:part-total-group`` group.

Two paths write byte-identical output and share one encoder state (message ids,
group ids):

* :meth:`AisEncoder.columns` encodes whole NumPy columns at once, for bulk use
  (millions of position reports a minute);
* :meth:`AisEncoder.sentences` encodes one message in plain Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError

__all__ = [
    "FIELDS",
    "MAX_SINGLE_PAYLOAD",
    "PART_PAYLOAD",
    "POSITION_TYPES",
    "SIXBIT_ALPHABET",
    "SUPPORTED_TYPES",
    "AisEncoder",
    "Categorical",
    "SentenceBlock",
    "armour",
    "encode_payload",
    "encode_payloads",
    "merge",
    "nmea_checksum",
]

U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: the AIS 6-bit character set, by code (ITU-R M.1371-5 table 47)
SIXBIT_ALPHABET: Final = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"
#: message types this encoder writes
SUPPORTED_TYPES: Final = (1, 2, 3, 4, 5, 9, 11, 18, 19, 21, 24, 27)
#: types whose vectorised encoding is the bulk path of the simulator
POSITION_TYPES: Final = frozenset({1, 2, 3, 4, 9, 11, 18, 19, 21, 27})
#: longest payload sent in one sentence: "!AIVDM,1,1,,A," + 61 + ",0*hh\r\n" = 82
MAX_SINGLE_PAYLOAD: Final = 61
#: payload characters per part of a multipart message: "!AIVDM,2,1,9,A," + 60 + ",0*hh\r\n" = 82
PART_PAYLOAD: Final = 60

_ARMOUR_TABLE: Final = bytes(v + 48 if v < 40 else v + 56 for v in range(64))
_ARMOUR_LUT: Final = np.frombuffer(_ARMOUR_TABLE, dtype=np.uint8)
_ARMOUR_STR: Final = _ARMOUR_TABLE.decode("ascii")
_HEX_LUT: Final = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def _six_code(byte: int) -> int:
    """6-bit code of one ASCII byte (NUL, the padding, is code 0: '@'); -1 if none."""
    if byte == 0:
        return 0
    if 64 <= byte <= 95:
        return byte - 64
    if 32 <= byte <= 63:
        return byte
    return -1


_SIX_LUT: Final = np.array([_six_code(b) for b in range(256)], dtype=np.int16)


def armour(values: Iterable[int]) -> str:
    """Armour 6-bit values (0-63) into payload characters."""
    return "".join(_ARMOUR_STR[v] for v in values)


def nmea_checksum(body: str | bytes) -> int:
    """XOR of the characters of a sentence or tag block body (between the start and ``*``)."""
    data = body.encode("ascii") if isinstance(body, str) else body
    cs = 0
    for b in data:
        cs ^= b
    return cs


# --------------------------------------------------------------------------- layouts

_Kind = Literal["type", "const", "uint", "bool", "turn", "cog", "text"]


@dataclass(frozen=True, slots=True)
class _F:
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


def _spare(width: int, value: int = 0) -> _F:
    return _F("", width, "const", na=value)


def _text(name: str, chars: int) -> _F:
    return _F(name, 6 * chars, "text")


_TYPE = _F("msg_type", 6, "type")
_REPEAT = _F("repeat", 2)
_MMSI = _F("mmsi", 30)
_LON = _F("lon", 28, na=181 * 600_000, scale=600_000.0, signed=True, limit=181.0)
_LAT = _F("lat", 27, na=91 * 600_000, scale=600_000.0, signed=True, limit=91.0)
_SOG = _F("sog_kn", 10, na=1023, scale=10.0, saturate=1022)
_COG = _F("cog_deg", 12, "cog", na=3600, scale=10.0)
_HEADING = _F("heading_deg", 9, na=511)
_SECOND = _F("utc_second", 6, na=60)
_ACCURACY = _F("accuracy", 1, "bool")
_RAIM = _F("raim", 1, "bool")
_ASSIGNED = _F("assigned", 1, "bool")
_DTE = _F("dte", 1, "bool", na=1)
_EPFD = _F("epfd", 4)
_SHIP_TYPE = _F("ship_type", 8)
_DIMS = (
    _F("to_bow_m", 9, saturate=511),
    _F("to_stern_m", 9, saturate=511),
    _F("to_port_m", 6, saturate=63),
    _F("to_starboard_m", 6, saturate=63),
)
_HEAD = (_TYPE, _REPEAT, _MMSI)

_LAYOUT_123 = (
    *_HEAD,
    _F("nav_status", 4, na=15),
    _F("turn", 8, "turn", na=-128, signed=True),
    _SOG,
    _ACCURACY,
    _LON,
    _LAT,
    _COG,
    _HEADING,
    _SECOND,
    _F("maneuver", 2),
    _spare(3),
    _RAIM,
    _F("radio", 19),
)
_LAYOUT_4 = (
    *_HEAD,
    _F("_year", 14),
    _F("_month", 4),
    _F("_day", 5),
    _F("_hour", 5, na=24),
    _F("_minute", 6, na=60),
    _F("_second", 6, na=60),
    _ACCURACY,
    _LON,
    _LAT,
    _EPFD,
    _spare(10),
    _RAIM,
    _F("radio", 19),
)
_LAYOUT_5 = (
    *_HEAD,
    _F("ais_version", 2),
    _F("imo", 30),
    _text("callsign", 7),
    _text("shipname", 20),
    _SHIP_TYPE,
    *_DIMS,
    _EPFD,
    _F("eta_month", 4),
    _F("eta_day", 5),
    _F("eta_hour", 5, na=24),
    _F("eta_minute", 6, na=60),
    _F("draught_m", 8, scale=10.0, saturate=255),
    _text("destination", 20),
    _DTE,
    _spare(1),
)
_LAYOUT_9 = (
    *_HEAD,
    _F("alt_m", 12, na=4095, saturate=4094),
    _F("sog_kn", 10, na=1023, saturate=1022),
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
    _F("radio", 20),
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
    _F("cs_unit", 1, "bool"),
    _F("display", 1, "bool"),
    _F("dsc", 1, "bool"),
    _F("band", 1, "bool"),
    _F("msg22", 1, "bool"),
    _ASSIGNED,
    _RAIM,
    _F("radio", 20),
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
    _text("shipname", 20),
    _SHIP_TYPE,
    *_DIMS,
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
    _F("aid_type", 5),
    _text("_name", 20),
    _ACCURACY,
    _LON,
    _LAT,
    *_DIMS,
    _EPFD,
    _SECOND,
    _F("off_position", 1, "bool"),
    _spare(8),
    _RAIM,
    _F("virtual_aid", 1, "bool"),
    _ASSIGNED,
    _spare(1),
    _text("_name_ext", 14),
)
_BITS_21 = 272
_LAYOUT_24A = (*_HEAD, _spare(2, 0), _text("shipname", 20))
_LAYOUT_24B = (
    *_HEAD,
    _spare(2, 1),
    _SHIP_TYPE,
    _text("vendor_id", 3),
    _F("model", 4),
    _F("serial", 20),
    _text("callsign", 7),
    _F("_extent", 30),  # dimensions, or the mother ship's MMSI for an auxiliary craft
    _EPFD,
    _spare(2),
)
_LAYOUT_27 = (
    *_HEAD,
    _ACCURACY,
    _RAIM,
    _F("nav_status", 4, na=15),
    _F("lon", 18, na=181 * 600, scale=600.0, signed=True, limit=181.0),
    _F("lat", 17, na=91 * 600, scale=600.0, signed=True, limit=91.0),
    _F("sog_kn", 6, na=63, saturate=62),
    _F("cog_deg", 9, "cog", na=511),
    _F("gnss", 1, "bool", na=1),
    _spare(1),
)

_LAYOUTS: Final[dict[int, tuple[_F, ...]]] = {
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
    for t, lay in _LAYOUTS.items()
}
FIELDS[4] = FIELDS[11] = FIELDS[4] | {"reported_utc"}
FIELDS[21] = FIELDS[21] | {"shipname"}
FIELDS[24] = frozenset(
    {f.name for f in _LAYOUT_24A + _LAYOUT_24B if f.name and not f.name.startswith("_")} - {"msg_type"}
    | {"part_num", "mothership_mmsi", "to_bow_m", "to_stern_m", "to_port_m", "to_starboard_m"}
)


def _layout(msg_type: int, part_num: int = 0) -> tuple[_F, ...]:
    if msg_type == 24:
        return _LAYOUT_24B if part_num == 1 else _LAYOUT_24A
    try:
        return _LAYOUTS[msg_type]
    except KeyError:
        raise InputError(
            f"AIS message type {msg_type} cannot be encoded; supported types: {SUPPORTED_TYPES}"
        ) from None


def _is_auxiliary(mmsi: int) -> bool:
    return 980_000_000 <= mmsi <= 989_999_999


def _bad(f: _F, value: object, why: str) -> InputError:
    return InputError(f"AIS field {f.name}={value!r} {why}")


# --------------------------------------------------------------------------- scalar path


def _raw_scalar(f: _F, value: object, msg_type: int) -> int:
    """The raw code of one field value (two's complement already masked)."""
    mask = (1 << f.width) - 1
    if f.kind == "type":
        return msg_type
    if f.kind == "const":
        return f.na & mask
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f.na & mask
    if f.kind == "bool":
        return 1 if value else 0
    if not isinstance(value, int | float | np.integer | np.floating):
        raise _bad(f, value, "is not a number")
    v = float(value)
    if not math.isfinite(v):
        raise _bad(f, value, "is not finite")
    if f.kind == "turn":
        if v in (127.0, -127.0, -128.0):
            return int(v) & mask
        raw = min(round(4.733 * math.sqrt(abs(v))), 126)
        return (-raw if v < 0 else raw) & mask
    if f.kind == "cog":
        if not 0.0 <= v <= 360.0:
            raise _bad(f, value, "is not a course in [0, 360]")
        if v >= 360.0:
            return f.na
        return round(v * f.scale) % round(360 * f.scale)
    if f.limit and abs(v) > f.limit:
        raise _bad(f, value, f"is beyond +-{f.limit:g}")
    raw = round(v * f.scale) if f.scale != 1.0 else round(v)
    if 0 <= f.saturate < raw:
        raw = f.saturate
    lo, hi = (-(1 << (f.width - 1)), (1 << (f.width - 1)) - 1) if f.signed else (0, mask)
    if not lo <= raw <= hi:
        raise _bad(f, value, f"does not fit the {f.width}-bit field")
    return raw & mask


def _text_scalar(f: _F, value: object) -> list[int]:
    n = f.chars
    if value is None:
        return [0] * n
    if not isinstance(value, str):
        raise _bad(f, value, "is not a text")
    codes = [_six_code(b) for b in value.upper()[:n].encode("ascii", "replace")]
    if -1 in codes or not value.isascii():
        raise _bad(f, value, f"holds characters outside the AIS 6-bit set {SIXBIT_ALPHABET!r}")
    return codes + [0] * (n - len(codes))


def _epoch_s(value: object) -> int:
    """Whole seconds since the epoch of a datetime (naive = UTC), numpy datetime64 or epoch ms."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return math.floor(value.timestamp())
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[s]").astype(np.int64))
    if isinstance(value, int | np.integer):
        return int(value) // 1000
    raise InputError(f"time {value!r} is neither a datetime nor epoch milliseconds")


def _epoch_ms(value: object) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return math.floor(value.replace(microsecond=0).timestamp()) * 1000 + value.microsecond // 1000
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[ms]").astype(np.int64))
    if isinstance(value, int | np.integer):
        return int(value)
    raise InputError(f"time {value!r} is neither a datetime nor epoch milliseconds")


def _utc_parts(value: object) -> dict[str, object]:
    if value is None:
        return {}
    s = _epoch_s(value)
    d = datetime.fromtimestamp(s, UTC)
    return {
        "_year": d.year,
        "_month": d.month,
        "_day": d.day,
        "_hour": d.hour,
        "_minute": d.minute,
        "_second": d.second,
    }


def _prepare_scalar(msg_type: int, fields: Mapping[str, object]) -> tuple[tuple[_F, ...], dict[str, object]]:
    known = FIELDS.get(msg_type)
    if known is None:
        _layout(msg_type)  # raises
        raise AssertionError
    unknown = set(fields) - known
    if unknown:
        raise InputError(
            f"AIS type {msg_type} has no field(s) {sorted(unknown)}; its fields are {sorted(known)}"
        )
    values = dict(fields)
    if msg_type in (4, 11):
        values.update(_utc_parts(values.pop("reported_utc", None)))
    elif msg_type == 21:
        name = values.pop("shipname", None)
        if name is not None:
            if not isinstance(name, str):
                raise InputError(f"AIS field shipname={name!r} is not a text")
            values["_name"], values["_name_ext"] = name[:20], name[20:34]
    part = 0
    if msg_type == 24:
        p = values.pop("part_num", 0)
        if p not in (0, 1):
            raise InputError(f"AIS type 24 part_num={p!r} must be 0 (part A) or 1 (part B)")
        part = 1 if p == 1 else 0
        if part == 1:
            values["_extent"] = _extent_scalar(values)
    return _layout(msg_type, part), values


def _extent_scalar(values: Mapping[str, object]) -> int:
    mmsi = values.get("mmsi")
    if isinstance(mmsi, int | np.integer) and _is_auxiliary(int(mmsi)):
        return _raw_scalar(_F("mothership_mmsi", 30), values.get("mothership_mmsi"), 24)
    acc = 0
    for f in _DIMS:
        acc = (acc << f.width) | _raw_scalar(f, values.get(f.name), 24)
    return acc


def encode_payload(msg_type: int, /, **fields: object) -> tuple[str, int]:
    """Encode one message: its armoured payload and fill bits."""
    layout, values = _prepare_scalar(msg_type, fields)
    acc = 0
    nbits = 0
    for f in layout:
        if f.kind == "text":
            for code in _text_scalar(f, values.get(f.name)):
                acc = (acc << 6) | code
        else:
            acc = (acc << f.width) | _raw_scalar(f, values.get(f.name), msg_type)
        nbits += f.width
    if msg_type == 21:
        ext = values.get("_name_ext")
        ext_chars = len(ext) if isinstance(ext, str) else 0
        used = _BITS_21 + 6 * ext_chars
        total = used + (-used) % 8
        acc = acc >> (nbits - total) if total < nbits else acc << (total - nbits)
        nbits = total
    pad = (-nbits) % 6
    acc <<= pad
    nchars = (nbits + pad) // 6
    chars = [(acc >> (6 * (nchars - 1 - i))) & 63 for i in range(nchars)]
    return armour(chars), pad


# --------------------------------------------------------------------------- vector path


@dataclass(frozen=True)
class Categorical:
    """A column of few distinct strings: ``labels[codes[i]]`` is row i's value."""

    labels: Sequence[str]
    codes: npt.ArrayLike


def _length_of(value: object) -> int | None:
    if value is None or isinstance(value, str | bytes | datetime | int | float | bool | np.generic):
        return None
    if isinstance(value, Categorical):
        return len(np.asarray(value.codes))
    if isinstance(value, np.ndarray):
        return int(value.shape[0]) if value.ndim else None
    if isinstance(value, Sized):
        return len(value)
    return None


def _float_column(f: _F, value: object, n: int) -> F64:
    if value is None:
        return np.full(n, np.nan)
    if isinstance(value, np.ndarray):
        if value.dtype == np.float64:
            arr = value
        elif value.dtype.kind in "biuf":
            arr = value.astype(np.float64)
        else:
            arr = np.array(value.tolist(), dtype=np.float64)
    elif isinstance(value, int | float | bool | np.number | np.bool_):
        return np.full(n, float(value))
    else:
        try:
            arr = np.array(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"AIS field {f.name} column cannot be read as numbers: {exc}") from None
    if arr.shape != (n,):
        raise InputError(f"AIS field {f.name} column has shape {arr.shape}, expected ({n},)")
    return arr


def _text_column(f: _F, value: object, n: int) -> U8:
    """(n, chars) 6-bit codes of a text column, padded with '@' (0)."""
    chars = f.chars
    if value is None:
        return np.zeros((n, chars), dtype=np.uint8)
    if isinstance(value, str):
        return np.broadcast_to(np.array(_text_scalar(f, value), dtype=np.uint8), (n, chars))
    items = value.tolist() if isinstance(value, np.ndarray) else list(value)  # type: ignore[call-overload]
    if len(items) != n:
        raise InputError(f"AIS field {f.name} column has {len(items)} rows, expected {n}")
    strs = np.array(["" if s is None else s for s in items], dtype=str)
    try:
        raw = np.char.upper(strs).astype(f"S{chars}")
    except UnicodeEncodeError:
        bad = next(s for s in items if isinstance(s, str) and not s.isascii())
        raise _bad(f, bad, "holds characters outside the AIS 6-bit set") from None
    mat = np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(n, chars)
    codes = _SIX_LUT[mat]
    if (codes < 0).any():
        row = int(np.nonzero((codes < 0).any(axis=1))[0][0])
        raise _bad(f, items[row], f"holds characters outside the AIS 6-bit set {SIXBIT_ALPHABET!r}")
    return codes.astype(np.uint8)


def _raw_vector(f: _F, v: F64, msg_type: int) -> U64:
    """Raw codes of a float column (NaN = not available), masked to the field width."""
    n = v.shape[0]
    mask = (1 << f.width) - 1
    if f.kind == "type":
        return np.full(n, msg_type, dtype=np.uint64)
    if f.kind == "const":
        return np.full(n, f.na & mask, dtype=np.uint64)
    nan = np.isnan(v)
    any_nan = bool(nan.any())
    if f.kind == "bool":
        raw_i = (v != 0).astype(np.int64)
    else:
        finite = np.isfinite(v) | nan
        if not finite.all():
            raise _bad(f, float(v[~finite][0]), "is not finite")
        if any_nan:
            v = np.where(nan, 0.0, v)
        if f.kind == "turn":
            r = np.minimum(np.rint(4.733 * np.sqrt(np.abs(v))), 126.0)
            r = np.where(v < 0, -r, r)
            special = (v == 127.0) | (v == -127.0) | (v == -128.0)
            raw_i = np.where(special, v, r).astype(np.int64)
        elif f.kind == "cog":
            bad = (v < 0) | (v > 360)
            if bad.any():
                raise _bad(f, float(v[bad][0]), "is not a course in [0, 360]")
            modulus = round(360 * f.scale)
            raw_i = np.rint(v * f.scale).astype(np.int64) % modulus
            raw_i = np.where(v >= 360, f.na, raw_i)
        else:
            if f.limit:
                bad = np.abs(v) > f.limit
                if bad.any():
                    raise _bad(f, float(v[bad][0]), f"is beyond +-{f.limit:g}")
            raw_i = np.rint(v * f.scale if f.scale != 1.0 else v).astype(np.int64)
            if f.saturate >= 0:
                raw_i = np.minimum(raw_i, f.saturate)
            lo, hi = (-(1 << (f.width - 1)), (1 << (f.width - 1)) - 1) if f.signed else (0, mask)
            bad = (raw_i < lo) | (raw_i > hi)
            if bad.any():
                raise _bad(f, float(v[bad][0]), f"does not fit the {f.width}-bit field")
    if any_nan:
        raw_i = np.where(nan, f.na, raw_i)
    out: U64 = (raw_i & mask).astype(np.uint64)
    return out


def _time_parts(value: object, n: int) -> dict[str, F64]:
    """reported_utc column -> year..second float columns (NaN where not available)."""
    names = ("_year", "_month", "_day", "_hour", "_minute", "_second")
    if value is None:
        return {k: np.full(n, np.nan) for k in names}
    if isinstance(value, np.ndarray) and value.dtype.kind == "M":
        secs = value.astype("datetime64[s]")
    else:
        items = [value] * n if _length_of(value) is None else list(value)  # type: ignore[call-overload]
        secs = np.array(
            [np.datetime64("NaT") if x is None else np.datetime64(_epoch_s(x), "s") for x in items],
            dtype="datetime64[s]",
        )
    nat = np.isnat(secs)
    days = secs.astype("datetime64[D]")
    months = secs.astype("datetime64[M]")
    tod = (secs - days).astype(np.int64)
    out = {
        "_year": secs.astype("datetime64[Y]").astype(np.int64) + 1970,
        "_month": months.astype(np.int64) % 12 + 1,
        "_day": (days - months.astype("datetime64[D]")).astype(np.int64) + 1,
        "_hour": tod // 3600,
        "_minute": tod // 60 % 60,
        "_second": tod % 60,
    }
    return {k: np.where(nat, np.nan, a.astype(np.float64)) for k, a in out.items()}


def _pack(parts: list[tuple[int, U64]], n: int) -> U8:
    """Concatenate fields (width, raw codes) MSB first into (n, chars) 6-bit values."""
    total = sum(w for w, _ in parts)
    nwords = -(-total // 60)
    words = np.zeros((nwords, n), dtype=np.uint64)
    off = 0
    for width, raw in parts:
        end = off + width
        for k in range(off // 60, (end - 1) // 60 + 1):
            lo, hi = max(off, 60 * k), min(end, 60 * k + 60)
            part = raw >> (end - hi) if end > hi else raw
            if hi - lo < width:
                part = part & ((1 << (hi - lo)) - 1)
            shift = 60 * k + 60 - hi
            words[k] |= part << shift if shift else part
        off = end
    nchars = -(-total // 6)
    out = np.empty((n, nchars), dtype=np.uint8)
    for k in range(nwords):
        lo, hi = 10 * k, min(10 * k + 10, nchars)
        shifts = np.arange(54, 54 - 6 * (hi - lo), -6, dtype=np.uint64)
        out[:, lo:hi] = (words[k][:, None] >> shifts[None, :]) & np.uint64(63)
    return out


def _pack_layout(layout: tuple[_F, ...], cols: Mapping[str, Any], msg_type: int, n: int) -> U8:
    parts: list[tuple[int, U64]] = []
    for f in layout:
        if f.kind == "text":
            codes = cols[f.name]
            for j in range(f.chars):
                parts.append((6, codes[:, j].astype(np.uint64)))
        elif f.kind in ("type", "const"):
            parts.append((f.width, _raw_vector(f, np.empty(n), msg_type)))
        else:
            raw = cols[f.name]
            parts.append((f.width, raw if raw.dtype == np.uint64 else _raw_vector(f, raw, msg_type)))
    return _pack(parts, n)


@dataclass(frozen=True)
class _Payloads:
    chars: U8  # (n, width) armoured characters, NUL after each row's length
    lengths: I64  # characters per row
    fill: I64  # fill bits per row


def encode_payloads(
    msg_type: int, columns: Mapping[str, object], n: int | None = None
) -> tuple[U8, I64, I64]:
    """Encode a column batch of one message type.

    Returns ``(chars, lengths, fill_bits)``: an ``(n, width)`` array of armoured
    payload characters (NUL beyond each row's length), and per row the payload
    length and fill bits.
    """
    p = _encode_payloads(msg_type, columns, n)
    return p.chars, p.lengths, p.fill


def _rows(columns: Mapping[str, object], n: int | None) -> int:
    if n is not None:
        return n
    for value in columns.values():
        length = _length_of(value)
        if length is not None:
            return length
    return 1


def _encode_payloads(msg_type: int, columns: Mapping[str, object], n: int | None) -> _Payloads:
    known = FIELDS.get(msg_type)
    if known is None:
        _layout(msg_type)
        raise AssertionError
    unknown = set(columns) - known
    if unknown:
        raise InputError(
            f"AIS type {msg_type} has no field(s) {sorted(unknown)}; its fields are {sorted(known)}"
        )
    n = _rows(columns, n)
    if msg_type == 24:
        return _encode_24(columns, n)
    layout = _LAYOUTS[msg_type]
    cols: dict[str, Any] = {}
    src: dict[str, object] = dict(columns)
    if msg_type in (4, 11):
        cols.update(_time_parts(src.pop("reported_utc", None), n))
    if msg_type == 21:
        name = _text_column(_text("shipname", 34), src.pop("shipname", None), n)
        cols["_name"], cols["_name_ext"] = name[:, :20], name[:, 20:]
    for f in layout:
        if f.name in cols or f.kind in ("type", "const"):
            continue
        if f.kind == "text":
            cols[f.name] = _text_column(f, src.get(f.name), n)
        else:
            cols[f.name] = _float_column(f, src.get(f.name), n)
    six = _pack_layout(layout, cols, msg_type, n)
    chars = _ARMOUR_LUT[six]
    if msg_type != 21:
        width = six.shape[1]
        fill = width * 6 - sum(f.width for f in layout)
        return _Payloads(chars, np.full(n, width, dtype=np.int64), np.full(n, fill, dtype=np.int64))
    # type 21: the name extension holds as many characters as were given
    ext_len = _name_bytes(columns.get("shipname"), n)
    used = _BITS_21 + 6 * ext_len
    total = used + (-used) % 8
    lengths = -(-total // 6)
    fill = lengths * 6 - total
    # bits past each row's extension are zero ('@' padding, spare): cut the rows there
    chars = chars.copy()
    chars[np.arange(chars.shape[1])[None, :] >= lengths[:, None]] = 0
    return _Payloads(chars, lengths, fill)


def _name_bytes(src_shipname: object, n: int) -> I64:
    """Characters of each type 21 name beyond the first 20 (0-14)."""
    if src_shipname is None:
        return np.zeros(n, dtype=np.int64)
    if isinstance(src_shipname, str):
        return np.full(n, min(max(len(src_shipname) - 20, 0), 14), dtype=np.int64)
    items = src_shipname.tolist() if isinstance(src_shipname, np.ndarray) else list(src_shipname)  # type: ignore[call-overload]
    return np.array([0 if s is None else min(max(len(s) - 20, 0), 14) for s in items], dtype=np.int64)


def _encode_24(columns: Mapping[str, object], n: int) -> _Payloads:
    part = _float_column(_F("part_num", 2), columns.get("part_num", 0), n)
    if not np.isin(part, (0.0, 1.0)).all():
        raise InputError("AIS type 24 part_num must be 0 (part A) or 1 (part B) on every row")
    is_b = part == 1.0
    chars = np.zeros((n, 28), dtype=np.uint8)
    lengths = np.empty(n, dtype=np.int64)
    fill = np.empty(n, dtype=np.int64)
    for b, layout in ((False, _LAYOUT_24A), (True, _LAYOUT_24B)):
        rows = np.nonzero(is_b == b)[0]
        if rows.size == 0:
            continue
        m = int(rows.size)
        cols: dict[str, Any] = {}
        for f in layout:
            if f.kind in ("type", "const") or f.name == "_extent":
                continue
            value = _take(columns.get(f.name), rows, n)
            cols[f.name] = _text_column(f, value, m) if f.kind == "text" else _float_column(f, value, m)
        if b:
            mmsi = cols["mmsi"]
            dims = [
                _raw_vector(f, _float_column(f, _take(columns.get(f.name), rows, n), m), 24) for f in _DIMS
            ]
            extent = (dims[0] << 21) | (dims[1] << 12) | (dims[2] << 6) | dims[3]
            mother_f = _F("mothership_mmsi", 30)
            mother = _raw_vector(
                mother_f, _float_column(mother_f, _take(columns.get("mothership_mmsi"), rows, n), m), 24
            )
            aux = (mmsi >= 980_000_000) & (mmsi <= 989_999_999)
            cols["_extent"] = np.where(aux, mother, extent)
        six = _pack_layout(layout, cols, 24, m)
        chars[rows, : six.shape[1]] = _ARMOUR_LUT[six]
        lengths[rows] = six.shape[1]
        fill[rows] = six.shape[1] * 6 - sum(f.width for f in layout)
    return _Payloads(chars, lengths, fill)


def _take(value: object, rows: npt.NDArray[np.intp], n: int) -> object:
    """The given rows of a column (scalars stay scalars)."""
    if _length_of(value) is None:
        return value
    if isinstance(value, np.ndarray):
        return value[rows]
    items = list(value)  # type: ignore[call-overload]
    if len(items) != n:
        raise InputError(f"column has {len(items)} rows, expected {n}")
    return [items[i] for i in rows.tolist()]


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class SentenceBlock:
    """Encoded lines: ``data`` holds them end to end, each ending in the line end.

    ``ends[i]`` is the offset just past line i; ``keys[i]`` the receive time in
    epoch ms of the message line i belongs to (0 when untimed), used by
    :func:`merge` to interleave blocks in time order.
    """

    data: bytes
    ends: I64
    keys: I64
    messages: int

    def __len__(self) -> int:
        return int(self.ends.shape[0])

    def lines(self) -> list[bytes]:
        starts = [0, *self.ends[:-1].tolist()]
        d = self.data
        return [d[a:b] for a, b in zip(starts, self.ends.tolist(), strict=True)]


def merge(blocks: Iterable[SentenceBlock]) -> bytes:
    """Interleave blocks into one log ordered by receive time (stable: ties keep block order)."""
    blocks = list(blocks)
    if not blocks:
        return b""
    if len(blocks) == 1:
        return blocks[0].data
    lines: list[bytes] = []
    for b in blocks:
        lines.extend(b.lines())
    order = np.argsort(np.concatenate([b.keys for b in blocks]), kind="stable")
    return b"".join([lines[i] for i in order.tolist()])


@dataclass
class _Seg:
    """An (n, width) block of characters, NUL-padded beyond each row's length."""

    data: U8
    lengths: I64 | None = None  # None: every row uses the full width


def _const_seg(text: bytes, n: int) -> _Seg:
    return _Seg(np.broadcast_to(np.frombuffer(text, dtype=np.uint8), (n, len(text))))


_DIGITS4: Final = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode(), dtype=np.uint8).reshape(
    10_000, 4
)


def _fixed_digits(values: I64, width: int) -> U8:
    """(n, width) decimal digits of values that all have ``width`` digits, four at a time."""
    out = np.empty((values.shape[0], width), dtype=np.uint8)
    end = width
    v = values
    while end > 0:
        v, chunk = np.divmod(v, 10_000)
        quad = _DIGITS4[chunk]
        take = min(4, end)
        out[:, end - take : end] = quad[:, 4 - take :]
        end -= take
    return out


def _digits_seg(values: I64) -> _Seg:
    """Decimal digits of non-negative integers, left-aligned."""
    n = values.shape[0]
    vmax = int(values.max()) if n else 0
    width = len(str(vmax))
    vmin = int(values.min()) if n else 0
    if vmin < 0:
        raise InputError(f"cannot write the negative number {vmin} in a sentence")
    if n and vmin >= 10 ** (width - 1):  # the common case: every value has the same digits
        return _Seg(_fixed_digits(values, width))
    ndig = np.ones(n, dtype=np.int64)
    for k in range(1, width):
        ndig += values >= 10**k
    out = np.zeros((n, width), dtype=np.uint8)
    for j in range(width):
        p = ndig - 1 - j
        digit = (values // np.power(10, np.maximum(p, 0))) % 10 + 48
        out[:, j] = np.where(p >= 0, digit, 0)
    return _Seg(out, None if vmin >= 10 ** (width - 1) else ndig)


def _labels_seg(labels: Sequence[str], codes: npt.NDArray[np.intp], what: str) -> _Seg:
    encoded = []
    for s in labels:
        b = s.encode("ascii", "replace")
        if not s.isascii() or any(c in b for c in b",*\\!$\r\n\0"):
            raise InputError(f"{what} {s!r} must be ASCII without , * \\ ! $ or line ends")
        encoded.append(b)
    width = max((len(b) for b in encoded), default=0)
    table = np.zeros((max(len(encoded), 1), width), dtype=np.uint8)
    lens = np.zeros(max(len(encoded), 1), dtype=np.int64)
    for i, b in enumerate(encoded):
        table[i, : len(b)] = np.frombuffer(b, dtype=np.uint8)
        lens[i] = len(b)
    if codes.size and (codes.min() < 0 or codes.max() >= len(encoded)):
        raise InputError(f"{what} codes out of range for {len(encoded)} labels")
    data = table[codes]
    row_lens = lens[codes]
    same = bool(codes.size == 0 or (row_lens == width).all())
    return _Seg(data, None if same else row_lens)


def _hex_seg(cs: U8) -> _Seg:
    return _Seg(np.stack([_HEX_LUT[cs >> 4], _HEX_LUT[cs & 15]], axis=1))


def _hstack(segs: list[_Seg], n: int) -> _Seg:
    segs = [s for s in segs if s.data.shape[1]]
    data = np.concatenate([s.data for s in segs], axis=1) if segs else np.zeros((n, 0), np.uint8)
    if all(s.lengths is None for s in segs):
        return _Seg(data)
    lengths = np.zeros(n, dtype=np.int64)
    for s in segs:
        lengths += s.data.shape[1] if s.lengths is None else s.lengths
    return _Seg(data, lengths)


def _xor(seg: _Seg) -> U8:
    out: U8 = np.bitwise_xor.reduce(seg.data, axis=1)
    return out


def _categorical(value: object, n: int, what: str) -> tuple[Sequence[str], npt.NDArray[np.intp]]:
    if isinstance(value, str):
        return [value], np.zeros(n, dtype=np.intp)
    if isinstance(value, Categorical):
        codes = np.asarray(value.codes).astype(np.intp)
        if codes.shape != (n,):
            raise InputError(f"{what} codes have shape {codes.shape}, expected ({n},)")
        return list(value.labels), codes
    items = value.tolist() if isinstance(value, np.ndarray) else list(value)  # type: ignore[call-overload]
    if len(items) != n:
        raise InputError(f"{what} column has {len(items)} rows, expected {n}")
    labels, inverse = np.unique(np.array(items, dtype=str), return_inverse=True)
    return [str(s) for s in labels.tolist()], inverse.astype(np.intp)


def _ts_ms_column(ts: object, n: int) -> I64:
    if isinstance(ts, np.ndarray):
        if ts.dtype.kind == "M":
            return ts.astype("datetime64[ms]").astype(np.int64)
        if ts.dtype.kind in "iu":
            return ts.astype(np.int64)
    if _length_of(ts) is None:
        return np.full(n, _epoch_ms(ts), dtype=np.int64)
    items = list(ts)  # type: ignore[call-overload]
    return np.array([_epoch_ms(x) for x in items], dtype=np.int64)


@dataclass
class AisEncoder:
    """Writes AIS messages as NMEA 0183 lines; keeps the message and group id counters.

    ``talker`` is the two-letter talker (``AI`` mobile station, ``BS`` base
    station...), ``own`` writes ``VDO`` (own ship) instead of ``VDM``;
    ``ts_unit`` is the unit of the tag block's ``c:`` ("s" or "ms");
    ``groups`` adds ``g:part-total-id`` to the tag block of multipart messages;
    ``eol`` ends every line.
    """

    talker: str = "AI"
    own: bool = False
    ts_unit: Literal["s", "ms"] = "s"
    groups: bool = False
    eol: str = "\n"
    seq: int = 0  # message id of the next multipart message (0-9)
    group: int = 1  # group id of the next multipart message with a group
    _prefix: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.talker) != 2 or not self.talker.isascii() or not self.talker.isalnum():
            raise InputError(f"talker {self.talker!r} must be two letters, e.g. 'AI'")
        if self.ts_unit not in ("s", "ms"):
            raise InputError(f"ts_unit {self.ts_unit!r} must be 's' or 'ms'")
        if self.eol not in ("\n", "\r\n"):
            raise InputError(f"eol {self.eol!r} must be '\\n' or '\\r\\n'")
        self._prefix = f"{self.talker}{'VDO' if self.own else 'VDM'}"

    # ---- one message

    def sentences(
        self,
        msg_type: int,
        /,
        *,
        ts: object = None,
        station: str | None = None,
        channel: str = "A",
        **fields: object,
    ) -> list[str]:
        """Encode one message into its lines (each ending in ``eol``).

        ``ts`` is the receive time (datetime, naive = UTC, or epoch ms); it and
        ``station`` go into the tag block, written when either is given.
        """
        payload, fill = encode_payload(msg_type, **fields)
        ts_text = None
        if ts is not None:
            ms = _epoch_ms(ts)
            ts_text = str(ms // 1000 if self.ts_unit == "s" else ms)
        return self._lines(payload, fill, channel, station, ts_text)

    def _lines(
        self, payload: str, fill: int, channel: str, station: str | None, ts_text: str | None
    ) -> list[str]:
        if len(payload) <= MAX_SINGLE_PAYLOAD:
            chunks = [payload]
        else:
            chunks = [payload[i : i + PART_PAYLOAD] for i in range(0, len(payload), PART_PAYLOAD)]
        total = len(chunks)
        seq = ""
        group = None
        if total > 1:
            seq = str(self.seq)
            self.seq = (self.seq + 1) % 10
            if self.groups:
                group = self.group
                self.group = self.group + 1
        out = []
        for i, chunk in enumerate(chunks, 1):
            body = f"{self._prefix},{total},{i},{seq},{channel},{chunk},{fill if i == total else 0}"
            tag = []
            if group is not None:
                tag.append(f"g:{i}-{total}-{group}")
            if station is not None:
                tag.append(f"s:{station}")
            if ts_text is not None:
                tag.append(f"c:{ts_text}")
            head = ""
            if tag:
                t = ",".join(tag)
                head = f"\\{t}*{nmea_checksum(t):02X}\\"
            out.append(f"{head}!{body}*{nmea_checksum(body):02X}{self.eol}")
        return out

    # ---- columns

    def columns(
        self,
        msg_type: int,
        columns: Mapping[str, object],
        *,
        ts: object = None,
        station: str | Sequence[str] | Categorical | None = None,
        channel: str | Sequence[str] | Categorical = "A",
        n: int | None = None,
    ) -> SentenceBlock:
        """Encode a batch of messages of one type given as columns.

        Each column is a NumPy array, a sequence, or a scalar for every row; NaN
        or None is "not available". ``ts`` (epoch ms int64, datetime64, or a
        sequence of datetimes) and ``station`` (one string, one per row, or a
        :class:`Categorical`) form the tag block; ``channel`` is one string, one
        per row, or a :class:`Categorical`.
        """
        cols = dict(columns)
        if n is None:
            n = _rows({**cols, "ts": ts}, None)
        p = _encode_payloads(msg_type, cols, n)
        keys = np.zeros(n, dtype=np.int64) if ts is None else _ts_ms_column(ts, n)
        if keys.shape != (n,):
            raise InputError(f"ts has shape {keys.shape}, expected ({n},)")
        width = p.chars.shape[1]
        nparts = 1 if width <= MAX_SINGLE_PAYLOAD else -(-width // PART_PAYLOAD)
        if nparts > 1 and not (p.lengths == width).all():
            raise AssertionError("multipart rows of unequal length")
        seq = group = None
        if nparts > 1:
            seq_vals = (self.seq + np.arange(n, dtype=np.int64)) % 10
            self.seq = int((self.seq + n) % 10)
            seq = _digits_seg(seq_vals)
            if self.groups:
                group = _digits_seg(self.group + np.arange(n, dtype=np.int64))
                self.group += n
        station_seg = None
        if station is not None:
            labels, codes = _categorical(station, n, "station")
            station_seg = _labels_seg(labels, codes, "station")
        ts_seg = None
        if ts is not None:
            ts_seg = _digits_seg(keys // 1000 if self.ts_unit == "s" else keys)
        ch_labels, ch_codes = _categorical(channel, n, "channel")
        if any(len(c) > 1 for c in ch_labels):
            raise InputError(f"channel labels {ch_labels} must be one character (or empty)")
        ch_seg = _labels_seg(ch_labels, ch_codes, "channel")

        rows: list[_Seg] = []
        for i in range(1, nparts + 1):
            lo = (i - 1) * PART_PAYLOAD if nparts > 1 else 0
            hi = min(i * PART_PAYLOAD, width) if nparts > 1 else width
            pay = _Seg(p.chars[:, lo:hi], None if nparts > 1 or (p.lengths == width).all() else p.lengths)
            fill_vals = p.fill if i == nparts else np.zeros(n, dtype=np.int64)
            body = [
                _const_seg(f"{self._prefix},{nparts},{i},".encode(), n),
                seq if seq is not None else _const_seg(b"", n),
                _const_seg(b",", n),
                ch_seg,
                _const_seg(b",", n),
                pay,
                _const_seg(b",", n),
                _digits_seg(fill_vals),
            ]
            tag: list[_Seg] = []
            if group is not None:
                tag += [_const_seg(f"g:{i}-{nparts}-".encode(), n), group]
            if station_seg is not None:
                tag += [_const_seg(b",s:" if tag else b"s:", n), station_seg]
            if ts_seg is not None:
                tag += [_const_seg(b",c:" if tag else b"c:", n), ts_seg]
            # one matrix for the whole line; the checksums are XORs over column ranges of
            # it (NUL padding is neutral), written into their two placeholder columns
            line: list[_Seg] = []
            spans: list[tuple[int, int, int]] = []  # (first, past-last, checksum column)
            col = 0
            for opening, content in ((b"\\", tag), (b"!", body)):
                if not content:
                    continue
                line.append(_const_seg(opening, n))
                start = col = col + 1
                for seg in content:
                    line.append(seg)
                    col += seg.data.shape[1]
                spans.append((start, col, col + 1))
                line.append(_const_seg(b"*00\\" if opening == b"\\" else b"*00", n))
                col += 4 if opening == b"\\" else 3
            line.append(_const_seg(self.eol.encode(), n))
            row = _hstack(line, n)
            for first, past, at in spans:
                cs = np.bitwise_xor.reduce(row.data[:, first:past], axis=1)
                row.data[:, at] = _HEX_LUT[cs >> 4]
                row.data[:, at + 1] = _HEX_LUT[cs & 15]
            rows.append(row)
        return _block(rows, keys, n)


def _block(parts: list[_Seg], keys: I64, n: int) -> SentenceBlock:
    """Interleave the parts of each message (row) into one block of lines."""
    nparts = len(parts)
    width = max(s.data.shape[1] for s in parts)
    if nparts == 1:
        mat = parts[0].data
        lengths = parts[0].lengths
    else:
        mat = np.zeros((n, nparts, width), dtype=np.uint8)
        lens = np.empty((n, nparts), dtype=np.int64)
        for i, s in enumerate(parts):
            mat[:, i, : s.data.shape[1]] = s.data
            lens[:, i] = s.data.shape[1] if s.lengths is None else s.lengths
        mat = mat.reshape(n * nparts, width)
        lengths = lens.reshape(-1)
        if (lengths == width).all():
            lengths = None
    if lengths is None:
        data = np.ascontiguousarray(mat).tobytes()
        ends = np.arange(1, mat.shape[0] + 1, dtype=np.int64) * mat.shape[1]
    else:
        data = mat[mat != 0].tobytes()
        ends = np.cumsum(lengths)
    return SentenceBlock(data=data, ends=ends, keys=np.repeat(keys, nparts), messages=n)
