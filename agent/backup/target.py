"""Where backups live: a local folder or `user@host:/path` over ssh, behind one small interface.

Local writes are atomic (temporary file, fsync, rename); everything is 0600 / 0700. A remote target
is driven with `ssh` and `rsync -e ssh`; dumps are staged locally under `backup.work_dir` first.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
from pathlib import Path

from agent.backup.manifest import MANIFEST, Manifest
from qfon import proc
from qfon.errors import QfonError
from qfon.settings import Settings

REMOTE_RE = re.compile(r"^(?P<host>[^/:\s]+):(?P<path>/.*)$")


def write_private(path: Path, data: bytes) -> None:
    """Write a file atomically with mode 0600 (temporary name, fsync, rename, fsync folder)."""
    tmp = path.with_name(path.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def private_dir(path: Path) -> Path:
    """Create a folder (and parents) with mode 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class LocalTarget:
    """Backups in a folder of this host."""

    remote = False

    def __init__(self, root: Path, work_dir: Path) -> None:
        self.root = root
        self.work_dir = work_dir
        self.label = str(root)

    def ensure(self) -> None:
        private_dir(self.root)

    def lock_path(self) -> Path:
        return self.root / ".lock"

    def staging(self, name: str) -> Path:
        """Where dumps of the backup being built under `name` are written."""
        return private_dir(self.root / name / "db")

    def upload_staging(self, name: str) -> None:
        """Nothing to do: dumps were written in place."""

    def abs_path(self, rel: str) -> str:
        return str(self.root / rel)

    def rsync_path(self, rel: str) -> str:
        """The path for rsync, keeping a trailing slash (it means 'the folder's content')."""
        return str(self.root / rel) + ("/" if rel.endswith("/") else "")

    def rsync_options(self) -> list[str]:
        return []

    def mkdir(self, rel: str) -> None:
        private_dir(self.root / rel)

    def rename(self, old: str, new: str) -> None:
        os.rename(self.root / old, self.root / new)
        fsync_dir(self.root)

    def remove(self, rel: str) -> None:
        shutil.rmtree(self.root / rel, ignore_errors=True)

    def exists(self, rel: str) -> bool:
        return (self.root / rel).exists()

    def read_text(self, rel: str) -> str | None:
        try:
            return (self.root / rel).read_text()
        except FileNotFoundError:
            return None

    def write_text(self, rel: str, text: str) -> None:
        write_private(self.root / rel, text.encode())

    def manifests(self) -> dict[str, str]:
        """Raw manifest text of every finished backup folder, by folder name."""
        found = {}
        if self.root.is_dir():
            for entry in self.root.iterdir():
                text = self.read_text(f"{entry.name}/{MANIFEST}") if entry.is_dir() else None
                if text is not None:
                    found[entry.name] = text
        return found

    def entries(self) -> list[str]:
        return sorted(e.name for e in self.root.iterdir()) if self.root.is_dir() else []

    def local_file(self, rel: str, scratch: Path) -> Path:
        """A local path holding the target's file `rel` (itself here)."""
        return self.root / rel


