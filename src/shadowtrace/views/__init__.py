"""What the evidence pages show, as data (no HTML): the reports and the web UI render it.

- :mod:`~shadowtrace.views.evidence`: :func:`resolve_evidence`, event references to raw lines and
  decoded values;
- :mod:`~shadowtrace.views.dossier`: :func:`load_dossier`, everything about one vessel;
- :mod:`~shadowtrace.views.coast`: land polygons for maps drawn without tiles.
"""
