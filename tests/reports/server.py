"""Run the real `python -m qfon reports serve` on a free port and wait until it answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qfon.private_mariadb import free_port
from tests.conftest import REPO, TEST_TZ


@contextmanager
def reports_server(db_url: str, config: Path, workers: int = 2) -> Iterator[str]:
    """The server's base URL while it runs; its log is kept beside the config."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
    env.update(
        {
            "QFON_MYSQL_URL": db_url,
            "QFON_MYSQL_TIMEZONE": TEST_TZ,
            "QFON_REPORTS_BIND": f"127.0.0.1:{port}",
            "QFON_REPORTS_WORKERS": str(workers),
        }
    )
    log = (config.parent / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "qfon", "--config", str(config), "reports", "serve"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (config.parent / "server.log").read_text()
            try:
                with urllib.request.urlopen(base + "/login", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "the reports server did not answer in 60 s"
            time.sleep(0.2)
        yield base
        assert process.poll() is None, "the reports server died"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
