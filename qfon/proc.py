"""The one way qfon runs programs: through `sh`, logged with secrets masked; failures raise."""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from typing import Any

import sh

from qfon.errors import QfonError, ToolMissing
from qfon.logs import redact

log = logging.getLogger(__name__)

_SBIN_PATH = os.pathsep.join(["/usr/local/sbin", "/usr/sbin", "/sbin"])


class CommandFailed(QfonError):
    """A program exited with a status not in its accepted set."""

    def __init__(self, message: str, exit_code: int | None, stderr: str = "") -> None:
        super().__init__(message)
        self.status = exit_code
        self.stderr = stderr


def find_program(*names: str) -> str:
    """The absolute path of the first of `names` installed (sbin folders included)."""
    search = os.environ.get("PATH", "") + os.pathsep + _SBIN_PATH
    for name in names:
        path = shutil.which(name, path=search)
        if path:
            return path
    raise ToolMissing(f"{' or '.join(names)} is not installed (see scripts/setup.sh)")


def describe(argv: Sequence[str]) -> str:
    """A command line for logs and messages, with every registered secret masked."""
    return redact(shlex.join(str(a) for a in argv))


def _tail(data: bytes | str | None, lines: int = 5) -> str:
    if not data:
        return ""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return redact(" | ".join(text.strip().splitlines()[-lines:]))


def run(
    program: str,
    *args: Any,
    ok_codes: Iterable[int] = (0,),
    pass_fds: Iterable[int] = (),
    **sh_options: Any,
) -> sh.RunningCommand:
    """Run a program to completion and return sh's RunningCommand.

    `sh_options` are sh's special keyword arguments without the leading underscore
    (`in_`, `out`, `err`, `timeout`, `env`, `cwd`, ...). Secrets never belong in `args`: pass
    credentials through option files or pipes.
    """
    argv = [program, *map(str, args)]
    log.debug("running %s", describe(argv))
    options = {f"_{key.rstrip('_')}": value for key, value in sh_options.items()}
    options.setdefault("_tty_out", False)
    options.setdefault("_truncate_exc", False)
    command = sh.Command(program)
    try:
        return command(
            *argv[1:],
            _ok_code=list(ok_codes),
            _pass_fds=set(pass_fds),
            _return_cmd=True,
            **options,
        )
    except sh.ErrorReturnCode as exc:
        stderr = _tail(exc.stderr)
        raise CommandFailed(
            f"{os.path.basename(program)} exited with status {exc.exit_code}"
            + (f": {stderr}" if stderr else ""),
            exc.exit_code,
            stderr,
        ) from None
    except sh.TimeoutException:
        raise CommandFailed(f"{os.path.basename(program)} timed out", None) from None
    except sh.SignalException as exc:
        raise CommandFailed(
            f"{os.path.basename(program)} was killed by a signal: {_tail(exc.stderr)}", None
        ) from None


def start(argv: Sequence[str], **popen_options: Any) -> subprocess.Popen[bytes]:
    """Start a long-running program (a server) in the background; the caller stops it."""
    log.debug("starting %s", describe(argv))
    return subprocess.Popen(list(map(str, argv)), **popen_options)
