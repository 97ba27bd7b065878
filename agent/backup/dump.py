"""Dump one tenant database through zstd/gzip into a file, and load such a file back.

`mariadb-dump | (this process: row counts) | zstd > file.partial`, fsync, rename. Credentials
reach the clients only through `client_options` (the first option, an anonymous pipe).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.backup.manifest import DumpEntry
from agent.backup.rowcount import RowCounter
from agent.backup.target import fsync_dir, sha256_of
from qfon import proc
from qfon.errors import QfonError
from qfon.mysql_client import client_options

DUMP_FLAGS = (
    "--single-transaction",
    "--quick",
    "--routines",
    "--triggers",
    "--events",
    "--hex-blob",
    "--default-character-set=utf8mb4",
)
EXTENSIONS = {"zstd": ".sql.zst", "gzip": ".sql.gz"}
COMPRESS = {"zstd": ("zstd", "-q", "-c", "-3"), "gzip": ("gzip", "-c", "-6")}
DECOMPRESS = {"zstd": ("zstd", "-q", "-d", "-c"), "gzip": ("gzip", "-d", "-c")}
TEST = {"zstd": ("zstd", "-q", "-t"), "gzip": ("gzip", "-t")}
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


class DumpFailed(QfonError):
    """A dump or a load did not complete."""


def dump_program() -> str:
    return proc.find_program("mariadb-dump", "mysqldump")


def client_program() -> str:
    return proc.find_program("mariadb", "mysql")


def compression_of(path: Path | str) -> str:
    """The compression of a dump file, from its name."""
    return "gzip" if str(path).endswith(".gz") else "zstd"


@dataclass
class _Outcome:
    error: Exception | None = None


def _background(
    target: Callable[[], object], fds: tuple[int, ...]
) -> tuple[threading.Thread, _Outcome]:
    """Run `target` in a thread; record its error; close `fds` when it ends."""
    outcome = _Outcome()

    def body() -> None:
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            outcome.error = exc
        finally:
            for fd in fds:
                os.close(fd)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, outcome


def _forward(read_fd: int, write_fd: int) -> RowCounter:
    """Copy the dump stream to the compressor, counting rows per table on the way."""
    counter = RowCounter()
    for fd in (read_fd, write_fd):
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, F_SETPIPE_SZ, 1 << 20)
    while chunk := os.read(read_fd, 1 << 20):
        counter.feed(chunk)
        view = memoryview(chunk)
        while view:
            view = view[os.write(write_fd, view) :]
    return counter


def dump_database(url: str, domain: str, folder: Path, compression: str = "zstd") -> DumpEntry:
    """Dump `domain` into `folder/<domain>.sql.zst` (or .gz); its size, sha256 and row counts."""
    final = folder / f"{domain}{EXTENSIONS[compression]}"
    partial = final.with_name(final.name + ".partial")
    out_fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    dump_r, dump_w = os.pipe()
    pack_r, pack_w = os.pipe()
    program, *args = COMPRESS[compression]
    packer, packed = _background(
        lambda: proc.run(proc.find_program(program), *args, in_=pack_r, out=out_fd), (pack_r,)
    )

    def dump() -> None:
        with client_options(url) as client:
            proc.run(
                dump_program(),
                client.option,
                *DUMP_FLAGS,
                domain,
                out=dump_w,
                pass_fds=(client.fd,),
            )

    dumper, dumped = _background(dump, (dump_w,))
    counter = RowCounter()
    try:
        counter = _forward(dump_r, pack_w)
    except OSError:
        pass  # the compressor died: its own error says why
    finally:
        os.close(pack_w)
        os.close(dump_r)
        dumper.join()
        packer.join()
    try:
        error = packed.error or dumped.error
        if error is None and not counter.complete:
            error = DumpFailed("the dump ended without its '-- Dump completed' line")
        if error is None:
            os.fsync(out_fd)
    finally:
        os.close(out_fd)
    if error is not None:
        partial.unlink(missing_ok=True)
        raise DumpFailed(f"dump of {domain} failed: {error}")
    os.replace(partial, final)
    fsync_dir(folder)
    return DumpEntry(final.name, sha256_of(final), final.stat().st_size, counter.counts)


def test_archive(path: Path) -> None:
    """`zstd -t` / `gzip -t` of a dump file."""
    program, *args = TEST[compression_of(path)]
    try:
        proc.run(proc.find_program(program), *args, str(path))
    except proc.CommandFailed as exc:
        raise DumpFailed(f"{path.name} is damaged: {exc}") from None


def load_dump(url: str, database: str, path: Path) -> None:
    """Stream a compressed dump into an existing database with the `mariadb` client."""
    program, *args = DECOMPRESS[compression_of(path)]
    read_fd, write_fd = os.pipe()
    unpacker, unpacked = _background(
        lambda: proc.run(proc.find_program(program), *args, str(path), out=write_fd), (write_fd,)
    )
    try:
        with client_options(url) as client:
            proc.run(
                client_program(),
                client.option,
                "--default-character-set=utf8mb4",
                "--batch",
                database,
                in_=read_fd,
                pass_fds=(client.fd,),
            )
    except proc.CommandFailed as exc:
        raise DumpFailed(f"loading {path.name} into {database} failed: {exc}") from None
    finally:
        os.close(read_fd)
        unpacker.join()
    if unpacked.error is not None:
        raise DumpFailed(f"reading {path.name} failed: {unpacked.error}")
