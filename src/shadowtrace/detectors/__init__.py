"""Detectors: pure functions of tables and frozen settings that return events.

- :mod:`~shadowtrace.detectors.mismatch`: DESTINATION_MISMATCH and DECLARATION_MISMATCH.
- :mod:`~shadowtrace.detectors.identity`: IDENTITY_CHANGE (incl. invalid IMO) and SHARED_MMSI.
- :mod:`~shadowtrace.detectors.gaps`, :mod:`~shadowtrace.detectors.dark_ports`: AIS_GAP with a
  reception estimate, DRAUGHT_CHANGE_DARK, DARK_PORT_CALL_POSSIBLE.
- :mod:`~shadowtrace.detectors.encounters`, :mod:`~shadowtrace.detectors.loitering`: ENCOUNTER,
  LOITERING (a possible dark transfer when no partner is visible).
- :mod:`~shadowtrace.detectors.run`: every detector over a store (``shadowtrace detect``).
"""
