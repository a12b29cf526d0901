"""AIS encoder: field values to NMEA 0183 sentences, the inverse of the decoder.

Follows ITU-R M.1371-5 for message types 1, 2, 3 (class A position), 4 and 11
(base station), 5 (static and voyage), 9 (SAR aircraft), 18 and 19 (class B
position), 21 (aid to navigation, with the name extension), 24 (class B static,
parts A and B) and 27 (long-range position). Fields carry the names and units of
the decoded tables (:mod:`shadowtrace.models.tables`): ``lat``, ``sog_kn``,
``draught_m``, ``reported_utc``... A field left out, or given as ``None`` (NaN in
a float column), is written as the standard's "not available" value: lat 91,
lon 181, SOG 102.3 kn (63 kn in type 27, 1023 kn in type 9), COG 360 (511 in
type 27), heading 511, ``utc_second`` 60, turn -128, altitude 4095, nav status
15, draught 0, IMO 0, ETA month 0 / day 0 / hour 24 / minute 60, reported UTC
year 0 / month 0 / day 0 / hour 24 / minute 60 / second 60; flags are written 0,
except ``dte`` and ``gnss`` whose "not available" value is 1. Values beyond a
field's top code saturate where the standard says "x or more" (SOG 102.2 kn,
draught 25.5 m, dimensions 511 / 63 m, altitude 4094 m); any other value that
does not fit raises :class:`~shadowtrace.errors.InputError`. Texts are
upper-cased and cut to their field (20 characters for names, 7 for call signs).

``turn`` is the rate of turn in degrees per minute as decoders report it
(``(ROT_AIS / 4.733)**2`` with its sign), encoded back as
``ROT_AIS = round(4.733 * sqrt(|turn|))``; the codes +127, -127 (turning, no
turn indicator) and -128 (not available) pass through as given.

Sentences are NMEA 0183 ``!AIVDM`` lines of at most 82 characters: a payload
longer than 61 characters (type 5) is split into parts of 60 with a sequential
message id cycling 0-9. Each line may carry an IEC 61162-450 tag block
``\\s:station,c:time*hh\\`` (``c:`` in seconds, or in milliseconds when asked)
and, for multipart messages when asked, a ``g:part-total-group`` group.

Two paths write byte-identical output and share one encoder state (message ids,
group ids):

* :meth:`AisEncoder.columns` encodes whole NumPy columns at once, for bulk use
  (millions of position reports a minute);
* :meth:`AisEncoder.sentences` encodes one message in plain Python.

Its parts, from the bits up: :mod:`~shadowtrace.sim.encode.sixbit` (the 6-bit character set and
armour), :mod:`~shadowtrace.sim.encode.layouts` (the fields of each message type),
:mod:`~shadowtrace.sim.encode.scalar` and :mod:`~shadowtrace.sim.encode.vector` (payloads, one
message or whole columns), :mod:`~shadowtrace.sim.encode.segments` (lines as character
matrices) and :mod:`~shadowtrace.sim.encode.sentences` (NMEA lines and tag blocks).
"""

from __future__ import annotations

from shadowtrace.sim.encode.layouts import FIELDS, POSITION_TYPES, SUPPORTED_TYPES
from shadowtrace.sim.encode.scalar import encode_payload
from shadowtrace.sim.encode.sentences import (
    MAX_SINGLE_PAYLOAD,
    PART_PAYLOAD,
    AisEncoder,
    SentenceBlock,
    merge,
    nmea_checksum,
)
from shadowtrace.sim.encode.sixbit import SIXBIT_ALPHABET, armour
from shadowtrace.sim.encode.vector import Categorical, encode_payloads

__all__ = [
    "FIELDS",
    "MAX_SINGLE_PAYLOAD",
    "PART_PAYLOAD",
    "POSITION_TYPES",
    "SIXBIT_ALPHABET",
    "SUPPORTED_TYPES",
    "AisEncoder",
    "Categorical",
    "SentenceBlock",
    "armour",
    "encode_payload",
    "encode_payloads",
    "merge",
    "nmea_checksum",
]
