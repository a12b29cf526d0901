"""The evidence data layer: raw lines back from plain, gzipped and zipped sources (multipart messages
whole), files gone or changed, and the dossier of an IMO broadcast under two MMSIs."""

from __future__ import annotations

import datetime as dt
import gzip
import zipfile
from pathlib import Path

import pytest

from shadowtrace.errors import InputError
from shadowtrace.pipeline.ingest import ingest
from shadowtrace.sim.encode import AisEncoder
from shadowtrace.store.store import Store
from shadowtrace.views.dossier import load_dossier, top_vessels, vessel_of_event
from shadowtrace.views.evidence import resolve_evidence

T0 = dt.datetime(2017, 10, 1, tzinfo=dt.UTC)
IMO = 9074729  # a valid check digit


def _log(mmsi: int, name: str, *, imo: int = IMO, fixes: int = 6, start_min: int = 0) -> list[str]:
    """A short log: a position, a static report (two lines), more positions heading east."""
    enc = AisEncoder()
    lines: list[str] = []
    for i in range(fixes):
        ts = T0 + dt.timedelta(minutes=start_min + 10 * i)
        lines += enc.sentences(1, ts=ts, station="TEST", mmsi=mmsi, lat=42.9, lon=131.5 + 0.02 * i, sog_kn=10.0)
        if i == 1:
            lines += enc.sentences(5, ts=ts, station="TEST", mmsi=mmsi, imo=imo, shipname=name, callsign="UBCD",
                                   destination="BUSAN", ship_type=80, draught_m=7.5)
    return lines


def _lines_of(text: str) -> list[str]:
    return text.splitlines()


@pytest.fixture()
def sources(tmp_path: Path) -> tuple[Store, dict[str, tuple[int, list[str]]]]:
    """A store of three sources holding the same kind of log: plain, gzipped, and a zip member."""
    logs = {
        "plain": "".join(_log(273000001, "PLAIN ONE")),
        "gzip": "".join(_log(273000002, "GZIP TWO")),
        "zip": "".join(_log(273000003, "ZIP THREE")),
    }
    (tmp_path / "plain.nmea").write_text(logs["plain"])
    (tmp_path / "packed.nmea.gz").write_bytes(gzip.compress(logs["gzip"].encode()))
    with zipfile.ZipFile(tmp_path / "archive.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner/day.nmea", logs["zip"])
    store = Store(tmp_path / "data")
    ingest(store, [str(tmp_path / "plain.nmea"), str(tmp_path / "packed.nmea.gz"), str(tmp_path / "archive.zip")])
    ids = {s.path.removeprefix(str(tmp_path) + "/"): s.source_id for s in store.sources()}
    return store, {
        "plain": (ids["plain.nmea"], _lines_of(logs["plain"])),
        "gzip": (ids["packed.nmea.gz"], _lines_of(logs["gzip"])),
        "zip": (ids["archive.zip!inner/day.nmea"], _lines_of(logs["zip"])),
    }


@pytest.mark.parametrize("kind", ["plain", "gzip", "zip"])
def test_raw_lines_and_decoded_values_come_back(
    sources: tuple[Store, dict[str, tuple[int, list[str]]]], kind: str
) -> None:
    store, by_kind = sources
    sid, lines = by_kind[kind]
    # line 1: a position; lines 3-4: the two parts of the static report; line 5: a position
    rows = resolve_evidence(store, [(sid, 5, "after"), (sid, 3, "static"), (sid, 1, "first")])
    assert [r.role for r in rows] == ["after", "static", "first"]
    after, static, first = rows
    assert first.raw == lines[0] and first.table == "positions" and first.line_last == 1
    assert first.decoded["lat"] == pytest.approx(42.9) and "source_id" not in first.decoded
    assert static.raw == "\n".join(lines[2:4]), "a multipart message shows all its lines"
    assert static.line_last == 4 and static.table == "statics"
    assert static.decoded["imo"] == IMO and static.decoded["destination"] == "BUSAN"
    assert after.raw == lines[4] and after.note is None
    assert all(r.source_path and r.source_id == sid for r in rows)


