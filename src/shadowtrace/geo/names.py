"""Place names as compared: one normalisation for gazetteer merging and destination resolution.

- :func:`normalise`: ASCII upper case, accents dropped, AIS ``@`` padding removed, spaces collapsed.
- :func:`words_of`: the words (runs of letters and digits; ``0``/``1`` typed for ``O``/``I``
  inside a word fixed; ``ST`` read as ``SAINT``, ``FT`` as ``FORT``...).
- :func:`stripped`: the words without generic ones (``PORT``, ``HARBOUR``, ``ANCHORAGE``, ``OPL``...).
- :func:`fold`: a key without spaces, with the spellings of Nordic and German letters folded
  (``OE``/``O``, ``AA``/``A``, ``UE``/``U``, ``AE``/``A``), ``C``/``K``, ``PH``/``F`` and doubled
  letters, so ``THYBOROEN``, ``Thyboron`` and ``THYBORON`` meet.

Also the vocabularies of destination texts, declared once: words that declare no destination,
activities, geographic words that name no place alone, contact details, and well-known other
names of ports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final


def word_set(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list (vocabularies are declared as text)."""
    return frozenset(text.split())


#: words stripped from a name before the second lookup (and from the names in the index)
GENERIC_WORDS: Final = word_set(
    """
    PORT PORTS P HARBOUR HARBOR HBR HAVN HAFEN HAMN HAMNEN ANCHORAGE ANCHORAGES ANCH ANCHOR ROADS ROAD RDS
    RD ROADSTEAD REEDE RADE OPL PILOT PILOTS PILOTAGE STATION PBG BERTH BERTHS QUAY KAI PIER JETTY DOCK
    DOCKS TERMINAL TERMINALS TERM OFF OFFSHORE AREA CITY FOR ORDER ORDERS FO OUTER INNER LIMITS
    """
)
#: words that, when they are all a text holds, declare no destination
PLACEHOLDER_WORDS: Final = word_set(
    """
    FOR ORDER ORDERS AWAITING AWAIT WAITING WAIT TBA TBN TBC TBD TBO NA NIL NONE NO UNKNOWN UNKNOW UNKOWN
    DEST DESTINATION DESTINATIONS NOT DEFINED SET GIVEN SEA SEAS HIGH OPEN AT ON IN OF THE TO AND OR ANY
    ANYWHERE EVERYWHERE VARIOUS VARIABLE VAR FISHING FISHERY FISHERIES FISH GROUND GROUNDS ZONE ZONA PESCA
    TRIAL TRIALS TRAIL TRAILS TEST TESTING SURVEY SURVEYING OPS OPERATION OPERATIONS WORK WORKING WORKS DUTY
    PATROL PATROLLING PATROUILLE SAR RESCUE SEARCH TOW TOWING UNDER UNDERWAY SAILING CRUISE CRUISING LOCAL
    LEISURE PLEASURE HOLIDAY HOLIDAYS VACATION HOME HJEM HEM THUIS STANDBY STAND BY STATIONARY PLATFORM
    GUARD GUARDING COASTGUARD COAST SERVICE SERVICES FERRY MAINTENANCE BUOY BUOYS DREDGING DREDGE BAGGEREN
    BUNKERING BUNKEREN BUNKER HARBOUR HARBOR ASSISTANCE SHIFT SHIFTING KEEP CLEAR PILOT PILOTS PILOTAGE
    BOARDING AREA JOB SITE FARM FARMS AQUACULTURE RESEARCH TRAINING EXERCISE EXERCISES ANCHORAGE ANCHORING
    ANCHOR ANCH DRIFTING ENGAGED TIL EN OG OCH UND HEEN TERUG WEER RONDJE RONDVAART FISKE FISKERI VISSERIJ
    FISCHEREI
    """
)
#: word beginnings that declare no destination (``FISHINGGROUNDS``, ``SEATRAILS``, ``FISHFARMS``)
PLACEHOLDER_STEMS: Final = ("FISHING", "FISHFARM", "FISHERY", "SEATRIAL", "SEATRAIL")
#: words of activity: in a text that names no port, they make it a placeholder
ACTIVITY_WORDS: Final = word_set(
    """
    FISHING FISHERY TRIAL TRIALS TRAIL SEATRIAL SURVEY PATROL PATROUILLE RESCUE TOWING TOW DREDGING
    BAGGEREN BUNKERING BUNKEREN MAINTENANCE HOME HJEM HEM THUIS ORDERS ORDER CRUISE CRUISING SAILING
    HOLIDAY VACATION STANDBY FERRY PESCA EXERCISE TRAINING RONDJE RONDVAART
    """
)
#: words of geography that name no place on their own (``POINT``, ``EAST``, ``OCEAN``)
GEOGRAPHIC_WORDS: Final = word_set(
    """
    NORTH SOUTH EAST WEST NORTHERN SOUTHERN EASTERN WESTERN CENTRAL UPPER LOWER NEW OLD GREAT LITTLE POINT
    CAPE BAY GULF ISLAND ISLANDS ISL ISLE RIVER LAKE SEA OCEAN CHANNEL STRAIT SOUND FJORD CREEK BEACH
    SAINT SAN SANTA SAO LA LE LES EL DE DEL DI DA DU THE ATLANTIC PACIFIC INDIAN ARCTIC BALTIC MEDITERRANEAN
    """
)
#: contact details: a phone number, a VHF channel, a web address
CONTACT: Final = re.compile(
    r"\b(?:TLF|TEL|TELEFON|PHONE|MOB|MOBILE|CELL)\b.*\d|\bCH\s?\d{1,2}\b|\bVHF\b|\bWWW\b|\bHTTPS?\b"
)

