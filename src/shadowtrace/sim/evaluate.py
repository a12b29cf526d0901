"""Score detector events against a simulation's ground truth (``truth.json``).

An expected event (an item of an act's ``expect`` list) is *found* when an event of
the same kind names the same vessel (MMSI or IMO; either vessel of a two-vessel event)
and its time span overlaps the expected window, widened by a tolerance. Events that match no expected item are
*false*; those that fall on a look-alike act (which expects nothing) are counted
apart too, because they are the errors analysts would chase. An item marked ``optional`` (true
if reported, not required: the impostor's own MMSI falling silent during a shared-MMSI act) is
not counted as expected, and an event matching it is neither found nor false.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: keys of an ``expect`` item that bound its time window, in pairs (start key, end key)
_WINDOWS = (
    ("start", "end"),
    ("dark_start", "dark_end"),
    ("alongside_start", "alongside_end"),
    ("departed_at", "arrived_at"),
    ("changed_at", "changed_at"),
)
DEFAULT_TOLERANCE = dt.timedelta(hours=6)
#: severities the detectors use for what they list but do not allege (a silence inside a coverage
#: hole, a gap under 12 h): such events are not scored as findings
NOT_ALLEGED = ("info", "low")
#: kinds whose low severity still alleges something (a loitering beside a visible partner)
ALLEGED_WHEN_LOW = ("LOITERING",)


def alleged(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The events that count as findings when scoring (see NOT_ALLEGED)."""
    return [
        e for e in events
        if e["severity"] not in NOT_ALLEGED or (e["severity"] == "low" and e["kind"] in ALLEGED_WHEN_LOW)
    ]


@dataclass(frozen=True)
class Expected:
    """One event a detector should report."""

    kind: str
    act_id: str
    mmsi: int | None
    imo: int | None
    start: dt.datetime
    end: dt.datetime
    other_mmsi: int | None = None  # the second vessel of a two-vessel event (an encounter)
    other_imo: int | None = None
    optional: bool = False  # true if reported, not required


