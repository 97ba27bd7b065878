"""A tenant's activity over some days: CDRs, the queue log and trunk load (pure, deterministic).

Everything is built from one `random.Random`, so the same seed gives the same rows. Times are
local seconds (see `clock`); rows are plain tuples for speed, described by the `*_FIELDS` names.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from qfon.demo.clock import (
    DAY,
    WEEK_FACTORS,
    WEEKDAY_HOURS,
    WEEKEND_HOURS,
    EpochConverter,
    cum,
    day_seconds,
    to_datetime,
)
from qfon.demo.config import TenantConfig, Trunk, User
from qfon.demo.inbound import direct, queued
from qfon.demo.inuse import samples
from qfon.demo.noise import member_noise

CDR_FIELDS = (
    "end", "calldate", "clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp",
    "lastdata", "duration", "billsec", "disposition", "uniqueid", "linkedid", "recordingfile",
)  # fmt: skip
"""Names of a CDR tuple's items; `end` (local seconds) is not a column, it orders the rows."""
QUEUE_LOG_FIELDS = ("time_us", "callid", "queuename", "agent", "event", "args")
INUSE_FIELDS = ("ts", "sip_trunk_id", "calls")
CDR = tuple[int, int, str, str, str, str, str, str, str, str, int, int, str, str, "str | None",
            "str | None"]  # fmt: skip
QueueEvent = tuple[int, str, str, str, str, tuple[str, ...]]

_WEEKDAY_CUM = cum(WEEKDAY_HOURS)
_WEEKEND_CUM = cum(WEEKEND_HOURS)
_HOURS = range(24)


@dataclass
class Activity:
    """Rows ready to load: CDRs in end order, queue log and inuse in time order."""

    cdr: list[CDR]
    queue_log: list[QueueEvent]
    inuse: list[tuple[int, int, int]]
    recordings: list[str]
    calls: int


