"""More ports for the gazetteer: the World Port Index, UN/LOCODE lists and named anchorages.

Readers (each returns :class:`PortEntry` rows: a :class:`~shadowtrace.geo.ports.PortRecord`
plus the other names a port goes by, how large it is, its state or province, its source):

- :func:`read_wpi`: the NGA World Port Index CSV (``UpdatedPub150.csv``: main and alternate
  names, UN/LOCODE such as ``KR PUS``, country name, harbour size, position).
- :func:`read_unlocode`: UN/LOCODE CSVs with coordinates (columns ``country, location, name,
  nameWoDiacritics, subdivision, status, function, iata, lat, lon[, geocoded]``); by default only
  locations with the port function (``1`` in ``function``).
- :func:`read_anchorages`: Global Fishing Watch named anchorages (``s2id, latitude, longitude,
  label, sublabel, iso3``: many points per label, grouped into one port per place) and their
  World Port Index extract (``iso3, label, sublabel, latitude, longitude``).

:func:`read_port_file` recognises the format from the header. :func:`with_records` merges entries
into a gazetteer, giving a :class:`MergedGazetteer`, which also answers each port's other names,
size and subdivision. Merging rules, in order of the entries:

- an entry whose code is already listed adds its names as aliases (and its size, if larger);
- an entry without a UN/LOCODE (``WPI-<number>``, ``GFW-<country>-<label>``) joins a listed port
  of the same country within ``merge_radius_km`` with the same main name, else the same alias,
  else a main name that begins the other (names compared folded, without generic words such as
  ``HAVN`` or ``PORT``); otherwise it is a new port under that id;
- an entry without a position (UN/LOCODE rows lacking coordinates) only adds names.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from shadowtrace.errors import InputError
from shadowtrace.geo.countries import alpha2_of_alpha3, country_by_name, country_name, name_key
from shadowtrace.geo.names import fold_words, name_words
from shadowtrace.geo.ports import BerthSettings, Gazetteer, PortRecord
from shadowtrace.geo.sphere import haversine_m

FORMATS = ("wpi", "unlocode", "anchorages")

#: harbour size (World Port Index) -> size used to rank ports that share a name
WPI_SIZES = {"Large": 1.0, "Medium": 0.8, "Small": 0.6, "Very Small": 0.4}
#: size of a searoute port by its terminal flag ``t`` (1, 0, absent)
SEAROUTE_SIZES = {1.0: 0.7, 0.0: 0.55, None: 0.45}
#: size of a UN/LOCODE location (the list says nothing of size)
UNLOCODE_SIZE = 0.2

_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_FUNCTION = re.compile(r"[-0-9B]{8}")
_UNNAMED_ANCHORAGE = re.compile(r"[A-Z]{3}-(?:\d+|NA)")


@dataclass(frozen=True)
class PortEntry:
    """A port as one source lists it.

    ``record.locode`` is the UN/LOCODE, or, for a port without one, an id that cannot be mistaken
    for one (``WPI-61070``, ``GFW-DK-LANGO``). ``record.lat``/``lon`` are NaN when the source gives
    no position. ``size`` (0..1) ranks ports that share a name: the larger wins.
    """

    record: PortRecord
    aliases: tuple[str, ...] = ()
    size: float = 0.0
    subdivision: str = ""
    source: str = ""


@dataclass(frozen=True)
class MergeSettings:
    """How entries without a UN/LOCODE are matched to listed ports."""

    merge_radius_km: float = field(
        default=50.0,
        metadata={
            "unit": "km",
            "help": "an entry without a UN/LOCODE joins a listed port of its country and name "
            "when their positions are at most this far apart",
        },
    )


class MergedGazetteer(Gazetteer):
    """A gazetteer that also knows each port's other names, size and subdivision."""

    def __init__(
        self,
        entries: Sequence[PortEntry],
        settings: BerthSettings | None = None,
        merge: MergeSettings | None = None,
    ) -> None:
        """Merge ``entries``: those with a UN/LOCODE first, in order, then the others, in order."""
        acc = _Merger(merge or MergeSettings())
        for e in sorted(entries, key=lambda e: is_uncoded(e.record.locode)):
            acc.add(e)
        super().__init__(acc.records(), settings)
        self._aliases = {code: tuple(names) for code, names in acc.aliases.items()}
        self._sizes = dict(acc.sizes)
        self._subdivisions = dict(acc.subdivisions)
        self._sources = {code: tuple(s) for code, s in acc.sources.items()}
        self.merge_settings = acc.settings

    def aliases(self, locode: str) -> tuple[str, ...]:
        """The other names of a port (not its main name), as the sources write them."""
        return self._aliases.get(self.record(locode).locode, ())

    def size(self, locode: str) -> float:
        """How large the port is (0..1): the largest size any source gives it."""
        return self._sizes.get(self.record(locode).locode, 0.0)

    def subdivision(self, locode: str) -> str:
        """The port's state or province code (from UN/LOCODE), or ``""``."""
        return self._subdivisions.get(self.record(locode).locode, "")

    def sources(self, locode: str) -> tuple[str, ...]:
        """Which sources list the port."""
        return self._sources.get(self.record(locode).locode, ())

    def entries(self) -> Iterator[PortEntry]:
        """Every port as one entry, in listing order (to merge this gazetteer into another)."""
        for code in self.locodes:
            yield PortEntry(
                self.record(code),
                self._aliases.get(code, ()),
                self._sizes.get(code, 0.0),
                self._subdivisions.get(code, ""),
                ",".join(self._sources.get(code, ())),
            )


