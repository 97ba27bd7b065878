"""Cookies, headers and the idle timeout."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request, session
from flask.sessions import SecureCookieSessionInterface

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is Secure whenever the request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def security_headers(response: Response) -> Response:
    """CSP without inline script, no framing, no sniffing; private pages are not cached."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def idle_timeout(app: Flask) -> None:
    """End sessions idle longer than `reports.session_idle_minutes`; note activity otherwise."""
    if request.path.startswith("/static/") or "kind" not in session:
        return
    now = int(time.time())
    idle = app.config["QFON_SETTINGS"].reports.session_idle_minutes * 60
    if now - int(session.get("seen", 0)) > idle:
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        g.session_expired = True
        return
    if now - int(session.get("seen", 0)) >= 15:  # don't rewrite the cookie on every request
        session["seen"] = now


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="qfon_reports",
        PERMANENT_SESSION_LIFETIME=app.config["QFON_SETTINGS"].reports.session_idle_minutes * 60,
    )
    app.before_request(lambda: idle_timeout(app))
    app.after_request(security_headers)
