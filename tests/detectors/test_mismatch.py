"""DESTINATION_MISMATCH and DECLARATION_MISMATCH, table-driven on synthetic voyages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pytest

from shadowtrace.detectors.mismatch import Declared, MismatchParams, detect_mismatches
from shadowtrace.errors import InputError

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)

RESOLVED = {
    "CN DLC": Declared("CN DLC", ("CNDLC",), "CN", "port", "locode", 0.99),
    "CNDLC": Declared("CNDLC", ("CNDLC",), "CN", "port", "locode", 0.99),
    "KRPUS": Declared("KRPUS", ("KRPUS",), "KR", "port", "locode", 0.99),
    "KPCHO": Declared("KPCHO", ("KPCHO",), "KP", "port", "locode", 0.99),
    "CHONGJIN": Declared("CHONGJIN", ("KPCHO",), "KP", "port", "name", 0.9),
    "VLADIVOSTOK": Declared("VLADIVOSTOK", ("RUVVO",), "RU", "port", "name", 0.95),
    "RU VVO>KP CHO": Declared("RU VVO>KP CHO", ("RUVVO", "KPCHO"), "KP", "port", "legs", 0.95),
    "NORTH KOREA": Declared("NORTH KOREA", (), "KP", "country", "country", 0.9),
    "CHINA": Declared("CHINA", (), "CN", "country", "country", 0.9),
    "FOR ORDERS": Declared("FOR ORDERS", (), None, "placeholder", "placeholder", 1.0),
    "XQZW": Declared("XQZW", (), None, "unresolved", "unresolved", 0.0),
}


def resolve(text: str) -> Declared:
    return RESOLVED[text]


def h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def dest(text: str, first_h: float, last_h: float, line: int = 1) -> dict[str, Any]:
    return {"text": text, "first_seen": h(first_h), "last_seen": h(last_h), "count": 3,
            "evidence": [{"source_id": 1, "line": line}]}


@dataclass
class Case:
    id: str
    destinations: list[dict[str, Any]] = field(default_factory=list)
    to: str | None = "KPCHO"
    declared_next: str | None = None
    expect: dict[str, str] = field(default_factory=dict)  # kind -> severity
    dark: tuple[float, float] | None = None  # the voyage's last long silence (hours)


DEPART, ARRIVE = 0.0, 30.0
CASES = [
    Case("ais-lie-kept-to-kp", [dest("CN DLC", 0.5, 29.5)], expect={"DESTINATION_MISMATCH": "high"}),
    Case("ais-truth", [dest("KPCHO", 0.5, 29.5)]),
    Case("placeholder-cannot-contradict", [dest("FOR ORDERS", 0.5, 29.5)]),
    Case("unresolved-cannot-contradict", [dest("XQZW", 0.5, 29.5)]),
    Case("multi-leg-includes-arrival", [dest("RU VVO>KP CHO", 0.5, 29.5)]),
    Case("country-level-agrees", [dest("NORTH KOREA", 0.5, 29.5)]),
    Case("country-level-contradicts", [dest("CHINA", 0.5, 29.5)], expect={"DESTINATION_MISMATCH": "high"}),
    Case("updated-to-true-port-early", [dest("CN DLC", 0.5, 3), dest("CHONGJIN", 3.5, 29.5)]),
    Case("stale-departure-port", [dest("VLADIVOSTOK", 0.5, 29.5)]),
    Case("previous-voyage-text-then-blank", [dest("CN DLC", -10, 1.0)]),
    Case("lie-then-dark-then-truth", [dest("KRPUS", 0.5, 5), dest("KPCHO", 25, 29.5)],
         expect={"DESTINATION_MISMATCH": "high"}, dark=(5.0, 25.0)),
    Case("lie-seen-again-after-dark-then-truth", [dest("KRPUS", 0.5, 25.2), dest("KPCHO", 26, 29.5)],
         expect={"DESTINATION_MISMATCH": "high"}, dark=(5.0, 25.0)),
    Case("truth-going-dark", [dest("KPCHO", 0.5, 29.5)], dark=(5.0, 25.0)),
    Case("clearance-lie-dark-return-elsewhere", [dest("KPCHO", 26, 29.5)], declared_next="CNDLC",
         expect={"DECLARATION_MISMATCH": "high"}, dark=(5.0, 25.0)),
    Case("lie-not-kept-to-non-watched", [dest("KRPUS", 0.5, 5), dest("FOR ORDERS", 5.5, 29.5)], to="CNDLC",
         expect={"DESTINATION_MISMATCH": "medium"}),
    Case("placeholder-last-hides-nothing", [dest("CN DLC", 0.5, 5), dest("FOR ORDERS", 5.5, 29.5)],
         expect={"DESTINATION_MISMATCH": "high"}),
    Case("round-trip-not-judged", [dest("CN DLC", 0.5, 29.5)], to="RUVVO"),
    Case("open-voyage-not-judged", [dest("CN DLC", 0.5, 29.5)], to=None),
    Case("clearance-lie-ais-truth", [dest("KPCHO", 0.8, 29.5)], declared_next="CNDLC",
         expect={"DECLARATION_MISMATCH": "high"}),
    Case("clearance-truth", [dest("KPCHO", 0.8, 29.5)], declared_next="KPCHO"),
    Case("diversion-announced-non-watched", [dest("CHINA", 0.8, 10), dest("KRPUS", 12, 29.5)], to="KRPUS",
         declared_next="CN DLC"),
    Case("diversion-announced-to-kp-still-reported", [dest("CN DLC", 0.8, 10), dest("KPCHO", 12, 29.5)],
         declared_next="CN DLC", expect={"DECLARATION_MISMATCH": "high", "DESTINATION_MISMATCH": "-"}),
]


def voyages(case: Case) -> pl.DataFrame:
    country = {"KPCHO": "KP", "CNDLC": "CN", "KRPUS": "KR", "RUVVO": "RU"}
    row = {
        "mmsi": 273000001, "imo": 9000001, "vessel_name": "TEST", "from_locode": "RUVVO", "from_port": "Vladivostok",
        "from_country": "RU", "departed_at": h(DEPART), "to_locode": case.to, "to_port": case.to,
        "to_country": country.get(case.to or ""), "arrived_at": h(ARRIVE) if case.to else None,
        "to_lat": 41.7, "to_lon": 129.8, "arrival_source_id": 1, "arrival_line": 99,
        "destinations": case.destinations, "declaration_id": "D1" if case.declared_next else None,
        "dark_from": h(case.dark[0]) if case.dark else None, "dark_until": h(case.dark[1]) if case.dark else None,
        "declared_next_locode": None, "declared_next_name": case.declared_next, "cargo": "fuel oil",
        "declared_departure": h(DEPART) if case.declared_next else None,
        "declaration_source_id": 2 if case.declared_next else None,
        "declaration_line": 7 if case.declared_next else None,
    }
    return pl.DataFrame([row])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mismatch_cases(case: Case) -> None:
    events = detect_mismatches(voyages(case), resolve)
    got = {e.kind: e.severity for e in events}
    want = {k: v for k, v in case.expect.items() if v != "-"}
    assert {k: got.get(k) for k in want} == want
    assert set(got) == set(want) | {k for k, v in case.expect.items() if v == "-"} & set(got)
    for e in events:
        assert e.start == h(DEPART) and e.end == h(ARRIVE) and e.mmsi == 273000001
        assert e.reasons and e.details["actual"] == case.to
        roles = {r for _, _, r in e.evidence}
        assert "first fix in the port reached" in roles
        assert ("declaring sentence" in roles) or ("clearance record" in roles)


def test_dark_reason_names_the_silence() -> None:
    case = next(c for c in CASES if c.id == "lie-then-dark-then-truth")
    (event,) = detect_mismatches(voyages(case), resolve)
    assert "silent for 20 h" in event.reasons[0]
    assert event.details["declared_raw"] == "KRPUS"


def test_event_ids_are_stable() -> None:
    case = CASES[0]
    a = detect_mismatches(voyages(case), resolve)
    b = detect_mismatches(voyages(case), resolve)
    assert [e.event_id for e in a] == [e.event_id for e in b]


@pytest.mark.parametrize("bad", [{"kept_until_arrival_h": -1}, {"min_confidence": 2}, {"dark_gap_h": -3}])
def test_params_are_validated(bad: dict[str, float]) -> None:
    with pytest.raises(InputError):
        MismatchParams(**bad)  # type: ignore[arg-type]
