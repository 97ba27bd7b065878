"""Exceptions with plain messages; the command layer makes each one log line and an exit code."""


class QfonError(Exception):
    """A failure the user can act on; its message is shown as it is, without a traceback."""

    exit_code = 1


class ConfigError(QfonError):
    """Invalid settings; the message lists every problem, one `section.key: problem` a line."""

    exit_code = 2


class TenantNameError(QfonError):
    """A name that is not a valid tenant domain; raised before any SQL is built."""

    exit_code = 2


class TenantNotFound(QfonError):
    """No tenant database of that name on any configured server."""


class ToolMissing(QfonError):
    """A program the action needs (mariadbd, rsync, zstd, ...) is not installed."""
