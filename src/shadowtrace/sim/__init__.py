"""The fleet simulator: synthetic AIS traffic, written as the NMEA logs receivers keep.

This is its first part: :mod:`shadowtrace.sim.encode`, the AIS encoder (field
values to NMEA 0183 sentences with tag blocks, the inverse of the decoder), and
:mod:`shadowtrace.sim.sample`, which builds the small sample log shipped with
the package.
"""
