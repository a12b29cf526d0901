"""Sanctions screening: a vessel whose broadcast identity is on a loaded sanctions list.

``SANCTIONS_MATCH``: one event per vessel (MMSI) and list entry it matches, at the strength of
the best way it matches (candidates: :mod:`shadowtrace.sanctions.match`):

* ``imo`` (high, score 1.0): its static reports carried a valid IMO number the entry lists.
  The IMO number stays with the hull for life, so the name and MMSI it broadcasts do not matter.
* ``mmsi`` (high, 0.9): its MMSI is the entry's, and nothing it broadcast contradicts the entry
  (no valid IMO number other than the listed one, and a name matching a listed one, or none).
  MMSIs are reassigned when ships change flag, so an MMSI alone is trusted only when the rest
  agrees:

  - ``mmsi_unconfirmed`` (medium, 0.6): the MMSI is listed, no IMO number settles it, and every
    name broadcast differs from the listed names: the ship renamed, or the MMSI now another's;
  - ``mmsi_reused`` (low, 0.2): the MMSI is listed but the vessel broadcasts a valid IMO number
    other than the listed one: another ship holds the MMSI now.

* ``name`` (medium; high when corroborated): a broadcast name scores at least ``min_name_score``
  against the entry's name or an alias, and no valid IMO number it broadcast contradicts the
  listed one (a name match whose IMO differs is a namesake, and dropped). Corroboration: the flag
  of its MMSI is the listed flag, or its call sign is the listed call sign. Score 0.6 x the name
  score / 100, plus 0.15 per corroboration. A vessel whose every static report came from a class B
  transponder (types 19 and 24: small craft, not the ships sanctions lists name) is ``low``, at
  half the score.

``start``/``end``: the first and last report that carried the matching identity (the IMO number,
the MMSI, or the name); evidence: those two reports. ``details``: ``strength``, ``list``,
``list_date``, ``entry_id``, ``listed_name``, ``listed_imo``, ``listed_mmsi``, ``programs``,
``listed_since``, ``matched_on`` (everything that agreed: ``imo``, ``mmsi``, ``name``, ``flag``,
``callsign``), ``name_score`` and ``broadcast_name`` where a name matched, ``reports``.
A vessel seen only before the entry's listing date keeps its strength, with that said in a reason.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import polars as pl

from shadowtrace.models.events import Event, params_hash
from shadowtrace.models.mid import flag_of_mmsi
from shadowtrace.sanctions.match import VesselSeen, callsign_key, candidates, observed, vessels_seen
from shadowtrace.settings import check_range, setting
from shadowtrace.tracks.exprs import evidence

DETECTOR = "sanctions@1"
KIND = "SANCTIONS_MATCH"

_ROLE = {"imo": "report with the listed IMO", "mmsi": "report under the listed MMSI", "name": "report with the name"}


@dataclass(frozen=True)
class SanctionsParams:
    """Settings of the sanctions screening (see :mod:`shadowtrace.detectors.sanctions`)."""

    min_name_score: float = setting(
        90.0, "0-100", "names scoring at least this against a listed name or alias match (numbers must be equal)"
    )

    def __post_init__(self) -> None:
        check_range(self, "min_name_score", 0.0, 100.0)


def detect_sanctions(
    statics: pl.DataFrame, listed: pl.DataFrame, params: SanctionsParams | None = None
) -> list[Event]:
    """SANCTIONS_MATCH events of the static reports against the ``listed`` table, in a stable order."""
    p = params or SanctionsParams()
    if listed.is_empty() or statics.is_empty():
        return []
    p_hash = params_hash(p)
    obs = observed(statics)
    found = candidates(obs, listed, p.min_name_score)
    seen = vessels_seen(obs, found["mmsi"].unique().to_list())
    entries = listed.to_dicts()
    events = []
    for (mmsi, index), group in itertools.groupby(found.iter_rows(named=True), lambda r: (r["mmsi"], r["_entry"])):
        event = _judge(mmsi, entries[index], {r["how"]: r for r in group}, seen[mmsi], p_hash)
        if event is not None:
            events.append(event)
    return sorted(events, key=lambda e: (e.start, e.subject, e.other))


@dataclass
class _Grade:
    """How strongly one vessel matches one entry, and why."""

    strength: str
    severity: str
    score: float
    span: dict[str, Any]  # the candidate row whose reports carried the matching identity
    reasons: list[str]


def _grade(mmsi: int, entry: dict[str, Any], ways: dict[str, dict[str, Any]], v: VesselSeen,
           agree: list[str]) -> _Grade | None:
    """The strength of the best way a vessel matches an entry (module docstring), or None."""
    listed_imo = entry["imo"] if entry["imo_valid"] else None
    contradicted = listed_imo is not None and bool(v.imos) and listed_imo not in v.imos
    listed = (f"{entry['list_name']} ({entry['list_date']}) as {entry['name'] or '(no name)'!r}, "
              f"entry {entry['entry_id']}")
    name = ways.get("name")
    if "imo" in ways:
        return _Grade("imo", "high", 1.0, ways["imo"], [f"IMO {listed_imo} is listed on {listed}"])
    if "mmsi" in ways:
        why = [f"MMSI {mmsi} is listed on {listed}"]
        if contradicted:
            return _Grade("mmsi_reused", "low", 0.2, ways["mmsi"], [*why, (
                f"but it broadcasts IMO {v.last_imo}, not the listed {listed_imo}: another ship holds the MMSI now")])
        if name is None and v.names and (entry["name"] or entry["aliases"]):
            return _Grade("mmsi_unconfirmed", "medium", 0.6, ways["mmsi"], [*why, (
                f"no IMO number settles it and its name {v.last_name!r} is not a listed one: renamed, or the MMSI "
                "is another ship's now")])
        return _Grade("mmsi", "high", 0.9, ways["mmsi"], why)
    if name is None or contradicted:
        return None
    corroborated = [w for w in agree if w in ("flag", "callsign")]
    score = min(1.0, 0.6 * name["name_score"] / 100 + 0.15 * len(corroborated))
    why = [f"broadcast name {name['broadcast_name']!r} matches {listed} (name score {name['name_score']:g})"]
    if v.class_b:
        why.append("but it has a class B transponder: a small craft of the same name, most likely")
        return _Grade("name", "low", score / 2, name, why)
    return _Grade("name", "high" if corroborated else "medium", score, name, why)


def _judge(mmsi: int, entry: dict[str, Any], ways: dict[str, dict[str, Any]], v: VesselSeen,
           p_hash: str) -> Event | None:
    agree: list[str] = [w for w in ("imo", "mmsi", "name") if w in ways]
    if entry["flag"] and entry["flag"] == flag_of_mmsi(mmsi):
        agree.append("flag")
    if entry["callsign"] and callsign_key(entry["callsign"]) in v.callsigns:
        agree.append("callsign")
    grade = _grade(mmsi, entry, ways, v, agree)
    if grade is None:
        return None
    strength, span, reasons = grade.strength, grade.span, grade.reasons
    name = ways.get("name")
    if name is not None and strength != "name":
        reasons.append(f"its name {name['broadcast_name']!r} matches too (score {name['name_score']:g})")
    reasons += [f"its {w} is the listed one too" for w in agree if w not in (span["how"], "name")]
    since = entry["listed_since"]
    if since is not None and span["last_ts"].date() < since:
        reasons.append(f"seen only before the listing date {since}")
    details = {
        "strength": strength, "list": entry["list_name"], "list_date": entry["list_date"],
        "entry_id": entry["entry_id"], "listed_name": entry["name"], "listed_imo": entry["imo"],
        "listed_mmsi": entry["mmsi"], "programs": entry["programs"] or [], "listed_since": since,
        "matched_on": agree, "reports": span["reports"],
        "summary": f"{strength} match: {entry['list_name']} {entry['name'] or entry['entry_id']}",
    }
    if name is not None:
        details |= {"name_score": name["name_score"], "broadcast_name": name["broadcast_name"]}
    role = _ROLE[span["how"]]
    return Event(
        kind=KIND, detector=DETECTOR, subject=f"mmsi:{mmsi}", start=span["first_ts"], end=span["last_ts"],
        mmsi=mmsi, imo=entry["imo"] if strength == "imo" else v.last_imo,
        vessel_name=name["broadcast_name"] if name is not None else v.last_name,
        severity=grade.severity, score=round(grade.score, 2), reasons=reasons, details=details, params_hash=p_hash,
        evidence=evidence([(span["first_src"], span["first_line"], f"first {role}"),
                           (span["last_src"], span["last_line"], f"last {role}")]),
        other=f"{entry['list_name']}|{entry['entry_id']}",
    )
