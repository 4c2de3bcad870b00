"""A corpus of messy spreadsheets like the ones district offices send, built in memory for the intake tests.

``report_grid`` lays out a realistic report (agency and national-motto title block, report title, date line,
two-level merged headers, column-number row, Roman-numeral group rows, a total row, a signature block, an
STT column, a notes column and an unknown column). Writers turn a grid into .xlsx (with merged cells and
formula cells carrying cached values), .xls (xlwt), or CSV in several encodings.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import unicodedata
import zipfile

from geo.reference.sample import sample_rows

SET = "dien-bien-dong-pre2025"
SHEET = "BC"

# (indicator id, parent header or None, child header)
COLUMNS = [
    ("teams_security", "Tổ chức quần chúng", "Tổ ANND"),
    ("teams_street_protection", "Tổ chức quần chúng", "Tổ BVDP"),
    ("teams_mediation", "Tổ chức quần chúng", "Tổ hòa giải"),
    ("teams_civil_defence", "Tổ chức quần chúng", "Tổ dân phòng"),
    ("villages_total", None, "Số bản"),
    ("villages_signed", "Ký cam kết", "Bản"),
    ("agencies_signed", "Ký cam kết", "Cơ quan, DN"),
    ("schools_signed", "Ký cam kết", "Trường"),
    ("commune_signed", "Ký cam kết", "Xã"),
    ("agencies_total", None, "Cơ quan, doanh nghiệp"),
    ("schools_total", None, "Trường học"),
    ("tips_received", None, "Tin báo"),
    ("tips_valuable", None, "Tin có giá trị"),
    ("forums_held", None, "Diễn đàn"),
    ("opinions_force_building", None, "Ý kiến XDLL"),
    ("opinions_crime_fighting", None, "Ý kiến PCTP"),
    ("prestigious_people", None, "Người có uy tín"),
    ("households_reminded", None, "Hộ được nhắc nhở"),
    ("weapons_recovered", None, "VK"),
    ("explosives_recovered_kg", None, "VLN (kg)"),
    ("population", None, "Dân số"),
]
FIRST_IND_COL = 2  # after STT (A) and name (B)
UNKNOWN_HEADER = "Điểm thi đua"
# A numeric column no indicator is about waits for a person (issue 19): the district's staff ignored it once,
# and the choice is remembered for the set, as the upload page and ``--map`` do.
REMEMBERED = {UNKNOWN_HEADER: ""}


def letter(idx: int) -> str:
    """0-based column index → Excel letter, by openpyxl (an oracle independent of geo.intake.ingest.col_letter)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(idx + 1)


def col_of(indicator_id: str) -> str:
    """Excel letter of an indicator's column in ``report_grid``."""
    return letter(FIRST_IND_COL + [c[0] for c in COLUMNS].index(indicator_id))


def expected_rows() -> list[dict]:
    return sample_rows()


class Report:
    """A grid (list of rows, Excel row 1 first) plus merges, and where each unit landed."""

    def __init__(self):
        self.grid: list[list] = []
        self.merges: list[str] = []
        self.unit_row: dict[str, int] = {}  # unit code → Excel row
        self.total_row: int | None = None
        self.formulas: dict[str, str] = {}  # "D12" → "SUM(D9:D11)" (cached value is the grid's value)

    def add(self, row: list) -> int:
        self.grid.append(list(row))
        return len(self.grid)

    def cell(self, ref: str):
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        return int(m.group(2)) - 1, col - 1

    def set(self, ref: str, value) -> None:
        r, c = self.cell(ref)
        row = self.grid[r]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))
        row[c] = value


# Layout options of report_grid as district offices vary them (the intake and the file checks use them all).
LAYOUTS = [
    {},
    {"title": False},
    {"two_level": False},
    {"numbers_row": False, "groups": False},
    {"total": None, "signature": False},
    {"extra_columns": False},
    {"total": "Cộng"},
    {"total": "Toàn huyện"},
    {"total": "TỔNG"},
]


