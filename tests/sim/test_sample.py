"""The shipped sample log is exactly what build_sample() writes, and decodes as it says."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from pyais.stream import IterMessages

from shadowtrace.sim.encode import nmea_checksum
from shadowtrace.sim.sample import SAMPLE_PATH, build_sample, sample_manifest


def test_the_shipped_sample_is_build_sample_output_byte_for_byte() -> None:
    assert SAMPLE_PATH.read_bytes() == build_sample(), (
        "src/shadowtrace/samples/sample.nmea differs from build_sample(): "
        "regenerate it with `python -m shadowtrace.sim.sample`, never edit it by hand"
    )


def test_build_sample_is_deterministic() -> None:
    assert build_sample() == build_sample()


def _valid(line: str) -> bool:
    """Tag block and sentence checksums both match."""
    if line.startswith("#") or "*" not in line:
        return False
    body = line
    if line.startswith("\\"):
        _, tag, body = line.split("\\")
        content, cs = tag.rsplit("*", 1)
        if int(cs, 16) != nmea_checksum(content):
            return False
    if "*" not in body:
        return False
    content, cs = body[1:].rsplit("*", 1)
    return len(cs) == 2 and int(cs, 16) == nmea_checksum(content)


def test_the_sample_looks_like_a_receiver_log() -> None:
    lines = build_sample().decode("ascii").splitlines()
    manifest = sample_manifest()
    assert len(lines) == manifest["lines"]
    assert 1000 <= len(lines) <= 3000
    assert lines[0].startswith("# ")
    bad = [i + 1 for i, line in enumerate(lines[1:], 1) if not _valid(line)]
    assert bad == sorted(manifest["reject_lines"][c] for c in ("checksum", "truncated"))
    times = [int(line.split("c:")[1].split("*")[0]) for line in lines[1:]]
    assert times == sorted(times)
    assert (times[-1] - times[0]) / 3600 > 3.5
    stations = {line.split("s:")[1].split(",")[0] for line in lines[1:]}
    assert stations == set(manifest["stations"])
    for line in lines[1:]:
        sentence = line[line.index("!") :]
        assert len(sentence) + 2 <= 82


def test_pyais_reads_every_intact_message_of_the_sample() -> None:
    lines = [line.encode() for line in build_sample().decode().splitlines() if _valid(line)]
    decoded = [msg.decode() for msg in IterMessages(lines)]
    manifest = sample_manifest()
    assert dict(sorted(Counter(m.msg_type for m in decoded).items())) == manifest["messages_by_type"]
    assert {m.mmsi for m in decoded} == set(manifest["mmsis"])
    tanker = [m for m in decoded if m.msg_type == 5 and m.shipname == "ZARYA PRIMORYA"]
    assert tanker and {m.destination for m in tanker} == {"CN DLC"}
    aton = [m for m in decoded if m.msg_type == 21]
    assert {m.full_name for m in aton} == {"EAST BOSPHORUS ENTRANCE BUOY"}


def _decode_with_shadowtrace() -> tuple[dict[str, list[dict[str, Any]]], Any]:
    try:
        import shadowtrace.ingest.ais._nmea  # noqa: F401
        from shadowtrace.ingest.ais.nmea import decode_nmea
    except ImportError as exc:
        pytest.skip(
            "shadowtrace's NMEA decoder (the C extension shadowtrace.ingest.ais._nmea) is not built "
            f"here ({exc}); build it with `pip install -e .`"
        )
    from shadowtrace.ingest.lines import line_chunks
    from shadowtrace.ingest.stats import IngestStats

    stats = IngestStats()
    tables: dict[str, list[dict[str, Any]]] = {}
    with SAMPLE_PATH.open("rb") as f:
        for batch in decode_nmea(line_chunks(f, 4096), 3, stats):
            for name, table in batch.items():
                tables.setdefault(name, []).extend(table.to_pylist())
    return tables, stats


def test_shadowtrace_decodes_the_sample_with_the_expected_counts() -> None:
    tables, stats = _decode_with_shadowtrace()
    manifest = sample_manifest()
    assert stats.balanced
    assert stats.lines_read == manifest["lines"]
    assert stats.lines_decoded == manifest["lines_decoded"]
    assert stats.lines_rejected == sum(manifest["rejects"].values())
    assert dict(stats.ignored) == manifest["ignored"]
    assert dict(stats.rejects_by_cause) == manifest["rejects"]
    assert stats.untimed_rows == 0

    rejects = tables.get("rejects", [])
    assert {r["cause"]: r["line"] for r in rejects} == manifest["reject_lines"]
    positions, statics = tables.get("positions", []), tables.get("statics", [])
    assert len(positions) == manifest["positions"]
    assert len(statics) == manifest["statics"]
    assert not tables.get("other")
    by_type = Counter(r["msg_type"] for r in positions + statics if r["msg_type"] not in (19, 21))
    by_type.update(r["msg_type"] for r in positions if r["msg_type"] in (19, 21))
    assert dict(sorted(by_type.items())) == manifest["messages_by_type"]

    tanker = [r for r in statics if r["msg_type"] == 5 and r["mmsi"] == 273619450]
    assert {r["destination"] for r in tanker} == {"CN DLC"}
    assert {r["shipname"] for r in tanker} == {"ZARYA PRIMORYA"}
    assert all(r["draught_m"] == pytest.approx(14.1, abs=1e-4) for r in tanker)
    aton = {r["shipname"] for r in statics if r["msg_type"] == 21}
    assert aton == {"EAST BOSPHORUS ENTRANCE BUOY"}
    first = min(r["ts"] for r in positions)
    assert first >= datetime(2025, 2, 11, 22, 0, tzinfo=UTC)
    assert all(r["source_id"] == 3 for r in positions + statics)
