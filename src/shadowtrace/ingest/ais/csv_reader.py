"""Decoded-AIS CSV (DMA, NOAA, exactEarth or a user mapping) -> positions, statics, rejects.

Per block of whole lines: the lines are classified with NumPy over the raw
bytes (header, blank, comment, control bytes or invalid UTF-8, wrong number of
fields); the good ones are parsed by Polars with every column as text, and the
fields converted by vectorised expressions. A row whose MMSI, time or any value
cannot be what its column says is rejected with its raw line. Every line is
counted once: decoded, rejected or ignored.

A row gives a positions row, and a statics row when its static and voyage
fields differ from those of the last statics row of its MMSI that gave the
same fields (DMA and NOAA repeat them on every row). Rows of static reports
(exactEarth's messages 5 and 24) give the statics row only.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from shadowtrace.errors import InputError
from shadowtrace.ingest.ais.csv_formats import (
    CSV_ONLY_FIELDS,
    FIELD_TYPES,
    FORMATS,
    NOT_AVAILABLE,
    VALID_RANGE,
    ColumnMapping,
    detect_csv_format,
    header_names,
)
from shadowtrace.ingest.lines import MAX_LINE_BYTES
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.models.tables import MAX_REJECT_RAW_BYTES, POSITIONS, PROVENANCE, REJECTS, STATICS

#: message types whose rows are positions (0: decoded CSV, type unknown)
POSITION_TYPES = frozenset({0, 1, 2, 3, 4, 9, 11, 18, 19, 21, 27})
#: static reports: their rows give a statics row only
STATIC_TYPES = frozenset({5, 24})
#: msg_type of the statics row a row gives: its own for a static report, its class's otherwise, else 0
STATICS_TYPE = {1: 5, 2: 5, 3: 5, 5: 5, 18: 24, 19: 19, 21: 21, 24: 24}

_CATEGORY_HEADS = [20, 40, 60, 70, 80, 90]
_BOOLS = {"1": True, "0": False, "true": True, "false": False, "True": True, "False": False}
_ISO_FORMATS = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
]
_PROVENANCE = {f.name for f in PROVENANCE}
#: fields that make a statics row, and tell a new one from a repeat
#: (not epfd and dte, which position reports carry too)
_STATIC_SOURCES = [
    *(f.name for f in STATICS if f.name not in _PROVENANCE | {"epfd", "dte", "part_num"}),
    *CSV_ONLY_FIELDS.keys() - {"millisecond"},
]

# line status, by priority (a later one wins)
_OK, _MISSING_FIELD, _NON_ASCII, _OVERSIZE, _COMMENT, _BLANK, _HEADER = range(7)
_STATUS_NAMES = {_MISSING_FIELD: "missing_field", _NON_ASCII: "non_ascii", _OVERSIZE: "oversize"}
_IGNORE_NAMES = {_COMMENT: "comment", _BLANK: "blank", _HEADER: "header"}

_Ints = npt.NDArray[np.int64]


def decode_csv(
    chunks: Iterable[tuple[bytes, int]],
    source_id: int,
    stats: IngestStats,
    *,
    fmt: str | None = None,
    mapping: ColumnMapping | None = None,
) -> Iterator[dict[str, pa.Table]]:
    """Decode blocks of whole CSV lines (from ``line_chunks``); line 1 is the header.

    The format is ``mapping`` if given, else the built-in ``fmt``, else the one
    the header is recognised as. Yields per block the non-empty tables among
    "positions", "statics" and "rejects". ``stats`` is updated as lines are read;
    ``rows_by_table`` is left to the caller, which sees the tables.
    """
    decoder: _SourceDecoder | None = None
    for block, first_line in chunks:
        if decoder is None:
            header = block.split(b"\n", 1)[0].rstrip(b"\r")
            decoder = _SourceDecoder(_choose_mapping(header, fmt, mapping), header, source_id, stats)
        tables = decoder.decode(block, first_line)
        if tables:
            yield tables


def _choose_mapping(header: bytes, fmt: str | None, mapping: ColumnMapping | None) -> ColumnMapping:
    if mapping is not None:
        return mapping
    name = fmt or detect_csv_format(header)
    if name is None:
        shown = header[:80].decode("utf-8", "replace")
        raise InputError(
            f"CSV header not recognised ({shown!r}); name its format ({', '.join(FORMATS)}) "
            "or give a column mapping TOML"
        )
    if name not in FORMATS:
        raise InputError(f"unknown CSV format {name!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[name]


class _SourceDecoder:
    """Decodes the blocks of one source; keeps the header and the last statics of each vessel."""

    def __init__(self, mapping: ColumnMapping, header: bytes, source_id: int, stats: IngestStats) -> None:
        names = header_names(header, mapping.delimiter) or []
        missing = [column for column in mapping.columns.values() if column not in names]
        if missing:
            raise InputError(
                f"the CSV header lacks the column(s) {', '.join(map(repr, missing))} of format "
                f"{mapping.name!r}; check the format or the column mapping"
            )
        self._m = mapping
        self._index = {name: names.index(column) for name, column in mapping.columns.items()}
        self._n_fields = len(names)
        self._header = header
        self._source_id = source_id
        self._stats = stats
        # hash of the last statics row by MMSI, part number and fields given (hashed too)
        self._last_statics = pl.DataFrame(schema={"_key": pl.UInt64, "_hash": pl.UInt64})
        stats.format = mapping.name
        # the expressions of _typed, built once
        self._stripped = [_stripped(f, [*mapping.null_values, ""]) for f in mapping.columns]
        self._parsed = [self._parse(f).alias(f"_v_{f}") for f in mapping.columns]
        self._typed_columns = [
            pl.col("line"),
            *(self._final(f).alias(f) for f in mapping.columns),
            self._cause().alias("_cause"),
        ]

    def decode(self, block: bytes, first_line: int) -> dict[str, pa.Table]:
        arr = np.frombuffer(block, dtype=np.uint8)
        starts, ends = _line_bounds(arr)
        status = self._line_status(block, arr, starts, ends, first_line)
        fields = self._read_fields(block, arr, starts, ends, status)
        good = np.flatnonzero(status == _OK)
        rows = self._convert(fields, first_line + good)
        counts = np.bincount(status, minlength=len(_STATUS_NAMES) + len(_IGNORE_NAMES) + 1)
        self._stats.lines_read += len(status)
        for code, rule in _IGNORE_NAMES.items():
            if counts[code]:
                self._stats.ignored[rule] += int(counts[code])
        accepted = rows.filter(pl.col("_cause").is_null())
        bad_rows = rows.filter(pl.col("_cause").is_not_null()).select("line", "_cause")
        rejected = [(line - first_line, cause) for line, cause in bad_rows.iter_rows()]
        rejected += [
            (int(i), _STATUS_NAMES[int(status[i])])
            for i in np.flatnonzero(np.isin(status, list(_STATUS_NAMES)))
        ]
        tables = {
            "positions": self._positions(accepted),
            "statics": self._statics(accepted),
            "rejects": self._rejects(block, starts, ends, first_line, sorted(rejected)),
        }
        self._stats.lines_decoded += accepted.height
        self._stats.lines_rejected += len(rejected)
        self._stats.rejects_by_cause.update(cause for _, cause in rejected)
        self._stats.untimed_rows += accepted["ts"].null_count()
        for name in ("positions", "statics"):
            for count in tables[name].column("msg_type").value_counts().to_pylist():
                self._stats.rows_by_type[count["values"]] += count["counts"]
        return {name: table for name, table in tables.items() if table.num_rows}

    # -- lines -------------------------------------------------------------------------------

    def _line_status(
        self, block: bytes, arr: npt.NDArray[np.uint8], starts: _Ints, ends: _Ints, first_line: int
    ) -> npt.NDArray[np.int8]:
        """One status per line: _OK, or why the line is rejected or ignored.

        The number of fields of unquoted lines is checked later, by _read_fields.
        """
        status = np.full(len(starts), _OK, dtype=np.int8)
        if not len(starts):
            return status
        bad_text = _bad_text_lines(block, arr, starts, ends)
        if b'"' in block:
            status[~self._well_formed_quoted(block, arr, starts, bad_text)] = _MISSING_FIELD
        status[bad_text] = _NON_ASCII
        status[ends - starts >= MAX_LINE_BYTES] = _OVERSIZE  # perhaps cut by line_chunks
        first = arr[np.minimum(starts, len(arr) - 1)]
        nonempty = ends > starts
        status[nonempty & (first == ord("#"))] = _COMMENT
        blank = ~nonempty
        for i in np.flatnonzero(nonempty & np.isin(first, (ord(" "), ord("\t")))):
            blank[i] = not block[starts[i] : ends[i]].strip()
        status[blank] = _BLANK
        same_length = np.flatnonzero(ends - starts == len(self._header))
        status[[i for i in same_length if block[starts[i] : ends[i]] == self._header]] = _HEADER
        if first_line == 1:
            status[0] = _HEADER
        return status

    def _well_formed_quoted(
        self, block: bytes, arr: npt.NDArray[np.uint8], starts: _Ints, bad_text: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.bool_]:
        """Lines holding the header's number of fields, quoted as RFC 4180 says."""
        lines = pa.Array.from_buffers(
            pa.large_binary(),
            len(starts),
            [None, pa.py_buffer(np.append(starts, len(arr))), pa.py_buffer(block)],
        )
        text = pl.Series(lines).filter(pl.Series(~bad_text)).cast(pl.String).str.strip_suffix("\n")
        d = _re_char(self._m.delimiter)
        field = f'(?:"(?:[^"]|"")*"|[^"{d}]*)'  # quotes only around a whole field
        well_formed = np.zeros(len(starts), dtype=np.bool_)
        well_formed[~bad_text] = text.str.contains(
            f"^{field}(?:{d}{field}){{{self._n_fields - 1}}}\r?$"
        ).to_numpy()
        return well_formed

    def _count_fields(self, arr: npt.NDArray[np.uint8], starts: _Ints, status: npt.NDArray[np.int8]) -> None:
        """Mark the unquoted _OK lines without the header's number of fields."""
        separators = np.flatnonzero(arr == ord(self._m.delimiter))
        per_line = np.diff(np.searchsorted(separators, np.append(starts, len(arr))))
        status[(status == _OK) & (per_line != self._n_fields - 1)] = _MISSING_FIELD

    def _separators_fit(
        self,
        block: bytes,
        arr: npt.NDArray[np.uint8],
        starts: _Ints,
        ends: _Ints,
        status: npt.NDArray[np.int8],
    ) -> bool:
        """Whether the _OK lines hold in all as many separators as they should (few other lines)."""
        others = np.flatnonzero(status != _OK)
        if len(others) > 64:
            return False
        separator = self._m.delimiter.encode()
        total = np.count_nonzero(arr == separator[0])
        total -= sum(block.count(separator, starts[i], ends[i]) for i in others)
        return bool(total == (self._n_fields - 1) * (len(starts) - len(others)))

    def _read_fields(
        self,
        block: bytes,
        arr: npt.NDArray[np.uint8],
        starts: _Ints,
        ends: _Ints,
        status: npt.NDArray[np.int8],
    ) -> pl.DataFrame:
        """The mapped fields of the _OK lines, as text (null when empty or a "not available" text).

        Unquoted lines whose separators add up are read at once: Polars refuses a line with
        too many fields, and so one with too few, as the counts add up. Otherwise, or then,
        the fields are counted line by line (marking the lines that are wrong) first.
        """
        if b'"' not in block and not self._separators_fit(block, arr, starts, ends, status):
            self._count_fields(arr, starts, status)
        try:
            return self._read_good_lines(block, arr, starts, status)
        except (pl.exceptions.ComputeError, pl.exceptions.SchemaError):  # too many fields, too few first
            if b'"' in block:
                raise
            self._count_fields(arr, starts, status)
            return self._read_good_lines(block, arr, starts, status)

    def _read_good_lines(
        self, block: bytes, arr: npt.NDArray[np.uint8], starts: _Ints, status: npt.NDArray[np.int8]
    ) -> pl.DataFrame:
        good = np.flatnonzero(status == _OK)
        if not len(good):
            return pl.DataFrame(schema={name: pl.String for name in self._index})
        if len(good) == len(starts) - good[0]:
            data = block[starts[good[0]] :]  # the good lines are the block's tail
        else:
            keep = np.repeat(status == _OK, np.diff(np.append(starts, len(arr))))
            data = arr[keep].tobytes()
        raw = pl.read_csv(
            data,
            has_header=False,
            separator=self._m.delimiter,
            schema={f"c{i}": pl.String for i in range(self._n_fields)},
            null_values=list(self._m.null_values),
        )
        return raw.select(pl.col(f"c{i}").alias(name) for name, i in self._index.items())

    # -- fields ------------------------------------------------------------------------------

    def _convert(self, fields: pl.DataFrame, lines: _Ints) -> pl.DataFrame:
        """The line number, the typed value of every mapped field and the reject cause (null if none).

        Fields are first read as they are; only the rows that fail are read again with
        their fields stripped of blanks (stripping every field is slow). A coded field
        must match its vocabulary exactly.
        """
        fields = fields.with_columns(line=pl.Series(lines, dtype=pl.Int64))
        rows = self._typed(fields, strip=False)
        retry = rows["_cause"].is_not_null()
        if not retry.any():
            return rows
        again = self._typed(fields.filter(retry), strip=True)
        return pl.concat([rows.filter(~retry), again]).sort("line")

    def _typed(self, fields: pl.DataFrame, strip: bool) -> pl.DataFrame:
        if strip:
            fields = fields.with_columns(self._stripped)
        return fields.with_columns(self._parsed).select(self._typed_columns)

    def _kind(self, name: str) -> str:
        """How a field's text is read: mmsi, time, text, flag, code (by its vocabulary) or number.

        A time or a number that cannot be read rejects the row; a text outside a
        vocabulary or a flag reads as null.
        """
        kind = FIELD_TYPES[name]
        if name == "mmsi":
            return "mmsi"
        if pa.types.is_timestamp(kind):
            return "time"
        if pa.types.is_string(kind):
            return "text"
        if pa.types.is_boolean(kind):
            return "flag"
        return "code" if name in self._m.values else "number"

    def _parse(self, name: str) -> pl.Expr:
        """A field's value; numbers as Float64 with n/a, NaN and infinities still in."""
        text = pl.col(name)
        kind = self._kind(name)
        if kind == "mmsi":
            return pl.when(text.str.contains(r"^\d{1,9}$")).then(text).cast(pl.Int32, strict=False)
        if kind == "time":
            return self._time(text)
        if kind == "text":
            return text.str.strip_chars(" @")  # AIS pads text with "@"
        if kind == "flag":
            return text.replace_strict(_BOOLS, default=None, return_dtype=pl.Boolean)
        if kind == "code":
            return text.replace_strict(self._m.values[name], default=None, return_dtype=pl.Float64)
        number = (text.str.strip_prefix("IMO") if name == "imo" else text).cast(pl.Float64, strict=False)
        return number * self._m.scale[name] if name in self._m.scale else number

    def _time(self, text: pl.Expr) -> pl.Expr:
        fmt = self._m.time_format
        if fmt in ("unix_s", "unix_ms"):
            scale = 1000 if fmt == "unix_s" else 1
            millis = (text.cast(pl.Float64, strict=False) * scale).round().cast(pl.Int64, strict=False)
            return pl.from_epoch(millis, time_unit="ms").dt.replace_time_zone("UTC")
        formats = _ISO_FORMATS if fmt == "iso" else [fmt]
        return pl.coalesce(
            text.str.to_datetime(f, time_unit="ms", time_zone="UTC", strict=False) for f in formats
        )

    def _final(self, name: str) -> pl.Expr:
        """A field as stored: empty text, NaN and n/a values nulled, cast to its table type."""
        value = pl.col(f"_v_{name}")
        kind = self._kind(name)
        if kind == "text":
            value = pl.when(value != "").then(value)
        elif kind in ("number", "code"):
            usable = value.is_finite()
            if name in NOT_AVAILABLE:
                usable = usable & (value != NOT_AVAILABLE[name])
            value = pl.when(usable).then(value)
        if name == "msg_type":
            value = value.fill_null(0)
        if name == "ts" and "millisecond" in self._m.columns:
            value = value + pl.duration(milliseconds=pl.col("_v_millisecond").fill_null(0).cast(pl.Int64))
        return value.cast(_POLARS_TYPES[name], strict=False)

    def _cause(self) -> pl.Expr:
        """Why a row is rejected (null: it is not)."""
        unreadable = {
            "time": lambda v: v.is_null(),
            "number": lambda v: ~v.is_finite().fill_null(False),
        }
        bad_values = [
            pl.col(f).is_not_null() & unreadable[self._kind(f)](pl.col(f"_v_{f}"))
            for f in self._m.columns
            if f != "ts" and self._kind(f) in unreadable
        ]
        bad_values += [
            ~pl.col(f"_v_{f}").is_between(low, high) & (pl.col(f"_v_{f}") != NOT_AVAILABLE[f])
            for f, (low, high) in VALID_RANGE.items()
            if f in self._m.columns
        ]
        untabled = pl.lit(False)
        if "msg_type" in self._m.columns:
            tabled = [float(t) for t in POSITION_TYPES | STATIC_TYPES]
            untabled = pl.col("_v_msg_type").is_not_null() & ~pl.col("_v_msg_type").is_in(tabled)
        return (
            pl.when(pl.col("mmsi").is_null())
            .then(pl.lit("missing_field"))
            .when(pl.col("_v_mmsi").is_null())
            .then(pl.lit("bad_value"))
            .when(pl.col("ts").is_not_null() & pl.col("_v_ts").is_null())
            .then(pl.lit("bad_time"))
            .when(pl.any_horizontal(pl.lit(False), *bad_values).fill_null(False))
            .then(pl.lit("bad_value"))
            .when(untabled.fill_null(False))
            .then(pl.lit("unsupported_type"))
        )

    # -- tables ------------------------------------------------------------------------------

    def _positions(self, rows: pl.DataFrame) -> pa.Table:
        if "msg_type" in self._m.columns:
            rows = rows.filter(pl.col("msg_type").is_in(list(POSITION_TYPES)))
        return self._table(rows, POSITIONS)

    def _statics(self, rows: pl.DataFrame) -> pa.Table:
        """Statics rows of the rows whose static fields changed since the last statics row of
        their MMSI that gave the same fields (and part number): DMA, for one, writes the
        two parts of a class B static report on rows of their own, each with its fields.
        """
        sources = [f for f in _STATIC_SOURCES if f in rows.columns]
        if not sources:
            return STATICS.empty_table()
        given = [pl.col(f).is_not_null() for f in sources]
        candidates = (
            rows.select(
                pl.int_range(pl.len()).alias("_row"),
                pl.any_horizontal(given).alias("_any"),
                _key=pl.struct(
                    "mmsi", pl.col("part_num") if "part_num" in rows.columns else pl.lit(0), *given
                ).hash(),
                _hash=pl.struct(sources).hash(),
            )
            .filter("_any")
            .join(self._last_statics, on="_key", how="left", suffix="_last", maintain_order="left")
        )
        previous = pl.coalesce(pl.col("_hash").shift(1).over("_key"), "_hash_last")
        changed = candidates.filter(previous.ne_missing(pl.col("_hash")))["_row"]
        self._last_statics = pl.concat([self._last_statics, candidates.select("_key", "_hash")]).unique(
            subset="_key", keep="last", maintain_order=True
        )
        emitted = rows[changed]
        return self._table(emitted.with_columns(_derived_statics(emitted.columns)), STATICS)

    def _table(self, rows: pl.DataFrame, schema: pa.Schema) -> pa.Table:
        given = {
            "source_id": pl.lit(self._source_id),
            "line_last": pl.col("line"),
            "msg_type": pl.col("msg_type") if "msg_type" in rows.columns else pl.lit(0),
        }
        columns = [
            given.get(f.name, pl.col(f.name) if f.name in rows.columns else pl.lit(None))
            .cast(_POLARS_TYPES[f.name])
            .alias(f.name)
            for f in schema
        ]
        return rows.select(columns).to_arrow().cast(schema)

    def _rejects(
        self, block: bytes, starts: _Ints, ends: _Ints, first_line: int, rejected: list[tuple[int, str]]
    ) -> pa.Table:
        return pa.table(
            {
                "source_id": [self._source_id] * len(rejected),
                "line": [first_line + i for i, _ in rejected],
                "cause": [cause for _, cause in rejected],
                "raw": [
                    block[starts[i] : min(ends[i], starts[i] + MAX_REJECT_RAW_BYTES)] for i, _ in rejected
                ],
            },
            schema=REJECTS,
        )


