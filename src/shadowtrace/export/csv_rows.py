"""CSV that opens safely in a spreadsheet: every CSV shadowtrace writes goes through :func:`csv_text`.

:func:`csv_text` is the one place CSV is made (``shadowtrace events|risk|sql --format csv`` use it
too, through :func:`shadowtrace.cli.output.write_rows`): text cells that a spreadsheet would read
as a formula are neutralised (:func:`~shadowtrace.export.safe.neutralise_formulas`), numbers stay
numbers, float32 columns print as they were typed (14.1, not 14.100000381).

:class:`CsvWriter` (``shadowtrace export --format csv``) adds what a spreadsheet needs: times as
``YYYY-MM-DD HH:MM:SS`` (UTC; Excel, LibreOffice and Google Sheets read that as a date and time,
but not ISO's ``T``/``Z`` forms), and a UTF-8 byte order mark, without which Excel reads UTF-8 as
the Windows code page and garbles every non-ASCII name (``--no-bom`` leaves it out for programs).
"""

from __future__ import annotations

import io
from typing import TextIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from shadowtrace.export.events import flat_events
from shadowtrace.export.safe import neutralise_formulas
from shadowtrace.export.tracks import FIX_COLUMNS, TrackBucket

BOM = "\ufeff"
SPREADSHEET_TIME = "%Y-%m-%d %H:%M:%S"


def shortest_floats(table: pa.Table) -> pa.Table:
    """float32 columns as the float64 that prints like them (14.1, not 14.100000381)."""
    for i, f in enumerate(table.schema):
        if pa.types.is_float32(f.type):
            as_text = pc.cast(table.column(i), pa.string())
            table = table.set_column(i, f.name, pc.cast(as_text, pa.float64()))
    return table


def csv_text(table: pa.Table, *, header: bool = True) -> str:
    """A table as CSV text (RFC 4180 quoting), formula-neutralised (see the module docstring)."""
    buf = io.BytesIO()
    options = pacsv.WriteOptions(include_header=header)
    pacsv.write_csv(neutralise_formulas(shortest_floats(table)), buf, write_options=options)
    return buf.getvalue().decode("utf-8")


def spreadsheet_times(table: pa.Table) -> pa.Table:
    """Timestamp columns as UTC text a spreadsheet reads as a date and time (whole seconds)."""
    for i, f in enumerate(table.schema):
        if pa.types.is_timestamp(f.type):
            utc = pc.cast(pc.cast(table.column(i), pa.int64()), pa.timestamp(f.type.unit))  # UTC wall clock
            text = pc.cast(pc.cast(utc, pa.timestamp("s"), safe=False), pa.string())  # as SPREADSHEET_TIME
            table = table.set_column(i, f.name, text)
    return table


class CsvWriter:
    """One table per file: the events (:func:`flat_events` columns) or the track fixes
    (:data:`~shadowtrace.export.tracks.FIX_COLUMNS`), one row per fix."""

    def __init__(self, out: TextIO, *, bom: bool = True) -> None:
        self.out = out
        self.bom = bom
        self._header = True

    def start(self) -> None:
        if self.bom:
            self.out.write(BOM)

    def events(self, table: pa.Table) -> None:
        self.out.write(csv_text(spreadsheet_times(flat_events(table)), header=self._header))
        self._header = False

    def tracks(self, bucket: TrackBucket) -> None:
        self.out.write(csv_text(spreadsheet_times(bucket.fixes.to_arrow()), header=self._header))
        self._header = False

    def finish(self) -> None:
        if self._header:  # no bucket at all: the header alone
            self.out.write(csv_text(pa.table({c: pa.array([], pa.string()) for c in FIX_COLUMNS})))
