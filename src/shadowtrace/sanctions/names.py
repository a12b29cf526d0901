"""Vessel names as compared: one key for a listed name and a broadcast one, and their fuzzy score.

:func:`name_key`: ASCII upper case with accents dropped, punctuation (and AIS ``@`` padding) as
spaces, a leading vessel prefix dropped (``M/V``, ``MV``, ``M.T.``, ``MT``, ``SS``...), ``NO.``
before a number dropped (``KUM UN SAN NO. 3`` is ``KUM UN SAN 3``), Roman numerals after the
first word written in digits (``SEASTAR III`` is ``SEASTAR 3``). Numbers are kept: they tell
sister ships apart.

:func:`name_score`: 0-100, the better of rapidfuzz's ``token_sort_ratio`` (word order ignored) and
the plain ratio of the keys without spaces (``CHONMASAN`` is ``CHON MA SAN``); 0 when the numbers
in the two names differ, so ``YU JONG 2`` never matches ``YU JONG 1``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from shadowtrace.geo.countries import name_key as _plain

#: leading words that say what kind of vessel it is, not which (``M/V`` is read as ``M V``)
PREFIXES: Final = (("M", "V"), ("M", "T"), ("M", "S"), ("M", "Y"), ("F", "V"), ("MV",), ("MT",), ("MS",), ("SS",),
                   ("MY",), ("FV",), ("TB",))
#: AIS names are at most this long: a longer listed name is also compared cut to it
AIS_NAME_CHARS: Final = 20
_NUMBERS = re.compile(r"\d+")
_ROMAN: Final = {r: str(i) for i, r in enumerate(
    ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"), 1)}


def name_key(text: str) -> str:
    """A vessel name as compared (see the module docstring)."""
    words = _plain(text.replace("@", " ")).split()
    for prefix in PREFIXES:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            words = words[len(prefix):]
            break
    out: list[str] = []
    for i, w in enumerate(words):
        if w in ("NO", "NR") and i + 1 < len(words) and words[i + 1].isdigit() and out:
            continue
        if out and w in _ROMAN:
            w = _ROMAN[w]
        out.append(w[2:] if re.fullmatch(r"NO\d+", w) and out else w)
    return " ".join(out)


def listed_keys(names: Sequence[str]) -> list[str]:
    """The keys a listed vessel is looked for under: each name's, and, when longer than an AIS
    name can be, the key of its first 20 characters (what a ship broadcasting it would send)."""
    keys: dict[str, None] = {}
    for n in names:
        key = name_key(n)
        if key:
            keys[key] = None
        if len(key) > AIS_NAME_CHARS:
            keys[key[:AIS_NAME_CHARS].rstrip()] = None
    return list(keys)


def numbers(key: str) -> tuple[str, ...]:
    return tuple(_NUMBERS.findall(key))


def name_score(a: str, b: str) -> float:
    """The score of two keys (see the module docstring)."""
    if numbers(a) != numbers(b):
        return 0.0
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))


def score_pairs(
    queries: Sequence[str], choices: Sequence[str], cutoff: float, block: int = 4096
) -> list[tuple[int, int, float]]:
    """(query index, choice index, score) of every pair of keys scoring at least ``cutoff``, by
    :func:`name_score`: rapidfuzz's matrix scorers over blocks of queries, numbers checked after."""
    out: list[tuple[int, int, float]] = []
    if not queries or not choices:
        return out
    packed = [c.replace(" ", "") for c in choices]
    for lo in range(0, len(queries), block):
        part = queries[lo:lo + block]
        best: npt.NDArray[np.float64] = np.maximum(
            process.cdist(part, choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, workers=-1),
            process.cdist([q.replace(" ", "") for q in part], packed, scorer=fuzz.ratio, score_cutoff=cutoff,
                          workers=-1),
        )
        for i, j in zip(*np.nonzero(best >= cutoff), strict=True):
            q, c = part[int(i)], choices[int(j)]
            if numbers(q) == numbers(c):
                out.append((lo + int(i), int(j), round(float(best[i, j]), 1)))
    return out
