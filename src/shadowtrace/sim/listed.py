"""Listed vessels: ordinary traders of the fleet that are on a sanctions list.

Two ways, both after the fleet is planned (so no other draw changes), with their own generator:

- from a real list (``simulate(listed=FILE)``, ``--listed FILE``): ``count`` ordinary class A
  vessels take the identity of entries with a valid IMO number, read with the same readers as
  ``shadowtrace lists add``: the IMO number, the name (as AIS can carry it) and the MMSI when
  listed (the flag then follows its MID). Expected: a SANCTIONS_MATCH of strength ``imo``.
- fictitious (the scenario's ``listed = N``): ``N`` ordinary class A vessels keep who they are, and
  the simulator lists them in ``sanctions.jsonl`` (FollowTheMoney JSON lines), in turn by IMO
  number, by MMSI (no IMO number listed) and by name with flag and call sign (neither listed):
  expected strengths ``imo``, ``mmsi`` and ``name``. A vessel whose name is close to another's
  in the fleet is not listed by name alone (the namesake would match too).

Each listed vessel is an act of kind ``listed_vessel`` (variant: the strength expected) that
expects a SANCTIONS_MATCH over the whole run.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Final

import numpy as np

from shadowtrace.errors import InputError
from shadowtrace.geo.countries import name_key
from shadowtrace.models.mid import flag_of_mmsi
from shadowtrace.sanctions.lists import load_list
from shadowtrace.sanctions.names import name_key as vessel_key
from shadowtrace.sanctions.names import score_pairs
from shadowtrace.sim.fleet import Vessel, World
from shadowtrace.sim.identities import Identity, Registry
from shadowtrace.sim.stage import Act

KIND: Final = "listed_vessel"
#: the FollowTheMoney dataset of the fictitious list (the list's name once loaded)
DATASET: Final = "simulated_sanctions"
FICTITIOUS_FILE: Final = "sanctions.jsonl"
_VARIANTS: Final = ("imo", "mmsi", "name")
_SIMILAR: Final = 90.0  # the detector's default name score


def candidates(fleet: list[Vessel]) -> list[Vessel]:
    """Ordinary class A vessels (in no act), by index."""
    return sorted((v for v in fleet if not v.role and v.ais_class == "A"), key=lambda v: v.idx)


def _pick(pool: list[Vessel], n: int, rng: np.random.Generator) -> list[Vessel]:
    if not pool:
        return []
    return [pool[int(i)] for i in sorted(rng.choice(len(pool), size=min(n, len(pool)), replace=False))]


def relabel(v: Vessel, new: Identity) -> None:
    """Give a vessel another identity from the start, in its plans and clearance records too."""
    old = v.identity
    v.identity = new
    v.identities = [(since, new if ident == old else ident) for since, ident in v.identities]
    for d in v.declarations:
        if d.identity == old:
            d.identity = new


def from_list(
    path: Path, fleet: list[Vessel], registry: Registry, count: int, rng: np.random.Generator, world: World
) -> list[Act]:
    """``count`` vessels relabelled as entries of the list at ``path`` (see the module docstring)."""
    loaded = load_list(path)
    rows = sorted(
        (r for r in loaded.table.to_pylist() if r["imo_valid"] and r["name"] and r["imo"] not in registry.imos),
        key=lambda r: (r["imo"], r["entry_id"]),
    )
    rows = list({r["imo"]: r for r in rows}.values())  # one entry per ship
    if not rows:
        raise InputError(f"{path}: no entry with a valid IMO number and a name to give a simulated vessel")
    vessels = _pick(candidates(fleet), min(count, len(rows)), rng)
    entries = [rows[int(i)] for i in rng.choice(len(rows), size=len(vessels), replace=False)]
    acts = []
    for v, e in zip(vessels, entries, strict=True):
        own = v.identity
        mmsi = e["mmsi"] if e["mmsi"] and e["mmsi"] not in registry.mmsis else own.mmsi
        registry.mmsis.add(mmsi)
        registry.imos.add(e["imo"])
        flag = (flag_of_mmsi(mmsi) or own.flag) if mmsi != own.mmsi else own.flag
        relabel(v, dataclasses.replace(own, mmsi=mmsi, imo=e["imo"], name=name_key(e["name"])[:20].rstrip(),
                                       flag=flag))
        acts.append(_act(v, "imo", loaded.name, e["entry_id"], e["name"], world))
    return acts


def fictitious(
    fleet: list[Vessel], count: int, rng: np.random.Generator, world: World
) -> tuple[list[Act], list[dict[str, Any]]]:
    """``count`` vessels listed as they are, and their FollowTheMoney entities (module docstring)."""
    pool = candidates(fleet)
    names = [vessel_key(i.name) for v in fleet for _, i in v.identities]
    namesakes = {names[i] for i, j, _ in score_pairs(names, names, _SIMILAR) if names[i] != names[j]}
    acts: list[Act] = []
    entities: list[dict[str, Any]] = []
    for k, v in enumerate(_pick(pool, count, rng)):
        variant = _VARIANTS[k % len(_VARIANTS)]
        if variant == "name" and vessel_key(v.identity.name) in namesakes:
            variant = "imo"
        ident = v.identity
        props: dict[str, list[str]] = {"name": [ident.name], "flag": [ident.flag.lower()]}
        if variant == "imo":
            props["imoNumber"] = [f"IMO{ident.imo}"]
        elif variant == "mmsi":
            props["mmsi"] = [str(ident.mmsi)]
        else:
            props["callSign"] = [ident.callsign]
        entity_id = f"sim-{k + 1:03d}"
        entities.append({"id": entity_id, "schema": "Vessel", "properties": props, "datasets": [DATASET]})
        acts.append(_act(v, variant, DATASET, entity_id, ident.name, world))
    return acts, entities


def write_entities(path: Path, entities: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in entities), encoding="utf-8")


def _act(v: Vessel, strength: str, list_name: str, entry_id: str, listed_name: str, world: World) -> Act:
    """The act of a listed vessel: a SANCTIONS_MATCH expected over the whole run (placed at its home port)."""
    ident = v.identity
    expect = {"kind": "SANCTIONS_MATCH", "mmsi": ident.mmsi, "imo": ident.imo, "start": 0.0, "end": world.T,
              "strength": strength}
    facts = {"list": list_name, "entry_id": entry_id, "listed_name": listed_name}
    home = world.ports[v.home]
    return Act("", KIND, strength, [v], 0.0, world.T, home.berth_lat, home.berth_lon, None, [expect], facts)
