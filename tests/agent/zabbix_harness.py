"""A real Zabbix 6.0 server and API on loopback, on the tests' private MariaDB (ops-facts §6).

`zabbix_server` started as root drops to the `zabbix` user, so it reaches the database over
loopback TCP with a password user, and its files live in a temporary folder that user can write.
The API is the Debian frontend under PHP's built-in server; Debian's frontend reads only
`/etc/zabbix/zabbix.conf.php`, so the harness writes one that takes the database from the
environment of that PHP process, and puts back whatever was there before.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from zabbix_utils import ZabbixAPI

from qfon import proc
from qfon.mysql_client import client_options
from qfon.private_mariadb import PrivateMariaDB, free_port

SQL_DIR = Path("/usr/share/zabbix-server-mysql")
FRONTEND = Path("/usr/share/zabbix")
PHP_CONF = Path("/etc/zabbix/zabbix.conf.php")
PHP_CONF_TEXT = """<?php
// Written by qfon-ops tests (tests/agent/zabbix_harness.py); removed when they end.
$DB['TYPE'] = 'MYSQL';
$DB['SERVER'] = getenv('QFON_ZBX_DB_HOST') ?: 'localhost';
$DB['PORT'] = getenv('QFON_ZBX_DB_PORT') ?: '0';
$DB['DATABASE'] = 'zabbix';
$DB['USER'] = 'zabbix';
$DB['PASSWORD'] = getenv('QFON_ZBX_DB_PASSWORD') ?: '';
$DB['SCHEMA'] = '';
$DB['ENCRYPTION'] = false;
$DB['KEY_FILE'] = '';
$DB['CERT_FILE'] = '';
$DB['CA_FILE'] = '';
$DB['VERIFY_HOST'] = false;
$DB['CIPHER_LIST'] = '';
$DB['VAULT_URL'] = '';
$DB['VAULT_DB_PATH'] = '';
$DB['VAULT_TOKEN'] = '';
$DB['DOUBLE_IEEE754'] = true;
$ZBX_SERVER = '127.0.0.1';
$ZBX_SERVER_PORT = getenv('QFON_ZBX_SERVER_PORT') ?: '10051';
$ZBX_SERVER_NAME = 'qfon-test';
$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
"""
SERVER_CONF = """ListenIP=127.0.0.1
ListenPort={port}
DBHost=127.0.0.1
DBPort={db_port}
DBName=zabbix
DBUser=zabbix
DBPassword={password}
LogFile={base}/zabbix_server.log
LogFileSize=0
PidFile={base}/zabbix_server.pid
SocketDir={base}
AllowUnsupportedDBVersions=1
CacheUpdateFrequency=1
StartPollers=1
StartPollersUnreachable=1
StartTrappers=3
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTimers=1
StartEscalators=1
StartAlerters=1
StartPreprocessors=1
StartLLDProcessors=1
StartDBSyncers=1
StartProxyPollers=0
StartReportWriters=0
HousekeepingFrequency=0
Timeout=4
"""

R = TypeVar("R")


def wait_for(what: str, probe: Callable[[], R | None], timeout: float = 60.0) -> R:
    """Poll `probe` until it returns something truthy; bounded, never a timed assertion."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = probe()
        except Exception as exc:  # probes fail while things start
            last_error, result = exc, None
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting for {what}" + (f": {last_error}" if last_error else ""))


def low_free_port() -> int:
    """A free loopback port below 32768 (zabbix_server refuses ListenPort above 32767)."""
    for _ in range(200):
        port = secrets.randbelow(32767 - 20000) + 20000
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below 32768")


