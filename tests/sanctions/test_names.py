"""Vessel names as compared, and their fuzzy score."""

from __future__ import annotations

import pytest

from shadowtrace.sanctions.names import listed_keys, name_key, name_score, score_pairs

KEYS = {
    "upper case, accents dropped": ("Chông Bòng", "CHONG BONG"),
    "punctuation as spaces": ("LADY-R.", "LADY R"),
    "AIS padding": ("YU JONG 2@@@@@@@@@@@", "YU JONG 2"),
    "prefix M/V": ("M/V Lady-R", "LADY R"),
    "prefix MT": ("MT OCEAN STAR", "OCEAN STAR"),
    "prefix M.T.": ("M.T. NEW KONK", "NEW KONK"),
    "prefix alone is a name": ("MT", "MT"),
    "NO. before a number": ("KUM UN SAN NO. 3", "KUM UN SAN 3"),
    "NO3 glued": ("KUM UN SAN NO3", "KUM UN SAN 3"),
    "NO as a first word stays": ("NO 1", "NO 1"),
    "roman numeral": ("SEASTAR III", "SEASTAR 3"),
    "roman numeral as the first word stays": ("I LOVE", "I LOVE"),
    "digits kept": ("YU JONG 2", "YU JONG 2"),
}


@pytest.mark.parametrize(("text", "key"), KEYS.values(), ids=KEYS.keys())
def test_name_key(text: str, key: str) -> None:
    assert name_key(text) == key


SCORES = {
    "same": ("YU JONG 2", "YU JONG 2", 100.0),
    "sister ship: numbers differ": ("YU JONG 2", "YU JONG 1", 0.0),
    "number missing": ("YU JONG", "YU JONG 2", 0.0),
    "roman and arabic numbers agree": (name_key("SAM JONG II"), "SAM JONG 2", 100.0),
    "spaces differ": ("CHONMASAN", "CHON MA SAN", 100.0),
    "word order": ("PACIFIC STAR", "STAR PACIFIC", 100.0),
    "one letter": ("KHOLMOGORY", "KHOLMOGORI", 90.0),
    "a word more": ("OCEAN", "OCEAN STAR", 71.4),
}


@pytest.mark.parametrize(("a", "b", "score"), SCORES.values(), ids=SCORES.keys())
def test_name_score(a: str, b: str, score: float) -> None:
    assert name_score(a, b) == pytest.approx(score, abs=0.1)


def test_score_pairs_agrees_with_name_score() -> None:
    queries = ["YU JONG 2", "CHONMASAN", "OCEAN", "KHOLMOGORY", "SEA STAR"]
    choices = ["YU JONG 1", "YU JONG 2", "CHON MA SAN", "OCEAN STAR", "KHOLMOGORI", "STAR SEA 1"]
    pairs = score_pairs(queries, choices, 90.0, block=2)
    expected = [(i, j, round(name_score(q, c), 1)) for i, q in enumerate(queries) for j, c in enumerate(choices)
                if name_score(q, c) >= 90.0]
    assert sorted(pairs) == sorted(expected)
    assert {(queries[i], choices[j]) for i, j, _ in pairs} == {
        ("YU JONG 2", "YU JONG 2"), ("CHONMASAN", "CHON MA SAN"), ("KHOLMOGORY", "KHOLMOGORI")}


def test_long_listed_names_are_also_looked_for_cut_to_20_characters() -> None:
    assert listed_keys(["Songjin (Jang Ja San Chong Nyon Ho)", "JANG JA SAN CHONG NYON HO", ""]) == [
        "SONGJIN JANG JA SAN CHONG NYON HO", "SONGJIN JANG JA SAN", "JANG JA SAN CHONG NYON HO",
        "JANG JA SAN CHONG NY"]
