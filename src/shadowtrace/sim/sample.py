"""The sample log shipped with the package: four hours of AIS in Peter the Great Gulf.

``samples/sample.nmea`` is the output of :func:`build_sample`, byte for byte (a
test checks it): never edit the file by hand, regenerate it with::

    python -m shadowtrace.sim.sample

It is what two shore receivers near Vladivostok (``VVO1``) and Nakhodka
(``NKH1``) and one satellite feed (``SAT1``) would log, with IEC 61162-450 tag
blocks (``s:`` station, ``c:`` receive time in seconds), thinned to about one
position report a minute per ship:

* the tanker ZARYA PRIMORYA, moored in Vladivostok (RUVVO), sails for Dalian
  (``CN DLC``) through the Eastern Bosphorus; a satellite also hears its type 27
  long-range reports;
* the bulker PACIFIC GRACE comes in from the south-west and anchors off
  Vostochny; now and then it answers an interrogation (type 3);
* the container ship ORIENT HARMONY comes up from Busan and anchors off
  Vladivostok;
* the class B yacht CHAIKA sails in Amur Bay for two hours (types 18 and 24);
* the Vladivostok base station (type 4) and an aid to navigation with a name
  extension (type 21) keep reporting;
* class A ships send their type 5 static and voyage data every six minutes, in
  two parts with a ``g:`` group.

Three lines are broken on purpose, so that a first ingest shows rejects: one
with a payload character garbled (its checksum no longer matches), one cut short,
and the second part of a type 5 whose first part was lost. The first line is a
comment.

Everything is derived from a fixed seed with Python's ``random.random()`` and
``math``, so the output is the same on every run.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shadowtrace.sim.encode import AisEncoder

__all__ = ["SAMPLE_PATH", "build_sample", "main", "sample_manifest"]

#: where the package keeps the sample
SAMPLE_PATH = Path(__file__).resolve().parent.parent / "samples" / "sample.nmea"

START = datetime(2025, 2, 11, 22, 0, 0, tzinfo=UTC)  # 08:00 in Vladivostok
HOURS = 4
SEED = 20250211

STATIONS = {"VVO1": (43.117, 131.884), "NKH1": (42.812, 132.873)}
POSITION_TYPES = {1, 2, 3, 4, 9, 11, 18, 19, 21, 27}
STATIC_TYPES = {5, 19, 21, 24}


@dataclass(frozen=True)
class Leg:
    """Sail to ``to`` (lat, lon) at ``speed`` knots."""

    to: tuple[float, float]
    speed: float


@dataclass
class Track:
    """A ship that waits at ``start``, sails its legs from ``depart_s``, then stops."""

    start: tuple[float, float]
    legs: list[Leg]
    depart_s: float = 0.0
    status_before: int = 5  # moored
    status_after: int = 1  # at anchor
    _times: list[float] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        t = self.depart_s
        here = self.start
        for leg in self.legs:
            self._times.append(t)
            t += _distance_nm(here, leg.to) / leg.speed * 3600.0
            here = leg.to
        self._times.append(t)

    def at(self, t: float) -> tuple[float, float, float, float, int]:
        """(lat, lon, sog_kn, cog_deg, nav_status) at ``t`` seconds after the start."""
        if t < self.depart_s:
            lat, lon = self.start
            first = self.legs[0].to
            return lat, lon, 0.0, _bearing(self.start, first), self.status_before
        here = self.start
        for leg, t0, t1 in zip(self.legs, self._times, self._times[1:], strict=False):
            if t < t1:
                f = (t - t0) / (t1 - t0)
                lat = here[0] + (leg.to[0] - here[0]) * f
                lon = here[1] + (leg.to[1] - here[1]) * f
                return lat, lon, leg.speed, _bearing(here, leg.to), 0
            here = leg.to
        last_from = self.legs[-2].to if len(self.legs) > 1 else self.start
        return here[0], here[1], 0.0, _bearing(last_from, here), self.status_after


def _distance_nm(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (b[0] - a[0]) * 60.0
    dx = (b[1] - a[1]) * 60.0 * math.cos(math.radians((a[0] + b[0]) / 2.0))
    return math.hypot(dx, dy)


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = b[0] - a[0]
    dx = (b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2.0))
    return math.degrees(math.atan2(dx, dy)) % 360.0


@dataclass(frozen=True)
class Ship:
    mmsi: int
    statics: dict[str, Any]
    track: Track
    active: tuple[float, float] = (0.0, HOURS * 3600.0)  # seconds of the run the ship transmits
    class_b: bool = False


TANKER = Ship(
    273619450,
    {
        "imo": 9247182,
        "callsign": "UBRT7",
        "shipname": "ZARYA PRIMORYA",
        "ship_type": 80,
        "to_bow_m": 200,
        "to_stern_m": 44,
        "to_port_m": 21,
        "to_starboard_m": 21,
        "epfd": 1,
        "eta_month": 2,
        "eta_day": 15,
        "eta_hour": 6,
        "eta_minute": 0,
        "draught_m": 14.1,
        "destination": "CN DLC",
        "dte": False,
    },
    Track(
        (43.0990, 131.8890),
        [
            Leg((43.0935, 131.9040), 5.0),
            Leg((43.0700, 131.9330), 7.0),
            Leg((43.0200, 131.9800), 10.0),
            Leg((42.9000, 131.9500), 12.5),
            Leg((42.6000, 131.5500), 12.5),
            Leg((42.2000, 131.1000), 12.5),
        ],
        depart_s=40 * 60.0,
        status_before=5,
    ),
)
BULKER = Ship(
    636021584,
    {
        "imo": 9401233,
        "callsign": "D5QX4",
        "shipname": "PACIFIC GRACE",
        "ship_type": 70,
        "to_bow_m": 150,
        "to_stern_m": 40,
        "to_port_m": 16,
        "to_starboard_m": 16,
        "epfd": 1,
        "eta_month": 2,
        "eta_day": 12,
        "eta_hour": 2,
        "eta_minute": 30,
        "draught_m": 11.2,
        "destination": "RU VYP",
        "dte": False,
    },
    Track(
        (42.3500, 132.3500),
        [Leg((42.6200, 132.8000), 11.0), Leg((42.7150, 133.0000), 8.0)],
        status_before=0,
        status_after=1,
    ),
)
BOXSHIP = Ship(
    477300900,
    {
        "imo": 9612052,
        "callsign": "VRKM5",
        "shipname": "ORIENT HARMONY",
        "ship_type": 71,
        "to_bow_m": 180,
        "to_stern_m": 42,
        "to_port_m": 16,
        "to_starboard_m": 16,
        "epfd": 1,
        "eta_month": 2,
        "eta_day": 12,
        "eta_hour": 1,
        "eta_minute": 0,
        "draught_m": 10.5,
        "destination": "RU VVO",
        "dte": False,
    },
    Track(
        (42.4500, 131.6200),
        [Leg((42.9000, 131.9300), 16.0), Leg((43.0100, 131.9600), 9.0)],
        status_before=0,
        status_after=1,
    ),
)
YACHT = Ship(
    273456780,
    {
        "shipname": "CHAIKA",
        "ship_type": 37,
        "vendor_id": "SRT",
        "model": 2,
        "serial": 123456,
        "callsign": "UBC2345",
        "to_bow_m": 8,
        "to_stern_m": 4,
        "to_port_m": 2,
        "to_starboard_m": 2,
        "epfd": 1,
    },
    Track(
        (43.1050, 131.8600),
        [
            Leg((43.0800, 131.8000), 6.0),
            Leg((43.0600, 131.7800), 6.0),
            Leg((43.0850, 131.8400), 6.5),
            Leg((43.1030, 131.8620), 5.5),
        ],
        status_before=0,
        status_after=0,
    ),
    active=(60 * 60.0, 180 * 60.0),
    class_b=True,
)
BASE_STATION = {"mmsi": 2734000, "lat": 43.1167, "lon": 131.8833, "epfd": 7, "accuracy": True}
ATON = {
    "mmsi": 992731001,
    "aid_type": 29,  # safe water mark
    "shipname": "EAST BOSPHORUS ENTRANCE BUOY",
    "lat": 43.0615,
    "lon": 131.9452,
    "to_bow_m": 1,
    "to_stern_m": 1,
    "to_port_m": 1,
    "to_starboard_m": 1,
    "epfd": 1,
    "accuracy": False,
    "virtual_aid": False,
    "off_position": False,
}


@dataclass
class _Log:
    """The messages of the run, with their receive time, station and channel."""

    rng: random.Random
    messages: list[tuple[float, int, int, str, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, t: float, msg_type: int, station: str, **fields: Any) -> None:
        channel = "A" if self.rng.random() < 0.5 else "B"
        self.messages.append((t, len(self.messages), msg_type, station, channel, fields))

    def encode(self) -> list[tuple[float, int, int, list[str]]]:
        """(minute, mmsi, type, lines) in time order; each receiver numbers its own multipart messages."""
        encoders: dict[str, AisEncoder] = {}
        out = []
        for t, _, msg_type, station, channel, fields in sorted(self.messages, key=lambda m: (m[0], m[1])):
            enc = encoders.setdefault(station, AisEncoder(groups=True, group=1 + 1000 * len(encoders)))
            ts_ms = int((START.timestamp() + t) * 1000)
            lines = enc.sentences(msg_type, ts=ts_ms, station=station, channel=channel, **fields)
            out.append((t / 60.0, int(fields["mmsi"]), msg_type, lines))
        return out


def _nearest_station(lat: float, lon: float) -> str:
    return min(STATIONS, key=lambda s: _distance_nm((lat, lon), STATIONS[s]))


def _jitter(rng: random.Random, size: float) -> float:
    return (rng.random() * 2.0 - 1.0) * size


def _ship_reports(log: _Log, ship: Ship, offset: float) -> None:
    rng = log.rng
    t = ship.active[0] + offset
    n = 0
    heading_bias = _jitter(rng, 2.0)
    while t < ship.active[1]:
        lat, lon, sog, cog, status = ship.track.at(t)
        underway = sog > 0.0
        station = _nearest_station(lat, lon)
        fields: dict[str, Any] = {
            "mmsi": ship.mmsi,
            "lat": lat + _jitter(rng, 0.00002),
            "lon": lon + _jitter(rng, 0.00002),
            "sog_kn": max(sog + _jitter(rng, 0.3), 0.0) if underway else round(rng.random() * 0.2, 1),
            "cog_deg": (cog + _jitter(rng, 1.5)) % 360.0,
            "heading_deg": round(cog + heading_bias + _jitter(rng, 1.0)) % 360,
            "utc_second": int(START.timestamp() + t - int(rng.random() * 2)) % 60,
            "accuracy": True,
            "raim": False,
        }
        if ship.class_b:
            fields.update(cs_unit=True, display=False, dsc=True, band=True, msg22=True, radio=393222)
            log.add(t, 18, station, **fields)
        else:
            turn = 0.0 if not underway else float(round(_jitter(rng, 3.0)))
            fields.update(
                nav_status=status,
                turn=turn,
                maneuver=0,
                radio=int(rng.random() * (1 << 19)),
            )
            msg_type = 3 if ship is BULKER and n % 10 == 9 else 1
            log.add(t, msg_type, station, **fields)
        n += 1
        # class A: a report a minute under way, every three minutes moored or at anchor
        t += (60.0 if underway or ship.class_b else 180.0) + _jitter(rng, 4.0)


def _static_reports(log: _Log, ship: Ship, offset: float) -> None:
    t = ship.active[0] + offset
    while t < ship.active[1]:
        lat, lon, *_ = ship.track.at(t)
        station = _nearest_station(lat, lon)
        if ship.class_b:
            s = ship.statics
            log.add(t, 24, station, mmsi=ship.mmsi, part_num=0, shipname=s["shipname"])
            part_b = {k: v for k, v in s.items() if k != "shipname"}
            log.add(t + 1.0, 24, station, mmsi=ship.mmsi, part_num=1, **part_b)
        else:
            log.add(t, 5, station, mmsi=ship.mmsi, ais_version=2, **ship.statics)
        t += 360.0 + _jitter(log.rng, 3.0)


def _long_range(log: _Log, ship: Ship) -> None:
    t = ship.track.depart_s + 600.0
    while t < ship.active[1]:
        lat, lon, sog, cog, status = ship.track.at(t)
        log.add(
            t,
            27,
            "SAT1",
            mmsi=ship.mmsi,
            accuracy=False,
            raim=False,
            nav_status=status,
            lat=lat,
            lon=lon,
            sog_kn=float(round(sog)),
            cog_deg=float(round(cog) % 360),
            gnss=False,
        )
        t += 1800.0


def _shore(log: _Log) -> None:
    end = HOURS * 3600.0
    t = 3.0
    while t < end:
        stamp = datetime.fromtimestamp(math.floor(START.timestamp() + t), UTC)
        log.add(
            t,
            4,
            "VVO1",
            reported_utc=stamp,
            raim=False,
            radio=int(log.rng.random() * (1 << 19)),
            **BASE_STATION,
        )
        t += 60.0
    t = 11.0
    while t < end:
        second = int(START.timestamp() + t) % 60
        log.add(t, 21, "VVO1", utc_second=second, **ATON)
        t += 180.0


@dataclass
class _Sample:
    data: bytes
    manifest: dict[str, Any]


def _build() -> _Sample:
    rng = random.Random(SEED)
    log = _Log(rng)
    for i, ship in enumerate((TANKER, BULKER, BOXSHIP, YACHT)):
        _ship_reports(log, ship, offset=7.0 + 13.0 * i)
        _static_reports(log, ship, offset=95.0 + 41.0 * i)
    _long_range(log, TANKER)
    _shore(log)

    lines: list[str] = []
    broken: dict[str, int] = {}
    types: Counter[int] = Counter()
    for minute, mmsi, msg_type, msg_lines in log.encode():
        first = msg_lines[0]
        if "checksum" not in broken and minute > 75 and msg_type == 1 and mmsi == TANKER.mmsi:
            lines.append(_garble(first))
            broken["checksum"] = len(lines)
            continue
        if "truncated" not in broken and minute > 130 and msg_type == 1 and mmsi == BULKER.mmsi:
            lines.append(first[: first.index(",", first.index("!AIVDM,1,1,,") + 12) + 24] + "\n")
            broken["truncated"] = len(lines)
            continue
        if "multipart_orphan" not in broken and minute > 100 and msg_type == 5 and mmsi == BOXSHIP.mmsi:
            lines.extend(msg_lines[1:])  # the first part was lost on the air
            broken["multipart_orphan"] = len(lines)
            continue
        lines.extend(msg_lines)
        types[msg_type] += 1

    header = (
        "# shadowtrace sample AIS log: Peter the Great Gulf, "
        f"{START:%Y-%m-%d %H:%M}-{HOURS:d}h UTC; made by shadowtrace.sim.sample, do not edit\n"
    )
    text = header + "".join(lines)
    by_type = dict(sorted(types.items()))
    manifest: dict[str, Any] = {
        "lines": 1 + len(lines),
        "ignored": {"comment": 1},
        "rejects": {cause: 1 for cause in sorted(broken)},
        "reject_lines": {cause: 1 + line for cause, line in sorted(broken.items())},
        "messages_by_type": by_type,
        "positions": sum(n for t, n in by_type.items() if t in POSITION_TYPES),
        "statics": sum(n for t, n in by_type.items() if t in STATIC_TYPES),
        "stations": sorted({*STATIONS, "SAT1"}),
        "mmsis": sorted(
            {TANKER.mmsi, BULKER.mmsi, BOXSHIP.mmsi, YACHT.mmsi, BASE_STATION["mmsi"], ATON["mmsi"]}
        ),
    }
    manifest["lines_decoded"] = manifest["lines"] - 1 - len(broken)
    return _Sample(text.encode("ascii"), manifest)


def _garble(line: str) -> str:
    """One payload character changed, as a bit error on the air would: the checksum no longer matches."""
    head, rest = line.split("!AIVDM,1,1,,", 1)
    channel, payload, tail = rest.split(",", 2)
    i = 12
    c = payload[i]
    swapped = "w" if c != "w" else "v"
    return f"{head}!AIVDM,1,1,,{channel},{payload[:i]}{swapped}{payload[i + 1 :]},{tail}"


def build_sample() -> bytes:
    """The bytes of ``samples/sample.nmea``."""
    return _build().data


def sample_manifest() -> dict[str, Any]:
    """What decoding the sample must give: lines, rejects by cause, messages by type, rows per table."""
    return _build().manifest


def main() -> None:
    """Write the sample where the package keeps it."""
    data = build_sample()
    SAMPLE_PATH.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE_PATH.write_bytes(data)
    lines = data.count(b"\n")
    print(f"wrote {SAMPLE_PATH} ({lines} lines, {len(data)} bytes)")


if __name__ == "__main__":
    main()
