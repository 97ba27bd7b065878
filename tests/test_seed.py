"""The demo-data generator: its invariants (pure) and seeding real tenants (private MariaDB)."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from qfon.demo import seed_tenant, seed_tenants
from qfon.demo.calls import Activity
from qfon.demo.clock import to_datetime
from qfon.demo.config import TenantConfig
from qfon.demo.load import SeedJob, build, new_tenant_names, seed_jobs
from qfon.tenant_admin import drop_tenant, is_tenant
from tests.conftest import TEST_TZ

TZ = ZoneInfo(TEST_TZ)
END = date(2026, 11, 20)
OUTCOMES = {"CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"}
ENDS = {"COMPLETECALLER", "COMPLETEAGENT", "TRANSFER"}
# CDR tuple items (see qfon.demo.calls.CDR_FIELDS)
END_, START, CHANNEL, DSTCHANNEL, DURATION, DISPOSITION, UNIQUEID, LINKEDID = (
    0, 1, 6, 7, 10, 12, 13, 14,
)  # fmt: skip


def make(layout: str = "1.6", seed: int = 3, days: int = 14, cpd: float = 120.0, domain="demo"):
    return build(
        domain,
        days=days,
        seed=seed,
        end=END,
        calls_per_day=cpd,
        tz=TZ,
        layout=layout,
        recordings=5,
    )


@pytest.fixture(scope="module")
def v16() -> tuple[TenantConfig, Activity]:
    return make("1.6", cpd=250)


@pytest.fixture(scope="module")
def v18() -> tuple[TenantConfig, Activity]:
    return make("1.8", seed=4, cpd=250)


def call_key(row) -> str:
    return row[LINKEDID] or row[UNIQUEID]


def calls_of(act: Activity) -> dict[str, list]:
    calls = defaultdict(list)
    for row in act.cdr:
        calls[call_key(row)].append(row)
    return calls


def trunk_of(channel: str, trunks: dict[str, int]) -> int | None:
    peer = channel[4 : channel.rfind("-")] if channel.startswith("SIP/") else ""
    return trunks.get(peer)


# --- pure generator -------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    cfg1, a1 = make(seed=7, days=5)
    cfg2, a2 = make(seed=7, days=5)
    _, a3 = make(seed=8, days=5)
    assert cfg1 == cfg2
    assert (a1.cdr, a1.queue_log, a1.inuse, a1.recordings) == (
        a2.cdr,
        a2.queue_log,
        a2.inuse,
        a2.recordings,
    )
    assert a1.cdr != a3.cdr


@pytest.mark.parametrize("layout", ["1.6", "1.8"])
def test_each_call_has_its_rows_under_one_call_key(layout, v16, v18):
    cfg, act = v16 if layout == "1.6" else v18
    calls = calls_of(act)
    assert len(calls) == act.calls
    for rows in calls.values():
        assert len({r[CHANNEL] for r in rows}) == 1  # the caller's channel throughout
    if cfg.linked:
        assert all(r[LINKEDID] for r in act.cdr)
        # >= 1.8 transfer legs have their own uniqueid but the call's linkedid
        assert any(len({r[UNIQUEID] for r in rows}) > 1 for rows in calls.values())
    else:
        assert all(r[LINKEDID] is None for r in act.cdr)


def test_parallel_dial_legs_share_the_call_and_only_one_answers(v16):
    _, act = v16
    parallel = [
        rows
        for rows in calls_of(act).values()
        if len(rows) > 1 and len({r[START] for r in rows}) == 1 and rows[0][8] == "Dial"
    ]
    assert parallel
    for rows in parallel:
        assert Counter(r[DISPOSITION] for r in rows)["ANSWERED"] <= 1


def test_cdr_rows_come_in_end_order_and_calldate_is_the_start(v16):
    _, act = v16
    ends = [r[END_] for r in act.cdr]
    assert ends == sorted(ends)
    assert all(r[END_] == r[START] + r[DURATION] for r in act.cdr)


def test_about_seventy_percent_of_calls_are_answered_with_every_disposition(v16):
    _, act = v16
    calls = calls_of(act).values()
    answered = sum(any(r[DISPOSITION] == "ANSWERED" for r in rows) for rows in calls)
    assert 0.6 < answered / len(calls) < 0.85
    assert {r[DISPOSITION] for r in act.cdr} == {"ANSWERED", "NO ANSWER", "BUSY", "FAILED"}


def test_office_hours_shape_the_arrivals_and_long_calls_cross_midnight():
    _, act = make(days=28, cpd=200)
    starts = [to_datetime(min(r[START] for r in rows)) for rows in calls_of(act).values()]
    weekday = Counter(s.hour for s in starts if s.weekday() < 5)
    assert weekday[13] < weekday[12] and weekday[13] < weekday[14]  # lunch dip
    assert weekday[3] < weekday[10] / 20
    per_day = Counter(s.date() for s in starts)
    saturdays = [n for d, n in per_day.items() if d.weekday() == 5]
    tuesdays = [n for d, n in per_day.items() if d.weekday() == 1]
    assert max(saturdays) < min(tuesdays) / 2
    assert any(to_datetime(r[START]).date() != to_datetime(r[END_]).date() for r in act.cdr)
    assert any(r[START] // 3600 != r[END_] // 3600 for r in act.cdr)


@pytest.mark.parametrize("layout", ["1.6", "1.8"])
def test_each_queue_call_has_at_most_one_outcome_and_a_connected_one_one_end(layout, v16, v18):
    _, act = v16 if layout == "1.6" else v18
    stints: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for _us, callid, queue, _agent, event, _args in act.queue_log:
        if event == "ENTERQUEUE":
            stints[(callid, queue)].append([])
        elif callid not in ("NONE", "MANAGER"):
            stints[(callid, queue)][-1].append(event)
    seen = Counter()
    for runs in stints.values():
        for events in runs:
            outcomes = [e for e in events if e in OUTCOMES]
            assert len(outcomes) == 1
            ends = [e for e in events if e in ENDS]
            assert len(ends) == (1 if outcomes == ["CONNECT"] else 0)
            seen.update(events)
    assert OUTCOMES | ENDS | {"RINGNOANSWER"} <= set(seen)
    rna = [args[0] for *_, event, args in act.queue_log if event == "RINGNOANSWER"]
    assert "0" in rna and any(int(ms) > 0 for ms in rna)
    events = {e for *_, e, _ in act.queue_log}
    assert {"ADDMEMBER", "PAUSE", "UNPAUSE"} <= events


def test_queue_log_is_in_time_order_and_each_queue_call_has_its_cdr(v16):
    _, act = v16
    times = [e[0] for e in act.queue_log]
    assert times == sorted(times)
    uniqueids = {r[UNIQUEID] for r in act.cdr}
    entered = {e[1] for e in act.queue_log if e[4] == "ENTERQUEUE"}
    assert entered <= uniqueids


def test_asterisk_16_exitwithkey_logs_key_and_position_only(v16, v18):
    keys16 = [args for *_, e, args in v16[1].queue_log if e == "EXITWITHKEY"]
    keys18 = [args for *_, e, args in v18[1].queue_log if e == "EXITWITHKEY"]
    assert keys16 and all(len(a) == 2 for a in keys16)
    assert keys18 and all(len(a) == 4 for a in keys18)


@pytest.mark.parametrize("layout", ["1.6", "1.8"])
def test_inuse_never_negative_and_follows_the_trunk_calls(layout, v16, v18):
    cfg, act = v16 if layout == "1.6" else v18
    trunks = {t.name: t.id for t in cfg.trunks}
    deltas: dict[int, Counter] = defaultdict(Counter)
    for rows in calls_of(act).values():
        first = min(rows, key=lambda r: r[START])
        trunk = trunk_of(first[CHANNEL], trunks) or trunk_of(first[DSTCHANNEL], trunks)
        if trunk is None:
            continue
        start, end = first[START], max(r[END_] for r in rows)
        if end > start:
            deltas[trunk][start] += 1
            deltas[trunk][end] -= 1
    expected = []
    for trunk, per in deltas.items():
        count = 0
        for ts in sorted(per):
            if per[ts]:
                count += per[ts]
                expected.append((ts, trunk, count))
    assert sorted(expected) == act.inuse
    assert all(calls >= 0 for _, _, calls in act.inuse)
    last: dict[int, int] = {}
    for _ts, trunk, calls in act.inuse:
        assert calls != last.get(trunk, 0)  # a sample only when the count changes
        last[trunk] = calls


def test_no_call_starts_in_the_hour_a_daylight_saving_jump_skips():
    berlin = ZoneInfo("Europe/Berlin")
    _, act = build(
        "demo", days=1, seed=1, end=date(2026, 3, 29), calls_per_day=60000, tz=berlin,
        layout="1.6", recordings=0,
    )  # fmt: skip
    hours = Counter(to_datetime(r[START]).hour for r in act.cdr)
    assert hours[2] == 0 and hours[1] > 0 and hours[3] > 0


def test_configuration_looks_like_the_platform(v16):
    cfg, _ = v16
    assert len(cfg.numbers) >= 2 and all(n.startswith("+7(") for _, n, _ in cfg.numbers)
    assert all(t.name == f"sip{t.extension}" for t in cfg.trunks)
    assert 1 <= len(cfg.queues) <= 3 and all(q.members for q in cfg.queues)
    assert cfg.options["analytics_enabled"] == "1" and cfg.options["language"] in ("ru", "en")


# --- seeding real tenants -------------------------------------------------------------------


@pytest.fixture
def dropped(engine):
    """Names of tenants a test seeds; dropped afterwards."""
    names: list[str] = []
    yield names
    with engine.connect() as conn:
        alive = [n for n in names if is_tenant(conn, n)]
    for n in alive:
        drop_tenant(engine, n)


def _seed(engine, domain, layout, tmp_path, seed=5):
    return seed_tenant(
        engine,
        domain,
        days=4,
        seed=seed,
        end=END,
        calls_per_day=150,
        tz=TZ,
        queue_log_layout=layout,
        recordings_root=tmp_path,
    )


def test_seeded_tenants_hold_what_the_report_says_in_both_layouts(engine, dropped, tmp_path):
    base = f"s{os.getpid()}"
    dropped += [f"{base}_a", f"{base}_b"]
    r16 = _seed(engine, dropped[0], "1.6", tmp_path)
    r18 = _seed(engine, dropped[1], "1.8", tmp_path)
    assert (r16.layout, r18.layout) == ("1.6", "1.8")
    with engine.connect() as conn:
        for report in (r16, r18):
            db = report.domain
            for table, n in report.rows.items():
                assert conn.execute(text(f"SELECT COUNT(*) FROM `{db}`.`{table}`")).scalar() == n
            assert report.rows["ast_cdr_adaptive"] > 100 and report.rows["ast_queue_log"] > 20
            ends = (
                conn.execute(
                    text(
                        f"SELECT calldate + INTERVAL duration SECOND FROM `{db}`.ast_cdr_adaptive "
                        "ORDER BY id"
                    )
                )
                .scalars()
                .all()
            )
            assert ends == sorted(ends)
            limits = conn.execute(
                text(
                    f"SELECT t.calllimit, MAX(i.calls), MIN(i.calls) FROM `{db}`.sip_trunks t "
                    f"JOIN `{db}`.inuse i ON i.sip_trunk_id = t.id GROUP BY t.id"
                )
            ).all()
            assert limits and all(low >= 0 and peak < limit for limit, peak, low in limits)
        linked = conn.execute(
            text(
                f"SELECT COUNT(*), COUNT(linkedid) FROM `{r16.domain}`.ast_cdr_adaptive "
                f"UNION ALL SELECT COUNT(*), COUNT(linkedid) FROM `{r18.domain}`.ast_cdr_adaptive"
            )
        ).all()
        assert linked[0][1] == 0 and linked[1][1] == linked[1][0]
        v16_row = conn.execute(
            text(
                f"SELECT time, data FROM `{r16.domain}`.ast_queue_log "
                "WHERE event = 'CONNECT' LIMIT 1"
            )
        ).one()
        assert v16_row[0].isdigit() and v16_row[1].count("|") == 2
        v18_row = conn.execute(
            text(
                f"SELECT time, data1, data2 FROM `{r18.domain}`.ast_queue_log "
                "WHERE event = 'CONNECT' LIMIT 1"
            )
        ).one()
        assert isinstance(v18_row[0], datetime) and v18_row[1].isdigit() and "." in v18_row[2]


def test_queue_log_times_are_the_tenants_local_time_in_both_layouts(engine, dropped, tmp_path):
    dropped += [f"s{os.getpid()}_c", f"s{os.getpid()}_d"]
    _seed(engine, dropped[0], "1.6", tmp_path)
    _seed(engine, dropped[1], "1.8", tmp_path)
    with engine.connect() as conn:
        for db, layout in zip(dropped, ("1.6", "1.8"), strict=True):
            rows = conn.execute(
                text(
                    f"SELECT q.time, c.calldate, c.duration FROM `{db}`.ast_queue_log q "
                    f"JOIN `{db}`.ast_cdr_adaptive c ON c.uniqueid = q.callid "
                    "WHERE q.event = 'ENTERQUEUE' AND c.lastapp = 'Queue'"
                )
            ).all()
            assert rows
            for qtime, calldate, duration in rows:
                if layout == "1.6":
                    local = datetime.fromtimestamp(int(qtime), TZ).replace(tzinfo=None)
                else:
                    local = qtime
                assert calldate <= local <= calldate + timedelta(seconds=duration + 1)


def test_recordings_exist_for_rows_with_a_recordingfile(engine, dropped, tmp_path: Path):
    dropped.append(f"s{os.getpid()}_e")
    seed = next(s for s in range(50) if _records(dropped[0], s))
    report = _seed(engine, dropped[0], "1.6", tmp_path, seed=seed)
    with engine.connect() as conn:
        names = (
            conn.execute(
                text(
                    f"SELECT recordingfile FROM `{dropped[0]}`.ast_cdr_adaptive "
                    "WHERE recordingfile IS NOT NULL"
                )
            )
            .scalars()
            .all()
        )
    assert names and len(names) == report.recordings
    for name in names:
        data = (tmp_path / dropped[0] / name).read_bytes()
        assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def _records(domain: str, seed: int) -> bool:
    """Whether the tenant's drawn options enable recording."""
    cfg, _ = build(
        domain, days=1, seed=seed, end=END, calls_per_day=1, tz=TZ, layout="1.6", recordings=0
    )
    return cfg.options["record_enabled"] == "1"


