"""Real filesystems: discovery with the official template's filters, sizes as the agent computes.

`pused` is computed here (psutil's `percent` is rounded to one decimal); `used` counts blocks in
use, `free` the blocks available to unprivileged users, as `vfs.fs.size` does.
"""

from __future__ import annotations

import os
import re

import psutil

from agent.keys import param
from agent.values import Batch

FSTYPE_MATCHES = re.compile(
    r"^(btrfs|ext2|ext3|ext4|reiser|xfs|ffs|ufs|jfs|jfs2|vxfs|hfs|apfs|refs|ntfs|fat32|zfs)$"
)
FSNAME_NOT_MATCHES = re.compile(r"^(/dev|/sys|/run|/proc|.+/shm$)")


def wanted(fsname: str, fstype: str) -> bool:
    """Whether the template's `{$VFS.FS.FSTYPE.MATCHES}`/`{$VFS.FS.FSNAME.NOT_MATCHES}` keep it."""
    return bool(FSTYPE_MATCHES.search(fstype)) and not FSNAME_NOT_MATCHES.search(fsname)


def discover() -> list[dict[str, str]]:
    """LLD rows `{#FSNAME}`, `{#FSTYPE}` of the mounted real filesystems, one per mount point."""
    seen: dict[str, str] = {}
    for part in psutil.disk_partitions(all=False):
        if part.mountpoint not in seen and wanted(part.mountpoint, part.fstype):
            seen[part.mountpoint] = part.fstype
    return [{"{#FSNAME}": name, "{#FSTYPE}": kind} for name, kind in sorted(seen.items())]


def sizes(mountpoint: str) -> dict[str, float | int] | None:
    """total/used/free bytes, pused % and inode pfree % of one mount; None if it is gone."""
    try:
        st = os.statvfs(mountpoint)
    except OSError:
        return None
    total = st.f_blocks * st.f_frsize
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    free = st.f_bavail * st.f_frsize
    result: dict[str, float | int] = {"total": total, "used": used, "free": free}
    if used + free:
        result["pused"] = 100.0 * used / (used + free)
    if st.f_files:
        result["ipfree"] = 100.0 * st.f_favail / st.f_files
    return result


def collect(batch: Batch, rows: list[dict[str, str]]) -> None:
    """The values of every discovered filesystem."""
    for row in rows:
        name = param(row["{#FSNAME}"])
        mount = row["{#FSNAME}"]
        found = sizes(mount)
        if found is None:
            continue
        for mode in ("total", "used", "free", "pused"):
            batch.add(f"vfs.fs.size[{name},{mode}]", found.get(mode))
        batch.add(f"vfs.fs.inode[{name},pfree]", found.get("ipfree"))
