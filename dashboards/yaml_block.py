"""A tiny block-style YAML writer for the Zabbix template (the 6.0 importer rejects flow style).

Only what an export needs: mappings, sequences and scalars; every string is single-quoted unless
it is a plain word, as Zabbix's own exports do.
"""

from __future__ import annotations

import re
from typing import Any

PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def scalar(value: Any) -> str:
    """One scalar as YAML text."""
    text = str(value)
    if PLAIN.match(text) and text.lower() not in RESERVED:
        return text
    return "'" + text.replace("'", "''") + "'"


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{pad}{key}:")
                out.extend(_lines(item, indent + 2))
            else:
                text = _empty(item) if isinstance(item, dict | list) else scalar(item)
                out.append(f"{pad}{key}: {text}")
        return out
    for item in value:
        if isinstance(item, dict | list) and item:
            inner = _lines(item, indent + 2)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out.extend(inner[1:])
        else:
            out.append(f"{pad}- {scalar(item)}")
    return out


def _empty(value: dict | list) -> str:
    return "{}" if isinstance(value, dict) else "[]"


def dump(document: dict[str, Any]) -> str:
    """The whole document as block-style YAML text."""
    return "\n".join(_lines(document, 0)) + "\n"
