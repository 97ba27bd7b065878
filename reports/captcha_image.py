"""The app's own CAPTCHA: a `captcha` package image; only a keyed hash of the answer is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from captcha.image import ImageCaptcha
from flask import current_app, session

ALPHABET = "ABCDEFHKMNPRSTUWXYZ2345678"
LENGTH = 5


def _digest(answer: str) -> str:
    key = str(current_app.secret_key).encode()
    return hmac.new(key, answer.strip().upper().encode(), hashlib.sha256).hexdigest()


def new_captcha() -> bytes:
    """A new PNG; its answer's hash goes into the (signed) session, replacing any earlier one."""
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    session["captcha"] = _digest(answer)
    if current_app.config.get("CAPTCHA_TEST_ANSWER_HOOK"):
        current_app.config["CAPTCHA_TEST_ANSWER_HOOK"](answer)
    return ImageCaptcha(width=200, height=70).generate(answer).getvalue()


def check_captcha(answer: str | None) -> bool:
    """Whether the answer solves the current CAPTCHA; each CAPTCHA can be tried once."""
    expected = session.pop("captcha", None)
    return bool(expected and answer) and hmac.compare_digest(expected, _digest(answer or ""))
