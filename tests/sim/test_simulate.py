"""The fleet simulator: realistic traffic, and a truth.json that agrees with the NMEA it wrote."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from shadowtrace.cli.main import cli
from shadowtrace.errors import InputError
from shadowtrace.geo.land import is_land
from shadowtrace.geo.sphere import haversine_m
from shadowtrace.ingest.ais.nmea import decode_nmea
from shadowtrace.ingest.lines import line_chunks
from shadowtrace.ingest.stats import IngestStats
from shadowtrace.sim.run import simulate
from shadowtrace.sim.scenario import VESSEL_TYPES, load_scenario

VESSELS, DAYS, SEED = 40, 7, 5


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("sim") / "out"
    summary = simulate("sea-of-japan", out, vessels=VESSELS, days=DAYS, seed=SEED, csv=True)
    positions, statics, stats = [], [], IngestStats()
    for path in sorted((out / "ais").glob("*.nmea")):
        with path.open("rb") as f:
            for tables in decode_nmea(line_chunks(f), 1, stats):
                if "positions" in tables:
                    positions.append(pl.from_arrow(tables["positions"]))
                if "statics" in tables:
                    statics.append(pl.from_arrow(tables["statics"]))
                assert "rejects" not in tables
    truth = json.loads((out / "truth.json").read_text())
    pos = pl.concat(positions).sort("ts")
    return {
        "out": out,
        "summary": summary,
        "pos": pos,
        "statics": pl.concat(statics),
        "truth": truth,
        "stats": stats,
        "types": {v["mmsi"]: v["type"] for v in truth["vessels"]},
    }


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _vessel_positions(run: dict[str, Any], mmsi: int) -> pl.DataFrame:
    return run["pos"].filter(pl.col("mmsi") == mmsi)


def test_every_act_kind_is_staged_even_in_a_small_run(run: dict[str, Any]) -> None:
    kinds = {(a["kind"], a["variant"]) for a in run["truth"]["acts"]}
    for kind, variants in (
        ("declared_elsewhere", ("both_lie", "clearance_lies", "ais_lies")),
        ("sts_transfer", ("both_visible", "receiver_dark")),
    ):
        for v in variants:
            assert (kind, v) in kinds
    for kind in (
        "dark_delivery",
        "identity_change",
        "shared_mmsi",
        "position_jump",
        "late_destination_update",
        "announced_diversion",
        "open_sea_gap",
        "pilot_alongside",
        "bunker_alongside",
    ):
        assert kind in {k for k, _ in kinds}, kind
    for a in run["truth"]["acts"]:
        assert (a["expect"] == []) == a["look_alike"], a["id"]


@pytest.mark.parametrize("vtype", ["tanker", "bulker", "container", "general_cargo"])
def test_speed_at_sea_is_in_the_type_range(run: dict[str, Any], vtype: str) -> None:
    lo, hi = VESSEL_TYPES[vtype].speed_kn
    # ordinary traders (act helpers sail at harbour speeds), away from harbour approaches
    mmsis = [v["mmsi"] for v in run["truth"]["vessels"] if v["type"] == vtype and not v["role"]]
    sea = run["pos"].filter(pl.col("mmsi").is_in(mmsis) & (pl.col("nav_status") == 0))
    berths = np.array([(c["berth"]["lat"], c["berth"]["lon"]) for c in run["truth"]["port_calls"]])
    lat, lon = sea["lat"].to_numpy(), sea["lon"].to_numpy()
    far = np.array(
        [haversine_m(a, b, berths[:, 0], berths[:, 1]).min() > 20_000 for a, b in zip(lat, lon, strict=True)]
    )
    sea = sea.filter(pl.Series(far))
    per = sea.group_by("mmsi").agg(pl.col("sog_kn").median(), pl.len()).filter(pl.col("len") >= 15)
    if per.height < 2:
        pytest.skip(f"too few {vtype} reports at sea in this run")
    med = per["sog_kn"].to_numpy()
    assert np.all(med >= lo * 0.9) and np.all(med <= hi * 1.1), (vtype, med)


def test_reporting_intervals_follow_the_thinned_rates(run: dict[str, Any]) -> None:
    rec = run["truth"]["receivers"]
    moving_lo, moving_hi = rec["moving_interval_s"]
    still_lo, still_hi = rec["stationary_interval_s"]
    shore = run["pos"].filter((pl.col("station") != "SAT") & pl.col("msg_type").is_in([1, 3]))
    d = (
        shore.sort("mmsi", "ts")
        .with_columns(
            (pl.col("ts").diff().over("mmsi").dt.total_seconds()).alias("dt"),
            pl.col("nav_status").shift().over("mmsi").alias("prev"),
        )
        .filter(pl.col("dt").is_not_null() & (pl.col("prev") == pl.col("nav_status")))
    )
    moving = d.filter(pl.col("nav_status") == 0).group_by("mmsi").agg(pl.col("dt").median(), pl.len())
    moored = d.filter(pl.col("nav_status") == 5).group_by("mmsi").agg(pl.col("dt").median(), pl.len())
    moving, moored = (
        moving.filter(pl.col("len") >= 10)["dt"].to_numpy(),
        moored.filter(pl.col("len") >= 10)["dt"].to_numpy(),
    )
    assert moving.size >= 5 and moored.size >= 5
    assert np.all(moving >= moving_lo - 5) and np.all(moving <= moving_hi * 1.5)
    assert np.all(moored >= still_lo - 5) and np.all(moored <= still_hi * 1.5)
    assert np.median(moored) > 2 * np.median(moving)


@pytest.mark.parametrize(
    ("style", "pattern"),
    [
        ("locode with a space", r"^[A-Z]{2} [A-Z]{3}$"),
        ("locode", r"^[A-Z]{5}$"),
        ("route", r"^[A-Z]{2} [A-Z]{3}>[A-Z]{2} [A-Z]{3}$"),
        ("port and country", r"^[A-Z. -]+ (CHINA|KOREA|JAPAN|RUSSIA|DPRK)$"),
        ("for orders", r"^FOR ORDERS$"),
        ("name or misspelling", r"^(VLADIVOSTOCK|NAHODKA|VOSTOCHNIY|BUSAN|PUSAN|DALIEN|TSINGTAO|NINGPO|[A-Z]+ PORT)$"),
    ],
)
def test_every_destination_style_is_written(run: dict[str, Any], style: str, pattern: str) -> None:
    dests = run["statics"].filter(pl.col("msg_type") == 5)["destination"]
    assert dests.str.contains(pattern).any(), style


def test_blank_destinations_are_written_too(run: dict[str, Any]) -> None:
    assert run["statics"].filter(pl.col("msg_type") == 5)["destination"].is_null().any()


def test_coverage_holes_are_silent_to_shore_stations(run: dict[str, Any]) -> None:
    spoofed = [e for a in run["truth"]["acts"] for e in a["expect"] if e["kind"] == "POSITION_JUMP"]
    pos = run["pos"]
    for e in spoofed:  # a spoofed fix is heard where the vessel really is
        pos = pos.filter(~((pl.col("mmsi") == e["mmsi"]) & pl.col("ts").is_between(_ts(e["start"]), _ts(e["end"]))))
    m = 0.001  # GPS noise at the edge
    for hole in run["truth"]["receivers"]["holes"]:
        a, b, c, d = hole["bbox"]
        a, b, c, d = a + m, b + m, c - m, d - m
        inside = pos.filter(
            pl.col("lat").is_between(a, c) & pl.col("lon").is_between(b, d) & pl.col("msg_type").is_in([1, 3, 18])
        )
        assert (inside["station"] == "SAT").all(), hole["name"]
    causes = {g["cause"] for g in run["truth"]["gaps"]}
    assert "deliberate_silence" in causes and "receiver_hole" in causes


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    a = simulate("sea-of-japan", tmp_path / "a", vessels=25, days=3, seed=11)
    simulate("sea-of-japan", tmp_path / "b", vessels=25, days=3, seed=11)
    simulate("sea-of-japan", tmp_path / "c", vessels=25, days=3, seed=12)
    for name in a.files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "truth.json").read_bytes() != (tmp_path / "c" / "truth.json").read_bytes()


def test_labelled_port_calls_are_visible(run: dict[str, Any]) -> None:
    pos = run["pos"]
    checked = 0
    for call in run["truth"]["port_calls"]:
        if call["dark"] or not call["arrival"] or not call["departure"]:
            continue
        a, b = _ts(call["arrival"]), _ts(call["departure"])
        if (b - a).total_seconds() < 12 * 3600:
            continue
        p = pos.filter((pl.col("mmsi") == call["mmsi"]) & pl.col("ts").is_between(a, b) & (pl.col("sog_kn") < 1.0))
        if p.height == 0:
            continue  # silent the whole stay (another vessel shares nothing with it): counted below
        spots = [call["berth"]] + ([call["anchorage"]] if call["anchorage"] else [])
        dist = np.min(
            [haversine_m(p["lat"].to_numpy(), p["lon"].to_numpy(), s["lat"], s["lon"]) for s in spots], axis=0
        )
        assert np.median(dist) < 3000, call
        checked += 1
    assert checked >= 20


def test_dark_windows_are_real_silences(run: dict[str, Any]) -> None:
    n = 0
    for act in run["truth"]["acts"]:
        for e in act["expect"]:
            if e["kind"] == "AIS_GAP" and not e.get("optional"):
                p = _vessel_positions(run, e["mmsi"])
                inside = p.filter(pl.col("ts").is_between(_ts(e["dark_start"]), _ts(e["dark_end"]), closed="none"))
                assert inside.height == 0, act["id"]
                assert p.filter(pl.col("ts") < _ts(e["dark_start"])).height > 0
                assert p.filter(pl.col("ts") > _ts(e["dark_end"])).height > 0
                n += 1
    assert n >= 2


def test_dark_delivery_comes_back_lighter(run: dict[str, Any]) -> None:
    for act in run["truth"]["acts"]:
        e = next((x for x in act["expect"] if x["kind"] == "DRAUGHT_CHANGE_DARK" and not x.get("optional")), None)
        if e is None:
            continue
        s = run["statics"].filter((pl.col("mmsi") == e["mmsi"]) & (pl.col("msg_type") == 5)).sort("ts")
        before = s.filter(pl.col("ts") < _ts(e["dark_start"]))["draught_m"]
        after = s.filter(pl.col("ts") > _ts(e["dark_end"]))["draught_m"]
        if before.len() and after.len():
            assert before[-1] == pytest.approx(e["draught_before_m"], abs=0.06)
            assert after[0] == pytest.approx(e["draught_after_m"], abs=0.06)
            assert before[-1] != after[0]


def test_sts_pair_is_alongside_for_hours(run: dict[str, Any]) -> None:
    act = next(a for a in run["truth"]["acts"] if a["kind"] == "sts_transfer" and a["variant"] == "both_visible")
    enc = next(e for e in act["expect"] if e["kind"] == "ENCOUNTER")
    a, b = _ts(enc["start"]), _ts(enc["end"])
    assert (b - a).total_seconds() >= 4 * 3600
    g, r = (_vessel_positions(run, m).filter(pl.col("ts").is_between(a, b)) for m in (enc["mmsi"], enc["other_mmsi"]))
    assert g.height >= 3 and r.height >= 3
    assert (g["sog_kn"] < 1.0).all() and (r["sog_kn"] < 1.0).all()
    # the nearest report of the other vessel, within 10 minutes
    joined = (
        g.sort("ts")
        .join_asof(
            r.sort("ts").rename({"lat": "rlat", "lon": "rlon", "ts": "rts"}),
            left_on="ts",
            right_on="rts",
            strategy="nearest",
            tolerance="10m",
        )
        .drop_nulls("rlat")
    )
    d = haversine_m(
        joined["lat"].to_numpy(), joined["lon"].to_numpy(), joined["rlat"].to_numpy(), joined["rlon"].to_numpy()
    )
    assert d.size and np.all(d < 300)


def test_position_jump_is_there(run: dict[str, Any]) -> None:
    act = next(a for a in run["truth"]["acts"] if a["kind"] == "position_jump")
    e = act["expect"][0]
    p = _vessel_positions(run, e["mmsi"]).filter(pl.col("ts").is_between(_ts(e["start"]), _ts(e["end"])))
    assert p.height >= 1
    d = haversine_m(p["lat"].to_numpy(), p["lon"].to_numpy(), e["spoofed_lat"], e["spoofed_lon"])
    assert np.all(d < 2000) and e["distance_km"] >= 200


def test_identity_change_and_shared_mmsi_show_in_the_statics(run: dict[str, Any]) -> None:
    st = run["statics"].filter(pl.col("msg_type") == 5)
    act = next(a for a in run["truth"]["acts"] if a["kind"] == "identity_change")
    e = act["expect"][0]
    names = st.filter(pl.col("imo") == e["imo"]).select("mmsi", "shipname").unique()
    assert {e["old"]["mmsi"], e["new"]["mmsi"]} <= set(names["mmsi"].to_list())
    act = next(a for a in run["truth"]["acts"] if a["kind"] == "shared_mmsi")
    e = act["expect"][0]
    a, b = _ts(e["start"]), _ts(e["end"])
    p = _vessel_positions(run, e["mmsi"]).filter(pl.col("ts").is_between(a, b))
    lat, lon = p["lat"].to_numpy(), p["lon"].to_numpy()
    assert p.height >= 2
    # two vessels, one MMSI: positions far apart within the window
    near = [haversine_m(lat, lon, pl_[0], pl_[1]) < 150_000 for pl_ in e["places"]]
    if act["facts"]["distance_km"] > 300:
        assert near[0].any() and near[1].any()


def test_no_moving_vessel_on_land(run: dict[str, Any]) -> None:
    pos = run["pos"].filter(pl.col("msg_type").is_in([1, 3, 18]) & (pl.col("sog_kn") > 1.0))
    lat, lon = pos["lat"].to_numpy(), pos["lon"].to_numpy()
    land = is_land(lat, lon)
    if land.any():
        berths = [(c["berth"]["lat"], c["berth"]["lon"]) for c in run["truth"]["port_calls"]]
        bl, bo = np.array(berths).T
        for la, lo in zip(lat[land], lon[land], strict=True):
            assert haversine_m(la, lo, bl, bo).min() < 3000, (la, lo)


def test_declarations_hold_the_lies(run: dict[str, Any]) -> None:
    decl = pl.read_csv(run["out"] / "declarations.csv")
    assert decl.columns == [
        "declaration_id",
        "mmsi",
        "imo",
        "vessel_name",
        "flag",
        "port_locode",
        "port_name",
        "departure_time",
        "declared_next_port_locode",
        "declared_next_port_name",
        "cargo",
    ]
    for act in run["truth"]["acts"]:
        for e in act["expect"]:
            if e["kind"] == "DECLARATION_MISMATCH":
                row = decl.filter(pl.col("declaration_id") == e["declaration"])
                assert row.height == 1
                assert row["declared_next_port_locode"][0] == e["declared_port"] != e["actual_port"]


MINIMAL = """
name = "tiny"
start = 2020-01-01T00:00:00Z
bbox = [53.0, 9.0, 61.0, 31.0]
[[ports]]
locode = "FIHEL"
roles = ["hub"]
[[ports]]
locode = "EETLL"
roles = ["hub"]
[[stations]]
name = "HEL"
lat = 60.1
lon = 24.9
[fleet]
container = 1.0
"""


@pytest.mark.parametrize(
    ("patch", "top", "message"),
    [
        ('colour = "red"', True, "unknown key 'colour' in the top level"),
        ("days = -3", True, "days = -3 is impossible"),
        ("listed = 1.5", True, "listed = 1.5 must be an integer"),
        ("[fleet.speed_kn]\ntanker = [10, 90]", False, "fleet.speed_kn.tanker = [10.0, 90.0] is impossible"),
        ("[reception]\nmoving_interval_s = [1, 60]", False, "reception.moving_interval_s"),
        ('[acts.declared_elsewhere]\nvariants = ["sometimes"]', False, "unknown variant 'sometimes'"),
        ('[[holes]]\nname = "x"\nbbox = [1, 2, 3]', False, "holes[0].bbox must hold 4 numbers"),
    ],
)
def test_bad_scenario_files_give_one_line_errors(tmp_path: Path, patch: str, top: bool, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(patch + "\n" + MINIMAL if top else MINIMAL + patch + "\n")
    load_scenario_ok = tmp_path / "ok.toml"
    load_scenario_ok.write_text(MINIMAL)
    assert load_scenario(load_scenario_ok).name == "tiny"
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_unknown_port_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(_builtin_text("baltic").replace('locode = "FIKTK"', 'locode = "ZZZZZ"'))
    with pytest.raises(InputError, match=r"ports\[\d+\]\.locode = 'ZZZZZ' is not in the gazetteer"):
        simulate(path, tmp_path / "out", vessels=5, days=1)


def _builtin_text(name: str) -> str:
    from importlib import resources

    return (resources.files("shadowtrace.sim") / "scenarios" / f"{name}.toml").read_text()


def test_cli_refuses_a_non_empty_folder_and_ingests_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    runner = CliRunner()
    r = runner.invoke(cli, ["simulate", "--out", str(out), "--vessels", "12", "--days", "2", "--csv"])
    assert r.exit_code == 1 and "not empty" in r.output and "--force" in r.output
    r = runner.invoke(
        cli,
        ["simulate", "--out", str(out), "--vessels", "12", "--days", "2", "--csv", "--force", "--scenario", "baltic"],
    )
    assert r.exit_code == 0, r.output
    assert "positions" in r.output and (out / "truth.json").exists()
    r = runner.invoke(
        cli, ["--data", str(tmp_path / "data"), "ingest", "--format", "json", str(out / "ais"), str(out / "csv")]
    )
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["total"]["lines_rejected"] == 0
    formats = {s["format"] for s in report["sources"]}
    assert formats == {"nmea", "dma"}
