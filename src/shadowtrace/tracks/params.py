"""Settings of the track layer, declared once: name with unit, default, and why that default.

Each setting is a dataclass field whose ``metadata`` holds its ``unit`` and ``help``; the help says
where the default comes from (mostly Global Fishing Watch's open pipelines, see docs). Every
dataclass is frozen and checks itself on creation, raising :class:`~shadowtrace.errors.InputError`
with a message that names the bad value and the allowed range.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shadowtrace.errors import InputError
from shadowtrace.settings import check_range, setting


@dataclass(frozen=True)
class CleanParams:
    """How raw positions become clean, segmented tracks (see :mod:`shadowtrace.tracks.clean`)."""

    vessel_msg_types: tuple[int, ...] = setting(
        (0, 1, 2, 3, 18, 19, 27),
        "AIS message type",
        "message types that place a vessel: class A (1-3), class B (18, 19), long range (27) and "
        "decoded CSV rows (0); base stations (4, 11), SAR aircraft (9) and aids to navigation (21) "
        "are not vessels",
    )
    noise_speeds_kn: tuple[float, ...] = setting(
        (102.3, 51.2, 52.0),
        "kn",
        "reported speeds that are transmitter noise (GFW pipe-segment); such a speed is set to null, the position kept",
    )
    noise_speed_tolerance_kn: float = setting(0.05, "kn", "how close a reported speed must be to a noise speed")
    max_speed_kn: float = setting(
        50.0,
        "kn",
        "implied speed between two fixes above which they cannot both be true: twice the 25 kn GFW uses "
        "to break segments, above any merchant ship's speed, so fast ferries are not flagged",
    )
    jump_tolerance_m: float = setting(
        1000.0,
        "m",
        "distance always allowed between consecutive fixes, whatever the time between them (GPS error, "
        "receive times rounded to the second, near-simultaneous fixes from two stations)",
    )
    max_jump_duration_h: float = setting(
        3.0,
        "h",
        "longest stretch of fixes away from the track that is set aside as a position jump; spoofed "
        "fixes last minutes to an hour or two, a longer stretch is kept as a segment of its own",
    )
    max_gap_h: float = setting(
        24.0,
        "h",
        "a silence at least this long starts a new segment (GFW keeps a segment open across gaps shorter than a day)",
    )

    def __post_init__(self) -> None:
        for name in ("max_speed_kn", "max_jump_duration_h", "max_gap_h"):
            check_range(self, name, 0.0)
        check_range(self, "jump_tolerance_m", 0.0, low_open=False)
        check_range(self, "noise_speed_tolerance_kn", 0.0, 1.0, low_open=False)
        if not self.vessel_msg_types or any(not 0 <= t <= 27 for t in self.vessel_msg_types):
            raise InputError(
                f"CleanParams.vessel_msg_types = {self.vessel_msg_types!r}: give one or more AIS message types 0-27"
            )
        if any(not 0.0 < s < 200.0 for s in self.noise_speeds_kn):
            raise InputError(f"CleanParams.noise_speeds_kn = {self.noise_speeds_kn!r}: speeds must lie in 0-200 kn")


@dataclass(frozen=True)
class PortCallParams:
    """When a vessel is in port, and how sure we are of it (see :mod:`shadowtrace.tracks.port_calls`)."""

    entry_radius_km: float = setting(
        3.0, "km", "a vessel enters a port within this distance of its berth or anchorage point (GFW: 3 km)"
    )
    exit_radius_km: float = setting(
        4.0, "km", "and leaves it only beyond this distance (GFW: 4 km): the gap between the two is hysteresis"
    )
    stop_speed_kn: float = setting(0.2, "kn", "a vessel in port is stopped below this speed (GFW: 0.2 kn)")
    resume_speed_kn: float = setting(0.5, "kn", "and moving again only above this speed (GFW: 0.5 kn)")
    arrival_radius_m: float = setting(
        500.0,
        "m",
        "a vessel has arrived when within this distance of the spot where it first stopped (and has "
        "departed when last within it of where it last stopped): a ship's length, its swing at anchor, "
        "GPS error",
    )
    approach_km: float = setting(
        5.0,
        "km",
        "when a silence hides an arrival or departure, the vessel is reckoned to have sailed this last "
        "stretch before its berth or anchorage at approach speed (ships slow down for the pilot and "
        "the harbour)",
    )
    approach_speed_kn: float = setting(
        6.0,
        "kn",
        "the speed reckoned over that stretch: port approaches are commonly limited to 6-10 kn, harbours to less",
    )
    gap_in_port_h: float = setting(
        4.0,
        "h",
        "a silence at least this long between two fixes in port is a 'gap' (GFW: 4 h); it does not end the "
        "visit, and counts like a stop towards its confidence",
    )
    min_confidence: int = setting(
        2,
        "level",
        "port calls below this confidence (1-4) are not reported; level 1 (seen going in or out, never "
        "stopped, no gap) is mostly vessels passing close by",
    )

    def __post_init__(self) -> None:
        for name in ("entry_radius_km", "stop_speed_kn", "gap_in_port_h", "approach_speed_kn", "arrival_radius_m"):
            check_range(self, name, 0.0)
        check_range(self, "approach_km", 0.0, low_open=False)
        check_range(self, "exit_radius_km", self.entry_radius_km, 100.0, low_open=False)
        check_range(self, "resume_speed_kn", self.stop_speed_kn, 50.0, low_open=False)
        if self.min_confidence not in (1, 2, 3, 4):
            raise InputError(f"PortCallParams.min_confidence = {self.min_confidence!r}: must be 1, 2, 3 or 4")


@dataclass(frozen=True)
class VoyageParams:
    """How voyages meet what was declared about them (see :mod:`shadowtrace.tracks.voyages`)."""

    declaration_tolerance_h: float = setting(
        12.0,
        "h",
        "a port-clearance record matches a voyage when its departure time is this close to the last "
        "fix in the port: clearances are filed ahead and rounded, and AIS shows the departure late",
    )

    def __post_init__(self) -> None:
        check_range(self, "declaration_tolerance_h", 0.0)


@dataclass(frozen=True)
class TrackParams:
    """Every setting of the track layer, in one value (its hash goes into the events)."""

    clean: CleanParams = field(default_factory=CleanParams)
    port_calls: PortCallParams = field(default_factory=PortCallParams)
    voyages: VoyageParams = field(default_factory=VoyageParams)

    def __post_init__(self) -> None:
        for name, kind in (("clean", CleanParams), ("port_calls", PortCallParams), ("voyages", VoyageParams)):
            if not isinstance(getattr(self, name), kind):
                raise InputError(f"TrackParams.{name} must be a {kind.__name__}, got {getattr(self, name)!r}")
