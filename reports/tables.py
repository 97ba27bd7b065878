"""A report table: columns with a kind, rows of raw values; rendered as HTML, CSV, XLSX and JSON.

Raw values (counts, seconds, ratios 0..1, datetimes) are what every export carries; the HTML shows
them formatted for the language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape

from reports import i18n


@dataclass(frozen=True)
class Col:
    """A column: its key in the rows, the text key of its label, and the kind of its values."""

    key: str
    label: str
    kind: str = "int"  # text, label (translated), int, seconds, pct, decimal, datetime, bucket


@dataclass
class Table:
    """A named table of a report; `total` is an optional summary row."""

    name: str
    title: str
    columns: list[Col]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] | None = None
    grouping: str = "day"

    def all_rows(self) -> list[dict[str, Any]]:
        return [*self.rows, self.total] if self.total is not None else list(self.rows)

    def display(self, col: Col, value: Any, lang: str) -> str:
        """A value as shown in the HTML table."""
        if value is None:
            return "—"
        kind = col.kind
        if kind == "int":
            return i18n.fmt_int(value, lang)
        if kind == "seconds":
            return i18n.fmt_seconds(value, lang)
        if kind == "pct":
            return i18n.fmt_pct(value, lang)
        if kind == "decimal":
            return i18n.fmt_decimal(value, lang)
        if kind == "bucket" and isinstance(value, datetime):
            return i18n.fmt_bucket(value, self.grouping, lang)
        if kind == "label":
            return i18n.text(str(value), lang)
        if kind == "datetime" and isinstance(value, datetime):
            return i18n.fmt_datetime(value, lang)
        return str(value)

    def cells(self, row: dict[str, Any], lang: str) -> list[tuple[str, str]]:
        """(kind, shown text) of each column of a row, for the HTML table."""
        return [(c.kind, self.display(c, row.get(c.key), lang)) for c in self.columns]

    def rows_html(self, lang: str) -> Markup:
        """The `<tr>` rows of the HTML table, every value escaped (one pass, no template loop)."""
        kinds = [escape(c.kind) for c in self.columns]
        parts = []
        for row in self.rows:
            shown = (escape(text) for _kind, text in self.cells(row, lang))
            cells = "".join(f'<td class="{k}">{v}</td>' for k, v in zip(kinds, shown, strict=True))
            parts.append(f"<tr>{cells}</tr>")
        return Markup("\n".join(parts))  # noqa: S704 - built from escaped values only

    def header(self, lang: str) -> list[str]:
        return [i18n.text(c.label, lang) for c in self.columns]

    def to_json(self, lang: str) -> dict[str, Any]:
        """The table as JSON-ready data (raw values; datetimes as ISO text)."""
        return {
            "name": self.name,
            "columns": [
                {"key": c.key, "label": i18n.text(c.label, lang), "kind": c.kind}
                for c in self.columns
            ],
            "rows": [{c.key: json_value(r.get(c.key)) for c in self.columns} for r in self.rows],
            "total": None
            if self.total is None
            else {c.key: json_value(self.total.get(c.key)) for c in self.columns},
        }


def json_value(value: Any) -> Any:
    """A raw value as JSON and CSV carry it."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value
