"""Queue calls in the queue log: one stint of a caller in a queue, with every outcome (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qfon.demo.config import Queue, User

if TYPE_CHECKING:
    from qfon.demo.calls import Generator

# Outcome odds of a stint during opening hours; at night most callers find nobody (EXITEMPTY).
OUTCOMES = ("CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY")
DAY_ODDS = (0.76, 0.14, 0.05, 0.02, 0.03)
NIGHT_ODDS = (0.3, 0.12, 0.04, 0.04, 0.5)
RETRY = 5  # seconds between ring cycles (queues.conf `retry`)


@dataclass(frozen=True)
class Stint:
    """What the CDR side needs to know about a finished stint."""

    outcome: str
    wait: int
    agent: User | None = None
    agent_uid: str = ""
    talk: int = 0
    transfer_to: User | None = None

    @property
    def end_offset(self) -> int:
        """Seconds from entering the queue to leaving it (talk included)."""
        return self.wait + self.talk


def stint(gen: Generator, queue: Queue, callid: str, caller: str, enter: int, night: bool) -> Stint:
    """Log one caller's stint in `queue` from `enter`; return its outcome and timing."""
    rng = gen.rng
    outcome = rng.choices(OUTCOMES, NIGHT_ODDS if night else DAY_ODDS)[0]
    origpos = 1 + (rng.random() < 0.25) + (rng.random() < 0.08)
    pos = max(1, origpos - rng.randint(0, 1))
    v16 = gen.cfg.layout == "1.6"
    log = gen.queue_event
    name = queue.name
    gen.last_us = 0
    log(
        enter,
        callid,
        name,
        "NONE",
        "ENTERQUEUE",
        ("", caller) if v16 else ("", caller, str(origpos)),
    )
    if outcome == "EXITEMPTY":
        wait = rng.randint(0, 2)
        log(enter + wait, callid, name, "NONE", outcome, (str(pos), str(origpos), str(wait)))
        return Stint(outcome, wait)
    wait = _wait(rng, outcome, queue)
    _ring_cycles(gen, queue, callid, enter, wait)
    at = enter + wait
    if outcome == "CONNECT":
        return _connect(gen, queue, callid, enter, wait, origpos)
    if outcome == "ABANDON" or (outcome == "EXITWITHTIMEOUT" and not (v16 and rng.random() < 0.2)):
        args: tuple[str, ...] = (str(pos), str(origpos), str(wait))
    elif outcome == "EXITWITHTIMEOUT":
        args = (str(pos),)  # Asterisk 1.6 logs only the position on one of its code paths
    else:
        key = rng.choice("0129")
        args = (key, str(pos)) if v16 else (key, str(pos), str(origpos), str(wait))
    log(at, callid, name, "NONE", outcome, args)
    return Stint(outcome, wait)


def _wait(rng: random.Random, outcome: str, queue: Queue) -> int:
    if outcome == "CONNECT":
        return min(queue.max_wait - 1, int(rng.lognormvariate(2.3, 0.9)))
    if outcome == "EXITWITHTIMEOUT":
        return queue.max_wait + rng.randint(0, 1)
    return rng.randint(2, queue.max_wait - 1)


def _ring_cycles(gen: Generator, queue: Queue, callid: str, enter: int, wait: int) -> None:
    """RINGNOANSWER for every member rung in a full ring cycle that ended before `wait`."""
    rng = gen.rng
    members = queue.members
    ringall = queue.strategy == "ringall"
    start, turn = enter, rng.randrange(len(members))
    while start + queue.ring_timeout < enter + wait:
        rung = members if ringall else (members[turn % len(members)],)
        turn += 1
        for m in rung:
            if rng.random() < 0.08:  # unreachable or busy phone: "rung" for 0 ms
                gen.queue_event(start, callid, queue.name, f"SIP/{m.login}", "RINGNOANSWER", ("0",))
            else:
                ms = queue.ring_timeout * 1000 + rng.randrange(0, 400)
                end = start + queue.ring_timeout
                gen.queue_event(
                    end, callid, queue.name, f"SIP/{m.login}", "RINGNOANSWER", (str(ms),)
                )
        start += queue.ring_timeout + RETRY


def _connect(
    gen: Generator, queue: Queue, callid: str, enter: int, wait: int, origpos: int
) -> Stint:
    rng = gen.rng
    agent = rng.choice(queue.members)
    at = enter + wait
    ring = rng.randint(1, max(1, min(queue.ring_timeout, wait)))
    agent_uid = gen.uid(at - ring)
    iface = f"SIP/{agent.login}"
    gen.queue_event(at, callid, queue.name, iface, "CONNECT", (str(wait), agent_uid, str(ring)))
    talk = gen.talk()
    others = [u for u in gen.cfg.users if u.id != agent.id]
    if others and rng.random() < 0.08:
        target = rng.choice(others)
        talk = max(5, talk // 3)
        args: tuple[str, ...] = (target.login, "from-internal", str(wait), str(talk), str(origpos))
        gen.queue_event(at + talk, callid, queue.name, iface, "TRANSFER", args)
        return Stint("CONNECT", wait, agent, agent_uid, talk, target)
    event = "COMPLETECALLER" if rng.random() < 0.55 else "COMPLETEAGENT"
    gen.queue_event(
        at + talk, callid, queue.name, iface, event, (str(wait), str(talk), str(origpos))
    )
    return Stint("CONNECT", wait, agent, agent_uid, talk)
