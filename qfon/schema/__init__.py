"""SQLAlchemy Core definitions of every tenant table (`../shared/spec/tenant-schema.md`).

Tables carry no schema: the same `Table` is bound to each tenant's database with
`schema_translate_map={None: domain}` (see `qfon.db.tenant_connection`).
"""

from qfon.schema.analytics import (
    ANALYTICS_TABLES,
    call_stats,
    pipeline_state,
    queue_calls_stats,
    user_stats,
)
from qfon.schema.platform import (
    PLATFORM_TABLES,
    dial_numbers,
    directions,
    log_captcha,
    options,
    queue_members,
    queues,
    sip_trunks,
    system_user,
    users,
)
from qfon.schema.source import (
    SOURCE_TABLES,
    cdr,
    inuse,
    queue_log_for_layout,
    queue_log_v16,
    queue_log_v18,
)

__all__ = [
    "ANALYTICS_TABLES",
    "PLATFORM_TABLES",
    "SOURCE_TABLES",
    "call_stats",
    "cdr",
    "dial_numbers",
    "directions",
    "inuse",
    "log_captcha",
    "options",
    "pipeline_state",
    "queue_calls_stats",
    "queue_log_for_layout",
    "queue_log_v16",
    "queue_log_v18",
    "queue_members",
    "queues",
    "sip_trunks",
    "system_user",
    "user_stats",
    "users",
]
