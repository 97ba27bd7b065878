"""The subprocess helper, MySQL client credentials and the private server."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import create_engine, text

from qfon import proc
from qfon.errors import QfonError, ToolMissing
from qfon.logs import mask_secret, redact
from qfon.mysql_client import client_option_text, client_options
from qfon.private_mariadb import PrivateMariaDB


def test_commands_are_logged_with_secrets_masked(caplog):
    mask_secret("topsecret99")
    assert proc.describe(["echo", "--password=topsecret99"]) == "echo --password=***"
    assert redact("x topsecret99 y") == "x *** y"


def test_a_failing_program_raises_one_line_with_its_stderr():
    with pytest.raises(proc.CommandFailed) as caught:
        proc.run("sh", "-c", "echo broken >&2; exit 3")
    assert caught.value.status == 3 and "broken" in str(caught.value)


def test_accepted_exit_codes_do_not_raise():
    assert proc.run("sh", "-c", "exit 24", ok_codes=(0, 24)).exit_code == 24


def test_a_missing_program_is_named():
    with pytest.raises(ToolMissing, match="no-such-tool"):
        proc.find_program("no-such-tool")


def test_client_option_file_escapes_and_keeps_the_password_off_argv(mariadb):
    text_ = client_option_text("mysql+pymysql://u:pa%22ss%5Cw@127.0.0.1:3307/")
    assert 'password="pa\\"ss\\\\w"' in text_ and "port=3307" in text_
    mariadb_cli = proc.find_program("mariadb", "mysql")
    with client_options(mariadb.url) as opts:
        out = proc.run(mariadb_cli, opts.option, "-N", "-e", "SELECT 1+1", pass_fds=[opts.fd])
    assert str(out).strip() == "2"


def test_private_server_starts_answers_and_leaves_nothing_behind():
    server = PrivateMariaDB(buffer_pool="64M")
    with server:
        engine = create_engine(server.tcp_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        engine.dispose()
        assert stat.S_IMODE(os.stat(server.rundir).st_mode) == 0o755
    assert not server.base.exists()


def test_a_server_that_cannot_start_says_why(tmp_path):
    busy = PrivateMariaDB(buffer_pool="64M")
    with busy, pytest.raises(QfonError, match="mariadbd"):
        PrivateMariaDB(buffer_pool="64M", port=busy.port).start(timeout=30)
