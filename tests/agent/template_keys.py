"""Read the template's trapper keys and expand its prototypes as Zabbix's LLD would."""

from __future__ import annotations

import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

from agent.keys import param, quoted
from agent.values import Round
from tests.conftest import REPO

DASHBOARDS = REPO / "dashboards"


def builder() -> ModuleType:
    """dashboards/build_template.py as a module (dashboards/ is not a package)."""
    sys.path.insert(0, str(DASHBOARDS))
    try:
        spec = importlib.util.spec_from_file_location(
            "build_template", DASHBOARDS / "build_template.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(DASHBOARDS))


def expand(key: str, row: dict[str, str]) -> str:
    """A prototype key with LLD macros replaced (quoted parameters escaped, bare ones quoted)."""
    for macro, value in row.items():
        key = key.replace(f'"{macro}"', quoted(value)).replace(macro, param(value))
    return key


def template_keys(document: dict[str, Any], collected: Round) -> set[str]:
    """Every trapper key of the template for the LLD rows the round discovered."""
    body = document["zabbix_export"]["templates"][0]
    rows = {v.key: json.loads(str(v.value)) for v in collected.discovery}
    keys = {i["key"] for i in body["items"] if i["type"] == "TRAP"}
    for rule in body["discovery_rules"]:
        assert rule["type"] == "TRAP"
        keys.add(rule["key"])
        for proto in rule["item_prototypes"]:
            assert proto["type"] == "TRAP"
            keys.update(expand(proto["key"], row) for row in rows.get(rule["key"], []))
    return keys


def sent_keys(collected: Round) -> set[str]:
    """Every key a round sends: discovery rules and item values."""
    return {v.key for v in collected.discovery} | {v.key for v in collected.values()}
