"""Pure parts: periods, password hashes, the lockout policy, derived figures, formatting, paths."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest

from reports import i18n
from reports.derived import queue_figures, ratio
from reports.passwords import _crypt, hash_password, verify_password
from reports.period import bucket_of, parse_period
from reports.stats import add_into
from reports.throttle import Attempts, login_state, next_count

TODAY = date(2026, 11, 27)


def test_presets_are_whole_local_days_ending_today() -> None:
    period = parse_period({"preset": "last7"}, TODAY)
    assert period.start == datetime(2026, 11, 21) and period.end == datetime(2026, 11, 28)
    last_month = parse_period({"preset": "last_month"}, TODAY)
    assert (last_month.first_day, last_month.last_day) == (date(2026, 10, 1), date(2026, 10, 31))


def test_custom_period_is_inclusive_and_swapped_when_reversed() -> None:
    period = parse_period({"preset": "custom", "from": "2026-10-14", "to": "2026-10-05"}, TODAY)
    assert (period.start, period.end) == (datetime(2026, 10, 5), datetime(2026, 10, 15))


def test_garbage_period_arguments_fall_back_to_the_default() -> None:
    period = parse_period({"preset": "x'; DROP", "group": "year", "from": "bad"}, TODAY)
    assert (period.preset, period.grouping) == ("last7", "day")


def test_buckets_start_at_hour_day_monday_and_first_of_month() -> None:
    moment = datetime(2026, 11, 27, 14, 35)  # a Friday
    assert bucket_of(moment, "hour") == datetime(2026, 11, 27, 14)
    assert bucket_of(moment, "day") == datetime(2026, 11, 27)
    assert bucket_of(moment, "week") == datetime(2026, 11, 23)
    assert bucket_of(moment, "month") == datetime(2026, 11, 1)


def test_roll_up_sums_counts_and_takes_the_max_of_maxima() -> None:
    total: dict = {}
    add_into(total, {"calls": 3, "max_concurrent": 4}, ("calls", "max_concurrent"))
    add_into(total, {"calls": 2, "max_concurrent": 7}, ("calls", "max_concurrent"))
    add_into(total, {"calls": 1, "max_concurrent": None}, ("calls", "max_concurrent"))
    assert total == {"calls": 6, "max_concurrent": 7}


def test_derived_queue_figures_come_from_summed_parts() -> None:
    row = {
        "offered": 10,
        "answered": 8,
        "abandoned": 2,
        "answered_in_sla": 6,
        "wait_answered_total": 80,
        "talk_total": 800,
        "wait_answered_max": 30,
    }
    figures = queue_figures(row)
    assert figures["sl_offered"] == 0.6 and figures["sl_answered"] == 0.75
    assert figures["asa"] == 10 and figures["avg_talk"] == 100 and figures["abandon_rate"] == 0.2
    assert figures["longest_wait"] == 30
    assert ratio(1, 0) is None


def test_new_hashes_are_argon2_and_verify() -> None:
    stored = hash_password("s3cret")
    assert stored.startswith("$argon2id$")
    assert verify_password("s3cret", stored) == (True, False)
    assert verify_password("wrong", stored) == (False, False)


@pytest.mark.parametrize("algo", ["md5", "sha1"])
def test_legacy_hex_hashes_verify_and_ask_for_a_rehash(algo: str) -> None:
    stored = hashlib.new(algo, b"old pass").hexdigest()
    assert verify_password("old pass", stored) == (True, True)
    assert verify_password("old pass", stored.upper()) == (True, True)
    assert verify_password("other", stored)[0] is False


@pytest.mark.parametrize("setting", ["$1$saltsalt$", "$6$saltsalt$", "ab"])
def test_legacy_crypt_hashes_verify_and_ask_for_a_rehash(setting: str) -> None:
    stored = _crypt("old pass", setting)
    assert stored
    assert verify_password("old pass", stored) == (True, True)
    assert verify_password("old pas", stored)[0] is False


def test_unknown_or_empty_hashes_never_verify() -> None:
    assert verify_password("x", "") == (False, False)
    assert verify_password("", hash_password("x")) == (False, False)
    assert verify_password("x", "plain-text-password") == (False, False)


def test_captcha_from_the_third_failure_and_lock_after_the_limit() -> None:
    now = datetime(2026, 11, 27, 12)
    assert login_state(Attempts(2, now), now, 10, 15) == "ok"
    assert login_state(Attempts(3, now), now, 10, 15) == "captcha"
    assert login_state(Attempts(10, now), now, 10, 15) == "locked"
    later = now + timedelta(minutes=15)
    assert login_state(Attempts(10, now), later, 10, 15) == "ok"
    assert next_count(Attempts(10, now), later, 10, 15) == 1
    assert next_count(Attempts(4, now), now, 10, 15) == 5


def test_numbers_and_dates_follow_the_language() -> None:
    assert i18n.fmt_int(1234567, "en") == "1,234,567"
    assert i18n.fmt_int(1234567, "ru") == "1\u00a0234\u00a0567"
    assert i18n.fmt_pct(0.1234, "ru") == "12,3\u00a0%"
    assert i18n.fmt_pct(0.1234, "en") == "12.3\u00a0%"
    assert i18n.fmt_date(date(2026, 3, 4), "ru") == "04.03.2026"
    assert i18n.fmt_date(date(2026, 3, 4), "en") == "2026-03-04"
    assert i18n.fmt_seconds(3725, "en") == "1:02:05"
    assert i18n.fmt_bucket(datetime(2026, 3, 1), "month", "ru") == "мар 2026"


def test_exports_never_turn_caller_ids_into_formulas() -> None:
    import io

    from openpyxl import load_workbook

    from reports.exporting import csv_safe, table_xlsx
    from reports.tables import Col, Table

    assert csv_safe("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert csv_safe("+cmd|x") == "'+cmd|x" and csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("+7(495)2216005") == "+7(495)2216005" and csv_safe("-12") == "-12"
    table = Table("t", "t", [Col("clid", "clid", "text")], [{"clid": "=1+2"}])
    sheet = load_workbook(io.BytesIO(table_xlsx(table, "en"))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.value == "=1+2" and cell.data_type == "s"


def test_table_rows_are_escaped_in_html() -> None:
    from reports.tables import Col, Table

    table = Table("t", "t", [Col("clid", "clid", "text")], [{"clid": '<script>"x"</script>'}])
    html = str(table.rows_html("en"))
    assert "<script>" not in html and "&lt;script&gt;" in html
