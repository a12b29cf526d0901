"""`shadowtrace ingest` and `shadowtrace sql` end to end, through the CLI."""

from __future__ import annotations

import bz2
import gzip
import json
import zipfile
from functools import reduce
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shadowtrace.cli.main import cli


def nmea(body: str, tag: str | None = None) -> str:
    """A sentence with its checksum, optionally behind a tag block."""
    line = f"!{body}*{reduce(lambda a, c: a ^ ord(c), body, 0):02X}"
    if tag is not None:
        line = f"\\{tag}*{reduce(lambda a, c: a ^ ord(c), tag, 0):02X}\\" + line
    return line


TYPE1 = "AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0"
TYPE5_1 = "AIVDM,2,1,3,A,56=nR7D00003A<I@E=@TmDh637OS60mA:222220N1@6427?P00888888,0"
TYPE5_2 = "AIVDM,2,2,3,A,888888888888880,2"
GOOD = "\n".join(
    [
        nmea(TYPE1, "s:r1,c:1635731889"),
        nmea(TYPE5_1, "g:1-2-7,s:r1,c:1635731890"),
        nmea(TYPE5_2, "g:2-2-7"),
        nmea(TYPE1),  # untimed
    ]
) + "\n"
BAD_CHECKSUM = "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*24"


def run(data: Path, *args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--data", str(data), *args], input=input, catch_exceptions=False)


def count(data: Path, table: str) -> int:
    result = run(data, "sql", "--format", "json", f"SELECT count(*) AS n FROM {table}")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.output)[0]["n"])


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "good.nmea"
    path.parent.mkdir()
    path.write_text(GOOD)
    return path


def test_ingest_reports_and_stores_every_line(tmp_path: Path, log: Path) -> None:
    data = tmp_path / "data"
    result = run(data, "ingest", "--format", "json", str(log))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    total = summary["total"]
    assert total["lines_read"] == 4
    assert total["lines_read"] == total["lines_decoded"] + total["lines_rejected"] + total["lines_ignored"]
    assert total["rows_by_type"] == {"1": 2, "5": 1}
    assert total["untimed_rows"] == 1
    assert count(data, "positions") == 2
    assert count(data, "statics") == 1
    row = json.loads(run(data, "sql", "--format", "json",
                         "SELECT line, line_last, ts FROM statics").output)[0]
    assert (row["line"], row["line_last"]) == (2, 3)
    assert row["ts"].startswith("2021-11-01 01:58:10")


def test_same_bytes_twice_add_nothing_in_any_wrapping(tmp_path: Path, log: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "ingest", str(log)).exit_code == 0
    gz = tmp_path / "good.nmea.gz"
    gz.write_bytes(gzip.compress(log.read_bytes()))
    zipped = tmp_path / "good.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.write(log, "inner/good.nmea")
    for again in (str(log), str(gz), str(zipped)):
        result = run(data, "ingest", again)
        assert result.exit_code == 0, result.output
        assert "already ingested as source 1" in result.output
    result = run(data, "ingest", "-", input=log.read_bytes())
    assert "already ingested as source 1" in result.output
    assert count(data, "positions") == 2
    assert count(data, "sources") == 1


def test_folders_archives_and_stdin(tmp_path: Path, log: Path) -> None:
    data = tmp_path / "data"
    other = GOOD.replace("13HOI:0P0000VOHLCnHQKwvL05Ip", "133sVfPP00PD>hRMDH@jNOvN20S8")
    other = "\n".join(nmea(ln[1:ln.index("*")]) if ln.startswith("!") else ln for ln in other.splitlines())
    (log.parent / "more.nmea.bz2").write_bytes(bz2.compress(other.encode()))
    (log.parent / ".hidden.nmea").write_text(GOOD + "x")
    result = run(data, "ingest", str(log.parent))
    assert result.exit_code == 0, result.output
    assert count(data, "sources") == 2
    result = run(data, "ingest", "-", input=(GOOD + nmea(TYPE1) + "\n").encode())
    assert result.exit_code == 0, result.output
    assert count(data, "sources") == 3
    paths = json.loads(run(data, "sql", "--format", "json", "SELECT path FROM sources ORDER BY 1").output)
    assert [p["path"] for p in paths][-1] == "<stdin>"


def test_strict_stops_at_first_bad_line_and_stores_nothing(tmp_path: Path, log: Path) -> None:
    data = tmp_path / "data"
    bad = log.parent / "bad.nmea"
    bad.write_text(GOOD + BAD_CHECKSUM + "\n" + "garbage\n")
    result = CliRunner().invoke(cli, ["--data", str(data), "ingest", "--strict", str(log), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:5: checksum" in result.output
    assert count(data, "sources") == 0
    assert count(data, "positions") == 0


def test_bad_lines_are_counted_rejects_and_good_lines_land(tmp_path: Path, log: Path) -> None:
    data = tmp_path / "data"
    bad = log.parent / "bad.nmea"
    bad.write_bytes(GOOD.encode() + BAD_CHECKSUM.encode() + b"\n\xff\xfe\x00garbage\n")
    result = run(data, "ingest", str(bad))
    assert result.exit_code == 0
    assert "rejects by cause:" in result.output
    rejects = json.loads(run(data, "sql", "--format", "json",
                             "SELECT line, cause FROM rejects ORDER BY line").output)
    assert rejects == [{"line": 5, "cause": "checksum"}, {"line": 6, "cause": "non_ascii"}]
    assert count(data, "positions") == 2


def test_interrupted_ingest_leaves_store_unchanged(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    assert run(data, "ingest", str(log)).exit_code == 0
    before = sorted(data.rglob("*.parquet"))
    import shadowtrace.pipeline.ingest as pipeline

    real = pipeline.decode_nmea

    def interrupted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        yield from real(*args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "decode_nmea", interrupted)
    second = log.parent / "second.nmea"
    second.write_text(GOOD + nmea(TYPE1) + "\n")
    result = CliRunner().invoke(cli, ["--data", str(data), "ingest", str(second)])
    assert result.exit_code == 130
    assert "store is unchanged" in result.output
    assert count(data, "sources") == 1
    assert count(data, "positions") == 2
    assert sorted(data.rglob("*.parquet")) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["ingest", "no/such/file.nmea"], "no such file or folder", id="missing-path"),
        pytest.param(["sql", "DROP VIEW positions"], "only queries are allowed", id="sql-write"),
        pytest.param(["sql", "SELECT 1"], "ingest something first", id="sql-no-store"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    data = tmp_path / "data"
    if args[0] == "sql" and "DROP" in args[1]:
        (tmp_path / "x.nmea").write_text(GOOD)
        run(data, "ingest", str(tmp_path / "x.nmea"))
    result = CliRunner().invoke(cli, ["--data", str(data), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
