"""Tenant VMs from Xen's toolstack: `xl list` (or `xm list` on old hosts), read through qfon.proc.

A VM is named after its tenant's domain. When neither tool exists the host has no Xen: the state
is unsupported, which is reported once and never confused with a VM being down.
"""

from __future__ import annotations

import logging
import os

from qfon import proc
from qfon.errors import ToolMissing

log = logging.getLogger(__name__)

STOPPED_FLAGS = set("psc d".replace(" ", ""))  # paused, shutdown, crashed, dying


def find_tool() -> str | None:
    """The path of `xl` (preferred) or `xm`, or None when the host has no Xen toolstack."""
    try:
        return proc.find_program("xl", "xm")
    except ToolMissing:
        return None


def parse_list(text: str) -> dict[str, str]:
    """`xl list` / `xm list` output as {VM name: state flags}; Domain-0 left out.

    Columns: Name ID Mem VCPUs State Time(s); the state is six flag positions (`r-----`).
    """
    vms: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5 or fields[0] in ("Name", "Domain-0"):
            continue
        state = next((f for f in fields[1:] if len(f) == 6 and set(f) <= set("rbpscd-")), None)
        if state is not None:
            vms[fields[0]] = state
    return vms


def is_running(state: str | None) -> bool:
    """Running or blocked (idle) counts as up; paused, shut down, crashed or dying do not."""
    return state is not None and not (set(state) & STOPPED_FLAGS)


def list_vms(tool: str, timeout: float = 30.0) -> dict[str, str]:
    """The host's VMs and their states (raises qfon's CommandFailed when the tool fails)."""
    result = proc.run(tool, "list", timeout=timeout)
    return parse_list(result.stdout.decode("utf-8", "replace"))


def tool_name(tool: str | None) -> str:
    """How the tool is reported: `xl`, `xm`, or `unsupported`."""
    return os.path.basename(tool) if tool else "unsupported"