class _Merger:
    """Accumulates entries into one record per port, with names, sizes and sources."""

    def __init__(self, settings: MergeSettings) -> None:
        self.settings = settings
        self.first: dict[str, PortRecord] = {}
        self.aliases: dict[str, list[str]] = {}
        self.sizes: dict[str, float] = {}
        self.subdivisions: dict[str, str] = {}
        self.sources: dict[str, list[str]] = {}
        self._names: dict[str, set[str]] = {}
        # (country, folded name) -> codes, for main names and for aliases
        self._by_main: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._by_alias: dict[tuple[str, str], list[str]] = defaultdict(list)
        # (country, first four letters of the folded main name) -> codes, for names that extend others
        self._by_stem: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, e: PortEntry) -> None:
        rec = e.record
        code = rec.locode
        if code not in self.first and is_uncoded(code) and not math.isnan(rec.lat):
            code = self._same_place(e) or code
        if code not in self.first:
            if math.isnan(rec.lat) or math.isnan(rec.lon):
                return
            key = _key(rec.name)
            self.first[code] = rec
            self.aliases[code] = []
            self._names[code] = {key}
            self.sizes[code] = e.size
            self.subdivisions[code] = e.subdivision
            self.sources[code] = [e.source] if e.source else []
            self._by_main[(rec.country, key)].append(code)
            if len(key) >= 4:
                self._by_stem[(rec.country, key[:4])].append(code)
        else:
            self.sizes[code] = max(self.sizes[code], e.size)
            self.subdivisions[code] = self.subdivisions[code] or e.subdivision
            if e.source and e.source not in self.sources[code]:
                self.sources[code].append(e.source)
        for name in (rec.name, *e.aliases):
            key = _key(name)
            if key and key not in self._names[code]:
                self._names[code].add(key)
                self.aliases[code].append(name)
                self._by_alias[(self.first[code].country, key)].append(code)

    def _same_place(self, e: PortEntry) -> str | None:
        """A listed port of the entry's country within the merge radius, named like it.

        Tried in order: the same main name; the same name among aliases; a main name that
        begins the other (``Paldiski`` and ``Paldiski Lounasadam``, ``Bantry`` and ``Bantry Bay``).
        """
        rec = e.record
        keys = [k for k in (_key(n) for n in (rec.name, *e.aliases)) if k]
        stems = {k[:4] for k in keys if len(k) >= 4}
        for candidates in (
            [c for k in keys for c in self._by_main.get((rec.country, k), ())],
            [c for k in keys for c in self._by_alias.get((rec.country, k), ())],
            [
                c
                for stem in stems
                for c in self._by_stem.get((rec.country, stem), ())
                if any(k.startswith(m) or m.startswith(k) for k in keys for m in self._names[c])
            ],
        ):
            near = self._nearest(rec, candidates)
            if near:
                return near
        return None

    def _nearest(self, rec: PortRecord, codes: list[str]) -> str | None:
        best: tuple[float, str] | None = None
        for code in codes:
            other = self.first[code]
            d_m = float(haversine_m(rec.lat, rec.lon, other.lat, other.lon))
            if d_m <= self.settings.merge_radius_km * 1000.0 and (best is None or d_m < best[0]):
                best = (d_m, code)
        return best[1] if best else None

    def records(self) -> list[PortRecord]:
        return list(self.first.values())


