"""Risk ranking on simulated fleets: do the vessels of labelled evasive acts rank above the rest?

Simulates each (scenario, seed), ingests it, runs `shadowtrace detect`, scores every vessel with
the default RiskParams, and compares the ranking with the run's truth.json. A simulated vessel's
score is that of the scored vessel holding its MMSI or IMO. Positives: vessels of an evasive act
(not a look-alike); negatives: every other vessel, look-alikes included. Printed per run and
pooled: ROC AUC (ties count half), the share of positives among the top k of their run (k = the
run's number of positives), and how many positives outscore every look-alike of their run. The
peer, scored on the same events: a plain count of each vessel's medium and high events (every
kind but PORT_CALL weighing 1, no decay, no saturation).

    python benchmarks/risk.py                        # sea-of-japan and baltic, seeds 0-4
    python benchmarks/risk.py --seeds 2 --scenarios baltic
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import fields, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from quality import fleet_args  # benchmarks/, the script's own folder
from shadowtrace.detectors.run import detect
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.risk import RiskParams
from shadowtrace.risk.store import store_risks
from shadowtrace.sim.evaluate import labelled_scores, roc_auc
from shadowtrace.sim.run import simulate
from shadowtrace.store.store import Store

MEDIUM = RiskParams().medium_score
#: the peer: count the alleged (medium and high) events, whatever their kind
COUNT = replace(
    RiskParams(), factor_medium=1.0, half_life_days=float("inf"), repeat_factor=1.0, kind_cap=1000.0,
    medium_score=1.0, high_score=2.0,
    **{f.name: 1.0 for f in fields(RiskParams) if f.name.startswith("weight_") and f.name != "weight_port_call"},
)


def summary(runs: list[list[tuple[float, str]]], medium: float | None = None) -> str:
    """AUC over the rows of every run pooled (scores are absolute, so comparable); the top-k and
    look-alike figures summed over the runs, each within its own run; with ``medium``, how many
    vessels score at least that (the level medium threshold)."""
    pooled = [row for rows in runs for row in rows]
    pos = [s for s, lab in pooled if lab == "act"]
    neg = [s for s, lab in pooled if lab != "act"]
    top = above = k = 0
    for rows in runs:
        acts = [s for s, lab in rows if lab == "act"]
        k += len(acts)
        top += sum(lab == "act" for _, lab in sorted(rows, key=lambda r: -r[0])[: len(acts)])
        look = max([s for s, lab in rows if lab == "look-alike"], default=0.0)
        above += sum(s > look for s in acts)
    look_max = max([s for s, lab in pooled if lab == "look-alike"], default=0.0)
    text = (f"AUC {roc_auc(pos, neg):.3f}, top-k {top}/{k} = {top / max(k, 1):.2f}, "
            f"{above}/{k} acts above every look-alike of their run, look-alike max score {look_max:.1f}")
    if medium is not None:
        text += (f"; level medium or above: {sum(s >= medium for s in pos)}/{k} acts, "
                 f"{sum(s >= medium for s in neg)}/{len(neg)} others")
    return text


def main() -> None:
    args = fleet_args(__doc__)
    runs: dict[str, list[list[tuple[float, str]]]] = {"score": [], "no_jump": [], "count": []}
    for scenario in args.scenarios.split(","):
        for seed in range(args.seeds):
            with tempfile.TemporaryDirectory() as tmp:
                sim = Path(tmp) / "sim"
                simulate(scenario, sim, vessels=args.vessels, days=args.days, seed=seed)
                store = Store(Path(tmp) / "data")
                ingest(store, [str(sim / "ais"), str(sim / "declarations.csv")])
                detect(store)
                truth = json.loads((sim / "truth.json").read_text())
                scored = [(r.mmsis, r.imo, r.score) for r in store_risks(store)]
                counted = [(r.mmsis, r.imo, r.score) for r in store_risks(store, COUNT)]
                runs["score"].append(labelled_scores(truth, scored))
                runs["no_jump"].append(labelled_scores(truth, scored, skip_kinds=("position_jump",)))
                runs["count"].append(labelled_scores(truth, counted))
            print(f"{scenario:<13} {seed:>3}  score: {summary(runs['score'][-1:], MEDIUM)}", flush=True)
            print(f"{'':<13} {'':>3}  count: {summary(runs['count'][-1:])}", flush=True)
    print()
    print(f"pooled, every act:               {summary(runs['score'], MEDIUM)}")
    print(f"pooled, without position jumps:  {summary(runs['no_jump'], MEDIUM)}")
    print(f"peer, count of medium/high events: {summary(runs['count'])}")


if __name__ == "__main__":
    main()
