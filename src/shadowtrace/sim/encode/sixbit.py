"""The AIS 6-bit character set and the armouring of 6-bit values into payload characters.

ITU-R M.1371-5 table 47 (texts), and the armour that writes each 6-bit value (0-63) as one
payload character (ASCII 48-87 and 96-119).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np

#: the AIS 6-bit character set, by code (ITU-R M.1371-5 table 47)
SIXBIT_ALPHABET: Final = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"

_ARMOUR_TABLE: Final = bytes(v + 48 if v < 40 else v + 56 for v in range(64))
ARMOUR_LUT: Final = np.frombuffer(_ARMOUR_TABLE, dtype=np.uint8)
_ARMOUR_STR: Final = _ARMOUR_TABLE.decode("ascii")


def six_code(byte: int) -> int:
    """6-bit code of one ASCII byte (NUL, the padding, is code 0: '@'); -1 if none."""
    if byte == 0:
        return 0
    if 64 <= byte <= 95:
        return byte - 64
    if 32 <= byte <= 63:
        return byte
    return -1


SIX_LUT: Final = np.array([six_code(b) for b in range(256)], dtype=np.int16)


def armour(values: Iterable[int]) -> str:
    """Armour 6-bit values (0-63) into payload characters."""
    return "".join(_ARMOUR_STR[v] for v in values)
