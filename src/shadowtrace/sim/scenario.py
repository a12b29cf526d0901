"""Scenarios of the fleet simulator: TOML files, validated into frozen dataclasses.

A scenario says where the simulated sea is and who hears it: the region, its ports and
their roles, the shore receivers and the satellite feed, the holes in coverage, the fleet
mix, and how many evasive acts and look-alikes to stage. The built-in scenarios live in
``shadowtrace/sim/scenarios/*.toml``; ``docs/simulate.md`` documents every key.

Every mistake in a file is a one-line :class:`~shadowtrace.errors.InputError` that names
the key and says how to fix it. Ports are checked against the gazetteer later, by
:func:`shadowtrace.sim.run.simulate`, which holds one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

from shadowtrace.errors import InputError

__all__ = [
    "ACT_KINDS",
    "PORT_ROLES",
    "VESSEL_TYPES",
    "ActSpec",
    "Hole",
    "PortSpec",
    "Reception",
    "Scenario",
    "Station",
    "StsArea",
    "TypeSpec",
    "builtin_scenarios",
    "load_scenario",
    "parse_scenario",
]

#: what a port is used for: ``export`` (tankers and bulkers load), ``import`` (they
#: discharge), ``hub`` (container and general cargo calls), ``local`` (class B craft),
#: ``origin`` (evasive voyages start here), ``decoy`` (the port they declare),
#: ``watched`` (the port they really go to)
PORT_ROLES: Final = ("export", "import", "hub", "local", "origin", "decoy", "watched")


@dataclass(frozen=True)
class TypeSpec:
    """A kind of vessel: AIS class and ship type code, speeds, sizes, reporting habits."""

    name: str
    ais_class: str  # "A" or "B"
    ship_type: int  # ITU-R M.1371 table 53
    speed_kn: tuple[float, float]
    length_m: tuple[float, float]
    max_draught_m: tuple[float, float]
    cargo: str  # what it carries laden ("" when it carries nothing the clearance names)
    laden: tuple[float, float]  # draught as a share of the maximum, laden
    ballast: tuple[float, float]  # and in ballast


#: the built-in vessel types; a scenario sets their shares and may override ``speed_kn``
VESSEL_TYPES: Final[dict[str, TypeSpec]] = {
    t.name: t
    for t in (
        TypeSpec("tanker", "A", 80, (10.0, 14.0), (90, 250), (7.0, 15.5), "fuel oil", (0.7, 0.9), (0.4, 0.5)),
        TypeSpec("bulker", "A", 70, (11.0, 14.0), (110, 230), (8.0, 14.5), "coal", (0.7, 0.9), (0.4, 0.5)),
        TypeSpec("container", "A", 71, (16.0, 20.0), (140, 300), (8.0, 14.0), "containers", (0.6, 0.8), (0.55, 0.7)),
        TypeSpec(
            "general_cargo", "A", 70, (10.0, 13.0), (70, 140), (4.5, 8.5), "general cargo", (0.65, 0.85), (0.45, 0.6)
        ),
        TypeSpec("small_craft", "B", 37, (5.0, 20.0), (8, 24), (1.0, 2.5), "", (0.9, 1.0), (0.9, 1.0)),
    )
}

#: evasive acts and look-alikes the simulator stages, with their variants (first = default)
ACT_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "declared_elsewhere": ("both_lie", "clearance_lies", "ais_lies"),
    "dark_delivery": ("default",),
    "sts_transfer": ("both_visible", "receiver_dark"),
    "identity_change": ("default",),
    "shared_mmsi": ("default",),
    "position_jump": ("default",),
    "late_destination_update": ("default",),
    "announced_diversion": ("default",),
    "open_sea_gap": ("default",),
    "pilot_alongside": ("default",),
    "bunker_alongside": ("default",),
}
LOOK_ALIKES: Final = frozenset(
    {"late_destination_update", "announced_diversion", "open_sea_gap", "pilot_alongside", "bunker_alongside"}
)
MAX_SPEED_KN: Final = 40.0


@dataclass(frozen=True)
class PortSpec:
    locode: str
    roles: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Station:
    """A shore receiver: it hears every vessel within ``range_km`` (outside the holes)."""

    name: str
    lat: float
    lon: float
    range_km: float


@dataclass(frozen=True)
class Hole:
    """A box where no shore station hears anything and the satellite hears only ``satellite`` of its passes."""

    name: str
    lat_min: float
    lon_min: float
    lat_max: float
    lon_max: float
    satellite: float
    reason: str

    def contains(self, lat: Any, lon: Any) -> Any:
        return (lat >= self.lat_min) & (lat <= self.lat_max) & (lon >= self.lon_min) & (lon <= self.lon_max)


@dataclass(frozen=True)
class StsArea:
    """Open water where ship-to-ship transfers are staged (a point is drawn within ``radius_km``)."""

    name: str
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Aton:
    name: str
    lat: float
    lon: float
    aid_type: int


@dataclass(frozen=True)
class Reception:
    """How the receiver network thins what vessels transmit (see docs/simulate.md)."""

    satellite_station: str = "SAT"
    satellite_interval_min: tuple[float, float] = (10.0, 60.0)
    moving_interval_s: tuple[float, float] = (30.0, 60.0)
    stationary_interval_s: tuple[float, float] = (180.0, 180.0)
    static_interval_s: float = 360.0
    base_station_interval_s: float = 180.0
    aton_interval_s: float = 180.0
    gps_noise_m: float = 4.0
    gps_outlier_share: float = 0.01
    min_gap_h: float = 2.0


@dataclass(frozen=True)
class ActSpec:
    kind: str
    rate: float  # acts per 100 vessels per 30 days
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    start: datetime
    days: float
    vessels: int
    bbox: tuple[float, float, float, float]  # lat_min, lon_min, lat_max, lon_max
    watched_countries: tuple[str, ...]
    clearance_countries: tuple[str, ...]
    flags: Mapping[str, float]
    ports: tuple[PortSpec, ...]
    stations: tuple[Station, ...]
    holes: tuple[Hole, ...]
    sts_areas: tuple[StsArea, ...]
    aton: tuple[Aton, ...]
    fleet: Mapping[str, float]
    types: Mapping[str, TypeSpec]
    acts: tuple[ActSpec, ...]
    reception: Reception
    source: str = ""
    listed: int = 0  # ordinary vessels the simulator lists in sanctions.jsonl (sim/listed.py)

    def ports_with(self, role: str) -> list[PortSpec]:
        return [p for p in self.ports if role in p.roles]


# --------------------------------------------------------------------------- loading

_TOP_KEYS: Final = (
    "name",
    "description",
    "start",
    "days",
    "vessels",
    "bbox",
    "watched_countries",
    "clearance_countries",
    "flags",
    "ports",
    "stations",
    "holes",
    "sts_areas",
    "aton",
    "fleet",
    "acts",
    "reception",
    "listed",
)
_REQUIRED: Final = ("name", "start", "bbox", "ports", "stations", "fleet")


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package."""
    folder = resources.files("shadowtrace.sim") / "scenarios"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a TOML file by path."""
    text: str
    where: str
    path = Path(name_or_path)
    if str(name_or_path) in builtin_scenarios():
        res = resources.files("shadowtrace.sim") / "scenarios" / f"{name_or_path}.toml"
        text, where = res.read_text(encoding="utf-8"), f"{name_or_path}.toml"
    elif path.suffix == ".toml" or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read the scenario ({exc}); give a readable TOML file") from None
        where = str(path)
    else:
        raise InputError(
            f"unknown scenario {str(name_or_path)!r}; use one of {', '.join(builtin_scenarios())} "
            "or the path of a .toml file"
        )
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML ({exc}); fix the file") from None
    try:
        return parse_scenario(doc, source=where)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def parse_scenario(doc: Mapping[str, Any], source: str = "") -> Scenario:
    """Validate a parsed TOML document into a :class:`Scenario`."""
    _keys("the top level", doc, _TOP_KEYS)
    for key in _REQUIRED:
        if key not in doc:
            raise InputError(f"key {key!r} is missing; add it (see docs/simulate.md)")
    bbox = _floats("bbox", doc["bbox"], 4)
    if not (-90 <= bbox[0] < bbox[2] <= 90 and -180 <= bbox[1] < bbox[3] <= 180):
        raise InputError(f"bbox = {list(bbox)} must be [lat_min, lon_min, lat_max, lon_max] with min < max")
    types = _types(doc["fleet"])
    fleet = {k: v for k, v in _table("fleet", doc["fleet"]).items() if k != "speed_kn"}
    shares = {name: _number(f"fleet.{name}", v, lo=0.0) for name, v in fleet.items()}
    if sum(shares.values()) <= 0:
        raise InputError("fleet shares add up to 0; give at least one type a positive share")
    reception = _reception(doc.get("reception", {}))
    return Scenario(
        name=_str("name", doc["name"]),
        description=_str("description", doc.get("description", "")),
        start=_start(doc["start"]),
        days=_number("days", doc.get("days", 14), lo=0.5, hi=366),
        vessels=int(_number("vessels", doc.get("vessels", 200), lo=1, hi=200_000, integer=True)),
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]),
        watched_countries=tuple(
            _country(f"watched_countries[{i}]", c)
            for i, c in enumerate(_list("watched_countries", doc.get("watched_countries", [])))
        ),
        clearance_countries=tuple(
            _country(f"clearance_countries[{i}]", c)
            for i, c in enumerate(_list("clearance_countries", doc.get("clearance_countries", [])))
        ),
        flags=_flags(doc.get("flags", {"PA": 1.0})),
        ports=_ports(doc["ports"], bbox),
        stations=tuple(_station(i, s) for i, s in enumerate(_list("stations", doc["stations"]))),
        holes=tuple(_hole(i, h) for i, h in enumerate(_list("holes", doc.get("holes", [])))),
        sts_areas=tuple(_sts(i, a) for i, a in enumerate(_list("sts_areas", doc.get("sts_areas", [])))),
        aton=tuple(_aton(i, a) for i, a in enumerate(_list("aton", doc.get("aton", [])))),
        fleet=shares,
        types=types,
        acts=_acts(doc.get("acts", {})),
        reception=reception,
        source=source,
        listed=int(_number("listed", doc.get("listed", 0), lo=0, hi=1000, integer=True)),
    )


def _keys(where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(f"unknown key {key!r} in {where}; use one of {', '.join(allowed)}")


def _table(key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{key} must be a table ([{key}] or {{...}}), not {type(value).__name__}")
    return value


def _list(key: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{key} must be a list ([...] or [[{key}]] tables), not {type(value).__name__}")
    return value


def _str(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise InputError(f"{key} = {value!r} must be a text in quotes")
    return value


def _number(key: str, value: object, lo: float | None = None, hi: float | None = None, integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        raise InputError(f"{key} = {value!r} must be {'an integer' if integer else 'a number'}")
    v = float(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        rng = (
            f"between {lo:g} and {hi:g}"
            if lo is not None and hi is not None
            else (f"at least {lo:g}" if lo is not None else f"at most {hi:g}")
        )
        raise InputError(f"{key} = {value!r} is impossible; it must be {rng}")
    return v


def _floats(key: str, value: object, n: int) -> tuple[float, ...]:
    items = _list(key, value)
    if len(items) != n:
        raise InputError(f"{key} must hold {n} numbers, not {len(items)}")
    return tuple(_number(f"{key}[{i}]", v) for i, v in enumerate(items))


def _range(key: str, value: object, lo: float, hi: float) -> tuple[float, float]:
    a, b = _floats(key, value, 2)
    if not (lo <= a <= b <= hi):
        raise InputError(f"{key} = {[a, b]} is impossible; give [low, high] with {lo:g} <= low <= high <= {hi:g}")
    return a, b


def _country(key: str, value: object) -> str:
    s = _str(key, value)
    if len(s) != 2 or not s.isalpha() or not s.isupper():
        raise InputError(f"{key} = {s!r} must be a two-letter ISO country code such as 'KP'")
    return s


def _start(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise InputError(f"start = {value!r} must be a TOML date or date-time, e.g. start = 2017-10-01T00:00:00Z")


def _flags(value: object) -> dict[str, float]:
    flags = {_country(f"flags.{k}", k): _number(f"flags.{k}", v, lo=0.0) for k, v in _table("flags", value).items()}
    if not flags or sum(flags.values()) <= 0:
        raise InputError("flags must give at least one flag a positive share, e.g. flags = { PA = 1.0 }")
    return flags


def _ports(value: object, bbox: tuple[float, ...]) -> tuple[PortSpec, ...]:
    out = []
    seen = set()
    for i, item in enumerate(_list("ports", value)):
        key = f"ports[{i}]"
        t = _table(key, item)
        _keys(key, t, ("locode", "roles", "weight"))
        locode = _str(f"{key}.locode", t.get("locode"))
        if len(locode) != 5 or not locode.isalnum() or not locode.isupper():
            raise InputError(f"{key}.locode = {locode!r} must be a UN/LOCODE of 5 capitals, e.g. 'RUVVO'")
        if locode in seen:
            raise InputError(f"{key}.locode = {locode!r} is listed twice; keep one entry per port")
        seen.add(locode)
        roles = tuple(_str(f"{key}.roles", r) for r in _list(f"{key}.roles", t.get("roles", [])))
        for r in roles:
            if r not in PORT_ROLES:
                raise InputError(f"{key}.roles: unknown role {r!r}; use some of {', '.join(PORT_ROLES)}")
        out.append(PortSpec(locode, roles, _number(f"{key}.weight", t.get("weight", 1.0), lo=0.0)))
    if len(out) < 2:
        raise InputError("ports must list at least two ports")
    return tuple(out)


def _station(i: int, item: object) -> Station:
    key = f"stations[{i}]"
    t = _table(key, item)
    _keys(key, t, ("name", "lat", "lon", "range_km"))
    name = _str(f"{key}.name", t.get("name"))
    if not name or not name.isascii() or any(c in name for c in ",*\\!$ "):
        raise InputError(f"{key}.name = {name!r} must be ASCII without spaces , * \\ ! $")
    return Station(
        name,
        _number(f"{key}.lat", t.get("lat"), -90, 90),
        _number(f"{key}.lon", t.get("lon"), -180, 180),
        _number(f"{key}.range_km", t.get("range_km", 55.0), 1, 400),
    )


def _hole(i: int, item: object) -> Hole:
    key = f"holes[{i}]"
    t = _table(key, item)
    _keys(key, t, ("name", "bbox", "satellite", "reason"))
    b = _floats(f"{key}.bbox", t.get("bbox"), 4)
    if not (b[0] < b[2] and b[1] < b[3]):
        raise InputError(f"{key}.bbox = {list(b)} must be [lat_min, lon_min, lat_max, lon_max] with min < max")
    return Hole(
        _str(f"{key}.name", t.get("name")),
        b[0],
        b[1],
        b[2],
        b[3],
        _number(f"{key}.satellite", t.get("satellite", 0.0), 0.0, 1.0),
        _str(f"{key}.reason", t.get("reason", "no receiver in range")),
    )


def _sts(i: int, item: object) -> StsArea:
    key = f"sts_areas[{i}]"
    t = _table(key, item)
    _keys(key, t, ("name", "lat", "lon", "radius_km"))
    return StsArea(
        _str(f"{key}.name", t.get("name")),
        _number(f"{key}.lat", t.get("lat"), -90, 90),
        _number(f"{key}.lon", t.get("lon"), -180, 180),
        _number(f"{key}.radius_km", t.get("radius_km", 20.0), 0.5, 300),
    )


def _aton(i: int, item: object) -> Aton:
    key = f"aton[{i}]"
    t = _table(key, item)
    _keys(key, t, ("name", "lat", "lon", "aid_type"))
    return Aton(
        _str(f"{key}.name", t.get("name")),
        _number(f"{key}.lat", t.get("lat"), -90, 90),
        _number(f"{key}.lon", t.get("lon"), -180, 180),
        int(_number(f"{key}.aid_type", t.get("aid_type", 1), 1, 31, integer=True)),
    )


def _types(value: object) -> dict[str, TypeSpec]:
    fleet = _table("fleet", value)
    names = (*VESSEL_TYPES, "speed_kn")
    _keys("[fleet]", fleet, names)
    types = dict(VESSEL_TYPES)
    for name, rng in _table("fleet.speed_kn", fleet.get("speed_kn", {})).items():
        if name not in VESSEL_TYPES:
            raise InputError(f"unknown key {name!r} in [fleet.speed_kn]; use one of {', '.join(VESSEL_TYPES)}")
        lo, hi = _range(f"fleet.speed_kn.{name}", rng, 1.0, MAX_SPEED_KN)
        t = types[name]
        types[name] = TypeSpec(
            t.name, t.ais_class, t.ship_type, (lo, hi), t.length_m, t.max_draught_m, t.cargo, t.laden, t.ballast
        )
    return types


def _acts(value: object) -> tuple[ActSpec, ...]:
    acts = _table("acts", value)
    _keys("[acts]", acts, tuple(ACT_KINDS))
    out = []
    for kind, known in ACT_KINDS.items():
        spec = _table(f"acts.{kind}", acts.get(kind, {"rate": 1.0}))
        _keys(f"[acts.{kind}]", spec, ("rate", "variants"))
        variants = tuple(
            _str(f"acts.{kind}.variants", v) for v in _list(f"acts.{kind}.variants", spec.get("variants", list(known)))
        )
        for v in variants:
            if v not in known:
                raise InputError(f"acts.{kind}.variants: unknown variant {v!r}; use some of {', '.join(known)}")
        rate = _number(f"acts.{kind}.rate", spec.get("rate", 1.0), 0.0, 100.0)
        out.append(ActSpec(kind, rate, variants or known))
    return tuple(out)


def _reception(value: object) -> Reception:
    t = _table("reception", value)
    d = Reception()
    _keys("[reception]", t, tuple(Reception.__dataclass_fields__))
    sat = _str("reception.satellite_station", t.get("satellite_station", d.satellite_station))
    if not sat or not sat.isascii() or any(c in sat for c in ",*\\!$ "):
        raise InputError(f"reception.satellite_station = {sat!r} must be ASCII without spaces , * \\ ! $")
    moving = _range("reception.moving_interval_s", t.get("moving_interval_s", list(d.moving_interval_s)), 2, 3600)
    still = _range(
        "reception.stationary_interval_s", t.get("stationary_interval_s", list(d.stationary_interval_s)), 180, 7200
    )
    return Reception(
        satellite_station=sat,
        satellite_interval_min=_range(
            "reception.satellite_interval_min", t.get("satellite_interval_min", list(d.satellite_interval_min)), 1, 1440
        ),
        moving_interval_s=moving,
        stationary_interval_s=still,
        static_interval_s=_number(
            "reception.static_interval_s", t.get("static_interval_s", d.static_interval_s), 360, 86400
        ),
        base_station_interval_s=_number(
            "reception.base_station_interval_s", t.get("base_station_interval_s", d.base_station_interval_s), 10, 86400
        ),
        aton_interval_s=_number("reception.aton_interval_s", t.get("aton_interval_s", d.aton_interval_s), 60, 86400),
        gps_noise_m=_number("reception.gps_noise_m", t.get("gps_noise_m", d.gps_noise_m), 0, 50),
        gps_outlier_share=_number(
            "reception.gps_outlier_share", t.get("gps_outlier_share", d.gps_outlier_share), 0, 0.2
        ),
        min_gap_h=_number("reception.min_gap_h", t.get("min_gap_h", d.min_gap_h), 0.25, 240),
    )
