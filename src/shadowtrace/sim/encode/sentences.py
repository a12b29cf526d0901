"""NMEA 0183 lines: the ``!AIVDM`` sentences with their tag blocks, one message or columns at a time.

:class:`AisEncoder` keeps the message and group id counters both paths share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from shadowtrace.errors import InputError
from shadowtrace.sim.encode.scalar import encode_payload, epoch_ms
from shadowtrace.sim.encode.segments import Seg, const_seg, digits_seg, hstack, label_codes, labels_seg
from shadowtrace.sim.encode.vector import Categorical, encode_batch, length_of, row_count

I64 = npt.NDArray[np.int64]

#: longest payload sent in one sentence: "!AIVDM,1,1,,A," + 61 + ",0*hh\r\n" = 82
MAX_SINGLE_PAYLOAD: Final = 61
#: payload characters per part of a multipart message: "!AIVDM,2,1,9,A," + 60 + ",0*hh\r\n" = 82
PART_PAYLOAD: Final = 60

_HEX_LUT: Final = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def nmea_checksum(body: str | bytes) -> int:
    """XOR of the characters of a sentence or tag block body (between the start and ``*``)."""
    data = body.encode("ascii") if isinstance(body, str) else body
    cs = 0
    for b in data:
        cs ^= b
    return cs


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


def _ts_ms_column(ts: object, n: int) -> I64:
    if isinstance(ts, np.ndarray):
        if ts.dtype.kind == "M":
            return ts.astype("datetime64[ms]").astype(np.int64)
        if ts.dtype.kind in "iu":
            return ts.astype(np.int64)
    if length_of(ts) is None:
        return np.full(n, epoch_ms(ts), dtype=np.int64)
    items = list(ts)  # type: ignore[call-overload]
    return np.array([epoch_ms(x) for x in items], dtype=np.int64)


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
            ms = epoch_ms(ts)
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
            n = row_count({**cols, "ts": ts}, None)
        p = encode_batch(msg_type, cols, n)
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
            seq = digits_seg(seq_vals)
            if self.groups:
                group = digits_seg(self.group + np.arange(n, dtype=np.int64))
                self.group += n
        station_seg = None
        if station is not None:
            labels, codes = label_codes(station, n, "station")
            station_seg = labels_seg(labels, codes, "station")
        ts_seg = None
        if ts is not None:
            ts_seg = digits_seg(keys // 1000 if self.ts_unit == "s" else keys)
        ch_labels, ch_codes = label_codes(channel, n, "channel")
        if any(len(c) > 1 for c in ch_labels):
            raise InputError(f"channel labels {ch_labels} must be one character (or empty)")
        ch_seg = labels_seg(ch_labels, ch_codes, "channel")

        rows: list[Seg] = []
        for i in range(1, nparts + 1):
            lo = (i - 1) * PART_PAYLOAD if nparts > 1 else 0
            hi = min(i * PART_PAYLOAD, width) if nparts > 1 else width
            pay = Seg(p.chars[:, lo:hi], None if nparts > 1 or (p.lengths == width).all() else p.lengths)
            fill_vals = p.fill if i == nparts else np.zeros(n, dtype=np.int64)
            body = [
                const_seg(f"{self._prefix},{nparts},{i},".encode(), n),
                seq if seq is not None else const_seg(b"", n),
                const_seg(b",", n),
                ch_seg,
                const_seg(b",", n),
                pay,
                const_seg(b",", n),
                digits_seg(fill_vals),
            ]
            tag: list[Seg] = []
            if group is not None:
                tag += [const_seg(f"g:{i}-{nparts}-".encode(), n), group]
            if station_seg is not None:
                tag += [const_seg(b",s:" if tag else b"s:", n), station_seg]
            if ts_seg is not None:
                tag += [const_seg(b",c:" if tag else b"c:", n), ts_seg]
            rows.append(_line(tag, body, self.eol.encode(), n))
        return _block(rows, keys, n)


def _line(tag: list[Seg], body: list[Seg], eol: bytes, n: int) -> Seg:
    """One matrix for the whole line: ``\\tag*hh\\`` (when there is one), ``!body*hh`` and ``eol``.

    The checksums are XORs over column ranges of it (NUL padding is neutral), written into
    their two placeholder columns.
    """
    line: list[Seg] = []
    spans: list[tuple[int, int, int]] = []  # (first, past-last, checksum column)
    col = 0
    for opening, content in ((b"\\", tag), (b"!", body)):
        if not content:
            continue
        line.append(const_seg(opening, n))
        start = col = col + 1
        for seg in content:
            line.append(seg)
            col += seg.data.shape[1]
        spans.append((start, col, col + 1))
        line.append(const_seg(b"*00\\" if opening == b"\\" else b"*00", n))
        col += 4 if opening == b"\\" else 3
    line.append(const_seg(eol, n))
    row = hstack(line, n)
    for first, past, at in spans:
        cs = np.bitwise_xor.reduce(row.data[:, first:past], axis=1)
        row.data[:, at] = _HEX_LUT[cs >> 4]
        row.data[:, at + 1] = _HEX_LUT[cs & 15]
    return row


def _block(parts: list[Seg], keys: I64, n: int) -> SentenceBlock:
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
