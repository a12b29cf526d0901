"""The vessel risk score: a transparent sum over a vessel's events, with levels and reasons.

- :mod:`~shadowtrace.risk.params`: :class:`RiskParams`, every weight declared once with its reason.
- :mod:`~shadowtrace.risk.score`: :func:`score_vessels` and :func:`score_vessel` (pure).
- :mod:`~shadowtrace.risk.store`: what the score reads from a store (``shadowtrace risk``).

Rationale of the weights, and how well the ranking finds simulated evasion: ``docs/risk.md``.
"""

from shadowtrace.risk.params import LABELS, LEVELS, MET_SANCTIONED, RiskParams
from shadowtrace.risk.score import Reason, VesselRisk, as_of_time, score_vessel, score_vessels

__all__ = [
    "LABELS", "LEVELS", "MET_SANCTIONED", "Reason", "RiskParams", "VesselRisk", "as_of_time", "score_vessel",
    "score_vessels",
]
