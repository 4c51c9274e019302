"""AIS ingest end to end against bare pyais decoding of the same file, in the same run.

    .venv/bin/python bench/ais_ingest.py [--sentences 200000] [--repeat 3]

Builds a file of at least ``--sentences`` AIS sentences by repeating the AIS sentence lines of the real
captures in ../shared/data/ais/raw_nmea/ — every line holding ``VDM,``/``VDO,``, with its tag block,
receiver prefix or suffix, broken ones included; the files' comments and other NMEA sentences are left
out (they are test-file furniture, not feed traffic) — then times, each in a fresh child process (so
peak memory is its own):

* ``pyais``: bare pyais — ``FileReaderStream`` (pyais' own multi-part assembly) and ``.decode()`` of every
  message, nothing kept;
* ``watchkeeper``: ``ingest_files`` — input log with fsync per batch, our decoder (batch path, fast path,
  pyais for the rest), rejects ledger, live picture, position history and vessel state in SQLite (WAL),
  written by its store process (``ingest/ais/store_process.py``).

Prints sentences per second of each, the ratio (ours / pyais; target >= 1.0), CPU seconds (ours: the
parent and its store process together) and peak RSS (ours: the parent, and the store process apart),
with the load average before and after. The last line repeats the run on a file four times larger: peak
memory must stay flat (bounded whatever the size).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "ais" / "raw_nmea"


def build_file(path: Path, sentences: int) -> int:
    """Repeat the real captures' AIS sentence lines until ``sentences``; returns the number of lines."""
    lines = [
        line.rstrip(b"\r\n") + b"\n"
        for p in sorted(RAW.iterdir())
        for line in p.read_bytes().splitlines()
        if (b"VDM," in line or b"VDO," in line) and not line.lstrip().startswith(b"#")
    ]
    block = b"".join(lines)
    rounds = -(-sentences // len(lines))
    with path.open("wb") as fh:
        for _ in range(rounds):
            fh.write(block)
    return rounds * len(lines)


def child_pyais(path: Path) -> dict[str, float]:
    from pyais.stream import FileReaderStream

    t0, c0 = time.perf_counter(), time.process_time()
    messages = errors = 0
    with FileReaderStream(str(path)) as stream:
        for msg in stream:
            try:
                msg.decode()
                messages += 1
            except Exception:  # pyais raises on corrupt payloads; count and go on, as we do
                errors += 1
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "messages": messages}


def child_watchkeeper(path: Path) -> dict[str, float]:
    from watchkeeper.core.clock import FixedClock
    from watchkeeper.ingest.inputlog import InputLog
    from watchkeeper.ingest.ledger import RejectsLedger
    from watchkeeper.ingest.pipeline import AisIntake, PictureWriter, ingest_files
    from watchkeeper.picture.live import LivePicture
    from watchkeeper.picture.store import PictureStore
    from watchkeeper.store.db import open_store

    work = Path(tempfile.mkdtemp(prefix="wk-bench-"))
    try:
        engine = open_store(f"sqlite:///{work / 'watchkeeper.db'}")
        intake = AisIntake(InputLog(work / "inputlog"), RejectsLedger(engine))
        writer = PictureWriter(LivePicture(), PictureStore(engine))
        clock = FixedClock(datetime(2026, 12, 1, tzinfo=UTC))
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0, c0 = time.perf_counter(), time.process_time()
        counts = ingest_files([path], intake, writer, clock)
        intake.close()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the store process, joined by now
        store_cpu = kids.ru_utime + kids.ru_stime - kids0.ru_utime - kids0.ru_stime
        engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "seconds": seconds,
        "cpu": cpu + store_cpu,
        "store_cpu": store_cpu,
        "store_peak_rss_mb": kids.ru_maxrss / 1024,
        "lines": counts.lines,
        "accepted": counts.accepted,
    }


