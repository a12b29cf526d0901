"""Declared destination versus the port actually reached.

``DESTINATION_MISMATCH``: a voyage reached a port other than the destination its AIS
broadcast at arrival (the last destination text broadcast during the voyage, resolved to a
port, or to a country when no port can be told).

``DECLARATION_MISMATCH``: a voyage reached a port other than the next port declared to the
port authority on departure.

Not a mismatch: a destination changed to the true port before arrival (the last text
counts), a multi-leg destination (``RU VVO>CN DLC``) among whose legs the arrival is, a
destination that names only the arrival's country, texts that say nothing (``FOR ORDERS``,
blank, unresolved), which cannot be contradicted, a stale text (the previous voyage's
destination, last broadcast soon after departure, or the port of departure itself), a
voyage back to its port of departure, and a clearance record naming another port when AIS
announced the true one during the voyage, well before arrival and not just after a long
silence (a diversion made openly; still reported, with that reason, when the port reached is
in a watched country). Severity rises when
the port reached is in a watched country (default: North Korea), and when the false
destination was kept until arrival.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from shadowtrace.geo.sphere import haversine_m
from shadowtrace.models.events import Event, params_hash
from shadowtrace.settings import check_range, setting

DETECTOR = "mismatch@1"


@dataclass(frozen=True)
class MismatchParams:
    """Settings of the mismatch detectors."""

    watched_countries: tuple[str, ...] = setting(
        ("KP",), "ISO-2", "countries whose ports raise a mismatch to high severity"
    )
    kept_until_arrival_h: float = setting(
        12.0, "h", "a false destination still broadcast this close to arrival was kept until arrival"
    )
    min_confidence: float = setting(
        0.6, "0..1", "the lowest resolution confidence at which a destination can contradict the arrival"
    )
    stale_after_departure_h: float = setting(
        2.0, "h", "a text last broadcast within this long after departure is the previous voyage's"
    )
    diversion_after_departure_h: float = setting(
        6.0, "h", "AIS that starts naming the port reached later than this after departure, and at least "
        "diversion_notice_h before arrival, announced a diversion: it explains a clearance record naming "
        "another port (except for arrivals in a watched country, always reported)",
    )
    diversion_notice_h: float = setting(6.0, "h", "see diversion_after_departure_h")
    dark_gap_h: float = setting(
        12.0, "h", "a destination in force when the vessel went silent this long is judged too, not only "
        "the last one (a vessel that declares one port, goes dark and comes back naming another)",
    )
    same_place_km: float = setting(
        25.0, "km", "a declared port this close to the port reached is the same place (port complexes "
        "such as Gdansk and Gdynia, or a terminal listed apart from its city)",
    )

    def __post_init__(self) -> None:
        for name in ("kept_until_arrival_h", "stale_after_departure_h", "diversion_after_departure_h",
                     "diversion_notice_h", "dark_gap_h", "same_place_km"):
            check_range(self, name, 0.0, low_open=False)
        check_range(self, "min_confidence", 0.0, 1.0, low_open=False)


@dataclass(frozen=True)
class Declared:
    """A destination as declared: raw text and what it resolves to."""

    raw: str
    locodes: tuple[str, ...]  # every port it names, last = destination (several for multi-leg)
    country: str | None  # the destination's country
    kind: str  # port | country | placeholder | unresolved
    rule: str
    confidence: float
    lat: float | None = None  # position of the declared destination port, when it is one
    lon: float | None = None


Resolver = Callable[[str], Declared]


def verdict(declared: Declared, v: dict[str, Any], params: MismatchParams) -> str | None:
    """Why a declaration contradicts a voyage's arrival, or None when it does not (or cannot)."""
    to_locode, to_country = v["to_locode"], v["to_country"]
    if declared.kind in ("placeholder", "unresolved") or declared.confidence < params.min_confidence:
        return None
    if to_locode in declared.locodes or declared.locodes[-1:] == (v["from_locode"],):
        return None
    if _same_place(declared, v, params):
        return None
    if declared.kind == "country":
        if declared.country == to_country:
            return None
        return f"declared country {declared.country}, arrived in {to_country}"
    return f"declared {declared.locodes[-1]}, arrived at {to_locode}"


