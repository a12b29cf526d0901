"""The ``listed`` table: vessels named on sanctions lists, one row per list entry.

Written by ``shadowtrace lists add`` (see :mod:`shadowtrace.sanctions`), read by the
SANCTIONS_MATCH detector. Every list loaded keeps its own rows; loading a list of the same
name again replaces them. Names are as listed (untrusted text, like AIS names).
"""

from __future__ import annotations

import pyarrow as pa

LISTED = pa.schema(
    [
        pa.field("list_name", pa.string(), nullable=False),  # "OFAC SDN", "EU 2017/1509"
        pa.field("list_date", pa.date32(), nullable=False),  # the version of the list
        pa.field("format", pa.string(), nullable=False),  # the parser that read it
        pa.field("entry_id", pa.string(), nullable=False),  # the list's own id of the entry
        pa.field("name", pa.string()),
        pa.field("aliases", pa.list_(pa.string())),  # former names, f.k.a., a.k.a., parenthesised names
        pa.field("imo", pa.int32()),
        pa.field("imo_valid", pa.bool_()),  # false: kept, but its check digit is wrong
        pa.field("mmsi", pa.int32()),
        pa.field("flag", pa.string()),  # ISO 3166-1 alpha-2
        pa.field("callsign", pa.string()),
        pa.field("programs", pa.list_(pa.string())),
        pa.field("listed_since", pa.date32()),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
    ]
)
