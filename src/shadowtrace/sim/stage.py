"""Staging acts on the fleet: the labelled record of an act, and the stage that builds them.

Each act builds the plans of the vessels it involves with the :class:`Itinerary` builder
(the same one ordinary trade uses) and records an :class:`Act`: what happened, where and
when, and ``expect``, the events a detector should report (an empty list for a look-alike
that must not be flagged). Times are seconds since the start of the run until
:mod:`shadowtrace.sim.writers` writes them as ISO 8601.

:class:`Stage` holds what every act needs (new vessels, ordinary traders, the act log);
the acts themselves are its subclasses' methods: the evasive ones in
:mod:`shadowtrace.sim.acts`, the legitimate look-alikes in :mod:`shadowtrace.sim.lookalikes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from shadowtrace.sim.fleet import H, Itinerary, Vessel, VoyageData, World, make_vessel
from shadowtrace.sim.identities import Registry
from shadowtrace.sim.scenario import LOOK_ALIKES, Scenario

#: vessels each act needs
VESSELS_PER_ACT: Final = {
    "declared_elsewhere": 1,
    "dark_delivery": 1,
    "sts_transfer": 2,
    "identity_change": 1,
    "shared_mmsi": 2,
    "position_jump": 1,
    "late_destination_update": 1,
    "announced_diversion": 1,
    "open_sea_gap": 1,
    "pilot_alongside": 2,
    "bunker_alongside": 2,
}


@dataclass
class Act:
    id: str
    kind: str
    variant: str
    vessels: list[Vessel]
    start: float
    end: float
    lat: float
    lon: float
    locode: str | None
    expect: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def look_alike(self) -> bool:
        return self.kind in LOOK_ALIKES


def act_schedule(scenario: Scenario, vessels: int, days: float) -> list[tuple[str, str]]:
    """Which acts to stage: one of each kind and variant first, then more by rate, within the fleet."""
    specs = [s for s in scenario.acts if s.rate > 0]
    order: list[tuple[str, str]] = [(s.kind, v) for s in specs for v in s.variants]
    for s in specs:
        extra = round(s.rate * vessels / 100.0 * days / 30.0) - len(s.variants)
        order += [(s.kind, s.variants[i % len(s.variants)]) for i in range(max(0, extra))]
    budget = int(vessels * 0.6)
    out = []
    for kind, variant in order:
        need = VESSELS_PER_ACT[kind]
        if need <= budget:
            out.append((kind, variant))
            budget -= need
    return out


class Stage:
    """Stages acts: creates the vessels they need and builds their plans.

    An act of kind ``k`` is the method ``_k`` of a subclass; :meth:`stage` calls it by that name.
    """

    def __init__(
        self, world: World, registry: Registry, next_idx: Callable[[], int], covered: Callable[[Any, Any], Any]
    ) -> None:
        self.w = world
        self.reg = registry
        self.next_idx = next_idx
        self.covered = covered
        self.vessels: list[Vessel] = []
        self.acts: list[Act] = []
        self.skipped: list[str] = []

    # ---- helpers

    def vessel(self, type_name: str, home: str, rng: np.random.Generator, flag: str | None = None) -> Vessel:
        sc = self.w.scenario
        flags = list(sc.flags)
        share = np.array([sc.flags[f] for f in flags])
        flag = flag or flags[int(rng.choice(len(flags), p=share / share.sum()))]
        v = make_vessel(self.w, self.reg, self.next_idx(), sc.types[type_name], home, flag)
        v.update_delay_h = float(rng.uniform(0.5, 1.5))
        self.vessels.append(v)
        return v

    def pick(self, rng: np.random.Generator, items: list[str]) -> str:
        return items[int(rng.integers(len(items)))]

    def when(self, rng: np.random.Generator, lo: float = 0.08, hi: float = 0.35) -> float:
        return float(rng.uniform(lo, hi)) * self.w.T + 2 * H

    def add(self, act: Act) -> None:
        act.id = f"A{len(self.acts) + 1:03d}-{act.kind}"
        self.acts.append(act)
        for v in act.vessels:
            v.role = v.role or act.id

    def stage(self, kind: str, variant: str, rng: np.random.Generator) -> None:
        """Stage one act; a draw that does not fit (no route, no coverage...) is retried a few times."""
        fn = getattr(self, f"_{kind}")
        for _ in range(6):
            before = len(self.vessels)
            if fn(variant, rng):
                return
            del self.vessels[before:]
        self.skipped.append(f"{kind}/{variant}")

    def _trader(self, rng: np.random.Generator, type_name: str | None = None) -> tuple[Vessel, Itinerary]:
        w = self.w
        type_name = type_name or self.pick(rng, ["tanker", "bulker", "container", "general_cargo"])
        ports = w.role("hub") if type_name in ("container", "general_cargo") else w.role("export")
        home = self.pick(rng, ports or [p.locode for p in w.scenario.ports])
        v = self.vessel(type_name, home, rng)
        it = Itinerary(w, v, rng)
        it.begin_at_berth(
            home,
            laden=type_name in ("tanker", "bulker"),
            until=float(rng.uniform(2, 20)) * H,
            since=-float(rng.uniform(5, 30)) * H,
        )
        return v, it


def voyage_after(v: Vessel, t: float) -> VoyageData:
    """The first voyage data set after ``t`` (the last one if none is)."""
    return next((x for x in v.voyage if x.t > t), v.voyage[-1])