def stages(path: Path) -> None:
    """CPU seconds of each stage alone on the same file: where the end-to-end time goes."""
    from watchkeeper.ingest.ais.decoder import AisDecoder
    from watchkeeper.ingest.inputlog import InputLog
    from watchkeeper.ingest.pipeline import read_lines
    from watchkeeper.picture.live import LivePicture
    from watchkeeper.picture.store import PictureStore
    from watchkeeper.store.db import open_store

    now = datetime(2026, 12, 1, tzinfo=UTC)
    with path.open("rb") as fh:
        batches = list(read_lines(fh))
    work = Path(tempfile.mkdtemp(prefix="wk-bench-"))
    try:
        c = [time.process_time()]
        decoder, reports, seq = AisDecoder("bench"), [], 1
        for batch in batches:
            reports.extend(decoder.feed_many(batch, now, seq).reports)
            seq += len(batch)
        c.append(time.process_time())
        log = InputLog(work / "inputlog")
        for batch in batches:
            log.append_many("bench", now, batch)
            log.sync()
        log.close()
        c.append(time.process_time())
        picture = LivePicture()
        picture.apply_many(reports)
        c.append(time.process_time())
        store = PictureStore(open_store(f"sqlite:///{work / 'watchkeeper.db'}"))
        vessels = list(picture.vessels.values())
        for i in range(0, len(reports), 5000):
            store.write(reports[i : i + 5000], vessels)  # as ingest does: every batch upserts its vessels
        c.append(time.process_time())
        _, py = time.process_time(), child_pyais(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    names = ("decode", "input log", "picture", "store")
    print("stage CPU s: " + ", ".join(f"{n} {b - a:.2f}" for n, a, b in zip(names, c, c[1:], strict=False)))
    print(f"             bare pyais {py['cpu']:.2f}")


def peak_rss_mb() -> float:
    """This process's own peak RSS (``VmHWM``): ``ru_maxrss`` would carry the parent's peak over the
    fork and exec that started this child."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    ap.add_argument("--stages", action="store_true", help="also print the CPU time of each stage alone")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path = args.child[0], Path(args.child[1])
        result = (child_pyais if kind == "pyais" else child_watchkeeper)(path)
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return

    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "ais_bench.nmea"
    n_lines = build_file(path, args.sentences)
    n_sentences = sum(1 for line in path.open("rb") if b"VDM," in line or b"VDO," in line)
    load0 = os.getloadavg()
    print(f"file: {n_lines} lines, {n_sentences} AIS sentences, {path.stat().st_size / 1e6:.1f} MB")
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):
        for kind in ("pyais", "watchkeeper"):
            r = run_child(kind, path)
            if kind not in best or r["seconds"] < best[kind]["seconds"]:
                best[kind] = r
    py, wk = best["pyais"], best["watchkeeper"]
    rate_py = n_sentences / py["seconds"]
    rate_wk = n_sentences / wk["seconds"]
    print(f"{'':12} {'wall s':>8} {'CPU s':>8} {'sentences/s':>12} {'peak RSS MB':>12}")
    print(
        f"{'pyais':12} {py['seconds']:8.2f} {py['cpu']:8.2f} {rate_py:12,.0f} {py['peak_rss_mb']:12.0f}"
        "   (bare decode)"
    )
    print(
        f"{'watchkeeper':12} {wk['seconds']:8.2f} {wk['cpu']:8.2f} {rate_wk:12,.0f} {wk['peak_rss_mb']:12.0f}"
        f"   (log+decode+ledger+picture+SQLite; {wk['accepted']:.0f} of {wk['lines']:.0f} lines accepted)"
    )
    print(
        f"{'':12} (of which the store process: CPU {wk['store_cpu']:.2f} s, "
        f"peak RSS {wk['store_peak_rss_mb']:.0f} MB)"
    )
    print(f"ratio end-to-end / bare pyais (wall): {rate_wk / rate_py:.2f}x (target >= 1.0)")
    print(f"CPU seconds, ours / pyais's: {wk['cpu'] / py['cpu']:.2f} (our store process overlaps decoding)")
    load1 = os.getloadavg()
    print(f"load average (1 min) before / after: {load0[0]:.1f} / {load1[0]:.1f}")
    if args.stages:
        stages(path)
    big = out_dir / "ais_bench_x4.nmea"
    build_file(big, 4 * args.sentences)
    r4 = run_child("watchkeeper", big)
    print(
        f"memory bound: 4x the file -> peak RSS {r4['peak_rss_mb']:.0f} MB, store process "
        f"{r4['store_peak_rss_mb']:.0f} MB (vs {wk['peak_rss_mb']:.0f} / {wk['store_peak_rss_mb']:.0f} MB), "
        f"{4 * n_sentences / r4['seconds']:,.0f} sentences/s"
    )
    big.unlink()


if __name__ == "__main__":
    main()
