"""Detection quality on simulated fleets: port-call recall and mismatch precision/recall.

Simulates each (scenario, seed), ingests it into a fresh store, runs `shadowtrace detect`,
and scores the events against the run's truth.json:

    python benchmarks/quality.py                       # sea-of-japan and baltic, seeds 0-4
    python benchmarks/quality.py --seeds 3 --vessels 60 --days 14 --scenarios sea-of-japan
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from shadowtrace.detectors.gaps import GapParams
from shadowtrace.detectors.run import detect
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.sim.evaluate import (
    DEFAULT_TOLERANCE,
    NOT_ALLEGED,
    TRANSFER_FOUND_BY,
    alleged,
    evaluate,
    transfer_recall,
)
from shadowtrace.sim.run import simulate
from shadowtrace.sim.scenario import load_scenario
from shadowtrace.store import sql
from shadowtrace.store.store import Store

KINDS = (
    "DESTINATION_MISMATCH", "DECLARATION_MISMATCH", "POSITION_JUMP", "IDENTITY_CHANGE", "SHARED_MMSI",
    "ENCOUNTER", "LOITERING", "AIS_GAP", "DARK_PORT_CALL_POSSIBLE", "DRAUGHT_CHANGE_DARK",
)
ARRIVAL_TOLERANCE = dt.timedelta(minutes=30)


def port_call_recall(truth: dict, store: Store) -> tuple[int, int]:
    """(found, expected): true calls seen in AIS, matched by vessel, port and arrival within 30 min."""
    calls = sql.query(store, "SELECT mmsi, json_extract_string(details, '$.locode') AS locode, start "
                             "FROM events WHERE kind = 'PORT_CALL'").to_pylist()
    by_key: dict[tuple[int, str], list[dt.datetime]] = {}
    for c in calls:
        by_key.setdefault((c["mmsi"], c["locode"]), []).append(c["start"])
    start, end = (dt.datetime.fromisoformat(truth["period"][k].replace("Z", "+00:00")) for k in ("start", "end"))
    expected = found = 0
    for call in truth["port_calls"]:
        if call["dark"] or not call["arrival"] or not call["departure"]:
            continue
        arrival = dt.datetime.fromisoformat(call["arrival"].replace("Z", "+00:00"))
        if arrival - start < dt.timedelta(hours=1) or end - arrival < dt.timedelta(hours=1):
            continue
        expected += 1
        seen = by_key.get((call["mmsi"], call["locode"]), [])
        found += any(abs(s - arrival) <= ARRIVAL_TOLERANCE for s in seen)
    return found, expected


def true_port_recall(truth: dict, store: Store) -> tuple[int, int]:
    """(found, expected) for dark deliveries as the issue defines recall: a DARK_PORT_CALL_POSSIBLE
    (severity above low) over the dark window whose watched ports include the port truly called at."""
    rows = sql.query(store, "SELECT mmsi, start, \"end\", severity, details FROM events "
                            "WHERE kind = 'DARK_PORT_CALL_POSSIBLE'").to_pylist()
    expected = found = 0
    for act in truth["acts"]:
        for item in act["expect"]:
            if item["kind"] != "DARK_PORT_CALL_POSSIBLE" or item.get("optional"):
                continue
            expected += 1
            a, b = (dt.datetime.fromisoformat(item[k].replace("Z", "+00:00")) for k in ("dark_start", "dark_end"))
            found += any(
                r["mmsi"] == item["mmsi"] and r["severity"] not in NOT_ALLEGED
                and r["start"] <= b + DEFAULT_TOLERANCE and r["end"] >= a - DEFAULT_TOLERANCE
                and item["port"] in {p["locode"] for p in json.loads(r["details"])["watched_ports"]}
                for r in rows
            )
    return found, expected


def run_one(scenario: str, seed: int, vessels: int, days: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        sim = Path(tmp) / "sim"
        simulate(scenario, sim, vessels=vessels, days=days, seed=seed)
        store = Store(Path(tmp) / "data")
        ingest(store, [str(sim / "ais"), str(sim / "declarations.csv")])
        t0 = time.perf_counter()
        # the analyst watches the scenario's countries (North Korea in the Sea of Japan, Russia in the Baltic)
        detect(store, gap_params=GapParams(watched_countries=load_scenario(scenario).watched_countries))
        seconds = time.perf_counter() - t0
        truth = json.loads((sim / "truth.json").read_text())
        events = alleged(
            sql.query(store, 'SELECT kind, mmsi, imo, start, "end", severity, details FROM events').to_pylist()
        )
        scores = evaluate(truth, events, kinds=KINDS)
        found, expected = port_call_recall(truth, store)
        true_port = true_port_recall(truth, store)
        transfers = transfer_recall(truth, events)
    return {"scenario": scenario, "seed": seed, "port_calls": (found, expected), "scores": scores,
            "true_port": true_port, "transfers": transfers, "detect_s": seconds}


def fleet_args(description: str | None) -> argparse.Namespace:
    """The simulated fleets a quality benchmark runs on: scenarios, seeds, vessels, days."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenarios", default="sea-of-japan,baltic")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--vessels", type=int, default=60)
    ap.add_argument("--days", type=float, default=14)
    return ap.parse_args()


