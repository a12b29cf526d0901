"""OFAC's Specially Designated Nationals list (US Treasury), as its ``sdn.csv``.

The raw file has no header; its twelve columns are ``ent_num, name, type, program, title,
call_sign, vess_type, tonnage, grt, vess_flag, vess_owner, remarks``, ``-0-`` stands for
empty, and it is Latin-1. Vessels are the rows of type ``vessel``; their IMO number and MMSI
are written in the remarks (``Vessel Registration Identification IMO 9187629; MMSI
572469210``), with former and other names (``f.k.a. 'SAND SWAN'``, ``a.k.a. '...'``).
Programs are bracket-joined (``IRAN] [NPWMD``).

The same reader takes a vessel-only extract with a header (``ent_num, name, program,
call_sign, vessel_type, tonnage, grt, flag, owner, imo, mmsi, remarks``): columns are found by
name, and the IMO number or MMSI is taken from the remarks where its column is empty.
"""

from __future__ import annotations

import re

from shadowtrace.sanctions.entries import ParsedList, clean, csv_rows, table_rows

FORMAT = "ofac-sdn"
DEFAULT_NAME = "OFAC SDN"

#: columns of the raw ``sdn.csv``
RAW_COLUMNS = (
    "ent_num", "name", "type", "program", "title", "call_sign", "vess_type", "tonnage", "grt", "vess_flag",
    "vess_owner", "remarks",
)
_IMO = re.compile(r"\bIMO\s*(\d+)")
_MMSI = re.compile(r"\bMMSI\s*(\d+)")
_OTHER_NAME = re.compile(r"\b[fa]\.k\.a\.\s*'([^']+)'")


def looks_like(first_row: list[str]) -> bool:
    """Whether the first row of a CSV is the raw SDN's (an entry) or the vessel extract's header."""
    cells = [c.strip().lower() for c in first_row]
    types = ("individual", "vessel", "aircraft", "-0-")
    raw = len(cells) == len(RAW_COLUMNS) and cells[0].isdigit() and cells[2] in types
    return raw or cells[:2] == ["ent_num", "name"]


def read_ofac(text: str) -> ParsedList:
    """The vessels of an SDN file (raw or vessel extract)."""
    out = ParsedList(FORMAT, DEFAULT_NAME)
    head = next(csv_rows(text), None)
    extract = head is not None and [c.strip().lower() for c in head[1][:2]] == ["ent_num", "name"]
    for line, raw, fields in table_rows(text, out, None if extract else list(RAW_COLUMNS)):
        row = {k: clean(v) for k, v in fields.items()}
        if "type" in row and (row["type"] or "").lower() != "vessel":
            out.ignored += 1
            continue
        remarks = row.get("remarks") or ""
        imo = row.get("imo") or _found(_IMO, remarks)
        mmsi = row.get("mmsi") or _found(_MMSI, remarks)
        out.add(
            line, raw,
            entry_id=row.get("ent_num") or "",
            name=row.get("name"),
            aliases=_OTHER_NAME.findall(remarks),
            imo=imo, mmsi=mmsi,
            flag=row.get("vess_flag", row.get("flag")),
            callsign=row.get("call_sign"),
            programs=[p.strip(" []") for p in (row.get("program") or "").split("] [")],
        )
    out.finish()
    return out


def _found(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1) if m else None
