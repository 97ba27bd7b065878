"""The analytics pipeline against a plain GROUP BY baseline timed in the same run.

    .venv/bin/python -m bench.pipeline [--tenants 100 --cdr-rows 1000000 --days 90]

On `bench.dataset` (100 tenants, ~1 M CDRs, ~300 k queue-log rows, skewed sizes): the baseline
is one `GROUP BY date, hour, disposition` query per tenant over all its CDRs inside MariaDB.
Each pipeline phase runs in its own worker process (timed inside it, so interpreter start-up is
not counted; its peak RSS read with wait4): the full backfill (first pass), a pass with no new
rows, and a pass after one new hour of activity on every tenant (a copy of the last day's busy
10:00 hour moved to the hour after the data's end, with new call ids). Figures, not
assertions. Targets (issue 3): backfill <= 4x the baseline; incremental <= 1 s; no new rows
<= 0.3 s; peak RSS <= 250 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

TZ = "Europe/Moscow"
END = date(2026, 11, 26)


def baseline(engine: Engine, tenants: list[str]) -> float:
    """Seconds of one plain GROUP BY hour, disposition per tenant (median of three rounds)."""
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        with engine.connect() as conn:
            for name in tenants:
                conn.execute(
                    text(
                        f"SELECT DATE(calldate), HOUR(calldate), disposition, COUNT(*) "
                        f"FROM `{name}`.ast_cdr_adaptive GROUP BY 1, 2, 3"
                    )
                ).all()
        rounds.append(time.perf_counter() - started)
    return statistics.median(rounds)


def add_hour(engine: Engine, tenants: list[str]) -> int:
    """One new hour of activity per tenant, right after its data: the last day's 10:00 hour
    (a busy one) copied to 00:00 of the next day, with new call ids."""
    day = f"{END.isoformat()} 10:00:00"
    copied = 0
    with engine.begin() as conn:
        for name in tenants:
            db = f"`{name}`"
            cols = [
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns WHERE table_schema "
                        "= :d AND table_name = 'ast_cdr_adaptive' AND column_name NOT IN "
                        "('id', 'calldate', 'uniqueid', 'linkedid') ORDER BY ordinal_position"
                    ),
                    {"d": name},
                )
            ]
            plain = ", ".join(cols)
            copied += conn.execute(
                text(
                    f"INSERT INTO {db}.ast_cdr_adaptive (calldate, uniqueid, linkedid, {plain}) "
                    f"SELECT calldate + INTERVAL 14 HOUR, CONCAT('n', uniqueid), "
                    f"IF(linkedid IS NULL, NULL, CONCAT('n', linkedid)), {plain} "
                    f"FROM {db}.ast_cdr_adaptive WHERE calldate >= :a "
                    "AND calldate < :a + INTERVAL 1 HOUR"
                ),
                {"a": day},
            ).rowcount
            copied += conn.execute(
                text(
                    f"INSERT INTO {db}.inuse (ts, sip_trunk_id, calls) "
                    f"SELECT ts + INTERVAL 14 HOUR, sip_trunk_id, calls FROM {db}.inuse "
                    "WHERE ts >= :a AND ts < :a + INTERVAL 1 HOUR"
                ),
                {"a": day},
            ).rowcount
            layout = conn.execute(
                text(
                    "SELECT data_type FROM information_schema.columns WHERE table_schema = :d "
                    "AND table_name = 'ast_queue_log' AND column_name = 'time'"
                ),
                {"d": name},
            ).scalar()
            copied += _copy_queue_hour(conn, db, name, str(layout))
    return copied


def _copy_queue_hour(conn, db: str, name: str, time_type: str) -> int:  # type: ignore[no-untyped-def]
    zone = ZoneInfo(TZ)
    from datetime import datetime

    start = datetime.fromisoformat(f"{END.isoformat()} 10:00:00").replace(tzinfo=zone)
    lo, hi = int(start.timestamp()), int(start.timestamp()) + 3600
    cols = [
        r[0]
        for r in conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = :d "
                "AND table_name = 'ast_queue_log' AND column_name NOT IN ('id', 'time', 'callid') "
                "ORDER BY ordinal_position"
            ),
            {"d": name},
        )
    ]
    plain = ", ".join(cols)
    if time_type in ("datetime", "timestamp"):
        shifted, cond = "time + INTERVAL 14 HOUR", "time >= :a AND time < :a + INTERVAL 1 HOUR"
        params: dict = {"a": start.replace(tzinfo=None)}
    else:
        shifted = "CAST(CAST(time AS UNSIGNED) + 14 * 3600 AS CHAR)"
        cond = "time >= :lo AND time < :hi"
        params = {"lo": str(lo), "hi": str(hi)}
    return conn.execute(
        text(
            f"INSERT INTO {db}.ast_queue_log (time, callid, {plain}) SELECT {shifted}, "
            f"CONCAT('n', callid), {plain} FROM {db}.ast_queue_log WHERE {cond}"
        ),
        params,
    ).rowcount


def worker(url: str) -> None:
    """Child process: one timed pass over every tenant; prints seconds and statuses as JSON."""
    from pipeline.runner import run_pass
    from qfon.settings import Settings

    settings = Settings.model_validate({"mysql": {"url": url, "timezone": TZ}})
    started = time.perf_counter()
    results = run_pass(settings, (), lambda line: None)
    seconds = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    hours = sum(r.hours for r in results)
    print(json.dumps({"seconds": seconds, "statuses": statuses, "hours": hours}))


def phase(url: str) -> tuple[dict, float]:
    """Run a worker; its JSON result and its peak RSS in MiB."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.pipeline", "--worker", url], stdout=subprocess.PIPE, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stdout:
        proc.stdout.close()
    if proc.returncode != 0:
        raise SystemExit(f"worker failed with exit status {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> None:
    """Build the data set, time the baseline and the three phases, print ratios and RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--cdr-rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return

    from bench.dataset import build_bench_dataset
    from qfon.db import engine_for
    from qfon.private_mariadb import PrivateMariaDB

    with PrivateMariaDB(buffer_pool="2G") as server:
        engine = engine_for(server.url)
        reports = build_bench_dataset(
            engine, ZoneInfo(TZ), args.tenants, args.cdr_rows, args.days, end=END
        )
        tenants = sorted(r.domain for r in reports)
        cdrs = sum(r.rows.get("ast_cdr_adaptive", 0) for r in reports)
        qlog = sum(r.rows.get("ast_queue_log", 0) for r in reports)
        use = sum(r.rows.get("inuse", 0) for r in reports)
        print(
            f"data set: {len(tenants)} tenants, {cdrs:,} CDRs, {qlog:,} queue-log rows, "
            f"{use:,} inuse samples"
        )
        base = baseline(engine, tenants)
        print(f"baseline (GROUP BY date, hour, disposition per tenant): {base:.3f} s")
        figures = []
        backfill, rss_full = phase(server.url)
        figures.append(("full backfill (first pass)", backfill, rss_full, "target <= 4x"))
        idle, rss_idle = phase(server.url)
        figures.append(("pass with no new rows", idle, rss_idle, "target <= 0.3 s"))
        added = add_hour(engine, tenants)
        incr, rss_incr = phase(server.url)
        figures.append((f"incremental (+{added:,} rows)", incr, rss_incr, "target <= 1 s"))
        for name, result, rss, target in figures:
            print(
                f"{name:<44} {result['seconds']:7.3f} s  {result['seconds'] / base:6.2f}x baseline"
                f"  hours {result['hours']:>7,}  peak RSS {rss:6.0f} MiB  {result['statuses']}"
                f"  ({target})"
            )


if __name__ == "__main__":
    main()
