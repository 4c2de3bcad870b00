"""Headers read by meaning (geo.intake.headers): a table of phrasings → indicator, group + sub-header pairs,
derived columns, English and abbreviated forms, legacy fonts, and what must wait for confirmation."""

from __future__ import annotations

import pytest

from geo.intake.headers import CERTAIN_RULES, catalog_meanings, label_role, match_column, read_meaning
from geo.reference.catalog import load_catalog
from geo.text.legacy import encode_tcvn3, encode_vni

CAT = load_catalog()
SIGN = "Ký cam kết an toàn về ANTT"

# (group header or "", header as written, indicator surely meant)
PHRASINGS = [
    ("", "Tổ ANND", "teams_security"),
    ("", "Tổ an ninh nhân dân", "teams_security"),
    ("", "Số tổ an ninh nhân dân (tổ)", "teams_security"),
    ("", "TỔ AN NINH NHÂN DÂN", "teams_security"),
    ("", "to an ninh nhan dan", "teams_security"),
    ("Tổ chức quần chúng", "Tổ ANND", "teams_security"),
    ("", "People's security teams", "teams_security"),
    ("", "Tổ BVDP", "teams_street_protection"),
    ("", "Tổ bảo vệ dân phố", "teams_street_protection"),
    ("Tổ chức quần chúng", "BVDP", "teams_street_protection"),
    ("", "Street-protection teams", "teams_street_protection"),
    ("", "Tổ hòa giải", "teams_mediation"),
    ("", "Số tổ hoà giải ở cơ sở", "teams_mediation"),
    ("", "Mediation teams", "teams_mediation"),
    ("", "Tổ dân phòng", "teams_civil_defence"),
    ("", "Civil-defence teams", "teams_civil_defence"),
    ("", "Số bản, tổ dân phố", "villages_total"),
    ("", "Tổng số bản, TDP", "villages_total"),
    ("", "Số thôn, bản", "villages_total"),
    ("", "Villages", "villages_total"),
    (SIGN, "Tổng số bản", "villages_total"),
    ("", "Số bản, tổ dân phố ký cam kết an toàn về ANTT (bản)", "villages_signed"),
    ("", "Bản ký cam kết", "villages_signed"),
    ("", "Bản đã ký CK", "villages_signed"),
    (SIGN, "Bản, TDP", "villages_signed"),
    ("Ký cam kết", "Bản", "villages_signed"),
    ("Số bản, TDP", "Đã ký cam kết", "villages_signed"),
    ("", "Villages signed", "villages_signed"),
    ("", "Cơ quan, doanh nghiệp", "agencies_total"),
    ("", "Tổng số CQ, DN", "agencies_total"),
    ("", "Agencies and enterprises", "agencies_total"),
    (SIGN, "Cơ quan, doanh nghiệp", "agencies_signed"),
    ("", "CQ ký CK", "agencies_signed"),
    ("", "Cơ quan, DN đã ký cam kết an toàn về ANTT", "agencies_signed"),
    ("", "Agencies signed", "agencies_signed"),
    ("", "Trường học", "schools_total"),
    ("", "Số cơ sở giáo dục", "schools_total"),
    ("", "Schools", "schools_total"),
    (SIGN, "Trường học", "schools_signed"),
    ("", "Trường ký CK", "schools_signed"),
    ("", "CSGD ký cam kết", "schools_signed"),
    ("", "Xã ký cam kết", "commune_signed"),
    ("", "Xã, thị trấn ký cam kết an toàn về ANTT (1 = đã ký, 0 = chưa)", "commune_signed"),
    (SIGN, "Xã", "commune_signed"),
    ("", "Tin báo", "tips_received"),
    ("", "Số tin báo của nhân dân", "tips_received"),
    ("", "Tips received", "tips_received"),
    ("", "Tin báo, tố giác tiếp nhận", "tips_received"),
    ("", "Tin có giá trị", "tips_valuable"),
    ("", "Số tin báo có giá trị", "tips_valuable"),
    ("Tin báo", "Có giá trị", "tips_valuable"),
    ("", "Valuable tips", "tips_valuable"),
    ("", "Diễn đàn", "forums_held"),
    ("", "Số diễn đàn \"Công an lắng nghe ý kiến nhân dân\" đã tổ chức", "forums_held"),
    ("", "Forums held", "forums_held"),
    ("", "Ý kiến XDLL", "opinions_force_building"),
    ("", "Số ý kiến đóng góp xây dựng lực lượng Công an", "opinions_force_building"),
    ("Ý kiến", "Xây dựng lực lượng", "opinions_force_building"),
    ("", "Ý kiến PCTP", "opinions_crime_fighting"),
    ("Ý kiến đóng góp", "Phòng, chống tội phạm", "opinions_crime_fighting"),
    ("", "Người có uy tín", "prestigious_people"),
    ("", "Số người có uy tín được phát huy", "prestigious_people"),
    ("", "Hộ được nhắc nhở", "households_reminded"),
    ("", "Số hộ kinh doanh được nhắc nhở", "households_reminded"),
    ("", "Hộ gia đình được nhắc nhở, giáo dục", "households_reminded"),
    ("", "VK", "weapons_recovered"),
    ("", "Vũ khí thu hồi", "weapons_recovered"),
    ("", "Weapons recovered", "weapons_recovered"),
    ("", "VLN (kg)", "explosives_recovered_kg"),
    ("", "Vật liệu nổ thu hồi (kg)", "explosives_recovered_kg"),
    ("", "Dân số", "population"),
    ("", "DÂN SỐ (người)", "population"),
    ("", "Population", "population"),
]


