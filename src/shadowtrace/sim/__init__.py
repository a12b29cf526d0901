"""The fleet simulator: synthetic AIS traffic, written as the NMEA logs receivers keep.

:mod:`~shadowtrace.sim.run` runs it: a :mod:`~shadowtrace.sim.scenario` sets the sea, its
ports and receivers; :mod:`~shadowtrace.sim.identities` and :mod:`~shadowtrace.sim.fleet`
make the vessels and plan their voyages, which :mod:`~shadowtrace.sim.motion` turns into
positions; :mod:`~shadowtrace.sim.stage` stages the evasive acts
(:mod:`~shadowtrace.sim.acts`) and their legitimate look-alikes
(:mod:`~shadowtrace.sim.lookalikes`); :mod:`~shadowtrace.sim.coverage` decides what is
heard; :mod:`~shadowtrace.sim.encode`, the AIS encoder (the inverse of the decoder), and
:mod:`~shadowtrace.sim.writers` write the logs, and :mod:`~shadowtrace.sim.truth` the
labelled ground truth that :mod:`~shadowtrace.sim.evaluate` scores detectors against.
:mod:`~shadowtrace.sim.sample` builds the small sample log shipped with the package.
"""
