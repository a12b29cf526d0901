"""Sanctions lists: reading them into one table of vessel entries, and screening vessels against it.

- :mod:`.entries`: the common entry (name, aliases, IMO, MMSI, flag, programs...) every reader
  fills, with its checks: an IMO with a wrong check digit is kept but flagged, a row naming no
  vessel (no name, IMO or MMSI) is a counted reject.
- :mod:`.ofac`, :mod:`.eu`, :mod:`.opensanctions`: one reader per family of formats;
  :mod:`.formats` tells them apart by content and decodes the bytes.
- :mod:`.names`: vessel names as compared (accents, punctuation and prefixes such as ``M/V``
  dropped, numbers kept) and their fuzzy score.
- :mod:`.match`: the candidate pairs of broadcast identities and entries (IMO, MMSI, name),
  vectorised; the rules that turn them into SANCTIONS_MATCH events are in
  :mod:`shadowtrace.detectors.sanctions`.
- :mod:`.lists`: the ``listed`` table of a store: add, replace, remove, summarise.

Formats, matching rules and settings: ``docs/sanctions.md``.
"""
