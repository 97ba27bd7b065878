"""Pure logic of the agent: keys, parsers, filters, matchers, the spool and the shipping policy."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from agent.keys import param, quoted
from agent.metrics import backups, filesystems, network, services, xen
from agent.sender import REFUSED_TRIES, Shipper, Unreachable
from agent.serve import BackupSchedule, run_backup_job
from agent.spool import Spool
from agent.values import Batch, Round, Value
from qfon.settings import Settings
from qfon.settings.model import ServiceSpec, ZabbixSettings

XL = """Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0  2048     2     r-----    5120.4
acme                                         3   512     1     -b----     301.9
globex                                       4   512     1     r-----      12.0
paused                                       5   512     1     --p---       1.0
crashed                                      6   512     1     ----c-       1.0
"""


def test_xl_list_is_parsed_and_running_means_r_or_b():
    vms = xen.parse_list(XL)
    assert set(vms) == {"acme", "globex", "paused", "crashed"}
    assert [
        xen.is_running(vms.get(n)) for n in ("acme", "globex", "paused", "crashed", "gone")
    ] == [True, True, False, False, False]


def test_key_parameters_are_quoted_only_when_zabbix_would():
    assert param("/") == "/"
    assert param("/mnt/a,b") == '"/mnt/a,b"'
    assert param("/x]") == '"/x]"'
    assert quoted('e"th') == '"e\\"th"'


@pytest.mark.parametrize(
    ("name", "kind", "kept"),
    [
        ("/", "ext4", True),
        ("/var", "xfs", True),
        ("/dev/shm", "tmpfs", False),
        ("/run", "ext4", False),
        ("/boot/efi", "vfat", False),
        ("/x/shm", "ext4", False),
    ],
)
def test_filesystem_filter_mirrors_the_official_template(name, kind, kept):
    assert filesystems.wanted(name, kind) is kept


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("eth0", True),
        ("vif3.0", True),
        ("lo", False),
        ("veth12ab", False),
        ("docker0", False),
        ("br-0123456789ab", False),
    ],
)
def test_interface_filter_mirrors_the_official_template(name, kept):
    assert network.wanted(name) is kept


def test_services_match_by_cut_name_or_command_line_regex():
    long_name = "opensips_proxy_worker"  # comm shows only its first 15 characters
    spec = [
        ServiceSpec(name="sip", processes=[long_name]),
        ServiceSpec(name="rtp", processes=["re:rtpproxy\\s+-l"]),
    ]
    sip, rtp = services.matchers(spec)
    assert sip.matches(long_name[:15], "", None)
    assert not sip.matches("opensips", "", None)
    assert rtp.matches("python3", "python3", "/usr/bin/rtpproxy -l 1.2.3.4")
    assert not rtp.matches("rtpproxy", "rtpproxy", "rtpproxy -F")


def test_backup_status_gives_ages_statuses_and_the_run():
    now = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
    status = {
        "last_run": {
            "status": "ok",
            "finished": "2026-11-27T02:40:00Z",
            "duration_s": 61.5,
            "size_bytes": 1000,
            "failures": [],
        },
        "tenants": {
            "acme": {"last_good": "2026-11-27T02:35:00", "last_status": "ok", "size_bytes": 10},
            "globex": {"last_good": None, "last_status": "failed"},
        },
    }
    batch = Batch("backup")
    backups.run_values(batch, status)
    backups.tenant_values(batch, status, ["acme", "globex", "newco"], now)
    got = {v.key: v.value for v in batch.values}
    assert got["pbx.backup.status"] == "ok"
    assert got["pbx.backup.failures"] == 0
    assert got["pbx.tenant.backup.age[acme]"] == 9 * 3600 + 25 * 60
    assert "pbx.tenant.backup.age[globex]" not in got
    assert got["pbx.tenant.backup.status[globex]"] == "failed"
    assert got["pbx.tenant.backup.status[newco]"] == "none"


def test_a_remote_backup_target_is_read_from_its_local_status_copy():
    from qfon.settings import Settings

    remote = Settings.model_validate(
        {"backup": {"target": "backup@nas:/srv/qfon", "work_dir": "/var/lib/qfon/backup"}}
    )
    assert str(remote.backup.status_file()) == "/var/lib/qfon/backup/status.json"
    local = Settings.model_validate({"backup": {"target": "/srv/backups"}})
    assert str(local.backup.status_file()) == "/srv/backups/status.json"


def _values(n: int, start: int = 1000) -> list[Value]:
    return [Value(f"k{i}", i, start + i, 7) for i in range(n)]


def test_spool_keeps_order_survives_restart_and_is_private(tmp_path):
    spool = Spool(tmp_path / "spool", 100)
    spool.put(_values(3))
    spool.put(_values(2, start=2000))
    again = Spool(tmp_path / "spool", 100)
    files = again.files()
    assert [f.count for f in files] == [3, 2]
    assert again.read(files[0])[0] == Value("k0", 0, 1000, 7)
    assert all(f.path.stat().st_mode & 0o777 == 0o600 for f in files)
    assert (tmp_path / "spool").stat().st_mode & 0o777 == 0o700


def test_a_full_spool_drops_and_counts_the_oldest(tmp_path):
    spool = Spool(tmp_path, 100)
    spool.put(_values(60))
    spool.put(_values(60, start=5000))
    assert spool.size() == 100
    assert spool.dropped() == 20
    oldest = spool.read(spool.files()[0])
    assert oldest[0].clock == 1020
    assert Spool(tmp_path, 100).dropped() == 20


class FakeSender:
    """Stands in for zabbix-utils: records requests, answers as told."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[list[Value]] = []

    def __call__(self, values):
        answer = self.answers.pop(0) if self.answers else "ok"
        if answer == "down":
            raise Unreachable("connection refused")
        self.requests.append(values)
        failed = len(values) if answer == "refuse" else (1 if answer == "partial" else 0)
        return len(values) - failed, failed


