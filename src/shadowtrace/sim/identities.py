"""Who the simulated ships are: MMSIs, IMO numbers, names and call signs, handed out unique.

An MMSI starts with a maritime identification digit of its flag, an IMO number carries a
valid check digit but starts with 2 (real ships' numbers start with 1 or 5 to 9, so no
simulated vessel is a real one, and screening a fleet against real sanctions lists finds only the vessels
listed on purpose), a call sign its flag's ITU prefix; names are drawn from word lists
(North Korean names in their own style, small craft their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from shadowtrace.models.imo import imo_check_digit

#: maritime identification digits by flag (ITU), the first used for new MMSIs
MID: Final[dict[str, tuple[int, ...]]] = {
    "RU": (273,),
    "CN": (412, 413, 414),
    "KR": (440, 441),
    "JP": (431, 432),
    "KP": (445,),
    "PA": (351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373),
    "LR": (636,),
    "MH": (538,),
    "SL": (667,),
    "TG": (671,),
    "MN": (457,),
    "HK": (477,),
    "SG": (563, 564),
    "KH": (514, 515),
    "BZ": (312,),
    "KM": (616,),
    "FI": (230,),
    "EE": (276,),
    "LV": (275,),
    "LT": (277,),
    "PL": (261,),
    "DE": (211, 218),
    "SE": (265, 266),
    "DK": (219, 220),
    "NO": (257, 258),
    "MT": (215, 229, 248, 249, 256),
    "GA": (626,),
    "CM": (613,),
    "GR": (237, 239, 240, 241),
    "CY": (209, 210, 212),
    "AG": (305,),
    "NL": (244, 245, 246),
    "GB": (232, 233, 234, 235),
}
CALLSIGN: Final[dict[str, str]] = {
    "RU": "U",
    "CN": "B",
    "KR": "D",
    "JP": "J",
    "KP": "HM",
    "PA": "3E",
    "LR": "A8",
    "MH": "V7",
    "SL": "9L",
    "TG": "5V",
    "MN": "JV",
    "HK": "VR",
    "SG": "9V",
    "KH": "XU",
    "BZ": "V3",
    "KM": "D6",
    "FI": "OH",
    "EE": "ES",
    "LV": "YL",
    "LT": "LY",
    "PL": "SP",
    "DE": "D",
    "SE": "S",
    "DK": "OZ",
    "NO": "L",
    "MT": "9H",
    "GA": "TR",
    "CM": "TJ",
    "GR": "SV",
    "CY": "5B",
    "AG": "V2",
    "NL": "PD",
    "GB": "M",
}
_WORDS: Final = [
    "PACIFIC",
    "ORIENT",
    "GOLDEN",
    "OCEAN",
    "SEA",
    "STAR",
    "GLORY",
    "HARMONY",
    "FORTUNE",
    "PRIDE",
    "SPIRIT",
    "VENTURE",
    "DRAGON",
    "PEARL",
    "ZARYA",
    "VOSTOK",
    "PRIMORYE",
    "AMUR",
    "SOKOL",
    "ZVEZDA",
    "VOLNA",
    "AURORA",
    "HANA",
    "DAEHAN",
    "SEJONG",
    "HAI",
    "XIN",
    "HUA",
    "FENG",
    "YUAN",
    "BRIGHT",
    "LUCKY",
    "GRAND",
    "NEW",
    "ROYAL",
    "SILVER",
    "BLUE",
    "EAST",
    "NORTH",
    "UNITY",
    "LIBERTY",
    "PHOENIX",
    "CRYSTAL",
    "VICTORY",
    "NOBLE",
    "ORCHID",
    "LOTUS",
    "CEDAR",
    "MAPLE",
    "JADE",
    "TIGER",
    "FALCON",
    "HERON",
    "ALBATROSS",
    "BALTIC",
    "NORDIC",
    "AMBER",
    "ISLAND",
]
_KP_NAMES: Final = (
    "CHON MA SAN",
    "PAEK MA",
    "YU JONG",
    "KUM UN SAN",
    "SAM JONG",
    "RYE SONG GANG",
    "JI SONG",
    "NAM SAN",
    "SAM MA",
    "MU BONG",
    "KAL MA",
    "AN SAN",
)
_SMALL: Final = [
    "CHAIKA",
    "ALBA",
    "MEWA",
    "LUNA",
    "SOKOL",
    "NERPA",
    "DELFIN",
    "BRIZ",
    "KASATKA",
    "ORLAN",
    "MIRA",
    "VEGA",
    "SIRIUS",
    "TUNA",
]


@dataclass(frozen=True)
class Identity:
    mmsi: int
    imo: int  # 0: none
    name: str
    callsign: str
    flag: str


class Registry:
    """Hands out unique MMSIs, IMO numbers, names and call signs."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.mmsis: set[int] = set()
        self.names: set[str] = set()
        self.imos: set[int] = set()
        self.callsigns: set[str] = set()

    def mmsi(self, flag: str) -> int:
        mids = MID.get(flag, (351,))
        while True:
            m = int(mids[int(self.rng.integers(len(mids)))]) * 1_000_000 + int(self.rng.integers(100_000, 999_999))
            if m not in self.mmsis:
                self.mmsis.add(m)
                return m

    def imo(self) -> int:
        while True:
            head = int(self.rng.integers(200_000, 299_999))  # as wide as 900_000-999_999: the same draws
            imo = head * 10 + imo_check_digit(head)
            if imo not in self.imos:
                self.imos.add(imo)
                return imo

    def name(self, flag: str, small: bool) -> str:
        for attempt in range(1000):
            r = self.rng
            if small:
                base = f"{_SMALL[int(r.integers(len(_SMALL)))]}"
                name = base if attempt == 0 and r.random() < 0.3 else f"{base} {int(r.integers(1, 99))}"
            elif flag == "KP":
                name = f"{_KP_NAMES[int(r.integers(len(_KP_NAMES)))]}" + (
                    f" {int(r.integers(1, 9))}" if attempt else ""
                )
            else:
                a, b = (str(w) for w in r.choice(_WORDS, 2, replace=False))
                name = f"{a} {b}" if r.random() < 0.7 else f"{a} {int(r.integers(1, 30))}"
            if attempt > 20:  # a crowded name space: number the name
                name = f"{name[:14]} {attempt}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise AssertionError("names exhausted")

    def callsign(self, flag: str) -> str:
        prefix = CALLSIGN.get(flag, "3E")
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        while True:
            n = 6 - len(prefix) if len(prefix) < 3 else 4
            tail = "".join(alphabet[int(i)] for i in self.rng.integers(0, 36, n))
            cs = (prefix + tail)[:7]
            if cs not in self.callsigns:
                self.callsigns.add(cs)
                return cs

    def identity(self, flag: str, small: bool) -> Identity:
        return Identity(self.mmsi(flag), 0 if small else self.imo(), self.name(flag, small), self.callsign(flag), flag)
