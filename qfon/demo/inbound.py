"""Inbound calls: dialled to employees (parallel legs, transfers) or sent to a queue (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qfon.demo.config import Trunk, User
from qfon.demo.queue import stint

if TYPE_CHECKING:
    from qfon.demo.calls import Generator

INBOUND_CONTEXT = "from-trunk"


def direct(gen: Generator, t: int, trunk: Trunk, src: str, long: bool = False) -> int:
    """Dial one employee or ring a group in parallel (one CDR row per leg); returns the end."""
    rng = gen.rng
    users = gen.cfg.users
    if len(users) >= 3 and rng.random() < 0.3:
        targets: list[User] = rng.sample(users, rng.randint(2, 3))
    else:
        targets = [gen.user()]
    ch, uid = gen.channel(trunk.name), gen.uid(t)
    link = uid if gen.cfg.linked else None
    clid = f'"{src}" <{src}>'
    lastdata = "&".join(f"SIP/{u.login}" for u in targets) + ",30,tT"
    row = gen.row
    dst = trunk.extension
    if long or rng.random() < 0.74:
        ring, talk = rng.randint(2, 20), gen.talk(long)
        winner = rng.randrange(len(targets))
        transfer = not long and rng.random() < 0.08
        first = max(5, talk // 3) if transfer else talk
        for i, u in enumerate(targets):
            leg = gen.channel(u.login)
            if i == winner:
                row(t, clid, src, dst, INBOUND_CONTEXT, ch, leg, "Dial", lastdata, ring + first,
                    first, "ANSWERED", uid, link)  # fmt: skip
            else:
                row(t, clid, src, dst, INBOUND_CONTEXT, ch, leg, "Dial", lastdata, ring, 0,
                    "NO ANSWER", uid, link)  # fmt: skip
        end = t + ring + first
        if transfer:
            end = transfer_leg(gen, end, clid, src, ch, uid, link, targets[winner])
        return end
    r = rng.random()
    if r < 0.8 or len(targets) > 1:
        disp, duration = "NO ANSWER", rng.randint(15, 40)
    elif r < 0.95:
        disp, duration = "BUSY", rng.randint(0, 5)
    else:
        disp, duration = "FAILED", rng.randint(0, 2)
    for u in targets:
        row(t, clid, src, dst, INBOUND_CONTEXT, ch, gen.channel(u.login), "Dial", lastdata,
            duration, 0, disp, uid, link)  # fmt: skip
    return t + duration


def transfer_leg(
    gen: Generator,
    at: int,
    clid: str,
    src: str,
    ch: str,
    uid: str,
    link: str | None,
    by: User,
    to: User | None = None,
) -> int:
    """The leg after a blind transfer: the caller's channel dials a colleague; returns the end.

    Asterisk 1.6 keeps the caller's uniqueid on the new CDR; >= 1.8 gives the leg its own
    uniqueid and the call's linkedid.
    """
    rng = gen.rng
    if to is None:
        others = [u for u in gen.cfg.users if u.id != by.id] or [by]
        to = rng.choice(others)
    ring, talk = rng.randint(2, 12), gen.talk()
    leg_uid = gen.uid(at) if gen.cfg.linked else uid
    gen.row(at, clid, src, to.login, "from-internal", ch, gen.channel(to.login), "Dial",
            f"SIP/{to.login},30,tT", ring + talk, talk, "ANSWERED", leg_uid, link)  # fmt: skip
    return at + ring + talk


def queued(gen: Generator, t: int, trunk: Trunk, src: str) -> int:
    """A caller greeted, then queued (maybe overflowing to a second queue); returns the end."""
    rng = gen.rng
    cfg = gen.cfg
    ch, uid = gen.channel(trunk.name), gen.uid(t)
    link = uid if cfg.linked else None
    clid = f'"{src}" <{src}>'
    queue = rng.choices(cfg.queues, cum_weights=gen.queue_cum)[0]
    hour = (t // 3600) % 24
    night = hour < 8 or hour >= 20
    at = t + rng.randint(2, 8)  # greeting
    result = stint(gen, queue, uid, src, at, night)
    if result.outcome == "EXITWITHTIMEOUT" and len(cfg.queues) > 1 and rng.random() < 0.5:
        at += result.wait + 1
        queue = rng.choice([q for q in cfg.queues if q is not queue])
        result = stint(gen, queue, uid, src, at, night)
    end = at + result.end_offset
    duration = end - t
    connected = result.agent is not None
    if cfg.answer_before_queue:
        disp, bill = "ANSWERED", max(0, duration - 1)
    else:
        disp, bill = ("ANSWERED", result.talk) if connected else ("NO ANSWER", 0)
    dstchannel = gen.channel(result.agent.login) if result.agent is not None else ""
    gen.row(t, clid, src, trunk.extension, INBOUND_CONTEXT, ch, dstchannel, "Queue",
            f"{queue.name},t,,,{queue.max_wait}", duration, bill, disp, uid, link)  # fmt: skip
    if result.transfer_to is not None and result.agent is not None:
        end = transfer_leg(gen, end, clid, src, ch, uid, link, result.agent, result.transfer_to)
    return end
