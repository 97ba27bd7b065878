"""Benchmark of `qfon agent`: a round vs a bare psutil loop, serve's RSS, sending vs zabbix_sender.

    .venv/bin/python -m bench.agent [--rounds 100] [--tenants 20] [--values 10000] [--repeat 3]

1. CPU and wall time of one collection round (median of `--rounds`), host families only (what the
   bare loop reads) and the full round (tenants on a private MariaDB, stand-in `xl`), against a
   bare psutil loop reading the same facts, timed in the same run.
2. Peak RSS (VmHWM) of `qfon agent serve` after a few rounds sent to the real Zabbix.
3. Sending `--values` values to a real Zabbix 6.0 (the tests' harness) through the agent's
   Shipper vs the `zabbix_sender` binary sending the same values from a file (`-T -i`), same run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from agent.metrics import Collector
from agent.sender import Shipper
from agent.spool import Spool
from agent.values import Round, Value
from qfon.db import engine_for
from qfon.private_mariadb import PrivateMariaDB
from qfon.settings import Settings
from qfon.tenant_admin import create_tenant
from tests.agent.conftest import IMPORT_RULES, TEMPLATE, XL_LIST
from tests.agent.zabbix_harness import ZabbixHarness


def timed(job: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median CPU and wall seconds of `job` over `rounds` calls."""
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        job()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def bare_loop() -> None:
    """The same host facts with psutil alone: CPU, load, memory, swap, disks, NICs, processes."""
    psutil.cpu_times_percent(interval=None)
    os.getloadavg()
    psutil.virtual_memory()
    psutil.swap_memory()
    psutil.boot_time()
    for part in psutil.disk_partitions(all=False):
        if part.fstype in ("ext4", "xfs", "btrfs"):
            os.statvfs(part.mountpoint)
    psutil.net_io_counters(pernic=True)
    sum(1 for p in psutil.process_iter(["name"]) if p.info["name"] in ("rtpproxy", "mariadbd"))


def host_round(collector: Collector) -> Round:
    """The families the bare loop also reads (system, filesystems, network, services)."""
    result = Round()
    collector._system(result)
    collector._filesystems(result)
    collector._network(result)
    collector._services(result)
    return result


def bench_rounds(settings: Settings, rounds: int, tenants: int) -> None:
    collector = Collector(settings, background=False)
    time.sleep(1.1)  # past the CPU priming
    collector.collect()  # warm: discovery, imports, recordings sizes measured once
    bare = timed(bare_loop, rounds)
    host = timed(lambda: host_round(collector), rounds)
    full = timed(collector.collect, rounds)
    print(f"processes on this machine: {len(psutil.pids())}")
    print(f"bare psutil loop      CPU {bare[0] * 1e3:7.2f} ms   wall {bare[1] * 1e3:7.2f} ms")
    print(
        f"agent round (host)    CPU {host[0] * 1e3:7.2f} ms   wall {host[1] * 1e3:7.2f} ms"
        f"   CPU ratio {host[0] / bare[0]:.2f}x"
    )
    print(
        f"agent round (full)    CPU {full[0] * 1e3:7.2f} ms   wall {full[1] * 1e3:7.2f} ms"
        f"   CPU ratio {full[0] / bare[0]:.2f}x"
        f" (with {tenants} tenants: SQL, xl, folders)"
    )


def bench_rss(env: dict[str, str], seconds: float) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "qfon", "agent", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(seconds)
        status = Path(f"/proc/{child.pid}/status").read_text()
        hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
        print(
            f"qfon agent serve peak RSS after {seconds:.0f} s: {int(hwm.split()[1]) / 1024:.1f} MB"
        )
    finally:
        child.send_signal(signal.SIGTERM)
        print(f"serve exit status on SIGTERM: {child.wait(timeout=60)}")


