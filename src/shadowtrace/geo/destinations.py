"""Destination resolution: what place an AIS destination text names, and why we think so.

AIS destinations are typed by crews, twenty characters at most, in any form: ``CN DLC``,
``RU VVO>CN NGB``, ``VLADIVOSTOCK``, ``BUSAN KOREA``, ``FOR ORDERS``, a phone number, nothing.
Research on the German Bight found at least 52% of entries erroneous and 1.3% conformant to
UN/LOCODE. :func:`resolve` reads a text against a gazetteer and returns a :class:`Resolution`:
a port (UN/LOCODE), a country, a placeholder (a text that declares no destination), or
unresolved, with the rule that decided and a confidence.

Rules, each a small function tried in order (the first that answers decides):

1. ``blank``: nothing, punctuation, one character repeated, digits only.
2. ``placeholder``: contact details (phone, VHF channel, web address), or only words that
   declare no destination (``FOR ORDERS``, ``TBA``, ``FISHING GROUNDS``, ``SEA TRIAL``...).
3. ``locode``: a UN/LOCODE with or without separator (``CNDLC``, ``CN DLC``, ``CN-DLC``,
   ``CN.DLC``), the location code before the country (``LYT NZ``), a code followed by more
   words (``JP YOK HM``), or a European inland (ERI/ISRS) location code (``NLTNZ00130LOCKB00140``).
4. ``country``: a country name or ISO code alone (``CHINA``, ``KOREA`` -> KR, ``N.KOREA``/``DPRK``
   -> KP, ``RU``); the port when that country has a port of exactly that name (``SINGAPORE``).
5. ``legs``: routes (``FROM>TO``, ``A<>B``, ``A=>B``, ``A TO B``, ``A-B``, ``A/B/A``): the last leg
   is the destination; every leg is kept. ``-``, ``/`` and ``TO`` split only texts that are
   not a name as a whole (``ST-PETERSBURG``, ``HVIDE-SANDE``).
6. ``name``: a port name or alias, compared ignoring case, accents, punctuation and spacing,
   with ``ST``/``SAINT`` and ``FT``/``FORT`` equal, then without generic words (``PORT``,
   ``HARBOUR``, ``ANCHORAGE``, ``PILOT STATION``, ``OPL``, ``ROADS``, ``FOR ORDERS``...), then
   with the spellings of Nordic and German letters folded (``OE``/``O``, ``AA``/``A``, doubled
   letters) so ``THYBOROEN`` finds Thyboron.
7. ``name_country``: a name with a country, ISO code, or US/Canadian state (``BUSAN KOREA``,
   ``AALBORG  DK``, ``PL  SZCZECIN``, ``TACOMA,WA``): the name looked up in that country (exact,
   then fuzzy); the country alone when the name is not found there.
8. ``fuzzy``: a known misspelling (``VLADIVOSTOCK``, ``KALINIGRAD``, ``ROTERDAM``), by rapidfuzz
   ratio of at least ``fuzzy_min_score`` over every name (texts of ``fuzzy_min_chars`` or more).
9. ``name_part``: the longest run of words that is a port name (``SKAGEN PEC 217``,
   ``TRAFFIC FAROSUND``).
10. ``activity``: a word of activity or no-destination among others (``FISHING IN SKAGERACK``).
11. ``code_country``: a code-shaped text whose country is known but whose code is not listed.
12. ``unknown``: nothing found: unresolved.

When a name matches several ports, the port of the country the text names wins, else the one
nearest the previous leg of a route, else the largest (World Port Index harbour size, searoute's
terminal flag, number of anchorage points); confidence drops when another country's port is
nearly as large. Results are cached per normalised text, and the name index (and the fuzzy
index) is built once per gazetteer.
"""

from __future__ import annotations

import bisect
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Final

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from shadowtrace.errors import InputError
from shadowtrace.geo.countries import SUBDIVISIONS, alpha2_of_alpha3, country_by_name, country_name, is_alpha2
from shadowtrace.geo.gazetteer_files import MergedGazetteer, is_uncoded, searoute_sizes
from shadowtrace.geo.names import (
    ACTIVITY_WORDS,
    BUILTIN_ALIASES,
    CONTACT,
    GENERIC_WORDS,
    GEOGRAPHIC_WORDS,
    PLACEHOLDER_STEMS,
    PLACEHOLDER_WORDS,
    WORD_FORMS,
    fold,
    fold_words,
    name_words,
    normalise,
    stripped,
    words_of,
)
from shadowtrace.geo.ports import Gazetteer
from shadowtrace.geo.sphere import haversine_m

