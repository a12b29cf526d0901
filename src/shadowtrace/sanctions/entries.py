"""The entry every list reader fills: one listed vessel, checked the same way whatever the format.

A reader calls :meth:`ParsedList.add` once per vessel row with the texts as listed; ``add``
parses the IMO number, MMSI, flag and date, keeps what it can and counts what it could not:

- a row with no name, no IMO number and no MMSI names no vessel: a **reject** (counted, with
  its line and cause, never silently dropped);
- an IMO number with a wrong check digit is kept with ``imo_valid = false`` and **flagged**;
  an IMO or MMSI text that is not a number of the right length, an unknown flag or a date not
  understood is left null and flagged;
- rows of other kinds (persons, companies, aircraft) are **ignored**, and counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from shadowtrace.geo.countries import alpha2_of_alpha3, country_by_name, is_alpha2
from shadowtrace.models.imo import valid_imo

_IMO = re.compile(r"^(?:IMO)?\s*[:.]?\s*(\d+)$", re.IGNORECASE)
_PARENTHESISED = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Reject:
    """A row that names no vessel, or that could not be read."""

    line: int
    cause: str
    raw: str  # the row's text, at most 200 characters


@dataclass
class ParsedList:
    """What a reader made of one file: entries, rejects, flagged problems and ignored rows."""

    format: str
    default_name: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    flagged: Counter[str] = field(default_factory=Counter)
    ignored: int = 0

    def reject(self, line: int, cause: str, raw: str) -> None:
        self.rejects.append(Reject(line, cause, raw[:200]))

    def add(
        self,
        line: int,
        raw: str,
        *,
        entry_id: str,
        name: str | None,
        aliases: Iterable[str] = (),
        imo: str | None = None,
        mmsi: str | None = None,
        flag: str | None = None,
        callsign: str | None = None,
        programs: Iterable[str] = (),
        listed_since: str | None = None,
    ) -> None:
        """One vessel row, as listed (texts); see the module docstring for what is checked."""
        name = clean(name)
        imo_number, imo_ok = self._imo(imo)
        mmsi_number = self._mmsi(mmsi)
        if not name and imo_number is None and mmsi_number is None:
            self.reject(line, "no vessel name, IMO number or MMSI", raw)
            return
        names = [a for a in dict.fromkeys(clean(a) for a in aliases) if a and a != name]
        self.rows.append({
            "entry_id": clean(entry_id) or f"line {line}",
            "name": name,
            "aliases": names,
            "imo": imo_number,
            "imo_valid": imo_ok,
            "mmsi": mmsi_number,
            "flag": self._flag(flag),
            "callsign": clean(callsign),
            "programs": [p for p in dict.fromkeys(clean(p) for p in programs) if p],
            "listed_since": self._date(listed_since),
            "line": line,
        })

    def _imo(self, text: str | None) -> tuple[int | None, bool | None]:
        text = clean(text)
        if not text:
            return None, None
        m = _IMO.match(text)
        if not m or len(m.group(1)) != 7:
            self.flagged["IMO number not 7 digits (left out)"] += 1
            return None, None
        imo = int(m.group(1))
        if not valid_imo(imo):
            self.flagged["IMO check digit wrong (kept, imo_valid false)"] += 1
            return imo, False
        return imo, True

    def _mmsi(self, text: str | None) -> int | None:
        text = clean(text)
        if not text:
            return None
        if not (text.isdigit() and len(text) == 9):
            self.flagged["MMSI not 9 digits (left out)"] += 1
            return None
        return int(text)

    def _flag(self, text: str | None) -> str | None:
        text = clean(text)
        if not text or text.upper() in ("NONE IDENTIFIED", "UNKNOWN"):
            return None
        code = flag_code(text)
        if code is None:
            self.flagged["flag not recognised (left out)"] += 1
        return code

    def _date(self, text: str | None) -> dt.date | None:
        text = clean(text)
        if not text:
            return None
        day = parse_date(text)
        if day is None:
            self.flagged["date not understood (left out)"] += 1
        return day

    def finish(self) -> None:
        """Rejects in line order; entry ids unique within the list (a repeated id gets ``#2``, ``#3``...)."""
        self.rejects.sort(key=lambda r: r.line)
        seen: Counter[str] = Counter()
        for row in self.rows:
            seen[row["entry_id"]] += 1
            if seen[row["entry_id"]] > 1:
                row["entry_id"] = f"{row['entry_id']}#{seen[row['entry_id']]}"


def clean(text: str | None) -> str | None:
    """Text with whitespace collapsed; blank (or OFAC's ``-0-``) -> None."""
    if text is None:
        return None
    out = " ".join(str(text).split())
    return None if not out or out == "-0-" else out


def split_values(text: str | None, sep: str = ";") -> list[str]:
    """The values of a multi-valued cell (``"Feng Shou; Andromeda Star"``)."""
    return [v for v in (clean(p) for p in (text or "").split(sep)) if v]


def split_parenthesised(name: str | None) -> tuple[str | None, list[str]]:
    """A name and the names in parentheses after it: ``"Chong Bong (Greenlight) (Blue Nouvelle)"``
    -> ``("Chong Bong", ["Greenlight", "Blue Nouvelle"])`` (the EU annexes list former names so)."""
    if not name:
        return None, []
    inner = [v for v in (clean(m) for m in _PARENTHESISED.findall(name)) if v]
    return clean(_PARENTHESISED.sub(" ", name)) or clean(name), inner


def flag_code(text: str) -> str | None:
    """The ISO alpha-2 code of a flag given as a code (``kp``, ``PRK``) or a country name."""
    upper = text.strip().upper()
    if len(upper) == 2 and is_alpha2(upper):
        return upper
    if len(upper) == 3 and (code := alpha2_of_alpha3(upper)):
        return code
    named = re.sub(r"\bST\.? ", "SAINT ", upper).replace("&", " AND ")
    return country_by_name(text) or country_by_name(named)


def parse_date(text: str) -> dt.date | None:
    """A date written ``2017-10-03`` (or a longer ISO time), ``2017-10``, ``2017`` or ``3.10.2017``."""
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ].*)?$", text)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        d = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)
        return dt.date(int(d.group(3)), int(d.group(2)), int(d.group(1))) if d else None
    except ValueError:
        return None


#: the longest field a list's CSV row may hold (the csv module's default limit)
FIELD_LIMIT = 131_072


def csv_rows(text: str, out: ParsedList | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, fields) of every non-blank CSV row (quoted fields may span lines);
    a row the csv module cannot read (a field over its size limit) is a reject of ``out``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if out is not None:
                out.reject(start, f"unreadable CSV ({exc})", "")
            fields = []
        if any(len(f) > FIELD_LIMIT for f in fields):  # whatever limit another library set process-wide
            if out is not None:
                out.reject(start, f"unreadable CSV (field larger than field limit ({FIELD_LIMIT}))", "")
            fields = []
        if any(f.strip() for f in fields):
            yield start, fields
        start = reader.line_num + 1


def table_rows(
    text: str, out: ParsedList, header: list[str] | None = None
) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(line, raw text, {column: value}) of every CSV row. The first row is the header (read in
    lower case) unless ``header`` is given; a row with another number of fields is a reject."""
    rows = csv_rows(text, out)
    if header is None:
        head = next(rows, None)
        header = [h.strip().lower() for h in head[1]] if head else []
    for line, fields in rows:
        raw = ",".join(fields)
        if len(fields) != len(header):
            out.reject(line, f"expected {len(header)} fields, got {len(fields)}", raw)
            continue
        yield line, raw, dict(zip(header, fields, strict=True))
