"""Tenant create/upgrade/list/drop and discovery against the private MariaDB."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from qfon.discovery import discover
from qfon.errors import TenantNameError, TenantNotFound
from qfon.schema import ANALYTICS_TABLES
from qfon.tenant_admin import create_tenant, drop_tenant, tenant_counts, upgrade_tenant
from qfon.tenants import selected, validate_domain
from tests.conftest import settings_for


@pytest.mark.parametrize(
    "bad", ["", "Demo", "a b", "x;drop database y", "a`b", "demo.example", "x" * 65, "mysql", "é"]
)
def test_names_outside_the_domain_rules_are_refused_before_sql(bad):
    with pytest.raises(TenantNameError):
        validate_domain(bad)


@pytest.mark.parametrize("good", ["demo", "telvio", "a-b_c", "0", "x" * 64])
def test_domain_names_of_the_spec_are_accepted(good):
    assert validate_domain(good) == good


def test_include_and_exclude_patterns_select_tenants():
    assert selected("demo", [], [])
    assert not selected("demo", ["tel*"], [])
    assert selected("telvio", ["tel*"], [])
    assert not selected("telvio", ["tel*"], ["telvio"])


def test_create_makes_every_table_and_default_options(engine, make_tenant):
    domain = make_tenant()
    tables = set(inspect(engine).get_table_names(schema=domain))
    expected = {
        "ast_cdr_adaptive",
        "ast_queue_log",
        "inuse",
        "dial_numbers",
        "sip_trunks",
        "directions",
        "users",
        "queues",
        "queue_members",
        "options",
        "system_user",
        "log_captcha",
        "call_stats",
        "user_stats",
        "queue_calls_stats",
        "qfon_pipeline_state",
    }
    assert expected <= tables
    with engine.connect() as conn:
        opts = dict(conn.execute(text(f"SELECT name, value FROM `{domain}`.options")).all())
    assert opts["analytics_enabled"] == "1" and opts["language"] == "ru"
    indexes = {i["name"] for i in inspect(engine).get_indexes("ast_cdr_adaptive", schema=domain)}
    assert {"ix_cdr_calldate", "ix_cdr_uniqueid", "ix_cdr_linkedid"} <= indexes


def test_both_queue_log_layouts_can_be_created(engine, make_tenant):
    old = make_tenant(queue_log_layout="1.6")
    new = make_tenant(queue_log_layout="1.8")
    cols_old = {c["name"] for c in inspect(engine).get_columns("ast_queue_log", schema=old)}
    cols_new = {c["name"] for c in inspect(engine).get_columns("ast_queue_log", schema=new)}
    assert "data" in cols_old and "data1" not in cols_old
    assert {"data1", "data5"} <= cols_new and "data" not in cols_new


def test_upgrade_adds_only_the_missing_analytics_tables(engine, make_tenant):
    domain = make_tenant()
    with engine.begin() as conn:
        conn.execute(
            text(f"INSERT INTO `{domain}`.dial_numbers (number) VALUES ('+7(495)2216005')")
        )
        for table in ANALYTICS_TABLES:
            conn.execute(text(f"DROP TABLE `{domain}`.`{table.name}`"))
    made = upgrade_tenant(engine, domain)
    assert sorted(made) == sorted(t.name for t in ANALYTICS_TABLES)
    assert upgrade_tenant(engine, domain) == []
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT COUNT(*) FROM `{domain}`.dial_numbers")).scalar() == 1


def test_counts_and_drop(engine, make_tenant):
    domain = make_tenant()
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO `{domain}`.ast_cdr_adaptive (calldate) VALUES (NOW())"))
    assert tenant_counts(engine, domain).cdr_rows == 1
    assert tenant_counts(engine, domain).queue_log_rows == 0
    drop_tenant(engine, domain)
    with pytest.raises(TenantNotFound):
        drop_tenant(engine, domain)


def test_discovery_skips_system_schemas_non_tenants_and_bad_names(engine, mariadb, make_tenant):
    a, b = make_tenant(), make_tenant()
    with engine.begin() as conn:
        conn.execute(text("CREATE DATABASE IF NOT EXISTS not_a_tenant"))
        conn.execute(text("CREATE DATABASE IF NOT EXISTS `Bad.Name`"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS `Bad.Name`.ast_cdr_adaptive (id INT)"))
    try:
        names = [t.name for t in discover(settings_for(mariadb.url))]
        assert a in names and b in names
        assert "not_a_tenant" not in names and "Bad.Name" not in names and "mysql" not in names
        only_b = discover(settings_for(mariadb.url, mysql={"exclude": [a]}))
        assert a not in [t.name for t in only_b] and b in [t.name for t in only_b]
        included = discover(settings_for(mariadb.url, mysql={"include": [a]}))
        assert [t.name for t in included] == [a]
        assert [t.name for t in discover(settings_for(mariadb.url), [b])] == [b]
        with pytest.raises(TenantNotFound):
            discover(settings_for(mariadb.url), ["nosuchtenant"])
        with pytest.raises(TenantNameError):
            discover(settings_for(mariadb.url), ["x'; DROP DATABASE mysql; --"])
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP DATABASE not_a_tenant"))
            conn.execute(text("DROP DATABASE `Bad.Name`"))


def test_create_refuses_an_existing_database(engine, make_tenant):
    domain = make_tenant()
    with pytest.raises(Exception, match="already exists"):
        create_tenant(engine, domain)


def test_tenant_commands_end_to_end(qfon_cli):
    made = qfon_cli("tenant", "create", "clitenant")
    assert made.returncode == 0, made.stderr
    listed = qfon_cli("tenant", "list")
    assert listed.returncode == 0 and "clitenant" in listed.stdout
    assert qfon_cli("tenant", "upgrade", "clitenant").returncode == 0
    refused = qfon_cli("tenant", "drop", "clitenant")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert qfon_cli("tenant", "drop", "clitenant", "--yes").returncode == 0
    bad = qfon_cli("tenant", "create", "Bad;Name")
    assert bad.returncode == 2
    assert "not a tenant name" in bad.stderr and "Traceback" not in bad.stderr
