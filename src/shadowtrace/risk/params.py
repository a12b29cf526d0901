"""Settings of the vessel risk score, declared once: every weight with its unit and the reason for it.

A weight is the points one fresh event of a kind at severity ``high`` adds; the severity factors
scale it for the other severities, the half-life for age, the repeat factor for further events of
the kind. ``docs/risk.md`` gives the rationale of each default at length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from shadowtrace.errors import InputError
from shadowtrace.models.events import SEVERITIES
from shadowtrace.settings import check_range, setting

#: risk levels, strongest first (Windward's Sanctioned / High / Medium / Low)
LEVELS = ("sanctioned", "high", "medium", "low")
#: strengths a SANCTIONS_MATCH can have (:mod:`shadowtrace.detectors.sanctions`): the listed IMO; the
#: listed MMSI with nothing against it, with no name agreeing, or held by another IMO now; a similar name
STRENGTHS = ("imo", "mmsi", "mmsi_unconfirmed", "mmsi_reused", "name")
#: the pseudo-kind of an ENCOUNTER whose partner is at level "sanctioned" (a one-hop link)
MET_SANCTIONED = "MET_SANCTIONED"

#: plain words for each weighed kind, as reasons show them
LABELS = {
    "SANCTIONS_MATCH": "matches a sanctions list entry",
    "DECLARATION_MISMATCH": "declared another next port to the port authority than the one reached",
    "DESTINATION_MISMATCH": "broadcast another destination than the port reached",
    MET_SANCTIONED: "met a sanctioned vessel at sea",
    "DARK_PORT_CALL_POSSIBLE": "could have called at a watched port while dark",
    "DRAUGHT_CHANGE_DARK": "draught changed while dark",
    "IDENTITY_CHANGE": "changed identity",
    "SHARED_MMSI": "MMSI used by two transmitters at once",
    "AIS_GAP": "AIS silent",
    "ENCOUNTER": "met another vessel at sea",
    "LOITERING": "idled at sea",
    "POSITION_JUMP": "impossible position jump",
    "PORT_CALL": "port call",
}


@dataclass(frozen=True)
class RiskParams:
    """Weights, factors and thresholds of the risk score (rationale: docs/risk.md)."""

    weight_sanctions_match: float = setting(
        60.0, "points", "a listed vessel's name (by severity; an IMO or MMSI match sets level sanctioned anyway)"
    )
    weight_declaration_mismatch: float = setting(
        50.0, "points", "a false next port on the port-clearance record: a falsified document (advisory 2020)"
    )
    weight_destination_mismatch: float = setting(
        40.0, "points", "a false AIS destination: a voyage irregularity, but AIS destinations are often wrong"
    )
    weight_met_sanctioned: float = setting(
        80.0, "points", "an ENCOUNTER with a vessel at level sanctioned (encounters are medium: 40 points)"
    )
    weight_dark_port_call_possible: float = setting(
        30.0, "points", "a watched port within reach during a silence: possible, not seen"
    )
    weight_draught_change_dark: float = setting(30.0, "points", "cargo loaded or discharged while no one could see")
    weight_identity_change: float = setting(
        30.0, "points", "name, call sign, IMO, MMSI or flag changed: altered identification, flag hopping"
    )
    weight_shared_mmsi: float = setting(20.0, "points", "two transmitters on one MMSI: one of them hides who it is")
    weight_ais_gap: float = setting(
        15.0, "points", "disabling AIS: common for innocent reasons too, so weighed low, and only where heard"
    )
    weight_encounter: float = setting(20.0, "points", "a ship-to-ship meeting at sea (encounters are medium: 10)")
    weight_loitering: float = setting(10.0, "points", "idling at sea with no visible partner: a possible dark transfer")
    weight_position_jump: float = setting(4.0, "points", "a spoofed or erroneous fix: mostly receiver noise")
    weight_port_call: float = setting(0.0, "points", "a port call is neutral: its risk lies in the mismatches")
    weight_other: float = setting(0.0, "points", "any kind without a weight of its own")

    factor_high: float = setting(1.0, "factor", "share of the weight a high-severity event adds")
    factor_medium: float = setting(0.5, "factor", "share of the weight a medium-severity event adds")
    factor_low: float = setting(
        0.0, "factor", "low severity is what detectors list but do not allege (a gap in a coverage hole): nothing"
    )
    factor_info: float = setting(0.0, "factor", "info events (port calls) add nothing")

    half_life_days: float = setting(
        180.0, "days", "an event this old counts half, twice as old a quarter (inf: no decay)"
    )
    undecayed_kinds: tuple[str, ...] = setting(
        ("SANCTIONS_MATCH",), "kinds", "kinds that do not fade with age: a listing holds until it is lifted"
    )
    repeat_factor: float = setting(
        0.6, "factor", "each further event of a kind counts this share of the one before (strongest first)"
    )
    kind_cap: float = setting(2.0, "x weight", "one kind adds at most this multiple of its weight")

    high_score: float = setting(40.0, "points", "a score at least this high is level high")
    medium_score: float = setting(15.0, "points", "a score at least this high is level medium; below it, low")
    sanctioning_strengths: tuple[str, ...] = setting(
        ("imo", "mmsi"), "strengths", "SANCTIONS_MATCH strengths that put a vessel at level sanctioned"
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name.startswith("weight_"):
                check_range(self, f.name, 0.0, 1000.0, low_open=False)
        check_range(self, "factor_info", 0.0, self.factor_low, low_open=False)
        check_range(self, "factor_low", self.factor_info, self.factor_medium, low_open=False)
        check_range(self, "factor_medium", self.factor_low, self.factor_high, low_open=False)
        check_range(self, "factor_high", self.factor_medium, 1.0, low_open=False)
        check_range(self, "half_life_days", 0.0)
        check_range(self, "repeat_factor", 0.0, 1.0, low_open=False)
        check_range(self, "kind_cap", 1.0, low_open=False)
        check_range(self, "medium_score", 0.0)
        check_range(self, "high_score", self.medium_score)
        strengths = self.sanctioning_strengths
        if not isinstance(strengths, tuple) or not all(s in STRENGTHS for s in strengths):
            raise InputError(
                f"RiskParams.sanctioning_strengths = {strengths!r}: give a tuple of {', '.join(STRENGTHS)}"
            )
        kinds = self.undecayed_kinds
        if not isinstance(kinds, tuple) or not all(isinstance(k, str) and k.isupper() for k in kinds):
            raise InputError(
                f"RiskParams.undecayed_kinds = {self.undecayed_kinds!r}: give event kinds in upper case, "
                "e.g. ('SANCTIONS_MATCH',)"
            )

    def weight(self, kind: str) -> float:
        """Points of one fresh high-severity event of ``kind`` (``weight_other`` for kinds without a setting)."""
        value = getattr(self, f"weight_{kind.lower()}", None)
        return float(value) if isinstance(value, int | float) else self.weight_other

    def factor(self, severity: str) -> float:
        """Share of the weight an event of ``severity`` adds."""
        if severity not in SEVERITIES:
            raise InputError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
        return float(getattr(self, f"factor_{severity}"))

    def decay(self, age_days: float, kind: str) -> float:
        """How much an event ``age_days`` old still counts (1 when fresh, 0.5 at the half-life)."""
        if kind in self.undecayed_kinds or math.isinf(self.half_life_days):
            return 1.0
        return float(0.5 ** (max(age_days, 0.0) / self.half_life_days))

    def level(self, score: float, sanctioned: bool) -> str:
        """The level of a score; ``sanctioned`` wins whatever the score."""
        if sanctioned:
            return "sanctioned"
        if score >= self.high_score:
            return "high"
        return "medium" if score >= self.medium_score else "low"
