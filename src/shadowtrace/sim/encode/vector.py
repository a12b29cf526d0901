"""Column batches' payloads, vectorised with NumPy: the bulk path of the simulator.

Writes the same payloads as :func:`~shadowtrace.sim.encode.scalar.encode_payload`, a whole
column of messages of one type at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Sized
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError
from shadowtrace.sim.encode.layouts import (
    BITS_21,
    DIMS,
    LAYOUT_24A,
    LAYOUT_24B,
    LAYOUTS,
    Field,
    check_fields,
    text_field,
)
from shadowtrace.sim.encode.scalar import epoch_s, text_codes
from shadowtrace.sim.encode.sixbit import ARMOUR_LUT, SIX_LUT, SIXBIT_ALPHABET

U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Categorical:
    """A column of few distinct strings: ``labels[codes[i]]`` is row i's value."""

    labels: Sequence[str]
    codes: npt.ArrayLike


def length_of(value: object) -> int | None:
    """Rows of a column; None for a scalar (one value for every row)."""
    if value is None or isinstance(value, str | bytes | datetime | int | float | bool | np.generic):
        return None
    if isinstance(value, Categorical):
        return len(np.asarray(value.codes))
    if isinstance(value, np.ndarray):
        return int(value.shape[0]) if value.ndim else None
    if isinstance(value, Sized):
        return len(value)
    return None


def _float_column(f: Field, value: object, n: int) -> F64:
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


def _text_column(f: Field, value: object, n: int) -> U8:
    """(n, chars) 6-bit codes of a text column, padded with '@' (0)."""
    chars = f.chars
    if value is None:
        return np.zeros((n, chars), dtype=np.uint8)
    if isinstance(value, str):
        return np.broadcast_to(np.array(text_codes(f, value), dtype=np.uint8), (n, chars))
    items = value.tolist() if isinstance(value, np.ndarray) else list(value)  # type: ignore[call-overload]
    if len(items) != n:
        raise InputError(f"AIS field {f.name} column has {len(items)} rows, expected {n}")
    strs = np.array(["" if s is None else s for s in items], dtype=str)
    try:
        raw = np.char.upper(strs).astype(f"S{chars}")
    except UnicodeEncodeError:
        bad = next(s for s in items if isinstance(s, str) and not s.isascii())
        raise f.error(bad, "holds characters outside the AIS 6-bit set") from None
    mat = np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(n, chars)
    codes = SIX_LUT[mat]
    if (codes < 0).any():
        row = int(np.nonzero((codes < 0).any(axis=1))[0][0])
        raise f.error(items[row], f"holds characters outside the AIS 6-bit set {SIXBIT_ALPHABET!r}")
    return codes.astype(np.uint8)


