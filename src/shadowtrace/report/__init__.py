"""Evidence reports: one self-contained HTML file per case (``shadowtrace report``).

:func:`~shadowtrace.report.render.render_report` renders the dossiers of one or more vessels
(:mod:`shadowtrace.views.dossier`) with the shared page components (:mod:`shadowtrace.web.components`).
"""

from shadowtrace.report.render import CSP, render_report

__all__ = ["CSP", "render_report"]
