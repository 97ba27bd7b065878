"""A throwaway MariaDB server for the demo and the tests: own data dir, socket and loopback port.

    with PrivateMariaDB() as server:
        engine = create_engine(server.url)

It works as root (the server is told to keep running as root) and removes everything on exit,
Ctrl-C included.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import pymysql

from qfon import proc
from qfon.errors import QfonError

log = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateMariaDB:
    """Start, hand out URLs for, and remove a private MariaDB server."""

    def __init__(
        self,
        base_dir: str | Path | None = None,
        port: int | None = None,
        buffer_pool: str = "256M",
        extra_options: tuple[str, ...] = (),
    ) -> None:
        self._own_dir = base_dir is None
        self.base = Path(base_dir or tempfile.mkdtemp(prefix="qfon-mariadb-"))
        self.port = port or free_port()
        self.buffer_pool = buffer_pool
        self.extra_options = extra_options
        self.datadir = self.base / "data"
        self.rundir = self.base / "run"
        self.socket = self.rundir / "mysqld.sock"
        self.error_log = self.base / "error.log"
        self.tmpdir = self.base / "tmp"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """SQLAlchemy URL over the Unix socket (fastest; used by qfon itself)."""
        return f"mysql+pymysql://root@localhost/?unix_socket={self.socket}"

    @property
    def tcp_url(self) -> str:
        """SQLAlchemy URL over loopback TCP (for clients that cannot use the socket)."""
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/"

    def _user_option(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def start(self, timeout: float = 60.0) -> PrivateMariaDB:
        """Initialise the data dir, start `mariadbd` and wait until it answers."""
        install_db = proc.find_program("mariadb-install-db", "mysql_install_db")
        server = proc.find_program("mariadbd", "mysqld")
        self.base.mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o755)
        self.rundir.mkdir(exist_ok=True)
        self.rundir.chmod(0o755)  # other local users (zabbix) may connect through the socket
        self.tmpdir.mkdir(exist_ok=True)
        if not (self.datadir / "mysql").is_dir():
            self._install_db(install_db)
        argv = [
            server,
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--tmpdir={self.tmpdir}",
            f"--socket={self.socket}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={self.rundir / 'mysqld.pid'}",
            f"--log-error={self.error_log}",
            "--skip-log-bin",
            "--skip-name-resolve",
            f"--innodb-buffer-pool-size={self.buffer_pool}",
            "--innodb-flush-log-at-trx-commit=2",
            "--innodb-log-file-size=256M",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci",
            "--local-infile=1",
            "--max-connections=400",
            "--max-allowed-packet=256M",
            "--event-scheduler=OFF",
            *self._user_option(),
            *self.extra_options,
        ]
        self.process = proc.start(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready(timeout)
        log.info("private MariaDB ready on %s (port %s)", self.socket, self.port)
        return self

    def _install_db(self, install_db: str) -> None:
        """Create the system tables; retried once from scratch (bootstrap can fail under load)."""
        for attempt in (1, 2):
            try:
                proc.run(
                    install_db,
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    f"--tmpdir={self.tmpdir}",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    *self._user_option(),
                    timeout=300,
                )
                return
            except proc.CommandFailed:
                if attempt == 2:
                    raise
                log.warning("mariadb-install-db failed; trying once more")
                shutil.rmtree(self.datadir, ignore_errors=True)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise QfonError(f"mariadbd exited at start: {self._error_tail()}")
            if self._socket_answers():
                try:
                    pymysql.connect(unix_socket=str(self.socket), user="root").close()
                    return
                except pymysql.err.OperationalError:
                    pass
            time.sleep(0.1)
        self.stop()
        raise QfonError(f"mariadbd did not answer within {timeout:.0f} s: {self._error_tail()}")

    def _socket_answers(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(str(self.socket))
            except OSError:
                return False
            return True

    def _error_tail(self) -> str:
        try:
            return " | ".join(self.error_log.read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return "no error log"

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and remove its files if we made them."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._own_dir:
            shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> PrivateMariaDB:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
