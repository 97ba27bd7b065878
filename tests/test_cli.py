"""The `qfon` command as a user meets it: exit statuses, one-line errors, lazy sub-commands."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_bad_config_exits_2_with_one_line_per_problem_and_no_traceback(qfon_cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[backup]\nparallel = 0\nkeep_weekly = -1\n")
    result = qfon_cli("config", "check", config=bad, env={"QFON_MYSQL_URL": "nonsense"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("qfon: error: ")]
    assert len(lines) == 3, result.stderr
    assert any("mysql.url:" in line for line in lines)
    assert any("backup.parallel:" in line for line in lines)


def test_config_check_prints_masked_settings(qfon_cli):
    result = qfon_cli("config", "check", env={"QFON_MYSQL_URL": "mysql://ops:pw12345@h/"})
    assert result.returncode == 0, result.stderr
    assert "pw12345" not in result.stdout + result.stderr
    assert "[pipeline]" in result.stdout


def test_unreachable_server_is_one_line_without_the_password(qfon_cli):
    result = qfon_cli(
        "tenant", "list", env={"QFON_MYSQL_URL": "mysql+pymysql://ops:hunter22@127.0.0.1:1/"}
    )
    assert result.returncode == 1
    assert "hunter22" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "cannot list tenants" in result.stderr


def test_the_root_command_imports_no_sibling_until_asked():
    code = (
        "import sys; from qfon.cli import cli; "
        "from click.testing import CliRunner; CliRunner().invoke(cli, ['config', 'example']); "
        "names = ('pipeline', 'agent', 'reports', 'pandas', 'flask'); "
        "print([m for m in names if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "[]"


def test_usage_errors_exit_2(qfon_cli):
    result = qfon_cli("tenant", "create")
    assert result.returncode == 2 and "Missing argument" in result.stderr


def test_the_agent_never_imports_pandas_or_flask():
    code = (
        "import sys; from qfon.cli import cli; "
        "from click.testing import CliRunner; CliRunner().invoke(cli, ['agent', '--help']); "
        "print([m for m in ('pandas', 'flask', 'pipeline', 'reports') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "[]"


def test_help_lists_every_part():
    out = subprocess.run(
        [sys.executable, "-m", "qfon", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    for name in ("config", "tenant", "demo", "pipeline", "agent", "backup", "restore", "reports"):
        assert f"  {name}" in out.stdout
