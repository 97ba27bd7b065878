"""Every report's figures equal plain SQL over the analytics tables, in pages, exports and API."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from tests.reports.seed import PERIOD, set_option

SQL_PERIOD = {"s": datetime(2026, 10, 5), "e": datetime(2026, 10, 15)}


def sql(engine: Engine, domain: str, query: str) -> list[dict]:
    with engine.connect() as conn:
        conn.execute(text(f"USE `{domain}`"))
        rows = conn.execute(text(query), SQL_PERIOD).mappings()
        return [{k: int(v) if isinstance(v, Decimal) else v for k, v in r.items()} for r in rows]


def api(client: FlaskClient, domain: str, report: str, **args: str) -> dict:
    response = client.get(f"/api/v1/tenants/{domain}/{report}", query_string={**PERIOD, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_overview_totals_trend_and_heat_map_equal_sql(manager_a, tenants, engine) -> None:
    a = tenants[0]
    data = api(manager_a, a, "overview")["tables"]
    rows = sql(
        engine,
        a,
        "SELECT direction, SUM(calls) c, SUM(answered) an, SUM(billsec_total) b "
        "FROM call_stats WHERE period_start >= :s AND period_start < :e "
        "GROUP BY direction",
    )
    by = {r["direction"]: r for r in rows}
    summary = data["summary"]["rows"][0]
    assert summary["calls_in"] == by["in"]["c"] and summary["calls_out"] == by["out"]["c"]
    assert summary["answered"] == by["in"]["an"] + by["out"]["an"]
    assert summary["billsec_total"] == by["in"]["b"] + by["out"]["b"]
    assert summary["answered_share"] == pytest.approx(
        summary["answered"] / (summary["calls_in"] + summary["calls_out"]), abs=1e-6
    )
    days = sql(
        engine,
        a,
        "SELECT DATE(period_start) d, SUM(calls) c FROM call_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY d ORDER BY d",
    )
    trend = data["trend"]["rows"]
    assert [r["bucket"][:10] for r in trend] == [str(d["d"]) for d in days]
    assert [r["calls_in"] + r["calls_out"] for r in trend] == [d["c"] for d in days]
    heat = sql(
        engine,
        a,
        "SELECT WEEKDAY(period_start) w, HOUR(period_start) h, SUM(calls) c "
        "FROM call_stats WHERE period_start >= :s AND period_start < :e "
        "GROUP BY w, h",
    )
    grid = data["heatmap"]["rows"]
    for cell in heat:
        assert grid[cell["w"]][f"h{cell['h']}"] == cell["c"]


@pytest.mark.parametrize(
    "group,expr",
    [
        ("week", "YEARWEEK(period_start, 3)"),
        ("month", "DATE_FORMAT(period_start, '%Y-%m')"),
        ("hour", "period_start"),
    ],
)
def test_groupings_roll_hours_up_by_summing(manager_a, tenants, engine, group, expr) -> None:
    a = tenants[0]
    trend = api(manager_a, a, "overview", group=group)["tables"]["trend"]["rows"]
    groups = sql(
        engine,
        a,
        f"SELECT {expr} g, SUM(calls) c FROM call_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY g ORDER BY g",
    )
    assert [r["calls_in"] + r["calls_out"] for r in trend] == [g["c"] for g in groups]


def test_numbers_equal_sql_with_peaks_and_trunk_limits(manager_a, tenants, engine) -> None:
    a = tenants[0]
    table = api(manager_a, a, "numbers")["tables"]["numbers"]
    rows = sql(
        engine,
        a,
        "SELECT dial_number_id n, direction d, SUM(calls) calls, "
        "SUM(answered) answered, SUM(no_answer) no_answer, SUM(busy) busy, "
        "SUM(failed) failed, SUM(billsec_total) billsec_total, "
        "MAX(max_concurrent) max_concurrent FROM call_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY n, d ORDER BY n, d",
    )
    assert len(table["rows"]) == len(rows) == 6
    for got, want in zip(table["rows"], rows, strict=True):
        for key in (
            "calls",
            "answered",
            "no_answer",
            "busy",
            "failed",
            "billsec_total",
            "max_concurrent",
        ):
            assert got[key] == want[key], key
        assert got["direction"] == want["d"]
        assert got["avg_call"] == pytest.approx(want["billsec_total"] / want["answered"], abs=1e-5)
    limits = {r["number"]: r["calllimit"] for r in table["rows"]}
    assert limits["+7(495)2216005"] == 15 and limits["+7(495)2216006"] == 30
    assert table["total"]["calls"] == sum(r["calls"] for r in rows)


def test_employees_equal_sql_and_sort(manager_a, tenants, engine) -> None:
    a = tenants[0]
    table = api(manager_a, a, "employees", sort="talk_seconds", dir="desc")["tables"]["employees"]
    rows = sql(
        engine,
        a,
        "SELECT user_id, SUM(calls_in) calls_in, SUM(calls_in_missed) missed, "
        "SUM(talk_seconds) talk, SUM(queue_answered) qa, "
        "SUM(queue_ringnoanswer) rna FROM user_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY user_id",
    )
    names = {1: "Анна", 2: "Boris", 3: "Clara", 9: "#9"}
    got = {r["employee"]: r for r in table["rows"]}
    for want in rows:
        row = got[names[want["user_id"]]]
        assert (row["calls_in"], row["calls_in_missed"], row["talk_seconds"]) == (
            want["calls_in"],
            want["missed"],
            want["talk"],
        )
        assert (row["queue_answered"], row["queue_ringnoanswer"]) == (want["qa"], want["rna"])
    talks = [r["talk_seconds"] for r in table["rows"]]
    assert talks == sorted(talks, reverse=True)
    page = manager_a.get(f"/t/{a}/employees", query_string={**PERIOD, "sort": "calls_in"})
    assert "sort=calls_in" in page.get_data(as_text=True)


def test_queues_equal_sql_with_derived_figures(manager_a, tenants, engine) -> None:
    a = tenants[0]
    tables = api(manager_a, a, "queues", group="hour")["tables"]
    rows = sql(
        engine,
        a,
        "SELECT queue_name, SUM(offered) o, SUM(answered) an, SUM(abandoned) ab, "
        "SUM(timeout) t, SUM(answered_in_sla) sla, SUM(wait_answered_total) w, "
        "SUM(talk_total) talk, MAX(wait_answered_max) mx FROM queue_calls_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY queue_name "
        "ORDER BY queue_name",
    )
    for got, want in zip(tables["queues"]["rows"], rows, strict=True):
        assert got["queue"] == want["queue_name"]
        assert (got["offered"], got["answered"], got["abandoned"], got["timeout"]) == (
            want["o"],
            want["an"],
            want["ab"],
            want["t"],
        )
        assert got["sl_offered"] == pytest.approx(want["sla"] / want["o"], abs=1e-6)
        assert got["sl_answered"] == pytest.approx(want["sla"] / want["an"], abs=1e-6)
        assert got["asa"] == pytest.approx(want["w"] / want["an"], abs=1e-6)
        assert got["avg_talk"] == pytest.approx(want["talk"] / want["an"], abs=1e-6)
        assert got["abandon_rate"] == pytest.approx(want["ab"] / want["o"], abs=1e-6)
        assert got["longest_wait"] == want["mx"]
    hours = sql(
        engine,
        a,
        "SELECT period_start, SUM(offered) o FROM queue_calls_stats "
        "WHERE period_start >= :s AND period_start < :e "
        "GROUP BY period_start ORDER BY period_start",
    )
    assert [r["offered"] for r in tables["trend"]["rows"]] == [h["o"] for h in hours]
    by_hour = sql(
        engine,
        a,
        "SELECT HOUR(period_start) h, SUM(offered) o, SUM(abandoned) ab FROM queue_calls_stats "
        "WHERE period_start >= :s AND period_start < :e GROUP BY h",
    )
    want = {f"{r['h']:02d}:00": (r["o"], r["ab"]) for r in by_hour}
    got = {r["hour"]: (r["offered"], r["abandoned"]) for r in tables["hours"]["rows"]}
    assert len(got) == 24 and all(got[h] == want.get(h, (0, 0)) for h in got)


@pytest.mark.parametrize("report", ["overview", "numbers", "employees", "queues"])
def test_csv_and_xlsx_exports_carry_the_api_figures(manager_a, tenants, report) -> None:
    a = tenants[0]
    tables = api(manager_a, a, report)["tables"]
    for name, table in tables.items():
        keys = [c["key"] for c in table["columns"]]
        expected = [[r[k] for k in keys] for r in table["rows"]]
        if table["total"]:
            expected.append([table["total"][k] for k in keys])
        args = {**PERIOD, "table": name}
        body = manager_a.get(f"/t/{a}/{report}/export.csv", query_string=args)
        assert body.status_code == 200 and body.mimetype == "text/csv"
        lines = list(csv.reader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff"))))
        assert lines[0] == [c["label"] for c in table["columns"]]
        assert [[str("" if v is None else v) for v in row] for row in expected] == lines[1:]
        book = manager_a.get(f"/t/{a}/{report}/export.xlsx", query_string=args)
        sheet = load_workbook(io.BytesIO(book.data)).active
        cells = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(cells) == len(expected)
        for got, want in zip(cells, expected, strict=True):
            for g, w in zip(got, want, strict=True):
                if isinstance(w, int | float) and not isinstance(w, bool):
                    assert g == pytest.approx(w)


def test_pages_show_tables_and_a_chart_without_inline_script(manager_a, tenants) -> None:
    a = tenants[0]
    for report in ("overview", "numbers", "employees", "queues"):
        html = manager_a.get(f"/t/{a}/{report}", query_string=PERIOD).get_data(as_text=True)
        assert 'class="chart"' in html and "chart-data" in html and "<table" in html
        assert "<script>" not in html and "onclick" not in html
        assert "/static/vendor/chart.umd.min.js" in html
    script = manager_a.get("/static/vendor/chart.umd.min.js")
    assert script.status_code == 200 and b"Chart.js v4" in script.data
    script.close()


def test_language_comes_from_the_tenant_option_and_switches(manager_a, tenants, engine) -> None:
    a = tenants[0]
    html = manager_a.get(f"/t/{a}/overview", query_string=PERIOD).get_data(as_text=True)
    assert "Входящие" in html and "05.10.2026" in html
    set_option(engine, a, "language", "en")
    html = manager_a.get(f"/t/{a}/overview", query_string=PERIOD).get_data(as_text=True)
    assert "Calls in" in html and "2026-10-05" in html
    manager_a.get("/lang/ru", query_string={"next": f"/t/{a}/overview"})
    html = manager_a.get(f"/t/{a}/overview", query_string=PERIOD).get_data(as_text=True)
    assert "Входящие" in html


def test_freshness_shows_the_pipelines_last_success(manager_a, tenants) -> None:
    html = manager_a.get(f"/t/{tenants[0]}/overview").get_data(as_text=True)
    assert "20.10.2026 03:00:00" in html and "ast_queue_log" in html


def test_analytics_disabled_tenant_sees_a_page_saying_so(manager_a, tenants, engine) -> None:
    a = tenants[0]
    set_option(engine, a, "analytics_enabled", "0")
    for report in ("overview", "numbers", "employees", "queues"):
        html = manager_a.get(f"/t/{a}/{report}").get_data(as_text=True)
        assert 'id="analytics-disabled"' in html and "<canvas" not in html
        assert manager_a.get(f"/api/v1/tenants/{a}/{report}").status_code == 403
        assert b"analytics-disabled" in manager_a.get(f"/t/{a}/{report}/export.csv").data


def test_platform_overview_lists_every_tenant_with_backups(
    admin, tenants, engine, report_settings
) -> None:
    a, b = tenants
    folder = report_settings.backup.target
    import json
    import pathlib

    pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    pathlib.Path(folder, "status.json").write_text(
        json.dumps({"tenants": {a: {"last_good": "2026-10-19T02:30:00+00:00"}}})
    )
    data = admin.get("/api/v1/platform", query_string=PERIOD).get_json()
    rows = {r["tenant"]: r for r in data["tables"]["platform"]["rows"]}
    for domain in (a, b):
        want = sql(
            engine,
            domain,
            "SELECT SUM(calls) c, SUM(answered) an FROM call_stats "
            "WHERE period_start >= :s AND period_start < :e",
        )[0]
        assert (rows[domain]["calls"], rows[domain]["answered"]) == (want["c"], want["an"])
        assert rows[domain]["pipeline"].startswith("2026-10-19 23:57")
    assert rows[a]["last_backup"] == "2026-10-19T02:30:00+00:00"
    assert rows[b]["last_backup"] is None
    html = admin.get("/platform", query_string=PERIOD).get_data(as_text=True)
    assert f"/t/{a}/overview" in html
    assert admin.get("/platform/export.csv").status_code == 200
    assert admin.get(f"/t/{b}/overview").status_code == 200


def test_openapi_document_names_every_api_route(client, app) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {
        r.rule.replace("<", "{").replace(">", "}")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/")
    }
    routes = {r.replace("{report}", "{report}") for r in routes}
    assert routes == set(doc["paths"])


def test_api_needs_a_session(client, tenants) -> None:
    assert client.get(f"/api/v1/tenants/{tenants[0]}/overview").status_code == 401
    assert client.get("/api/v1/tenants").status_code == 401


def test_overview_of_an_empty_period_is_zero_not_an_error(manager_a, tenants) -> None:
    data = api(manager_a, tenants[0], "overview", **{"from": "2020-01-01", "to": "2020-01-02"})
    assert data["tables"]["summary"]["rows"][0]["calls"] == 0
    assert data["tables"]["trend"]["rows"] == []
    _ = defaultdict


def test_platform_overview_survives_a_tenant_without_analytics_tables(admin, tenants, engine):
    a, b = tenants
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE `{b}`.qfon_pipeline_state"))
    rows = {
        r["tenant"]: r
        for r in admin.get("/api/v1/platform").get_json()["tables"]["platform"]["rows"]
    }
    assert rows[a]["pipeline"] is not None
    assert rows[b]["pipeline"] is None and rows[b]["calls"] is None


def test_figures_are_reused_until_the_pipeline_writes(tenants, engine, report_settings):
    from reports import create_app
    from tests.reports.conftest import login

    a = tenants[0]
    settings = report_settings.model_copy(deep=True)
    settings.reports.cache_seconds = 300
    app = create_app({"QFON_SETTINGS": settings, "TESTING": True})
    client = app.test_client()
    assert login(client, a).status_code == 302

    def calls() -> int:
        return api(client, a, "overview")["tables"]["summary"]["rows"][0]["calls"]

    before = calls()
    with engine.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO `{a}`.call_stats (period_start, dial_number_id, direction, calls, "
                "updated_at) VALUES ('2026-10-06 03:00:00', 1, 'in', 5, NOW())"
            )
        )
    assert calls() == before  # the pipeline has not written: the same figures
    assert app.extensions["qfon_report_cache"].hits == 1
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE `{a}`.qfon_pipeline_state SET last_success = NOW()"))
    assert calls() == before + 5
