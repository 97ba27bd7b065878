"""The OpenAPI 3.1 document of /api/v1, served by the app itself."""

from __future__ import annotations

from typing import Any


def _param(name: str, description: str, schema: dict[str, Any], where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


PERIOD_PARAMS = [
    _param(
        "preset",
        "period preset",
        {
            "type": "string",
            "enum": ["today", "yesterday", "last7", "last30", "this_month", "last_month", "custom"],
        },
    ),
    _param("from", "first day of a custom period", {"type": "string", "format": "date"}),
    _param("to", "last day of a custom period (inclusive)", {"type": "string", "format": "date"}),
    _param(
        "group",
        "grouping of time series",
        {"type": "string", "enum": ["hour", "day", "week", "month"]},
    ),
]
DOMAIN = _param("domain", "the tenant's domain", {"type": "string"}, "path")
TABLE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "label": {"type": "string"},
                    "kind": {"type": "string"},
                },
            },
        },
        "rows": {"type": "array", "items": {"type": "object"}},
        "total": {"type": ["object", "null"]},
    },
}
ERRORS = {
    "401": {"description": "not signed in"},
    "404": {"description": "no such tenant, or not yours"},
}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        **ERRORS,
    }


def document() -> dict[str, Any]:
    """The whole document (the session cookie of a log-in authenticates every call)."""
    report_schema = {
        "type": "object",
        "properties": {
            "tenant": {"type": "string"},
            "report": {"type": "string"},
            "period": {"type": "object"},
            "tables": {"type": "object", "additionalProperties": TABLE},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "qfon reports API",
            "version": "1",
            "description": "Figures of call_stats, user_stats and queue_calls_stats, and CDR "
            "search. Counts and seconds are integers, ratios are 0..1.",
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "qfon_reports"}
            }
        },
        "security": [{"session": []}],
        "paths": {
            "/api/v1/tenants": {
                "get": {
                    "summary": "tenants the user may see",
                    "responses": _ok("tenant names", {"type": "object"}),
                }
            },
            "/api/v1/tenants/{domain}/{report}": {
                "get": {
                    "summary": "a report's tables",
                    "parameters": [
                        DOMAIN,
                        _param(
                            "report",
                            "report",
                            {
                                "type": "string",
                                "enum": ["overview", "numbers", "employees", "queues"],
                            },
                            "path",
                        ),
                        *PERIOD_PARAMS,
                        _param("sort", "employees: column to sort by", {"type": "string"}),
                        _param("dir", "employees: asc or desc", {"type": "string"}),
                    ],
                    "responses": {
                        **_ok("the report", report_schema),
                        "403": {"description": "analytics turned off for the tenant"},
                    },
                }
            },
            "/api/v1/tenants/{domain}/cdr": {
                "get": {
                    "summary": "CDR search, newest first, keyset-paginated",
                    "parameters": [
                        DOMAIN,
                        *PERIOD_PARAMS[:3],
                        _param("number", "part of src, dst or clid", {"type": "string"}),
                        _param("direction", "", {"enum": ["in", "out", "internal"]}),
                        _param(
                            "disposition", "", {"enum": ["ANSWERED", "NO ANSWER", "BUSY", "FAILED"]}
                        ),
                        _param("min_duration", "seconds", {"type": "integer"}),
                        _param(
                            "after", "the `next` cursor of the previous page", {"type": "string"}
                        ),
                        _param("limit", "rows per page (1..1000)", {"type": "integer"}),
                    ],
                    "responses": _ok(
                        "a page of CDRs",
                        {
                            "type": "object",
                            "properties": {
                                "total": {"type": "integer"},
                                "next": {"type": ["string", "null"]},
                                "rows": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    ),
                }
            },
            "/api/v1/platform": {
                "get": {
                    "summary": "per-tenant figures (platform admins)",
                    "parameters": PERIOD_PARAMS,
                    "responses": _ok("platform table", report_schema),
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "this document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI"}},
                }
            },
        },
    }
