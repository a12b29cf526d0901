"""One message's payload, field values to armoured characters, in plain Python.

The reference the column path (:mod:`shadowtrace.sim.encode.vector`) must match byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np

from shadowtrace.errors import InputError
from shadowtrace.sim.encode.layouts import BITS_21, DIMS, Field, check_fields, layout_of
from shadowtrace.sim.encode.sixbit import SIXBIT_ALPHABET, armour, six_code


def _raw_scalar(f: Field, value: object, msg_type: int) -> int:
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
        raise f.error(value, "is not a number")
    v = float(value)
    if not math.isfinite(v):
        raise f.error(value, "is not finite")
    if f.kind == "turn":
        if v in (127.0, -127.0, -128.0):
            return int(v) & mask
        raw = min(round(4.733 * math.sqrt(abs(v))), 126)
        return (-raw if v < 0 else raw) & mask
    if f.kind == "cog":
        if not 0.0 <= v <= 360.0:
            raise f.error(value, "is not a course in [0, 360]")
        if v >= 360.0:
            return f.na
        return round(v * f.scale) % round(360 * f.scale)
    if f.limit and abs(v) > f.limit:
        raise f.error(value, f"is beyond +-{f.limit:g}")
    raw = round(v * f.scale) if f.scale != 1.0 else round(v)
    if 0 <= f.saturate < raw:
        raw = f.saturate
    lo, hi = (-(1 << (f.width - 1)), (1 << (f.width - 1)) - 1) if f.signed else (0, mask)
    if not lo <= raw <= hi:
        raise f.error(value, f"does not fit the {f.width}-bit field")
    return raw & mask


def text_codes(f: Field, value: object) -> list[int]:
    """6-bit codes of a text value, upper-cased, cut to the field and padded with '@' (0)."""
    n = f.chars
    if value is None:
        return [0] * n
    if not isinstance(value, str):
        raise f.error(value, "is not a text")
    codes = [six_code(b) for b in value.upper()[:n].encode("ascii", "replace")]
    if -1 in codes or not value.isascii():
        raise f.error(value, f"holds characters outside the AIS 6-bit set {SIXBIT_ALPHABET!r}")
    return codes + [0] * (n - len(codes))


def epoch_s(value: object) -> int:
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


def epoch_ms(value: object) -> int:
    """Milliseconds since the epoch of a datetime (naive = UTC), numpy datetime64 or epoch ms."""
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
    s = epoch_s(value)
    d = datetime.fromtimestamp(s, UTC)
    return {
        "_year": d.year,
        "_month": d.month,
        "_day": d.day,
        "_hour": d.hour,
        "_minute": d.minute,
        "_second": d.second,
    }


def _prepare_scalar(msg_type: int, fields: Mapping[str, object]) -> tuple[tuple[Field, ...], dict[str, object]]:
    check_fields(msg_type, fields)
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
    return layout_of(msg_type, part), values


def _extent_scalar(values: Mapping[str, object]) -> int:
    mmsi = values.get("mmsi")
    if isinstance(mmsi, int | np.integer) and _is_auxiliary(int(mmsi)):
        return _raw_scalar(Field("mothership_mmsi", 30), values.get("mothership_mmsi"), 24)
    acc = 0
    for f in DIMS:
        acc = (acc << f.width) | _raw_scalar(f, values.get(f.name), 24)
    return acc


def _is_auxiliary(mmsi: int) -> bool:
    return 980_000_000 <= mmsi <= 989_999_999


def encode_payload(msg_type: int, /, **fields: object) -> tuple[str, int]:
    """Encode one message: its armoured payload and fill bits."""
    layout, values = _prepare_scalar(msg_type, fields)
    acc = 0
    nbits = 0
    for f in layout:
        if f.kind == "text":
            for code in text_codes(f, values.get(f.name)):
                acc = (acc << 6) | code
        else:
            acc = (acc << f.width) | _raw_scalar(f, values.get(f.name), msg_type)
        nbits += f.width
    if msg_type == 21:
        ext = values.get("_name_ext")
        ext_chars = len(ext) if isinstance(ext, str) else 0
        used = BITS_21 + 6 * ext_chars
        total = used + (-used) % 8
        acc = acc >> (nbits - total) if total < nbits else acc << (total - nbits)
        nbits = total
    pad = (-nbits) % 6
    acc <<= pad
    nchars = (nbits + pad) // 6
    chars = [(acc >> (6 * (nchars - 1 - i))) & 63 for i in range(nchars)]
    return armour(chars), pad
