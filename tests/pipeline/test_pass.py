"""How a pass behaves: cheap when nothing is new, state kept, ids that go back."""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from pipeline.state import read_state
from tests.pipeline.helpers import add_cdrs, run, setup_platform, tables

CALL = {"calldate": "2026-04-01 10:00:00", "uniqueid": "u1", "channel": "SIP/t-1"}


def test_a_pass_with_no_new_rows_is_a_handful_of_statements(engine, settings, make_tenant):
    domain = make_tenant()
    setup_platform(engine, domain, numbers=(1,), trunks=((1, "t", 1),))
    add_cdrs(engine, domain, CALL)
    run(settings, domain)
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        (result,) = run(settings, domain)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert result.hours == 0
    tenant_statements = [s for s in seen if "information_schema" not in s]
    # USE, GET_LOCK, one look at options/state/maxima, the state update, RELEASE_LOCK
    assert len(tenant_statements) <= 6, tenant_statements


def test_state_records_watermarks_and_last_success(engine, settings, make_tenant):
    domain = make_tenant()
    add_cdrs(engine, domain, CALL, {**CALL, "uniqueid": "u2"})
    run(settings, domain)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"USE `{domain}`")
        states = read_state(conn)
    assert states["ast_cdr_adaptive"].watermark == 2
    assert all(s.last_success is not None and s.last_error is None for s in states.values())


def test_ids_that_go_back_are_read_again(engine, settings, make_tenant):
    domain = make_tenant()
    setup_platform(engine, domain, numbers=(1,), trunks=((1, "t", 1),))
    add_cdrs(engine, domain, CALL, {**CALL, "uniqueid": "u2"})
    run(settings, domain)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE `{domain}`.ast_cdr_adaptive"))
    add_cdrs(engine, domain, {**CALL, "calldate": "2026-04-02 11:00:00"})
    run(settings, domain)
    hours = {h.day for h, _, _ in tables(engine, domain)["call_stats"]}
    assert 2 in hours