def _shipper(tmp_path, answers, monkeypatch) -> tuple[Shipper, FakeSender]:
    shipper = Shipper(ZabbixSettings(host="pbx1", batch_size=3), Spool(tmp_path, 1000))
    fake = FakeSender(answers)
    monkeypatch.setattr(shipper, "_send", fake)
    return shipper, fake


def _round(count: int = 4) -> Round:
    made = Round()
    made.discover("vfs.fs.discovery", [{"{#FSNAME}": "/"}])
    batch = made.batch("system")
    for n in range(count):
        batch.add(f"k{n}", n)
    return made


def test_unreachable_zabbix_spools_the_round_and_resends_it_first_with_its_clock(
    tmp_path, monkeypatch
):
    shipper, fake = _shipper(tmp_path, ["down"], monkeypatch)
    first = _round()
    report = shipper.ship(first)
    assert not report.reachable and report.spooled == 4
    later = _round()
    report = shipper.ship(later)
    assert report.reachable and report.resent == 4 and shipper.spool.size() == 0
    keys = [[v.key for v in r] for r in fake.requests]
    assert keys[0] == ["vfs.fs.discovery"]
    assert keys[1:3] == [["k0", "k1", "k2"], ["k3"]]
    assert fake.requests[1][0].clock == first.batches[0].clock
    assert {v.clock for r in fake.requests[3:] for v in r} == {later.batches[0].clock}


def test_a_wholly_refused_batch_is_retried_a_few_times_a_partly_refused_one_never(
    tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.WARNING)
    shipper, _ = _shipper(tmp_path, ["ok", "refuse", "partial"], monkeypatch)
    report = shipper.ship(_round(5))
    assert report.refused == 4 and report.spooled == 3
    assert [f.tries for f in shipper.spool.files()] == [1]
    assert "k0, k1, k2" in caplog.text and "among: k3, k4" in caplog.text
    shipper2, _ = _shipper(tmp_path, ["ok"] + ["refuse"] * (REFUSED_TRIES + 2), monkeypatch)
    for _ in range(REFUSED_TRIES + 1):
        shipper2.ship(Round())
    assert shipper2.spool.size() == 0


def test_round_json_is_plain_data():
    made = _round()
    data = json.loads(json.dumps(made.as_json()))
    assert data["discovery"]["vfs.fs.discovery"] == [{"{#FSNAME}": "/"}]
    assert data["values"]["system"]["k3"] == 3


def test_backup_schedule_is_due_at_the_cron_time(monkeypatch):
    schedule = BackupSchedule("30 2 * * *")
    assert schedule.due is not None and schedule.due > dt.datetime.now(dt.UTC)
    assert 0 < schedule.seconds_left() <= 86_400


def test_a_missing_backup_module_is_logged_not_fatal(monkeypatch, caplog):
    import builtins

    real_import = builtins.__import__

    def no_backup(name, *args, **kwargs):
        if name.startswith("agent.backup"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_backup)
    caplog.set_level(logging.ERROR)
    run_backup_job(Settings())
    assert "cannot run the backup" in caplog.text