def report_grid(rows: list[dict] | None = None, *, names: dict[str, str] | None = None, title: bool = True,
                two_level: bool = True, numbers_row: bool = True, groups: bool = True,
                total: str | None = "Tổng cộng", signature: bool = True, extra_columns: bool = True,
                period_title: str | None = "BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ NĂM 2017",
                value_fn=None) -> Report:
    """The 2017 sample as a district office would type it. ``names`` overrides the name written per code;
    ``value_fn(code, indicator_id, value)`` may replace a value by what is written in the cell."""
    rows = copy.deepcopy(rows if rows is not None else expected_rows())
    names = names or {}
    rep = Report()
    width = FIRST_IND_COL + len(COLUMNS) + (2 if extra_columns else 0)
    last = letter(width - 1)
    if title:
        rep.add(["CÔNG AN HUYỆN ĐIỆN BIÊN ĐÔNG", None, None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        rep.merges += ["A1:E1", f"G1:{last}1"]
        rep.add(["ĐỘI XÂY DỰNG PHONG TRÀO", None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
        rep.add([])
        if period_title:
            rep.add([period_title])
            rep.merges.append(f"A{len(rep.grid)}:{last}{len(rep.grid)}")
        rep.add([None, None, None, None, None, None, "Điện Biên Đông, ngày 15 tháng 12 năm 2018"])
        rep.add([])
    h1 = len(rep.grid) + 1
    parent = ["STT", "Tên đơn vị"]
    child = [None, None]
    for _iid, pa, ch in COLUMNS:
        if two_level:
            parent.append(pa if pa else ch)
            child.append(ch if pa else None)
        else:
            parent.append(None)
            child.append(f"{pa} {ch}" if pa else ch)
    if extra_columns:
        parent += [UNKNOWN_HEADER, "Ghi chú"]
        child += [None, None]
    if two_level:
        rep.add(parent)
        rep.add(child)
        # vertical merges for single-level columns, horizontal for the groups
        for c, (p, ch) in enumerate(zip(parent, child)):
            if p and not ch:
                rep.merges.append(f"{letter(c)}{h1}:{letter(c)}{h1 + 1}")
        for group in ("Tổ chức quần chúng", "Ký cam kết"):
            cols = [FIRST_IND_COL + k for k, col in enumerate(COLUMNS) if col[1] == group]
            rep.merges.append(f"{letter(cols[0])}{h1}:{letter(cols[-1])}{h1}")
            for c in cols[1:]:
                rep.grid[h1 - 1][c] = None  # merged cells are empty except the first
    else:
        rep.add(["STT", "Tên đơn vị", *child[2:]])
    if numbers_row:
        rep.add([f"({k + 1})" for k in range(width)])
    by_code = {r["unit_code"]: r for r in rows}
    order = [["03203"], [r["unit_code"] for r in rows if r["unit_code"] != "03203"]] if groups else \
        [[r["unit_code"] for r in rows]]
    group_names = ["Khu vực thị trấn", "Các xã"]
    stt = 0
    first_data = None
    for g, codes in enumerate(order):
        if groups:
            rep.add(["I" if g == 0 else "II", group_names[g]])
        for code in codes:
            r = by_code[code]
            stt += 1
            line = [stt, names.get(code, r["unit_name"])]
            for iid, _pa, _ch in COLUMNS:
                v = r["values"][iid]
                if value_fn:
                    v = value_fn(code, iid, v)
                line.append(v)
            if extra_columns:
                line += [stt * 10, "đạt" if stt % 2 else None]
            rep.unit_row[code] = rep.add(line)
            first_data = first_data or rep.unit_row[code]
    if total:
        line = [None, total]
        for k, (iid, _pa, _ch) in enumerate(COLUMNS):
            vals = [r["values"][iid] for r in rows if r["values"][iid] is not None]
            line.append(sum(vals) if vals else None)
        rep.total_row = rep.add(line)
        last_data = rep.total_row - 1
        for k, (iid, _pa, _ch) in enumerate(COLUMNS):
            col = letter(FIRST_IND_COL + k)
            if line[FIRST_IND_COL + k] is None:
                continue
            rep.formulas[f"{col}{rep.total_row}"] = f"SUM({col}{first_data}:{col}{last_data})"
    if signature:
        rep.add([])
        rep.add([None, "NGƯỜI LẬP BIỂU", None, None, None, None, None, None, "TRƯỞNG CÔNG AN HUYỆN"])
        rep.add([])
        rep.add([None, "Nguyễn Văn A", None, None, None, None, None, None, "Thượng tá Trần Văn B"])
    return rep


# ---------------------------------------------------------------------------------------------------------
# Writers


def to_xlsx(sheets: list[tuple[str, Report]]) -> bytes:
    """Workbook bytes; formula cells get their cached value (as Excel itself saves them)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rep in sheets:
        ws = wb.create_sheet(name)
        for row in rep.grid:
            ws.append(row)
        for m in rep.merges:
            ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    formulas = {(i, ref): f for i, (_n, rep) in enumerate(sheets) for ref, f in rep.formulas.items()}
    return _add_formulas(data, formulas) if formulas else data


def _add_formulas(data: bytes, formulas: dict[tuple[int, str], str]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
            if m:
                idx = int(m.group(1)) - 1
                text = body.decode("utf-8")
                for (i, ref), f in formulas.items():
                    if i != idx:
                        continue
                    text, n = re.subn(rf'(<c r="{ref}"[^>]*>)(<v>)', rf"\1<f>{f}</f>\2", text)
                    assert n == 1, ref
                body = text.encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def to_xls(sheets: list[tuple[str, Report]]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for name, rep in sheets:
        ws = wb.add_sheet(name)
        merged = set()
        for m in rep.merges:
            a, b = m.split(":")
            r0, c0 = rep.cell(a)
            r1, c1 = rep.cell(b)
            v = rep.grid[r0][c0] if c0 < len(rep.grid[r0]) else None
            ws.write_merge(r0, r1, c0, c1, v)
            merged |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(rep.grid):
            for c, v in enumerate(row):
                if v is not None and (r, c) not in merged:
                    ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(rep: Report, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rep.grid:
        w.writerow(["" if v is None else v for v in row])
    text = out.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    if encoding == "utf-16":
        return text.encode("utf-16")  # with BOM, as Excel's "Unicode text"
    return text.encode(encoding)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps â ê ô ơ ư ă đ precomposed and writes tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in "\u0300\u0301\u0303\u0309\u0323"))
        tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# ---------------------------------------------------------------------------------------------------------
# Headers in other words (issue 11): tables whose columns name indicators by meaning, with group headers,
# derived columns, English and abbreviated forms, legacy-font total rows and province/district columns.
# Each column is (key, group header or None, header): key is an indicator id, "=share:num:den" for a
# derived percentage (a formula with its cached value), or a label ("name", "province", "district", "stt").

SIGN_GROUP = "Ký cam kết an toàn về ANTT"
MEANING_LAYOUTS: dict[str, list[tuple[str, str | None, str]]] = {
    "signed_group_with_totals": [
        ("stt", None, "STT"), ("name", None, "Tên đơn vị"),
        ("villages_total", None, "Tổng số bản, TDP"), ("agencies_total", None, "Tổng số CQ, DN"),
        ("schools_total", None, "Tổng số trường học"),
        ("villages_signed", SIGN_GROUP, "Bản, TDP"), ("=share:villages_signed:villages_total", SIGN_GROUP, "Tỷ lệ (%)"),
        ("agencies_signed", SIGN_GROUP, "Cơ quan, doanh nghiệp"), ("schools_signed", SIGN_GROUP, "Trường học"),
    ],
    "reworded": [
        ("stt", None, "STT"), ("name", None, "Xã, thị trấn"),
        ("villages_total", None, "Số bản, tổ dân phố"),
        ("villages_signed", None, "Số bản, tổ dân phố ký cam kết an toàn về ANTT (bản)"),
        ("opinions_force_building", None, "Số ý kiến đóng góp xây dựng lực lượng Công an"),
        ("households_reminded", None, "Số hộ kinh doanh được nhắc nhở"),
        ("commune_signed", None, "Xã, thị trấn ký cam kết an toàn về ANTT (1 = đã ký, 0 = chưa)"),
        ("tips_valuable", None, "Số tin báo có giá trị"),
    ],
    "english": [
        ("name", None, "Commune"), ("teams_security", None, "People's security teams"),
        ("tips_received", None, "Tips received"), ("tips_valuable", None, "Valuable tips"),
        ("villages_total", None, "Villages"), ("villages_signed", None, "Villages signed"),
        ("=share:tips_valuable:tips_received", None, "Valuable tip rate (%)"), ("population", None, "Population"),
    ],
    "abbreviated": [
        ("stt", None, "TT"), ("name", None, "Xã, phường"),
        ("teams_security", "Tổ chức quần chúng", "ANND"), ("teams_street_protection", "Tổ chức quần chúng", "BVDP"),
        ("teams_mediation", "Tổ chức quần chúng", "HG"),
        ("agencies_total", None, "CQ, DN"), ("agencies_signed", None, "CQ, DN ký CK"),
        ("schools_signed", None, "CSGD ký CK"), ("opinions_crime_fighting", None, "Ý kiến PCTP"),
        ("explosives_recovered_kg", None, "VLN (kg)"),
    ],
    "with_parents": [
        ("stt", None, "STT"), ("province", None, "Tỉnh, thành phố"), ("district", None, "Quận, huyện"),
        ("name", None, "Xã, phường, đặc khu"), ("teams_security", None, "Tổ ANND"), ("tips_received", None, "Tin báo"),
    ],
}


def meaning_grid(layout: str, *, total: str | None = "Tổng cộng", share_fn=None) -> tuple[Report, dict[str, str]]:
    """A table of the 2017 sample laid out as ``MEANING_LAYOUTS[layout]``, and {letter: indicator id} its
    headers mean. ``share_fn(code, share)`` may replace a derived value as written."""
    cols = MEANING_LAYOUTS[layout]
    rows = expected_rows()
    rep = Report()
    rep.add(["BÁO CÁO KẾT QUẢ NĂM 2017"])
    h1 = rep.add([g if g else h for _k, g, h in cols])
    rep.add([h if g else None for _k, g, h in cols])
    meant = {}
    groups: dict[str, list[int]] = {}
    for c, (key, g, _h) in enumerate(cols):
        if g:
            groups.setdefault(g, []).append(c)
        else:
            rep.merges.append(f"{letter(c)}{h1}:{letter(c)}{h1 + 1}")
        if not key.startswith("=") and key not in ("stt", "name", "province", "district"):
            meant[letter(c)] = key
    for g, cs in groups.items():
        if len(cs) > 1:
            rep.merges.append(f"{letter(cs[0])}{h1}:{letter(cs[-1])}{h1}")
            for c in cs[1:]:
                rep.grid[h1 - 1][c] = None
    first = None
    for stt, r in enumerate(rows, 1):
        line = []
        for c, (key, _g, _h) in enumerate(cols):
            if key == "stt":
                line.append(stt)
            elif key == "name":
                line.append(r["unit_name"])
            elif key == "province":
                line.append("Tỉnh Điện Biên")
            elif key == "district":
                line.append("Huyện Điện Biên Đông")
            elif key.startswith("="):
                _s, num, den = key.split(":")
                a, b = r["values"][num], r["values"][den]
                share = round(100 * a / b, 1) if a is not None and b else None
                line.append(share_fn(r["unit_code"], share) if share_fn else share)
            else:
                line.append(r["values"][key])
        row_no = rep.add(line)
        rep.unit_row[r["unit_code"]] = row_no
        first = first or row_no
        for c, (key, _g, _h) in enumerate(cols):
            if key.startswith("=") and line[c] is not None:
                _s, num, den = key.split(":")
                n_col = letter([k for k, _g2, _h2 in cols].index(num))
                d_col = letter([k for k, _g2, _h2 in cols].index(den))
                rep.formulas[f"{letter(c)}{row_no}"] = f"ROUND(100*{n_col}{row_no}/{d_col}{row_no},1)"
    if total:
        line = [None] * len(cols)
        line[[k for k, _g, _h in cols].index("name")] = total
        for c, (key, _g, _h) in enumerate(cols):
            if key in meant.values():
                vals = [r["values"][key] for r in rows if r["values"][key] is not None]
                line[c] = sum(vals) if vals else None
        rep.total_row = rep.add(line)
    return rep, meant