@pytest.mark.parametrize("group,header,iid", PHRASINGS)
def test_phrasing_means_its_indicator(group, header, iid):
    m = match_column(header, group, CAT)
    assert (m.role, m.indicator) == ("indicator", iid), (m.how, m.how_args, m.candidates)
    assert m.certain and m.rule in CERTAIN_RULES and m.how == f"col_how_{m.rule}"


def test_table_is_large_enough():
    assert len(PHRASINGS) >= 60


# Derived columns: never a count, whatever they are about.
@pytest.mark.parametrize("group,header", [
    (SIGN, "Tỷ lệ (%)"), ("", "Tỷ lệ bản ký cam kết (%)"), ("", "% bản ký CK"), ("", "Tỷ lệ tin báo có giá trị"),
    ("", "Tổ ANND bình quân mỗi bản"), ("", "Tin báo trên 1.000 dân"), ("Tỷ lệ ký cam kết (%)", "Bản"),
    ("", "Share of villages signed (%)"), ("", "Phần trăm trường học ký cam kết"),
])
def test_derived_column_never_a_count(group, header):
    m = match_column(header, group, CAT)
    assert m.role == "derived"


# Unsure: shown for confirmation, never used silently.
@pytest.mark.parametrize("group,header,candidates", [
    ("", "TDP", {"teams_civil_defence", "villages_total"}),  # tổ dân phố or tổ dân phòng
    ("", "Ý kiến", {"opinions_force_building", "opinions_crime_fighting"}),
    ("", "Số ý kiến của nhân dân", {"opinions_force_building", "opinions_crime_fighting"}),
])
def test_unsure_needs_confirmation(group, header, candidates):
    m = match_column(header, group, CAT)
    assert m.role == "unsure" and not m.certain
    assert set(m.candidates) == candidates


