"""Reading the rows of a located table: each row's unit (by code, else by name within its province/district
and the chosen area), its values and their problems, total rows, and the checks over all rows."""

from __future__ import annotations

from typing import Any

from geo.intake import parents
from geo.intake.report import MAX_LIST, Ctx
from geo.intake.read import cell_text, col_letter
from geo.intake.table import ROMAN_RE, Column, Table, assign_columns, is_total_label
from geo.intake.values import (check_derived, check_parts, check_total, fmt, is_column_number_row, pair_problems,
                               parse_value)
from geo.reference.catalog import Catalog
from geo.text.i18n import t
from geo.text.legacy import ENCODING_LABELS, detect_and_decode
from geo.text.legacy import candidates as legacy_candidates
from geo.text.names import clean_text, fold, strip_prefix, suggest
from geo.units.index import UnitIndex


def process_table(ctx: Ctx, table: Table, units: UnitIndex, catalog: Catalog, header_last: int,
                  area: tuple = ()) -> None:
    """Every row of the table into ``ctx.report``: units, values, problems, then the checks over all rows."""
    _TableReader(ctx, table, units, catalog, header_last, area).run()


class _TableReader:
    """One pass over a located table; each step adds its own problems to the report."""

    def __init__(self, ctx: Ctx, table: Table, units: UnitIndex, catalog: Catalog, header_last: int, area: tuple):
        self.ctx, self.report, self.lang = ctx, ctx.report, ctx.lang
        self.table, self.sheet, self.sname = table, table.sheet, table.sheet.name
        self.units, self.catalog, self.header_last = units, catalog, header_last
        self.allowed = parents.area_codes(units, area)
        self.allowed_text = parents.describe(area)
        p = ctx.report.period
        period_valid = catalog.valid_in(p).reported_in(p) if p else catalog
        self.base_ids = [i.id for i in period_valid.base()]  # the file's period's indicators (issue 13) and type
        self.legacy = list(table.legacy)
        self.seen: dict[str, int] = {}
        self.suggested = [0]  # how many unknown names got suggestions (fuzzy search is costly: the first few)
        self.total_vals: dict[str, Any] | None = None
        self.total_row_no: int | None = None

    # -- columns -------------------------------------------------------------------------------------------

    def _columns(self) -> bool:
        ind_cols, self.first_for, labels_at, self.derived_cols = assign_columns(
            self.ctx, self.table, self.catalog, self.header_last)
        self.name_col, self.code_col = labels_at.get("name"), labels_at.get("code")
        self.stt_col = labels_at.get("stt")
        self.parent_cols = {lvl: labels_at[lvl] for lvl in parents.LEVELS if lvl in labels_at}
        self.inds = [(c, self.catalog[c.indicator]) for c in ind_cols]
        ind_idx = {c.index for c in ind_cols}
        if self.name_col is None and self.code_col is None:
            self.name_col = self._guess_name_column(ind_idx)
        if self.name_col is None and self.code_col is None:
            self.ctx.problem("error", "ingest_no_unit_column", self.sname, None, None, None)
            return False
        missing = [i for i in self.base_ids if i not in self.first_for]
        if missing:
            names = ", ".join(self.catalog[i].name(self.lang) for i in missing[:MAX_LIST]) + (
                "…" if len(missing) > MAX_LIST else "")
            self.ctx.problem("warning", "ingest_column_missing", self.sname, self.header_last + 1, None, None,
                             n=len(missing), names=names)
        labels = {c.index for c in self.table.columns if c.index not in ind_idx and c.role != "note"}
        labels |= {c.index for c in (self.name_col, self.code_col, self.stt_col) if c is not None}
        self.label_cols = sorted(labels)
        return True

    def _guess_name_column(self, ind_idx: set[int]) -> Column | None:
        """No labelled unit column: the first non-indicator column left of the indicators with text in it."""
        start = self.header_last + 1
        taken = {c.index for c in (self.stt_col, *self.parent_cols.values()) if c is not None}
        for c in range(min(ind_idx) if ind_idx else 0):
            if c in taken:
                continue
            if any(c < len(r) and isinstance(r[c], str) for r in self.sheet.rows[start:start + 50]):
                return Column(c, col_letter(c), "", "name")
        return None

    # -- rows ----------------------------------------------------------------------------------------------

    def run(self) -> None:
        if not self._columns():
            return
        for r in range(self.header_last + 1, len(self.sheet.rows)):
            row = self.sheet.rows[r]
            if any(v is not None and (not isinstance(v, str) or v.strip()) for v in row):
                self._row(row, r + 1)
        self._finish()

    def _cell(self, row: list, col: Column | None):
        return row[col.index] if col is not None and col.index < len(row) else None

    def _values(self, row: list) -> tuple[dict, list, int]:
        values: dict[str, Any] = {}
        problems: list[tuple] = []
        numbers = 0
        for col, ind in self.inds:
            raw = self._cell(row, col)
            if raw is None:
                continue
            val, prob = parse_value(raw, ind)
            if prob is None:
                values[ind.id] = val
                numbers += val is not None
            else:
                problems.append((col, ind, raw, val, prob))
                numbers += prob in ("negative", "not_whole", "not_flag")
        return values, problems, numbers

    def _row(self, row: list, excel_row: int) -> None:
        raw_name = cell_text(self._cell(row, self.name_col))
        raw_code = self._cell(row, self.code_col)
        raw_stt = cell_text(self._cell(row, self.stt_col))
        labels = [cell_text(row[c]) for c in self.label_cols if c < len(row) and cell_text(row[c])]
        values, problems, numbers = self._values(row)
        if any(is_total_label(s) for s in labels if not s.isdigit()):  # a total row: never a unit
            if self.total_vals is None:
                self.total_vals, self.total_row_no = values, excel_row
            return
        written = {lvl: cell_text(self._cell(row, c)) for lvl, c in self.parent_cols.items()}
        found, code = self._unit(raw_code, raw_name, written, excel_row, numbers)
        if not found:
            return
        shown = raw_name or cell_text(raw_code)
        if code is None:
            if numbers:
                self._no_unit(row, excel_row, raw_name, raw_stt, shown, written)
            return
        self._value_problems(problems, excel_row)
        if code in self.seen:
            self.ctx.problem("error", "ingest_unit_duplicate", self.sname, excel_row,
                             (self.name_col or self.code_col).letter, shown, name=self.units.names[code],
                             first=self.seen[code], again=excel_row)
            return
        self.seen[code] = excel_row
        self.report.unit_rows[code] = excel_row
        self._pairs(values, excel_row)
        check_parts(self.ctx, self.sname, excel_row, values, self.first_for, self.catalog, self.units.names[code])
        check_derived(self.ctx, row, excel_row, self.derived_cols, values, self.catalog)
        self.report.rows.append({"unit_code": code, "unit_name": self.units.names[code],
                                 "values": {i: values.get(i) for i in self.base_ids}})

    # -- units ---------------------------------------------------------------------------------------------

    def _unit(self, raw_code, raw_name: str, written: dict, excel_row: int, numbers: int) -> tuple[bool, str | None]:
        """(go on with this row, its unit code or None). A refused row has its problem reported here."""
        units, code = self.units, None
        if raw_code is not None and cell_text(raw_code):
            code = units.match_code(raw_code)
            shown = cell_text(raw_code)
            if code is not None and self.allowed is not None and code not in self.allowed and numbers:
                self.ctx.problem("error", "ingest_unit_outside", self.sname, excel_row, self.code_col.letter, shown,
                                 value=shown, where=self.allowed_text)
                return False, None
            if code is None and numbers:
                self.ctx.problem("error", "ingest_unit_code_unknown", self.sname, excel_row, self.code_col.letter,
                                 shown, value=shown, set=units.set_id)
                return False, None
        if code is None and raw_name:
            if raw_name.isdigit():
                code = units.match_code(raw_name)
            if code is None:
                return self._unit_by_name(raw_name, written, excel_row, numbers)
        elif code is not None and raw_name and self.name_col is not None and raw_name != units.names[code]:
            hits = units.match_name(detect_and_decode(raw_name)[0])
            if hits and code not in hits and not raw_name.isdigit():
                self.ctx.problem("warning", "ingest_unit_code_name_differ", self.sname, excel_row,
                                 self.name_col.letter, raw_name, code=code, official=units.names[code],
                                 value=raw_name)
        return True, code

    def _candidates(self, raw_name: str, written: dict) -> tuple[str, set[str], set[str]]:
        """(name as decoded, units of that name anywhere, those within the row's parents and the area)."""
        units, name = self.units, raw_name
        dec, enc = detect_and_decode(name)
        if enc:
            self.legacy.append((name, dec, enc))
            name = dec
        name = _unit_of_station(name)
        found = units.match_name(name)
        hits = parents.narrow(units, found, written, self.allowed)
        if not hits:
            for alt, enc in legacy_candidates(raw_name):
                alt_hits = parents.narrow(units, units.match_name(alt), written, self.allowed)
                if len(alt_hits) == 1:
                    self.legacy.append((raw_name, alt, enc))
                    return name, found, alt_hits
        if len(hits) != 1:
            listed = parents.by_official_list(units, name, written, self.allowed)
            hits = {listed} if listed else hits
        if len(hits) > 1:  # 'Xã Tân Hòa' and 'Phường Tân Hòa' of one province: the name as written decides
            for key in (_exact_key, fold):  # 'Văn Lang' and 'Văn Lăng': the diacritics decide first
                same = {h for h in hits if key(units.names[h]) == key(name)}
                if len(same) == 1:
                    return name, found, same
        return name, found, hits

    def _unit_by_name(self, raw_name: str, written: dict, excel_row: int, numbers: int) -> tuple[bool, str | None]:
        units, col = self.units, self.name_col.letter
        _name, found, hits = self._candidates(raw_name, written)
        if not hits and found and numbers:
            self.ctx.problem("error", "ingest_unit_outside", self.sname, excel_row, col, raw_name, value=raw_name,
                             where=describe_parents(written, self.allowed_text))
            return False, None
        if len(hits) > 1:
            if numbers:
                names = ", ".join(f"{units.names[h]} ({h})" for h in sorted(hits)[:MAX_LIST])
                self.ctx.problem("error", "ingest_unit_ambiguous", self.sname, excel_row, col, raw_name,
                                 value=raw_name, names=names)
            return False, None
        if not hits:
            return True, None
        code = next(iter(hits))
        other = parents.district_ignored(units, code, written)
        if other:
            self.ctx.problem("warning", "ingest_unit_other_district", self.sname, excel_row, col, raw_name,
                             value=raw_name, written=written.get("district"), official=other)
        return True, code

    def _no_unit(self, row: list, excel_row: int, raw_name: str, raw_stt: str, shown: str, written: dict) -> None:
        """A row with numbers and no unit: a group row, the column numbers, or an unknown unit (an error)."""
        roman = bool(raw_stt and ROMAN_RE.match(raw_stt)) or bool(raw_name and ROMAN_RE.match(raw_name))
        if roman:
            self.ctx.problem("warning", "ingest_group_row_skipped", self.sname, excel_row, None, shown, value=shown)
            return
        if is_column_number_row(row, self.inds, raw_name, raw_stt):
            return
        if not shown:
            self.ctx.problem("error", "ingest_unit_no_name", self.sname, excel_row,
                             (self.name_col or self.code_col).letter, None)
            return
        col = self.name_col.letter if (self.name_col is not None and raw_name) else self.code_col.letter
        sugg = _suggest_units(self.units, raw_name, written if self.name_col is not None else {}, self.allowed,
                              self.suggested)
        suffix = t("ingest_unit_suggest", self.lang, names=", ".join(sugg)) if sugg else ""
        self.ctx.problem("error", "ingest_unit_unknown", self.sname, excel_row, col, shown, suffix=suffix,
                         value=shown, set=self.units.set_id)

    # -- values --------------------------------------------------------------------------------------------

    def _value_problems(self, problems: list[tuple], excel_row: int) -> None:
        ctx, lang, sname = self.ctx, self.lang, self.sname
        for col, ind, raw, val, prob in problems:
            shown_v = raw if not isinstance(raw, float) else fmt(raw)
            if prob == "missing_mark":
                self.report.missing_marks[shown_v] = self.report.missing_marks.get(shown_v, 0) + 1
                ctx.problem("warning", "ingest_dash_missing", sname, excel_row, col.letter, shown_v,
                            value=shown_v, indicator=ind.name(lang))
                continue
            if prob == "uncached_formula":
                ctx.problem("warning", "ingest_formula_no_value", sname, excel_row, col.letter, str(raw))
                continue
            expected = t({"flag": "ingest_expected_flag", "amount": "ingest_expected_amount"}.get(
                ind.kind, "ingest_expected_count"), lang)
            key = {"not_number": "ingest_not_number", "negative": "ingest_negative", "not_whole": "ingest_not_whole",
                   "not_flag": "ingest_not_flag"}[prob]
            ctx.problem("error", key, sname, excel_row, col.letter, shown_v,
                        value=_as_written(raw, val), expected=expected, indicator=ind.name(lang))

    def _pairs(self, values: dict, excel_row: int) -> None:
        catalog, lang = self.catalog, self.lang
        for num_id, den_id, a, b in pair_problems(values, catalog):
            if num_id in self.first_for:
                self.ctx.problem("error", "ingest_numerator_exceeds", self.sname, excel_row,
                                 self.first_for[num_id].letter, a, num_name=catalog[num_id].name(lang), num=fmt(a),
                                 den_name=catalog[den_id].name(lang), den=fmt(b),
                                 den_col=self.first_for[den_id].letter)

    def _finish(self) -> None:
        report, units, allowed = self.report, self.units, self.allowed
        report.units_matched = len(report.rows)
        missing = [c for c in units.names if c not in self.seen and (allowed is None or c in allowed)]
        if missing and report.rows:
            names = ", ".join(units.names[c] for c in missing[:MAX_LIST]) + ("…" if len(missing) > MAX_LIST else "")
            self.ctx.problem("warning", "ingest_units_missing", self.sname, None, None, None, n=len(missing),
                             total=len(allowed) if allowed is not None else len(units.names), names=names)
        check_total(self.ctx, self.total_vals, self.total_row_no, self.first_for, self.catalog)
        _legacy_warning(self.ctx, self.legacy, self.sname)


