"""Detectors: pure functions of tables and frozen settings that return events.

- :mod:`~shadowtrace.detectors.mismatch`: DESTINATION_MISMATCH and DECLARATION_MISMATCH.
- :mod:`~shadowtrace.detectors.run`: every detector over a store (``shadowtrace detect``).
"""
