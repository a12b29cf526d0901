"""Untrusted text made safe for each place it goes: terminals, XML (KML), HTML (KML balloons), spreadsheets.

AIS names, destinations and call signs are typed by anyone with a transmitter, and decoded CSV
files can carry any character at all. Nothing here changes what the text *says*; it changes only
how a medium could misread it:

- :func:`terminal_safe`: control characters (escape sequences start with ESC or CSI) and bidi
  overrides become visible ``\\xNN`` escapes, so text cannot drive or spoof a terminal.
- :func:`xml_safe`: the same, plus the few characters XML 1.0 cannot hold at all (U+FFFE,
  U+FFFF, lone surrogates), so a document stays well formed. Markup characters are left to the
  XML serializer (ElementTree), which escapes them.
- :func:`html_text`: :func:`xml_safe` text HTML-escaped, for KML ``<description>``, which Google
  Earth renders as HTML *after* XML parsing (XML escaping alone would hand it ``<script>``).
- :func:`spreadsheet_safe` and :func:`neutralise_formulas`: OWASP's rule against formula (CSV)
  injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, TAB or CR (and NUL, as OWASP
  ASVS 1.2.10 adds) gets a leading apostrophe, which spreadsheets read as "this is text". Only
  text cells: numbers stay numbers, and a text cell holding nothing but a number (``-12.5``) is
  left alone, since a spreadsheet can only read it as that number.
"""

from __future__ import annotations

import html
import re

import pyarrow as pa
import pyarrow.compute as pc

# C0/C1 control characters (escape sequences start with ESC or CSI) and bidi overrides
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# and what XML 1.0 cannot hold at all (its Char production excludes them)
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")

#: first characters that make a spreadsheet read a cell as a formula (OWASP; NUL from ASVS 1.2.10)
FORMULA_STARTS = "=+-@\t\r\x00"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}"


def terminal_safe(text: str) -> str:
    """Untrusted text with every control character shown as a visible escape."""
    return _UNSAFE.sub(_visible, text)


def xml_safe(text: str) -> str:
    """Untrusted text that an XML 1.0 document can hold, control characters shown as escapes."""
    return _NOT_XML.sub(_visible, text)


def html_text(text: str) -> str:
    """Untrusted text as HTML that shows exactly that text (newlines as line breaks)."""
    return html.escape(xml_safe(text), quote=True).replace("\n", "<br/>")


def spreadsheet_safe(text: str) -> str:
    """A text cell that no spreadsheet reads as a formula (see the module docstring)."""
    if text and text[0] in FORMULA_STARTS and not re.match(_NUMBER, text):
        return "'" + text
    return text


def neutralise_formulas(table: pa.Table) -> pa.Table:
    """Every text column of a table with :func:`spreadsheet_safe` applied (vectorised); numbers untouched."""
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            col = table.column(i)
            starts = pc.is_in(pc.utf8_slice_codeunits(col, 0, 1), value_set=pa.array(list(FORMULA_STARTS), f.type))
            if not pc.any(starts).as_py():  # the common case: one cheap pass
                continue
            risky = pc.and_(starts, pc.invert(pc.match_substring_regex(col, _NUMBER)))
            quoted = pc.binary_join_element_wise(pa.scalar("'", f.type), col, pa.scalar("", f.type))
            table = table.set_column(i, f, pc.if_else(risky, quoted, col))
    return table
