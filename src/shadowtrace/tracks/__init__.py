"""Tracks (maritime): the vocabulary detectors build on, from decoded positions and static reports.

- :mod:`~shadowtrace.tracks.clean`: per-vessel tracks in time order, duplicates and noise removed,
  position jumps set aside (POSITION_JUMP events), segments split at long silences.
- :mod:`~shadowtrace.tracks.port_calls`: port calls by a state machine with hysteresis
  (PORT_CALL events, graded 1-4 as Global Fishing Watch grades port visits).
- :mod:`~shadowtrace.tracks.voyages`: voyages between consecutive calls, with the AIS destinations
  broadcast on each and the port-clearance record of each departure.
- :mod:`~shadowtrace.tracks.pipeline`: :func:`build_tracks` (pure) and :func:`run_tracks` (over a
  store, in vessel buckets).

Every function is a pure function of Polars tables and frozen settings (:mod:`~shadowtrace.tracks.params`).
"""

from shadowtrace.tracks.clean import CleanResult, clean_positions
from shadowtrace.tracks.params import CleanParams, PortCallParams, TrackParams, VoyageParams
from shadowtrace.tracks.pipeline import TrackResult, build_tracks, iter_track_buckets, run_tracks
from shadowtrace.tracks.port_calls import detect_port_calls, port_call_events
from shadowtrace.tracks.port_index import PortPoints
from shadowtrace.tracks.voyages import attach_declarations, build_voyages, with_identity

__all__ = [
    "CleanParams",
    "CleanResult",
    "PortCallParams",
    "PortPoints",
    "TrackParams",
    "TrackResult",
    "VoyageParams",
    "attach_declarations",
    "build_tracks",
    "build_voyages",
    "clean_positions",
    "detect_port_calls",
    "iter_track_buckets",
    "port_call_events",
    "run_tracks",
    "with_identity",
]