class RemoteTarget:
    """Backups on another host, reached with ssh (key and options from `[backup]`)."""

    remote = True

    def __init__(self, host: str, root: str, key: Path | None, options: list[str], work_dir: Path):
        self.host = host
        self.root = root.rstrip("/") or "/"
        self.work_dir = work_dir
        self.label = f"{host}:{self.root}"
        self.ssh_argv = ["-o", "BatchMode=yes", *(["-i", str(key)] if key else []), *options]

    def _path(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def sh(self, script: str, stdin: bytes | None = None, ok_codes: tuple[int, ...] = (0,)) -> str:
        """Run a shell snippet on the target host; its stdout as text."""
        options = {"in_": stdin} if stdin is not None else {}
        ssh = proc.find_program("ssh")
        result = proc.run(
            ssh, *self.ssh_argv, self.host, "--", script, ok_codes=ok_codes, **options
        )
        return result.stdout.decode("utf-8", "replace")

    def ensure(self) -> None:
        self.sh(f"umask 077 && mkdir -p {shlex.quote(self.root)}")

    def lock_path(self) -> Path:
        private_dir(self.work_dir)
        return self.work_dir / f"{hashlib.sha1(self.label.encode()).hexdigest()[:12]}.lock"  # noqa: S324

    def staging(self, name: str) -> Path:
        shutil.rmtree(self.work_dir / name, ignore_errors=True)
        return private_dir(self.work_dir / name / "db")

    def upload_staging(self, name: str) -> None:
        """Copy the staged dumps into the backup being built, then drop the local copy."""
        self.mkdir(f"{name}/db")
        rsync = proc.find_program("rsync")
        proc.run(
            rsync,
            "-a",
            *self.rsync_options(),
            f"{self.work_dir / name / 'db'}/",
            self.rsync_path(f"{name}/db/"),
        )
        shutil.rmtree(self.work_dir / name, ignore_errors=True)

    def abs_path(self, rel: str) -> str:
        return self._path(rel)

    def rsync_path(self, rel: str) -> str:
        return f"{self.host}:{self._path(rel)}"

    def rsync_options(self) -> list[str]:
        return ["-e", shlex.join([proc.find_program("ssh"), *self.ssh_argv])]

    def mkdir(self, rel: str) -> None:
        self.sh(f"umask 077 && mkdir -p {shlex.quote(self._path(rel))}")

    def rename(self, old: str, new: str) -> None:
        self.sh(f"mv -T {shlex.quote(self._path(old))} {shlex.quote(self._path(new))}")

    def remove(self, rel: str) -> None:
        if rel:
            self.sh(f"rm -rf -- {shlex.quote(self._path(rel))}")

    def exists(self, rel: str) -> bool:
        return self.sh(f"test -e {shlex.quote(self._path(rel))} && echo y", ok_codes=(0, 1)) != ""

    def read_text(self, rel: str) -> str | None:
        path = shlex.quote(self._path(rel))
        out = self.sh(f"test -f {path} && cat {path} && echo", ok_codes=(0, 1))
        return out[:-1] if out else None

    def write_text(self, rel: str, text: str) -> None:
        path = shlex.quote(self._path(rel))
        tmp = shlex.quote(self._path(rel) + ".partial")
        self.sh(f"umask 077 && cat > {tmp} && sync {tmp} && mv {tmp} {path}", stdin=text.encode())

    def manifests(self) -> dict[str, str]:
        script = (
            f"cd {shlex.quote(self.root)} 2>/dev/null || exit 0; for f in */{MANIFEST}; do "
            '[ -f "$f" ] && printf \'%s\\0\' "${f%%/*}" && cat "$f" && printf \'\\0\'; done; true'
        )
        parts = self.sh(script).split("\0")
        return dict(zip(parts[0:-1:2], parts[1::2], strict=False))

    def entries(self) -> list[str]:
        out = self.sh(f"ls -1 {shlex.quote(self.root)} 2>/dev/null; true")
        return sorted(line for line in out.splitlines() if line)

    def local_file(self, rel: str, scratch: Path) -> Path:
        """Download the target's file `rel` into the local folder `scratch`."""
        rsync = proc.find_program("rsync")
        dest = private_dir(scratch) / Path(rel).name
        proc.run(rsync, "-a", *self.rsync_options(), self.rsync_path(rel), str(dest))
        return dest


Target = LocalTarget | RemoteTarget


def open_target(settings: Settings) -> Target:
    """The configured target: `user@host:/path` means ssh, anything else a local folder."""
    spec = settings.backup.target
    match = REMOTE_RE.match(spec)
    if match:
        b = settings.backup
        return RemoteTarget(match["host"], match["path"], b.ssh_key, b.ssh_options, b.work_dir)
    if not spec.startswith("/"):
        raise QfonError(f"backup.target must be an absolute path or user@host:/path, not {spec!r}")
    return LocalTarget(Path(spec), settings.backup.work_dir)


def load_manifests(target: Target) -> list[Manifest]:
    """Every finished backup of a target, oldest first (unreadable manifests are skipped)."""
    found = []
    for name, text in target.manifests().items():
        try:
            manifest = Manifest.from_json(text)
        except (ValueError, TypeError, KeyError):
            continue
        if manifest.id == name:
            found.append(manifest)
    return sorted(found, key=lambda m: m.id)