def _line_bounds(arr: npt.NDArray[np.uint8]) -> tuple[_Ints, _Ints]:
    """Start and end (past the last byte before ``\\r\\n`` or ``\\n``) of every line."""
    newlines = np.flatnonzero(arr == ord("\n"))
    starts = np.concatenate(([0], newlines + 1)).astype(np.int64)
    ends = np.append(newlines, len(arr)).astype(np.int64)
    if len(arr) == 0 or arr[-1] == ord("\n"):
        starts, ends = starts[:-1], ends[:-1]
    carriage = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == ord("\r"))
    return starts, ends - carriage


def _bad_text_lines(
    block: bytes, arr: npt.NDArray[np.uint8], starts: _Ints, ends: _Ints
) -> npt.NDArray[np.bool_]:
    """Lines holding control bytes (but tab) or invalid UTF-8."""
    bad = np.zeros(len(starts), dtype=np.bool_)
    control = ((arr < 32) & (arr != ord("\t"))) | (arr == 0x7F)
    terminators = len(arr) - int(np.sum(ends - starts))  # the \n and \r\n ending the lines
    if np.count_nonzero(control) > terminators:
        positions = np.flatnonzero(control)
        lines = np.searchsorted(starts, positions, side="right") - 1
        bad[lines[positions < ends[lines]]] = True
    if not block.isascii():
        bad[_invalid_utf8_lines(block, starts)] = True
    return bad


