"""Exports for other tools: GeoJSON (QGIS), KML (Google Earth), CSV (spreadsheets), FollowTheMoney (Aleph).

A selection (:class:`~shadowtrace.export.select.Selection`: vessels, event kinds, a window) of a
store's events and clean tracks, written by one streaming writer per format
(:func:`~shadowtrace.export.run.export`). Untrusted text is made safe for each medium in one
module, :mod:`~shadowtrace.export.safe`. Formats and fields: docs/exports.md.
"""

from shadowtrace.export.run import FORMATS, WHAT, ExportCounts, export
from shadowtrace.export.select import Selection

__all__ = ["FORMATS", "WHAT", "ExportCounts", "Selection", "export"]
