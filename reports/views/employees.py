"""Employees: per user, calls in/out, missed, talk, queue calls answered, rings not answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, request, url_for

from qfon.schema.analytics import USER_CDR_FIGURES, USER_QUEUE_FIGURES
from reports import i18n
from reports.db import TenantDB
from reports.period import Period
from reports.stats import add_into, per_user
from reports.tables import Col, Table
from reports.views.common import Report, ReportData, chart, register

bp = Blueprint("employees", __name__)
FIGURES = USER_CDR_FIGURES + USER_QUEUE_FIGURES
COLUMNS = [
    Col("employee", "employee", "text"),
    Col("login", "user_login", "text"),
    Col("calls_in", "calls_in"),
    Col("calls_in_answered", "in_answered"),
    Col("calls_in_missed", "missed"),
    Col("calls_out", "calls_out"),
    Col("calls_out_answered", "out_answered"),
    Col("calls_internal", "internal"),
    Col("talk_seconds", "talk", "seconds"),
    Col("queue_answered", "queue_answered"),
    Col("queue_talk_seconds", "queue_talk", "seconds"),
    Col("queue_ringnoanswer", "ringnoanswer"),
]
SORTABLE = {c.key for c in COLUMNS}


def _sort_link(sort: str, descending: bool) -> Callable[[str], str]:
    """Header links: a click sorts by the column, a second click reverses the order."""

    def link(key: str) -> str:
        args: dict[str, Any] = request.args.to_dict()
        args.pop("table", None)
        args.update(sort=key, dir="asc" if key == sort and descending else "desc")
        return url_for("employees.page", domain=g.tenant.name, **args)

    return link


def build(db: TenantDB, period: Period, args: Any, lang: str) -> ReportData:
    sums, people = per_user(db, period)
    rows, total = [], {"employee": i18n.text("total", lang)}
    for row in sums:
        person = people.get(int(row["user_id"]), {"name": f"#{row['user_id']}", "login": ""})
        rows.append(
            {
                "employee": person["name"] or person["login"],
                "login": person["login"],
                **{k: int(row[k] or 0) for k in FIGURES},
            }
        )
        add_into(total, row, FIGURES)
    sort = args.get("sort") if args.get("sort") in SORTABLE else "employee"
    descending = args.get("dir", "asc" if sort in ("employee", "login") else "desc") == "desc"
    rows.sort(
        key=lambda r: r[sort] if sort not in ("employee", "login") else str(r[sort]).lower(),
        reverse=descending,
    )
    table = Table("employees", "employees", COLUMNS, rows, total if rows else None)
    top = Table("top", "employees", COLUMNS, rows[:20])
    return ReportData(
        [table],
        [chart("employees-calls", "bar", top, "employee", ["calls_in", "calls_out"], lang)],
        {
            "sort": sort,
            "dir": "desc" if descending else "asc",
            "sort_link": _sort_link(sort, descending),
        },
    )


register(bp, Report("employees", build, "day"))
