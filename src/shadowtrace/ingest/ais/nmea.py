"""NMEA 0183 AIS -> Arrow tables (positions, statics, other, rejects).

All per-line work happens in the C core (``_nmea.c``): tag block, checksum,
fields, 6-bit de-armouring and bit extraction straight into column buffers,
which become Arrow arrays here without a copy. The decoder keeps its state
(multipart fragments waiting for their other parts, the time of a preceding
``$PGHP`` or bare tag-block line) from one block to the next, so the output
does not depend on how the source is cut into blocks.

What a line becomes (every line is counted exactly once):

- decoded: a sentence of an AIS talker (``!xxVDM`` / ``!xxVDO``) with a good
  checksum whose message gave its rows. Types 1, 2, 3, 4, 9, 11, 18, 19, 21 and
  27 go to ``positions``; 5, 19, 21 and 24 to ``statics`` (19 and 21 to both);
  every other type (and type 24 with the undefined part numbers 2 and 3) whole
  to ``other``. Each line of a reassembled multipart message counts as decoded.
- ignored: blank (empty or spaces only), comment (``#``), a line that only
  carries the time of the next sentence (``$PGHP,1,...``, a bare tag block, a
  bare time such as ``,1541030400``), an NMEA sentence that is not AIS
  (``$GPRMC``, ``!AIABK``).
- rejected, with the causes of ``ingest.stats.REJECT_CAUSES``.

Notes on choices:

- Tag-block checksums are verified; ``*00`` is accepted unverified because some
  providers write it as a placeholder (Spire samples).
- A line holding several tag-block + sentence pairs (Spire writes both parts of
  a message on one line) counts once: rejected with the cause of its first
  failing sentence if any fails, else decoded.
- Multipart key: the tag-block group ``g:n-m-id`` when there is one, else the
  channel and sequential message id (whatever the talker), plus the fragment
  count. Parts must come in order within ``multipart_window`` lines of the
  first one; interleaving is fine.
- A message shorter than its type needs is ``payload_too_short``, but fields
  at the end of a message (communication state, destination characters, dte,
  type 21 name extension) may be missing: they are then null.
- Time: tag ``c:`` (seconds, or milliseconds above 1e11) > USCG trailing time
  (the first unix time after the ``r...``/``b...`` station field) > a leading
  time column (unix seconds or ISO 8601) > the time of a preceding timestamp
  line (applies to the next AIS sentence only). Station: tag ``s:``, else the
  USCG station field, else the ``s:`` of a preceding bare tag block.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from shadowtrace.ingest.ais._nmea import Decoder
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.models.tables import DECODED

__all__ = ["decode_nmea"]


def decode_nmea(
    chunks: Iterable[tuple[bytes, int]],
    source_id: int,
    stats: IngestStats,
    *,
    multipart_window: int = 200,
) -> Iterator[dict[str, pa.Table]]:
    """Decode blocks of whole lines (from ``line_chunks``) of one NMEA source.

    Yields, per block, the non-empty tables among "positions", "statics",
    "other" and "rejects" (an empty dict when the block gave no rows), then,
    if any, the rejects of multipart messages left incomplete at the end.
    ``stats`` is updated as lines are read; ``rows_by_table`` is left to the
    caller, which sees the tables.
    """
    stats.format = "nmea"
    decoder = Decoder(source_id, multipart_window=multipart_window)
    for block, first_line in chunks:
        yield _tables(decoder.feed(block, first_line), stats)
    last = _tables(decoder.finish(), stats)
    if last:
        yield last


def _tables(result: dict[str, Any], stats: IngestStats) -> dict[str, pa.Table]:
    st = result["stats"]
    stats.lines_read += st["lines_read"]
    stats.lines_decoded += st["lines_decoded"]
    stats.lines_rejected += st["lines_rejected"]
    stats.untimed_rows += st["untimed_rows"]
    stats.ignored.update(st["ignored"])
    stats.rows_by_type.update(st["rows_by_type"])
    stats.rejects_by_cause.update(st["rejects_by_cause"])
    return {
        name: _table(schema, *result[name]) for name, schema in DECODED.items() if name in result
    }


def _table(schema: pa.Schema, n: int, columns: list[tuple[Any, ...]]) -> pa.Table:
    arrays = [
        pa.Array.from_buffers(
            field.type,
            n,
            [None if b is None else pa.py_buffer(b) for b in buffers],
            null_count=null_count,
        )
        for field, (null_count, *buffers) in zip(schema, columns, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)
