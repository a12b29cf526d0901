"""The ``listed`` table of a store: load a list file, add it (replacing an earlier version of
the same name), remove one, summarise them.

A list has a name (``--name``; by default the reader's, such as ``OFAC SDN`` or
``EU 2017/1509``, else the file's name) and a date (``--date``; by default a date in the file's
name, such as ``sdn_2024-05-03.csv``, else the latest listing date of its entries, else the day
the file was last modified). Adding reads
the table, drops the rows of the list of that name, appends the new ones and writes the table
whole, in one store transaction: lists are thousands of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from shadowtrace.errors import InputError
from shadowtrace.models.listed import LISTED
from shadowtrace.sanctions.entries import ParsedList
from shadowtrace.sanctions.formats import parse
from shadowtrace.store import sql as store_sql
from shadowtrace.store.store import Store

_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(\d\d)-?(\d\d)(?!\d)")


@dataclass
class LoadedList:
    """A list file read into rows of the ``listed`` table."""

    name: str
    date: dt.date
    parsed: ParsedList
    table: pa.Table

    @property
    def entries(self) -> int:
        return int(self.table.num_rows)


def date_in_name(name: str) -> dt.date | None:
    """A date written in a file name (``sdn_2024-05-03.csv``, ``list-20240503.json``), if any."""
    for m in _DATE_IN_NAME.finditer(name):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def load_list(
    path: Path, *, name: str | None = None, date: dt.date | None = None, fmt: str | None = None
) -> LoadedList:
    """Read a list file (see the module docstring for its name and date); a file without a single
    vessel entry is an error naming what was rejected."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the list ({exc.strerror or exc})") from None
    parsed = parse(data, fmt, where=str(path))
    if not parsed.rows:
        causes = "; ".join(sorted({r.cause for r in parsed.rejects}))
        why = f"{len(parsed.rejects)} rejected: {causes}" if causes else "no row of a vessel in it"
        raise InputError(f"{path}: no vessel entry read as {parsed.format} ({why}); check the file or give another "
                         "--format")
    name = name or parsed.default_name or path.stem
    if not name.strip():
        raise InputError("--name must not be blank")
    since = [row["listed_since"] for row in parsed.rows if row["listed_since"] is not None]
    date = (date or date_in_name(path.name) or (max(since) if since else None)
            or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date())
    table = pa.Table.from_pylist(
        [{**row, "list_name": name, "list_date": date, "format": parsed.format, "source_file": str(path)}
         for row in parsed.rows],
        schema=LISTED,
    )
    return LoadedList(name, date, parsed, table)


def _stored(store: Store) -> pa.Table:
    con = store_sql.connect(store)
    try:
        return con.sql("SELECT * FROM listed").to_arrow_table().cast(LISTED)
    finally:
        con.close()


def read_listed(store: Store) -> pl.DataFrame:
    """Every entry of every list loaded (an empty frame of the LISTED schema when none is)."""
    frame = pl.from_arrow(_stored(store))
    assert isinstance(frame, pl.DataFrame)
    return frame


def add_list(store: Store, loaded: LoadedList) -> int:
    """Store a list, replacing the entries of a list of the same name; the number replaced."""
    with store.transaction(f"lists add {loaded.name}") as txn:
        current = _stored(store)
        same = pc.equal(current.column("list_name"), loaded.name)
        kept = current.filter(pc.invert(same))
        txn.write("listed", 0, pa.concat_tables([kept, loaded.table]))
    return int(current.num_rows - kept.num_rows)


def remove_list(store: Store, name: str) -> int:
    """Drop a list's entries; the number dropped. An unknown name is an error listing the known ones."""
    with store.transaction(f"lists rm {name}") as txn:
        current = _stored(store)
        kept = current.filter(pc.invert(pc.equal(current.column("list_name"), name)))
        if kept.num_rows == current.num_rows:
            known = ", ".join(repr(n) for n in sorted(set(current.column("list_name").to_pylist()))) or "none"
            raise InputError(f"no list named {name!r} is loaded (loaded: {known}); see `shadowtrace lists`")
        txn.write("listed", 0, kept)
    return int(current.num_rows - kept.num_rows)


def list_summary(store: Store) -> pa.Table:
    """One row per list loaded: name, date, format, entries, how many with an IMO number and MMSI, file."""
    return store_sql.query(
        store,
        "SELECT list_name AS name, list_date AS date, any_value(format) AS format, count(*) AS entries, "
        "count(imo) AS with_imo, count(mmsi) AS with_mmsi, any_value(source_file) AS file "
        "FROM listed GROUP BY list_name, list_date ORDER BY list_name",
    )