def _same_place(declared: Declared, v: dict[str, Any], params: MismatchParams) -> bool:
    if declared.lat is None or declared.lon is None or v.get("to_lat") is None or v.get("to_lon") is None:
        return False
    return float(haversine_m(declared.lat, declared.lon, v["to_lat"], v["to_lon"])) <= params.same_place_km * 1000


def _severity(to_country: str, kept: bool, params: MismatchParams) -> tuple[str, float, list[str]]:
    score, reasons = 0.5, []
    if to_country in params.watched_countries:
        score += 0.3
        reasons.append(f"port reached is in a watched country ({to_country})")
    if kept:
        score += 0.2
        reasons.append("the false destination was kept until arrival")
    severity = "high" if score >= 0.8 else "medium"
    return severity, round(score, 2), reasons


def _base_event(kind: str, v: dict[str, Any], params: MismatchParams) -> dict[str, Any]:
    return {
        "kind": kind, "detector": DETECTOR, "subject": f"mmsi:{v['mmsi']}", "start": v["departed_at"],
        "end": v["arrived_at"], "mmsi": v["mmsi"], "imo": v.get("imo"), "vessel_name": v.get("vessel_name"),
        "params_hash": params_hash(params),
    }


def _judged(voyages: pl.DataFrame) -> pl.DataFrame:
    """Closed voyages to another port than the one left: the ones a declaration can contradict."""
    return voyages.filter(pl.col("to_locode").is_not_null() & (pl.col("to_locode") != pl.col("from_locode")))


def _current_texts(v: dict[str, Any], params: MismatchParams) -> list[dict[str, Any]]:
    """The voyage's own destination texts (not the previous voyage's), oldest last broadcast first."""
    stale_until = v["departed_at"] + dt.timedelta(hours=params.stale_after_departure_h)
    texts = [d for d in v["destinations"] or [] if d["text"] and d["last_seen"] > stale_until]
    return sorted(texts, key=lambda d: (d["last_seen"], d["first_seen"]))


def destination_mismatches(voyages: pl.DataFrame, resolve: Resolver, params: MismatchParams) -> list[Event]:
    """DESTINATION_MISMATCH events of closed voyages (see the module docstring)."""
    events = []
    for v in _judged(voyages).iter_rows(named=True):
        found = _contradiction(v, resolve, params)
        if found is None:
            continue
        last, declared, why = found
        kept = last["last_seen"] >= v["arrived_at"] - dt.timedelta(hours=params.kept_until_arrival_h)
        severity, score, reasons = _severity(v["to_country"], kept, params)
        evidence = [(e["source_id"], e["line"], "declaring sentence") for e in (last["evidence"] or [])[:20]]
        evidence += _call_evidence(v)
        events.append(Event(
            **_base_event("DESTINATION_MISMATCH", v, params),
            lat=v.get("to_lat"), lon=v.get("to_lon"), severity=severity, score=score,
            reasons=[why, *reasons],
            details=_details(v, declared, "ais", {"first_seen": last["first_seen"], "last_seen": last["last_seen"],
                                                  "count": last["count"]}),
            evidence=evidence,
        ))
    return events


