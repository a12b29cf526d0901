"""Which reader a sanctions list needs, told by its content; and its bytes as text.

The first non-blank line decides: a JSON object is FollowTheMoney JSON lines; a CSV header with
``celex`` and ``imoNumber`` an EU annex; a raw SDN row (a number, a name, a type such as
``vessel``) or a header starting ``ent_num,name`` OFAC's SDN; a header with ``id``, ``name`` and
``schema`` (or ``type``) an OpenSanctions CSV. A file that is none of these is refused with the
list of formats, and ``--format`` forces one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from shadowtrace.errors import InputError
from shadowtrace.sanctions import eu, ofac, opensanctions
from shadowtrace.sanctions.entries import ParsedList, csv_rows

#: every format, by name, with its reader
READERS: Final[dict[str, Callable[[str], ParsedList]]] = {
    ofac.FORMAT: ofac.read_ofac,
    eu.FORMAT: eu.read_eu,
    opensanctions.FTM: opensanctions.read_ftm,
    opensanctions.CSV: opensanctions.read_opensanctions_csv,
}


def decode(data: bytes) -> str:
    """Text of a list: UTF-8 (a byte-order mark dropped), else Latin-1 (OFAC's encoding); a DOS
    end-of-file mark (``\\x1a``) at the end is dropped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.rstrip().removesuffix("\x1a")


def detect(text: str) -> str | None:
    """The format of a list's text, or None."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first.lstrip().startswith("{"):
        return opensanctions.FTM
    row = next(csv_rows(first), (0, []))[1]
    header = [c.strip().lower() for c in row]
    if eu.looks_like(header):
        return eu.FORMAT
    if ofac.looks_like(row):
        return ofac.FORMAT
    if opensanctions.looks_like_csv(header):
        return opensanctions.CSV
    return None


def parse(data: bytes, fmt: str | None = None, where: str = "the list") -> ParsedList:
    """The entries of a list in format ``fmt`` (default: told by the content)."""
    text = decode(data)
    fmt = fmt or detect(text)
    if fmt is None:
        raise InputError(
            f"{where}: not a sanctions list this version reads ({', '.join(READERS)}: see docs/sanctions.md); "
            "give --format to force one"
        )
    if fmt not in READERS:
        raise InputError(f"--format {fmt!r} is not one of {', '.join(READERS)}")
    return READERS[fmt](text)