def port_open(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class ZabbixHarness:
    """Database, server and API; `start()`/`stop()` the server alone for the spool test."""

    def __init__(self, mariadb: PrivateMariaDB) -> None:
        self.mariadb = mariadb
        self.base = Path(tempfile.mkdtemp(prefix="qfon-zabbix-"))
        self.base.chmod(0o755)
        self.password = secrets.token_hex(12)
        self.port = low_free_port()
        self.api_port = free_port()
        self.server: subprocess.Popen[bytes] | None = None
        self.php: subprocess.Popen[bytes] | None = None
        self._saved_php_conf: bytes | None = None
        self.api: ZabbixAPI | None = None

    # -- database -------------------------------------------------------------------------
    def _sql(self, statements: str, database: str = "") -> None:
        with client_options(self.mariadb.url) as opts:
            args = [opts.option, "--batch", *([database] if database else [])]
            proc.run(
                proc.find_program("mariadb", "mysql"),
                *args,
                pass_fds=(opts.fd,),
                in_=statements,
                timeout=600,
            )

    def create_database(self) -> None:
        """The `zabbix` database, a password user for loopback TCP, and the packaged SQL."""
        self._sql(
            "DROP DATABASE IF EXISTS zabbix;"
            "CREATE DATABASE zabbix CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
            f"CREATE OR REPLACE USER 'zabbix'@'%' IDENTIFIED BY '{self.password}';"
            "GRANT ALL ON zabbix.* TO 'zabbix'@'%';"
        )
        for name in ("schema", "images", "data"):
            with gzip.open(SQL_DIR / f"{name}.sql.gz", "rt", encoding="utf-8") as handle:
                self._sql(handle.read(), "zabbix")

    # -- server ---------------------------------------------------------------------------
    def write_config(self) -> Path:
        """zabbix_server.conf in the temporary folder, owned by (and only readable to) zabbix."""
        conf = self.base / "zabbix_server.conf"
        conf.write_text(
            SERVER_CONF.format(
                port=self.port, db_port=self.mariadb.port, password=self.password, base=self.base
            )
        )
        account = pwd.getpwnam("zabbix")
        for path in (self.base, conf):
            os.chown(path, account.pw_uid, account.pw_gid)
        conf.chmod(0o600)
        return conf

    def start(self) -> None:
        """Start zabbix_server in the foreground and wait until its trapper port answers."""
        conf = self.base / "zabbix_server.conf"
        binary = proc.find_program("zabbix_server")
        self.server = proc.start(
            [binary, "-f", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for("zabbix_server to listen", lambda: self._server_alive() and port_open(self.port))

    def _server_alive(self) -> bool:
        if self.server is not None and self.server.poll() is not None:
            raise RuntimeError(f"zabbix_server exited: {self.log_tail()}")
        return True

    def stop(self) -> None:
        """Stop zabbix_server (SIGTERM, then SIGKILL) and wait until the port is free."""
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None
        wait_for("the trapper port to close", lambda: not port_open(self.port))

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return "\n".join((self.base / "zabbix_server.log").read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- API ------------------------------------------------------------------------------
    def start_api(self) -> ZabbixAPI:
        """The frontend under `php -S`, logged in as Admin."""
        if PHP_CONF.exists():
            self._saved_php_conf = PHP_CONF.read_bytes()
        PHP_CONF.write_text(PHP_CONF_TEXT)
        env = dict(
            os.environ,
            QFON_ZBX_DB_HOST="127.0.0.1",
            QFON_ZBX_DB_PORT=str(self.mariadb.port),
            QFON_ZBX_DB_PASSWORD=self.password,
            QFON_ZBX_SERVER_PORT=str(self.port),
        )
        php = proc.find_program("php")
        self.php = proc.start(
            [php, "-S", f"127.0.0.1:{self.api_port}", "-t", str(FRONTEND)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{self.api_port}/api_jsonrpc.php"

        def login() -> ZabbixAPI:
            api = ZabbixAPI(url=url, timeout=30)
            api.login(user="Admin", password="zabbix")
            return api

        self.api = wait_for("the Zabbix API", login)
        return self.api

    def call(self, method: str, *args: Any, **params: Any) -> Any:
        """One API call, e.g. `call("host.get", filter={...})`."""
        assert self.api is not None
        group, name = method.split(".")
        target = getattr(self.api, group)
        return getattr(target, name + ("_" if name == "import" else ""))(*args, **params)

    def close(self) -> None:
        """Stop everything and remove the folder and the frontend config."""
        if self.api is not None:
            with contextlib.suppress(Exception):  # best effort on the way out
                self.api.logout()
        for child in (self.php,):
            if child is not None and child.poll() is None:
                child.terminate()
                child.wait(timeout=30)
        if self.server is not None:
            self.stop()
        if self._saved_php_conf is not None:
            PHP_CONF.write_bytes(self._saved_php_conf)
        else:
            PHP_CONF.unlink(missing_ok=True)
        shutil.rmtree(self.base, ignore_errors=True)
