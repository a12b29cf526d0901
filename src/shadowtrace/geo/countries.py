"""Countries: ISO 3166-1 codes and the names crews type for them.

One table, declared once: alpha-2 code, alpha-3 code, English short name, then other names
(common English forms, abbreviations, a few native names seen in AIS destinations). The
gazetteer readers use it to turn World Port Index country names and Global Fishing Watch
alpha-3 codes into alpha-2 codes; destination resolution uses it to read ``CHINA``,
``N.KOREA`` or ``RUSSIA`` in a destination text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from shadowtrace.geo.names import word_set

# alpha-2 alpha-3 name|other name|...  (names are matched ignoring case, accents and punctuation)
_TABLE = """
AD AND Andorra
AE ARE United Arab Emirates|UAE|U.A.E.|Emirates
AF AFG Afghanistan
AG ATG Antigua and Barbuda|Antigua
AI AIA Anguilla
AL ALB Albania
AM ARM Armenia
AO AGO Angola
AQ ATA Antarctica
AR ARG Argentina
AS ASM American Samoa
AT AUT Austria
AU AUS Australia
AW ABW Aruba
AX ALA Aland Islands|Aland
AZ AZE Azerbaijan
BA BIH Bosnia and Herzegovina|Bosnia Herzegovina|Bosnia
BB BRB Barbados
BD BGD Bangladesh
BE BEL Belgium|Belgie|Belgique
BF BFA Burkina Faso
BG BGR Bulgaria
BH BHR Bahrain
BI BDI Burundi
BJ BEN Benin
BL BLM Saint Barthelemy
BM BMU Bermuda
BN BRN Brunei|Brunei Darussalam
BO BOL Bolivia
BQ BES Bonaire, Sint Eustatius and Saba|Caribbean Netherlands|Bonaire
BR BRA Brazil|Brasil
BS BHS Bahamas|The Bahamas
BT BTN Bhutan
BV BVT Bouvet Island
BW BWA Botswana
BY BLR Belarus
BZ BLZ Belize
CA CAN Canada
CC CCK Cocos (Keeling) Islands|Cocos Islands
CD COD Democratic Republic of the Congo|DR Congo|Congo (Kinshasa)|Congo Kinshasa
CF CAF Central African Republic
CG COG Congo|Republic of the Congo|Congo (Brazzaville)|Congo Brazzaville
CH CHE Switzerland
CI CIV Cote d'Ivoire|Ivory Coast
CK COK Cook Islands
CL CHL Chile
CM CMR Cameroon
CN CHN China|PR China|P.R. China|People's Republic of China|PRC
CO COL Colombia
CR CRI Costa Rica
CU CUB Cuba
CV CPV Cabo Verde|Cape Verde
CW CUW Curacao
CX CXR Christmas Island
CY CYP Cyprus
CZ CZE Czechia|Czech Republic
DE DEU Germany|Deutschland|Tyskland
DJ DJI Djibouti
DK DNK Denmark|Danmark
DM DMA Dominica
DO DOM Dominican Republic|Dominican Rep|Dom Rep
DZ DZA Algeria
EC ECU Ecuador
EE EST Estonia|Eesti
EG EGY Egypt
EH ESH Western Sahara
ER ERI Eritrea
ES ESP Spain|Espana
ET ETH Ethiopia
FI FIN Finland|Suomi
FJ FJI Fiji
FK FLK Falkland Islands|Falklands|Islas Malvinas
FM FSM Micronesia|Federated States of Micronesia
FO FRO Faroe Islands|Faroes|Faroe
FR FRA France
GA GAB Gabon
GB GBR United Kingdom|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland
GD GRD Grenada
GE GEO Georgia
GF GUF French Guiana
GG GGY Guernsey
GH GHA Ghana
GI GIB Gibraltar
GL GRL Greenland
GM GMB Gambia|The Gambia
GN GIN Guinea
GP GLP Guadeloupe
GQ GNQ Equatorial Guinea
GR GRC Greece
GS SGS South Georgia and the South Sandwich Islands|South Georgia
GT GTM Guatemala
GU GUM Guam
GW GNB Guinea-Bissau
GY GUY Guyana
HK HKG Hong Kong
HM HMD Heard Island and McDonald Islands
HN HND Honduras
HR HRV Croatia
HT HTI Haiti
HU HUN Hungary
ID IDN Indonesia
IE IRL Ireland|Eire
IL ISR Israel
IM IMN Isle of Man
IN IND India
IO IOT British Indian Ocean Territory
IQ IRQ Iraq
IR IRN Iran
IS ISL Iceland
IT ITA Italy|Italia
JE JEY Jersey
JM JAM Jamaica
JO JOR Jordan
JP JPN Japan
KE KEN Kenya
KG KGZ Kyrgyzstan
KH KHM Cambodia
KI KIR Kiribati
KM COM Comoros
KN KNA Saint Kitts and Nevis
KP PRK North Korea|N Korea|DPRK|DPR Korea|Korea DPR|Democratic People's Republic of Korea
KR KOR South Korea|Korea|S Korea|Republic of Korea|ROK|Korea Republic
KW KWT Kuwait
KY CYM Cayman Islands|Caymans
KZ KAZ Kazakhstan
LA LAO Laos
LB LBN Lebanon
LC LCA Saint Lucia
LI LIE Liechtenstein
LK LKA Sri Lanka
LR LBR Liberia
LS LSO Lesotho
LT LTU Lithuania|Lietuva
LU LUX Luxembourg
LV LVA Latvia|Latvija
LY LBY Libya
MA MAR Morocco
MC MCO Monaco
MD MDA Moldova
ME MNE Montenegro
MF MAF Saint Martin
MG MDG Madagascar
MH MHL Marshall Islands
MK MKD North Macedonia|Macedonia
ML MLI Mali
MM MMR Myanmar|Burma
MN MNG Mongolia
MO MAC Macao|Macau
MP MNP Northern Mariana Islands
MQ MTQ Martinique
MR MRT Mauritania
MS MSR Montserrat
MT MLT Malta
MU MUS Mauritius
MV MDV Maldives
MW MWI Malawi
MX MEX Mexico
MY MYS Malaysia
MZ MOZ Mozambique
NA NAM Namibia
NC NCL New Caledonia
NE NER Niger
NF NFK Norfolk Island
NG NGA Nigeria
NI NIC Nicaragua
NL NLD Netherlands|The Netherlands|Netherland|Holland|Nederland
NO NOR Norway|Norge|Noreg
NP NPL Nepal
NR NRU Nauru
NU NIU Niue
NZ NZL New Zealand
OM OMN Oman
PA PAN Panama
PE PER Peru
PF PYF French Polynesia|Tahiti
PG PNG Papua New Guinea
PH PHL Philippines
PK PAK Pakistan
PL POL Poland|Polska|Polen
PM SPM Saint Pierre and Miquelon
PN PCN Pitcairn|Pitcairn Islands
PR PRI Puerto Rico
PS PSE Palestine
PT PRT Portugal
PW PLW Palau
PY PRY Paraguay
QA QAT Qatar
RE REU Reunion
RO ROU Romania
RS SRB Serbia
RU RUS Russia|Russian Federation|Rossiya|Rusland|Ryssland
RW RWA Rwanda
SA SAU Saudi Arabia|KSA
SB SLB Solomon Islands
SC SYC Seychelles
SD SDN Sudan
SE SWE Sweden|Sverige
SG SGP Singapore
SH SHN Saint Helena, Ascension and Tristan da Cunha|Saint Helena|St Helena
SI SVN Slovenia
SJ SJM Svalbard and Jan Mayen|Svalbard
SK SVK Slovakia
SL SLE Sierra Leone
SM SMR San Marino
SN SEN Senegal
SO SOM Somalia
SR SUR Suriname
SS SSD South Sudan
ST STP Sao Tome and Principe
SV SLV El Salvador
SX SXM Sint Maarten
SY SYR Syria
SZ SWZ Eswatini|Swaziland
TC TCA Turks and Caicos Islands
TD TCD Chad
TF ATF French Southern Territories
TG TGO Togo
TH THA Thailand
TJ TJK Tajikistan
TK TKL Tokelau
TL TLS Timor-Leste|East Timor
TM TKM Turkmenistan
TN TUN Tunisia
TO TON Tonga
TR TUR Turkey|Turkiye
TT TTO Trinidad and Tobago|Trinidad
TV TUV Tuvalu
TW TWN Taiwan
TZ TZA Tanzania
UA UKR Ukraine
UG UGA Uganda
UM UMI United States Minor Outlying Islands
US USA United States|USA|U.S.A.|US|U.S.|United States of America|America
UY URY Uruguay
UZ UZB Uzbekistan
VA VAT Holy See|Vatican
VC VCT Saint Vincent and the Grenadines|Saint Vincent
VE VEN Venezuela
VG VGB British Virgin Islands
VI VIR U.S. Virgin Islands|US Virgin Islands
VN VNM Vietnam|Viet Nam
VU VUT Vanuatu
WF WLF Wallis and Futuna
WS WSM Samoa
YE YEM Yemen
YT MYT Mayotte
ZA ZAF South Africa|RSA
ZM ZMB Zambia
ZW ZWE Zimbabwe
"""

#: World Port Index country names that are not in the table above as written
_WPI_NAMES = {
    "Congo (Brazzaville)": "CG",
    "Congo (Kinshasa)": "CD",
    "Falkland Islands (Islas Malvinas)": "FK",
    "Federated States of Micronesia": "FM",
    "Saint Vincent and the Grenadines (Windward Islands)": "VC",
    "Saint Helena, Ascension, and Tristan da Cunha": "SH",
    "Johnson Atoll": "UM",
    "Midway Islands": "UM",
    "Wake Island": "UM",
    "Caribbean Netherlands": "BQ",
}

#: US state and Canadian province codes, as written after a port name (``TACOMA,WA``)
SUBDIVISIONS: dict[str, frozenset[str]] = {
    "US": word_set(
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
        "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU"
    ),
    "CA": word_set("AB BC MB NB NL NS NT NU ON PE QC SK YT"),
}


@dataclass(frozen=True)
class Country:
    """One country: ISO 3166-1 alpha-2 and alpha-3 codes, English short name, other names."""

    alpha2: str
    alpha3: str
    name: str
    other_names: tuple[str, ...] = ()


def name_key(text: str) -> str:
    """A name as compared: ASCII upper case, words of letters and digits separated by one space."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()
    plain = plain.replace("'", "")
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", plain).split())