def _invalid_utf8_lines(block: bytes, starts: _Ints) -> list[int]:
    """Indexes of the lines that are not valid UTF-8, decoding each stretch of good lines once."""
    bad: list[int] = []
    view = memoryview(block)
    position = 0
    while position < len(block):
        try:
            codecs.utf_8_decode(view[position:], "strict", True)
            break
        except UnicodeDecodeError as exc:
            line = int(np.searchsorted(starts, position + exc.start, side="right")) - 1
            bad.append(line)
            position = int(starts[line + 1]) if line + 1 < len(starts) else len(block)
    return bad


def _stripped(name: str, nulls: list[str]) -> pl.Expr:
    """A text field stripped of blanks; empty or a "not available" text -> null."""
    text = pl.col(name).str.strip_chars()
    return pl.when(~text.is_in(nulls)).then(text).alias(name)


def _derived_statics(columns: list[str]) -> list[pl.Expr]:
    """Statics columns made from the CSV-only fields and the row's message type."""

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in columns else pl.lit(None, dtype=_POLARS_TYPES[name])

    length, width, eta, cargo, ship_type = (
        col("length_m"),
        col("width_m"),
        col("eta"),
        col("cargo_category"),
        col("ship_type"),
    )
    return [
        col("msg_type").replace_strict(STATICS_TYPE, default=0, return_dtype=pl.UInt8).alias("msg_type"),
        pl.coalesce(col("to_bow_m"), length).alias("to_bow_m"),
        pl.coalesce(col("to_stern_m"), pl.when(length.is_not_null()).then(0)).alias("to_stern_m"),
        pl.coalesce(col("to_port_m"), width).alias("to_port_m"),
        pl.coalesce(col("to_starboard_m"), pl.when(width.is_not_null()).then(0)).alias("to_starboard_m"),
        pl.coalesce(col("eta_month"), eta.dt.month()).alias("eta_month"),
        pl.coalesce(col("eta_day"), eta.dt.day()).alias("eta_day"),
        pl.coalesce(col("eta_hour"), eta.dt.hour()).alias("eta_hour"),
        pl.coalesce(col("eta_minute"), eta.dt.minute()).alias("eta_minute"),
        pl.when(ship_type.is_in(_CATEGORY_HEADS) & cargo.is_not_null())
        .then(ship_type + cargo)
        .otherwise(ship_type)
        .alias("ship_type"),
    ]


def _re_char(char: str) -> str:
    """A character as a literal in a Rust regex, inside or outside a class."""
    return (
        "\\" + char if char.isascii() and char.isprintable() and not (char.isalnum() or char == " ") else char
    )


_POLARS_TYPES = dict(
    pl.DataFrame(
        pa.schema({**FIELD_TYPES, **{f.name: f.type for f in (*POSITIONS, *STATICS)}}).empty_table()
    ).schema
)
