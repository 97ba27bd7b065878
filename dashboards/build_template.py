"""Build `qfon_pbx_host.yaml`, the Zabbix 6.0 template of every key `qfon agent` sends.

Run `python dashboards/build_template.py` after changing it; a test checks the YAML is current and
that the agent's keys and the template's trapper keys match both ways. UUIDs are UUIDv4-shaped and
derived from names, so rebuilding keeps them (re-imports update instead of duplicating).
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from template_discovery import DISCOVERY  # sibling modules, found through sys.path
from template_parts import (
    GRAPHS,
    HOST_TRIGGERS,
    ITEMS,
    MACROS,
    T,
)
from yaml_block import dump

OUT = Path(__file__).resolve().parent / "qfon_pbx_host.yaml"
DEFAULTS = {"value_type": "UNSIGNED"}


def uid(*names: str) -> str:
    """A stable UUIDv4 in 32-hex form (Zabbix refuses anything else)."""
    digest = hashlib.sha256("/".join(names).encode()).digest()[:16]
    return uuid.UUID(bytes=digest, version=4).hex


def item(spec: dict[str, Any], scope: str) -> dict[str, Any]:
    """An item or item prototype: a trapper with the spec's name, type, units and triggers."""
    made: dict[str, Any] = {
        "uuid": uid(scope, spec["key"]),
        "name": spec["name"],
        "type": "TRAP",
        "key": spec["key"],
        "delay": "0",
        "history": spec.get("history", "31d"),
    }
    if spec.get("value_type", "UNSIGNED") != "UNSIGNED":
        made["value_type"] = spec["value_type"]
    if spec.get("value_type") in ("CHAR", "TEXT"):
        made["trends"] = "0"
    for field in ("units", "description"):
        if spec.get(field):
            made[field] = spec[field]
    if spec.get("preprocessing"):
        made["preprocessing"] = [
            {"type": step, "parameters": [param]} for step, param in spec["preprocessing"]
        ]
    made["tags"] = [{"tag": "component", "value": spec.get("component", "system")}]
    if spec.get("triggers"):
        made["triggers" if scope == "item" else "trigger_prototypes"] = [
            trigger(t, scope) for t in spec["triggers"]
        ]
    return made


def trigger(spec: dict[str, Any], scope: str) -> dict[str, Any]:
    """A trigger or trigger prototype with its expression in 6.0 syntax."""
    made = {
        "uuid": uid(scope, "trigger", spec["name"]),
        "expression": spec["expression"],
        "name": spec["name"],
        "priority": spec["priority"],
    }
    if spec.get("description"):
        made["description"] = spec["description"]
    return made


def graph(spec: dict[str, Any], scope: str) -> dict[str, Any]:
    """A graph or graph prototype over the template's items."""
    made: dict[str, Any] = {"uuid": uid(scope, "graph", spec["name"]), "name": spec["name"]}
    made.update(spec.get("options", {}))
    made["graph_items"] = [
        {
            "sortorder": str(n),
            "drawtype": spec.get("drawtype", "SINGLE_LINE"),
            "color": color,
            "item": {"host": T, "key": key},
        }
        for n, (key, color) in enumerate(spec["items"])
    ]
    return made


def rule(spec: dict[str, Any]) -> dict[str, Any]:
    """A trapper discovery rule with its filter, prototypes and their triggers and graphs."""
    made: dict[str, Any] = {
        "uuid": uid("rule", spec["key"]),
        "name": spec["name"],
        "type": "TRAP",
        "key": spec["key"],
        "delay": "0",
    }
    if spec.get("filter"):
        made["filter"] = {
            "evaltype": "AND",
            "conditions": [
                {"macro": macro, "value": value, "operator": op, "formulaid": chr(65 + n)}
                for n, (macro, value, op) in enumerate(spec["filter"])
            ],
        }
    made["lifetime"] = spec.get("lifetime", "7d")
    made["item_prototypes"] = [item(p, "prototype") for p in spec["prototypes"]]
    if spec.get("triggers"):
        made["trigger_prototypes"] = [trigger(t, "prototype") for t in spec["triggers"]]
    if spec.get("graphs"):
        made["graph_prototypes"] = [graph(g, "prototype") for g in spec["graphs"]]
    return made


def dashboard() -> dict[str, Any]:
    """The template dashboard: the host graphs, two per row."""
    widgets = []
    for n, spec in enumerate(GRAPHS):
        widgets.append(
            {
                "type": "GRAPH_CLASSIC",
                "name": spec["name"],
                "x": str(12 * (n % 2)),
                "y": str(5 * (n // 2)),
                "width": "12",
                "height": "5",
                "fields": [
                    {"type": "INTEGER", "name": "source_type", "value": "0"},
                    {
                        "type": "GRAPH",
                        "name": "graphid",
                        "value": {"host": T, "name": spec["name"]},
                    },
                ],
            }
        )
    return {
        "uuid": uid("dashboard", T),
        "name": "PBX host overview",
        "pages": [{"widgets": widgets}],
    }


def template() -> dict[str, Any]:
    """The whole export document."""
    body: dict[str, Any] = {
        "uuid": uid("template", T),
        "template": T,
        "name": T,
        "description": "Pushed by `qfon agent` (trapper items); see dashboards/README.md.",
        "groups": [{"name": "Templates"}],
        "items": [item(i, "item") for i in ITEMS],
        "discovery_rules": [rule(r) for r in DISCOVERY],
        "tags": [{"tag": "class", "value": "os"}],
        "macros": [{"macro": m, "value": v, "description": d} for m, v, d in MACROS],
        "dashboards": [dashboard()],
    }
    return {
        "zabbix_export": {
            "version": "6.0",
            "groups": [{"uuid": uid("group", "Templates"), "name": "Templates"}],
            "templates": [body],
            "triggers": [trigger(t, "item") for t in HOST_TRIGGERS],
            "graphs": [graph(g, "item") for g in GRAPHS],
        }
    }


def render() -> str:
    """The template as the YAML text shipped in dashboards/."""
    return dump(template())


if __name__ == "__main__":
    OUT.write_text(render())
