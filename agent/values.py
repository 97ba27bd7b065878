"""What one collection round produces: discovery values, then batches of item values.

Plain data only, so that the collectors, the sender and the spool share one shape and the pure
logic is tested without Zabbix.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

Scalar = int | float | str


@dataclass(frozen=True)
class Value:
    """One item value with the moment it was measured (Unix seconds and nanoseconds)."""

    key: str
    value: Scalar
    clock: int
    ns: int


def stamp() -> tuple[int, int]:
    """Now as (clock, ns), the form Zabbix stores a value's time in."""
    now = time.time_ns()
    return now // 1_000_000_000, now % 1_000_000_000


@dataclass
class Batch:
    """Values of one family measured together, so they share one clock and ns."""

    family: str
    clock: int = 0
    ns: int = 0
    values: list[Value] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.clock:
            self.clock, self.ns = stamp()

    def add(self, key: str, value: Scalar | None) -> None:
        """Add a value measured at the batch's moment; None (not measurable) is skipped."""
        if value is None:
            return
        if isinstance(value, float):
            value = round(value, 6)
        self.values.append(Value(key, value, self.clock, self.ns))


@dataclass
class Round:
    """One collection round: LLD values (sent first), the batches, and what went wrong."""

    discovery: list[Value] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def discover(self, key: str, rows: list[dict[str, str]]) -> None:
        """An LLD value: the rows as a JSON string (a plain array, Zabbix 4.2+ style)."""
        clock, ns = stamp()
        self.discovery.append(Value(key, json.dumps(rows, ensure_ascii=False), clock, ns))

    def batch(self, family: str) -> Batch:
        """A new batch of values measured now."""
        made = Batch(family)
        self.batches.append(made)
        return made

    def values(self) -> list[Value]:
        """Every item value of the round, discovery excluded."""
        return [v for b in self.batches for v in b.values]

    def as_json(self) -> dict[str, Any]:
        """The round as plain JSON data, for `agent collect`."""
        return {
            "discovery": {v.key: json.loads(str(v.value)) for v in self.discovery},
            "values": {
                b.family: {v.key: v.value for v in b.values} for b in self.batches if b.values
            },
            "clock": self.batches[0].clock if self.batches else None,
            "errors": self.errors,
        }


def value_to_dict(value: Value) -> dict[str, Any]:
    """A value as a JSON-ready dict (the spool's line format)."""
    return asdict(value)
