"""The template's content as plain data: items, discovery rules, triggers, graphs, macros.

Keys, units and meanings follow the official "Linux by Zabbix agent" template where one exists;
the `pbx.*` keys are the platform's own. Expressions use 6.0 syntax `func(/host/key,params)`.
"""

from __future__ import annotations

from typing import Any

T = "PBX host by qfon agent"
CPU_MODES = (
    "user",
    "nice",
    "system",
    "idle",
    "iowait",
    "interrupt",
    "softirq",
    "steal",
    "guest",
    "guest_nice",
)


def f(func: str, key: str, params: str = "") -> str:
    """`func(/T/key[,params])`."""
    return f"{func}(/{T}/{key}{',' + params if params else ''})"


def trigger(name: str, expression: str, priority: str) -> dict[str, str]:
    """A trigger spec (name, 6.0 expression, severity)."""
    return {"name": name, "expression": expression, "priority": priority}


def i(key: str, name: str, **extra: Any) -> dict[str, Any]:
    """An item spec."""
    return {"key": key, "name": name, **extra}


ITEMS: list[dict[str, Any]] = [
    i(
        "system.cpu.util",
        "CPU utilization",
        value_type="FLOAT",
        units="%",
        component="cpu",
        triggers=[
            trigger(
                "High CPU utilization (over {$CPU.UTIL.CRIT}% for 5m)",
                f("min", "system.cpu.util", "5m") + ">{$CPU.UTIL.CRIT}",
                "WARNING",
            )
        ],
    ),
    *[
        i(f"system.cpu.util[,{m}]", f"CPU {m} time", value_type="FLOAT", units="%", component="cpu")
        for m in CPU_MODES
    ],
    i("system.cpu.num", "Number of CPUs", component="cpu"),
    *[
        i(
            f"system.cpu.load[all,{a}]",
            f"Load average ({a[3:]}m avg)",
            value_type="FLOAT",
            component="cpu",
        )
        for a in ("avg1", "avg5", "avg15")
    ],
    i("vm.memory.size[total]", "Total memory", units="B", component="memory"),
    i("vm.memory.size[available]", "Available memory", units="B", component="memory"),
    i(
        "vm.memory.size[pavailable]",
        "Available memory in %",
        value_type="FLOAT",
        units="%",
        component="memory",
    ),
    i(
        "vm.memory.utilization",
        "Memory utilization",
        value_type="FLOAT",
        units="%",
        component="memory",
    ),
    i("system.swap.size[,total]", "Total swap space", units="B", component="memory"),
    i("system.swap.size[,free]", "Free swap space", units="B", component="memory"),
    i(
        "system.swap.size[,pfree]",
        "Free swap space in %",
        value_type="FLOAT",
        units="%",
        component="memory",
    ),
    i(
        "system.uptime",
        "System uptime",
        units="uptime",
        triggers=[
            trigger(
                "Host has been restarted (uptime < 10m)",
                f("last", "system.uptime") + "<10m",
                "WARNING",
            )
        ],
    ),
    i("proc.num", "Number of processes", component="os"),
    i(
        "pbx.agent.round.seconds",
        "qfon agent: round duration",
        value_type="FLOAT",
        units="s",
        component="agent",
        triggers=[
            trigger(
                "No data from the qfon agent for {$PBX.AGENT.NODATA}",
                f("nodata", "pbx.agent.round.seconds", "{$PBX.AGENT.NODATA}") + "=1",
                "AVERAGE",
            )
        ],
    ),
    i(
        "pbx.agent.errors",
        "qfon agent: metric families that failed",
        component="agent",
        triggers=[
            trigger(
                "qfon agent cannot collect some metrics",
                f("min", "pbx.agent.errors", "10m") + ">0",
                "WARNING",
            )
        ],
    ),
    i("pbx.agent.spool.values", "qfon agent: values waiting in the spool", component="agent"),
    i(
        "pbx.agent.spool.dropped",
        "qfon agent: spooled values dropped",
        component="agent",
        triggers=[
            trigger(
                "qfon agent dropped spooled values (spool full)",
                f("change", "pbx.agent.spool.dropped") + ">0",
                "WARNING",
            )
        ],
    ),
    i(
        "pbx.xen.toolstack",
        "Xen toolstack (xl, xm or unsupported)",
        value_type="CHAR",
        component="xen",
    ),
    i(
        "pbx.backup.status",
        "Backup: last run status",
        value_type="CHAR",
        component="backup",
        triggers=[
            trigger("Last backup failed", f("last", "pbx.backup.status") + '="failed"', "HIGH"),
            trigger(
                "Last backup partly failed",
                f("last", "pbx.backup.status") + '="partial"',
                "AVERAGE",
            ),
        ],
    ),
    i("pbx.backup.size", "Backup: last run size", units="B", component="backup"),
    i(
        "pbx.backup.duration",
        "Backup: last run duration",
        value_type="FLOAT",
        units="s",
        component="backup",
    ),
    i("pbx.backup.finished", "Backup: last run finished", units="unixtime", component="backup"),
    i("pbx.backup.failures", "Backup: failures in the last run", component="backup"),
]