def _key(name: str) -> str:
    """A name as merged: folded, without generic words (``Agger Havn`` and ``AGGER`` meet)."""
    return fold_words(name_words(name))


def _is_locode(code: str) -> bool:
    return bool(_LOCODE.fullmatch(code))


def is_uncoded(code: str) -> bool:
    """Whether a port id is not a UN/LOCODE but stands for a place without one (``WPI-61070``, ``GFW-DK-LANGO``)."""
    return "-" in code


def with_records(
    gazetteer: Gazetteer,
    records: Iterable[PortEntry | PortRecord],
    merge: MergeSettings | None = None,
) -> MergedGazetteer:
    """A new gazetteer: the ports of ``gazetteer`` followed by ``records``, merged.

    A later record of a listed code adds its names as aliases, not a new port. The ports of a
    plain searoute gazetteer get their sizes from searoute's terminal flag.
    """
    base = list(gazetteer.entries()) if isinstance(gazetteer, MergedGazetteer) else _plain_entries(gazetteer)
    extra = [r if isinstance(r, PortEntry) else PortEntry(r) for r in records]
    merge = merge or (gazetteer.merge_settings if isinstance(gazetteer, MergedGazetteer) else None)
    return MergedGazetteer(base + extra, gazetteer.settings, merge)


def _plain_entries(gazetteer: Gazetteer) -> list[PortEntry]:
    sizes = searoute_sizes()
    return [
        PortEntry(gazetteer.record(c), (), sizes.get(c, 0.0), "", "searoute" if c in sizes else "")
        for c in gazetteer.locodes
    ]


def gazetteer_with_files(
    paths: Iterable[str | Path], base: Gazetteer | None = None, merge: MergeSettings | None = None
) -> MergedGazetteer:
    """``base`` (searoute's ports by default) merged with the port files at ``paths``, in order."""
    entries: list[PortEntry] = []
    for p in paths:
        entries.extend(read_port_file(p))
    return with_records(base or Gazetteer.from_searoute(), entries, merge)


@functools.cache
def searoute_sizes() -> dict[str, float]:
    """The size of every port listed by searoute, from its terminal flag (the largest listing wins)."""
    text = resources.files("searoute").joinpath("data", "ports.geojson").read_text(encoding="utf-8")
    out: dict[str, float] = {}
    for feature in json.loads(text)["features"]:
        props = feature["properties"]
        code = str(props.get("port") or "").strip().upper()
        t = props.get("t")
        size = SEAROUTE_SIZES.get(float(t) if t is not None else None, SEAROUTE_SIZES[None])
        out[code] = max(out.get(code, 0.0), size)
    return out


# ---------------------------------------------------------------------------------------------
# format detection


def detect_format(header: str) -> str:
    """The format of a port file from its header line: one of :data:`FORMATS`."""
    names = {n.strip().strip('"').lstrip("\ufeff") for n in next(csv.reader([header]), [])}
    if {"Main Port Name", "UN/LOCODE", "Latitude", "Longitude"} <= names:
        return "wpi"
    if {"country", "location", "function", "lat", "lon"} <= names:
        return "unlocode"
    if {"label", "iso3", "latitude", "longitude"} <= names:
        return "anchorages"
    shown = header.strip()[:100]
    raise InputError(
        f"port file header not recognised ({shown!r}); expected a World Port Index CSV "
        "(Main Port Name, UN/LOCODE, ...), a UN/LOCODE CSV (country, location, name, ..., function, lat, lon) "
        "or a named-anchorage CSV (label, iso3, latitude, longitude)"
    )