#: well-known other names of ports, for gazetteers that do not list them (used only for codes present)
BUILTIN_ALIASES: Final = {
    "KRPUS": ("Busan",),
    "KRINC": ("Inchon", "Chemulpo"),
    "SEGOT": ("Gothenburg", "Goteborg"),
    "RULED": ("St Petersburg", "Sankt Peterburg", "Leningrad", "SPB"),
    "DKCPH": ("Kobenhavn",),
    "DKSKA": ("Skaw", "The Skaw"),
    "BEANR": ("Antwerp", "Anvers"),
    "BEGNE": ("Gent", "Gand"),
    "FRDKK": ("Dunkirk",),
    "FRMRS": ("Marseilles",),
    "ITLIV": ("Leghorn",),
    "ITGOA": ("Genoa",),
    "ITNAP": ("Naples",),
    "ITVCE": ("Venezia",),
    "DECGN": ("Cologne", "Koeln"),
    "PLGDN": ("Danzig",),
    "PLSZZ": ("Stettin",),
    "PLSWI": ("Swinemuende",),
    "LTKLJ": ("Memel",),
    "RUKGD": ("Koenigsberg",),
    "FIHEL": ("Helsingfors",),
    "FITKU": ("Abo",),
    "UAODS": ("Odesa",),
    "UANLV": ("Nikolaev", "Mykolaiv"),
    "RUNJK": ("Nahodka",),
    "RUVYP": ("Vostochnyy", "Vostochniy", "Wrangel"),
    "RUNVS": ("Novorossiysk", "Novorossiisk"),
    "CNTAO": ("Tsingtao",),
    "CNDLC": ("Dairen", "Dalien"),
    "CNNGB": ("Ningpo",),
    "CNXMN": ("Amoy",),
    "CNTSN": ("Tientsin", "Xingang"),
    "CNCAN": ("Canton",),
    "EGALY": ("Iskandariya",),
    "INBOM": ("Bombay",),
    "INMAA": ("Madras",),
    "MMRGN": ("Rangoon",),
    "VNSGN": ("Saigon",),
    "KPNAM": ("Chinnampo", "Namp'o"),
    "KPNJN": ("Rajin", "Rason"),
    "KPCHO": ("Ch'ongjin",),
    "USNYC": ("New York City", "NYC"),
}
#: words written several ways, as compared
WORD_FORMS: Final = {
    "ST": "SAINT",
    "STE": "SAINTE",
    "SNT": "SAINT",
    "SANKT": "SAINT",
    "FT": "FORT",
    "PT": "PORT",
    "MT": "MOUNT",
}
_FOLDS: Final = (("AA", "A"), ("AE", "A"), ("OE", "O"), ("UE", "U"), ("CK", "K"), ("PH", "F"), ("C", "K"))
_LETTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise(text: str) -> str:
    """ASCII upper case, accents dropped, ``@`` padding removed, spaces collapsed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()
    return " ".join(plain.replace("@", " ").split())


def _fix_digits(word: str) -> str:
    """0 and 1 typed for O and I inside a word of letters (``THYB0ROEN``, ``N1NGBO``)."""
    letters = sum(c in _LETTERS for c in word)
    digits = len(word) - letters
    if letters >= 3 and 0 < digits <= 2 and set(word) - _LETTERS <= {"0", "1"}:
        return word.replace("0", "O").replace("1", "I")
    return word


def words_of(text: str) -> list[str]:
    """The words of a normalised text: runs of letters and digits, apostrophes dropped, 0/1 fixed."""
    found = re.findall(r"[A-Z0-9]+", text.replace("'", ""))
    return [WORD_FORMS.get(w, w) for w in (_fix_digits(w) for w in found)]


def name_words(name: str) -> list[str]:
    """The words of a name as listed (any case, accents, punctuation)."""
    return words_of(normalise(name))


def stripped(words: Sequence[str]) -> list[str]:
    """``words`` without generic words (``PORT``, ``ANCHORAGE``...) and numbers."""
    return [w for w in words if w not in GENERIC_WORDS and not w.isdigit()]


def fold(key: str) -> str:
    """A key without spaces, Nordic/German letter spellings and doubled letters folded."""
    s = key.replace(" ", "")
    for a, b in _FOLDS:
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", s)


def fold_words(words: Sequence[str]) -> str:
    """The folded key of a name's words: without generic words where any others remain."""
    return fold(" ".join(stripped(words)) or " ".join(words))