HOST_TRIGGERS = [
    trigger(
        "Lack of available memory (under {$MEMORY.PAVAILABLE.MIN}% for 5m)",
        f("max", "vm.memory.size[pavailable]", "5m")
        + "<{$MEMORY.PAVAILABLE.MIN}"
        + " and "
        + f("last", "vm.memory.size[total]")
        + ">0",
        "AVERAGE",
    ),
]

GRAPHS: list[dict[str, Any]] = [
    {
        "name": "CPU utilization",
        "drawtype": "FILLED_REGION",
        "options": {"type": "STACKED", "ymin_type_1": "FIXED", "ymax_type_1": "FIXED"},
        "items": [
            (f"system.cpu.util[,{m}]", c)
            for m, c in zip(
                ("system", "user", "iowait", "nice", "interrupt", "softirq", "steal", "guest"),
                ("199C0D", "F63100", "2774A4", "F7941D", "FC6EA3", "6C59DC", "C7A72D", "BA2A5D"),
                strict=True,
            )
        ],
    },
    {
        "name": "CPU load",
        "items": [
            ("system.cpu.load[all,avg1]", "199C0D"),
            ("system.cpu.load[all,avg5]", "2774A4"),
            ("system.cpu.load[all,avg15]", "F63100"),
        ],
    },
    {
        "name": "Memory usage",
        "items": [("vm.memory.size[total]", "1A7C11"), ("vm.memory.size[available]", "2774A4")],
    },
    {
        "name": "Swap usage",
        "items": [("system.swap.size[,total]", "1A7C11"), ("system.swap.size[,free]", "2774A4")],
    },
    {
        "name": "Backup size and duration",
        "items": [("pbx.backup.size", "1A7C11"), ("pbx.backup.duration", "F63100")],
    },
    {
        "name": "qfon agent spool",
        "items": [("pbx.agent.spool.values", "2774A4"), ("pbx.agent.spool.dropped", "F63100")],
    },
]

MACROS = [
    ("{$CPU.UTIL.CRIT}", "90", "CPU utilization threshold, %"),
    ("{$MEMORY.PAVAILABLE.MIN}", "10", "Available memory threshold, %"),
    ("{$VFS.FS.PUSED.MAX.CRIT}", "90", "Filesystem used space threshold, %"),
    ("{$VFS.FS.FREE.MIN.CRIT}", "5G", "Filesystem free space below which the used threshold fires"),
    ("{$VFS.FS.INODE.PFREE.MIN.CRIT}", "10", "Free inodes threshold, %"),
    (
        "{$VFS.FS.FSTYPE.MATCHES}",
        "^(btrfs|ext2|ext3|ext4|reiser|xfs|ffs|ufs|jfs|jfs2|vxfs|hfs|apfs|refs|ntfs|fat32|zfs)$",
        "Filesystem types discovered",
    ),
    ("{$VFS.FS.FSNAME.NOT_MATCHES}", "^(/dev|/sys|/run|/proc|.+/shm$)", "Mount points left out"),
    (
        "{$NET.IF.IFNAME.NOT_MATCHES}",
        "(^Software Loopback Interface|^NULL[0-9.]*$|^[Ll]o[0-9.]*$|^[Ss]ystem$|_nul$"
        "|^veth[0-9a-z]+$|docker[0-9]+|br-[a-z0-9]{12})",
        "Interfaces left out",
    ),
    ("{$PBX.AGENT.NODATA}", "10m", "Silence of the agent that raises a problem"),
    ("{$PBX.BACKUP.AGE.MAX}", "26h", "Oldest acceptable last good backup of a tenant"),
    ("{$PBX.PIPELINE.LAG.MAX}", "30m", "Largest acceptable pipeline lag"),
    ("{$PBX.PIPELINE.MALFORMED.MAX}", "0", "Malformed rows tolerated in the last pass"),
]
