"""Item key parameters written exactly as Zabbix writes them when it expands an LLD macro.

A trapper value lands only when its key equals the item's key string, so a parameter is
quoted when Zabbix would quote it (a comma, a `]`, a leading quote or space) and never otherwise.
"""

from __future__ import annotations


def quoted(text: str) -> str:
    """A parameter in double quotes, inner quotes escaped (`"{#IFNAME}"` style)."""
    return '"' + text.replace('"', '\\"') + '"'


def param(text: str) -> str:
    """A parameter as Zabbix substitutes an unquoted macro: bare unless it must be quoted."""
    if any(c in text for c in ',]"') or text.startswith(" ") or text.endswith(" "):
        return quoted(text)
    return text
