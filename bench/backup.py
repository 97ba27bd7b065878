"""Benchmark of `qfon backup` / `qfon restore` against the raw tools, on the pipeline data set.

    .venv/bin/python -m bench.backup [--tenants 100] [--cdr-rows 1000000] [--repeat 3]

1. The database part of `qfon backup run` (no file trees) vs sequential raw
   `mariadb-dump … | zstd` of the same databases.
2. `qfon restore --db-only` of the largest tenant vs raw `zstd -dc | mariadb`.
3. A second, unchanged file snapshot (`--link-dest`) vs a bare `rsync -a` of the same trees
   (into an up-to-date copy, and a first copy), with the bytes of file data copied.
Times are medians of `--repeat` runs; peak RSS is the qfon process's (GNU time's %M).
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from agent.backup.dump import DUMP_FLAGS
from agent.backup.files import snapshot_files
from agent.backup.target import LocalTarget
from bench.dataset import build_bench_dataset
from qfon.db import engine_for
from qfon.private_mariadb import PrivateMariaDB
from qfon.settings import Settings

TREES = ("configs", "moh", "recordings", "agi")


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (user+sys, with children) under GNU time."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M %U %S", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed: {shlex.join(argv)}\n{done.stderr[-2000:]}")
    rss, user, system = done.stderr.strip().splitlines()[-1].split()
    return seconds, int(rss), float(user) + float(system)


def shell(script: str) -> tuple[float, float]:
    """Wall and CPU seconds of a bash pipeline (pipefail)."""
    seconds, _, cpu = timed(["bash", "-o", "pipefail", "-c", script])
    return seconds, cpu


def median(values: list[float]) -> float:
    return statistics.median(values)


def make_trees(roots: Path, domains: list[str], files: int, total_mb: int) -> int:
    """`files` files of random data (total ~`total_mb` MB) spread over the tenants' trees."""
    rng = random.Random(1)
    size = total_mb * 1_000_000 // files
    written = 0
    for n in range(files):
        domain = domains[min(int(rng.paretovariate(1.2)) - 1, len(domains) - 1)]
        folder = roots / TREES[n % 4] / domain / f"d{n % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        data = rng.randbytes(rng.randint(size // 2, size * 3 // 2))
        (folder / f"f{n}.wav").write_bytes(data)
        written += len(data)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--cdr-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--files-mb", type=int, default=400)
    args = parser.parse_args()

    with PrivateMariaDB(buffer_pool="2G") as server, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        engine = engine_for(server.url)
        started = time.perf_counter()
        reports = build_bench_dataset(
            engine, ZoneInfo("Europe/Moscow"), tenants=args.tenants, cdr_rows=args.cdr_rows
        )
        domains = sorted(r.domain for r in reports)
        largest = max(reports, key=lambda r: r.rows.get("ast_cdr_adaptive", 0))
        cdr = sum(r.rows.get("ast_cdr_adaptive", 0) for r in reports)
        print(
            f"data set: {len(domains)} tenants, {cdr:,} CDR rows, built in "
            f"{time.perf_counter() - started:.0f} s; largest {largest.domain} "
            f"({largest.rows['ast_cdr_adaptive']:,} CDRs)"
        )

        empty = tmp / "no-trees"
        empty.mkdir()
        config = tmp / "qfon.toml"
        config.write_text(
            f'[mysql]\nurl = "{server.url}"\ntimezone = "Europe/Moscow"\n'
            f'[paths]\nconfigs = "{empty}/c"\nmoh = "{empty}/m"\nrecordings = "{empty}/r"\n'
            f'agi = "{empty}/a"\nhost_files = []\n'
            f'[backup]\ntarget = "{tmp}/target"\nwork_dir = "{tmp}/work"\nparallel = 2\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
        qfon = [sys.executable, "-m", "qfon", "--config", str(config)]
        client = f"--socket={server.socket} --user=root"

        raw_dir = tmp / "raw"
        raw_dir.mkdir()

        flags = " ".join(DUMP_FLAGS)

        def raw_backup() -> tuple[float, float]:
            return shell(
                "; ".join(
                    f"mariadb-dump {client} {flags} {d} | zstd -q -c -3 > {raw_dir}/{d}.zst"
                    for d in domains
                )
            )

        raw_backup()  # warm the buffer pool and the page cache
        raw, ours, rss, raw_cpu, our_cpu = [], [], [], [], []
        for _ in range(args.repeat):
            seconds, cpu = raw_backup()
            raw.append(seconds)
            raw_cpu.append(cpu)
            seconds, peak, cpu = timed([*qfon, "backup", "run"], env)
            ours.append(seconds)
            rss.append(peak)
            our_cpu.append(cpu)
        dump_mb = sum(p.stat().st_size for p in raw_dir.iterdir()) / 1e6
        print(f"\n1. database backup of {len(domains)} tenants ({dump_mb:.0f} MB compressed)")
        print(
            f"   raw sequential mariadb-dump | zstd : {median(raw):6.2f} s  "
            f"CPU {median(raw_cpu):.2f} s"
        )
        print(
            f"   qfon backup run (parallel 2)       : {median(ours):6.2f} s  "
            f"ratio {median(ours) / median(raw):.2f}  CPU {median(our_cpu):.2f} s  "
            f"peak RSS {max(rss) / 1024:.0f} MiB"
        )

        dump = raw_dir / f"{largest.domain}.zst"
        raw_r, ours_r, rss_r, raw_rc, our_rc = [], [], [], [], []
        for n in range(args.repeat):
            scratch = f"bench_raw_{n}"
            shell(f"mariadb {client} -e 'CREATE DATABASE {scratch}'")
            seconds, cpu = shell(
                f"zstd -dc {dump} | mariadb {client} --default-character-set=utf8mb4 {scratch}"
            )
            raw_r.append(seconds)
            raw_rc.append(cpu)
            shell(f"mariadb {client} -e 'DROP DATABASE {scratch}'")
            seconds, peak, cpu = timed(
                [*qfon, "restore", largest.domain, "--db-only", "--yes"], env
            )
            ours_r.append(seconds)
            rss_r.append(peak)
            our_rc.append(cpu)
        print(
            f"\n2. restore of the largest tenant {largest.domain} "
            f"({dump.stat().st_size / 1e6:.1f} MB)"
        )
        print(
            f"   raw zstd -dc | mariadb             : {median(raw_r):6.2f} s  "
            f"CPU {median(raw_rc):.2f} s"
        )
        print(
            f"   qfon restore --db-only             : {median(ours_r):6.2f} s  "
            f"ratio {median(ours_r) / median(raw_r):.2f}  CPU {median(our_rc):.2f} s  "
            f"peak RSS {max(rss_r) / 1024:.0f} MiB"
        )

        roots = tmp / "trees"
        written = make_trees(roots, domains, args.files, args.files_mb)
        subprocess.run(["sync"], check=True)
        paths = {
            "configs": roots / "configs",
            "moh": roots / "moh",
            "recordings": roots / "recordings",
            "agi": roots / "agi",
        }
        settings = Settings.model_validate(
            {
                "mysql": {"url": server.url},
                "paths": {**{k: str(v) for k, v in paths.items()}, "host_files": []},
                "backup": {"target": str(tmp / "snaps"), "work_dir": str(tmp / "work")},
            }
        )
        target = LocalTarget(tmp / "snaps", tmp / "work")
        target.ensure()
        snapshot_files(settings, target, "first", None, domains)
        sources = [str(p) for p in paths.values()]
        bare_first = shell(f"rsync -a {' '.join(sources)} {tmp}/bare/")[0]
        bare, snaps, copied = [], [], []
        for n in range(args.repeat):
            bare.append(shell(f"rsync -a {' '.join(sources)} {tmp}/bare/")[0])
            started = time.perf_counter()
            result = snapshot_files(settings, target, f"again{n}", "first", domains)
            snaps.append(time.perf_counter() - started)
            copied.append(result.bytes_copied)
        print(f"\n3. file snapshot, {args.files} files, {written / 1e6:.0f} MB, no change")
        print(f"   bare rsync -a, first copy          : {bare_first:6.2f} s")
        print(f"   bare rsync -a, up-to-date copy     : {median(bare):6.2f} s")
        print(
            f"   qfon snapshot --link-dest          : {median(snaps):6.2f} s  "
            f"ratio {median(snaps) / median(bare):.2f} (vs first copy "
            f"{median(snaps) / bare_first:.2f})  file data copied {max(copied)} bytes"
        )


if __name__ == "__main__":
    main()
