"""Credentials for the MySQL command-line tools, passed off argv and out of the environment.

The `[client]` option file goes through an anonymous pipe as `--defaults-extra-file=/dev/fd/N`,
which must be the first option of the command (the client rejects it anywhere else).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from qfon.logs import mask_secret


@dataclass(frozen=True)
class ClientOptions:
    """The first option for a client and the descriptor to pass to it."""

    option: str
    fd: int


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def client_option_text(url: str) -> str:
    """The `[client]` section for a server URL: user, password, host/port or socket."""
    parsed = make_url(url)
    lines = ["[client]"]
    if parsed.username:
        lines.append(f'user="{_escape(parsed.username)}"')
    if parsed.password:
        password = str(parsed.password)
        mask_secret(password)
        lines.append(f'password="{_escape(password)}"')
    socket_path = parsed.query.get("unix_socket")
    if isinstance(socket_path, tuple):
        socket_path = socket_path[0]
    if socket_path:
        lines.append(f'socket="{_escape(socket_path)}"')
        lines.append("protocol=socket")
    else:
        lines.append(f"host={parsed.host or 'localhost'}")
        lines.append(f"port={parsed.port or 3306}")
        lines.append("protocol=tcp")
    lines.append("default-character-set=utf8mb4")
    return "\n".join(lines) + "\n"


@contextmanager
def client_options(url: str) -> Iterator[ClientOptions]:
    """A pipe holding the option file; pass `.option` first and `.fd` in `pass_fds`."""
    read_fd, write_fd = os.pipe()
    try:
        data = client_option_text(url).encode()
        if len(data) > 60_000:
            raise ValueError("client options too long for a pipe")
        os.set_inheritable(read_fd, True)  # sh passes it on only if inheritable
        os.write(write_fd, data)
        os.close(write_fd)
        write_fd = -1
        yield ClientOptions(option=f"--defaults-extra-file=/dev/fd/{read_fd}", fd=read_fd)
    finally:
        if write_fd >= 0:
            os.close(write_fd)
        os.close(read_fd)
