"""The web reports: analytics, CDR search and exports for managers and platform admins.

Built as Flask's tutorial does: `create_app()` makes the app; each area is a blueprint.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from reports import i18n

csrf = CSRFProtect()


def _settings(config: Mapping[str, Any]) -> Any:
    if config.get("QFON_SETTINGS") is not None:
        return config["QFON_SETTINGS"]
    from qfon.settings import load_settings

    return load_settings()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app; `test_config` overrides config keys (`QFON_SETTINGS`: a `Settings`)."""
    app = Flask(__name__)
    config = dict(test_config or {})
    settings = _settings(config)
    config["QFON_SETTINGS"] = settings
    secret = settings.reports.secret_key
    app.config.update(
        SECRET_KEY=secret.get_secret_value() if secret else secrets.token_hex(32),
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)
    if settings.reports.trusted_proxies:
        n = settings.reports.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from reports import api, auth, db, security
    from reports.views import cdr, employees, numbers, overview, platform, queues

    db.init_app(app)
    security.init_app(app)
    csrf.init_app(app)
    for module in (auth, overview, numbers, employees, queues, cdr, platform, api):
        app.register_blueprint(module.bp)

    @app.context_processor
    def helpers() -> dict[str, Any]:
        lang = g.get("lang", "ru")
        return {"t": lambda key, **kw: i18n.text(key, lang, **kw), "lang": lang, "i18n": i18n}

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        return render_template("error.html", code=400, message=exc.description), 400

    @app.errorhandler(404)
    def not_found(exc: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return jsonify(error="not found"), 404
        return render_template("error.html", code=404, message=None), 404

    return app
