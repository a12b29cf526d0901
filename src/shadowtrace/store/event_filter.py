"""Which events to read: the one SQL filter of the events table that every reader shares.

``shadowtrace events``, ``shadowtrace export`` and the web app's event list and API select
events the same way: by kind, severity, vessel, time window and broadcast name. A vessel is an
MMSI, or an IMO number standing for itself and every MMSI that broadcast it; its events are
those about it and the meetings where it is the other party (``details.other.mmsi``). The
window is ``[since, until)``: events ending at or after ``since`` and starting before ``until``.
Nothing typed reaches the SQL except as a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shadowtrace.models.vessels import parse_vessel

#: the MMSIs that broadcast an IMO number
MMSIS_OF_IMO = "SELECT DISTINCT mmsi FROM statics WHERE imo = ? AND mmsi IS NOT NULL"
#: the MMSIs that broadcast a name like a pattern
MMSIS_NAMED = "SELECT DISTINCT mmsi FROM statics WHERE shipname ILIKE ? ESCAPE '\\' AND mmsi IS NOT NULL"
#: the other party of a two-vessel event
PARTNER = "TRY_CAST(json_extract_string(details, '$.other.mmsi') AS BIGINT)"


@dataclass(frozen=True)
class EventFilter:
    """Which events to list (empty fields select everything); vessels as typed, MMSI or IMO."""

    kinds: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    vessels: tuple[str, ...] = ()
    since: dt.datetime | None = None  # events ending at or after
    until: dt.datetime | None = None  # events starting before
    name: str | None = None  # part of a name the vessel broadcast (case-insensitive)

    def __post_init__(self) -> None:
        for vessel in self.vessels:
            parse_vessel(vessel)  # a clear error now rather than no rows later

    def sql(self) -> tuple[str, list[object]]:
        """The WHERE condition and its parameters."""
        where: list[str] = ["TRUE"]
        params: list[object] = []
        if self.kinds:
            where.append(f"kind IN ({', '.join('?' for _ in self.kinds)})")
            params += [k.upper() for k in self.kinds]
        if self.severities:
            where.append(f"severity IN ({', '.join('?' for _ in self.severities)})")
            params += list(self.severities)
        if self.vessels:
            ors: list[str] = []
            for vessel in self.vessels:
                column, number = parse_vessel(vessel)
                if column == "imo":
                    ors.append(f"imo = ? OR mmsi IN ({MMSIS_OF_IMO}) OR {PARTNER} IN ({MMSIS_OF_IMO})")
                    params += [number, number, number]
                else:
                    ors.append(f"mmsi = ? OR {PARTNER} = ?")
                    params += [number, number]
            where.append("(" + " OR ".join(ors) + ")")
        if self.since:
            where.append('coalesce("end", start) >= ?')
            params.append(_utc(self.since))
        if self.until:
            where.append("start < ?")
            params.append(_utc(self.until))
        if self.name:
            pattern = "%" + self.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(f"(vessel_name ILIKE ? ESCAPE '\\' OR mmsi IN ({MMSIS_NAMED}))")
            params += [pattern, pattern]
        return " AND ".join(where), params

    def is_empty(self) -> bool:
        return self == EventFilter()


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when
