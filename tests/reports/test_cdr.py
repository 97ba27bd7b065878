"""CDR search: filters, keyset pages with a total, recordings only when allowed, in the folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text, update

from qfon.schema import cdr
from tests.reports.seed import PERIOD, set_option


def _count(engine: Engine, domain: str, where: str, **params: object) -> int:
    with engine.connect() as conn:
        conn.execute(text(f"USE `{domain}`"))
        return int(
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM ast_cdr_adaptive WHERE calldate >= '2026-10-05' "
                    f"AND calldate < '2026-10-15' AND {where}"
                ),
                params,
            ).scalar_one()
        )


def _search(client, domain: str, **args: object) -> dict:
    response = client.get(f"/api/v1/tenants/{domain}/cdr", query_string={**PERIOD, **args})
    assert response.status_code == 200
    return response.get_json()


def test_keyset_pages_cover_every_row_once_newest_first(manager_a, tenants, engine) -> None:
    a = tenants[0]
    seen, after, pages = [], None, 0
    while True:
        page = _search(manager_a, a, limit=40, **({"after": after} if after else {}))
        assert page["total"] == _count(engine, a, "1=1") == 180
        seen += page["rows"]
        pages += 1
        after = page["next"]
        if not after:
            break
    assert pages == 5 and len({r["id"] for r in seen}) == 180
    keys = [(r["calldate"], r["id"]) for r in seen]
    assert keys == sorted(keys, reverse=True)


def test_filters_match_sql(manager_a, tenants, engine) -> None:
    a = tenants[0]
    assert _search(manager_a, a, number="7916")["total"] == _count(
        engine, a, "(src LIKE '%7916%' OR dst LIKE '%7916%' OR clid LIKE '%7916%')"
    )
    assert _search(manager_a, a, disposition="BUSY")["total"] == _count(
        engine, a, "disposition = 'BUSY'"
    )
    assert _search(manager_a, a, min_duration=300)["total"] == _count(engine, a, "duration >= 300")
    inbound = _search(manager_a, a, direction="in")["total"]
    outbound = _search(manager_a, a, direction="out")["total"]
    internal = _search(manager_a, a, direction="internal")["total"]
    assert (inbound, outbound, internal) == (60, 60, 60)
    # `_` in a trunk name and in the search text is literal, not a wildcard
    assert _search(manager_a, a, number="%")["total"] == 0
    assert _search(manager_a, a, number="5_")["total"] == _count(
        engine, a, "(INSTR(src, '5_') OR INSTR(dst, '5_') OR INSTR(clid, '5_'))"
    )


def test_page_shows_total_and_next_link_and_exports_all_rows(manager_a, tenants) -> None:
    a = tenants[0]
    html = manager_a.get(f"/t/{a}/cdr", query_string=PERIOD).get_data(as_text=True)
    assert 'id="cdr-total">180<' in html and 'id="next-page"' in html
    assert "/recording" not in html  # recordings are off by default
    csv_text = manager_a.get(f"/t/{a}/cdr/export.csv", query_string=PERIOD).get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 181


def test_recordings_need_both_options_and_stay_in_the_tenant_folder(
    manager_a, tenants, engine, report_settings, tmp_path: Path
) -> None:
    a, b = tenants
    root = report_settings.paths.recordings
    (root / a / "2026/10").mkdir(parents=True)
    (root / a / "2026/10/rec-0.wav").write_bytes(b"RIFFdata")
    (root / b).mkdir(parents=True)
    (root / b / "secret.wav").write_bytes(b"other tenant")
    (tmp_path / "outside.wav").write_bytes(b"outside")
    rows = _search(manager_a, a, limit=1000)["rows"]
    rec_id = next(r["id"] for r in rows if r["calldate"] and r["id"] == min(x["id"] for x in rows))
    url = f"/t/{a}/cdr/{rec_id}/recording"
    assert manager_a.get(url).status_code == 404
    set_option(engine, a, "record_enabled", "1")
    assert manager_a.get(url).status_code == 404
    set_option(engine, a, "allow_rec_download", "1")
    response = manager_a.get(url)
    assert response.status_code == 200 and response.data == b"RIFFdata"
    response.close()
    html = manager_a.get(f"/t/{a}/cdr", query_string=PERIOD).get_data(as_text=True)
    assert "/recording" in html
    for evil in (
        "../" + b + "/secret.wav",
        str(root / b / "secret.wav"),
        "../../outside.wav",
        str(tmp_path / "outside.wav"),
        "2026/10/missing.wav",
        "2026/../../" + b + "/secret.wav",
    ):
        with engine.begin() as raw:
            conn = raw.execution_options(schema_translate_map={None: a})
            conn.execute(update(cdr).where(cdr.c.id == rec_id).values(recordingfile=evil))
        assert manager_a.get(url).status_code == 404, evil


def test_bad_cursor_and_arguments_are_ignored(manager_a, tenants) -> None:
    a = tenants[0]
    page = _search(
        manager_a, a, after="garbage", limit="x", min_duration="-5", direction="sideways"
    )
    assert page["total"] == 180 and len(page["rows"]) == 100
    _ = datetime