# Not an indicator: labels and unknown columns.
@pytest.mark.parametrize("header,role", [
    ("Xã, phường", "name"), ("Xã, phường, đặc khu", "name"), ("Tên đơn vị", "name"), ("Mã xã", "code"),
    ("Tỉnh, thành phố", "province"), ("Tỉnh/TP", "province"), ("Tỉnh", "province"), ("Province", "province"),
    ("Quận, huyện", "district"), ("Huyện", "district"), ("Quận/Huyện/Thị xã", "district"), ("STT", "stt"),
    ("Ghi chú", "note"), ("Điểm thi đua", "unsure"), ("Số hội nghị sơ kết", "ignored"),
    ("Commune name", "name"), ("Tên xã, phường, thị trấn", "name"), ("Tên Công an xã, phường", "name"),
    ("Mã xã, phường", "code"), ("Commune code", "code"), ("Mã đơn vị hành chính", "code"),
    ("Tên thôn, bản", "name"), ("Công an xã, phường", "name"), ("Địa bàn xã, phường", "name"),
    ("District name", "district"), ("Province name", "province"), ("Ward/commune name", "name"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ignored"),
])
def test_labels_and_unknown(header, role):
    assert match_column(header, "", CAT).role == role


@pytest.mark.parametrize("encode", [encode_tcvn3, encode_vni])
def test_legacy_font_header(encode):
    m = match_column(encode("Số tin báo có giá trị"), "", CAT)
    assert (m.role, m.indicator) == ("indicator", "tips_valuable")


def test_every_base_indicator_has_its_own_meaning():
    seen = {}
    for im in catalog_meanings(CAT):
        ind = CAT[im.id]
        if ind.derived:
            continue
        assert im.subject, im.id
        key = (im.subject, im.qualifiers)
        assert key not in seen, (im.id, seen.get(key))
        seen[key] = im.id


@pytest.mark.parametrize("text,subject,qualifiers", [
    # the vocabulary of the 2024–2026 indicators: registered / recognized areas, the new law's teams
    ("Khu dân cư đăng ký An toàn về ANTT", "villages", {"registered"}),
    ("Khu dân cư được công nhận An toàn về ANTT", "villages", {"recognized"}),
    ("Cơ quan, doanh nghiệp đăng ký An toàn về ANTT", "agencies", {"registered"}),
    ("Cơ sở giáo dục được công nhận đạt chuẩn An toàn về ANTT", "schools", {"recognized"}),
    ("Tổ bảo vệ an ninh, trật tự", "teams_security_order", set()),
    ("Thành viên Tổ bảo vệ ANTT", "teams_security_order", {"members"}),
    ("Security and order protection teams", "teams_security_order", set()),
])
def test_vocabulary_of_later_indicators(text, subject, qualifiers):
    m = read_meaning(text)
    assert (m.subject, set(m.qualifiers)) == (subject, qualifiers)


def test_label_role_ignores_parentheses():
    assert label_role("Xã, phường (ghi đúng tên)") == "name"


# The indicators of 2024–2026 (issue 13's catalog) read by the same rules, alone or under a group header.
@pytest.mark.parametrize("group,header,iid", [
    ("", "Khu dân cư đăng ký An toàn về ANTT", "villages_registered"),
    ("Đăng ký An toàn về ANTT", "Bản, TDP", "villages_registered"),
    ("Được công nhận đạt chuẩn An toàn về ANTT", "Bản, TDP", "villages_recognized"),
    ("Ký cam kết an toàn về ANTT", "Bản, TDP", "villages_signed"),  # the short name of villages_total, not here
    ("", "Bản, TDP", "villages_total"),
    ("Khu dân cư được công nhận", "Xuất sắc", "villages_recognized_excellent"),
    ("Số khu dân cư được công nhận", "Loại khá", "villages_recognized_good"),
    ("", "Xã được công nhận đạt chuẩn An toàn về ANTT loại trung bình", "commune_recognized_average"),
    ("", "Số loại mô hình tự quản", "self_management_model_types"),
    ("", "Số điểm mô hình tự quản về ANTT", "self_management_model_sites"),
    ("", "Số điểm tổ chức Ngày hội toàn dân bảo vệ ANTQ", "festival_sites"),
    ("", "Công cụ hỗ trợ thu hồi", "support_tools_recovered"),
    ("", "Số tổ bảo vệ an ninh, trật tự", "teams_security_order"),
    ("Tổ bảo vệ ANTT", "Số thành viên", "members_security_order"),
])
def test_phrasings_of_the_new_indicators(group, header, iid):
    m = match_column(header, group, CAT)
    assert (m.role, m.indicator) == ("indicator", iid) and m.certain


@pytest.mark.parametrize("period", ["2017", "2025"])
def test_the_template_of_a_period_reads_back_column_for_column(tmp_path, period):
    """Every header the product's own template writes is read as its own indicator, sure (no confirmation)."""
    from geo.intake.ingest import validate_file
    from geo.intake.template import build_template

    set_id = "dien-bien-dong-2025" if period == "2025" else "dien-bien-dong-pre2025"
    path = tmp_path / f"mau-{period}.xlsx"
    build_template(set_id, path, period=period)
    report = validate_file(path, boundary_set=set_id, period=period)
    assert report.unconfirmed == []
    wanted = {i.id for i in CAT.valid_in(period).base() if not i.retired}
    assert set(report.column_map.values()) == wanted
    assert all(c["reading"] == "certain" for c in report.to_json()["columns"] if c["indicator"])


# -- the four rating levels of Guidance 01/HD-BCA-V05 (2026), issue 13
@pytest.mark.parametrize("header, expected", [
    ("Tổ bảo vệ an ninh, trật tự hoàn thành xuất sắc nhiệm vụ", "teams_security_order_excellent"),
    ("Tổ bảo vệ ANTT hoàn thành tốt nhiệm vụ", "teams_security_order_good"),
    ("Số tổ bảo vệ ANTT hoàn thành nhiệm vụ", "teams_security_order_completed"),
    ("Tổ bảo vệ ANTT không hoàn thành nhiệm vụ", "teams_security_order_not_completed"),
    ("Thành viên tổ bảo vệ ANTT không hoàn thành nhiệm vụ", "members_security_order_not_completed"),
    ("Thành viên tổ bảo vệ ANTT hoàn thành xuất sắc", "members_security_order_excellent"),
])
def test_rating_levels_of_2026_are_read_by_meaning(header, expected):
    from geo.intake.headers import match_header
    from geo.reference.catalog import load_catalog

    assert match_header(header, load_catalog().valid_in("2026")) == expected


# 2026 ratings as staff abbreviate them, a grade under a group that names another level, people of a team.
@pytest.mark.parametrize("group,header,iid", [
    ("Xếp loại tổ BV ANTT", "HTXSNV", "teams_security_order_excellent"),
    ("Xếp loại tổ BV ANTT", "HTTNV", "teams_security_order_good"),
    ("Xếp loại tổ BV ANTT", "HTNV", "teams_security_order_completed"),
    ("Xếp loại tổ BV ANTT", "KHTNV", "teams_security_order_not_completed"),
    ("", "Số tổ BV ANTT xếp loại HTXSNV", "teams_security_order_excellent"),
    ("Mức độ hoàn thành nhiệm vụ của Tổ bảo vệ ANTT", "Hoàn thành tốt", "teams_security_order_good"),
    ("Mức độ hoàn thành nhiệm vụ của Tổ bảo vệ ANTT", "Hoàn thành", "teams_security_order_completed"),
    ("Tổ bảo vệ ANTT ở cơ sở", "Số người", "members_security_order"),
    ("Tổ bảo vệ ANTT ở cơ sở", "SL", "teams_security_order"),
    ("", "Số người có uy tín", "prestigious_people"),
    ("", "Tin báo, tố giác tội phạm", "tips_received"),
    ("", "Số tin báo, tố giác tội phạm có giá trị", "tips_valuable"),
])
def test_rating_abbreviations_and_groups(group, header, iid):
    m = match_column(header, group, CAT.valid_in("2026"))
    assert (m.role, m.indicator) == ("indicator", iid) and m.certain, (m.rule, m.candidates)
