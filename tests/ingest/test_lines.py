"""line_chunks: every line exactly once, numbered, in bounded memory."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from shadowtrace.ingest.lines import line_chunks


def _lines(blocks: list[tuple[bytes, int]]) -> list[tuple[int, bytes]]:
    out = []
    for block, first in blocks:
        parts = block.split(b"\n")
        if block.endswith(b"\n"):
            parts.pop()
        out += [(first + i, p) for i, p in enumerate(parts)]
    return out


@given(st.binary(max_size=2000), st.integers(1, 64))
def test_blocks_cover_every_line_once(data: bytes, chunk: int) -> None:
    blocks = list(line_chunks(io.BytesIO(data), chunk, max_line_bytes=10_000))
    assert b"".join(b for b, _ in blocks) == data
    assert all(b.endswith(b"\n") for b, _ in blocks[:-1])
    expected = data.split(b"\n")
    if data.endswith(b"\n"):
        expected.pop()
    assert [p for _, p in _lines(blocks)] == (expected if data else [])
    assert [n for n, _ in _lines(blocks)] == list(range(1, len(expected) + 1)) if data else True


@given(st.integers(1, 50), st.integers(1, 5))
def test_overlong_lines_are_cut_and_numbering_goes_on(chunk: int, limit: int) -> None:
    data = b"ok\n" + b"x" * 100 + b"\nafter\n" + b"y" * 40
    lines = _lines(list(line_chunks(io.BytesIO(data), chunk, max_line_bytes=limit + 10)))
    assert [n for n, _ in lines] == [1, 2, 3, 4]
    assert lines[0][1] == b"ok" and lines[2][1] == b"after"
    assert 0 < len(lines[1][1]) <= limit + 10 + chunk
