"""Web reports under load: p50/p95 of each page and API call against the plain SQL of the same data.

    .venv/bin/python -m bench.reports [--tenants 100 --cdr-rows 1000000 --requests 100]

On the pipeline benchmark's data set (`bench.dataset`), the largest tenant, a 30-day period:
its analytics are computed by a real `qfon pipeline run`, then the real `qfon reports serve`
(2 gunicorn workers) is timed page by page, each against the SQL statements that page runs,
timed in the same run on the same server. Also the CDR search and requests/s on the overview.
Targets (issue 6): statistics pages p95 <= 150 ms and <= 3x their SQL; CDR search p95 <= 300 ms;
>= 100 requests/s on the overview.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from bench.dataset import build_bench_dataset
from qfon.db import engine_for
from qfon.private_mariadb import PrivateMariaDB, free_port

TZ = "Europe/Moscow"
PASSWORD = "bench password"  # noqa: S105 - a throwaway server's
RESULTS = Path(__file__).resolve().parent / "results"


class Client:
    """A minimal HTTP client keeping the session cookie (one connection per request)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("qfon_reports="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        return response.status, data

    def login(self, domain: str, login: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, "no CSRF token on the log-in page"
        form = urllib.parse.urlencode(
            {
                "domain": domain,
                "login": login,
                "password": password,
                "csrf_token": token.group(1).decode(),
            }
        )
        status, _ = self.request("POST", "/login", form)
        assert status == 302, f"log-in failed with {status}"


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def time_calls(call: Callable[[], object], count: int, warm: int = 3) -> list[float]:
    for _ in range(warm):
        call()
    out = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def sql_runner(engine: Engine, domain: str, statements: list[str], params: dict) -> Callable:
    """Run a page's plain SQL on a pooled connection and fetch every row."""

    def run() -> None:
        with engine.connect() as conn:
            conn.execute(text(f"USE `{domain}`"))
            for statement in statements:
                conn.execute(text(statement), params).all()

    return run


CALL_HOURS = (
    "SELECT period_start, direction, SUM(calls), SUM(answered), SUM(billsec_total) "
    "FROM call_stats WHERE period_start >= :s AND period_start < :e "
    "GROUP BY period_start, direction"
)
PAGE_SQL = {
    "overview": [CALL_HOURS, "SELECT source, last_success FROM qfon_pipeline_state"],
    "numbers": [
        "SELECT dial_number_id, direction, SUM(calls), SUM(answered), SUM(no_answer), SUM(busy), "
        "SUM(failed), SUM(billsec_total), SUM(duration_total), MAX(max_concurrent) FROM call_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY dial_number_id, direction",
        "SELECT id, number, comment FROM dial_numbers",
        "SELECT dial_number_id, calllimit FROM sip_trunks",
        CALL_HOURS,
    ],
    "employees": [
        "SELECT user_id, SUM(calls_out), SUM(calls_out_answered), SUM(calls_in), "
        "SUM(calls_in_answered), SUM(calls_in_missed), SUM(calls_internal), SUM(talk_seconds), "
        "SUM(queue_answered), SUM(queue_talk_seconds), SUM(queue_ringnoanswer) FROM user_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY user_id",
        "SELECT id, name, login FROM users",
    ],
    "queues": [
        "SELECT queue_name, SUM(offered), SUM(answered), SUM(abandoned), SUM(timeout), "
        "SUM(exit_key), SUM(exit_empty), SUM(answered_in_sla), SUM(wait_answered_total), "
        "MAX(wait_answered_max), SUM(wait_abandoned_total), SUM(talk_total), SUM(transferred) "
        "FROM queue_calls_stats WHERE period_start >= :s AND period_start < :e "
        "GROUP BY queue_name",
        "SELECT name, sla_seconds FROM queues",
        "SELECT period_start, SUM(offered), SUM(answered), SUM(abandoned), SUM(timeout), "
        "SUM(exit_key), SUM(exit_empty), SUM(answered_in_sla), SUM(wait_answered_total), "
        "MAX(wait_answered_max), SUM(wait_abandoned_total), SUM(talk_total), SUM(transferred) "
        "FROM queue_calls_stats WHERE period_start >= :s AND period_start < :e "
        "GROUP BY period_start",
    ],
    "cdr": [
        "SELECT COUNT(*) FROM ast_cdr_adaptive WHERE calldate >= :s AND calldate < :e",
        "SELECT id, calldate, src, dst, clid, channel, dstchannel, disposition, duration, billsec, "
        "recordingfile FROM ast_cdr_adaptive WHERE calldate >= :s AND calldate < :e "
        "ORDER BY calldate DESC, id DESC LIMIT 51",
    ],
    "cdr_number": [
        "SELECT COUNT(*) FROM ast_cdr_adaptive WHERE calldate >= :s AND calldate < :e AND "
        "(src LIKE :n OR dst LIKE :n OR clid LIKE :n)",
        "SELECT id, calldate, src, dst, clid, channel, dstchannel, disposition, duration, billsec, "
        "recordingfile FROM ast_cdr_adaptive WHERE calldate >= :s AND calldate < :e AND "
        "(src LIKE :n OR dst LIKE :n OR clid LIKE :n) ORDER BY calldate DESC, id DESC LIMIT 51",
    ],
}


def throughput(port: int, cookie: str, path: str, seconds: float, threads: int) -> float:
    """Requests per second of `threads` clients hammering one path for `seconds`."""
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def worker(index: int) -> None:
        client = Client(port)
        client.cookie = cookie
        while time.perf_counter() < stop:
            status, _ = client.request("GET", path)
            if status == 200:
                done[index] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def start_server(
    db_url: str, folder: Path, workers: int, cache: int
) -> tuple[subprocess.Popen, int]:
    from reports.passwords import hash_password

    port = free_port()
    config = folder / "qfon.toml"
    admin = json.dumps(hash_password(PASSWORD))
    config.write_text(
        f'[reports]\nsecret_key = "bench-0123456789"\nworkers = {workers}\n'
        f'bind = "127.0.0.1:{port}"\ncache_seconds = {cache}\n'
        f'admins = [{{ login = "root", password_hash = {admin} }}]\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
    env.update(QFON_MYSQL_URL=db_url, QFON_MYSQL_TIMEZONE=TZ, QFON_LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [sys.executable, "-m", "qfon", "--config", str(config), "reports", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "server.log").open("wb"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the reports server did not start")


def qfon(db_url: str, *args: str, stdin: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
    env.update(
        QFON_MYSQL_URL=db_url, QFON_MYSQL_TIMEZONE=TZ, QFON_DEFAULT_CONFIG="/nonexistent/qfon.toml"
    )
    subprocess.run(
        [sys.executable, "-m", "qfon", *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--cdr-rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per call")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rps-seconds", type=float, default=10.0)
    parser.add_argument("--rps-threads", type=int, default=4)
    args = parser.parse_args()

    with PrivateMariaDB(buffer_pool="1G") as server, tempfile.TemporaryDirectory() as tmp:
        engine = engine_for(server.url)
        started = time.perf_counter()
        seeded = build_bench_dataset(
            engine, ZoneInfo(TZ), args.tenants, args.cdr_rows, args.days, quiet=True
        )
        largest = max(seeded, key=lambda r: r.rows.get("ast_cdr_adaptive", 0))
        domain = largest.domain
        print(
            f"data set: {len(seeded)} tenants, "
            f"{sum(r.rows.get('ast_cdr_adaptive', 0) for r in seeded):,} CDR rows "
            f"({time.perf_counter() - started:.0f} s); largest {domain}: "
            f"{largest.rows['ast_cdr_adaptive']:,} CDR rows"
        )
        started = time.perf_counter()
        qfon(server.url, "pipeline", "run", "--tenant", domain)
        qfon(server.url, "reports", "passwd", domain, "boss", stdin=PASSWORD + "\n")
        print(f"pipeline run on {domain}: {time.perf_counter() - started:.1f} s")

        today = datetime.now(ZoneInfo(TZ)).date()
        first = today - timedelta(days=29)
        params = {
            "s": datetime.combine(first, datetime.min.time()),
            "e": datetime.combine(today + timedelta(days=1), datetime.min.time()),
            "n": "%495%",
        }
        with engine.connect() as conn:
            counts = {
                t: conn.execute(
                    text(
                        f"SELECT COUNT(*) FROM `{domain}`.{t} WHERE period_start >= :s AND "
                        "period_start < :e"
                    ),
                    params,
                ).scalar_one()
                for t in ("call_stats", "user_stats", "queue_calls_stats")
            }
            cdrs = conn.execute(
                text(
                    f"SELECT COUNT(*) FROM `{domain}`.ast_cdr_adaptive WHERE "
                    "calldate >= :s AND calldate < :e"
                ),
                params,
            ).scalar_one()
        print(f"30-day period: {counts} hourly rows, {cdrs:,} CDRs")

        results = {}
        for cache in (0, 30):
            folder = Path(tmp) / f"cache{cache}"
            folder.mkdir()
            results[cache] = measure(
                args, engine, server.url, domain, len(seeded), params, folder, cache
            )

    for cache, result in results.items():
        label = (
            "no cache (cache_seconds = 0)" if not cache else f"cache_seconds = {cache} (default)"
        )
        print(f"\n{label}")
        print(
            f"{'call':<34} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'SQL p95':>8} {'p95/SQL':>8}"
        )
        for r in result["calls"]:
            sql50 = f"{r['sql_p50_ms']:8.1f}" if r["sql_p50_ms"] is not None else f"{'-':>8}"
            sql95 = f"{r['sql_p95_ms']:8.1f}" if r["sql_p95_ms"] is not None else f"{'-':>8}"
            ratio = f"{r['ratio_p95']:8.1f}" if r["ratio_p95"] is not None else f"{'-':>8}"
            print(f"{r['call']:<34} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {sql50} {sql95} {ratio}")
        print(
            f"overview: {result['overview_rps']:.0f} requests/s ({args.rps_threads} clients, "
            f"{args.workers} workers); same server without database work (openapi.json): "
            f"{result['no_db_rps']:.0f} requests/s; load average {result['load'][0]:.1f} -> "
            f"{result['load'][1]:.1f} on {os.cpu_count()} CPUs"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reports.json").write_text(
        json.dumps(
            {
                "tenant": domain,
                "hourly_rows": counts,
                "cdrs_30_days": cdrs,
                "runs": {str(k): v for k, v in results.items()},
            },
            indent=2,
        )
    )


def measure(
    args: argparse.Namespace,
    engine: Engine,
    db_url: str,
    domain: str,
    tenants: int,
    params: dict,
    folder: Path,
    cache: int,
) -> dict:
    """Time every call of one server (cache setting `cache`) and its SQL, then requests/s."""
    process, port = start_server(db_url, folder, args.workers, cache)
    try:
        client = Client(port)
        client.login(domain, "boss", PASSWORD)
        rows = []
        for name, (path, sql_key) in calls_of(domain).items():
            status, _ = client.request("GET", path)
            assert status == 200, f"{name}: HTTP {status}"
            web = percentiles(time_calls(lambda p=path: client.request("GET", p), args.requests))
            sql = percentiles(
                time_calls(sql_runner(engine, domain, PAGE_SQL[sql_key], params), args.requests)
            )
            rows.append(
                {
                    "call": name,
                    "p50_ms": web[0],
                    "p95_ms": web[1],
                    "sql_p50_ms": sql[0],
                    "sql_p95_ms": sql[1],
                    "ratio_p95": web[1] / sql[1] if sql[1] else None,
                }
            )
        admin = Client(port)
        admin.login("", "root", PASSWORD)
        web = percentiles(
            time_calls(
                lambda: admin.request("GET", "/platform?preset=last30"), max(10, args.requests // 5)
            )
        )
        rows.append(
            {
                "call": f"platform overview ({tenants} tenants)",
                "p50_ms": web[0],
                "p95_ms": web[1],
                "sql_p50_ms": None,
                "sql_p95_ms": None,
                "ratio_p95": None,
            }
        )
        load_before = os.getloadavg()[0]
        rps = throughput(
            port,
            client.cookie,
            f"/t/{domain}/overview?preset=last30",
            args.rps_seconds,
            args.rps_threads,
        )
        # the same server on a call without database work: the box's ceiling right now
        ceiling = throughput(
            port, client.cookie, "/api/v1/openapi.json", args.rps_seconds, args.rps_threads
        )
        load = (load_before, os.getloadavg()[0])
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"calls": rows, "overview_rps": rps, "no_db_rps": ceiling, "load": load}


def calls_of(domain: str) -> dict[str, tuple[str, str]]:
    """Each timed call: its path and the key of the SQL it stands for."""
    period = "preset=last30"
    return {
        "overview page": (f"/t/{domain}/overview?{period}&group=day", "overview"),
        "overview page, by hour": (f"/t/{domain}/overview?{period}&group=hour", "overview"),
        "numbers page": (f"/t/{domain}/numbers?{period}", "numbers"),
        "employees page": (f"/t/{domain}/employees?{period}", "employees"),
        "queues page": (f"/t/{domain}/queues?{period}", "queues"),
        "API overview": (f"/api/v1/tenants/{domain}/overview?{period}", "overview"),
        "API numbers": (f"/api/v1/tenants/{domain}/numbers?{period}", "numbers"),
        "API employees": (f"/api/v1/tenants/{domain}/employees?{period}", "employees"),
        "API queues": (f"/api/v1/tenants/{domain}/queues?{period}", "queues"),
        "numbers CSV": (f"/t/{domain}/numbers/export.csv?{period}", "numbers"),
        "queues XLSX": (f"/t/{domain}/queues/export.xlsx?{period}", "queues"),
        "CDR search page": (f"/t/{domain}/cdr?{period}", "cdr"),
        "CDR search by number": (f"/t/{domain}/cdr?{period}&number=495", "cdr_number"),
        "API CDR search": (
            f"/api/v1/tenants/{domain}/cdr?{period}&number=495&limit=50",
            "cdr_number",
        ),
    }


if __name__ == "__main__":
    main()
