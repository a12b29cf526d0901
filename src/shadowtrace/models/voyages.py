"""The voyages table: from one port call to the next, with what was declared on the way.

Built by ``tracks.voyages`` and stored by ``shadowtrace detect`` (replaced on every run).
"""

from __future__ import annotations

import pyarrow as pa

from shadowtrace.models.tables import TS

ROW_REF = pa.struct([("source_id", pa.int32()), ("line", pa.int64())])

#: one AIS destination text broadcast during a voyage
DESTINATION = pa.struct(
    [
        ("text", pa.string()),  # as received: untrusted
        ("first_seen", TS),
        ("last_seen", TS),
        ("count", pa.uint32()),
        ("evidence", pa.list_(ROW_REF)),  # the sentences that carried it
    ]
)

VOYAGES = pa.schema(
    [
        pa.field("mmsi", pa.int32(), nullable=False),
        pa.field("track", pa.uint32()),
        pa.field("voyage", pa.uint32()),
        pa.field("imo", pa.int32()),
        pa.field("vessel_name", pa.string()),
        pa.field("from_locode", pa.string()),
        pa.field("from_port", pa.string()),
        pa.field("from_country", pa.string()),
        pa.field("departed_at", TS),
        pa.field("to_locode", pa.string()),  # null: open voyage
        pa.field("to_port", pa.string()),
        pa.field("to_country", pa.string()),
        pa.field("arrived_at", TS),
        pa.field("to_lat", pa.float64()),
        pa.field("to_lon", pa.float64()),
        pa.field("from_call", pa.string()),  # event_id of the PORT_CALL left
        pa.field("to_call", pa.string()),  # event_id of the PORT_CALL reached
        pa.field("arrival_source_id", pa.int32()),  # first fix inside the port of arrival
        pa.field("arrival_line", pa.int64()),
        pa.field("destinations", pa.list_(DESTINATION)),
        pa.field("dark_from", TS),  # the last silence of >= dark_gap_h during the voyage
        pa.field("dark_until", TS),
        pa.field("declaration_id", pa.string()),  # the clearance record of the departure, if any
        pa.field("declared_next_locode", pa.string()),
        pa.field("declared_next_name", pa.string()),
        pa.field("cargo", pa.string()),
        pa.field("declared_departure", TS),
        pa.field("declaration_source_id", pa.int32()),
        pa.field("declaration_line", pa.int64()),
    ]
)
