"""Score detector events against a simulation's ground truth (``truth.json``).

An expected event (an item of an act's ``expect`` list) is *found* when an event of
the same kind names the same vessel (MMSI or IMO; either vessel of a two-vessel event)
and its time span overlaps the expected window, widened by a tolerance. Events that match no expected item are
*false*; those that fall on a look-alike act (which expects nothing) are counted
apart too, because they are the errors analysts would chase.
"""

from __future__ import annotations

import datetime as dt
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
    return [e for e in events if e["severity"] not in NOT_ALLEGED or e["kind"] in ALLEGED_WHEN_LOW]


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
        if e.kind in scores:
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
            found.update(hits)
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
