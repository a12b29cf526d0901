"""Decode speed and memory: shadowtrace against the other Python AIS decoders.

    python benchmarks/decode.py                   # 1,000,000 sentences, every peer that imports
    python benchmarks/decode.py --quick           # 100,000 sentences: a smoke run
    python benchmarks/decode.py --sentences 3000000 --peers pyais,aiscat
    python benchmarks/decode.py --memory          # shadowtrace alone on 1M and 10M lines: peak RSS

The corpus is written by shadowtrace's own encoder (shadowtrace.sim.encode) and
cached under benchmarks/.corpus/ (git-ignored): tag-blocked sentences
(``\\s:station,c:seconds*hh\\``, with ``g:`` groups on multipart messages) over
one simulated day per million sentences, in a realistic mix: about 70 % types
1/2/3, 8 % type 5 (two sentences each), 8 % type 18, 6 % type 24 A/B and 8 %
types 4, 21 and 27.

Each decoder runs in its own subprocess on the same file; the time covers
opening and reading the file and decoding every message into the decoder's
natural output (Arrow tables for shadowtrace, dicts or objects for the others),
not the interpreter's start or the imports. Peak RSS is the subprocess's own
``ru_maxrss`` (from ``os.wait4``), so it includes the interpreter and the
imported libraries. A peer that is not installed is listed as such.

This is not a test: pytest never collects it (benchmarks/ is outside testpaths).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"  # a checkout's sources, used when shadowtrace is not installed
CORPUS_DIR = HERE / ".corpus"
CORPUS_VERSION = 1  # bump when the corpus recipe changes, so caches are rebuilt
CHUNK = 1_000_000  # sentences generated (and merged in time order) at a time

#: decoders in the order they are run and shown
DECODERS = ["shadowtrace", "pyais", "aiscat", "aiscat-arrow", "marlin", "libais", "libais-queue"]
PEERS = DECODERS[1:]
ABOUT = {
    "shadowtrace": "decode_nmea over line_chunks -> Arrow tables",
    "pyais": "FileReaderStream -> decode().asdict() + tag block c:",
    "aiscat": "aiscat.from_file -> dicts (toa from c:)",
    "aiscat-arrow": "aiscat.from_file dicts -> pa.Table.from_pylist per type, 64k batches",
    "marlin": "AisParser.streaming().feed(16 KiB) -> typed objects (tag blocks skipped)",
    "libais": "ais.decode(payload, fill) per message; multipart joined in Python",
    "libais-queue": "ais.nmea_queue.NmeaQueue: libais's own tag block + multipart handling",
}


# --------------------------------------------------------------------------- corpus


def corpus_path(sentences: int) -> Path:
    return CORPUS_DIR / f"ais-{sentences}-v{CORPUS_VERSION}.nmea"


def build_corpus(sentences: int, path: Path) -> None:
    """Write ``sentences`` lines to ``path`` (via a temporary file, so a cache is never half-written)."""
    import numpy as np

    from shadowtrace.sim.encode import AisEncoder, Categorical, merge

    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20250211)
    enc = AisEncoder(groups=True)
    fleet = _fleet(rng, max(sentences, 100_000))
    tmp = path.with_suffix(".tmp")
    t0 = time.perf_counter()
    written = 0
    with tmp.open("wb") as out:
        day = 0
        while written < sentences:
            n = min(CHUNK, sentences - written)
            blocks = _chunk(rng, enc, fleet, n, day, Categorical, np)
            data = merge(blocks)
            assert data.count(b"\n") == n, (data.count(b"\n"), n)
            out.write(data)
            written += n
            day += 1
    tmp.replace(path)
    dt = time.perf_counter() - t0
    size = path.stat().st_size
    print(f"corpus: {sentences:,} sentences, {size / 2**20:,.0f} MiB in {dt:.1f} s -> {path}", flush=True)


def _fleet(rng: Any, sentences: int) -> dict[str, Any]:
    import numpy as np

    words = [
        *("PACIFIC", "ORIENT", "OCEAN", "NORTHERN", "EASTERN", "GOLDEN", "SILVER", "STAR", "PEARL"),
        *("SPIRIT", "GRACE", "HARMONY", "VICTORY", "FORTUNE", "BRIGHT", "NEW", "SEA", "COAST", "BAY"),
        *("RIVER", "ZARYA", "VOSTOK", "AMUR", "SAKHALIN", "KORSAKOV"),
    ]
    n_a = max(2_000, sentences // 400)
    n_b = max(500, sentences // 2_000)

    def names(k: int) -> list[str]:
        a = rng.integers(0, len(words), k)
        b = rng.integers(0, len(words), k)
        num = rng.integers(1, 99, k)
        return [
            f"{words[i]} {words[j]}{' ' + str(m) if m < 30 else ''}"
            for i, j, m in zip(a, b, num, strict=True)
        ]

    return {
        "a_mmsi": 200_000_000 + rng.choice(580_000_000, n_a, replace=False),
        "a_lat": rng.uniform(30.0, 60.0, n_a),
        "a_lon": rng.uniform(120.0, 160.0, n_a),
        "a_sog": rng.gamma(4.0, 3.0, n_a).clip(0, 30),
        "a_cog": rng.uniform(0, 360, n_a),
        "a_name": np.array(names(n_a)),
        "a_callsign": np.array([f"U{c:05d}" for c in rng.integers(0, 99_999, n_a)]),
        "a_imo": rng.integers(9_000_000, 9_999_999, n_a),
        "a_type": rng.choice([70, 71, 79, 80, 81, 84, 60, 30, 52], n_a),
        "a_dest": np.array(rng.choice(["CN DLC", "RU VVO", "KR PUS", "JP TYO", "RU NKH", "CN SHA"], n_a)),
        "b_mmsi": 200_000_000 + rng.choice(580_000_000, n_b, replace=False),
        "b_lat": rng.uniform(30.0, 60.0, n_b),
        "b_lon": rng.uniform(120.0, 160.0, n_b),
        "b_name": np.array(names(n_b)),
        "bs_mmsi": 2_730_000 + np.arange(60),
        "aton_mmsi": 992_730_000 + np.arange(300),
        "aton_name": np.array([f"{w} LIGHT BUOY NO {i}" for i, w in enumerate(rng.choice(words, 300))]),
        "stations": ["rVVO1", "rNKH2", "rPUS1", "rTYO3", "rDLC1", "sat-07"],
    }


def _chunk(
    rng: Any, enc: Any, fleet: dict[str, Any], n: int, day: int, categorical: Any, np: Any
) -> list[Any]:
    """Blocks of one chunk of ``n`` sentences spread over one day."""
    n5 = round(n * 0.04)  # 8 % of the sentences: two each
    n18 = round(n * 0.08)
    n24 = round(n * 0.06)
    n4 = round(n * 0.03)
    n21 = round(n * 0.02)
    n123 = round(n * 0.70)
    n27 = n - (n123 + 2 * n5 + n18 + n24 + n4 + n21)
    t0 = 1_739_318_400_000 + day * 86_400_000

    def ts(k: int) -> Any:
        return t0 + np.sort(rng.integers(0, 86_400_000, k))

    def where(k: int) -> dict[str, Any]:
        labels = fleet["stations"]
        return {
            "station": categorical(labels, rng.integers(0, len(labels), k)),
            "channel": categorical(["A", "B"], rng.integers(0, 2, k)),
        }

    def class_a(k: int) -> tuple[Any, dict[str, Any]]:
        v = rng.integers(0, fleet["a_mmsi"].shape[0], k)
        moving = fleet["a_sog"][v] > 0.5
        cols = {
            "mmsi": fleet["a_mmsi"][v],
            "lat": fleet["a_lat"][v] + rng.normal(0, 0.05, k),
            "lon": fleet["a_lon"][v] + rng.normal(0, 0.05, k),
            "sog_kn": np.where(moving, fleet["a_sog"][v] + rng.normal(0, 0.2, k), 0.0).clip(0, 102),
            "cog_deg": (fleet["a_cog"][v] + rng.normal(0, 2, k)) % 360,
            "heading_deg": np.rint(fleet["a_cog"][v] + rng.normal(0, 3, k)) % 360,
            "nav_status": np.where(moving, 0, rng.choice([1, 5], k)),
            "turn": np.where(rng.random(k) < 0.7, 0.0, np.nan),
            "utc_second": rng.integers(0, 60, k),
            "accuracy": rng.random(k) < 0.5,
            "raim": rng.random(k) < 0.1,
            "radio": rng.integers(0, 1 << 19, k),
        }
        return v, cols

    blocks = []
    for msg_type, share in ((1, 0.85), (2, 0.05), (3, 0.10)):
        k = round(n123 * share) if msg_type != 3 else n123 - round(n123 * 0.85) - round(n123 * 0.05)
        _, cols = class_a(k)
        blocks.append(enc.columns(msg_type, cols, ts=ts(k), **where(k)))
    v = rng.integers(0, fleet["a_mmsi"].shape[0], n5)
    blocks.append(
        enc.columns(
            5,
            {
                "mmsi": fleet["a_mmsi"][v],
                "ais_version": 2,
                "imo": fleet["a_imo"][v],
                "callsign": fleet["a_callsign"][v],
                "shipname": fleet["a_name"][v],
                "ship_type": fleet["a_type"][v],
                "to_bow_m": rng.integers(50, 250, n5),
                "to_stern_m": rng.integers(10, 50, n5),
                "to_port_m": rng.integers(5, 25, n5),
                "to_starboard_m": rng.integers(5, 25, n5),
                "epfd": 1,
                "eta_month": rng.integers(1, 13, n5),
                "eta_day": rng.integers(1, 29, n5),
                "eta_hour": rng.integers(0, 24, n5),
                "eta_minute": rng.integers(0, 60, n5),
                "draught_m": rng.uniform(4, 18, n5),
                "destination": fleet["a_dest"][v],
                "dte": False,
            },
            ts=ts(n5),
            **where(n5),
        )
    )
    v = rng.integers(0, fleet["b_mmsi"].shape[0], n18)
    blocks.append(
        enc.columns(
            18,
            {
                "mmsi": fleet["b_mmsi"][v],
                "lat": fleet["b_lat"][v] + rng.normal(0, 0.02, n18),
                "lon": fleet["b_lon"][v] + rng.normal(0, 0.02, n18),
                "sog_kn": rng.uniform(0, 12, n18),
                "cog_deg": rng.uniform(0, 360, n18),
                "utc_second": rng.integers(0, 60, n18),
                "cs_unit": True,
                "msg22": True,
                "radio": 393222,
            },
            ts=ts(n18),
            **where(n18),
        )
    )
    v = rng.integers(0, fleet["b_mmsi"].shape[0], n24)
    blocks.append(
        enc.columns(
            24,
            {
                "mmsi": fleet["b_mmsi"][v],
                "part_num": rng.integers(0, 2, n24),
                "shipname": fleet["b_name"][v],
                "ship_type": 37,
                "vendor_id": "SRT",
                "model": 2,
                "serial": rng.integers(0, 1 << 20, n24),
                "callsign": "",
                "to_bow_m": 8,
                "to_stern_m": 4,
                "to_port_m": 2,
                "to_starboard_m": 2,
            },
            ts=ts(n24),
            **where(n24),
        )
    )
    v = rng.integers(0, fleet["bs_mmsi"].shape[0], n4)
    t4 = ts(n4)
    blocks.append(
        enc.columns(
            4,
            {
                "mmsi": fleet["bs_mmsi"][v],
                "reported_utc": (t4 // 1000 * 1000).astype("datetime64[ms]"),
                "lat": 35.0 + v * 0.3,
                "lon": 125.0 + v * 0.4,
                "epfd": 7,
                "accuracy": True,
                "radio": rng.integers(0, 1 << 19, n4),
            },
            ts=t4,
            **where(n4),
        )
    )
    v = rng.integers(0, fleet["aton_mmsi"].shape[0], n21)
    blocks.append(
        enc.columns(
            21,
            {
                "mmsi": fleet["aton_mmsi"][v],
                "aid_type": 29,
                "shipname": fleet["aton_name"][v],
                "lat": 35.0 + v * 0.07,
                "lon": 125.0 + v * 0.1,
                "epfd": 1,
                "utc_second": rng.integers(0, 60, n21),
            },
            ts=ts(n21),
            **where(n21),
        )
    )
    _, cols = class_a(n27)
    cols = {k: cols[k] for k in ("mmsi", "lat", "lon", "nav_status", "accuracy", "raim")}
    cols["sog_kn"] = rng.integers(0, 25, n27)
    cols["cog_deg"] = rng.integers(0, 360, n27)
    blocks.append(enc.columns(27, cols, ts=ts(n27), **where(n27)))
    return blocks


def ensure_corpus(sentences: int, rebuild: bool = False) -> Path:
    """The cached corpus, built first if missing.

    It is built in a subprocess: this parent process stays small, because on Linux a
    child's ``ru_maxrss`` starts from the peak RSS of the process that spawned it.
    """
    path = corpus_path(sentences)
    if rebuild or not path.exists():
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--build", str(sentences), str(path)],
            env=_child_env(),
            check=True,
        )
    return path


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    return env


# --------------------------------------------------------------------------- decoders (child side)


def _decode_shadowtrace(path: str) -> int:
    import pyarrow.compute as pc

    from shadowtrace.ingest.ais.nmea import decode_nmea
    from shadowtrace.ingest.lines import line_chunks
    from shadowtrace.ingest.stats import IngestStats

    stats = IngestStats()
    messages = 0
    with open(path, "rb") as f:
        for tables in decode_nmea(line_chunks(f), 1, stats):
            for name, table in tables.items():
                if name == "statics":  # types 19 and 21 are in positions too: count them once
                    messages += table.num_rows - pc.sum(pc.is_in(table["msg_type"], pa_types())).as_py()
                elif name != "rejects":
                    messages += table.num_rows
    return messages


def pa_types() -> Any:
    import pyarrow as pa

    return pa.array([19, 21], pa.uint8())


def _decode_pyais(path: str) -> int:
    from pyais.stream import FileReaderStream

    n = 0
    for msg in FileReaderStream(path):
        d = msg.decode().asdict()
        tb = msg.tag_block
        if tb is not None:
            tb.init()
            d["ts"] = tb.receiver_timestamp
        n += 1
    return n


def _decode_aiscat(path: str) -> int:
    import aiscat

    n = 0
    for _msg in aiscat.from_file(path):
        n += 1
    return n


def _decode_aiscat_arrow(path: str) -> int:
    import aiscat
    import pyarrow as pa

    batches: dict[int, list[dict[str, Any]]] = {}
    tables: list[Any] = []
    n = 0

    def flush(kind: int) -> None:
        rows = batches.pop(kind)
        tables.append(pa.Table.from_pylist(rows))  # schema from the first row of each type group

    for msg in aiscat.from_file(path):
        kind = msg["type"]
        kind = 1 if kind in (2, 3) else kind
        rows = batches.setdefault(kind, [])
        rows.append(msg)
        n += 1
        if len(rows) >= 65_536:
            flush(kind)
            tables.clear()  # keep memory flat, as a streaming writer would
    for kind in list(batches):
        flush(kind)
    return n


def _decode_marlin(path: str) -> int:
    from marlin.ais import AisParser

    parser = AisParser.streaming()
    n = 0
    with open(path, "rb") as f:
        # 16 KiB: the parser's buffer silently drops data when fed 64 KiB at once
        while chunk := f.read(16_384):
            parser.feed(chunk)
            for _msg in parser:
                n += 1
    return n


def _decode_libais(path: str) -> int:
    import ais

    n = 0
    pending: dict[tuple[str, str], list[str]] = {}
    with open(path) as f:
        for line in f:
            if line[0] == "\\":
                line = line[line.index("\\", 1) + 1 :]
            fields = line.split(",")
            if len(fields) < 7:
                continue
            total, part, seq, channel, payload = fields[1], fields[2], fields[3], fields[4], fields[5]
            fill = int(fields[6][0])
            if total != "1":
                key = (seq, channel)
                if part == "1":
                    pending[key] = [payload]
                    continue
                parts = pending.get(key)
                if parts is None:
                    continue
                parts.append(payload)
                if part != total:
                    continue
                payload = "".join(pending.pop(key))
            try:
                ais.decode(payload, fill)
            except ais.DecodeError:
                continue
            n += 1
    return n


def _decode_libais_queue(path: str) -> int:
    from ais import nmea_queue

    q = nmea_queue.NmeaQueue()
    n = 0
    with open(path) as f:
        for line in f:
            q.put(line)
            while (msg := q.GetOrNone()) is not None:
                if "decoded" in msg:
                    n += 1
    return n


RUNNERS: dict[str, Callable[[str], int]] = {
    "shadowtrace": _decode_shadowtrace,
    "pyais": _decode_pyais,
    "aiscat": _decode_aiscat,
    "aiscat-arrow": _decode_aiscat_arrow,
    "marlin": _decode_marlin,
    "libais": _decode_libais,
    "libais-queue": _decode_libais_queue,
}
IMPORTS = {
    "shadowtrace": ("shadowtrace.ingest.ais.nmea", "pyarrow.compute"),
    "pyais": ("pyais.stream",),
    "aiscat": ("aiscat",),
    "aiscat-arrow": ("aiscat", "pyarrow"),
    "marlin": ("marlin.ais",),
    "libais": ("ais",),
    "libais-queue": ("ais.nmea_queue",),
}


def child(name: str, path: str) -> None:
    """Run one decoder over the file and print {"messages", "seconds"} as JSON."""
    import importlib
    import warnings

    warnings.simplefilter("ignore")
    try:
        for module in IMPORTS[name]:
            importlib.import_module(module)
    except Exception as exc:  # any import failure: the peer is not usable here
        print(json.dumps({"error": "not installed", "detail": f"{type(exc).__name__}: {exc}"}))
        return
    t0 = time.perf_counter()
    try:
        messages = RUNNERS[name](path)
    except Exception as exc:
        print(json.dumps({"error": "failed", "detail": f"{type(exc).__name__}: {exc}"}))
        return
    dt = time.perf_counter() - t0
    print(json.dumps({"messages": messages, "seconds": dt}))


# --------------------------------------------------------------------------- parent side


def run(name: str, path: Path) -> dict[str, Any]:
    """Run a decoder in a subprocess; add its own peak RSS (MiB) to what it reports."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", name, str(path)],
            stdout=out,
            stderr=err,
            env=_child_env(),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace").strip()
        errors = err.read().decode(errors="replace").strip()
    try:
        result: dict[str, Any] = json.loads(text.splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        detail = (errors or text or f"exit {proc.returncode}").splitlines()[-1:]
        result = {"error": "failed", "detail": " ".join(detail)}
    result["rss_mib"] = usage.ru_maxrss / 1024.0  # Linux: KiB
    return result


def count_lines(path: Path) -> int:
    n = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            n += block.count(b"\n")
    return n


def table(rows: list[tuple[str, dict[str, Any]]], sentences: int) -> Iterator[str]:
    base = next((r for n, r in rows if n == "shadowtrace" and "seconds" in r), None)
    yield "| decoder | sentences/s | messages | peak RSS MiB | shadowtrace is x faster | how |"
    yield "|---|---:|---:|---:|---:|---|"
    for name, r in rows:
        if "seconds" not in r:
            yield f"| {name} | {r['error']} | | | | {ABOUT[name]} |"
            continue
        speed = sentences / r["seconds"]
        ratio = "" if base is None or name == "shadowtrace" else f"{r['seconds'] / base['seconds']:.1f}"
        yield (
            f"| {name} | {speed:,.0f} | {r['messages']:,} | {r['rss_mib']:,.0f} | {ratio} | {ABOUT[name]} |"
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=1_000_000, help="corpus size (default 1,000,000)")
    ap.add_argument("--quick", action="store_true", help="a 100,000-sentence smoke run")
    ap.add_argument(
        "--peers",
        default=",".join(PEERS),
        help=f"comma-separated peers to run besides shadowtrace, or 'none' (default: {','.join(PEERS)})",
    )
    ap.add_argument("--memory", action="store_true", help="shadowtrace alone on 1M and 10M lines: peak RSS")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached corpus")
    ap.add_argument("--child", nargs=2, metavar=("DECODER", "FILE"), help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=2, metavar=("SENTENCES", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.build:
        build_corpus(int(args.build[0]), Path(args.build[1]))
        return
    if args.child:
        child(*args.child)
        return
    if args.memory:
        memory(args.rebuild)
        return
    sentences = 100_000 if args.quick else args.sentences
    peers = [] if args.peers == "none" else [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = set(peers) - set(PEERS)
    if unknown:
        ap.error(f"unknown peer(s) {sorted(unknown)}; choose among {PEERS}")
    path = ensure_corpus(sentences, args.rebuild)
    lines = count_lines(path)
    print(f"decoding {path.name}: {lines:,} sentences, {path.stat().st_size / 2**20:,.0f} MiB", flush=True)
    rows = []
    for name in ["shadowtrace", *[p for p in PEERS if p in peers]]:
        r = run(name, path)
        rows.append((name, r))
        shown = f"{lines / r['seconds']:,.0f} sentences/s" if "seconds" in r else r["error"]
        detail = f" ({r['detail']})" if "detail" in r else ""
        print(f"  {name}: {shown}{detail}", flush=True)
    print()
    for line in table(rows, lines):
        print(line)


def memory(rebuild: bool) -> None:
    print("shadowtrace peak RSS against file size (target: <= 1 GiB, flat)", flush=True)
    for sentences in (1_000_000, 10_000_000):
        path = ensure_corpus(sentences, rebuild)
        r = run("shadowtrace", path)
        if "seconds" not in r:
            print(f"  {sentences:>10,} lines: {r['error']} ({r.get('detail', '')})")
            continue
        size = path.stat().st_size / 2**20
        print(
            f"  {sentences:>10,} lines ({size:,.0f} MiB): peak RSS {r['rss_mib']:,.0f} MiB, "
            f"{sentences / r['seconds']:,.0f} sentences/s, {r['messages']:,} messages",
            flush=True,
        )


if __name__ == "__main__":
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    main()