def main() -> None:
    args = fleet_args(__doc__)
    totals: dict[str, list[int]] = {k: [0, 0, 0, 0] for k in KINDS}  # expected, found, false, on look-alikes
    calls = [0, 0]
    true_port = [0, 0]
    transfers = {variant: [0, 0] for variant in TRANSFER_FOUND_BY}  # found, staged
    print(f"{'scenario':<13} {'seed':>4} {'port calls':>12} " + " ".join(f"{k[:12]:>13}" for k in KINDS))
    for scenario in args.scenarios.split(","):
        for seed in range(args.seeds):
            r = run_one(scenario, seed, args.vessels, args.days)
            f, e = r["port_calls"]  # type: ignore[misc]
            calls[0] += f
            calls[1] += e
            true_port[0] += r["true_port"][0]  # type: ignore[index]
            true_port[1] += r["true_port"][1]  # type: ignore[index]
            for variant, (hit, staged) in r["transfers"].items():  # type: ignore[attr-defined]
                transfers[variant][0] += hit
                transfers[variant][1] += staged
            cells = []
            for k in KINDS:
                s = r["scores"][k]  # type: ignore[index]
                totals[k][0] += s.expected
                totals[k][1] += s.found
                totals[k][2] += s.false
                totals[k][3] += s.on_look_alikes
                cells.append(f"{s.found}/{s.expected} +{s.false}f")
            print(f"{scenario:<13} {seed:>4} {f:>5}/{e:<6} " + " ".join(f"{c:>13}" for c in cells)
                  + f"   detect {r['detect_s']:.1f} s")
    print()
    print(f"port-call recall (arrival within 30 min): {calls[0]}/{calls[1]} = {calls[0] / max(calls[1], 1):.3f}")
    vessel_days = args.vessels * args.days * args.seeds * len(args.scenarios.split(","))
    for k, (exp, found, false, look) in totals.items():
        recall = found / exp if exp else float("nan")
        precision = found / (found + false) if found + false else float("nan")
        print(f"{k}: recall {recall:.3f} ({found}/{exp}), precision {precision:.3f} ({false} false, "
              f"{look} on look-alikes, {1000 * false / vessel_days:.2f} false per 1,000 vessel-days)")
    print(f"dark delivery, the true port among the reachable ones: {true_port[0]}/{true_port[1]} = "
          f"{true_port[0] / max(true_port[1], 1):.3f}")
    hit, staged = (sum(v[i] for v in transfers.values()) for i in (0, 1))
    print(f"ship-to-ship transfers: recall {hit / max(staged, 1):.3f} ({hit}/{staged}): "
          + "; ".join(f"{v} {f}/{n} by {TRANSFER_FOUND_BY[v]}" for v, (f, n) in transfers.items()))


if __name__ == "__main__":
    main()