def test_seeding_twice_with_one_seed_gives_identical_tables(engine, dropped, tmp_path):
    dropped.append(f"s{os.getpid()}_f")
    sums = []
    for _ in range(2):
        _seed(engine, dropped[0], None, tmp_path)
        with engine.connect() as conn:
            sums.append(
                conn.execute(
                    text(
                        f"CHECKSUM TABLE `{dropped[0]}`.ast_cdr_adaptive, "
                        f"`{dropped[0]}`.ast_queue_log, `{dropped[0]}`.inuse"
                    )
                ).all()
            )
    assert sums[0] == sums[1]


def test_seed_tenants_names_new_tenants_like_the_platform_with_both_layouts(
    settings, engine, dropped
):
    settings.paths.recordings = Path("/proc/qfon-test")  # unwritable: no recordings
    expected = new_tenant_names(engine, 3)
    reports = seed_tenants(settings, None, 3, 2, 1, END)
    dropped += [r.domain for r in reports]
    assert [r.domain for r in reports] == expected
    assert expected[0] == "demo" or "demo" not in expected
    assert {r.layout for r in reports} == {"1.6", "1.8"}
    assert all(r.rows["ast_cdr_adaptive"] > 0 and r.recordings == 0 for r in reports)


def test_many_tenants_are_prepared_in_worker_processes_with_the_same_result(engine, dropped):
    base = f"s{os.getpid()}_w"
    jobs = [SeedJob(f"{base}{i}", TZ, days=1, seed=9, end=END, calls_per_day=40) for i in range(3)]
    dropped += [j.domain for j in jobs]
    in_threads = seed_jobs(engine, jobs, workers=0)
    in_processes = seed_jobs(engine, jobs, workers=1)
    assert [r.rows for r in in_threads] == [r.rows for r in in_processes]
    assert [r.domain for r in in_processes] == [j.domain for j in jobs]


def test_demo_seed_command_refuses_to_replace_without_the_flag(qfon_cli, dropped, tmp_path):
    name = f"s{os.getpid()}_g"
    dropped.append(name)
    env = {"QFON_PATHS_RECORDINGS": str(tmp_path / "rec")}
    first = qfon_cli("demo", "seed", "--tenant", name, "--days", "2", env=env)
    assert first.returncode == 0, first.stderr
    assert "rows/s" in first.stdout and name in first.stdout
    again = qfon_cli("demo", "seed", "--tenant", name, "--days", "2", env=env)
    assert again.returncode == 1 and "--replace" in again.stderr
    assert "Traceback" not in again.stderr
