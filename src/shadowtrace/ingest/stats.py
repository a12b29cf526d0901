"""Per-source accounting: lines read = decoded + rejected + ignored by rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: reject causes, declared once (value: what it means)
REJECT_CAUSES = {
    "checksum": "NMEA checksum does not match the sentence",
    "truncated": "sentence cut short: missing fields or checksum",
    "malformed": "a field of the sentence cannot be parsed (fragment numbers, fill bits...)",
    "unknown_talker": (
        "not an AIS talker (AI, AB, AD, AN, AR, AS, AT, AX, BS, SA; national feeds' BY, SS, --, B0-B9)"
    ),
    "oversize": "line longer than the limit for one NMEA line",
    "non_ascii": "bytes outside printable ASCII (binary garbage or invalid UTF-8)",
    "not_nmea": "text that is not an NMEA sentence",
    "bad_payload": "payload holds characters outside the AIS 6-bit armour",
    "payload_too_short": "payload shorter than its message type requires",
    "bad_tag_block": "tag block is malformed or its checksum does not match",
    "multipart_orphan": "a later part of a multipart message whose first part was not seen",
    "multipart_incomplete": "a multipart message whose remaining parts never arrived",
    "missing_field": "CSV row lacks a required field",
    "bad_value": "CSV field holds a value that cannot be what the column says",
    "bad_time": "CSV time cannot be parsed",
    "unsupported_type": "CSV row of a message type that has no position or static fields (kept raw here)",
}

#: rules by which a line is read but deliberately not decoded
IGNORE_RULES = {
    "blank": "empty line",
    "comment": "comment line (starts with #)",
    "timestamp_line": "a line that only carries the time of the next sentence ($PGHP, bare tag block)",
    "non_ais_nmea": "a valid NMEA sentence that is not AIS ($GPRMC, $PSTT...)",
    "header": "the CSV header",
}


@dataclass
class IngestStats:
    """What happened to every line of one source (or, merged, of a run)."""

    format: str = ""
    lines_read: int = 0
    lines_decoded: int = 0
    lines_rejected: int = 0
    ignored: Counter[str] = field(default_factory=Counter)
    rows_by_type: Counter[int] = field(default_factory=Counter)
    rows_by_table: Counter[str] = field(default_factory=Counter)
    rejects_by_cause: Counter[str] = field(default_factory=Counter)
    untimed_rows: int = 0

    @property
    def lines_ignored(self) -> int:
        return sum(self.ignored.values())

    @property
    def balanced(self) -> bool:
        """True when every line read is accounted for exactly once."""
        return self.lines_read == self.lines_decoded + self.lines_rejected + self.lines_ignored

    def merge(self, other: IngestStats) -> None:
        self.lines_read += other.lines_read
        self.lines_decoded += other.lines_decoded
        self.lines_rejected += other.lines_rejected
        self.ignored.update(other.ignored)
        self.rows_by_type.update(other.rows_by_type)
        self.rows_by_table.update(other.rows_by_table)
        self.rejects_by_cause.update(other.rejects_by_cause)
        self.untimed_rows += other.untimed_rows

    def as_dict(self) -> dict[str, object]:
        return {
            "format": self.format,
            "lines_read": self.lines_read,
            "lines_decoded": self.lines_decoded,
            "lines_rejected": self.lines_rejected,
            "lines_ignored": self.lines_ignored,
            "ignored": dict(sorted(self.ignored.items())),
            "rows_by_type": {str(k): v for k, v in sorted(self.rows_by_type.items())},
            "rows_by_table": dict(sorted(self.rows_by_table.items())),
            "rejects_by_cause": dict(sorted(self.rejects_by_cause.items())),
            "untimed_rows": self.untimed_rows,
        }