MAX_SUGGESTED_ROWS = 30


def _unit_of_station(name: str) -> str:
    """'Công an xã Na Son', 'CA phường X', 'Cong an dac khu X' name the unit: 'xã Na Son', 'phường X'."""
    words = name.split()
    n = 2 if fold(" ".join(words[:2])) == "cong an" else 1 if words and fold(words[0]) == "ca" else 0
    if n and len(words) > n + 1 and fold(words[n]) in ("xa", "phuong", "thi", "dac"):
        return " ".join(words[n:])
    return name


def _exact_key(name: str) -> str:
    """A name as written, diacritics kept: prefix removed, NFC, lower case."""
    return clean_text(strip_prefix(clean_text(name))).lower()


def _suggest_units(units: UnitIndex, raw_name: str, written: dict, allowed, suggested: list) -> list[str]:
    """Close official names for an unknown one, among the units of its parents / area when known."""
    if not raw_name or suggested[0] >= MAX_SUGGESTED_ROWS:
        return []
    suggested[0] += 1
    pool = [c for c in units.names if allowed is None or c in allowed]
    narrowed = parents.narrow(units, set(pool), written, None)
    names = [units.names[c] for c in (narrowed or pool)]
    return suggest(detect_and_decode(raw_name)[0], names)


def _as_written(raw, val) -> str:
    """A refused value as the message quotes it: text as typed ('2,5', not the 2.5 read from it), else the number."""
    if isinstance(raw, str) or val is None:
        return cell_text(raw)
    return fmt(val)


def describe_parents(written: dict[str, str], area_text: str) -> str:
    parts = [v for v in (written.get("district"), written.get("province")) if v]
    return ", ".join(parts) or area_text


def _legacy_warning(ctx: Ctx, legacy, sname) -> None:
    if not legacy:
        return
    by_enc: dict[str, list] = {}
    for before, after, enc in legacy:
        by_enc.setdefault(enc, []).append((before, after))
    for enc, items in by_enc.items():
        uniq = list(dict.fromkeys(items))
        ctx.problem("warning", "ingest_legacy_converted", sname, None, None, uniq[0][0], n=len(uniq),
                    encoding=ENCODING_LABELS[enc], before=uniq[0][0], after=uniq[0][1])
    ctx.report.legacy_encoding = max(by_enc, key=lambda e: len(by_enc[e]))
