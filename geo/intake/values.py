"""Cell values: numbers read the Vietnamese way, missing marks, and the checks that compare values (numerator
above its denominator, a written share against its parts, grades against their recognized count, the total row
against the sum of the units)."""

from __future__ import annotations

import math
import re

from geo.intake.read import UNCACHED_FORMULA, cell_text
from geo.intake.report import Ctx
from geo.reference.catalog import Catalog, Indicator, parts_problems
from geo.text.i18n import t
from geo.text.names import clean_text, fold


_MISSING_MARKS = {"-", "x", "—", "–", "_", "..", "...", "…", "--"}
# Words for a 0/1 flag (folded): 'Đạt' / 'Chưa đạt', 'Có' / 'Không', a tick. A blank cell is no data, never 0.
_FLAG_YES = {"co", "yes", "da ky", "roi", "dat", "da dat", "dat chuan", "duoc cong nhan", "da cong nhan", "x",
             "true", "1 co"}
_FLAG_NO = {"khong", "chua", "no", "chua ky", "chua dat", "khong dat", "chua duoc cong nhan", "chua cong nhan",
            "false", "0 khong"}
_FLAG_TICKS = {"✓", "✔", "☑", "√", "v", "V", "X"}


AMOUNT = Indicator("_amount", "", "", "amount", "", "", "neutral", "flow", "", False)


_NUM_RE = re.compile(r"^([+-]?\s*\d[\d.,\s]*)\s*([^\d.,]*)$")


def parse_value(raw, ind: Indicator) -> tuple[int | float | None, str | None]:
    """(value, problem) where problem is None, 'missing_mark', 'uncached_formula', 'not_number', 'negative',
    'not_whole', 'not_flag'.

    Text numbers are read the Vietnamese way: '1.234' is one thousand two hundred and thirty-four, '1,5' is
    one and a half; trailing unit words ('12 tổ') are dropped. Empty means missing, never zero.
    """
    if raw is None:
        return None, None
    if raw is UNCACHED_FORMULA:
        return None, "uncached_formula"
    if isinstance(raw, bool):
        value: float = int(raw)
    elif isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return None, None
        value = raw
    elif isinstance(raw, str):
        s = clean_text(raw)
        if s == "":
            return None, None
        if ind.kind == "flag":  # before the missing marks: a flag's 'x' is a tick
            if s in _FLAG_TICKS or fold(s) in _FLAG_YES:
                return 1, None
            if fold(s) in _FLAG_NO:
                return 0, None
        if s.lower() in _MISSING_MARKS:
            return None, "missing_mark"
        m = _NUM_RE.match(s)
        if not m or (m.group(2) and not m.group(2).replace(" ", "").isalpha()):
            return None, "not_number"
        num = m.group(1).replace(" ", "")
        neg = num.startswith("-")
        num = num.lstrip("+-")
        if "," in num and "." in num:
            if num.rfind(",") > num.rfind("."):
                num = num.replace(".", "").replace(",", ".")
            else:
                num = num.replace(",", "")
        elif "." in num:
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", num):
                num = num.replace(".", "")
        elif "," in num:
            if ind.whole_number and re.fullmatch(r"\d{1,3}(,\d{3})+", num):
                num = num.replace(",", "")
            else:
                num = num.replace(",", ".")
        try:
            value = float(num)
        except ValueError:
            return None, "not_number"
        if neg:
            value = -value
    else:
        return None, "not_number"
    if value < 0:
        return value, "negative"
    if ind.whole_number:
        if not float(value).is_integer():
            return value, "not_whole"
        value = int(value)
        if ind.kind == "flag" and value not in (0, 1):
            return value, "not_flag"
        return value, None
    return (int(value) if isinstance(value, int) else float(value)), None


def fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def check_derived(ctx: Ctx, row: list, excel_row: int, derived_cols: list, values: dict, catalog: Catalog) -> None:
    """A share or rate written in the file, checked against the one its parts give (a warning naming the cell)."""
    for col in derived_cols:
        ind = catalog[col.indicator] if col.indicator in catalog else None
        raw = row[col.index] if col.index < len(row) else None
        if ind is None or raw is None or not ind.numerator:
            continue
        num, den = values.get(ind.numerator), values.get(ind.denominator)
        text = raw.replace("%", "").strip() if isinstance(raw, str) else raw
        written, prob = parse_value(text, AMOUNT)
        if prob or written is None or num is None or den is None:
            continue
        computed = ind.compute(num, den)
        if computed is None:
            continue
        if ind.is_percentage and written <= 1 and computed > 1.5:
            written = written * 100  # a fraction formatted as a percentage
        tolerance = 0.5 if ind.is_percentage else max(0.01, abs(computed) * 0.01)
        if abs(float(written) - float(computed)) > tolerance:
            ctx.problem("warning", "ingest_share_differs", ctx.report.sheet, excel_row, col.letter, raw,
                        value=fmt(raw), computed=f"{computed:.1f}", indicator=ind.name(ctx.lang))


def check_parts(ctx: Ctx, sheet: str, excel_row: int, values: dict, first_for: dict, catalog: Catalog,
                unit: str) -> None:
    """Grades (xuất sắc + khá + trung bình) against their recognized count: all given, they must add up to it;
    some given, they must not exceed it. An error naming the row, the unit and every column with its value."""
    lang = ctx.lang
    for p in parts_problems(values, catalog):
        whole = p["whole"]
        if whole not in first_for:
            continue
        parts = " + ".join(t("ingest_part_item", lang, name=catalog[i].short(lang), value=fmt(v),
                             col=first_for[i].letter if i in first_for else "?") for i, v in p["parts"].items())
        ctx.problem("error", "ingest_parts_mismatch" if p["complete"] else "ingest_parts_exceed", sheet, excel_row,
                    first_for[whole].letter, p["total"], unit=unit, whole_name=catalog[whole].name(lang),
                    total=fmt(p["total"]), whole_col=first_for[whole].letter, parts=parts, sum=fmt(p["sum"]))


def pair_problems(values: dict, catalog: Catalog) -> list[tuple[str, str, float, float]]:
    """(numerator, denominator, its value, theirs) for every share whose numerator exceeds its denominator in
    one unit's values (registered ≥ recognized and the like); the upload and the entry form both ask this."""
    out = []
    for num_id, den_id in catalog.numerator_denominator_pairs():
        a, b = values.get(num_id), values.get(den_id)
        if a is not None and b is not None and a > b:
            out.append((num_id, den_id, a, b))
    return out


def is_column_number_row(row, inds, raw_name, raw_stt) -> bool:
    """'(1) (2) (3) ...' or '1 2 3 ...' under the header: column numbers, not data."""
    label_ok = all(re.fullmatch(r"\(?\d{1,2}\)?|[A-Za-z]", s) for s in (raw_name, raw_stt) if s)
    if not label_ok:
        return False
    nums = []
    for col, _ind in inds:
        v = row[col.index] if col.index < len(row) else None
        s = cell_text(v).strip("()")
        if not s.isdigit():
            return False
        nums.append(int(s))
    return len(nums) >= 3 and all(b == a + 1 for a, b in zip(nums, nums[1:]))


def check_total(ctx: Ctx, total_vals, total_row_no, first_for, catalog) -> None:
    report = ctx.report
    if total_vals is None:
        report.total_row = {"found": False, "matches": None}
        return
    mismatches = []
    for iid, total in total_vals.items():
        if total is None:
            continue
        have = [r["values"][iid] for r in report.rows if r["values"].get(iid) is not None]
        s = sum(have) if have else 0
        if abs(float(s) - float(total)) > 1e-6:
            col = first_for[iid].letter
            mismatches.append({"indicator": iid, "column": col, "total": total, "sum": s})
            ctx.problem("warning", "ingest_total_mismatch", report.sheet, total_row_no, col, total,
                        indicator=catalog[iid].name(ctx.lang), total=fmt(total), sum=fmt(s))
    report.total_row = {"found": True, "matches": not mismatches, "row": total_row_no, "mismatches": mismatches}