def declaration_mismatches(voyages: pl.DataFrame, resolve: Resolver, params: MismatchParams) -> list[Event]:
    """DECLARATION_MISMATCH events of closed voyages with a clearance record."""
    if "declared_next_locode" not in voyages.columns:
        return []
    events = []
    for v in _judged(voyages).filter(pl.col("declaration_id").is_not_null()).iter_rows(named=True):
        text = v["declared_next_locode"] or v["declared_next_name"] or ""
        declared = resolve(text)
        why = verdict(declared, v, params)
        if why is None:
            continue
        if _announced(v, resolve, params):
            if v["to_country"] not in params.watched_countries:
                continue
            why += "; AIS announced the change during the voyage"
        severity, score, reasons = _severity(v["to_country"], True, params)
        evidence = [(v["declaration_source_id"], v["declaration_line"], "clearance record"), *_call_evidence(v)]
        events.append(Event(
            **_base_event("DECLARATION_MISMATCH", v, params),
            lat=v.get("to_lat"), lon=v.get("to_lon"), severity=severity, score=score,
            reasons=[why, *reasons[:1]],
            details=_details(v, declared, "clearance", {"declaration_id": v["declaration_id"],
                                                        "declared_departure": v.get("declared_departure"),
                                                        "cargo": v.get("cargo")}),
            evidence=[e for e in evidence if e[0] is not None],
        ))
    return events


def _contradiction(
    v: dict[str, Any], resolve: Resolver, params: MismatchParams
) -> tuple[dict[str, Any], Declared, str] | None:
    """The destination text that contradicts the arrival, if any: the one in force when the
    vessel went silent for ``dark_gap_h`` or more (checked first: what was declared going dark),
    else the last informative one broadcast (placeholders say nothing)."""
    texts = _current_texts(v, params)
    informative = [t for t in texts if resolve(t["text"]).kind in ("port", "country")]
    dark_from = v.get("dark_from")
    before_dark = [t for t in informative if dark_from is not None and t["first_seen"] <= dark_from]
    going_dark = max(before_dark, key=lambda t: t["first_seen"], default=None)
    for text in [going_dark, *informative[-1:]]:
        if text is None:
            continue
        declared = resolve(text["text"])
        why = verdict(declared, v, params)
        if why is not None:
            if text is going_dark:
                silent_h = (v["dark_until"] - dark_from).total_seconds() / 3600
                why += f" (in force when AIS went silent for {silent_h:.0f} h)"
            return text, declared, why
    return None


def _announced(v: dict[str, Any], resolve: Resolver, params: MismatchParams) -> bool:
    """AIS first named the port reached during the voyage (not from its start) and at least
    ``diversion_notice_h`` before arrival: a diversion made openly, not a false declaration."""
    after = v["departed_at"] + dt.timedelta(hours=params.diversion_after_departure_h)
    notice = v["arrived_at"] - dt.timedelta(hours=params.diversion_notice_h)
    named = [d["first_seen"] for d in _current_texts(v, params) if v["to_locode"] in resolve(d["text"]).locodes]
    if not named or not after < min(named) <= notice:
        return False
    dark_until = v.get("dark_until")
    return dark_until is None or min(named) < dark_until  # named after going dark: not made openly


def _call_evidence(v: dict[str, Any]) -> list[tuple[int, int, str]]:
    if v.get("arrival_source_id") is None:
        return []
    return [(v["arrival_source_id"], v["arrival_line"], "first fix in the port reached")]


def _details(v: dict[str, Any], declared: Declared, source: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": f"declared {declared.raw!r}, went to {v['to_port']} ({v['to_locode']})",
        "declared": declared.locodes[-1] if declared.locodes else declared.country,
        "declared_raw": declared.raw, "declared_kind": declared.kind, "declared_rule": declared.rule,
        "declared_source": source, "actual": v["to_locode"], "actual_port": v["to_port"],
        "actual_country": v["to_country"], "departed": v["from_locode"], "departed_port": v["from_port"],
        "departed_at": v["departed_at"], "arrived_at": v["arrived_at"], **extra,
    }


def detect_mismatches(
    voyages: pl.DataFrame, resolve: Resolver, params: MismatchParams | None = None
) -> list[Event]:
    """Both mismatch kinds for a voyages table."""
    p = params or MismatchParams()
    return [*destination_mismatches(voyages, resolve, p), *declaration_mismatches(voyages, resolve, p)]
