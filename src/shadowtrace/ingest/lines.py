"""Cut a byte stream into blocks of whole lines, keeping line numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class Readable(Protocol):
    """Anything with ``read(n) -> bytes``: files, decompressors, hashing wrappers."""

    def read(self, n: int = -1, /) -> bytes: ...


DEFAULT_CHUNK_BYTES = 8 << 20
#: a longer line is cut to this length (the rest of it is skipped up to its newline),
#: so memory stays bounded on input with no newlines; decoders reject it as oversize
MAX_LINE_BYTES = 1 << 20


def line_chunks(
    stream: Readable, chunk_bytes: int = DEFAULT_CHUNK_BYTES, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[tuple[bytes, int]]:
    """Yield ``(block, first_line)`` pairs covering the stream's lines exactly once.

    Each block holds whole lines ending in ``\\n``, except possibly the very last
    one at end of stream. ``first_line`` is the 1-based number of the block's
    first line. Memory stays bounded by ``chunk_bytes`` plus ``max_line_bytes``.
    """
    if chunk_bytes < 1 or max_line_bytes < 1:
        raise ValueError(f"chunk_bytes and max_line_bytes must be positive: {chunk_bytes}, {max_line_bytes}")
    line_no = 1
    carry = b""
    skipping = False  # inside an overlong line, dropping bytes up to its newline
    while data := stream.read(chunk_bytes):
        if skipping:
            end = data.find(b"\n")
            if end < 0:
                continue
            data = data[end + 1 :]
            skipping = False
            yield carry + b"\n", line_no
            line_no += 1
            carry = b""
        block = carry + data if carry else data
        cut = block.rfind(b"\n") + 1
        carry = block[cut:]
        if cut:
            head = block[:cut] if carry else block
            yield head, line_no
            line_no += head.count(b"\n")
        if len(carry) > max_line_bytes:
            carry = carry[:max_line_bytes]
            skipping = True
    if carry:
        yield carry, line_no