def bench_send(harness: ZabbixHarness, base: Path, count: int, repeat: int) -> None:
    """Our Shipper vs zabbix_sender -i, alternating, each sending `count` values to 100 items."""
    group = harness.call("hostgroup.get", filter={"name": "Linux servers"}, output=["groupid"])
    host = harness.call("host.create", host="bench-send", groups=[{"groupid": group[0]["groupid"]}])
    hostid = host["hostids"][0]
    items = 100
    harness.call(
        "item.create",
        [
            {"hostid": hostid, "name": f"b{i}", "key_": f"bench[{i}]", "type": 2, "value_type": 3}
            for i in range(items)
        ],
    )
    time.sleep(3)  # the configuration cache syncs every second (CacheUpdateFrequency=1)
    settings = Settings.model_validate({"zabbix": {"host": "bench-send", "port": harness.port}})
    shipper = Shipper(settings.zabbix, Spool(base / "bench-spool", 100_000))
    sender_bin = subprocess.run(
        ["which", "zabbix_sender"], capture_output=True, text=True, check=True
    ).stdout.strip()
    ours, theirs = [], []
    start = int(time.time()) - 10 * count
    for run in range(repeat):
        offset = start + run * 2 * count
        made = Round()
        batch = made.batch("bench")
        batch.values.extend(Value(f"bench[{n % items}]", n, offset + n, 0) for n in range(count))
        t0 = time.perf_counter()
        report = shipper.ship(made)
        ours.append(time.perf_counter() - t0)
        assert report.sent == count, report
        lines = [f"bench-send bench[{n % items}] {offset + count + n} {n}" for n in range(count)]
        data = base / "values.txt"
        data.write_text("\n".join(lines) + "\n")
        t0 = time.perf_counter()
        done = subprocess.run(
            [sender_bin, "-z", "127.0.0.1", "-p", str(harness.port), "-T", "-i", str(data)],
            capture_output=True,
            text=True,
            check=False,
        )
        theirs.append(time.perf_counter() - t0)
        assert f"sent: {count}; skipped: 0" in done.stdout, done.stdout[-300:]
        assert not re.search(r"failed: [1-9]", done.stdout), done.stdout[-300:]
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"send {count} values: agent Shipper {a:.3f} s ({count / a:,.0f}/s), "
        f"zabbix_sender -i {b:.3f} s ({count / b:,.0f}/s); agent/zabbix_sender time ratio "
        f"{a / b:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--values", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rss-seconds", type=float, default=20.0)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="qfon-bench-agent-"))
    (base / "bin").mkdir()
    (base / "bin" / "xl").write_text(
        "#!/bin/sh\ncat <<'EOF'\n" + XL_LIST.format(running="bench1") + "EOF\n"
    )
    (base / "bin" / "xl").chmod(0o755)
    os.environ["PATH"] = f"{base / 'bin'}:{os.environ['PATH']}"
    with PrivateMariaDB(buffer_pool="256M") as db:
        engine = engine_for(db.url)
        for n in range(args.tenants):
            create_tenant(engine, f"bench{n}")
        harness = ZabbixHarness(db)
        try:
            harness.create_database()
            harness.write_config()
            harness.start()
            harness.start_api()
            harness.call(
                "configuration.import",
                format="yaml",
                source=TEMPLATE.read_text(),
                rules=IMPORT_RULES,
            )
            env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
            env.update(
                QFON_DEFAULT_CONFIG=str(base / "absent.toml"),
                QFON_MYSQL_URL=db.url,
                QFON_AGENT_SPOOL_DIR=str(base / "spool"),
                QFON_AGENT_INTERVAL="5",
                QFON_PATHS_RECORDINGS=str(base / "rec"),
                QFON_ZABBIX_PORT=str(harness.port),
                QFON_BACKUP_TARGET=str(base / "backups"),
            )
            settings = Settings.model_validate(
                {
                    "mysql": {"url": db.url},
                    "agent": {"spool_dir": str(base / "spool")},
                    "paths": {"recordings": str(base / "rec")},
                    "backup": {"target": str(base / "backups")},
                }
            )
            bench_rounds(settings, args.rounds, args.tenants)
            bench_rss(env, args.rss_seconds)
            bench_send(harness, base, args.values, args.repeat)
        finally:
            harness.close()
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