class Generator:
    """Builds calls one by one; holds the counters Asterisk keeps (channel and uniqueid seq)."""

    def __init__(self, cfg: TenantConfig, rng: random.Random, tz: ZoneInfo) -> None:
        self.cfg, self.rng = cfg, rng
        self.epoch = EpochConverter(tz)
        self.seq = rng.randrange(1, 5000)
        self.chan = rng.randrange(1, 1 << 16)
        self.cdr: list[CDR] = []
        self.qlog: list[QueueEvent] = []
        self.spans: list[tuple[int, int, int]] = []
        self.last_us = 0
        self.calls = 0
        self._users, self._user_cum = cfg.users, cum(tuple(u.weight for u in cfg.users))
        self._trunk_cum = cum(tuple(t.weight for t in cfg.trunks))
        self.queue_cum = cum(tuple(q.weight for q in cfg.queues))

    # --- Asterisk identifiers -------------------------------------------------------------
    def uid(self, ts: int) -> str:
        """A channel uniqueid `epoch.seq` for a channel created at local time `ts`."""
        self.seq += 1
        return f"{self.epoch(ts)}.{self.seq}"

    def channel(self, peer: str) -> str:
        """`SIP/<peer>-<hex8>`, as chan_sip names a new channel."""
        self.chan += 1
        return f"SIP/{peer}-{self.chan:08x}"

    # --- choices ----------------------------------------------------------------------------
    def user(self) -> User:
        return self.rng.choices(self._users, cum_weights=self._user_cum)[0]

    def trunk(self) -> Trunk:
        return self.rng.choices(self.cfg.trunks, cum_weights=self._trunk_cum)[0]

    def talk(self, long: bool = False) -> int:
        """Seconds of conversation: mostly a minute or two, a few very long ones."""
        rng = self.rng
        if long or rng.random() < 0.005:
            return rng.randint(1800, 7200)
        return min(7200, int(rng.lognormvariate(4.2, 1.0)) + 2)

    # --- output -----------------------------------------------------------------------------
    def row(
        self,
        start: int,
        clid: str,
        src: str,
        dst: str,
        dcontext: str,
        channel: str,
        dstchannel: str,
        lastapp: str,
        lastdata: str,
        duration: int,
        billsec: int,
        disposition: str,
        uniqueid: str,
        linkedid: str | None,
    ) -> None:
        self.cdr.append(
            (start + duration, start, clid, src, dst, dcontext, channel, dstchannel, lastapp,
             lastdata, duration, billsec, disposition, uniqueid, linkedid, None)
        )  # fmt: skip

    def queue_event(
        self, ts: int, callid: str, queue: str, agent: str, event: str, args: tuple[str, ...]
    ) -> None:
        """A queue-log row at local second `ts` (microseconds increase within one stint)."""
        us = max(ts * 1_000_000 + self.rng.randrange(1_000_000), self.last_us + 1)
        self.last_us = us
        self.qlog.append((us, callid, queue, agent, event, args))

    # --- calls ------------------------------------------------------------------------------
    def inbound(self, t: int, long: bool = False) -> None:
        """A call from a customer to one of the tenant's numbers: Dial or Queue."""
        trunk = self.trunk()
        src = self.rng.choice(self.cfg.customers)
        if self.cfg.queues and not long and self.rng.random() < self.cfg.queue_share:
            end = queued(self, t, trunk, src)
        else:
            end = direct(self, t, trunk, src, long)
        self.spans.append((t, end, trunk.id))

    def outbound(self, t: int, long: bool = False) -> None:
        """An employee calls a customer through a trunk."""
        rng = self.rng
        u, trunk = self.user(), self.trunk()
        number = (
            rng.choice(self.cfg.customers)
            if rng.random() < 0.5
            else f"7495{rng.randrange(10**7):07d}"
        )
        dst = "8" + number[1:]
        r = rng.random()
        ring = rng.randint(3, 25)
        if long or r < 0.62:
            talk = self.talk(long)
            disp, duration, bill = "ANSWERED", ring + talk, talk
        elif r < 0.84:
            disp, duration, bill = "NO ANSWER", rng.randint(20, 60), 0
        elif r < 0.95:
            disp, duration, bill = "BUSY", rng.randint(1, 8), 0
        else:
            disp, duration, bill = "FAILED", rng.randint(0, 1), 0
        uid = self.uid(t)
        self.row(t, f'"{u.name}" <{u.login}>', u.login, dst, "from-internal", self.channel(u.login),
                 self.channel(trunk.name), "Dial", f"SIP/{trunk.name}/{number[1:]},60,tT",
                 duration, bill, disp, uid, uid if self.cfg.linked else None)  # fmt: skip
        self.spans.append((t, t + duration, trunk.id))

    def internal(self, t: int) -> None:
        """One employee calls another by extension."""
        rng = self.rng
        a = self.user()
        b = self.user()
        if b.id == a.id:
            b = self._users[(self._users.index(a) + 1) % len(self._users)]
        r = rng.random()
        if r < 0.75:
            talk = min(1800, int(rng.lognormvariate(3.6, 0.9)) + 1)
            ring = rng.randint(2, 12)
            disp, duration, bill = "ANSWERED", ring + talk, talk
        elif r < 0.95:
            disp, duration, bill = "NO ANSWER", rng.randint(15, 30), 0
        else:
            disp, duration, bill = "BUSY", rng.randint(0, 3), 0
        uid = self.uid(t)
        self.row(t, f'"{a.name}" <{a.login}>', a.login, b.login, "from-internal",
                 self.channel(a.login), self.channel(b.login), "Dial", f"SIP/{b.login},30,tT",
                 duration, bill, disp, uid, uid if self.cfg.linked else None)  # fmt: skip

    # --- days -------------------------------------------------------------------------------
    def day(self, day: date) -> None:
        """Every call starting on `day`, in start order, and the members' pauses."""
        rng = self.rng
        weekday = day.weekday()
        start = day_seconds(day)
        mean = self.cfg.calls_per_day * WEEK_FACTORS[weekday] * rng.uniform(0.85, 1.15)
        n = max(0, round(rng.gauss(mean, math.sqrt(mean + 1))))
        weights = _WEEKDAY_CUM if weekday < 5 else _WEEKEND_CUM
        hours = rng.choices(_HOURS, cum_weights=weights, k=n)
        exists = self.epoch.exists
        arrivals = sorted(t for h in hours if exists(t := start + h * 3600 + rng.randrange(3600)))
        night = start + 23 * 3600 + rng.randrange(3000) if rng.random() < 0.3 else None
        member_noise(self, day, start, weekday)
        p_in, p_out = 0.5, 0.88
        for t in arrivals:
            if night is not None and night <= t:
                self._long_call(night)
                night = None
            r = rng.random()
            if r < p_in:
                self.inbound(t)
            elif r < p_out:
                self.outbound(t)
            else:
                self.internal(t)
            self.calls += 1
        if night is not None:
            self._long_call(night)

    def _long_call(self, t: int) -> None:
        """A late call that runs past midnight."""
        if self.rng.random() < 0.5:
            self.inbound(t, long=True)
        else:
            self.outbound(t, long=True)
        self.calls += 1


def generate(
    cfg: TenantConfig,
    rng: random.Random,
    tz: ZoneInfo,
    end: date,
    days: int,
    recordings: int = 0,
) -> Activity:
    """Calls of the `days` days up to and including `end`, with up to `recordings` recordings."""
    gen = Generator(cfg, rng, tz)
    for i in range(days - 1, -1, -1):
        gen.day(end - timedelta(days=i))
    gen.cdr.sort(key=itemgetter(0))
    gen.qlog.sort(key=itemgetter(0))
    names = _recordings(gen, recordings) if cfg.options.get("record_enabled") == "1" else []
    return Activity(gen.cdr, gen.qlog, samples(gen.spans), names, gen.calls)


def _recordings(gen: Generator, count: int) -> list[str]:
    """Give `count` answered rows a `recordingfile`, the way MixMonitor names them."""
    answered = [i for i, row in enumerate(gen.cdr) if row[12] == "ANSWERED" and row[7]]
    names = []
    for i in sorted(gen.rng.sample(answered, min(count, len(answered)))):
        row = gen.cdr[i]
        stamp = to_datetime(row[1]).strftime("%Y%m%d-%H%M%S")
        name = f"{stamp}-{row[3]}-{row[4]}-{row[13]}.wav"
        gen.cdr[i] = (*row[:15], name)  # type: ignore[assignment]
        names.append(name)
    return names


__all__ = ["CDR_FIELDS", "DAY", "INUSE_FIELDS", "QUEUE_LOG_FIELDS", "Activity", "generate"]
