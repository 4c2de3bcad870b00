"""Header layouts as province and commune staff wrote them in 2025–2026, built in memory (issue 19).

Each layout is a list of columns ``(key, levels)``: ``levels`` are the header texts top down (a group written
once over several columns is merged over them; a shorter path is merged down), ``key`` says what the column
is meant to be read as:

- an indicator id: read with certainty as that indicator;
- ``"?"``: numbers that must wait for a person (candidates to confirm, or no rule reads them);
- ``"name"`` / ``"code"`` / ``"stt"`` / ``"province"`` / ``"district"``: a unit column;
- ``"text"``: words only (a note).

``build(layout)`` writes the 2025 sample (Điện Biên Đông, six communes) under those headers, with the title
block, signature block and the options of the layout, and returns the grid with what each letter means.
"""

from __future__ import annotations

import copy

from geo.reference.sample import SAMPLES, sample_rows
from tests.messy import Report, letter

S2025 = SAMPLES[1]
SET = S2025.boundary_set
RATING_LEVELS = ("excellent", "good", "completed", "not_completed")

TITLE = [["CÔNG AN TỈNH ĐIỆN BIÊN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
         ["CÔNG AN XÃ NA SON", None, None, "Độc lập - Tự do - Hạnh phúc"],
         ["Số: 125/BC-CAX", None, None, "Na Son, ngày 20 tháng 12 năm 2025"],
         ["BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC NĂM 2025"]]
SIGNATURE = [[], ["Nơi nhận:", None, None, "TRƯỞNG CÔNG AN XÃ"], ["- Như trên;", None, None, "(Ký, ghi rõ họ tên)"],
             ["- Lưu: VT.", None, None, "Đại úy Lò Văn C"]]


def rows_2026() -> list[dict]:
    """The 2025 sample with the four rating levels of 2026 (teams and members) adding up to their counts."""
    rows = copy.deepcopy(sample_rows(S2025))
    for r in rows:
        v = r["values"]
        for who in ("teams", "members"):
            whole = v[f"{who}_security_order"]
            parts = [whole // 4, whole // 3, 0, 0]
            parts[2] = whole - parts[0] - parts[1] - 1
            parts[3] = 1
            for lvl, n in zip(RATING_LEVELS, parts):
                v[f"{who}_security_order_{lvl}"] = n
    return rows


def _value(key: str, r: dict, stt: int, flag_words):
    if key == "stt":
        return stt
    if key == "name":
        return r["unit_name"]
    if key == "police_name":
        return f"Công an xã {r['unit_name']}" if stt % 2 else f"CA xã {r['unit_name']}"
    if key == "code":
        return r["unit_code"]
    if key == "province":
        return "Điện Biên"
    if key == "text":
        return "đạt" if stt % 2 else None
    if key == "?":
        return 10 + stt
    if key == "derived":
        v = r["values"]
        return round(100 * v["villages_recognized"] / v["villages_total"], 1)
    v = r["values"][key]
    if flag_words and v in (0, 1):
        return flag_words[v]
    return v


def build(cols: list[tuple[str, tuple[str, ...]]], *, title: bool = True, signature: bool = True,
          total: bool = False, period: str = "2025", flag_words=None, numbers_row: bool = False) -> Report:
    """A grid of the layout: header levels merged as Excel users merge them, then one row per commune."""
    rows = rows_2026() if period >= "2026" else sample_rows(S2025)
    rep = Report()
    if title:
        for line in TITLE:
            rep.add(line)
        rep.add([])
    depth = max(len(levels) for _k, levels in cols)
    first = len(rep.grid) + 1
    for d in range(depth):
        rep.add([levels[d] if d < len(levels) else None for _k, levels in cols])
    for c, (_k, levels) in enumerate(cols):  # a short path is merged down to the leaf row
        if len(levels) < depth:
            rep.merges.append(f"{letter(c)}{first + len(levels) - 1}:{letter(c)}{first + depth - 1}")
            for d in range(len(levels), depth):
                rep.grid[first - 1 + d][c] = None
    for d in range(depth - 1):  # a group over neighbouring columns is merged across them
        c = 0
        while c < len(cols):
            levels = cols[c][1]
            end = c
            while end + 1 < len(cols) and len(cols[end + 1][1]) > d + 1 and len(levels) > d + 1 \
                    and cols[end + 1][1][: d + 1] == levels[: d + 1]:
                end += 1
            if end > c:
                rep.merges.append(f"{letter(c)}{first + d}:{letter(end)}{first + d}")
                for k in range(c + 1, end + 1):
                    rep.grid[first - 1 + d][k] = None
            c = end + 1
    if numbers_row:
        rep.add([f"({k + 1})" for k in range(len(cols))])
    for stt, r in enumerate(rows, 1):
        rep.unit_row[r["unit_code"]] = rep.add([_value(k, r, stt, flag_words) for k, _l in cols])
    if total:
        line = [None] * len(cols)
        line[next(i for i, (k, _l) in enumerate(cols) if k in ("name", "police_name"))] = "Tổng cộng"
        for i, (k, _l) in enumerate(cols):
            if k in rows[0]["values"] and all(r["values"][k] is not None for r in rows) and k != "commune_recognized":
                line[i] = sum(r["values"][k] for r in rows)
        rep.total_row = rep.add(line)
    if signature:
        for line in SIGNATURE:
            rep.add(line)
    return rep


def meant(cols) -> tuple[dict[str, str], set[str]]:
    """({letter: indicator id} read with certainty, {letters that wait for a person})."""
    ids = {letter(c): k for c, (k, _l) in enumerate(cols) if k not in ("?", "name", "police_name", "code", "stt",
                                                                        "province", "district", "text", "derived")}
    ask = {letter(c) for c, (k, _l) in enumerate(cols) if k == "?"}
    return ids, ask


N, C, T = ("name", ("Tên xã, phường, thị trấn",)), ("code", ("Mã xã",)), ("stt", ("STT",))
RECOG = "Thôn, bản, TDP được công nhận"
TEAM = "Tổ bảo vệ ANTT"
RATE = "Kết quả đánh giá, xếp loại tổ bảo vệ ANTT"
V = "villages_recognized"


def _grades(top: tuple[str, ...], of_which: str, names=("Xuất sắc", "Khá", "Trung bình")):
    return [(f"{V}_{g}", (*top, of_which, n)) for g, n in zip(("excellent", "good", "average"), names)]


def _ratings(top: tuple[str, ...], who: str, words: tuple[str, ...]):
    return [(f"{who}_security_order_{lvl}", (*top, w)) for lvl, w in zip(RATING_LEVELS, words)]


LEVEL_WORDS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
               "Không hoàn thành nhiệm vụ")
LEVEL_SHORT = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")

# name → (columns, build options)
LAYOUTS: dict[str, tuple[list, dict]] = {
    # -- ids, names and the unit suffix (certain readings)
    "ids_machine_export": ([("code", ("unit_code",)), ("name", ("unit_name",)), ("teams_security", ("teams_security",)),
                            ("teams_security_order", ("teams_security_order",)),
                            ("members_security_order", ("members_security_order",)),
                            ("villages_recognized", ("villages_recognized",))], {"title": False, "signature": False}),
    "ids_upper_case": ([C, N, ("teams_security", ("TEAMS_SECURITY",)), ("tips_received", ("Tips Received",))], {}),
    "names_upper_no_diacritics": ([T, N, ("teams_security", ("TO AN NINH NHAN DAN",)),
                                   ("villages_total", ("SO BAN, TO DAN PHO",)),
                                   ("population", ("DAN SO",))], {}),
    "names_unit_suffix_comma": ([T, N, ("teams_security", ("Tổ an ninh nhân dân, tổ",)),
                                 ("tips_received", ("Tin báo của nhân dân - tin",)),
                                 ("population", ("Dân số (người)",))], {}),
    "names_english_unit": ([N, ("teams_security", ("People's security teams (teams)",)),
                            ("villages_total", ("Villages",)), ("population", ("Population, people",))], {}),
    "short_names": ([T, N, ("teams_security", ("Tổ ANND",)), ("teams_mediation", ("Tổ hòa giải",)),
                     ("teams_security_order", ("Tổ BV ANTT",))], {}),
    # -- unit columns first, in Vietnamese and English, never an indicator
    "unit_columns_vi": ([T, ("code", ("Mã xã, phường",)), ("name", ("Tên xã, phường, đặc khu",)),
                         ("province", ("Tỉnh, thành phố",)), ("teams_security", ("Tổ ANND",))], {}),
    "unit_columns_en": ([("code", ("Commune code",)), ("name", ("Commune name",)),
                         ("teams_security", ("People's security teams",)), ("tips_received", ("Tips received",))],
                        {"title": False}),
    "unit_block_grouped": ([T, ("code", ("Đơn vị", "Mã")), ("name", ("Đơn vị", "Tên")),
                            ("teams_security", ("Tổ ANND",))], {}),
    "unit_name_ward_commune": ([("name", ("Tên đơn vị hành chính cấp xã",)), ("teams_security", ("Tổ ANND",)),
                                ("tips_valuable", ("Tin báo có giá trị",))], {}),
    "police_station_rows": ([T, ("police_name", ("Đơn vị",)), ("teams_security", ("Tổ ANND",)),
                             ("tips_received", ("Tin báo",))], {}),
    "police_station_rows_named": ([T, ("police_name", ("Tên Công an xã, phường",)),
                                   ("teams_security", ("Số tổ ANND",))], {}),
    # -- header trees of any depth, 'of which'
    "recognized_of_which_three_rows": ([T, N, ("villages_total", ("Tổng số thôn, bản, TDP",)),
                                        ("villages_recognized", (RECOG, "Tổng số")),
                                        *_grades((RECOG,), "Trong đó xếp loại")], {"total": True}),
    "recognized_chia_ra": ([T, N, ("villages_recognized", (RECOG, "Tổng số")),
                            *_grades((RECOG,), "Chia ra")], {}),
    "recognized_gom": ([T, N, ("villages_recognized", ("Số thôn, bản được công nhận", "Tổng")),
                        *_grades(("Số thôn, bản được công nhận",), "Gồm", ("Loại xuất sắc", "Loại khá",
                                                                            "Loại trung bình"))], {}),
    "recognized_cu_the": ([T, N, ("villages_recognized", ("Khu dân cư đạt chuẩn An toàn về ANTT", "Số lượng")),
                           *_grades(("Khu dân cư đạt chuẩn An toàn về ANTT",), "Cụ thể")], {}),
    "four_levels_movement": ([T, N, *[(k, ("Phong trào toàn dân bảo vệ ANTQ", RECOG, "Trong đó", n))
                                      for k, n in (("villages_recognized_excellent", "Xuất sắc"),
                                                   ("villages_recognized_good", "Khá"),
                                                   ("villages_recognized_average", "Trung bình"))]], {}),
    "registered_recognized_groups": ([T, N, ("villages_registered", ("Thôn, bản, TDP", "Đăng ký")),
                                      ("villages_recognized", ("Thôn, bản, TDP", "Được công nhận")),
                                      ("agencies_registered", ("Cơ quan, doanh nghiệp", "Đăng ký")),
                                      ("agencies_recognized", ("Cơ quan, doanh nghiệp", "Được công nhận")),
                                      ("schools_registered", ("Cơ sở giáo dục", "Đăng ký")),
                                      ("schools_recognized", ("Cơ sở giáo dục", "Được công nhận"))], {}),
    "registered_recognized_reversed": ([T, N, ("villages_registered", ("Đăng ký An toàn về ANTT", "Thôn, bản, TDP")),
                                        ("agencies_registered", ("Đăng ký An toàn về ANTT", "CQ, DN")),
                                        ("villages_recognized", ("Được công nhận An toàn về ANTT", "Thôn, bản, TDP")),
                                        ("agencies_recognized", ("Được công nhận An toàn về ANTT", "CQ, DN"))], {}),
    "teams_group_members": ([T, N, ("teams_security_order", (TEAM, "Số tổ")),
                             ("members_security_order", (TEAM, "Số thành viên"))], {}),
    "mass_organisations_group": ([T, N, ("teams_security", ("Tổ chức quần chúng", "Tổ ANND")),
                                  ("teams_mediation", ("Tổ chức quần chúng", "Tổ hòa giải")),
                                  ("teams_security_order", ("Tổ chức quần chúng", "Tổ bảo vệ ANTT"))], {}),
    "csv_style_no_merge": ([T, N, ("villages_recognized", (RECOG, "Tổng số")),
                            *_grades((RECOG,), "Trong đó")], {"title": False}),
    # -- never headers: title block, numbers row, signature
    "title_block_numbers_row": ([T, N, ("teams_security", ("Tổ ANND",)), ("tips_received", ("Tin báo",)),
                                 ("tips_valuable", ("Tin báo có giá trị",))], {"numbers_row": True, "total": True}),
    "no_title_no_signature": ([N, ("teams_security", ("Tổ ANND",))], {"title": False, "signature": False}),
    # -- flags as words
    "flag_dat_chua_dat": ([T, N, ("commune_recognized", ("Xã đạt chuẩn An toàn về ANTT",)),
                           ("teams_security", ("Tổ ANND",))], {"flag_words": ("Chưa đạt", "Đạt")}),
    "flag_co_khong": ([T, N, ("commune_recognized", ("Xã được công nhận An toàn về ANTT",)),
                       ("teams_security", ("Tổ ANND",))], {"flag_words": ("Không", "Có")}),
    "flag_x": ([T, N, ("commune_recognized", ("Xã được công nhận An toàn về ANTT",)),
                ("teams_security", ("Tổ ANND",))], {"flag_words": (None, "x")}),
    "flag_tick": ([T, N, ("commune_recognized", ("Xã được công nhận An toàn về ANTT",)),
                   ("teams_security", ("Tổ ANND",))], {"flag_words": (None, "✓")}),
    # -- the 2026 ratings (HD 01/HD-BCA-V05), one row and grouped, the words in any order
    "ratings_one_row": ([T, N, ("teams_security_order", ("Số tổ bảo vệ ANTT",)),
                         *[(f"teams_security_order_{lvl}", (f"Số tổ bảo vệ ANTT xếp loại {w.lower()}",))
                           for lvl, w in zip(RATING_LEVELS, LEVEL_WORDS)]], {"period": "2026"}),
    "ratings_one_row_danh_gia": ([T, N, *[(f"members_security_order_{lvl}",
                                           (f"Thành viên tổ bảo vệ ANTT được đánh giá mức {w.lower()}",))
                                          for lvl, w in zip(RATING_LEVELS, LEVEL_WORDS)]], {"period": "2026"}),
    "ratings_grouped": ([T, N, ("teams_security_order", (RATE, "Tổng số tổ")),
                         *_ratings((RATE,), "teams", LEVEL_WORDS)], {"period": "2026"}),
    "ratings_grouped_teams_members": ([T, N, *_ratings(("Kết quả xếp loại, đánh giá", "Tổ bảo vệ ANTT"), "teams",
                                                       LEVEL_WORDS),
                                       *_ratings(("Kết quả xếp loại, đánh giá", "Thành viên tổ bảo vệ ANTT"),
                                                 "members", LEVEL_WORDS)], {"period": "2026"}),
    "ratings_muc_first": ([T, N, *_ratings((TEAM, "Mức xếp loại"), "teams",
                                           ("Hoàn thành xuất sắc", "Hoàn thành tốt", "Hoàn thành",
                                            "Không hoàn thành"))], {"period": "2026"}),
    "ratings_danh_gia_xep_loai": ([T, N, *_ratings(("Đánh giá, xếp loại thành viên tổ bảo vệ ANTT",), "members",
                                                   LEVEL_WORDS)], {"period": "2026"}),
    "ratings_four_levels_deep": ([T, N, *_ratings(("Tổ bảo vệ ANTT ở cơ sở", "Trong đó", "Xếp loại mức"), "teams",
                                                  LEVEL_WORDS)], {"period": "2026"}),
    # -- numbers no rule reads: they wait for a person
    "no_subject_under_group": ([T, N, ("?", ("Đạt chuẩn An toàn về ANTT", "Đăng ký")),
                                ("?", ("Đạt chuẩn An toàn về ANTT", "Được công nhận"))], {}),
    "unknown_numeric": ([T, N, ("teams_security", ("Tổ ANND",)), ("?", ("Số buổi tuần tra",))], {}),
    "no_header_numbers": ([T, N, ("teams_security", ("Tổ ANND",)), ("?", ("",))], {}),
    "emulation_points": ([T, N, ("tips_received", ("Tin báo",)), ("?", ("Điểm thi đua",)),
                          ("text", ("Ghi chú",))], {}),
    "opinions_unsure": ([T, N, ("?", ("Ý kiến",)), ("tips_received", ("Tin báo",))], {}),
    "tdp_ambiguous": ([T, N, ("?", ("TDP",)), ("teams_security", ("Tổ ANND",))], {}),
    "street_protection_out_of_period": ([T, N, ("teams_security", ("Tổ ANND",)), ("?", ("Tổ bảo vệ dân phố",))], {}),
    "signed_in_2025": ([T, N, ("?", ("Bản ký cam kết an toàn về ANTT",)), ("teams_security", ("Tổ ANND",))], {}),
    # -- other 2025–2026 phrasings
    "festival_and_models": ([T, N, ("festival_sites", ("Số điểm tổ chức Ngày hội toàn dân bảo vệ ANTQ",)),
                             ("self_management_model_types", ("Mô hình tự quản", "Số loại")),
                             ("self_management_model_sites", ("Mô hình tự quản", "Số điểm"))], {}),
    "protection_law_terms": ([T, N, ("teams_security_order", ("Lực lượng tham gia bảo vệ ANTT ở cơ sở", "Số tổ")),
                              ("members_security_order", ("Lực lượng tham gia bảo vệ ANTT ở cơ sở",
                                                          "Số thành viên"))], {}),
    "share_beside_counts": ([T, N, ("villages_total", ("Tổng số thôn, bản",)),
                             ("villages_recognized", ("Được công nhận", "Số thôn, bản")),
                             ("derived", ("Được công nhận", "Tỷ lệ (%)"))], {}),
}
