"""Type stub of the C core of the NMEA decoder (``_nmea.c``)."""

from typing import Any

#: reject causes and ignore rules the C core can produce (names of ingest/stats.py)
REJECT_CAUSES: tuple[str, ...]
IGNORE_RULES: tuple[str, ...]

class Decoder:
    """Streaming NMEA 0183 AIS decoder into Arrow column buffers.

    ``feed`` and ``finish`` return ``{"stats": {...}, table: (n_rows, columns)}``
    where ``table`` is among "positions", "statics", "other", "rejects" (only
    when it has rows) and ``columns`` holds, in schema order, per column
    ``(null_count, validity | None, data)`` or, for strings and binaries,
    ``(null_count, validity | None, offsets, data)``.
    """

    def __init__(
        self, source_id: int, *, multipart_window: int = 200, max_line_bytes: int = 1024
    ) -> None: ...
    def feed(self, block: bytes, first_line: int, /) -> dict[str, Any]: ...
    def finish(self) -> dict[str, Any]: ...
    @property
    def pending(self) -> int: ...
