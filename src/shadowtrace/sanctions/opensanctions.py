"""OpenSanctions data: FollowTheMoney entities as JSON lines, and its flat CSV exports.

**FollowTheMoney JSON lines** (``entities.ftm.json``): one entity a line, ``{"id", "schema",
"properties": {name: [values]}, "datasets", "first_seen", "last_change"...}``. Vessels are the
entities of schema ``Vessel``: ``name`` (the first is the name, the others aliases), ``alias``,
``weakAlias``, ``previousName``, ``imoNumber`` (``IMO9242223`` or ``9242223``), ``mmsi``,
``flag`` (``kp``), ``callSign``, ``programId``. Programs and the listing date come from the
``Sanction`` entities that name the vessel in their ``entity`` property (or nested in its
``sanctions`` property): ``programId``, ``listingDate`` or ``startDate``; without one, the
entity's ``first_seen`` date stands in. When every vessel belongs to one and the same dataset
(``datasets``), that dataset names the list.

**CSV** (``id, schema`` or ``type, name, aliases, imo, mmsi, flag, program_ids, first_seen``,
found by name): one row per entity, vessels being those of schema ``Vessel``.
"""

from __future__ import annotations

import json
from typing import Any

from shadowtrace.sanctions.entries import ParsedList, clean, parse_date, split_values, table_rows

FTM = "ftm"
CSV = "opensanctions-csv"


def looks_like_csv(header: list[str]) -> bool:
    return {"id", "name"} <= set(header) and bool({"schema", "type"} & set(header))


def _values(props: dict[str, Any], key: str) -> list[Any]:
    value = props.get(key, [])
    return value if isinstance(value, list) else [value]


def _texts(props: dict[str, Any], *keys: str) -> list[str]:
    return [v for k in keys for v in _values(props, k) if isinstance(v, str)]


def _earliest(texts: list[str]) -> str | None:
    days = sorted(d for d in (parse_date(t) for t in texts) if d is not None)
    return days[0].isoformat() if days else None


def read_ftm(text: str) -> ParsedList:
    """The vessels of a FollowTheMoney JSON lines file."""
    out = ParsedList(FTM)
    vessels: list[tuple[int, str, dict[str, Any]]] = []
    sanctions: dict[str, list[dict[str, Any]]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entity = json.loads(line)
        except ValueError:
            out.reject(number, "not a JSON line", line)
            continue
        if not isinstance(entity, dict) or not isinstance(entity.get("properties", {}), dict):
            out.reject(number, "not a FollowTheMoney entity (a JSON object with schema and properties)", line)
            continue
        if entity.get("schema") == "Vessel":
            vessels.append((number, line, entity))
            continue
        out.ignored += 1
        if entity.get("schema") == "Sanction":
            props = entity.get("properties") or {}
            for target in _texts(props, "entity"):
                sanctions.setdefault(target, []).append(props)
    datasets = {tuple(e.get("datasets") or ()) for _, _, e in vessels}
    if len(datasets) == 1 and len(first := datasets.pop()) == 1 and isinstance(first[0], str):
        out.default_name = first[0]
    for number, line, entity in vessels:
        props = entity.get("properties") or {}
        nested = [s.get("properties") or {} for s in _values(props, "sanctions") if isinstance(s, dict)]
        linked = sanctions.get(str(entity.get("id")), []) + nested
        names = _texts(props, "name")
        imos, mmsis = _texts(props, "imoNumber"), _texts(props, "mmsi")
        if len(set(imos)) > 1 or len(set(mmsis)) > 1:
            out.flagged["several IMO numbers or MMSIs (the first kept)"] += 1
        out.add(
            number, line,
            entry_id=str(entity.get("id") or ""),
            name=names[0] if names else None,
            aliases=[*names[1:], *_texts(props, "alias", "weakAlias", "previousName")],
            imo=imos[0] if imos else None,
            mmsi=mmsis[0] if mmsis else None,
            flag=next(iter(_texts(props, "flag")), None),
            callsign=next(iter(_texts(props, "callSign")), None),
            programs=[p for s in [props, *linked] for p in _texts(s, "programId")],
            listed_since=_earliest([t for s in linked for t in _texts(s, "listingDate", "startDate")])
            or (entity["first_seen"] if isinstance(entity.get("first_seen"), str) else None),
        )
    out.finish()
    return out


def read_opensanctions_csv(text: str) -> ParsedList:
    """The vessels of an OpenSanctions CSV export."""
    out = ParsedList(CSV)
    for line, raw, row in table_rows(text, out):
        if clean(row.get("schema", row.get("type"))) != "Vessel":
            out.ignored += 1
            continue
        out.add(
            line, raw,
            entry_id=row.get("id") or "",
            name=row.get("name"),
            aliases=split_values(row.get("aliases")),
            imo=row.get("imo", row.get("imonumber")),
            mmsi=row.get("mmsi"),
            flag=row.get("flag"),
            programs=split_values(row.get("program_ids")),
            listed_since=row.get("first_seen"),
        )
    out.finish()
    return out
