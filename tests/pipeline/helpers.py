"""Helpers for pipeline tests: insert source rows, run passes, read the tables, ask the model."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, text

from pipeline.model import compute
from pipeline.platform import build_platform
from pipeline.queue_log import detect_layout, to_event
from pipeline.runner import run_pass
from qfon.schema import cdr, dial_numbers, inuse, queues, sip_trunks, users
from qfon.schema.source import queue_log_v16, queue_log_v18
from qfon.settings import Settings

CDR_DEFAULTS = {
    "channel": "",
    "dstchannel": "",
    "disposition": "ANSWERED",
    "duration": 0,
    "billsec": 0,
    "linkedid": None,
}


def _exec(engine: Engine, domain: str, table, rows: list[dict]) -> None:
    if not rows:
        return
    with engine.begin() as conn:
        conn = conn.execution_options(schema_translate_map={None: domain})
        conn.execute(insert(table), rows)


def setup_platform(
    engine: Engine,
    domain: str,
    numbers: tuple[int, ...] = (),
    trunks: tuple[tuple[int, str, int | None], ...] = (),
    people: tuple[tuple[int, str, str], ...] = (),
    queue_sla: tuple[tuple[str, int], ...] = (),
) -> None:
    """Platform rows: dial numbers, trunks (id, name, number), users (id, login, name), queues."""
    _exec(engine, domain, dial_numbers, [{"id": n, "number": f"+7495{n:07d}"} for n in numbers])
    _exec(
        engine,
        domain,
        sip_trunks,
        [{"id": i, "name": n, "dial_number_id": d} for i, n, d in trunks],
    )
    _exec(engine, domain, users, [{"id": i, "login": lg, "name": nm} for i, lg, nm in people])
    _exec(engine, domain, queues, [{"name": q, "sla_seconds": s} for q, s in queue_sla])


def add_cdrs(engine: Engine, domain: str, *rows: dict) -> None:
    """CDR rows; `calldate` as text or datetime, `uniqueid` required."""
    _exec(engine, domain, cdr, [{**CDR_DEFAULTS, **r} for r in rows])


def add_zero_date_cdr(engine: Engine, domain: str, uniqueid: str) -> None:
    """A CDR with calldate 0000-00-00 00:00:00 (needs a permissive sql_mode)."""
    with engine.begin() as conn:
        conn.execute(text("SET SESSION sql_mode = ''"))
        conn.execute(
            text(
                f"INSERT INTO `{domain}`.ast_cdr_adaptive (calldate, uniqueid, disposition) "
                "VALUES ('0000-00-00 00:00:00', :u, 'ANSWERED')"
            ),
            {"u": uniqueid},
        )
        conn.execute(text("SET SESSION sql_mode = DEFAULT"))


def add_queue_log(engine: Engine, domain: str, *rows: tuple) -> None:
    """Queue-log rows (time, callid, queue, agent, event, *args) in the tenant's layout.

    1.6 layout: `time` is written as given (an epoch string, usually), args joined by `|`.
    """
    with engine.connect() as conn:
        conn.exec_driver_sql(f"USE `{domain}`")
        split = detect_layout(conn).split
    out = []
    for when, callid, queue, agent, event, *args in rows:
        row = {"time": when, "callid": callid, "queuename": queue, "agent": agent, "event": event}
        if split:
            row["data"] = "|".join(str(a) for a in args)
        else:
            row.update({f"data{i}": "" for i in range(1, 6)})
            row.update({f"data{i + 1}": str(a) for i, a in enumerate(args)})
        out.append(row)
    _exec(engine, domain, queue_log_v16 if split else queue_log_v18, out)


def add_inuse(engine: Engine, domain: str, *rows: tuple) -> None:
    """inuse samples (ts, trunk id, calls)."""
    _exec(engine, domain, inuse, [{"ts": t, "sip_trunk_id": k, "calls": c} for t, k, c in rows])


def run(settings: Settings, domain: str) -> list:
    """One in-process pass over the tenant; returns the results."""
    results = run_pass(settings, [domain], lambda line: None)
    assert all(r.status in ("ok", "skipped") for r in results), results
    return results


def tables(engine: Engine, domain: str) -> dict[str, dict]:
    """The three analytics tables as {key: figures} (updated_at left out)."""
    keys = {
        "call_stats": 3,
        "user_stats": 2,
        "queue_calls_stats": 2,
    }
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        for table, width in keys.items():
            result = conn.execute(text(f"SELECT * FROM `{domain}`.{table}"))
            names = list(result.keys())
            figures = {}
            for row in result:
                values = dict(zip(names, row, strict=True))
                values.pop("updated_at")
                key = tuple(values.pop(n) for n in names[:width])
                figures[key] = {k: (int(v) if v is not None else None) for k, v in values.items()}
            out[table] = figures
    return out


def model(engine: Engine, domain: str, zone: str) -> dict[str, dict]:
    """What the pure model computes from every source row of the tenant right now."""
    tz = ZoneInfo(zone)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"USE `{domain}`")
        rows = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM ast_cdr_adaptive"))]
        for r in rows:
            if not isinstance(r["calldate"], datetime):
                r["calldate"] = None
        layout = detect_layout(conn)
        events = [
            e
            for r in conn.execute(text(f"SELECT {layout.columns} FROM ast_queue_log"))
            if (e := to_event(tuple(r), layout, tz)) is not None
        ]
        samples = [
            tuple(r) for r in conn.execute(text("SELECT id, ts, sip_trunk_id, calls FROM inuse"))
        ]
        plat = build_platform(
            set(conn.execute(text("SELECT id FROM dial_numbers")).scalars()),
            [
                tuple(r)
                for r in conn.execute(text("SELECT id, name, dial_number_id FROM sip_trunks"))
            ],
            [tuple(r) for r in conn.execute(text("SELECT id, login, name FROM users"))],
            [tuple(r) for r in conn.execute(text("SELECT name, sla_seconds FROM queues"))],
        )
    return compute(rows, events, samples, plat)


def totals(figures: dict[tuple, dict], **match) -> dict[str, int]:
    """Sum of every figure over the rows whose key positions match (e.g. number=1)."""
    out: dict[str, int] = {}
    for key, row in figures.items():
        if all(key[int(pos[1:])] == val for pos, val in match.items()):
            for name, value in row.items():
                out[name] = out.get(name, 0) + (value or 0)
    return out