def test_many_lines_of_many_sources_in_one_call(sources: tuple[Store, dict[str, tuple[int, list[str]]]]) -> None:
    store, by_kind = sources
    refs = [(sid, n, "r") for sid, lines in by_kind.values() for n in range(len(lines), 0, -1)]
    rows = resolve_evidence(store, refs)
    for (sid, n, _), row in zip(refs, rows, strict=True):
        lines = next(lines for s, lines in by_kind.values() if s == sid)
        assert row.raw is not None and row.raw.split("\n")[0] == lines[n - 1]


def test_a_file_gone_or_changed_gives_a_note_not_an_error(
    sources: tuple[Store, dict[str, tuple[int, list[str]]]], tmp_path: Path
) -> None:
    store, by_kind = sources
    (tmp_path / "plain.nmea").unlink()
    with (tmp_path / "packed.nmea.gz").open("ab") as fh:
        fh.write(b"\n")
    gone, changed, fine = resolve_evidence(
        store, [(by_kind["plain"][0], 1, "a"), (by_kind["gzip"][0], 1, "b"), (by_kind["zip"][0], 1, "c")]
    )
    assert gone.raw is None and gone.note and "no longer there" in gone.note
    assert gone.decoded["mmsi"] == 273000001, "the stored values are still shown"
    assert changed.raw is None and changed.note and "changed since it was ingested" in changed.note
    assert fine.raw is not None and fine.note is None


def test_unknown_sources_and_lines_past_the_end(sources: tuple[Store, dict[str, tuple[int, list[str]]]]) -> None:
    store, by_kind = sources
    unknown, past = resolve_evidence(store, [(999, 1, "x"), (by_kind["plain"][0], 10_000, "y")])
    assert unknown.source_path is None and unknown.raw is None and unknown.note and "not in the catalog" in unknown.note
    assert past.raw is None and past.decoded == {} and past.note and "past the end" in past.note
    assert resolve_evidence(store, []) == []


def test_dossier_of_an_imo_gathers_its_mmsis(tmp_path: Path) -> None:
    (tmp_path / "a.nmea").write_text("".join(_log(273000011, "FIRST NAME")))
    (tmp_path / "b.nmea").write_text("".join(_log(538000022, "SECOND NAME", start_min=120)))
    (tmp_path / "other.nmea").write_text("".join(_log(273000033, "SOMEONE ELSE", imo=9301235)))
    store = Store(tmp_path / "data")
    ingest(store, [str(tmp_path / "a.nmea"), str(tmp_path / "b.nmea"), str(tmp_path / "other.nmea")])

    d = load_dossier(store, f"IMO {IMO}")
    assert d.vessel == f"imo:{IMO}" and d.imo == IMO and d.number == str(IMO)
    assert d.mmsis == (273000011, 538000022)
    assert d.name == "SECOND NAME" and d.callsign == "UBCD" and d.flag == "MH"
    names = [(r.value, r.mmsis) for r in d.identities if r.field == "shipname"]
    assert names == [("FIRST NAME", (273000011,)), ("SECOND NAME", (538000022,))]
    assert {r.value for r in d.identities if r.field == "flag"} == {"RU", "MH"}
    assert d.track.points_total == 12 and d.track.points_drawn == 12
    assert {s.mmsi for s in d.track.segments} == {273000011, 538000022}
    assert d.events == () and d.risk is None

    one = load_dossier(store, "273000011")
    assert one.mmsis == (273000011,) and one.imo == IMO and one.vessel == "mmsi:273000011"
    thin = load_dossier(store, str(IMO), max_track_points=4)
    assert thin.track.points_drawn < thin.track.points_total == 12
    firsts = {s.segment: s.start for s in thin.track.segments}
    assert all(thin.track.ts[thin.track.segment.index(k)] == t for k, t in firsts.items()), "segment starts kept"

    with pytest.raises(InputError, match="no reports"):
        load_dossier(store, "9301234" if IMO != 9301234 else "9074729")
    with pytest.raises(InputError, match="MMSI"):
        load_dossier(store, "12")
    with pytest.raises(InputError, match="no such event"):
        vessel_of_event(store, "0123456789abcdef")
    with pytest.raises(InputError):
        top_vessels(store, 0)
