"""Realistic demo data for tenant databases: a pure, seeded generator and a bulk loader.

Public API (`qfon.demo.load`, re-exported here):
- `seed_tenant(engine, domain, *, days, seed, end, calls_per_day, tz, queue_log_layout,
  recordings_root) -> SeedReport` — replace one tenant with generated activity;
- `seed_tenants(settings, names, count, days, seed, end=None) -> list[SeedReport]` — several
  tenants, new ones named like the platform's (`demo`, `telvio`, ...);
- `SeedReport` — rows per table, layout, calls, seconds.

What a tenant gets: 2-5 numbers (`+7(495)2216005`) with one trunk each (`sip74952216005`) and
often one trunk bound to no number; 4-40 employees (logins `101`...); 1-3 queues with members
and `sla_seconds`; options. Calls follow office hours (lunch dip, quiet weekends), ~70 %
answered: inbound via trunks (single or parallel-dial legs sharing the call key, blind
transfers), outbound through trunks, internal; a few run past midnight. Queue calls log every
outcome with RINGNOANSWERs (some 0 ms) plus member noise. Asterisk 1.6 tenants: linkedid NULL,
queue log `time` = epoch of the local time in the tenant's zone, one `data` column; >= 1.8
tenants: linkedid set, `time` DATETIME(6), `data1..5`. CDRs are inserted in end order; `inuse`
gets a sample whenever a trunk's call count changes.

Modules: `config` (platform setup), `calls`/`inbound`/`queue`/`noise`/`inuse` (activity),
`clock`, `rand`, `names` (helpers), `tsv` + `bulk` (LOAD DATA), `batch` (pipelined seeding).
"""

from __future__ import annotations

from qfon.demo.load import SeedReport, seed_tenant, seed_tenants

__all__ = ["SeedReport", "seed_tenant", "seed_tenants"]
