"""The template's discovery rules: filesystems, interfaces, services, tenants, tenant VMs.

Prototype keys, filters and the filesystem trigger follow the official "Linux by Zabbix agent".
"""

from __future__ import annotations

from typing import Any

from template_parts import f, i, trigger

FS = "vfs.fs.size[{#FSNAME},{}]"
FS_CRIT = (
    f("last", FS.replace("{}", "pused"))
    + '>{$VFS.FS.PUSED.MAX.CRIT:"{#FSNAME}"} and (('
    + f("last", FS.replace("{}", "total"))
    + "-"
    + f("last", FS.replace("{}", "used"))
    + ')<{$VFS.FS.FREE.MIN.CRIT:"{#FSNAME}"} or '
    + f("timeleft", FS.replace("{}", "pused"), "1h,100")
    + "<1d)"
)
NET_IN = 'net.if.in["{#IFNAME}"]'
NET_OUT = 'net.if.out["{#IFNAME}"]'
BITS = [("CHANGE_PER_SECOND", ""), ("MULTIPLIER", "8")]
RATE = [("CHANGE_PER_SECOND", "")]

DISCOVERY: list[dict[str, Any]] = [
    {
        "key": "vfs.fs.discovery",
        "name": "Mounted filesystem discovery",
        "filter": [
            ("{#FSTYPE}", "{$VFS.FS.FSTYPE.MATCHES}", "MATCHES_REGEX"),
            ("{#FSNAME}", "{$VFS.FS.FSNAME.NOT_MATCHES}", "NOT_MATCHES_REGEX"),
        ],
        "prototypes": [
            i(FS.replace("{}", "total"), "{#FSNAME}: Total space", units="B", component="storage"),
            i(FS.replace("{}", "used"), "{#FSNAME}: Used space", units="B", component="storage"),
            i(FS.replace("{}", "free"), "{#FSNAME}: Free space", units="B", component="storage"),
            i(
                FS.replace("{}", "pused"),
                "{#FSNAME}: Space utilization",
                value_type="FLOAT",
                units="%",
                component="storage",
            ),
            i(
                "vfs.fs.inode[{#FSNAME},pfree]",
                "{#FSNAME}: Free inodes in %",
                value_type="FLOAT",
                units="%",
                component="storage",
                triggers=[
                    trigger(
                        "{#FSNAME}: Running out of free inodes (free < "
                        '{$VFS.FS.INODE.PFREE.MIN.CRIT:"{#FSNAME}"}%)',
                        f("min", "vfs.fs.inode[{#FSNAME},pfree]", "5m")
                        + '<{$VFS.FS.INODE.PFREE.MIN.CRIT:"{#FSNAME}"}',
                        "AVERAGE",
                    )
                ],
            ),
        ],
        "triggers": [
            {
                "name": "{#FSNAME}: Disk space is critically low (used > "
                '{$VFS.FS.PUSED.MAX.CRIT:"{#FSNAME}"}%)',
                "expression": FS_CRIT,
                "priority": "AVERAGE",
                "description": "Over the threshold with little space left, or full within a day.",
            }
        ],
        "graphs": [
            {
                "name": "{#FSNAME}: Disk space usage",
                "drawtype": "FILLED_REGION",
                "options": {"type": "STACKED"},
                "items": [
                    (FS.replace("{}", "used"), "1A7C11"),
                    (FS.replace("{}", "free"), "00611C"),
                ],
            }
        ],
    },
    {
        "key": "net.if.discovery",
        "name": "Network interface discovery",
        "filter": [("{#IFNAME}", "{$NET.IF.IFNAME.NOT_MATCHES}", "NOT_MATCHES_REGEX")],
        "prototypes": [
            i(
                NET_IN,
                "Interface {#IFNAME}: Bits received",
                units="bps",
                preprocessing=BITS,
                component="network",
            ),
            i(
                NET_OUT,
                "Interface {#IFNAME}: Bits sent",
                units="bps",
                preprocessing=BITS,
                component="network",
            ),
            i(
                'net.if.in["{#IFNAME}",errors]',
                "Interface {#IFNAME}: Inbound packets with errors",
                preprocessing=RATE,
                component="network",
            ),
            i(
                'net.if.out["{#IFNAME}",errors]',
                "Interface {#IFNAME}: Outbound packets with errors",
                preprocessing=RATE,
                component="network",
            ),
            i(
                'net.if.in["{#IFNAME}",dropped]',
                "Interface {#IFNAME}: Inbound packets discarded",
                preprocessing=RATE,
                component="network",
            ),
            i(
                'net.if.out["{#IFNAME}",dropped]',
                "Interface {#IFNAME}: Outbound packets discarded",
                preprocessing=RATE,
                component="network",
            ),
        ],
        "graphs": [
            {
                "name": "Interface {#IFNAME}: Network traffic",
                "items": [(NET_IN, "1A7C11"), (NET_OUT, "2774A4")],
            }
        ],
    },
    {
        "key": "pbx.service.discovery",
        "name": "Service discovery (agent.services)",
        "lifetime": "1d",
        "prototypes": [
            i(
                "pbx.service.up[{#SERVICE}]",
                "Service {#SERVICE}: up",
                component="services",
                triggers=[
                    trigger(
                        "Service {#SERVICE} is down",
                        f("last", "pbx.service.up[{#SERVICE}]") + "=0",
                        "HIGH",
                    )
                ],
            ),
            i(
                "pbx.service.procs[{#SERVICE}]",
                "Service {#SERVICE}: processes",
                component="services",
            ),
        ],
    },
    {
        "key": "pbx.tenant.discovery",
        "name": "Tenant discovery",
        "prototypes": [
            i(
                "pbx.tenant.recordings.size[{#TENANT}]",
                "Tenant {#TENANT}: recordings size",
                units="B",
                component="tenant",
            ),
            i(
                "pbx.tenant.pipeline.lag[{#TENANT}]",
                "Tenant {#TENANT}: pipeline lag",
                value_type="FLOAT",
                units="s",
                component="pipeline",
                triggers=[
                    trigger(
                        "Tenant {#TENANT}: pipeline lags over {$PBX.PIPELINE.LAG.MAX}",
                        f("last", "pbx.tenant.pipeline.lag[{#TENANT}]")
                        + ">{$PBX.PIPELINE.LAG.MAX}",
                        "AVERAGE",
                    )
                ],
            ),
            i(
                "pbx.tenant.pipeline.last_success[{#TENANT}]",
                "Tenant {#TENANT}: pipeline last success",
                units="unixtime",
                component="pipeline",
            ),
            i(
                "pbx.tenant.pipeline.malformed[{#TENANT}]",
                "Tenant {#TENANT}: malformed rows",
                component="pipeline",
                triggers=[
                    trigger(
                        "Tenant {#TENANT}: the pipeline met malformed rows",
                        f("last", "pbx.tenant.pipeline.malformed[{#TENANT}]")
                        + ">{$PBX.PIPELINE.MALFORMED.MAX}",
                        "WARNING",
                    )
                ],
            ),
            i(
                "pbx.tenant.pipeline.error[{#TENANT}]",
                "Tenant {#TENANT}: pipeline error",
                component="pipeline",
                triggers=[
                    trigger(
                        "Tenant {#TENANT}: the pipeline reports an error",
                        f("last", "pbx.tenant.pipeline.error[{#TENANT}]") + "=1",
                        "WARNING",
                    )
                ],
            ),
            i(
                "pbx.tenant.backup.age[{#TENANT}]",
                "Tenant {#TENANT}: age of last good backup",
                units="s",
                component="backup",
                triggers=[
                    trigger(
                        "Tenant {#TENANT}: last good backup older than {$PBX.BACKUP.AGE.MAX}",
                        f("last", "pbx.tenant.backup.age[{#TENANT}]") + ">{$PBX.BACKUP.AGE.MAX}",
                        "HIGH",
                    )
                ],
            ),
            i(
                "pbx.tenant.backup.status[{#TENANT}]",
                "Tenant {#TENANT}: last backup status",
                value_type="CHAR",
                component="backup",
                triggers=[
                    trigger(
                        "Tenant {#TENANT}: last backup failed",
                        f("last", "pbx.tenant.backup.status[{#TENANT}]") + '="failed"',
                        "AVERAGE",
                    ),
                    trigger(
                        "Tenant {#TENANT}: never backed up",
                        f("last", "pbx.tenant.backup.status[{#TENANT}]") + '="none"',
                        "WARNING",
                    ),
                ],
            ),
            i(
                "pbx.tenant.backup.size[{#TENANT}]",
                "Tenant {#TENANT}: last backup size",
                units="B",
                component="backup",
            ),
        ],
    },
    {
        "key": "pbx.tenant.vm.discovery",
        "name": "Tenant VM discovery (Xen)",
        "prototypes": [
            i(
                "pbx.tenant.vm.running[{#TENANT}]",
                "Tenant {#TENANT}: VM running",
                component="xen",
                triggers=[
                    trigger(
                        "Tenant {#TENANT}: VM is not running",
                        f("last", "pbx.tenant.vm.running[{#TENANT}]") + "=0",
                        "HIGH",
                    )
                ],
            ),
        ],
    },
]
