"""Settings: the file, environment overrides, every problem reported at once, the example."""

from __future__ import annotations

from pathlib import Path

import pytest

from qfon.errors import ConfigError
from qfon.settings import Settings, load_settings
from qfon.settings.render import example_toml, masked_toml
from tests.conftest import REPO

EXAMPLE = REPO / "config" / "qfon.example.toml"


def test_absent_default_file_means_defaults(tmp_path):
    settings = load_settings(env={"QFON_DEFAULT_CONFIG_UNUSED": "1"}, path=None)
    assert settings.pipeline.interval == 300
    assert settings.backup.keep_daily == 7
    assert settings.paths.recordings == Path("/astspoolmonitor")


def test_an_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "nope.toml", env={})


def test_environment_overrides_the_file(tmp_path):
    path = tmp_path / "q.toml"
    path.write_text('[mysql]\nurl = "mysql://a@h/"\n[pipeline]\ninterval = 120\n')
    settings = load_settings(
        path,
        env={
            "QFON_MYSQL_URL": "mysql://b@h2/",
            "QFON_MYSQL_EXCLUDE": "x,y*",
            "QFON_REPORTS_ADMINS": '[{"login": "root", "password_hash": "h"}]',
        },
    )
    assert settings.mysql.url == "mysql://b@h2/"
    assert settings.mysql.exclude == ["x", "y*"]
    assert settings.pipeline.interval == 120
    assert settings.reports.admins[0].login == "root"


def test_qfon_config_names_the_file_when_no_option_is_given(tmp_path):
    path = tmp_path / "q.toml"
    path.write_text("[backup]\nparallel = 3\n")
    assert load_settings(env={"QFON_CONFIG": str(path)}).backup.parallel == 3


def test_every_problem_is_listed_with_its_dotted_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[mysql]\nurl = "postgres://x@y/"\ntimezone = "Mars/Olympus"\n'
        '[backup]\nkeep_daily = 0\nschedule = "61 2 * * *"\ncompression = "rar"\n'
        '[reports]\nbind = "nowhere"\n[nosuchsection]\nx = 1\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={"QFON_PIPELINE_INTERVAL": "often"})
    lines = str(caught.value).splitlines()
    keys = [line.split(":", 1)[0] for line in lines]
    assert keys == sorted(keys, key=keys.index)  # one line each
    for key in (
        "mysql.url",
        "mysql.timezone",
        "backup.keep_daily",
        "backup.schedule",
        "backup.compression",
        "reports.bind",
        "nosuchsection",
        "pipeline.interval",
    ):
        assert key in keys, lines


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[mysql\nurl=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path, env={})


def test_the_shipped_example_validates_and_is_current():
    settings = load_settings(EXAMPLE, env={})
    assert isinstance(settings, Settings)
    assert EXAMPLE.read_text() == example_toml(), (
        "run: qfon config example > config/qfon.example.toml"
    )


def test_every_key_of_the_model_appears_in_the_example():
    text = EXAMPLE.read_text()
    for section_name, section_field in Settings.model_fields.items():
        assert f"[{section_name}]" in text
        for key in section_field.annotation.model_fields:  # type: ignore[union-attr]
            assert f"\n{key} = " in text or f"\n# {key} = " in text, f"{section_name}.{key}"


def test_check_output_masks_secrets():
    settings = Settings.model_validate(
        {
            "mysql": {"url": "mysql+pymysql://ops:s3cr3tpw@db/"},
            "reports": {
                "secret_key": "k" * 32,
                "admins": [{"login": "a", "password_hash": "$argon2$x"}],
            },
        }
    )
    text = masked_toml(settings)
    assert "s3cr3tpw" not in text and "k" * 32 not in text and "$argon2$x" not in text
    assert "ops:***@db" in text


def test_tenant_time_zones(tmp_path):
    settings = Settings.model_validate(
        {"mysql": {"timezone": "Europe/Moscow", "tenant_timezones": {"far": "Asia/Vladivostok"}}}
    )
    assert settings.mysql.zone_for("demo").key == "Europe/Moscow"
    assert settings.mysql.zone_for("far").key == "Asia/Vladivostok"
