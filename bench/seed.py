"""How fast `qfon demo seed` fills tenants, against baselines timed in the same run.

    .venv/bin/python -m bench.seed [--big-tenants 12 --big-days 60 --big-calls 400]

Scenarios: the demo set (5 tenants x 30 days, realistic sizes) and a bigger set. Baselines on the
same server and the same TSV files: a raw `LOAD DATA LOCAL INFILE` (the floor our loader stands
on) and multi-row INSERTs through PyMySQL `executemany` (the alternative we did not take).
Prints rows/s, ratios and peak RSS (this process and its worker processes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import psutil
from sqlalchemy import Engine

from qfon.db import engine_for
from qfon.demo.batch import SeedJob, prepare, seed_jobs
from qfon.demo.bulk import load_data_sql
from qfon.demo.names import tenant_names
from qfon.private_mariadb import PrivateMariaDB
from qfon.tenant_admin import create_tenant, drop_tenant

TZ = ZoneInfo("Europe/Moscow")
END = date(2026, 11, 26)


@dataclass
class Result:
    name: str
    rows: int
    seconds: float
    server_cpu: float = 0.0  # CPU seconds mariadbd spent meanwhile

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def server_rate(self) -> float:
        """Rows per CPU second of mariadbd: what one dedicated core would load."""
        return self.rows / self.server_cpu if self.server_cpu else 0.0


class ServerCpu:
    """CPU seconds of the MariaDB server process (the machine may be busy with other work)."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)

    def __call__(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def measure(self, run: Callable[[], Result]) -> Result:
        before = self()
        result = run()
        result.server_cpu = self() - before
        return result


def demo_jobs() -> list[SeedJob]:
    names = tenant_names(5)
    return [
        SeedJob(n, TZ, days=30, seed=1, end=END, layout="1.8" if i % 3 == 1 else "1.6")
        for i, n in enumerate(names)
    ]


def big_jobs(tenants: int, days: int, calls: float) -> list[SeedJob]:
    return [
        SeedJob(f"big{i:02d}", TZ, days=days, seed=2, end=END, calls_per_day=calls)
        for i in range(tenants)
    ]


def seeding(engine: Engine, name: str, jobs: list[SeedJob]) -> Result:
    """The real thing: generate, write TSV, create tenants, load (pipelined)."""
    started = time.perf_counter()
    reports = seed_jobs(engine, jobs)
    seconds = time.perf_counter() - started
    return Result(name, sum(r.total_rows for r in reports), seconds)


def raw_load(engine: Engine, name: str, jobs: list[SeedJob]) -> Result:
    """Only the LOAD DATA statements of the same files into fresh tenants (nothing else timed)."""
    rows, seconds = 0, 0.0
    for job in jobs:
        prep = prepare(job)
        domain = f"raw_{job.domain}"
        create_tenant(engine, domain, prep.report.layout)
        try:
            conn = engine.raw_connection()
            try:
                cursor = conn.cursor()
                started = time.perf_counter()
                for item in prep.files.tables:
                    cursor.execute(load_data_sql(domain, item))
                    rows += item.rows
                conn.commit()
                seconds += time.perf_counter() - started
            finally:
                conn.close()
        finally:
            shutil.rmtree(prep.folder, ignore_errors=True)
            drop_tenant(engine, domain)
    return Result(name, rows, seconds)


def generate_only(name: str, jobs: list[SeedJob]) -> Result:
    """Generation and TSV writing alone, one process (CPU seconds, so other load matters less)."""
    rows, seconds = 0, 0.0
    for job in jobs:
        started = time.process_time()
        prep = prepare(job)
        seconds += time.process_time() - started
        rows += sum(t.rows for t in prep.files.tables)
        shutil.rmtree(prep.folder, ignore_errors=True)
    return Result(name, rows, seconds)


def raw_insert(engine: Engine, name: str, job: SeedJob, limit: int) -> Result:
    """Multi-row INSERTs (PyMySQL executemany batches VALUES lists) of one tenant's CDR file."""
    prep = prepare(job)
    domain = f"ins_{job.domain}"
    create_tenant(engine, domain, prep.report.layout)
    try:
        item = next(t for t in prep.files.tables if t.table == "ast_cdr_adaptive")
        lines = item.path.read_text(encoding="utf-8").splitlines()[:limit]
        values = [tuple(None if v == "\\N" else v for v in line.split("\t")) for line in lines]
        cols = ", ".join(f"`{c}`" for c in item.columns)
        marks = ", ".join(["%s"] * len(item.columns))
        sql = f"INSERT INTO `{domain}`.`{item.table}` ({cols}) VALUES ({marks})"
        conn = engine.raw_connection()
        try:
            cursor = conn.cursor()
            started = time.perf_counter()
            for i in range(0, len(values), 5000):
                cursor.executemany(sql, values[i : i + 5000])
            conn.commit()
            seconds = time.perf_counter() - started
        finally:
            conn.close()
    finally:
        shutil.rmtree(prep.folder, ignore_errors=True)
        drop_tenant(engine, domain)
    return Result(name, len(values), seconds)


def peak_rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-tenants", type=int, default=12)
    parser.add_argument("--big-days", type=int, default=60)
    parser.add_argument("--big-calls", type=float, default=400.0)
    parser.add_argument("--insert-rows", type=int, default=100_000)
    args = parser.parse_args()
    big = big_jobs(args.big_tenants, args.big_days, args.big_calls)
    with PrivateMariaDB(buffer_pool="512M") as server:
        engine = engine_for(server.url)
        assert server.process is not None
        cpu = ServerCpu(server.process.pid)
        results = [
            cpu.measure(lambda: seeding(engine, "seed: demo set 5 x 30 days", demo_jobs())),
            cpu.measure(lambda: raw_load(engine, "raw LOAD DATA: demo set", demo_jobs())),
            cpu.measure(lambda: seeding(engine, f"seed: {len(big)} x {args.big_days} days", big)),
            cpu.measure(lambda: raw_load(engine, "raw LOAD DATA: bigger set", big)),
            cpu.measure(
                lambda: raw_insert(engine, "raw multi-row INSERT: CDR", big[0], args.insert_rows)
            ),
        ]
    results.append(generate_only("generate + TSV only (CPU s)", big))
    print(f"load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'scenario':<34} {'rows':>11} {'s':>8} {'rows/s':>11} {'rows/server-cpu-s':>18}")
    for r in results:
        per_cpu = f"{r.server_rate:>18,.0f}" if r.server_cpu else f"{'-':>18}"
        print(f"{r.name:<34} {r.rows:>11,} {r.seconds:>8.2f} {r.rate:>11,.0f} {per_cpu}")
    demo, demo_raw, bigger, big_raw, insert, _gen = results
    print(f"seed / raw LOAD DATA (demo set):   {demo.rate / demo_raw.rate:.2f}")
    print(f"seed / raw LOAD DATA (bigger set): {bigger.rate / big_raw.rate:.2f}")
    print(f"raw LOAD DATA / raw INSERT:        {big_raw.rate / insert.rate:.2f}")
    own, children = peak_rss_mib()
    print(f"peak RSS: {own:.0f} MiB (this process), {children:.0f} MiB (largest child process:")
    print("          a generator worker or mariadbd)")


if __name__ == "__main__":
    main()
