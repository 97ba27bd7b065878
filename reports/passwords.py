"""Password hashes: argon2id for new ones; the old interface's MD5/SHA-1 hex and crypt() verify.

A legacy hash that verifies is reported as needing a re-hash: the log-in replaces it (argon2id).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import hmac
import re
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_HEX40 = re.compile(r"^[0-9a-fA-F]{40}$")
_CRYPT = re.compile(r"^(\$(1|5|6|2[abxy]?|y|md5)\$.+|[./0-9A-Za-z]{13})$")
_crypt_lock = threading.Lock()
_libcrypt: ctypes.CDLL | None = None


def hash_password(password: str) -> str:
    """A new strong hash (argon2id with the library's recommended parameters)."""
    return _hasher.hash(password)


def _crypt(password: str, setting: str) -> str | None:
    """libcrypt's crypt(3) (the `crypt` module is deprecated); None if unavailable or it fails."""
    global _libcrypt
    with _crypt_lock:
        if _libcrypt is None:
            name = ctypes.util.find_library("crypt") or "libcrypt.so.1"
            try:
                _libcrypt = ctypes.CDLL(name)
            except OSError:
                return None
            _libcrypt.crypt.restype = ctypes.c_char_p
            _libcrypt.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        result = _libcrypt.crypt(password.encode(), setting.encode())
    if not result or result.startswith(b"*"):
        return None
    return result.decode("ascii", "replace")


def verify_password(password: str, stored: str) -> tuple[bool, bool]:
    """(matches, needs_rehash) for a stored hash of any supported kind; never raises."""
    stored = (stored or "").strip()
    if not stored or not password:
        return False, False
    if stored.startswith("$argon2"):
        try:
            _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False, False
        return True, _hasher.check_needs_rehash(stored)
    if stored.startswith("$scrypt$"):
        return _verify_scrypt(password, stored), False
    data = password.encode()
    if _HEX32.fullmatch(stored):
        digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        return hmac.compare_digest(digest, stored.lower()), True
    if _HEX40.fullmatch(stored):
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        return hmac.compare_digest(digest, stored.lower()), True
    if _CRYPT.fullmatch(stored):
        result = _crypt(password, stored)
        return bool(result) and hmac.compare_digest(result or "", stored), True
    return False, False


def _verify_scrypt(password: str, stored: str) -> bool:
    """`$scrypt$n=..,r=..,p=..$<salt hex>$<key hex>` (as `hash-password --scrypt` would write)."""
    try:
        _, _, params, salt, key = stored.split("$")
        fields = dict(item.split("=") for item in params.split(","))
        derived = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(fields["n"]),
            r=int(fields["r"]),
            p=int(fields["p"]),
            maxmem=256 * 1024 * 1024,
            dklen=len(key) // 2,
        )
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(derived.hex(), key)


# A dummy hash to spend the same time on unknown logins (no user enumeration by timing).
DUMMY_HASH = hash_password("qfon-no-such-user")
