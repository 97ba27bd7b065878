"""The platform's own tables (manual §3, §4.5): numbers, trunks, users, queues, options, logins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()
_opts: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}

dial_numbers = Table(
    "dial_numbers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False),
    Column("comment", String(255), nullable=False, server_default=""),
    **_opts,
)

# Defaults as the platform manual §4.5.2 gives them.
sip_trunks = Table(
    "sip_trunks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False),
    Column("enabled", String(3), nullable=False, server_default="yes"),
    Column("dial_number_id", Integer, nullable=True),
    Column("dial_rg_prefix", String(10), nullable=False, server_default="8"),
    Column("dial_mn_prefix", String(10), nullable=False, server_default="810"),
    Column("dial_em_prefix", String(10), nullable=False, server_default="0"),
    Column("dialplan_rg_substruct", Integer, nullable=False, server_default="1"),
    Column("username", String(80), nullable=False, server_default=""),
    Column("type", String(10), nullable=False, server_default="peer"),
    Column("secret", String(80), nullable=False, server_default=""),
    Column("host", String(255), nullable=False, server_default=""),
    Column("nat", String(3), nullable=False, server_default="yes"),
    Column("insecure", String(20), nullable=False, server_default="invite,port"),
    Column("canreinvite", String(3), nullable=False, server_default="no"),
    Column("fromuser", String(80), nullable=False, server_default=""),
    Column("fromdomain", String(255), nullable=False, server_default=""),
    Column("disallow", String(100), nullable=False, server_default="all"),
    Column("allow", String(100), nullable=False, server_default="alaw,ulaw"),
    Column("tcpenable", String(3), nullable=False, server_default="no"),
    Column("calllimit", Integer, nullable=False, server_default="1000"),
    Column("qualify", String(3), nullable=False, server_default="yes"),
    Column("sip_registration", String(3), nullable=False, server_default="yes"),
    Column("sip_reg_user", String(80), nullable=False, server_default=""),
    Column("sip_reg_domain", String(255), nullable=False, server_default=""),
    Column("sip_reg_secret", String(80), nullable=False, server_default=""),
    Column("sip_reg_authuser", String(80), nullable=False, server_default=""),
    Column("sip_reg_host", String(255), nullable=False, server_default=""),
    Column("sip_reg_port", Integer, nullable=False, server_default="5060"),
    Column("extension", String(80), nullable=False, server_default=""),
    **_opts,
)

directions = Table(
    "directions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("direction", String(20), nullable=False),
    Column("pattern", String(80), nullable=False, server_default=""),
    Column("substruct4other", Integer, nullable=False, server_default="0"),
    Column("sip_trunk_id", Integer, nullable=True),
    Column("dial_number_id", Integer, nullable=True),
    Column("priority", Integer, nullable=False, server_default="1"),
    **_opts,
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False, server_default=""),
    Column("login", String(80), nullable=False),
    Column("password_hash", String(255), nullable=False, server_default=""),
    Column("email", String(255), nullable=False, server_default=""),
    Column("disa_enabled", String(3), nullable=False, server_default="0"),
    UniqueConstraint("login", name="uq_users_login"),
    **_opts,
)

queues = Table(
    "queues",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(32), nullable=False),
    Column("strategy", String(32), nullable=False, server_default="ringall"),
    Column("sla_seconds", Integer, nullable=False, server_default="20"),
    UniqueConstraint("name", name="uq_queues_name"),
    **_opts,
)

queue_members = Table(
    "queue_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("queue_id", Integer, nullable=False),
    Column("user_id", Integer, nullable=False),
    Index("ix_queue_members_queue", "queue_id"),
    **_opts,
)

options = Table(
    "options",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(255), nullable=False, server_default=""),
    **_opts,
)

system_user = Table(
    "system_user",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(80), nullable=False),
    Column("password_hash", String(255), nullable=False, server_default=""),
    Column("role", String(32), nullable=False, server_default="manager"),
    UniqueConstraint("login", name="uq_system_user_login"),
    **_opts,
)

log_captcha = Table(
    "log_captcha",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ip", String(45), nullable=False),
    Column("login", String(80), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_attempt", DateTime, nullable=True),
    UniqueConstraint("ip", "login", name="uq_log_captcha_ip_login"),
    **_opts,
)

PLATFORM_TABLES = (
    dial_numbers,
    sip_trunks,
    directions,
    users,
    queues,
    queue_members,
    options,
    system_user,
    log_captcha,
)
