"""Lines as character matrices: the column path writes n lines at once from (n, width) blocks.

A :class:`Seg` is one part of every line (a constant, a number, a label, a payload), NUL
padded beyond each row's length; :func:`hstack` puts parts side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError
from shadowtrace.sim.encode.vector import Categorical

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]


@dataclass
class Seg:
    """An (n, width) block of characters, NUL-padded beyond each row's length."""

    data: U8
    lengths: I64 | None = None  # None: every row uses the full width


def const_seg(text: bytes, n: int) -> Seg:
    """The same text on every row."""
    return Seg(np.broadcast_to(np.frombuffer(text, dtype=np.uint8), (n, len(text))))


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


def digits_seg(values: I64) -> Seg:
    """Decimal digits of non-negative integers, left-aligned."""
    n = values.shape[0]
    vmax = int(values.max()) if n else 0
    width = len(str(vmax))
    vmin = int(values.min()) if n else 0
    if vmin < 0:
        raise InputError(f"cannot write the negative number {vmin} in a sentence")
    if n and vmin >= 10 ** (width - 1):  # the common case: every value has the same digits
        return Seg(_fixed_digits(values, width))
    ndig = np.ones(n, dtype=np.int64)
    for k in range(1, width):
        ndig += values >= 10**k
    out = np.zeros((n, width), dtype=np.uint8)
    for j in range(width):
        p = ndig - 1 - j
        digit = (values // np.power(10, np.maximum(p, 0))) % 10 + 48
        out[:, j] = np.where(p >= 0, digit, 0)
    return Seg(out, None if vmin >= 10 ** (width - 1) else ndig)


def labels_seg(labels: Sequence[str], codes: npt.NDArray[np.intp], what: str) -> Seg:
    """Each row's label, ``labels[codes[i]]``; a label that would break a sentence is refused."""
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
    return Seg(data, None if same else row_lens)


def hstack(segs: list[Seg], n: int) -> Seg:
    """Segments side by side; row lengths are kept when any segment has them."""
    segs = [s for s in segs if s.data.shape[1]]
    data = np.concatenate([s.data for s in segs], axis=1) if segs else np.zeros((n, 0), np.uint8)
    if all(s.lengths is None for s in segs):
        return Seg(data)
    lengths = np.zeros(n, dtype=np.int64)
    for s in segs:
        lengths += s.data.shape[1] if s.lengths is None else s.lengths
    return Seg(data, lengths)


def label_codes(value: object, n: int, what: str) -> tuple[Sequence[str], npt.NDArray[np.intp]]:
    """A station or channel value (one string, one per row, or a :class:`Categorical`): labels, row codes."""
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
