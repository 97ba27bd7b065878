"""A benchmark dataset: 100 tenants of skewed sizes, ~1,000,000 CDR rows, ~300,000 queue-log rows.

Other benchmarks (pipeline, backup, reports) import `build_bench_dataset`:

    from bench.dataset import build_bench_dataset
    reports = build_bench_dataset(engine, ZoneInfo("Europe/Moscow"))
"""

from __future__ import annotations

import sys
import time
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from qfon.demo.load import SeedJob, SeedReport, seed_jobs
from qfon.demo.names import tenant_names

ROWS_PER_CALL = 1.21  # CDR rows per call of the generator (parallel legs, transfers)
LARGEST_SHARE = 0.15


def skewed_shares(tenants: int, largest: float = LARGEST_SHARE) -> list[float]:
    """Zipf-like shares summing to 1 whose largest is `largest` (when `tenants` allows it)."""
    if tenants <= 1:
        return [1.0]

    def top(s: float) -> float:
        weights = [(i + 1) ** -s for i in range(tenants)]
        return weights[0] / sum(weights)

    lo, hi = 0.0, 8.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if top(mid) < largest else (lo, mid)
    weights = [(i + 1) ** -lo for i in range(tenants)]
    total = sum(weights)
    return [w / total for w in weights]


def build_bench_dataset(
    engine: Engine,
    tz: ZoneInfo,
    tenants: int = 100,
    cdr_rows: int = 1_000_000,
    days: int = 90,
    seed: int = 1,
    *,
    end: date | None = None,
    quiet: bool = False,
) -> list[SeedReport]:
    """Replace `tenants` tenants (`demo`, `telvio`, …) with ~`cdr_rows` CDR rows in all.

    Sizes are skewed (the largest tenant holds ~15 % of the rows); both queue-log layouts occur.
    Prints progress to stderr unless `quiet`.
    """
    names = tenant_names(tenants)
    shares = skewed_shares(tenants)
    jobs = [
        SeedJob(
            name,
            tz,
            days=days,
            seed=seed,
            end=end,
            calls_per_day=max(1.0, cdr_rows * share / (days * ROWS_PER_CALL)),
        )
        for name, share in zip(names, shares, strict=True)
    ]
    started = time.perf_counter()
    done: list[SeedReport] = []

    def progress(report: SeedReport) -> None:
        done.append(report)
        if quiet:
            return
        cdr = sum(r.rows.get("ast_cdr_adaptive", 0) for r in done)
        rows = sum(r.total_rows for r in done)
        elapsed = time.perf_counter() - started
        tty = sys.stderr.isatty()
        if not tty and len(done) % 10 and len(done) < tenants:
            return
        print(
            f"{chr(13) if tty else ''}[{len(done)}/{tenants}] {report.domain:<18} "
            f"cdr {cdr:>9,}  rows {rows:>10,}  "
            f"{elapsed:6.1f} s  {rows / elapsed:>9,.0f} rows/s",
            end="" if tty and len(done) < tenants else "\n",
            file=sys.stderr,
            flush=True,
        )

    return seed_jobs(engine, jobs, progress)


def main() -> None:
    """Build the dataset on a private MariaDB and print its figures."""
    import resource

    from qfon.db import engine_for
    from qfon.private_mariadb import PrivateMariaDB

    with PrivateMariaDB(buffer_pool="512M") as server:
        started = time.perf_counter()
        reports = build_bench_dataset(engine_for(server.url), ZoneInfo("Europe/Moscow"))
        seconds = time.perf_counter() - started
    totals: dict[str, int] = {}
    for r in reports:
        for table, n in r.rows.items():
            totals[table] = totals.get(table, 0) + n
    rows = sum(totals.values())
    largest = max(r.rows["ast_cdr_adaptive"] for r in reports) / totals["ast_cdr_adaptive"]
    rate = rows / seconds
    print(f"{len(reports)} tenants, {rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")
    for table, n in sorted(totals.items()):
        print(f"  {table:<18} {n:>10,}")
    print(f"largest tenant: {largest:.1%} of the CDR rows")
    print(f"layouts: {sorted({r.layout for r in reports})}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
