"""The web edge: shared page components (:mod:`~shadowtrace.web.components`, ``templates/``, ``static/``)
used by the HTML report and the web UI."""
