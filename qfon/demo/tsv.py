"""Rows as tab-separated text for `LOAD DATA` (the generator never puts tabs, newlines or
backslashes into a value, so no escaping is needed; NULL is `\\N`)."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from qfon.demo.calls import CDR, QueueEvent
from qfon.demo.clock import EpochConverter, fmt, fmt_us
from qfon.schema.source import QueueLogLayout

CDR_COLUMNS = (
    "calldate", "clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata",
    "duration", "billsec", "disposition", "amaflags", "accountcode", "uniqueid", "userfield",
    "linkedid", "recordingfile",
)  # fmt: skip
QUEUE_LOG_COLUMNS = {
    "1.6": ("time", "callid", "queuename", "agent", "event", "data"),
    "1.8": ("time", "callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4",
            "data5"),
}  # fmt: skip
INUSE_COLUMNS = ("ts", "sip_trunk_id", "calls")
NULL = "\\N"


def cdr_text(rows: Iterable[CDR]) -> str:
    """CDR rows in `CDR_COLUMNS` order (amaflags 3 = DOCUMENTATION, Asterisk's default)."""
    return "".join(
        [
            f"{fmt(r[1])}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\t{r[8]}\t{r[9]}\t"
            f"{r[10]}\t{r[11]}\t{r[12]}\t3\t\t{r[13]}\t\t{r[14] or NULL}\t{r[15] or NULL}\n"
            for r in rows
        ]
    )


def queue_log_text(rows: Iterable[QueueEvent], layout: QueueLogLayout, tz: ZoneInfo) -> str:
    """Queue-log rows in the layout's columns: 1.6 epoch + `data`, 1.8 DATETIME(6) + data1..5."""
    if layout == "1.6":
        epoch = EpochConverter(tz)
        return "".join(
            [
                f"{epoch(us // 1_000_000)}\t{c}\t{q}\t{a}\t{e}\t{'|'.join(args)}\n"
                for us, c, q, a, e, args in rows
            ]
        )
    pad = ("", "", "", "", "")
    return "".join(
        [
            f"{fmt_us(us)}\t{c}\t{q}\t{a}\t{e}\t" + "\t".join((*args, *pad)[:5]) + "\n"
            for us, c, q, a, e, args in rows
        ]
    )


def inuse_text(rows: Iterable[tuple[int, int, int]]) -> str:
    """inuse rows: sample time, trunk id, calls in progress."""
    return "".join([f"{fmt(ts)}\t{trunk}\t{calls}\n" for ts, trunk, calls in rows])