KINDS: Final = ("port", "country", "placeholder", "unresolved")


@dataclass(frozen=True)
class DestinationSettings:
    """How destination texts are matched to names."""

    fuzzy_min_score: float = field(
        default=90.0,
        metadata={
            "unit": "score 0-100",
            "help": "least rapidfuzz ratio for a misspelt name to count as the port "
            "(one letter wrong in a ten-letter name scores 90; one letter missing, 95)",
        },
    )
    fuzzy_one_edit_min_chars: int = field(
        default=7,
        metadata={
            "unit": "characters",
            "help": "texts this long or longer also match a name one letter away (wrong, missing or "
            "extra: ESBJERK, TARSHAVN) whatever their ratio; 0 turns this off",
        },
    )
    fuzzy_min_chars: int = field(
        default=5,
        metadata={"unit": "characters", "help": "shorter texts are never matched fuzzily"},
    )
    truncated_min_chars: int = field(
        default=6,
        metadata={"unit": "characters", "help": "least length of a text read as the start of a longer port name"},
    )
    name_part_min_chars: int = field(
        default=4,
        metadata={"unit": "characters", "help": "least length of a run of words matched as a name inside a text"},
    )
    place_code_margin: float = field(
        default=0.3,
        metadata={
            "unit": "size 0-1",
            "help": "three letters alone (ZNZ) are read as the place part of a UN/LOCODE only when the "
            "largest port with that place part is this much larger than the next",
        },
    )
    ambiguity_margin: float = field(
        default=0.2,
        metadata={
            "unit": "size 0-1",
            "help": "a same-named port in another place within this much of the chosen port's size "
            "makes the resolution ambiguous (confidence x0.75)",
        },
    )
    cache_size: int = field(
        default=200_000,
        metadata={"unit": "texts", "help": "resolutions kept per gazetteer before the cache is emptied"},
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value < 0 or (f.name == "fuzzy_min_score" and value > 100):
                unit, help_text = f.metadata["unit"], f.metadata["help"]
                raise InputError(f"destination setting {f.name}={value!r} is out of range ({unit}); {help_text}")


@dataclass(frozen=True)
class Resolution:
    """How one destination text resolves.

    ``kind`` is one of :data:`KINDS`. ``locode`` (and ``name``, the port's name) is set for a
    port; ``country`` (ISO 3166 alpha-2) for a port or a country. ``legs`` holds every leg of
    a route, in order (the last is the destination). ``rule`` names the rule that decided;
    ``detail`` says what it saw. ``confidence`` is 0..1.
    """

    raw: str
    kind: str
    locode: str | None = None
    country: str | None = None
    legs: tuple[Resolution, ...] = ()
    confidence: float = 0.0
    rule: str = "unknown"
    detail: str = ""
    name: str | None = None

    @property
    def destination(self) -> str | None:
        """The UN/LOCODE for a port, the country code for a country, else None."""
        return self.locode if self.kind == "port" else self.country if self.kind == "country" else None


# ---------------------------------------------------------------------------------------------
# vocabulary

#: route separators that always split (``>``, ``>>``, ``->``, ``=>``, ``<>``, ``<->``)
_STRONG = re.compile(r"<[-=]*>|[-=]*>+")
#: route separators that split only a text that is not a name as a whole
_WEAK = re.compile(r"\s+TO\s+|[/\\=+]|-+")
_LOCODE_TEXT = re.compile(r"([A-Z]{2})[\s\-.^_:]*([A-Z2-9]{3})")
_LOCODE_REVERSED = re.compile(r"([A-Z2-9]{3})[\s\-.,_]+([A-Z]{2})")
_LOCODE_LEADING = re.compile(r"([A-Z]{2})[\s\-.^_]?([A-Z2-9]{3})\s+[^<>=\s][^<>=]*")
_ISRS = re.compile(r"([A-Z]{2}[A-Z2-9]{3})[A-Z0-9]{12,15}")


# ---------------------------------------------------------------------------------------------
# the index of names


@dataclass(frozen=True)
class Match:
    """Ports whose name (or alias) matches a text, how it matched, and whose main name it is."""

    codes: tuple[str, ...]
    how: str
    key: str
    main: frozenset[str] = frozenset()


class PortIndex:
    """Every name and alias of a gazetteer's ports, by exact, stripped and folded key; built once."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        merged = gazetteer if isinstance(gazetteer, MergedGazetteer) else None
        sizes = None if merged else searoute_sizes()
        self.gazetteer = gazetteer
        self.size: dict[str, float] = {}
        self.subdivision: dict[str, str] = {}
        self.country_of: dict[str, str] = {}
        self.exact: dict[str, list[str]] = {}
        self.stripped: dict[str, list[str]] = {}
        self.folded: dict[str, list[str]] = {}
        self.main_keys: dict[str, set[str]] = {}
        #: the place part of every UN/LOCODE (``WLG`` -> ``NZWLG``...)
        self.by_place_code: dict[str, list[str]] = {}
        for code in gazetteer.locodes:
            rec = gazetteer.record(code)
            self.country_of[code] = rec.country
            self.size[code] = merged.size(code) if merged else (sizes or {}).get(code, 0.0)
            self.subdivision[code] = merged.subdivision(code) if merged else ""
            self.main_keys[code] = set()
            self._add(code, name_words(rec.name), main=True)
            for alias in (*(merged.aliases(code) if merged else ()), *BUILTIN_ALIASES.get(code, ())):
                self._add(code, name_words(alias), main=False)
            if _LOCODE_TEXT.fullmatch(code):
                self.by_place_code.setdefault(code[2:], []).append(code)
        self._fuzzy_keys = list(self.folded)
        self._fuzzy_by_country: dict[str, list[str]] = {}
        self._sorted_keys: list[str] | None = None

    def _add(self, code: str, words: list[str], main: bool) -> None:
        if not words:
            return
        keys = [
            (self.exact, " ".join(words)),
            (self.stripped, " ".join(stripped(words))),
            (self.folded, fold_words(words)),
        ]
        if "SAINT" in words or "SAINTE" in words:  # also as written short: STTROPEZ
            keys.append((self.folded, fold_words([{"SAINT": "ST", "SAINTE": "STE"}.get(w, w) for w in words])))
        for table, key in keys:
            if key:
                codes = table.setdefault(key, [])
                if code not in codes:
                    codes.append(code)
                if main:
                    self.main_keys[code].add(key)

    def _match(self, codes: Sequence[str], how: str, key: str) -> Match:
        return Match(tuple(codes), how, key, frozenset(c for c in codes if key in self.main_keys[c]))

    def lookup(self, words: Sequence[str]) -> Match | None:
        """Ports whose name matches ``words`` exactly, without generic words, or folded."""
        key = " ".join(words)
        if key in self.exact:
            return self._match(self.exact[key], "exact", key)
        bare = " ".join(stripped(words))
        if bare and bare in self.stripped:
            return self._match(self.stripped[bare], "without generic words", bare)
        for k in (fold(bare), fold(key)):
            if k and k in self.folded:
                return self._match(self.folded[k], "folded spelling", k)
        return None

    def fuzzy(
        self, words: Sequence[str], min_score: float, one_edit_min_chars: int = 0, country: str | None = None
    ) -> tuple[Match | None, float]:
        """Ports named closest to ``words``, with the same first letter: rapidfuzz ratio >= ``min_score``,
        or (texts of ``one_edit_min_chars`` or more) one letter wrong, missing or extra."""
        choices = self._fuzzy_keys if country is None else self._country_keys(country)
        best: tuple[float, str, list[str]] | None = None
        for query in dict.fromkeys((fold_words(words), fold(" ".join(words)))):
            if not query:
                continue
            found = process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=min_score, limit=8)
            if not found and one_edit_min_chars and len(query) >= one_edit_min_chars:
                near = process.extract(query, choices, scorer=Levenshtein.distance, score_cutoff=1, limit=8)
                found = sorted(((k, fuzz.ratio(query, k), i) for k, _, i in near), key=lambda f: -f[1])
            found = [f for f in found if f[0][:1] == query[:1]]
            if found and (best is None or found[0][1] > best[0]):
                top = found[0][1]
                best = (top, found[0][0], [k for k, score, _ in found if score >= top - 0.5])
        if best is None:
            return None, 0.0
        codes = list(dict.fromkeys(c for k in best[2] for c in self.folded[k]))
        if country is not None:
            codes = [c for c in codes if self.country_of[c] == country]
        return (self._match(codes, "fuzzy", best[1]) if codes else None), float(best[0])

    def prefixed(self, key: str) -> Match | None:
        """Ports whose folded name begins with ``key`` (and is longer)."""
        if self._sorted_keys is None:
            self._sorted_keys = sorted(self.folded)
        i = bisect.bisect_right(self._sorted_keys, key)
        found: list[str] = []
        while i < len(self._sorted_keys) and self._sorted_keys[i].startswith(key):
            found.append(self._sorted_keys[i])
            i += 1
        if not found:
            return None
        codes = list(dict.fromkeys(c for k in found for c in self.folded[k]))
        return Match(tuple(codes), "truncated", key, frozenset(c for c in codes if self.main_keys[c] & set(found)))

    def _country_keys(self, country: str) -> list[str]:
        keys = self._fuzzy_by_country.get(country)
        if keys is None:
            keys = [k for k, codes in self.folded.items() if any(self.country_of[c] == country for c in codes)]
            self._fuzzy_by_country[country] = keys
        return keys

    def has_name(self, words: Sequence[str]) -> bool:
        """Whether ``words`` are exactly some port's name or alias."""
        return " ".join(words) in self.exact


# ---------------------------------------------------------------------------------------------
# texts and choices


@dataclass(frozen=True)
class _Text:
    """A destination text as the rules see it."""

    upper: str  # normalised (ASCII upper case, spaces collapsed)
    words: tuple[str, ...]

    @property
    def key(self) -> str:
        return " ".join(self.words)


def _text(normalised: str) -> _Text:
    return _Text(normalised, tuple(words_of(normalised)))


@dataclass(frozen=True)
class _Hint:
    """What a text says about the country: ISO codes (several for ``CA``: Canada or California) and a state."""

    countries: frozenset[str]
    subdivision: str = ""
    named: bool = False


Rule = Callable[["DestinationResolver", _Text], Resolution | None]


class DestinationResolver:
    """Resolves destination texts against one gazetteer, caching each normalised text."""

    def __init__(self, gazetteer: Gazetteer, settings: DestinationSettings | None = None) -> None:
        self.gazetteer = gazetteer
        self.settings = settings or DestinationSettings()
        self.index = PortIndex(gazetteer)
        self._cache: dict[str, Resolution] = {}
        self._lock = threading.Lock()

    def resolve(self, text: str | None) -> Resolution:
        """How ``text`` resolves (``None`` counts as blank)."""
        raw = "" if text is None else str(text)
        key = normalise(raw)
        hit = self._cache.get(key)
        if hit is None:
            hit = self.apply(RULES, _text(key))
            with self._lock:
                if len(self._cache) >= self.settings.cache_size:
                    self._cache.clear()
                self._cache[key] = hit
        return hit if hit.raw == raw else replace(hit, raw=raw)

    def resolve_many(self, texts: Iterable[str | None]) -> list[Resolution]:
        """:meth:`resolve` of each text, in order."""
        return [self.resolve(t) for t in texts]

    def apply(self, rules: Sequence[Rule], t: _Text) -> Resolution:
        for rule in rules:
            res = rule(self, t)
            if res is not None:
                return replace(res, raw=t.upper)
        raise AssertionError("the last rule always answers")  # pragma: no cover

    # -- building results ----------------------------------------------------------------

    def port(self, code: str, confidence: float, rule: str, detail: str) -> Resolution:
        rec = self.gazetteer.record(code)
        return Resolution("", "port", rec.locode, rec.country, (), round(confidence, 3), rule, detail, rec.name)

    def country(self, code: str, confidence: float, rule: str, detail: str) -> Resolution:
        return Resolution("", "country", None, code, (), round(confidence, 3), rule, detail, country_name(code))

    def choose(self, match: Match, hint: _Hint | None = None, near: str | None = None) -> tuple[str, list[str]]:
        """The port among same-named ones, and the others in other places nearly as large.

        The port of the country (and state) the text names wins; else, in a route, the one
        nearest the previous leg; else a port with a UN/LOCODE over a place without one, a port
        whose main name it is over one that only has it as an alias, then the largest.
        """
        size = self.index.size
        pool = list(match.codes)
        if hint and hint.countries:
            pool = [c for c in pool if self.index.country_of[c] in hint.countries] or pool
            if hint.subdivision:
                pool = [c for c in pool if self.index.subdivision.get(c) == hint.subdivision] or pool
        if near is not None and len(pool) > 1:
            best = min(pool, key=lambda c: self._distance_m(c, near))
        else:
            best = max(pool, key=lambda c: (not is_uncoded(c), c in match.main, size.get(c, 0.0)))
        margin = self.settings.ambiguity_margin
        rivals = [
            c
            for c in pool
            if c != best and size.get(c, 0.0) >= size.get(best, 0.0) - margin and self._distance_m(c, best) > 50_000.0
        ]
        return best, rivals

    def _distance_m(self, a: str, b: str) -> float:
        ra, rb = self.gazetteer.record(a), self.gazetteer.record(b)
        return float(haversine_m(ra.lat, ra.lon, rb.lat, rb.lon))

    def named_port(
        self,
        match: Match,
        confidence: float,
        rule: str,
        detail: str,
        hint: _Hint | None = None,
        near: str | None = None,
    ) -> Resolution:
        """The port a name match stands for, confidence lowered when another place is as likely."""
        best, rivals = self.choose(match, hint, near)
        if rivals and near is None:
            confidence *= 0.75
            shown = ", ".join(f"{c} {self.gazetteer.record(c).name}" for c in rivals[:3])
            detail += f"; also {shown}" + (f" and {len(rivals) - 3} more" if len(rivals) > 3 else "")
        return self.port(best, confidence, rule, detail)


# ---------------------------------------------------------------------------------------------
# the rules, in order


def blank(r: DestinationResolver, t: _Text) -> Resolution | None:
    """Nothing, punctuation only, one character repeated, or digits only."""
    chars = "".join(t.words)
    if not chars:
        return _placeholder("blank" if not t.upper else "no letters or digits", 1.0, "blank")
    if len(set(chars)) == 1:
        return _placeholder("one character repeated", 1.0, "blank")
    if chars.isdigit():
        return _placeholder("digits only: a number, not a place", 0.95, "blank")
    return None


def placeholder(r: DestinationResolver, t: _Text) -> Resolution | None:
    """Contact details, or only words that declare no destination."""
    if CONTACT.search(t.upper):
        return _placeholder("contact details (phone, radio channel, web address), not a place", 0.95, "placeholder")
    if all(_no_destination_word(w) for w in t.words):
        return _placeholder(f"declares no destination: {t.key}", 0.95, "placeholder")
    return None


def _no_destination_word(word: str) -> bool:
    return word in PLACEHOLDER_WORDS or word.isdigit() or word.startswith(PLACEHOLDER_STEMS)


def _placeholder(detail: str, confidence: float, rule: str) -> Resolution:
    return Resolution("", "placeholder", confidence=confidence, rule=rule, detail=detail)


def locode(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A UN/LOCODE (``CNDLC``, ``CN DLC``, ``CN-DLC``, ``LYT NZ``, ``JP YOK HM``) or an ERI/ISRS code."""
    g = r.gazetteer
    text = t.upper.strip(" .,;:")
    m = _LOCODE_TEXT.fullmatch(text)
    if m:
        code = m[1] + m[2]
        separated = m.end(1) != m.start(2)
        if code in g and (separated or not r.index.has_name(t.words)):
            return r.port(code, 0.98, "locode", f"UN/LOCODE {m[1]} {m[2]}")
    m = _LOCODE_REVERSED.fullmatch(text)
    if m and m[2] + m[1] in g:
        return r.port(m[2] + m[1], 0.85, "locode", f"UN/LOCODE written place first: {m[1]} {m[2]}")
    m = _ISRS.fullmatch(text)
    if m and m[1] in g:
        return r.port(m[1], 0.95, "locode", f"European inland (ERI/ISRS) location code of {m[1]}")
    m = _LOCODE_LEADING.fullmatch(text)
    if m and m[1] + m[2] in g and is_alpha2(m[1]):
        return r.port(m[1] + m[2], 0.85, "locode", f"UN/LOCODE {m[1]} {m[2]} followed by {text[m.end(2) :].strip()!r}")
    return None


def country(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A country name, alias, or ISO alpha-2/alpha-3 code alone."""
    code = _country_of_words(t.words)
    if code is None:
        return None
    same_name = [c for c in r.index.exact.get(t.key, []) if r.index.country_of[c] == code]
    if same_name:
        match = r.index._match(same_name, "exact", t.key)
        return r.named_port(match, 0.9, "country", f"{t.key} is a country with a port of that name")
    return r.country(code, 0.9, "country", f"country {country_name(code)}")


def _country_of_words(words: Sequence[str]) -> str | None:
    key = " ".join(words)
    if len(words) == 1 and len(key) == 2 and is_alpha2(key):
        return key
    if len(words) == 1 and len(key) == 3 and alpha2_of_alpha3(key):
        return alpha2_of_alpha3(key)
    return country_by_name(key)


def legs(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A route: the last leg is the destination; every leg is kept."""
    parts = _STRONG.split(t.upper)
    strong = len(parts) > 1
    if not strong:
        if not _WEAK.search(t.upper) or name(r, t) or name_country(r, t, exact_only=True):
            return None
        parts = _WEAK.split(t.upper)
    texts = [x for x in (_text(" ".join(p.split())) for p in parts) if x.words]
    if not strong and sum(sum(c.isalpha() for c in x.upper) >= 3 for x in texts) < 2:
        return None  # P-63, CH16- TLF...: not a route
    if len(texts) <= 1:
        return r.apply(RULES, texts[0]) if texts else None
    resolved = [r.apply(LEG_RULES, x) for x in texts]
    resolved = _nearest_legs(r, texts, resolved)
    resolved = _codes_route(r, texts, resolved)
    last = resolved[-1]
    if last.kind == "country" and not strong and resolved[-2].kind == "port" and resolved[-2].country == last.country:
        return replace(resolved[-2], rule="name_country", detail=f"{resolved[-2].detail}, in {last.name}")
    shown = " > ".join(x.destination or x.kind for x in resolved)
    return replace(
        last,
        legs=tuple(resolved),
        rule="legs",
        confidence=round(last.confidence * 0.95, 3),
        detail=f"last of {len(resolved)} legs ({shown}); that leg: {last.rule}: {last.detail}",
    )


def _nearest_legs(r: DestinationResolver, texts: list[_Text], resolved: list[Resolution]) -> list[Resolution]:
    """Same-named ports of a route chosen nearest the previous port of the route (LIEGE TO BOSTON)."""
    out = list(resolved)
    for i in range(1, len(out)):
        prev = next((x.locode for x in reversed(out[:i]) if x.kind == "port"), None)
        if prev is None or out[i].kind != "port" or out[i].rule != "name":
            continue
        match = r.index.lookup(texts[i].words)
        if match and len(match.codes) > 1:
            detail = out[i].detail.split("; also")[0] + "; the one nearest the previous leg"
            out[i] = r.named_port(match, out[i].confidence, "name", detail, near=prev)
    return out


def _codes_route(r: DestinationResolver, texts: list[_Text], resolved: list[Resolution]) -> list[Resolution]:
    """In a route of codes (``USCPO > BRRJO``), an unlisted code still tells its country."""
    if not any(x.rule == "locode" for x in resolved) and not all(_LOCODE_TEXT.fullmatch(x.upper) for x in texts):
        return resolved
    out = list(resolved)
    for i, (x, res) in enumerate(zip(texts, resolved, strict=True)):
        m = _LOCODE_TEXT.fullmatch(x.upper)
        if res.kind == "unresolved" and m and is_alpha2(m[1]):
            out[i] = r.country(m[1], 0.5, "code_country", f"{m[1]}{m[2]} is not listed; its country is {m[1]}")
    return out


def name(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A port name or alias (exact, without generic words, or with letters folded)."""
    match = r.index.lookup(t.words)
    if match is None:
        return None
    confidence = {"exact": 0.95, "without generic words": 0.9}.get(match.how, 0.85)
    return r.named_port(match, confidence, "name", f"name {t.key!r} ({match.how})")


def name_country(r: DestinationResolver, t: _Text, exact_only: bool = False) -> Resolution | None:
    """A name with a country, ISO code or state before or after it (``BUSAN KOREA``, ``PL SZCZECIN``)."""
    for hint, rest in _country_splits(t.words):
        match = r.index.lookup(rest)
        in_country = [c for c in (match.codes if match else ()) if r.index.country_of[c] in hint.countries]
        label = "/".join(sorted(hint.countries)) + (f" ({hint.subdivision})" if hint.subdivision else "")
        if match and in_country:
            match = replace(match, codes=tuple(in_country))
            return r.named_port(match, 0.95, "name_country", f"name {' '.join(rest)!r} ({match.how}) in {label}", hint)
        if exact_only:
            continue
        if len("".join(rest)) >= r.settings.fuzzy_min_chars:
            for c in sorted(hint.countries):
                found, score = r.index.fuzzy(
                    rest, r.settings.fuzzy_min_score, r.settings.fuzzy_one_edit_min_chars, country=c
                )
                if found:
                    detail = f"{' '.join(rest)!r} close to {found.key!r} (score {score:.0f}) in {label}"
                    return r.named_port(found, 0.8 * score / 100.0, "name_country", detail, hint)
        if hint.named and match is None:
            (only,) = hint.countries
            detail = f"{' '.join(rest)!r} is no listed port of {country_name(only)}; the country is named"
            return r.country(only, 0.6, "name_country", detail)
    return None


def _country_splits(words: Sequence[str]) -> list[tuple[_Hint, list[str]]]:
    """Ways to read a country (or state) at the end or the start of ``words``, most words first."""
    out: list[tuple[_Hint, list[str]]] = []
    n = len(words)
    for k in (3, 2, 1):
        if n > k:
            hint = _hint(words[n - k :])
            if hint:
                out.append((hint, list(words[: n - k])))
                inner = _hint(words[n - k - 1 : n - k]) if n - k >= 2 else None
                if inner and hint.countries & inner.countries:  # LONGVIEW WA USA
                    both = _Hint(hint.countries & inner.countries, inner.subdivision or hint.subdivision)
                    out.insert(0, (both, list(words[: n - k - 1])))
    for k in (1, 2):
        if n > k:
            hint = _hint(words[:k], states=False)
            if hint:
                out.append((hint, list(words[k:])))
    return out


def _hint(words: Sequence[str], states: bool = True) -> _Hint | None:
    key = " ".join(words)
    if key in GEOGRAPHIC_WORDS:  # ISL: island, not Iceland
        return None
    found: set[str] = set()
    state = ""
    code = _country_of_words(words)
    if code:
        found.add(code)
    if states and len(words) == 1 and len(key) == 2:
        for cty, subs in SUBDIVISIONS.items():
            if key in subs:
                found.add(cty)
                state = key
    # a country written as a name (RUSSIA, DOMINICAN REP), not a two-letter code, names it for certain
    named = bool(code) and len(found) == 1 and len(key.replace(" ", "")) > 3
    return _Hint(frozenset(found), state, named) if found else None


def fuzzy(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A misspelt name: the closest names by rapidfuzz ratio, at least ``fuzzy_min_score``."""
    if len(fold_words(t.words)) < r.settings.fuzzy_min_chars:
        return None
    match, score = r.index.fuzzy(t.words, r.settings.fuzzy_min_score, r.settings.fuzzy_one_edit_min_chars)
    if match is None:
        return None
    return r.named_port(match, 0.85 * score / 100.0, "fuzzy", f"{t.key!r} close to {match.key!r} (score {score:.0f})")


def truncated(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A name cut short (``BELLEDU``, ``LES SABLES``): the start of port names, all in one country."""
    key = fold(t.key)
    if len(key) < r.settings.truncated_min_chars:
        return None
    match = r.index.prefixed(key)
    if match is None or len({r.index.country_of[c] for c in match.codes}) != 1:
        return None
    shown = ", ".join(sorted({r.gazetteer.record(c).name for c in match.codes})[:3])
    return r.named_port(match, 0.6, "truncated", f"{t.key!r} begins {shown}")


def place_code(r: DestinationResolver, t: _Text) -> Resolution | None:
    """Three letters that are the place part of a UN/LOCODE (``ZNZ``, ``WLG``), when one port dominates."""
    if len(t.words) != 1 or not re.fullmatch(r"[A-Z]{3}", t.key):
        return None
    codes = sorted(r.index.by_place_code.get(t.key, ()), key=lambda c: -r.index.size.get(c, 0.0))
    if not codes:
        return None
    sizes = [r.index.size.get(c, 0.0) for c in codes] + [0.0]
    if sizes[0] - sizes[1] < r.settings.place_code_margin:
        return None
    others = f" (also {', '.join(codes[1:4])}{'...' if len(codes) > 4 else ''})" if len(codes) > 1 else ""
    return r.port(codes[0], 0.5, "place_code", f"{t.key} is the place part of {codes[0]}, the largest port{others}")


def name_part(r: DestinationResolver, t: _Text) -> Resolution | None:
    """The longest run of words that is a port name (``SKAGEN PEC 217``, ``TRAFFIC FAROSUND``).

    When the text also names a country or state (``VALERO LINDEN NY``), only ports there count.
    """
    n = len(t.words)
    hinted = frozenset().union(*(h.countries for h, _ in _country_splits(t.words)))
    for length in range(n - 1, 0, -1):
        for start in range(n - length, -1, -1):
            run = t.words[start : start + length]
            if len("".join(run)) < r.settings.name_part_min_chars or _country_of_words(run):
                continue
            if all(_no_destination_word(w) or w in GENERIC_WORDS or w in GEOGRAPHIC_WORDS for w in run):
                continue
            match = r.index.lookup(run)
            if match and hinted:
                codes = tuple(c for c in match.codes if r.index.country_of[c] in hinted)
                match = replace(match, codes=codes) if codes else None
            if match:
                detail = f"{' '.join(run)!r} ({match.how}) inside {t.key!r}"
                return r.named_port(match, 0.6, "name_part", detail)
    return None


def activity(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A word of activity or of no destination among words that name no port."""
    hits = [w for w in t.words if w in ACTIVITY_WORDS or w.startswith(PLACEHOLDER_STEMS)]
    if hits:
        return _placeholder(f"an activity ({', '.join(hits)}), no port named", 0.7, "activity")
    return None


def code_country(r: DestinationResolver, t: _Text) -> Resolution | None:
    """A separated code (``SE XYZ``) that is not listed, whose country is an ISO code."""
    m = _LOCODE_TEXT.fullmatch(t.upper)
    if m and m.end(1) != m.start(2) and is_alpha2(m[1]) and m[1] not in WORD_FORMS:  # ST PET: Saint Pet...
        return r.country(m[1], 0.5, "code_country", f"{m[1]} {m[2]} is not a listed port; its country is {m[1]}")
    return None


def unknown(r: DestinationResolver, t: _Text) -> Resolution | None:
    """Nothing found."""
    return Resolution("", "unresolved", confidence=0.0, rule="unknown", detail=f"no port or country found in {t.key!r}")


RULES: Final[tuple[Rule, ...]] = (
    blank,
    placeholder,
    locode,
    country,
    legs,
    name,
    name_country,
    truncated,
    fuzzy,
    place_code,
    name_part,
    activity,
    code_country,
    unknown,
)
LEG_RULES: Final[tuple[Rule, ...]] = tuple(rule for rule in RULES if rule is not legs)
RULE_NAMES: Final = tuple(rule.__name__ for rule in RULES)


# ---------------------------------------------------------------------------------------------
# the module-level entry point

_RESOLVERS: weakref.WeakKeyDictionary[Gazetteer, dict[DestinationSettings, DestinationResolver]] = (
    weakref.WeakKeyDictionary()
)
_RESOLVERS_LOCK = threading.Lock()


def resolver_for(
    gazetteer: Gazetteer | None = None, settings: DestinationSettings | None = None
) -> DestinationResolver:
    """The resolver of a gazetteer (searoute's by default), built once and kept while the gazetteer lives."""
    gazetteer = gazetteer or Gazetteer.from_searoute()
    settings = settings or DestinationSettings()
    with _RESOLVERS_LOCK:
        per = _RESOLVERS.setdefault(gazetteer, {})
        res = per.get(settings)
        if res is None:
            res = per[settings] = DestinationResolver(gazetteer, settings)
    return res


def resolve(
    text: str | None, gazetteer: Gazetteer | None = None, settings: DestinationSettings | None = None
) -> Resolution:
    """How an AIS destination text resolves against ``gazetteer`` (searoute's ports by default)."""
    return resolver_for(gazetteer, settings).resolve(text)


__all__ = [
    "KINDS",
    "RULES",
    "RULE_NAMES",
    "DestinationResolver",
    "DestinationSettings",
    "PortIndex",
    "Resolution",
    "fold",
    "normalise",
    "resolve",
    "resolver_for",
    "words_of",
]
