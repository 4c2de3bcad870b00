"""The dry-run report: every error and warning shown to staff (upload page, ``python -m geo validate``) is a
string-catalogue message with its key and parameters, in the language asked for, naming its place."""

from __future__ import annotations

import pytest

from geo.intake.ingest import validate_file
from geo.text.errors import AnttError
from geo.text.i18n import strings, t
from geo.text.legacy import encode_tcvn3
from tests.messy import SET, SHEET, Report, col_of, expected_rows, meaning_grid, report_grid, to_csv, to_xlsx

NAMES = {x["unit_code"]: x["unit_name"] for x in expected_rows()}


def _with(code, iid, written):
    return lambda c, i, v: written if (c, i) == (code, iid) else v


def _second_sheet():
    cover = Report()
    cover.add(["CÔNG AN TỈNH ĐIỆN BIÊN"])
    return to_xlsx([("Bìa", cover), ("Số liệu 2017", report_grid())])


def _unsure():
    rep, _ = meaning_grid("reworded")
    rep.grid[1][4] = "Ý kiến"
    return to_xlsx([("BC", rep)])


def _total_mismatch():
    rep = report_grid()
    rep.set(f"{col_of('tips_received')}{rep.total_row}", 999)
    return to_xlsx([(SHEET, rep)])


def _no_header():
    rep = Report()
    rep.add(["Danh bạ điện thoại"])
    rep.add(["0215 3826 000"])
    return to_xlsx([("Trang1", rep)])


# case: (file bytes, period given, a key the report must contain)
CASES = {
    "unknown commune, with a suggestion": (lambda: to_xlsx([(SHEET, report_grid(names={"03379": "Xã Luân Giơi Mới"}))]),
                                           None, "ingest_unit_unknown"),
    "duplicated commune": (lambda: to_xlsx([(SHEET, report_grid(names={"03208": "Xã Na Son"}))]), None,
                           "ingest_unit_duplicate"),
    "text in a number column": (lambda: to_xlsx([(SHEET, report_grid(value_fn=_with("03208", "teams_security",
                                                                                   "mười hai")))]),
                                None, "ingest_not_number"),
    "negative count": (lambda: to_xlsx([(SHEET, report_grid(value_fn=_with("03208", "teams_security", -3)))]), None,
                       "ingest_negative"),
    "dash for missing": (lambda: to_xlsx([(SHEET, report_grid(total=None, value_fn=_with("03205", "population", "-")))]),
                         None, "ingest_dash_missing"),
    "total row that does not add up": (_total_mismatch, None, "ingest_total_mismatch"),
    "period given differs from the title": (lambda: to_xlsx([(SHEET, report_grid())]), "2018",
                                            "ingest_period_differs"),
    "data on the second sheet": (_second_sheet, None, "ingest_sheet_chosen"),
    "names in a legacy font": (lambda: to_csv(report_grid(names={c: encode_tcvn3(n) for c, n in NAMES.items()})),
                               None, "ingest_legacy_converted"),
    "unsure column": (_unsure, None, "ingest_column_confirm"),
    "no header anywhere": (_no_header, None, "ingest_no_header"),
    "a picture named .xlsx": (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, None, "filecheck_image"),
    "empty CSV": (lambda: b";;;\r\n", None, "filecheck_empty"),
}


def _localized(params: dict, lang: str) -> dict:
    return {k: (v.message(lang) if isinstance(v, AnttError) else v) for k, v in params.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_problem_is_a_catalogue_message_in_both_languages(case):
    build, period, wanted = CASES[case]
    data = build()
    reports = {lang: validate_file(data, boundary_set=SET, period=period, file_name="bao-cao.xlsx", lang=lang)
               for lang in ("vi", "en")}
    catalogue = strings()
    shapes = {}
    for lang, report in reports.items():
        problems = [*report.errors, *report.warnings]
        assert wanted in [p.key for p in problems], [p.message for p in problems]
        for p in problems:
            assert p.key in catalogue, p.message  # an inline text would have no key
            body = t(p.key, lang, **_localized(p.params, lang))
            assert body.casefold() in p.message.casefold(), (p.message, body)
            if p.row is not None:
                assert str(p.row) in p.message  # the place is named
        shapes[lang] = [(p.key, p.sheet, p.row, p.column) for p in problems]
    assert shapes["vi"] == shapes["en"]
    vi = {p.message for p in [*reports["vi"].errors, *reports["vi"].warnings]}
    en = {p.message for p in [*reports["en"].errors, *reports["en"].warnings]}
    assert not vi & en  # each language's own text, not one language for both
