"""Encode random valid field values, decode them again: the values come back.

Each supported message type is checked three ways: pyais (always installed
with the test extras) decodes what the encoder wrote; shadowtrace's own decoder
does too, with the null semantics of :mod:`shadowtrace.models.tables`; and the
vectorised column path writes byte for byte what the per-message path writes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import pyais
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.constants import EpfdType, ShipType
from pyais.messages import to_turn

from shadowtrace.sim.encode import (
    MAX_SINGLE_PAYLOAD,
    SIXBIT_ALPHABET,
    SUPPORTED_TYPES,
    AisEncoder,
    Categorical,
    nmea_checksum,
)

Fields = dict[str, Any]

# ------------------------------------------------------------------ strategies

TEXT = SIXBIT_ALPHABET[1:]  # '@' is the padding: never part of a value


def _opt(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | s


def _scaled(lo: int, hi: int, scale: float) -> st.SearchStrategy[float]:
    return st.integers(lo, hi).map(lambda raw: raw / scale)


def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(TEXT, max_size=max_size).map(str.strip)


def _aton_name() -> st.SearchStrategy[str]:
    # a name with an extension splits after character 20; decoders strip both halves,
    # so a space on either side of the split would not come back
    return _text(34).filter(lambda s: len(s) <= 20 or (s[19] != " " and s[20] != " "))


LAT = _opt(_scaled(-90 * 600_000, 90 * 600_000, 600_000.0))
LON = _opt(_scaled(-180 * 600_000, 180 * 600_000, 600_000.0))
SOG = _opt(_scaled(0, 1022, 10.0))
COG = _opt(_scaled(0, 3599, 10.0))
HEADING = _opt(st.integers(0, 359))
SECOND = _opt(st.integers(0, 59))
TURN = _opt(st.integers(-127, 127).map(lambda raw: float(to_turn(raw))))
FLAG = st.booleans()
DIMS = {
    "to_bow_m": st.integers(0, 511),
    "to_stern_m": st.integers(0, 511),
    "to_port_m": st.integers(0, 63),
    "to_starboard_m": st.integers(0, 63),
}
HEAD = {"repeat": st.integers(0, 3), "mmsi": st.integers(0, 999_999_999)}
UTC_TIME = _opt(
    st.datetimes(datetime(1990, 1, 1), datetime(2100, 12, 31)).map(
        lambda d: d.replace(microsecond=0, tzinfo=UTC)
    )
)

STRATEGIES: dict[int, st.SearchStrategy[Fields]] = {}
_POS_A = {
    **HEAD,
    "nav_status": _opt(st.integers(0, 14)),
    "turn": TURN,
    "sog_kn": SOG,
    "accuracy": FLAG,
    "lon": LON,
    "lat": LAT,
    "cog_deg": COG,
    "heading_deg": HEADING,
    "utc_second": SECOND,
    "maneuver": st.integers(0, 2),
    "raim": FLAG,
    "radio": st.integers(0, (1 << 19) - 1),
}
for _t in (1, 2, 3):
    STRATEGIES[_t] = st.fixed_dictionaries(_POS_A)
for _t in (4, 11):
    STRATEGIES[_t] = st.fixed_dictionaries(
        {
            **HEAD,
            "reported_utc": UTC_TIME,
            "accuracy": FLAG,
            "lon": LON,
            "lat": LAT,
            "epfd": st.integers(0, 15),
            "raim": FLAG,
            "radio": st.integers(0, (1 << 19) - 1),
        }
    )
STRATEGIES[5] = st.fixed_dictionaries(
    {
        **HEAD,
        "ais_version": st.integers(0, 3),
        "imo": _opt(st.integers(1, (1 << 30) - 1)),
        "callsign": _text(7),
        "shipname": _text(20),
        "ship_type": st.integers(0, 255),
        **DIMS,
        "epfd": st.integers(0, 15),
        "eta_month": _opt(st.integers(1, 12)),
        "eta_day": _opt(st.integers(1, 31)),
        "eta_hour": _opt(st.integers(0, 23)),
        "eta_minute": _opt(st.integers(0, 59)),
        "draught_m": _opt(_scaled(1, 255, 10.0)),
        "destination": _text(20),
        "dte": FLAG,
    }
)
STRATEGIES[9] = st.fixed_dictionaries(
    {
        **HEAD,
        "alt_m": _opt(st.integers(0, 4094)),
        "sog_kn": _opt(st.integers(0, 1022).map(float)),
        "accuracy": FLAG,
        "lon": LON,
        "lat": LAT,
        "cog_deg": COG,
        "utc_second": SECOND,
        "dte": FLAG,
        "assigned": FLAG,
        "raim": FLAG,
        "radio": st.integers(0, (1 << 20) - 1),
    }
)
STRATEGIES[18] = st.fixed_dictionaries(
    {
        **HEAD,
        "sog_kn": SOG,
        "accuracy": FLAG,
        "lon": LON,
        "lat": LAT,
        "cog_deg": COG,
        "heading_deg": HEADING,
        "utc_second": SECOND,
        "cs_unit": FLAG,
        "display": FLAG,
        "dsc": FLAG,
        "band": FLAG,
        "msg22": FLAG,
        "assigned": FLAG,
        "raim": FLAG,
        "radio": st.integers(0, (1 << 20) - 1),
    }
)
STRATEGIES[19] = st.fixed_dictionaries(
    {
        **HEAD,
        "sog_kn": SOG,
        "accuracy": FLAG,
        "lon": LON,
        "lat": LAT,
        "cog_deg": COG,
        "heading_deg": HEADING,
        "utc_second": SECOND,
        "shipname": _text(20),
        "ship_type": st.integers(0, 255),
        **DIMS,
        "epfd": st.integers(0, 15),
        "raim": FLAG,
        "dte": FLAG,
        "assigned": FLAG,
    }
)
STRATEGIES[21] = st.fixed_dictionaries(
    {
        **HEAD,
        "aid_type": st.integers(0, 31),
        "shipname": _aton_name(),
        "accuracy": FLAG,
        "lon": LON,
        "lat": LAT,
        **DIMS,
        "epfd": st.integers(0, 15),
        "utc_second": SECOND,
        "off_position": FLAG,
        "raim": FLAG,
        "virtual_aid": FLAG,
        "assigned": FLAG,
    }
)
_AUX_MMSI = st.integers(980_000_000, 989_999_999)
STRATEGIES[24] = st.one_of(
    st.fixed_dictionaries({**HEAD, "part_num": st.just(0), "shipname": _text(20)}),
    st.fixed_dictionaries(
        {
            **HEAD,
            "part_num": st.just(1),
            "ship_type": st.integers(0, 255),
            "vendor_id": _text(3),
            "model": st.integers(0, 15),
            "serial": st.integers(0, (1 << 20) - 1),
            "callsign": _text(7),
            **DIMS,
            "epfd": st.integers(0, 15),
        }
    ).filter(lambda f: not 980_000_000 <= f["mmsi"] <= 989_999_999),
    st.fixed_dictionaries(
        {
            "repeat": st.integers(0, 3),
            "mmsi": _AUX_MMSI,
            "part_num": st.just(1),
            "ship_type": st.integers(0, 255),
            "vendor_id": _text(3),
            "model": st.integers(0, 15),
            "serial": st.integers(0, (1 << 20) - 1),
            "callsign": _text(7),
            "mothership_mmsi": st.integers(0, 999_999_999),
            "epfd": st.integers(0, 15),
        }
    ),
)
STRATEGIES[27] = st.fixed_dictionaries(
    {
        **HEAD,
        "accuracy": FLAG,
        "raim": FLAG,
        "nav_status": _opt(st.integers(0, 14)),
        "lon": _opt(_scaled(-180 * 600, 180 * 600, 600.0)),
        "lat": _opt(_scaled(-90 * 600, 90 * 600, 600.0)),
        "sog_kn": _opt(st.integers(0, 62).map(float)),
        "cog_deg": _opt(st.integers(0, 359).map(float)),
        "gnss": FLAG,
    }
)
assert set(STRATEGIES) == set(SUPPORTED_TYPES)

ENVELOPE = st.fixed_dictionaries(
    {
        "ts": st.integers(946_684_800_000, 4_102_444_799_999),
        "station": st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=15),
        "channel": st.sampled_from(["A", "B"]),
    }
)

# ------------------------------------------------------------------ expectations

#: what each field reads as when it was written "not available", as pyais reports it
_SENTINEL: dict[str, Any] = {
    "lat": 91.0,
    "lon": 181.0,
    "sog_kn": 102.3,
    "cog_deg": 360.0,
    "heading_deg": 511,
    "utc_second": 60,
    "turn": -128.0,
    "nav_status": 15,
    "alt_m": 4095,
    "imo": 0,
    "eta_month": 0,
    "eta_day": 0,
    "eta_hour": 24,
    "eta_minute": 60,
    "draught_m": 0.0,
}
_SENTINEL_BY_TYPE: dict[tuple[int, str], Any] = {
    (9, "sog_kn"): 1023.0,
    (27, "sog_kn"): 63.0,
    (27, "cog_deg"): 511.0,
    (27, "lat"): 91.0,
    (27, "lon"): 181.0,
}
#: fields the schemas document as null when "not available" (tables.py)
_STRICT_NULL = {
    "lat",
    "lon",
    "sog_kn",
    "cog_deg",
    "heading_deg",
    "draught_m",
    "eta_month",
    "eta_day",
    "eta_hour",
    "eta_minute",
    "alt_m",
    "imo",
    "reported_utc",
}
#: fields a message carries that its tables do not keep
_NOT_STORED = {(9, "dte")}
_FLOAT_TOL = {"lat": 1e-6, "lon": 1e-6}  # float64 columns; the others are float32


def _sentinel(msg_type: int, name: str) -> Any:
    return _SENTINEL_BY_TYPE.get((msg_type, name), _SENTINEL.get(name))


def _same(name: str, got: Any, want: Any) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        if got is None or want is None:
            return False
        return math.isclose(float(got), float(want), abs_tol=_FLOAT_TOL.get(name, 1e-4))
    return bool(got == want)


def _pyais_fields(msg: Any) -> Fields:
    """A pyais message as schema-named plain values."""
    d = msg.asdict()
    t = d["msg_type"]
    out: Fields = {}
    rename = {
        "status": "nav_status",
        "speed": "sog_kn",
        "course": "cog_deg",
        "heading": "heading_deg",
        "second": "utc_second",
        "to_bow": "to_bow_m",
        "to_stern": "to_stern_m",
        "to_port": "to_port_m",
        "to_starboard": "to_starboard_m",
        "month": "eta_month",
        "day": "eta_day",
        "hour": "eta_hour",
        "minute": "eta_minute",
        "draught": "draught_m",
        "alt": "alt_m",
        "cs": "cs_unit",
        "partno": "part_num",
        "vendorid": "vendor_id",
    }
    for k, v in d.items():
        if v is not None and hasattr(v, "value") and not isinstance(v, bool | int | float | str):
            v = v.value
        if isinstance(v, int) and not isinstance(v, bool) and type(v) is not int:
            v = int(v)
        out[rename.get(k, k)] = v
    if t in (4, 11):
        parts = [d[k] for k in ("year", "month", "day", "hour", "minute", "second")]
        out = {k: v for k, v in out.items() if not k.startswith("eta_") and k not in ("year", "utc_second")}
        out["reported_utc"] = parts
    if t == 21:
        out["shipname"] = (d.get("name") or "") + (d.get("name_ext") or "")
    if "turn" in out and out["turn"] is not None:
        out["turn"] = float(out["turn"])
    return out


_PYAIS_ENUMS: dict[str, Any] = {"ship_type": ShipType, "epfd": EpfdType}


def _check_pyais(msg_type: int, fields: Fields, got: Fields) -> None:
    assert got["msg_type"] == msg_type
    for name, value in fields.items():
        if msg_type == 24 and name == "epfd":
            continue  # pyais reads the M.1371-4 layout of part B: no EPFD field
        if name == "reported_utc":
            want = (
                [0, 0, 0, 24, 60, 60]
                if value is None
                else [value.year, value.month, value.day, value.hour, value.minute, value.second]
            )
            assert got["reported_utc"] == want
            continue
        want = _sentinel(msg_type, name) if value is None else value
        if name in _PYAIS_ENUMS and msg_type != 24:  # pyais reads reserved codes as "not available"
            want = int(_PYAIS_ENUMS[name].from_value(want))
        assert name in got, f"pyais has no {name} in {sorted(got)}"
        assert _same(name, got[name], want), (
            f"type {msg_type} {name}: wrote {value!r}, pyais read {got[name]!r}"
        )


def _check_shadowtrace(msg_type: int, fields: Fields, env: Fields, row: Fields) -> None:
    assert row["msg_type"] == msg_type
    assert row["ts"] == datetime.fromtimestamp(env["ts"] // 1000, UTC)
    assert row["station"] == env["station"]
    assert row["channel"] == env["channel"]
    for name, value in fields.items():
        if name not in row:  # the tables of this type have no such column (type 9's dte)
            assert (msg_type, name) in _NOT_STORED, f"decoded row has no {name}: {sorted(row)}"
            continue
        got = row[name]
        if value is None:
            if name in _STRICT_NULL:
                assert got is None, f"type {msg_type} {name}: wrote n/a, decoded {got!r}"
            else:  # the schemas leave these open: null, or the raw code
                assert got is None or _same(name, got, _sentinel(msg_type, name)), (name, got)
        elif isinstance(value, str) and value == "":
            assert got in ("", None), (name, got)
        elif name == "epfd" and msg_type == 24 and got is None:
            continue
        else:
            assert _same(name, got, value), f"type {msg_type} {name}: wrote {value!r}, decoded {got!r}"


# ------------------------------------------------------------------ decoders


def _pyais_decode(lines: list[str]) -> Fields:
    msg = pyais.decode(*[line.rstrip("\r\n").encode() for line in lines])
    return _pyais_fields(msg)


def _shadowtrace_decoder() -> Callable[..., Iterator[dict[str, Any]]]:
    try:
        import shadowtrace.ingest.ais._nmea  # noqa: F401
        from shadowtrace.ingest.ais.nmea import decode_nmea
    except ImportError as exc:
        pytest.skip(
            "shadowtrace's NMEA decoder (the C extension shadowtrace.ingest.ais._nmea) is not built "
            f"here ({exc}); build it with `pip install -e .`"
        )
    return decode_nmea  # type: ignore[no-any-return]


def _shadowtrace_decode(lines: Iterable[str]) -> tuple[dict[str, list[Fields]], Any]:
    from shadowtrace.ingest.stats import IngestStats

    decode_nmea = _shadowtrace_decoder()
    stats = IngestStats()
    data = "".join(lines).encode()
    out: dict[str, list[Fields]] = defaultdict(list)
    for tables in decode_nmea([(data, 1)], 7, stats):
        for name, table in tables.items():
            out[name].extend(table.to_pylist())
    return out, stats


def _one_row(tables: dict[str, list[Fields]]) -> Fields:
    assert not tables.get("rejects"), tables.get("rejects")
    assert not tables.get("other"), tables.get("other")
    row: Fields = {}
    for name in ("positions", "statics"):
        rows = tables.get(name, [])
        assert len(rows) <= 1, rows
        if rows:
            # a type 19 or 21 is in both tables: their fields add up, provenance is the same
            for k, v in rows[0].items():
                if k in row and row[k] is not None and v is not None and k not in ("epfd",):
                    assert row[k] == v, (k, row[k], v)
                if v is not None or k not in row:
                    row[k] = v
    assert row, "nothing decoded"
    return row


# ------------------------------------------------------------------ tests

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_lines(lines: list[str]) -> None:
    for line in lines:
        assert line.endswith("\n")
        body = line.rstrip("\n")
        if body.startswith("\\"):
            _, tag, body = body.split("\\")
            content, cs = tag.rsplit("*", 1)
            assert int(cs, 16) == nmea_checksum(content)
        assert len(body) + 2 <= 82, body
        content, cs = body[1:].rsplit("*", 1)
        assert int(cs, 16) == nmea_checksum(content)


@pytest.mark.parametrize("msg_type", SUPPORTED_TYPES)
@SETTINGS
@given(data=st.data())
def test_pyais_reads_what_was_written(msg_type: int, data: st.DataObject) -> None:
    fields = data.draw(STRATEGIES[msg_type])
    env = data.draw(ENVELOPE)
    lines = AisEncoder(groups=data.draw(st.booleans())).sentences(msg_type, **env, **fields)
    _check_lines(lines)
    assert len(lines) == (2 if msg_type == 5 else 1)
    _check_pyais(msg_type, fields, _pyais_decode(lines))


@pytest.mark.parametrize("msg_type", SUPPORTED_TYPES)
@SETTINGS
@given(data=st.data())
def test_shadowtrace_reads_what_was_written(msg_type: int, data: st.DataObject) -> None:
    _shadowtrace_decoder()
    fields = data.draw(STRATEGIES[msg_type])
    env = data.draw(ENVELOPE)
    lines = AisEncoder(groups=data.draw(st.booleans())).sentences(msg_type, **env, **fields)
    tables, stats = _shadowtrace_decode(lines)
    row = _one_row(tables)
    assert row["source_id"] == 7
    assert (row["line"], row["line_last"]) == (1, len(lines))
    assert stats.balanced and stats.lines_decoded == len(lines)
    _check_shadowtrace(msg_type, fields, env, row)


def _columns(rows: list[Fields]) -> dict[str, list[Any]]:
    names = sorted({k for r in rows for k in r})
    return {k: [r.get(k) for r in rows] for k in names}


@pytest.mark.parametrize("msg_type", SUPPORTED_TYPES)
@SETTINGS
@given(data=st.data())
def test_column_path_writes_what_the_message_path_writes(msg_type: int, data: st.DataObject) -> None:
    rows = data.draw(st.lists(STRATEGIES[msg_type], min_size=1, max_size=12))
    envs = data.draw(st.lists(ENVELOPE, min_size=len(rows), max_size=len(rows)))
    groups = data.draw(st.booleans())
    unit = data.draw(st.sampled_from(["s", "ms"]))
    eol = data.draw(st.sampled_from(["\n", "\r\n"]))
    seq = data.draw(st.integers(0, 9))
    one = AisEncoder(groups=groups, ts_unit=unit, eol=eol, seq=seq, group=seq + 1)
    expected = "".join(
        line for f, e in zip(rows, envs, strict=True) for line in one.sentences(msg_type, **e, **f)
    )
    bulk = AisEncoder(groups=groups, ts_unit=unit, eol=eol, seq=seq, group=seq + 1)
    block = bulk.columns(
        msg_type,
        _columns(rows),
        ts=[e["ts"] for e in envs],
        station=[e["station"] for e in envs],
        channel=[e["channel"] for e in envs],
    )
    assert block.data.decode() == expected
    assert (bulk.seq, bulk.group) == (one.seq, one.group)
    assert len(block) == expected.count("\n")
    assert block.messages == len(rows)


def test_multipart_ids_cycle_and_groups_count() -> None:
    enc = AisEncoder(groups=True, ts_unit="ms", seq=8, group=41)
    lines = [ln for _ in range(3) for ln in enc.sentences(5, ts=1_700_000_000_123, station="X", mmsi=1)]
    assert [ln.split("!AIVDM,")[1][:6] for ln in lines] == [
        "2,1,8,",
        "2,2,8,",
        "2,1,9,",
        "2,2,9,",
        "2,1,0,",
        "2,2,0,",
    ]
    assert [ln.split(",")[0] for ln in lines][:2] == ["\\g:1-2-41", "\\g:2-2-41"]
    assert all(",c:1700000000123*" in ln for ln in lines)
    assert (enc.seq, enc.group) == (1, 44)
    _check_lines(lines)


def test_the_vector_path_accepts_numpy_columns_and_categoricals() -> None:
    import numpy as np

    n = 5
    enc = AisEncoder()
    block = enc.columns(
        1,
        {
            "mmsi": np.arange(n) + 273_000_000,
            "lat": np.array([43.1, np.nan, 43.2, 43.3, 43.4]),
            "lon": np.full(n, 131.9),
            "sog_kn": np.linspace(0, 40, n),
            "heading_deg": np.array([1, 2, 3, 4, 5], dtype=np.int16),
        },
        ts=np.datetime64("2024-03-15T21:00:00", "ms") + np.arange(n) * np.timedelta64(10, "s"),
        station=Categorical(["VVO1", "NKH1"], np.array([0, 1, 0, 1, 0])),
        channel=Categorical(["A", "B"], np.array([0, 0, 1, 1, 0])),
    )
    got = [_pyais_fields(pyais.decode(line.rstrip())) for line in block.lines()]
    assert [g["mmsi"] for g in got] == list(range(273_000_000, 273_000_005))
    assert got[1]["lat"] == 91.0
    assert got[4]["sog_kn"] == 40.0
    assert [line.split(b",")[0] for line in block.lines()][:2] == [b"\\s:VVO1", b"\\s:NKH1"]
    assert block.keys.tolist()[1] - block.keys.tolist()[0] == 10_000


@pytest.mark.parametrize(
    ("msg_type", "fields", "message"),
    [
        (1, {"mmsi": 1, "lat": 95.0}, "lat"),
        (1, {"mmsi": 1 << 30}, "mmsi"),
        (1, {"mmsi": 1, "cog_deg": 361.0}, "cog_deg"),
        (1, {"mmsi": 1, "shipname": "X"}, "shipname"),
        (5, {"mmsi": 1, "shipname": "ÅLAND"}, "shipname"),
        (5, {"mmsi": 1, "callsign": "ab|c"}, "callsign"),
        (6, {"mmsi": 1}, "type 6"),
        (24, {"mmsi": 1, "part_num": 2}, "part_num"),
    ],
)
def test_values_that_do_not_fit_are_refused(msg_type: int, fields: Fields, message: str) -> None:
    from shadowtrace.errors import InputError

    with pytest.raises(InputError, match=message):
        AisEncoder().sentences(msg_type, **fields)
    if msg_type != 6:
        with pytest.raises(InputError, match=message):
            AisEncoder().columns(msg_type, {k: [v] for k, v in fields.items()})


def test_saturating_fields_write_their_top_code() -> None:
    lines = AisEncoder().sentences(5, mmsi=1, draught_m=30.0, to_bow_m=600, to_port_m=70)
    got = _pyais_decode(lines)
    assert (got["draught_m"], got["to_bow_m"], got["to_port_m"]) == (25.5, 511, 63)
    got = _pyais_decode(AisEncoder().sentences(1, mmsi=1, sog_kn=150.0, turn=2000.0))
    assert (got["sog_kn"], got["turn"]) == (102.2, float(to_turn(126)))


def test_single_sentences_stay_within_82_characters() -> None:
    longest = AisEncoder().sentences(21, mmsi=1, shipname="X" * 34)
    assert len(longest) == 1
    payload = longest[0].split(",")[5]
    assert len(payload) == 60 <= MAX_SINGLE_PAYLOAD
    _check_lines(longest)
