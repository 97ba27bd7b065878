"""Tenant isolation: a manager of A gets 404 for everything about B; admins see every tenant."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from qfon.schema import cdr
from tests.reports.seed import PERIOD, set_option

VALUES = {"fmt": ["csv", "xlsx"], "report": ["overview", "numbers", "employees", "queues", "cdr"]}


def _recording_id(engine: Engine, domain: str) -> int:
    with engine.connect() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        return int(
            conn.execute(
                select(cdr.c.id).where(cdr.c.recordingfile.is_not(None)).limit(1)
            ).scalar_one()
        )


def tenant_urls(app: Flask, domain: str, cdr_id: int) -> list[str]:
    """Every route that names a tenant, filled in for `domain` (all formats and reports)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "domain" not in rule.arguments:
            continue
        combos: list[dict] = [{"domain": domain}]
        for arg in rule.arguments - {"domain"}:
            values = VALUES.get(arg, [cdr_id])
            combos = [{**c, arg: v} for c in combos for v in values]
        for combo in combos:
            with app.test_request_context():
                from flask import url_for

                urls.append(url_for(rule.endpoint, **combo, **PERIOD))
    return urls


def _enable_recordings(engine: Engine, domain: str, root: Path, cdr_id: int) -> None:
    set_option(engine, domain, "record_enabled", "1")
    set_option(engine, domain, "allow_rec_download", "1")
    with engine.connect() as raw:
        conn = raw.execution_options(schema_translate_map={None: domain})
        name = conn.execute(select(cdr.c.recordingfile).where(cdr.c.id == cdr_id)).scalar_one()
    path = root / domain / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF fake wav")


def test_every_route_about_another_tenant_is_404(
    app, manager_a, tenants, engine, report_settings
) -> None:
    a, b = tenants
    b_id = _recording_id(engine, b)
    _enable_recordings(engine, b, report_settings.paths.recordings, b_id)
    urls = tenant_urls(app, b, b_id)
    assert len(urls) >= 17
    for url in urls:
        response = manager_a.get(url)
        assert response.status_code == 404, url
        assert b not in response.get_data(as_text=True).replace(f"/t/{b}", ""), url
    # the same routes for the manager's own tenant work
    a_id = _recording_id(engine, a)
    _enable_recordings(engine, a, report_settings.paths.recordings, a_id)
    for url in tenant_urls(app, a, a_id):
        response = manager_a.get(url)
        assert response.status_code == 200, url
        response.close()


def test_admin_only_routes_are_404_for_managers(manager_a) -> None:
    for url in ("/platform", "/platform/export.csv", "/platform/export.xlsx", "/api/v1/platform"):
        assert manager_a.get(url).status_code == 404, url
    assert manager_a.get("/api/v1/tenants").get_json()["tenants"] == [
        manager_a.get("/").headers["Location"].split("/")[2]
    ]


def test_unknown_and_invalid_tenants_are_404_even_for_admins(admin: FlaskClient, tenants) -> None:
    for domain in ("no-such-tenant", "mysql", "information_schema", "UPPER", "a%20b"):
        assert admin.get(f"/t/{domain}/overview").status_code == 404, domain
        assert admin.get(f"/api/v1/tenants/{domain}/overview").status_code == 404, domain


def test_admin_picks_any_tenant(app, admin: FlaskClient, tenants, engine) -> None:
    for domain in tenants:
        for url in tenant_urls(app, domain, _recording_id(engine, domain)):
            if url.split("?")[0].endswith("/recording"):
                continue  # recordings are off in these tenants: 404 by design
            assert admin.get(url).status_code == 200, url
    assert set(admin.get("/api/v1/tenants").get_json()["tenants"]) >= set(tenants)


def test_signed_out_users_are_sent_to_the_login(client: FlaskClient, app, tenants, engine) -> None:
    for url in tenant_urls(app, tenants[0], _recording_id(engine, tenants[0])):
        response = client.get(url)
        assert response.status_code in (302, 401), url
