"""CSV and XLSX of a report table: the same raw figures the JSON API gives."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from reports.tables import Table, json_value

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"^[+\-]?[\d\s()\-.]*$")


def csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading `'` (caller IDs are
    outside input); numbers and phone numbers such as `+7(495)2216005` stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PHONE.match(value):
        return "'" + value
    return value


def table_csv(table: Table, lang: str) -> str:
    """Header of column labels, then one line per row (and the total), raw values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header(lang))
    for row in table.all_rows():
        values = (row.get(c.key) for c in table.columns)
        writer.writerow(["" if v is None else csv_safe(json_value(v)) for v in values])
    return out.getvalue()


def table_xlsx(table: Table, lang: str) -> bytes:
    """The same rows as a one-sheet workbook (datetimes as Excel dates)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:31])
    sheet.append(table.header(lang))
    for row in table.all_rows():
        values: list[Any] = []
        for col in table.columns:
            value = row.get(col.key)
            if isinstance(value, float):
                value = round(value, 6)
            elif value is not None and not isinstance(value, int | datetime):
                cell = WriteOnlyCell(sheet, value=str(value))
                cell.data_type = "s"  # text, never a formula (caller IDs are outside input)
                value = cell
            values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(table: Table, fmt: str, filename: str, lang: str) -> Response:
    """A download of the table as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    if fmt == "csv":
        body: bytes = ("\ufeff" + table_csv(table, lang)).encode("utf-8")
    else:
        body = table_xlsx(table, lang)
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )
