"""Log-in and log-out, the CAPTCHA image and the language switch.

A line a fail2ban filter can match is logged for every failure and for every lock, e.g.
`qfon-reports: login locked: domain=demo login=boss ip=203.0.113.7`; a filter
`failregex = ^.*qfon-reports: login (failed|locked): .* ip=<HOST>$` blocks the address.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from qfon.schema import system_user
from reports import i18n
from reports.access import is_admin, language, signed_in
from reports.captcha_image import check_captcha, new_captcha
from reports.db import TenantDB, directory, settings, tenant_db
from reports.passwords import DUMMY_HASH, hash_password, verify_password
from reports.throttle import Attempts, MemoryCounter, TenantCounter, login_state, next_count

log = logging.getLogger("reports.auth")
bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    domain = StringField(validators=[Length(max=64)])
    login = StringField(validators=[DataRequired(), Length(max=80)])
    password = PasswordField(validators=[DataRequired(), Length(max=256)])
    captcha = StringField(validators=[Length(max=16)])


class LogoutForm(FlaskForm):
    pass


def _safe_next(target: str | None) -> str | None:
    """Only a local path (no scheme, no host, no `//`) is a place to go back to."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home() -> str:
    if is_admin():
        return url_for("platform.overview")
    return url_for("overview.page", domain=session["domain"])


def _check_admin(login: str, password: str) -> bool:
    for admin in settings().reports.admins:
        if admin.login == login:
            return verify_password(password, admin.password_hash)[0]
    verify_password(password, DUMMY_HASH)
    return False


def _check_manager(db: TenantDB, login: str, password: str) -> bool:
    row = db.execute(
        select(system_user.c.id, system_user.c.password_hash).where(system_user.c.login == login)
    ).first()
    if row is None:
        verify_password(password, DUMMY_HASH)
        return False
    ok, rehash = verify_password(password, row.password_hash)
    if ok and rehash:
        db.execute(
            update(system_user)
            .where(system_user.c.id == row.id)
            .values(password_hash=hash_password(password))
        )
        db.conn.commit()
        log.info("re-hashed the legacy password of %s@%s", login, db.domain)
    return ok


def _attempt(form: LoginForm) -> tuple[bool, str | None, bool]:
    """(signed in, error text key, show the CAPTCHA next)."""
    cfg = settings().reports
    domain, login = (form.domain.data or "").strip().lower(), form.login.data.strip()
    ip = request.remote_addr or "-"
    tenant = directory().get(domain) if domain else None
    if domain and tenant is None:
        verify_password(form.password.data, DUMMY_HASH)
        log.warning("qfon-reports: login failed: domain=%s login=%s ip=%s", domain, login, ip)
        return False, "bad_login", False
    db = tenant_db(tenant) if tenant else None
    counter: Any = TenantCounter(db) if db else MemoryCounter()
    now = datetime.now()
    attempts = counter.get(ip, login)
    state = login_state(attempts, now, cfg.lockout_after, cfg.lockout_minutes)
    if state == "locked":
        log.warning("qfon-reports: login locked: domain=%s login=%s ip=%s", domain, login, ip)
        return False, "locked", True
    error = None
    if state == "captcha" and not check_captcha(form.captcha.data):
        error = "bad_captcha"
    elif db is None and _check_admin(login, form.password.data):
        counter.clear(ip, login)
        session.clear()
        session.update(kind="admin", login=login)
        return True, None, False
    elif db is not None and _check_manager(db, login, form.password.data):
        counter.clear(ip, login)
        session.clear()
        session.update(kind="manager", domain=domain, login=login)
        return True, None, False
    count = next_count(attempts, now, cfg.lockout_after, cfg.lockout_minutes)
    counter.set(ip, login, count, now)
    log.warning("qfon-reports: login failed: domain=%s login=%s ip=%s", domain, login, ip)
    if count >= cfg.lockout_after:
        log.warning("qfon-reports: login locked: domain=%s login=%s ip=%s", domain, login, ip)
        return False, "locked", True
    after = login_state(Attempts(count, now), now, cfg.lockout_after, cfg.lockout_minutes)
    return False, error or "bad_login", after != "ok"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    g.lang = language()
    error, show_captcha = None, False
    if g.get("session_expired"):
        error = "expired"
    if request.method == "POST" and form.validate_on_submit():
        ok, error, show_captcha = _attempt(form)
        if ok:
            session["seen"] = int(time.time())
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or _home())
    elif request.method == "POST":
        error = "bad_login"
    minutes = settings().reports.lockout_minutes
    message = i18n.text(error, g.lang, minutes=minutes) if error else None
    status = 200 if request.method == "GET" else 401 if error != "locked" else 429
    form.password.data = form.captcha.data = ""
    return render_template("login.html", form=form, error=message, captcha=show_captcha), status


@bp.post("/logout")
def logout() -> Any:
    form = LogoutForm()
    if form.validate_on_submit():
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.get("/login/captcha.png")
def captcha_png() -> Response:
    return Response(new_captcha(), mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.get("/lang/<code>")
def switch_language(code: str) -> Any:
    if code in i18n.LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.index"))


@bp.get("/")
def index() -> Any:
    return redirect(_home() if signed_in() else url_for("auth.login"))
