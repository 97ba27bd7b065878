"""Queue-log events that are not calls: members added, lunch pauses, restarts (pure)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qfon.demo.calls import Generator


def member_noise(gen: Generator, day: date, start: int, weekday: int) -> None:
    """ADDMEMBER on the first day, PAUSE/UNPAUSE around lunch on working days, rare restarts."""
    rng = gen.rng
    first = not gen.qlog and gen.calls == 0
    if rng.random() < 0.04:
        gen.last_us = 0
        gen.queue_event(start + 4 * 3600 + rng.randrange(600), "NONE", "NONE", "NONE",
                        "QUEUESTART", ())  # fmt: skip
    for queue in gen.cfg.queues:
        for m in queue.members:
            iface = f"SIP/{m.login}"
            gen.last_us = 0
            if first:
                gen.queue_event(start + 8 * 3600 + rng.randrange(1800), "MANAGER", queue.name,
                                iface, "ADDMEMBER", ())  # fmt: skip
            if weekday < 5 and rng.random() < 0.6:
                pause = start + 13 * 3600 + rng.randrange(1800)
                reason = () if gen.cfg.layout == "1.6" else ("lunch",)
                gen.queue_event(pause, "NONE", queue.name, iface, "PAUSE", reason)
                gen.queue_event(pause + rng.randint(1800, 3600), "NONE", queue.name, iface,
                                "UNPAUSE", reason)  # fmt: skip