@functools.cache
def countries() -> dict[str, Country]:
    """Every country, by alpha-2 code."""
    out: dict[str, Country] = {}
    for line in _TABLE.strip().splitlines():
        a2, a3, names = line.split(" ", 2)
        first, *others = names.split("|")
        out[a2] = Country(a2, a3, first, tuple(others))
    return out


@functools.cache
def _by_name() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in countries().values():
        for n in (c.name, *c.other_names):
            out.setdefault(name_key(n), c.alpha2)
    for n, a2 in _WPI_NAMES.items():
        out.setdefault(name_key(n), a2)
    return out


@functools.cache
def _by_alpha3() -> dict[str, str]:
    return {c.alpha3: c.alpha2 for c in countries().values()}


def country_by_name(name: str) -> str | None:
    """The alpha-2 code of a country named ``name`` (any listed name, case and accents ignored)."""
    return _by_name().get(name_key(name))


def alpha2_of_alpha3(code: str) -> str | None:
    """The alpha-2 code of an alpha-3 code (``"PRK"`` -> ``"KP"``), or None."""
    return _by_alpha3().get(code.strip().upper())


def is_alpha2(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166-1 alpha-2 code."""
    return code in countries()


def country_name(alpha2: str) -> str:
    """The English short name of a country, or the code itself when unknown."""
    c = countries().get(alpha2)
    return c.name if c else alpha2


def country_names() -> dict[str, str]:
    """Every listed name of every country (as :func:`name_key` writes it) -> alpha-2 code."""
    return dict(_by_name())