def _raw_vector(f: Field, v: F64, msg_type: int) -> U64:
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
            raise f.error(float(v[~finite][0]), "is not finite")
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
                raise f.error(float(v[bad][0]), "is not a course in [0, 360]")
            modulus = round(360 * f.scale)
            raw_i = np.rint(v * f.scale).astype(np.int64) % modulus
            raw_i = np.where(v >= 360, f.na, raw_i)
        else:
            if f.limit:
                bad = np.abs(v) > f.limit
                if bad.any():
                    raise f.error(float(v[bad][0]), f"is beyond +-{f.limit:g}")
            raw_i = np.rint(v * f.scale if f.scale != 1.0 else v).astype(np.int64)
            if f.saturate >= 0:
                raw_i = np.minimum(raw_i, f.saturate)
            lo, hi = (-(1 << (f.width - 1)), (1 << (f.width - 1)) - 1) if f.signed else (0, mask)
            bad = (raw_i < lo) | (raw_i > hi)
            if bad.any():
                raise f.error(float(v[bad][0]), f"does not fit the {f.width}-bit field")
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
        items = [value] * n if length_of(value) is None else list(value)  # type: ignore[call-overload]
        secs = np.array(
            [np.datetime64("NaT") if x is None else np.datetime64(epoch_s(x), "s") for x in items],
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


def _pack_layout(layout: tuple[Field, ...], cols: Mapping[str, Any], msg_type: int, n: int) -> U8:
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
class Payloads:
    """Armoured payloads of a batch, one row per message."""

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
    p = encode_batch(msg_type, columns, n)
    return p.chars, p.lengths, p.fill


def row_count(columns: Mapping[str, object], n: int | None) -> int:
    """Rows of a batch: ``n`` if given, else the length of its first non-scalar column (1 if none)."""
    if n is not None:
        return n
    for value in columns.values():
        length = length_of(value)
        if length is not None:
            return length
    return 1


def encode_batch(msg_type: int, columns: Mapping[str, object], n: int | None) -> Payloads:
    """The payloads of a column batch of one message type (see :func:`encode_payloads`)."""
    check_fields(msg_type, columns)
    n = row_count(columns, n)
    if msg_type == 24:
        return _encode_24(columns, n)
    layout = LAYOUTS[msg_type]
    cols: dict[str, Any] = {}
    src: dict[str, object] = dict(columns)
    if msg_type in (4, 11):
        cols.update(_time_parts(src.pop("reported_utc", None), n))
    if msg_type == 21:
        name = _text_column(text_field("shipname", 34), src.pop("shipname", None), n)
        cols["_name"], cols["_name_ext"] = name[:, :20], name[:, 20:]
    for f in layout:
        if f.name in cols or f.kind in ("type", "const"):
            continue
        if f.kind == "text":
            cols[f.name] = _text_column(f, src.get(f.name), n)
        else:
            cols[f.name] = _float_column(f, src.get(f.name), n)
    six = _pack_layout(layout, cols, msg_type, n)
    chars = ARMOUR_LUT[six]
    if msg_type != 21:
        width = six.shape[1]
        fill = width * 6 - sum(f.width for f in layout)
        return Payloads(chars, np.full(n, width, dtype=np.int64), np.full(n, fill, dtype=np.int64))
    # type 21: the name extension holds as many characters as were given
    ext_len = _name_bytes(columns.get("shipname"), n)
    used = BITS_21 + 6 * ext_len
    total = used + (-used) % 8
    lengths = -(-total // 6)
    fill = lengths * 6 - total
    # bits past each row's extension are zero ('@' padding, spare): cut the rows there
    chars = chars.copy()
    chars[np.arange(chars.shape[1])[None, :] >= lengths[:, None]] = 0
    return Payloads(chars, lengths, fill)


def _name_bytes(src_shipname: object, n: int) -> I64:
    """Characters of each type 21 name beyond the first 20 (0-14)."""
    if src_shipname is None:
        return np.zeros(n, dtype=np.int64)
    if isinstance(src_shipname, str):
        return np.full(n, min(max(len(src_shipname) - 20, 0), 14), dtype=np.int64)
    items = src_shipname.tolist() if isinstance(src_shipname, np.ndarray) else list(src_shipname)  # type: ignore[call-overload]
    return np.array([0 if s is None else min(max(len(s) - 20, 0), 14) for s in items], dtype=np.int64)


def _encode_24(columns: Mapping[str, object], n: int) -> Payloads:
    part = _float_column(Field("part_num", 2), columns.get("part_num", 0), n)
    if not np.isin(part, (0.0, 1.0)).all():
        raise InputError("AIS type 24 part_num must be 0 (part A) or 1 (part B) on every row")
    is_b = part == 1.0
    chars = np.zeros((n, 28), dtype=np.uint8)
    lengths = np.empty(n, dtype=np.int64)
    fill = np.empty(n, dtype=np.int64)
    for b, layout in ((False, LAYOUT_24A), (True, LAYOUT_24B)):
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
                _raw_vector(f, _float_column(f, _take(columns.get(f.name), rows, n), m), 24) for f in DIMS
            ]
            extent = (dims[0] << 21) | (dims[1] << 12) | (dims[2] << 6) | dims[3]
            mother_f = Field("mothership_mmsi", 30)
            mother = _raw_vector(
                mother_f, _float_column(mother_f, _take(columns.get("mothership_mmsi"), rows, n), m), 24
            )
            aux = (mmsi >= 980_000_000) & (mmsi <= 989_999_999)
            cols["_extent"] = np.where(aux, mother, extent)
        six = _pack_layout(layout, cols, 24, m)
        chars[rows, : six.shape[1]] = ARMOUR_LUT[six]
        lengths[rows] = six.shape[1]
        fill[rows] = six.shape[1] * 6 - sum(f.width for f in layout)
    return Payloads(chars, lengths, fill)


def _take(value: object, rows: npt.NDArray[np.intp], n: int) -> object:
    """The given rows of a column (scalars stay scalars)."""
    if length_of(value) is None:
        return value
    if isinstance(value, np.ndarray):
        return value[rows]
    items = list(value)  # type: ignore[call-overload]
    if len(items) != n:
        raise InputError(f"column has {len(items)} rows, expected {n}")
    return [items[i] for i in rows.tolist()]