def read_port_file(path: str | Path, fmt: str | None = None) -> list[PortEntry]:
    """The entries of a World Port Index, UN/LOCODE or anchorage CSV (format from the header)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
            header = f.readline()
    except OSError as exc:
        raise InputError(f"cannot read port file {str(path)!r}: {exc.strerror or exc}") from exc
    fmt = fmt or detect_format(header)
    if fmt == "wpi":
        return read_wpi(path)
    if fmt == "unlocode":
        return read_unlocode(path)
    if fmt == "anchorages":
        return read_anchorages(path)
    raise InputError(f"unknown port file format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        yield from csv.reader(f)


def _float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        return math.nan
    return v if math.isfinite(v) else math.nan


def _position(lat: float, lon: float) -> tuple[float, float]:
    """The position if it is one on Earth, else NaNs."""
    if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
        return lat, lon
    return math.nan, math.nan


def _split_names(text: str) -> tuple[str, list[str]]:
    """A listed name cut into a main name and the other names it holds.

    ``"Al Iskandariyh (Alexandria)"`` -> ``("Al Iskandariyh", ["Alexandria"])``;
    ``"St Petersburg (ex Leningrad)"`` -> ``("St Petersburg", ["Leningrad"])``;
    ``"Jurong/Singapore"`` -> ``("Jurong/Singapore", ["Jurong"])`` (UN/LOCODE writes the town
    after the slash: it is not another name of the place);
    ``"Vanasadam - Port of Tallinn"`` -> the whole, plus both halves;
    ``"Ariake, Tokyo"`` -> the whole, plus ``"Ariake"``.
    """
    text = " ".join(text.replace('"', " ").split())
    inner = [re.sub(r"^(ex|formerly|also)\s+", "", m, flags=re.I) for m in re.findall(r"\(([^)]*)\)", text)]
    main = " ".join(re.sub(r"\([^)]*\)", " ", text).split()) or text
    others = [m.strip() for m in inner if m.strip()]
    if "/" in main:
        others.append(main.split("/")[0].strip())
    if ", " in main:  # "Ariake, Tokyo"
        others.append(main.split(", ")[0].strip())
    if " - " in main:
        others += [p.strip() for p in main.split(" - ") if p.strip()]
    return main, others


# ---------------------------------------------------------------------------------------------
# World Port Index


def read_wpi(path: str | Path) -> list[PortEntry]:
    """Ports of an NGA World Port Index CSV (Pub. 150, ``UpdatedPub150.csv`` columns).

    The id is the UN/LOCODE where one is given (``KR PUS`` -> ``KRPUS``), else
    ``WPI-<World Port Index Number>``; the country is the code's first two letters, else the
    country name's code. Alternate names (``;``-separated) become aliases; the harbour size
    gives the size (:data:`WPI_SIZES`).
    """
    path = Path(path)
    rows = _rows(path)
    header = next(rows, [])
    col = {n.strip(): i for i, n in enumerate(header)}
    need = ("World Port Index Number", "Main Port Name", "Alternate Port Name", "UN/LOCODE", "Country Code")
    missing = [n for n in (*need, "Latitude", "Longitude") if n not in col]
    if missing:
        raise InputError(f"{str(path)!r} is not a World Port Index CSV: no column {', '.join(map(repr, missing))}")
    out: list[PortEntry] = []
    size_col = col.get("Harbor Size")
    for row in rows:
        if len(row) < len(header):
            continue
        code = row[col["UN/LOCODE"]].replace(" ", "").strip().upper()
        cty_name = row[col["Country Code"]].strip()
        country = code[:2] if _is_locode(code) else (country_by_name(cty_name) or "")
        if not _is_locode(code):
            code = f"WPI-{row[col['World Port Index Number']].strip()}"
        if not country:
            continue
        main, others = _split_names(row[col["Main Port Name"]])
        alternates = [a.strip() for a in row[col["Alternate Port Name"]].split(";") if a.strip()]
        lat, lon = _position(_float(row[col["Latitude"]]), _float(row[col["Longitude"]]))
        size = WPI_SIZES.get(row[size_col].strip(), 0.3) if size_col is not None else 0.3
        rec = PortRecord(code, main, country, cty_name or country_name(country), lat, lon)
        aliases = tuple(a for a in dict.fromkeys(others + alternates) if a != main)
        out.append(PortEntry(rec, aliases, size, "", "wpi"))
    return out


# ---------------------------------------------------------------------------------------------
# UN/LOCODE


def read_unlocode(path: str | Path, *, ports_only: bool = True) -> list[PortEntry]:
    """Locations of a UN/LOCODE CSV with coordinates (one country's file or many countries').

    Columns ``country, location, name, nameWoDiacritics, subdivision, status, function, iata,
    lat, lon[, geocoded]``. Names are read from ``nameWoDiacritics``; a name holding a comma that
    the file failed to quote (``"Ariake, Tokyo"`` split over two columns) is joined again. With
    ``ports_only``, only locations with the port function (``1``) are kept. Rows without a
    position are kept with NaN coordinates: they add names to ports listed elsewhere.
    """
    path = Path(path)
    out: list[PortEntry] = []
    for row in _rows(path):
        parsed = _unlocode_row(row)
        if parsed is None:
            continue
        code, name, subdivision, function, lat, lon = parsed
        if ports_only and not function.startswith("1"):
            continue
        main, others = _split_names(name)
        cty = code[:2]
        rec = PortRecord(code, main, cty, country_name(cty), *_position(lat, lon))
        out.append(PortEntry(rec, tuple(others), UNLOCODE_SIZE, subdivision, "unlocode"))
    return out


def _unlocode_row(row: list[str]) -> tuple[str, str, str, str, float, float] | None:
    """(code, name, subdivision, function, lat, lon) of a row, or None for a header or bad row."""
    if len(row) < 10 or row[0] == "country":
        return None
    if _FUNCTION.fullmatch(row[6]):
        name, sub, function, rest = row[3], row[4], row[6], row[8:10]
    elif len(row) >= 10 and _FUNCTION.fullmatch(row[7]):
        # a name with a comma split in two in both name columns; status and iata are lost
        name, sub, function, rest = f"{row[4]},{row[5]}", row[6], row[7], row[8:10]
    else:
        return None
    code = (row[0] + row[1]).strip().upper()
    if not _is_locode(code):
        return None
    return code, name.replace('"', "").strip() or code, sub.strip(), function, _float(rest[0]), _float(rest[1])


# ---------------------------------------------------------------------------------------------
# named anchorages


def read_anchorages(path: str | Path, *, cluster_km: float = 50.0) -> list[PortEntry]:
    """Named places of a Global Fishing Watch anchorage CSV, one entry per place.

    Points sharing a country and label (``VLADIVOSTOK``: 192 points) are grouped into places
    within ``cluster_km`` of each other; a place is represented by its point nearest the median,
    and its size grows with its number of points. Labels that are only ids (``CHN-324``) name no
    place and are skipped; sublabels are not used (they are often free AIS text). Ids are
    ``GFW-<country>-<label>`` (``-2``, ``-3``... for further places of the same label).
    """
    path = Path(path)
    rows = _rows(path)
    header = [h.strip() for h in next(rows, [])]
    col = {n: i for i, n in enumerate(header)}
    missing = [n for n in ("label", "iso3", "latitude", "longitude") if n not in col]
    if missing:
        raise InputError(f"{str(path)!r} is not an anchorage CSV: no column {', '.join(map(repr, missing))}")
    groups: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        if len(row) < len(header):
            continue
        label = " ".join(row[col["label"]].split()).upper()
        country = alpha2_of_alpha3(row[col["iso3"]]) or ""
        lat, lon = _position(_float(row[col["latitude"]]), _float(row[col["longitude"]]))
        if not label or not country or math.isnan(lat) or _UNNAMED_ANCHORAGE.fullmatch(label):
            continue
        groups[(country, label)].append((lat, lon))
    out: list[PortEntry] = []
    for (country, label), points in groups.items():
        slug = name_key(label).replace(" ", "")
        for k, cluster in enumerate(_clusters(points, cluster_km)):
            lat, lon = _medoid(cluster)
            code = f"GFW-{country}-{slug}" + (f"-{k + 1}" if k else "")
            size = 0.3 + 0.7 * min(1.0, math.log10(len(cluster)) / 3.0)
            rec = PortRecord(code, label.title(), country, country_name(country), lat, lon)
            out.append(PortEntry(rec, (), size, "", "anchorages"))
    return out


def _clusters(points: list[tuple[float, float]], radius_km: float) -> list[list[tuple[float, float]]]:
    """Points grouped greedily around seeds at most ``radius_km`` apart; largest group first."""
    seeds: list[tuple[float, float]] = []
    groups: list[list[tuple[float, float]]] = []
    for p in points:
        for seed, group in zip(seeds, groups, strict=True):
            if float(haversine_m(p[0], p[1], seed[0], seed[1])) <= radius_km * 1000.0:
                group.append(p)
                break
        else:
            seeds.append(p)
            groups.append([p])
    return sorted(groups, key=len, reverse=True)


def _medoid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The point nearest the (coordinate-wise) median of ``points``."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    mlat, mlon = lats[len(lats) // 2], lons[len(lons) // 2]
    return min(points, key=lambda p: (p[0] - mlat) ** 2 + (p[1] - mlon) ** 2)


__all__ = [
    "FORMATS",
    "MergeSettings",
    "MergedGazetteer",
    "PortEntry",
    "detect_format",
    "gazetteer_with_files",
    "is_uncoded",
    "read_anchorages",
    "read_port_file",
    "read_unlocode",
    "read_wpi",
    "searoute_sizes",
    "with_records",
]
