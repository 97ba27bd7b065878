"""End to end: headless Chromium against the real `qfon reports serve` on generated data.

The tenant is made by the demo generator and its analytics by a real `qfon pipeline run`; the
browser logs in, opens every report, sees each chart drawn, fetches a CSV export and compares it
with the tables, and meets the CAPTCHA on the 3rd failed log-in and the lock after it.
Screenshots are kept under `test-output/reports/`.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from qfon.demo.load import seed_tenant
from tests.conftest import REPO, TEST_TZ
from tests.reports.server import reports_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = REPO / "test-output" / "reports"
PASSWORD = "browser pass 1"
DOMAIN = "e2e-acme"


@pytest.fixture(scope="module")
def tenant(mariadb, engine) -> Iterator[str]:
    """A generated tenant, its analytics computed by the real pipeline, a manager `boss`."""
    from zoneinfo import ZoneInfo

    from qfon.tenant_admin import drop_tenant

    seed_tenant(engine, DOMAIN, days=14, seed=7, tz=ZoneInfo(TEST_TZ))
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFON_")}
    env.update(
        QFON_MYSQL_URL=mariadb.url,
        QFON_MYSQL_TIMEZONE=TEST_TZ,
        QFON_DEFAULT_CONFIG="/nonexistent/qfon.toml",
    )
    for args, stdin in (
        (["pipeline", "run", "--tenant", DOMAIN], None),
        (["reports", "passwd", DOMAIN, "boss"], PASSWORD + "\n"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "qfon", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=REPO,
        )
        assert done.returncode == 0, done.stderr
    yield DOMAIN
    drop_tenant(engine, DOMAIN)


@pytest.fixture(scope="module")
def base_url(mariadb, tenant, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("server")
    config = folder / "qfon.toml"
    config.write_text('[reports]\nsecret_key = "e2e-0123456789abcdef"\nlockout_after = 5\n')
    with reports_server(mariadb.url, config) as url:
        yield url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'chrome'}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _login(driver, base: str, domain: str, login: str, password: str, captcha: str = "") -> None:
    from selenium.webdriver.common.by import By

    if "/login" not in driver.current_url:
        driver.get(base + "/login")
    driver.find_element(By.NAME, "domain").clear()
    driver.find_element(By.NAME, "domain").send_keys(domain)
    driver.find_element(By.NAME, "login").clear()
    driver.find_element(By.NAME, "login").send_keys(login)
    driver.find_element(By.NAME, "password").send_keys(password)
    fields = driver.find_elements(By.NAME, "captcha")
    if fields:
        fields[0].send_keys(captcha or "XXXXX")
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]")
    button.click()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(button))  # the next page


def _chart_drawn(driver) -> bool:
    """A Chart.js instance holds the canvas, with data, and the canvas has painted pixels."""
    return bool(
        driver.execute_script("""
        const canvas = document.querySelector('canvas.chart');
        if (!canvas || !window.Chart) return false;
        const chart = window.Chart.getChart(canvas);
        if (!chart || !chart.data.datasets.length) return false;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i]) return true; }
        return false;
    """)
    )


def _fetch(driver, url: str) -> str:
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done);",
        url,
    )


def test_manager_sees_every_report_with_charts_and_matching_csv(
    browser, base_url, tenant, engine
) -> None:
    from selenium.webdriver.common.by import By

    _login(browser, base_url, tenant, "boss", PASSWORD)
    assert browser.current_url.endswith(f"/t/{tenant}/overview"), browser.current_url
    today = datetime.now(__import__("zoneinfo").ZoneInfo(TEST_TZ)).date()
    first = today - timedelta(days=13)
    query = f"?preset=custom&from={first}&to={today}&group=day"
    for report in ("overview", "numbers", "employees", "queues"):
        browser.get(f"{base_url}/t/{tenant}/{report}{query}")
        assert browser.find_elements(By.CSS_SELECTOR, "table.data"), report
        assert _chart_drawn(browser), f"no chart drawn on {report}"
        browser.save_screenshot(str(SHOTS / f"{report}.png"))
        problems = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not problems, problems  # no CSP violation, no script error, no missing file
    browser.get(f"{base_url}/t/{tenant}/cdr{query}")
    total = browser.find_element(By.ID, "cdr-total").text
    assert int("".join(ch for ch in total if ch.isdigit())) > 0
    browser.save_screenshot(str(SHOTS / "cdr.png"))

    body = _fetch(browser, f"/t/{tenant}/overview/export.csv{query}&table=trend")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]
    with engine.connect() as conn:
        want = conn.execute(
            text(
                f"SELECT DATE(period_start) d, SUM(IF(direction='in', calls, 0)) i, "
                f"SUM(IF(direction='out', calls, 0)) o, SUM(answered) a FROM `{tenant}`.call_stats "
                "WHERE period_start >= :s AND period_start < :e GROUP BY d ORDER BY d"
            ),
            {"s": first, "e": today + timedelta(days=1)},
        ).all()
    assert want, "the pipeline wrote no call_stats"
    assert [(r[0][:10], int(r[1]), int(r[2]), int(r[3])) for r in rows] == [
        (str(d), int(Decimal(i)), int(Decimal(o)), int(Decimal(a))) for d, i, o, a in want
    ]

    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("/login"))


def test_captcha_on_the_third_failure_then_the_lock(browser, base_url, tenant) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/login")
    for attempt in (1, 2):
        _login(browser, base_url, tenant, "boss", "wrong")
        assert not browser.find_elements(By.ID, "captcha"), attempt
    _login(browser, base_url, tenant, "boss", "wrong")
    captcha = browser.find_element(By.CSS_SELECTOR, "#captcha img")
    assert (
        browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", captcha)
        == 200
    )
    browser.save_screenshot(str(SHOTS / "login-captcha.png"))
    for _ in (4, 5):  # lockout_after = 5 in this server's settings
        _login(browser, base_url, tenant, "boss", "wrong")
    _login(browser, base_url, tenant, "boss", PASSWORD)  # even the right password is refused
    message = browser.find_element(By.ID, "login-error").text
    assert "locked" in message or "заблокирован" in message
    browser.save_screenshot(str(SHOTS / "login-locked.png"))
