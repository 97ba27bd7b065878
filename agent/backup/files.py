"""File snapshots with rsync: tenant trees and host config files, hard-linked to the last good one.

Layout inside a backup: `files/<absolute path>` (rsnapshot's), e.g. `files/astconfigs/acme/…` and
`files/etc/default/rtpproxy`. One rsync (`--relative`) copies every tree of every tenant and the
host files with one `--link-dest`, which keeps a nightly run cheap. Exit 24 (vanished files) is a
warning; 23 (partial transfer) fails the trees its error lines name (all of them if none is named).
"""

from __future__ import annotations

import glob
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from agent.backup.target import Target
from qfon import proc
from qfon.settings import Settings

log = logging.getLogger(__name__)

HOST = "_host"
SNAPSHOT_FLAGS = ("-a", "--relative", "--numeric-ids", "--hard-links", "--stats")
RESTORE_FLAGS = ("-a", "--delete", "--numeric-ids", "--hard-links")
WARN, PARTIAL = 24, 23
_BYTES_RE = re.compile(rb"Total transferred file size: ([\d,]+)")


@dataclass
class FilesResult:
    """Per tenant and tree: ok | missing | failed; host files' status; bytes of data copied."""

    trees: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    host_files: str = "ok"
    host_error: str = ""
    bytes_copied: int = 0


def inside(path: Path | str) -> str:
    """Where an absolute path is kept below `files/` (no leading slash)."""
    return str(Path(path).absolute()).lstrip("/")


def _copied(stdout: bytes) -> int:
    match = _BYTES_RE.search(stdout)
    return int(match.group(1).replace(b",", b"")) if match else 0


def blamed(stderr: str, sources: dict[str, str]) -> list[str]:
    """The keys of `sources` (key → path below files/) that rsync's errors name; all if none."""
    named = [
        key
        for key, rel in sources.items()
        if re.search(rf"{re.escape(rel)}(/|\"|:|$)", stderr, re.M)
    ]
    return named or list(sources)


def snapshot_files(
    settings: Settings, target: Target, name: str, previous: str | None, domains: list[str]
) -> FilesResult:
    """Copy every tenant tree and the host files into `<name>/files/`, linking to `previous`."""
    result = FilesResult(trees={d: {} for d in domains})
    sources: dict[str, str] = {}  # "domain/tree" or "_host/path" -> path below files/
    for domain in domains:
        for tree, path in settings.paths.tenant_trees(domain).items():
            if path.is_dir():
                sources[f"{domain}/{tree}"] = inside(path)
            else:
                result.trees[domain][tree] = "missing"
    host = sorted({p for pattern in settings.paths.host_files for p in glob.glob(pattern)})
    sources.update({f"{HOST}/{p}": inside(p) for p in host})
    if not host:
        result.host_files = "missing"
    if not sources:
        return result
    target.mkdir(f"{name}/files")
    link = [f"--link-dest={target.abs_path(f'{previous}/files')}"] if previous else []
    roots = [f"/./{rel}" for rel in sources.values()]
    argv = [*SNAPSHOT_FLAGS, *link, *target.rsync_options(), *roots]
    try:
        done = proc.run(
            proc.find_program("rsync"),
            *argv,
            target.rsync_path(f"{name}/files/"),
            ok_codes=(0, PARTIAL, WARN),
        )
        status, err = done.exit_code, done.stderr.decode("utf-8", "replace")
        result.bytes_copied = _copied(done.stdout)
    except proc.CommandFailed as exc:
        status, err = exc.status or 1, str(exc)
    if status == WARN:
        log.warning("rsync: files vanished while copying (kept as a warning)")
    failed = set(blamed(err, sources)) if status not in (0, WARN) else set()
    tail = " | ".join(err.strip().splitlines()[-3:])
    for key in sources:
        owner, tree = key.split("/", 1)
        if owner == HOST:
            if key in failed:
                result.host_files, result.host_error = (
                    "failed",
                    f"host files: rsync {status}: {tail}",
                )
            continue
        result.trees[owner][tree] = "failed" if key in failed else "ok"
        if key in failed:
            result.errors.setdefault(owner, []).append(f"files {tree}: rsync {status}: {tail}")
    return result


def restore_steps(
    settings: Settings, target: Target, backup_id: str, domain: str, trees: dict[str, str]
) -> list[tuple[str, list[str]]]:
    """The rsync calls that put one tenant's folders back: (description, rsync arguments)."""
    steps = []
    for tree, path in settings.paths.tenant_trees(domain).items():
        if trees.get(tree) != "ok":
            continue
        source = target.rsync_path(f"{backup_id}/files/{inside(path)}/")
        args = [*RESTORE_FLAGS, *target.rsync_options(), source, f"{path}/"]
        steps.append((f"rsync {tree} back into {path} (--delete confined to it)", args))
    return steps


def run_restore_step(args: list[str]) -> None:
    """One rsync of a restore; 24 is a warning, anything else but 0 an error."""
    path = Path(args[-1])
    path.mkdir(parents=True, exist_ok=True)
    proc.run(proc.find_program("rsync"), *args, ok_codes=(0, WARN))
