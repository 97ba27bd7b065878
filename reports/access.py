"""Who may see what: managers see their own tenant only (404 for any other), admins see all."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import abort, g, jsonify, redirect, render_template, request, session, url_for

from reports import i18n
from reports.db import directory, settings, tenant_db

F = TypeVar("F", bound=Callable[..., Any])


def is_admin() -> bool:
    return session.get("kind") == "admin"


def signed_in() -> bool:
    return session.get("kind") in ("admin", "manager")


def language() -> str:
    """The session's choice, else the tenant's `language` option, else Russian."""
    lang = session.get("lang")
    if lang in i18n.LANGUAGES:
        return str(lang)
    db = g.get("db")
    if db is not None:
        option = db.options().get("language", "ru").lower()
        if option in i18n.LANGUAGES:
            return option
    return "ru"


def _not_signed_in() -> Any:
    if request.path.startswith("/api/"):
        return jsonify(error="not signed in"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not signed_in():
            return _not_signed_in()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def admin_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not signed_in():
            return _not_signed_in()
        if not is_admin():
            abort(404)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def tenant_view(analytics: bool = False) -> Callable[[F], F]:
    """A view about the tenant `<domain>`: 404 unless the user may see it; binds `g.db`.

    With `analytics`, a tenant whose `analytics_enabled` option is off gets the page saying so.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(domain: str, *args: Any, **kwargs: Any) -> Any:
            if not signed_in():
                return _not_signed_in()
            if not is_admin() and session.get("domain") != domain:
                abort(404)
            tenant = directory().get(domain)
            if tenant is None:
                abort(404)
            g.tenant = tenant
            g.db = tenant_db(tenant)
            g.lang = language()
            if analytics and not g.db.option_on("analytics_enabled", default=True):
                if request.path.startswith("/api/"):
                    return jsonify(error="analytics is turned off for this tenant"), 403
                return render_template("disabled.html"), 200
            return view(domain, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def tenant_now() -> datetime:
    """The tenant's local wall-clock time now (naive, as its tables keep time)."""
    zone = settings().mysql.zone_for(g.tenant.name)
    return datetime.now(zone).replace(tzinfo=None)