@dataclass
class KindScore:
    kind: str
    expected: int = 0
    found: int = 0
    false: int = 0
    on_look_alikes: int = 0

    @property
    def missed(self) -> int:
        return self.expected - self.found

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        matched = self.found
        return matched / (matched + self.false) if matched + self.false else None


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _window(item: Mapping[str, Any], act: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    for a, b in _WINDOWS:
        if item.get(a) and item.get(b):
            return _time(item[a]), _time(item[b])
    return _time(act["start"]), _time(act["end"])


def expected_events(truth: Mapping[str, Any]) -> list[Expected]:
    """Every event the truth says a detector should report."""
    out = []
    for act in truth["acts"]:
        for item in act["expect"]:
            start, end = _window(item, act)
            vessel = act["vessels"][0] if act["vessels"] else {}
            out.append(Expected(
                kind=item["kind"], act_id=act["id"],
                mmsi=item.get("mmsi", vessel.get("mmsi")), imo=item.get("imo", vessel.get("imo")),
                start=min(start, end), end=max(start, end),
                other_mmsi=item.get("other_mmsi"), other_imo=item.get("other_imo"),
                optional=bool(item.get("optional", False)),
            ))
    return out


def _same_vessel(event: Mapping[str, Any], mmsi: int | None, imo: int | None) -> bool:
    return bool((mmsi and event.get("mmsi") == mmsi) or (imo and event.get("imo") == imo))


def _overlaps(event: Mapping[str, Any], start: dt.datetime, end: dt.datetime, tol: dt.timedelta) -> bool:
    e_start, e_end = event["start"], event.get("end") or event["start"]
    return bool(e_start <= end + tol and e_end >= start - tol)


def evaluate(
    truth: Mapping[str, Any],
    events: Iterable[Mapping[str, Any]],
    *,
    kinds: Iterable[str] | None = None,
    tolerance: dt.timedelta = DEFAULT_TOLERANCE,
) -> dict[str, KindScore]:
    """Found, missed and false per event kind.

    ``events`` are mappings with ``kind``, ``mmsi`` and/or ``imo``, ``start`` and
    ``end`` (tz-aware datetimes). ``kinds`` limits the score to the kinds that
    were looked for (default: every kind the truth expects).
    """
    expected = expected_events(truth)
    wanted = set(kinds) if kinds is not None else {e.kind for e in expected}
    scores = {k: KindScore(k) for k in sorted(wanted)}
    for e in expected:
        if e.kind in scores and not e.optional:
            scores[e.kind].expected += 1
    found: set[int] = set()
    look_alikes = [a for a in truth["acts"] if a.get("look_alike")]
    for event in events:
        kind = event["kind"]
        if kind not in scores:
            continue
        hits = [
            i for i, e in enumerate(expected)
            if e.kind == kind
            and (_same_vessel(event, e.mmsi, e.imo) or _same_vessel(event, e.other_mmsi, e.other_imo))
            and _overlaps(event, e.start, e.end, tolerance)
        ]
        if hits:
            found.update(i for i in hits if not expected[i].optional)
            continue
        scores[kind].false += 1
        if any(
            any(_same_vessel(event, v.get("mmsi"), v.get("imo")) for v in act["vessels"])
            and _overlaps(event, *_window({}, act), tolerance)
            for act in look_alikes
        ):
            scores[kind].on_look_alikes += 1
    for i in found:
        scores[expected[i].kind].found += 1
    return scores


def labelled_scores(
    truth: Mapping[str, Any],
    scored: Iterable[tuple[Iterable[int], int | None, float]],
    *,
    skip_kinds: Iterable[str] = (),
) -> list[tuple[float, str]]:
    """``(score, label)`` per simulated vessel, to judge a ranking (the risk score's).

    ``scored``: ``(mmsis, imo, score)`` per ranked vessel; a simulated vessel takes the highest score
    of those holding any of its MMSIs or its IMO (0 if none). Labels: ``act`` (in an evasive act),
    ``look-alike`` (only in look-alike acts), ``none``. Vessels only in acts of ``skip_kinds`` are
    left out.
    """
    best: dict[tuple[str, int], float] = {}
    for mmsis, imo, score in scored:
        for key in [("mmsi", m) for m in mmsis] + ([("imo", imo)] if imo is not None else []):
            best[key] = max(best.get(key, 0.0), score)
    acts: set[int] = set()
    look_alikes: set[int] = set()
    skipped: set[int] = set()
    skip = set(skip_kinds)
    for act in truth["acts"]:
        target = look_alikes if act.get("look_alike") else skipped if act["kind"] in skip else acts
        target.update(v["mmsi"] for v in act["vessels"])
    out = []
    for v in truth["vessels"]:
        mmsis = {v["mmsi"], *(i["mmsi"] for i in v.get("identities") or [])}
        if mmsis & skipped and not mmsis & acts:
            continue
        keys = [("mmsi", m) for m in mmsis] + [("imo", v["imo"])]
        label = "act" if mmsis & acts else "look-alike" if mmsis & look_alikes else "none"
        out.append((max(best.get(k, 0.0) for k in keys), label))
    return out


def roc_auc(positives: Iterable[float], negatives: Iterable[float]) -> float:
    """The probability that a random positive outscores a random negative (ties count half); nan
    without both."""
    pos, neg = sorted(positives), sorted(negatives)
    if not pos or not neg:
        return float("nan")
    wins = sum(float(p > n) + 0.5 * float(p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


#: how a staged ship-to-ship transfer is found, by variant (a receiver gone dark leaves only the giver)
TRANSFER_FOUND_BY = {
    "both_visible": "an ENCOUNTER of the two vessels",
    "receiver_dark": "a LOITERING of the giver noted 'possible dark transfer'",
}


def transfer_recall(
    truth: Mapping[str, Any], events: Iterable[Mapping[str, Any]], tolerance: dt.timedelta = DEFAULT_TOLERANCE
) -> dict[str, tuple[int, int]]:
    """``(found, staged)`` ship-to-ship transfers per variant (see TRANSFER_FOUND_BY).

    ``events`` have ``kind``, ``mmsi``, ``start``, ``end`` and ``details`` (a mapping or its JSON
    text: an ENCOUNTER's ``other.mmsi``, a LOITERING's ``note``); the event must overlap the time
    alongside, widened by ``tolerance``.
    """
    rows = [(e, _details(e)) for e in events if e["kind"] in ("ENCOUNTER", "LOITERING")]
    out = {variant: (0, 0) for variant in TRANSFER_FOUND_BY}
    for act in truth["acts"]:
        if act["kind"] != "sts_transfer" or act["variant"] not in out:
            continue
        start, end = _window({}, act)
        hit = any(_finds_transfer(act, e, d) and _overlaps(e, start, end, tolerance) for e, d in rows)
        found, staged = out[act["variant"]]
        out[act["variant"]] = (found + hit, staged + 1)
    return out


def _details(event: Mapping[str, Any]) -> Mapping[str, Any]:
    details = event.get("details") or {}
    return details if isinstance(details, Mapping) else dict(json.loads(details))


def _finds_transfer(act: Mapping[str, Any], event: Mapping[str, Any], details: Mapping[str, Any]) -> bool:
    """Whether an event is what finds this transfer (TRANSFER_FOUND_BY), time aside."""
    giver, receiver = act["facts"]["giver"]["mmsi"], act["facts"]["receiver"]["mmsi"]
    if act["variant"] == "both_visible":
        other = details.get("other")
        pair = {event["mmsi"], other.get("mmsi") if isinstance(other, Mapping) else None}
        return bool(event["kind"] == "ENCOUNTER" and pair == {giver, receiver})
    note = details.get("note")
    return bool(event["kind"] == "LOITERING" and event["mmsi"] == giver and note == "possible dark transfer")
