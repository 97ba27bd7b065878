"""A first pass classifies channels once per distinct peer: same figures as the model."""

from __future__ import annotations

from tests.conftest import TEST_TZ
from tests.pipeline.helpers import add_cdrs, model, run, setup_platform, tables

CHANNELS = [
    "",
    "SIP/trunk1-0a",
    "sip/trunk1-0b",  # not 'SIP/' (binary): not a trunk
    "SIP/TRUNK1-0c",  # names compare as bytes
    "SIP/tr-unk-0d",
    "SIP/tr-unk-x-0e",
    "SIP/tr-0f",
    "SIP/trunk1",  # no suffix: no candidate
    "SIP/101-10",
    "SIP/1ü-11",
    "SIP/-12",
    "SIP/101--13",
    "Local/101@ctx-1;1",
]


def test_tricky_channels_match_the_model(engine, settings, make_tenant):
    domain = make_tenant()
    setup_platform(
        engine,
        domain,
        numbers=(1, 2),
        trunks=((1, "trunk1", 1), (2, "tr-unk", 2), (3, "tr", 1)),
        people=((1, "101", "Ann"), (2, "1ü", "Bob"), (3, "101-", "Cy")),
    )
    rows = []
    for i, ch in enumerate(CHANNELS):
        for j, dst in enumerate(CHANNELS):
            rows.append(
                {
                    "uniqueid": f"u{i}-{j}",
                    "calldate": f"2026-03-28 {10 + (i + j) % 5}:00:00",
                    "channel": ch,
                    "dstchannel": dst,
                    "duration": 30,
                    "billsec": 20,
                }
            )
    add_cdrs(engine, domain, *rows)
    run(settings, domain)
    got = tables(engine, domain)
    assert got["call_stats"] and got["user_stats"]
    assert got == model(engine, domain, TEST_TZ)
