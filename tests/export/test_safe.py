"""Untrusted text made safe per medium: spreadsheet formulas, terminals, XML, HTML."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pyarrow as pa
import pytest

from shadowtrace.export.safe import html_text, neutralise_formulas, spreadsheet_safe, terminal_safe, xml_safe

# (text, what a spreadsheet cell must hold)
CELLS = {
    "equals": ("=1+1", "'=1+1"),
    "hyperlink": ('=HYPERLINK("http://x","y")', "'=HYPERLINK(\"http://x\",\"y\")"),
    "plus": ("+41 22 123", "'+41 22 123"),
    "minus-formula": ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    "at": ("@SUM(A1)", "'@SUM(A1)"),
    "tab": ("\t=1", "'\t=1"),
    "carriage-return": ("\r=1", "'\r=1"),
    "nul": ("\x00=1", "'\x00=1"),
    "negative-number-text": ("-12.5", "-12.5"),
    "signed-exponent": ("+1e5", "+1e5"),
    "dash-word": ("-ARCTIC", "'-ARCTIC"),
    "plain-name": ("SEA STAR", "SEA STAR"),
    "equals-inside": ("A=B", "A=B"),
    "empty": ("", ""),
    "quote-first": ("'=1", "'=1"),
}


@pytest.mark.parametrize(("text", "expected"), CELLS.values(), ids=CELLS.keys())
def test_spreadsheet_safe(text: str, expected: str) -> None:
    assert spreadsheet_safe(text) == expected


def test_vectorised_rule_matches_the_scalar_one_and_leaves_numbers_alone() -> None:
    texts = [t for t, _ in CELLS.values()] + [None]
    table = pa.table({
        "text": pa.array(texts, pa.string()),
        "large": pa.array(texts, pa.large_string()),
        "lon": pa.array([-12.5] * len(texts), pa.float64()),
        "mmsi": pa.array([-1] * len(texts), pa.int32()),
    })
    out = neutralise_formulas(table)
    expected = [e for _, e in CELLS.values()] + [None]
    assert out.column("text").to_pylist() == expected
    assert out.column("large").to_pylist() == expected
    assert out.column("lon").to_pylist() == [-12.5] * len(texts)  # a negative longitude stays a number
    assert out.column("mmsi").type == pa.int32()
    assert out.schema == table.schema


# (text, terminal_safe, xml_safe)
CONTROL = {
    "escape-sequence": ("\x1b[31mRED", "\\x1b[31mRED", "\\x1b[31mRED"),
    "c1-csi": ("\x9b31m", "\\x9b31m", "\\x9b31m"),
    "bidi-override": ("A\u202eB", "A\\u202eB", "A\\u202eB"),
    "tab-and-newline-kept": ("a\tb\nc", "a\tb\nc", "a\tb\nc"),
    "nul": ("a\x00b", "a\\x00b", "a\\x00b"),
    "not-xml": ("a\ufffeb", "a\ufffeb", "a\\ufffeb"),
    "markup-left-to-the-serializer": ("<b>&", "<b>&", "<b>&"),
}


@pytest.mark.parametrize(("text", "terminal", "xml"), CONTROL.values(), ids=CONTROL.keys())
def test_control_characters_become_visible(text: str, terminal: str, xml: str) -> None:
    assert terminal_safe(text) == terminal
    assert xml_safe(text) == xml
    element = ET.Element("name")
    element.text = xml_safe(text)
    assert ET.fromstring(ET.tostring(element)).text == xml  # always well formed


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "]]></name><name>x", "a & b \"c\" 'd'"])
def test_html_text_shows_the_text_itself(text: str) -> None:
    out = html_text(text)
    assert "<" not in out and ">" not in out and '"' not in out
    assert html.unescape(out) == text
