"""FollowTheMoney entities (JSON lines) for investigation platforms: Aleph, OpenAleph, yente, the ``ftm`` tools.

Plain dicts following the FtM schema (``followthemoney`` itself is not needed to write them; the
tests validate against it when it is installed):

- ``Vessel``, one per MMSI: ``name`` (latest broadcast), ``previousName`` (the others), ``mmsi``,
  ``imoNumber`` (every valid IMO number broadcast, as ``IMO9074729``), ``callSign``, ``flag``
  (from the MMSI's MID), ``type`` (ship type in words). An MMSI is what AIS identifies: one
  entity per MMSI, matchable by IMO number downstream (a shared or stolen IMO number stays visible).
- ``Event``, one per event: ``name`` (kind and vessel), ``summary``, ``description`` (the lines
  of :func:`~shadowtrace.export.events.event_lines`: reasons, facts, evidence), ``startDate``,
  ``endDate``, ``keywords`` (kind, severity), ``recordId`` (the event id), ``location`` and
  ``country`` where the details name a port, ``publisher``.
- ``UnknownLink`` from each vessel of an event to it (``role``: ``subject``, or ``other`` for an
  encounter's other vessel). FtM's ``Event.involved`` only takes a LegalEntity, and a link shows on
  both the vessel's and the event's page.

Text is kept as broadcast, control characters shown as ``\\xNN`` escapes (FtM's own cleaning
would silently drop them, hiding that they were there).

Ids are deterministic: ``shadowtrace-vessel-mmsi-<MMSI>``, ``shadowtrace-event-<event_id>``,
``shadowtrace-link-<hash of both>``. Dates are UTC without a zone (FtM's date format).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

import polars as pl
import pyarrow as pa

from shadowtrace.export.events import details_of, event_lines, event_title, event_vessels
from shadowtrace.export.safe import xml_safe
from shadowtrace.export.tracks import TrackBucket
from shadowtrace.export.vessels import identities, ship_type_label
from shadowtrace.models.events import event_summary
from shadowtrace.models.imo import valid_imo
from shadowtrace.models.mid import flag_of_mmsi
from shadowtrace.store.store import Store

PUBLISHER = "shadowtrace"
_LOCATION_KEYS = ("actual_port", "port_name")
_COUNTRY_KEYS = ("actual_country", "country")

Entity = dict[str, Any]


def vessel_id(mmsi: int) -> str:
    return f"shadowtrace-vessel-mmsi-{mmsi}"


def event_entity_id(event_id: str) -> str:
    return f"shadowtrace-event-{event_id}"


def link_id(event_id: str, mmsi: int) -> str:
    return "shadowtrace-link-" + hashlib.sha256(f"{event_id}|{mmsi}".encode()).hexdigest()[:16]


def ftm_date(when: Any) -> str | None:
    """UTC as ``2017-10-01T12:00:00`` (FtM dates carry no zone)."""
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%S")


def _entity(eid: str, schema: str, properties: Mapping[str, Iterable[Any]]) -> Entity:
    props = {k: [xml_safe(str(v)) for v in dict.fromkeys(vs) if v is not None and v != ""]
             for k, vs in properties.items()}
    return {"id": eid, "schema": schema, "properties": {k: v for k, v in props.items() if v}}


def vessel_entity(mmsi: int, identity: Mapping[str, Any] | None, fallback_name: str | None = None) -> Entity:
    """The Vessel of an MMSI, from its identity row (:func:`shadowtrace.export.vessels.identities`)."""
    ident = identity or {}
    name = ident.get("vessel_name") or fallback_name or f"MMSI {mmsi}"
    latest_imo = ident.get("imo")
    imos = [latest_imo, *(ident.get("imos") or [])]
    flag = flag_of_mmsi(mmsi)
    return _entity(vessel_id(mmsi), "Vessel", {
        "name": [name],
        "previousName": [n for n in ident.get("names") or [] if n != name],
        "mmsi": [mmsi],
        "imoNumber": [f"IMO{i}" for i in imos if i is not None and valid_imo(i)],
        "callSign": [ident.get("callsign"), *(ident.get("callsigns") or [])],
        "flag": [flag.lower()] if flag else [],
        "type": [ship_type_label(ident.get("ship_type"))],
    })


def event_entities(row: Mapping[str, Any]) -> list[Entity]:
    """An event row's Event and a link from each of its vessels."""
    details = details_of(row)
    eid = event_entity_id(row["event_id"])
    start, end = ftm_date(row["start"]), ftm_date(row.get("end") or row["start"])
    country = next((details[k] for k in _COUNTRY_KEYS if isinstance(details.get(k), str)), None)
    event = _entity(eid, "Event", {
        "name": [event_title(row)],
        "summary": [event_summary(row["kind"], details)],
        "description": ["\n".join(event_lines(row, details))],
        "startDate": [start],
        "endDate": [end],
        "keywords": [row["kind"], row["severity"]],
        "recordId": [row["event_id"]],
        "location": [next((details[k] for k in _LOCATION_KEYS if isinstance(details.get(k), str)), None)],
        "country": [country.lower()] if country and len(country) == 2 and country.isalpha() else [],
        "publisher": [PUBLISHER],
    })
    links = [
        _entity(link_id(row["event_id"], mmsi), "UnknownLink", {
            "subject": [vessel_id(mmsi)], "object": [eid], "role": [role], "startDate": [start], "endDate": [end],
        })
        for role, mmsi in event_vessels(row, details)
    ]
    return [event, *links]


class FtmWriter:
    """Writes entities as JSON lines; each Vessel once, before the first event that links to it."""

    def __init__(self, out: TextIO, store: Store) -> None:
        self.out = out
        self.store = store
        self._vessels: set[int] = set()

    def start(self) -> None:
        pass

    def finish(self) -> None:
        pass

    def _write(self, entities: Iterable[Entity]) -> None:
        for e in entities:
            self.out.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")

    def _write_vessels(self, mmsis: Iterable[int], known: pl.DataFrame, names: Mapping[int, str]) -> None:
        rows = {r["mmsi"]: r for r in known.iter_rows(named=True)}
        new = sorted(set(mmsis) - self._vessels)
        self._write(vessel_entity(m, rows.get(m), names.get(m)) for m in new)
        self._vessels.update(new)

    def events(self, table: pa.Table) -> None:
        rows = table.to_pylist()
        names: dict[int, str] = {}  # a name for vessels without static reports: as the events give it
        for row in rows:
            details = details_of(row)
            other = details.get("other")
            for role, mmsi in event_vessels(row, details):
                name = row.get("vessel_name") if role == "subject" else dict(other or {}).get("name")
                if not names.get(mmsi):
                    names[mmsi] = name if isinstance(name, str) else ""
        wanted = sorted(set(names) - self._vessels)
        known = identities(self.store, pl.col("mmsi").is_in(wanted)) if wanted else pl.DataFrame()
        self._write_vessels(wanted, known, names)
        for row in rows:
            self._write(event_entities(row))

    def tracks(self, bucket: TrackBucket) -> None:
        self._write_vessels(bucket.vessels["mmsi"].to_list(), bucket.vessels, {})
