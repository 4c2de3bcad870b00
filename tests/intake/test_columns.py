"""The column map of a dry run: every column read by meaning lands on the indicator its header means, derived
columns are never imported, unsure matches wait for confirmation, two columns on one indicator is an error,
units are matched within the province/district written beside them."""

from __future__ import annotations

import pytest

from geo.intake.ingest import validate_file
from geo.reference.catalog import load_catalog
from geo.text.legacy import encode_tcvn3, encode_vni
from tests.messy import MEANING_LAYOUTS, REMEMBERED, SET, expected_rows, meaning_grid, report_grid, to_csv, to_xlsx

CAT = load_catalog()
BY_CODE = {r["unit_code"]: r for r in expected_rows()}


def run(data, **kw):
    kw.setdefault("boundary_set", SET)
    return validate_file(data, **kw)


@pytest.mark.parametrize("layout", sorted(MEANING_LAYOUTS))
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_no_value_under_another_indicator_than_its_header_means(layout, fmt):
    rep, meant = meaning_grid(layout)
    data = to_xlsx([("BC", rep)]) if fmt == "xlsx" else to_csv(rep)
    r = run(data)
    assert r.ok, [p.message for p in r.errors]
    assert r.column_map == meant
    assert r.units_matched == 14 and r.total_row["found"] and r.total_row["matches"]
    for row in r.rows:
        for iid, v in row["values"].items():
            want = BY_CODE[row["unit_code"]]["values"][iid] if iid in meant.values() else None
            assert v == want, (row["unit_code"], iid)


def test_signed_group_sub_headers_are_the_signed_counts_and_share_is_derived():
    rep, _meant = meaning_grid("signed_group_with_totals")
    r = run(to_xlsx([("BC", rep)]))
    by_letter = {c["letter"]: c for c in r.to_json()["columns"]}
    assert by_letter["F"]["indicator"] == "villages_signed" and by_letter["F"]["group"] == "Ký cam kết an toàn về ANTT"
    assert by_letter["C"]["indicator"] == "villages_total"
    assert by_letter["G"]["status"] == "derived" and "G" not in r.column_map
    assert all(c["how"] and c["rule"] and c["reading"] in ("certain", "unit") for c in by_letter.values())
    assert by_letter["G"]["reading"] == "certain" and by_letter["G"]["rule"] == "derived_unknown"


def test_share_that_disagrees_with_its_parts_is_named():
    rep, _ = meaning_grid("signed_group_with_totals", share_fn=lambda code, s: 99.0 if code == "03205" else s)
    r = run(to_xlsx([("BC", rep)]))
    bad = [p for p in r.warnings if p.column == "G"]
    assert [(p.row) for p in bad] == [rep.unit_row["03205"]]
    assert "99" in bad[0].message


@pytest.mark.parametrize("encode", [encode_tcvn3, encode_vni, str])
def test_total_row_in_any_font(encode):
    rep, _ = meaning_grid("reworded", total=encode("Tổng cộng"))
    r = run(to_xlsx([("BC", rep)]))
    assert r.ok and r.total_row["found"] and r.total_row["row"] == rep.total_row


def test_two_columns_on_one_indicator_is_an_error_naming_both():
    rep, _ = meaning_grid("reworded")
    rep.grid[1][7] = "Tin có giá trị"  # H was 'Số tin báo có giá trị' → D... and H mean the same
    rep.grid[1][2] = "Tin báo có giá trị"
    r = run(to_xlsx([("BC", rep)]))
    dup = [p for p in r.errors if p.column == "H"]
    assert dup and "C" in dup[0].message and not r.ok


def test_unsure_column_waits_for_confirmation_then_is_used():
    rep, _ = meaning_grid("reworded")
    rep.grid[1][4] = "Ý kiến"  # E: force building or crime fighting?
    r = run(to_xlsx([("BC", rep)]))
    assert not r.ok and r.unconfirmed == ["E"]
    assert [p.column for p in r.errors] == ["E"] and "--map" in r.errors[0].message
    assert all(row["values"]["opinions_force_building"] is None for row in r.rows)  # nothing used in silence
    ok = run(to_xlsx([("BC", rep)]), column_mapping={"E": "opinions_force_building"})
    assert ok.ok and ok.column_map["E"] == "opinions_force_building"
    assert {row["unit_code"]: row["values"]["opinions_force_building"] for row in ok.rows} == \
        {c: BY_CODE[c]["values"]["opinions_force_building"] for c in BY_CODE}


@pytest.mark.parametrize("data", [
    to_xlsx([("Sheet1", type("E", (), {"grid": [], "merges": [], "formulas": {}})())]),
    "Kính gửi: Công an tỉnh Điện Biên\r\nĐơn vị xin gửi báo cáo qua thư điện tử.\r\nTrân trọng.\r\n".encode(),
])
def test_nothing_to_read_is_unreadable(data):
    r = run(data)
    assert not r.readable and r.errors


def test_parents_narrow_and_refuse():
    rep, _ = meaning_grid("with_parents")
    r = run(to_xlsx([("BC", rep)]))
    assert r.ok and r.units_matched == 14
    rep.grid[3][1] = "Tỉnh Lai Châu"  # the first unit's row says another province
    r = run(to_xlsx([("BC", rep)]))
    bad = [p for p in r.errors if p.row == 4]
    assert bad and bad[0].column == "D" and "Lai Châu" in bad[0].message


def test_area_narrows_the_set():
    r = run(to_xlsx([("BC", report_grid())]), column_mapping=REMEMBERED, area=(("parent_1", "Điện Biên"), ("parent_0", "Huyện Điện Biên Đông")))
    assert r.ok and r.units_expected == 14
    r = run(to_xlsx([("BC", report_grid())]), area=(("parent_1", "Lai Châu"),))
    assert not r.ok and r.units_expected == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_column_map_rows_for_the_page(lang):
    from geo.intake.ingest import column_map_rows

    rep, _ = meaning_grid("reworded")
    rep.grid[1][4] = "Ý kiến"
    r = run(to_xlsx([("BC", rep)]), lang=lang)
    rows = column_map_rows(r, lang)
    assert len(rows) == 8 and all(len(row) == 5 for row in rows)
    unsure = [row for row in rows if "E" in row.values()][0]
    assert ("CẦN XÁC NHẬN" if lang == "vi" else "NEEDS CONFIRMATION") in unsure.values()
