"""Tables Asterisk writes: CDRs, the queue log (two layouts), trunk load. Analytics read them."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.dialects.mysql import DATETIME

metadata = MetaData()

cdr = Table(
    "ast_cdr_adaptive",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("calldate", DateTime, nullable=False),
    Column("clid", String(80), nullable=False, server_default=""),
    Column("src", String(80), nullable=False, server_default=""),
    Column("dst", String(80), nullable=False, server_default=""),
    Column("dcontext", String(80), nullable=False, server_default=""),
    Column("channel", String(80), nullable=False, server_default=""),
    Column("dstchannel", String(80), nullable=False, server_default=""),
    Column("lastapp", String(80), nullable=False, server_default=""),
    Column("lastdata", String(80), nullable=False, server_default=""),
    Column("duration", Integer, nullable=False, server_default="0"),
    Column("billsec", Integer, nullable=False, server_default="0"),
    Column("disposition", String(45), nullable=False, server_default=""),
    Column("amaflags", Integer, nullable=False, server_default="0"),
    Column("accountcode", String(20), nullable=False, server_default=""),
    Column("uniqueid", String(32), nullable=False, server_default=""),
    Column("userfield", String(255), nullable=False, server_default=""),
    Column("linkedid", String(32), nullable=True),
    Column("recordingfile", String(255), nullable=True),
    Index("ix_cdr_calldate", "calldate"),
    Index("ix_cdr_uniqueid", "uniqueid"),
    Index("ix_cdr_linkedid", "linkedid"),
    mysql_engine="InnoDB",
    mysql_charset="utf8mb4",
)


def _queue_log_head() -> list[Column]:
    return [
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("callid", String(32), nullable=False, server_default=""),
        Column("queuename", String(32), nullable=False, server_default=""),
        Column("agent", String(80), nullable=False, server_default=""),
        Column("event", String(32), nullable=False, server_default=""),
    ]


# Asterisk 1.6 realtime (this platform's version): `time` is a Unix epoch in digits, one `data`
# column with every argument joined by `|`.
queue_log_v16 = Table(
    "ast_queue_log",
    MetaData(),
    *_queue_log_head(),
    Column("time", String(26), nullable=False, server_default=""),
    Column("data", String(255), nullable=False, server_default=""),
    Index("ix_queue_log_time", "time"),
    Index("ix_queue_log_callid", "callid"),
    mysql_engine="InnoDB",
    mysql_charset="utf8mb4",
)

# Asterisk >= 1.8: `time` a DATETIME(6) of local time, arguments in data1..data5.
queue_log_v18 = Table(
    "ast_queue_log",
    MetaData(),
    *_queue_log_head(),
    Column("time", DATETIME(fsp=6), nullable=True),
    *[Column(f"data{i}", String(100), nullable=False, server_default="") for i in range(1, 6)],
    Index("ix_queue_log_time", "time"),
    Index("ix_queue_log_callid", "callid"),
    mysql_engine="InnoDB",
    mysql_charset="utf8mb4",
)

QueueLogLayout = Literal["1.6", "1.8"]


def queue_log_for_layout(layout: QueueLogLayout) -> Table:
    """The queue-log table of an Asterisk version's layout."""
    return queue_log_v16 if layout == "1.6" else queue_log_v18


inuse = Table(
    "inuse",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("ts", DateTime, nullable=False),
    Column("sip_trunk_id", Integer, nullable=False),
    Column("calls", Integer, nullable=False, server_default="0"),
    Index("ix_inuse_ts", "ts"),
    Index("ix_inuse_trunk_ts", "sip_trunk_id", "ts"),
    mysql_engine="InnoDB",
    mysql_charset="utf8mb4",
)

SOURCE_TABLES = (cdr, inuse)  # plus the queue log, in the layout a tenant uses
