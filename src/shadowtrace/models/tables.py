"""Arrow schemas of the stored tables, declared once.

Every decoded row carries its provenance: ``source_id`` (the catalog id of the
source it came from) and ``line`` / ``line_last`` (1-based line numbers of the
first and last sentence it was decoded from; they differ only for multipart
messages). ``ts`` is the receive time in UTC; it is null for rows whose source
line carried no time ("untimed" rows: kept and counted, never dropped).

Field names carry units (``sog_kn``, ``draught_m``); "not available" sentinels
of ITU-R M.1371 (lat 91, lon 181, SOG 102.3, COG 360, heading 511, draught 0,
ETA 0) are nulls.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("ms", tz="UTC")

#: columns shared by every decoded AIS table, in this order
PROVENANCE = [
    pa.field("source_id", pa.int32(), nullable=False),
    pa.field("line", pa.int64(), nullable=False),
    pa.field("line_last", pa.int64(), nullable=False),
    pa.field("ts", TS),
    pa.field("station", pa.string()),
    pa.field("channel", pa.string()),
    pa.field("msg_type", pa.uint8(), nullable=False),  # AIS message type; 0: decoded CSV, type unknown
    pa.field("repeat", pa.uint8()),
    pa.field("mmsi", pa.int32(), nullable=False),
]

#: position-bearing messages: 1, 2, 3 (class A), 4 and 11 (base station),
#: 9 (SAR aircraft), 18 and 19 (class B), 21 (aid to navigation), 27 (long range)
POSITIONS = pa.schema(
    [
        *PROVENANCE,
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("sog_kn", pa.float32()),
        pa.field("cog_deg", pa.float32()),
        pa.field("heading_deg", pa.int16()),
        pa.field("nav_status", pa.uint8()),
        pa.field("turn", pa.float32()),  # rate of turn, deg/min as pyais reports it
        pa.field("accuracy", pa.bool_()),
        pa.field("utc_second", pa.uint8()),  # the message's own time-stamp field (0-63)
        pa.field("maneuver", pa.uint8()),
        pa.field("raim", pa.bool_()),
        pa.field("radio", pa.int32()),
        pa.field("epfd", pa.uint8()),  # 4, 11, 19, 21: position fixing device
        pa.field("reported_utc", TS),  # 4, 11: the station's own UTC clock
        pa.field("alt_m", pa.int16()),  # 9: altitude (4095 = n/a -> null)
        pa.field("cs_unit", pa.bool_()),  # 18 flags
        pa.field("display", pa.bool_()),
        pa.field("dsc", pa.bool_()),
        pa.field("band", pa.bool_()),
        pa.field("msg22", pa.bool_()),
        pa.field("assigned", pa.bool_()),
        pa.field("gnss", pa.bool_()),  # 27: GNSS position status (0 = current)
    ]
)

#: static and voyage reports: 5 (class A), 19 (class B extended), 21 (aid to
#: navigation), 24 part A (part_num 0) and part B (part_num 1)
STATICS = pa.schema(
    [
        *PROVENANCE,
        pa.field("part_num", pa.uint8()),
        pa.field("ais_version", pa.uint8()),
        pa.field("imo", pa.int32()),  # 0 -> null
        pa.field("callsign", pa.string()),
        pa.field("shipname", pa.string()),  # 21: name + name extension
        pa.field("ship_type", pa.uint8()),
        pa.field("to_bow_m", pa.int16()),
        pa.field("to_stern_m", pa.int16()),
        pa.field("to_port_m", pa.int16()),
        pa.field("to_starboard_m", pa.int16()),
        pa.field("epfd", pa.uint8()),
        pa.field("eta_month", pa.uint8()),  # 0 -> null
        pa.field("eta_day", pa.uint8()),  # 0 -> null
        pa.field("eta_hour", pa.uint8()),  # 24 -> null
        pa.field("eta_minute", pa.uint8()),  # 60 -> null
        pa.field("draught_m", pa.float32()),  # 0 -> null
        pa.field("destination", pa.string()),
        pa.field("dte", pa.bool_()),
        pa.field("vendor_id", pa.string()),  # 24B
        pa.field("model", pa.uint8()),  # 24B
        pa.field("serial", pa.int32()),  # 24B
        pa.field("mothership_mmsi", pa.int32()),  # 24B, auxiliary craft (MMSI 98xxxxxxx)
        pa.field("aid_type", pa.uint8()),  # 21
        pa.field("off_position", pa.bool_()),  # 21
        pa.field("virtual_aid", pa.bool_()),  # 21
    ]
)

#: every other message type, kept whole: never dropped
OTHER = pa.schema(
    [
        *PROVENANCE,
        pa.field("payload", pa.string(), nullable=False),  # armoured 6-bit payload, reassembled
        pa.field("fill_bits", pa.uint8(), nullable=False),
    ]
)

#: lines that could not be decoded, with their cause and raw bytes
REJECTS = pa.schema(
    [
        pa.field("source_id", pa.int32(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("cause", pa.string(), nullable=False),
        pa.field("raw", pa.binary(), nullable=False),  # at most MAX_REJECT_RAW_BYTES
    ]
)

MAX_REJECT_RAW_BYTES = 1024

#: the decoded tables, by name; each is partitioned by UTC day of ``ts``
#: (rejects by the day of ingest)
DECODED = {"positions": POSITIONS, "statics": STATICS, "other": OTHER, "rejects": REJECTS}

#: port-clearance declarations: where a vessel told the port authority it was going
DECLARATIONS = pa.schema(
    [
        pa.field("source_id", pa.int32(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("declaration_id", pa.string()),
        pa.field("mmsi", pa.int32()),
        pa.field("imo", pa.int32()),
        pa.field("vessel_name", pa.string()),
        pa.field("flag", pa.string()),
        pa.field("port_locode", pa.string(), nullable=False),
        pa.field("port_name", pa.string()),
        pa.field("departure_time", TS, nullable=False),
        pa.field("declared_next_port_locode", pa.string()),
        pa.field("declared_next_port_name", pa.string()),
        pa.field("cargo", pa.string()),
    ]
)
