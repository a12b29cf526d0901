"""EU sanctions annexes, as OpenSanctions transcribes the Official Journal (one CSV per regulation).

Columns are found by name: ``celex``, ``recordId``, ``programKey``, ``annex``, ``measure``,
``startDate`` (``d.m.yyyy``), ``schema``, ``name``, ``alias``, ``weakAlias``, ``previousName``
(``;``-separated), ``imoNumber``, ``mmsi``, ``flag``. Vessels are the rows of schema ``Vessel``
(a vessel extract without a ``schema`` column is all vessels). The annexes give former names
in parentheses: ``Chong Bong (Greenlight) (Blue Nouvelle)``.

An entry's id is ``<celex>/<annex>/<IMO>`` (or the record id, or the line, when there is no
IMO number): one vessel listed in two annexes is two entries, one for each measure.
"""

from __future__ import annotations

import re

from shadowtrace.sanctions.entries import ParsedList, clean, split_parenthesised, split_values, table_rows

FORMAT = "eu-journal"
_CELEX = re.compile(r"^3(\d{4})R(\d{4})$")


def looks_like(header: list[str]) -> bool:
    return "celex" in header and "imonumber" in header and "name" in header


def regulation(celex: str) -> str:
    """A regulation's usual name from its CELEX number: ``32017R1509`` -> ``EU 2017/1509``,
    ``32014R0833`` -> ``EU 833/2014`` (numbers before 2015 put the year last)."""
    m = _CELEX.match(celex)
    if not m:
        return f"EU {celex}"
    year, number = int(m.group(1)), int(m.group(2))
    return f"EU {year}/{number}" if year >= 2015 else f"EU {number}/{year}"


def read_eu(text: str) -> ParsedList:
    """The vessels of an EU annex CSV."""
    out = ParsedList(FORMAT)
    celexes: dict[str, None] = {}
    for line, raw, row in table_rows(text, out):
        if "schema" in row and clean(row["schema"]) != "Vessel":
            out.ignored += 1
            continue
        celex = clean(row.get("celex")) or ""
        celexes[celex] = None
        name, inner = split_parenthesised(row.get("name"))
        aliases = [*inner, *(v for k in ("alias", "weakalias", "previousname") for v in split_values(row.get(k)))]
        imo = clean(row.get("imonumber"))
        key = imo or clean(row.get("recordid")) or f"line {line}"
        out.add(
            line, raw,
            entry_id=f"{celex}/{clean(row.get('annex')) or ''}/{key}",
            name=name, aliases=aliases, imo=imo, mmsi=row.get("mmsi"), flag=row.get("flag"),
            programs=split_values(row.get("programkey")),
            listed_since=row.get("startdate"),
        )
    out.default_name = " + ".join(regulation(c) for c in celexes if c) or "EU"
    out.finish()
    return out
