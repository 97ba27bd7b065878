"""Pydantic model of every setting: the single source of validation, defaults and documentation.

Each section is a class; each field's description is the comment written into
`config/qfon.example.toml`, and a test checks that the example names every key.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qfon.timezone import host_zone


class Section(BaseModel):
    """A settings section: unknown keys are errors, values are validated on assignment too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def _check_mysql_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"not a database URL ({exc})") from None
    if parsed.get_backend_name() not in ("mysql", "mariadb"):
        raise ValueError("must be a mysql:// or mariadb:// URL, e.g. mysql+pymysql://user@host/")
    return url


class MysqlSettings(Section):
    url: str = Field(
        "mysql+pymysql://root@localhost/?unix_socket=/run/mysqld/mysqld.sock",
        description="SQLAlchemy URL of the MySQL/MariaDB server holding one database per tenant",
    )
    urls: list[str] = Field(
        default_factory=list,
        description="several servers instead of `url`: tenants are discovered on each",
    )
    include: list[str] = Field(
        default_factory=list,
        description="only these tenants (names or shell patterns such as 'demo*'); empty = all",
    )
    exclude: list[str] = Field(
        default_factory=list, description="tenants to leave alone (names or shell patterns)"
    )
    timezone: str | None = Field(
        None,
        description="the tenants' local time zone (IANA name, e.g. Europe/Moscow); "
        "unset = the host's. Used to turn queue-log epochs into local time",
    )
    tenant_timezones: dict[str, str] = Field(
        default_factory=dict,
        description="per-tenant exceptions to `timezone`, e.g. { telvio = 'Asia/Yekaterinburg' }",
    )
    pool_size: int = Field(4, ge=1, le=64, description="connections kept open per server")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_mysql_url(value)

    @field_validator("urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        return [_check_mysql_url(u) for u in value]

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            _zone_or_error(value)
        return value

    @field_validator("tenant_timezones")
    @classmethod
    def _zones(cls, value: dict[str, str]) -> dict[str, str]:
        for zone in value.values():
            _zone_or_error(zone)
        return value

    def server_urls(self) -> list[str]:
        """The servers to work on: `urls` when given, else `url`."""
        return list(self.urls) if self.urls else [self.url]

    def zone_for(self, tenant: str) -> ZoneInfo:
        """The local time zone of a tenant's wall-clock times."""
        name = self.tenant_timezones.get(tenant) or self.timezone
        return ZoneInfo(name) if name else host_zone()


def _zone_or_error(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


DEFAULT_HOST_FILES = [
    "/usr/local/opensips_proxy/etc/opensips/opensips_working.cfg",
    "/etc/default/rtpproxy",
    "/etc/xen/*.cfg",
    "/etc/apache2/sites-available/*",
    "/etc/hosts",
]


class PathsSettings(Section):
    configs: Path = Field(Path("/astconfigs"), description="root of the tenants' Asterisk configs")
    moh: Path = Field(Path("/astmoh"), description="root of the tenants' music on hold")
    recordings: Path = Field(
        Path("/astspoolmonitor"), description="root of the tenants' call recordings"
    )
    agi: Path = Field(Path("/astagi"), description="root of the tenants' AGI scripts")
    host_files: list[str] = Field(
        default_factory=lambda: list(DEFAULT_HOST_FILES),
        description="the host's own config files (OpenSIPS, RTPproxy, Xen, Apache); globs allowed",
    )

    def tenant_trees(self, domain: str) -> dict[str, Path]:
        """The per-tenant folders of the platform manual §4.1.1, by tree name."""
        roots = {"configs": self.configs, "moh": self.moh, "recordings": self.recordings}
        roots["agi"] = self.agi
        return {name: root / domain for name, root in roots.items()}


class ZabbixSettings(Section):
    server: str = Field("127.0.0.1", description="Zabbix server or proxy receiving trapper data")
    port: int = Field(10051, ge=1, le=65535, description="its trapper port")
    host: str = Field(
        default_factory=socket.gethostname,
        description="this host's technical name in Zabbix (default: the machine's host name)",
    )
    timeout: float = Field(10.0, gt=0, description="seconds to wait for the server's answer")
    batch_size: int = Field(
        250, ge=1, le=10_000, description="values sent per connection (zabbix_sender sends 250)"
    )


class ServiceSpec(Section):
    name: str = Field(description="the name the service has in Zabbix keys, e.g. opensips")
    processes: list[str] = Field(
        description="process names, or command-line regular expressions prefixed with 're:'"
    )


DEFAULT_SERVICES = [
    ServiceSpec(name="opensips", processes=["opensips"]),
    ServiceSpec(name="rtpproxy", processes=["rtpproxy"]),
    ServiceSpec(name="mysql", processes=["mariadbd", "mysqld"]),
    ServiceSpec(name="apache", processes=["apache2", "httpd"]),
    ServiceSpec(name="xen", processes=["xenstored", "oxenstored"]),
]


class AgentSettings(Section):
    interval: int = Field(60, ge=5, description="seconds between two collection rounds")
    spool_dir: Path = Field(
        Path("/var/lib/qfon/spool"),
        description="where values wait while Zabbix cannot be reached",
    )
    spool_max_values: int = Field(
        100_000, ge=100, description="most values kept in the spool; the oldest are dropped"
    )
    recordings_size_interval: int = Field(
        3600, ge=60, description="seconds between two measurements of the recordings folders"
    )
    services: list[ServiceSpec] = Field(
        default_factory=lambda: [s.model_copy() for s in DEFAULT_SERVICES],
        description="services watched: up 0/1 and process count",
    )


class PipelineSettings(Section):
    interval: int = Field(300, ge=10, description="seconds between two incremental passes")
    reconcile_days: int = Field(
        2, ge=0, le=366, description="days recomputed from scratch by the nightly reconciliation"
    )
    reconcile_time: str = Field(
        "03:15", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="local time (HH:MM) of it"
    )
    lock_wait: int = Field(
        0, ge=0, description="seconds to wait for another process's lock on a tenant"
    )
    workers: int = Field(
        2, ge=1, le=16, description="tenants processed at once (one connection each)"
    )


class BackupSettings(Section):
    target: str = Field(
        "/var/backups/qfon",
        description="folder holding the backups, or user@host:/path over ssh",
    )
    parallel: int = Field(2, ge=1, le=32, description="database dumps run at once")
    compression: Literal["zstd", "gzip"] = Field("zstd", description="dump compression")
    keep_daily: int = Field(7, ge=1, description="keep the newest good backup of the last N days")
    keep_weekly: int = Field(4, ge=0, description="... of the last N ISO weeks")
    keep_monthly: int = Field(6, ge=0, description="... of the last N months")
    schedule: str = Field("30 2 * * *", description="cron expression of the nightly run")
    ssh_key: Path | None = Field(None, description="private key for a remote target (ssh -i)")
    ssh_options: list[str] = Field(
        default_factory=list,
        description="extra ssh options for a remote target, e.g. ['-p', '2222', "
        "'-o', 'UserKnownHostsFile=/etc/qfon/known_hosts']",
    )
    work_dir: Path = Field(
        Path("/var/lib/qfon/backup"),
        description="local folder for the lock of a remote target and for staging its dumps",
    )

    def is_remote(self) -> bool:
        """Whether the target is `user@host:/path` over ssh."""
        return ":" in self.target.split("/", 1)[0]

    def status_file(self) -> Path:
        """The local copy of `status.json` that the agent and the reports read."""
        if self.is_remote():
            return self.work_dir / "status.json"
        return Path(self.target) / "status.json"

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("must be a cron expression of 5 fields, e.g. '30 2 * * *'")
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a valid cron expression ({exc})") from None
        return value


class AdminSpec(Section):
    login: str = Field(description="platform admin's log-in name")
    password_hash: str = Field(description="its hash: `qfon reports hash-password` prints one")


class ReportsSettings(Section):
    bind: str = Field("127.0.0.1:8080", description="address:port the web reports listen on")
    workers: int = Field(2, ge=1, le=64, description="gunicorn worker processes")
    secret_key: SecretStr | None = Field(
        None, description="signs the session cookies; unset = a random key per start"
    )
    lockout_after: int = Field(10, ge=3, description="failed log-ins before the login is locked")
    lockout_minutes: int = Field(15, ge=1, description="how long a locked login stays locked")
    session_idle_minutes: int = Field(30, ge=1, description="idle time that ends a session")
    cache_seconds: int = Field(
        30,
        ge=0,
        le=3600,
        description="seconds a worker reuses a report's figures while the pipeline has not "
        "written since (0 = always query)",
    )
    admins: list[AdminSpec] = Field(
        default_factory=list, description="platform admins, who see every tenant"
    )
    trusted_proxies: int = Field(
        0,
        ge=0,
        le=5,
        description="reverse proxies in front (TLS, X-Forwarded-For/-Proto trusted from that many)",
    )

    @field_validator("bind")
    @classmethod
    def _bind(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be host:port, e.g. 127.0.0.1:8080")
        return value


class LogSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="least severe log level shown"
    )


class Settings(BaseModel):
    """Every setting of qfon-ops, one section per part."""

    model_config = ConfigDict(extra="forbid")

    mysql: MysqlSettings = Field(default_factory=MysqlSettings)  # type: ignore[arg-type]
    paths: PathsSettings = Field(default_factory=PathsSettings)  # type: ignore[arg-type]
    zabbix: ZabbixSettings = Field(default_factory=ZabbixSettings)  # type: ignore[arg-type]
    agent: AgentSettings = Field(default_factory=AgentSettings)  # type: ignore[arg-type]
    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)  # type: ignore[arg-type]
    backup: BackupSettings = Field(default_factory=BackupSettings)  # type: ignore[arg-type]
    reports: ReportsSettings = Field(default_factory=ReportsSettings)  # type: ignore[arg-type]
    log: LogSettings = Field(default_factory=LogSettings)  # type: ignore[arg-type]

    @model_validator(mode="after")
    def _cross_checks(self) -> Settings:
        logins = [a.login for a in self.reports.admins]
        if len(logins) != len(set(logins)):
            raise ValueError("reports.admins: a login is listed twice")
        overlap = set(self.mysql.include) & set(self.mysql.exclude)
        if overlap:
            raise ValueError(f"mysql.include and mysql.exclude both name {sorted(overlap)}")
        return self


SECRET_KEYS = {("reports", "secret_key"), ("reports", "admins")}
ENV_PREFIX = "QFON_"
DEFAULT_CONFIG_PATH = Path(os.environ.get("QFON_DEFAULT_CONFIG", "/etc/qfon/qfon.toml"))
