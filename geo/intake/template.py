"""Data-entry template: the boundary set's units (code, name), one column per base indicator, a period cell.

The .xlsx has whole-number data validation, a frozen header and an instructions sheet in Vietnamese; the
CSV (UTF-8 with BOM so Excel opens it with the right letters) has the same period line and header. Filling
either and validating it with ``geo.intake.ingest.validate_file`` gives back exactly the values typed in.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geo.reference.catalog import load_catalog
from geo.text.i18n import t
from geo.text.names import vi_sorted

HEADER_ROW = 4  # Excel row of the column headers in the .xlsx template
LABELS = ("period", "set", "code", "name")  # template_label_* in data/strings/template.toml


def labels(lang: str = "vi") -> dict[str, str]:
    """The template's cell labels (period, boundary set, unit code, unit name) in ``lang``."""
    return {k: t(f"template_label_{k}", lang) for k in LABELS}


def help_lines(lang: str = "vi") -> list[str]:
    """The instructions sheet, one cell per line (the indicators are listed after these)."""
    return t("template_help", lang).split("\n")


def _units(boundary_set: str) -> list[dict]:
    from geo.units.resolver import load_units

    idx = load_units(boundary_set)
    ordered = sorted(idx.names.items(), key=lambda kv: kv[0])
    return [{"unit_code": code, "unit_name": name, "values": {}} for code, name in ordered]


def template_indicators(period: str | None = None, catalog=None) -> list:
    """The template's indicator columns: the base indicators valid in ``period`` and reported in its type
    (catalog order); without a period, every base indicator not retired."""
    catalog = catalog or load_catalog()
    if period:
        return catalog.valid_in(period).reported_in(period).base()
    return [i for i in catalog.base() if not i.retired]


def header_text(ind, lang: str = "vi") -> str:
    return f"{ind.name(lang)} ({ind.unit(lang)})"


def build_template(boundary_set: str, path_or_buffer, *, period: str | None = None, lang: str = "vi") -> None:
    """Write the .xlsx template for ``boundary_set`` (all its units, empty values)."""
    build_template_rows(_units(boundary_set), path_or_buffer, boundary_set=boundary_set, period=period, lang=lang)


def build_template_csv(boundary_set: str, path_or_buffer, *, period: str | None = None, lang: str = "vi") -> None:
    """Write the CSV template (UTF-8 with BOM, comma separated; first line is the period)."""
    build_template_rows(_units(boundary_set), path_or_buffer, boundary_set=boundary_set, period=period,
                        lang=lang, fmt="csv")


def build_template_rows(rows: list[dict], path_or_buffer, *, boundary_set: str, period: str | None = None,
                        lang: str = "vi", fmt: str | None = None) -> None:
    """Write rows in the intake shape (``{unit_code, unit_name, values}``) in the template layout.

    ``fmt`` is 'xlsx' or 'csv'; by default from the path's extension (xlsx for buffers).
    """
    if fmt is None:
        fmt = "csv" if isinstance(path_or_buffer, (str, Path)) and str(path_or_buffer).lower().endswith(".csv") \
            else "xlsx"
    if fmt == "csv":
        _write_csv(rows, path_or_buffer, boundary_set, period, lang)
    else:
        _write_xlsx(rows, path_or_buffer, boundary_set, period, lang)


def _write_csv(rows, path_or_buffer, boundary_set, period, lang) -> None:
    base = template_indicators(period)
    label = labels(lang)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([label["period"], period or ""])
    w.writerow([label["code"], label["name"], *[header_text(i, lang) for i in base]])
    for r in rows:
        vals = r.get("values", {})
        w.writerow([r["unit_code"], r["unit_name"],
                    *["" if vals.get(i.id) is None else vals[i.id] for i in base]])
    data = ("\ufeff" + out.getvalue()).encode("utf-8")
    if hasattr(path_or_buffer, "write"):
        path_or_buffer.write(data)
    else:
        Path(path_or_buffer).write_bytes(data)


def _write_xlsx(rows, path_or_buffer, boundary_set, period, lang) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from geo.units.boundaries import get_boundary_set_info

    label = labels(lang)
    base = template_indicators(period)
    wb = Workbook()
    ws = wb.active
    ws.title = t("template_sheet_data", lang)
    bold = Font(bold=True)
    ws["A1"], ws["A1"].font = label["period"], bold
    ws["B1"] = period or ""
    ws["B1"].number_format = "@"
    ws["B1"].fill = PatternFill("solid", fgColor="FFF2CC")
    ws["A2"], ws["A2"].font = label["set"], bold
    try:
        ws["B2"] = f"{boundary_set} — {get_boundary_set_info(boundary_set).title(lang)}"
    except Exception:
        ws["B2"] = boundary_set
    header = [label["code"], label["name"], *[header_text(i, lang) for i in base]]
    for c, text in enumerate(header, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    first = HEADER_ROW + 1
    for k, r in enumerate(rows):
        row_no = first + k
        code_cell = ws.cell(row=row_no, column=1, value=str(r["unit_code"]))
        code_cell.number_format = "@"
        ws.cell(row=row_no, column=2, value=r["unit_name"])
        vals = r.get("values", {})
        for c, ind in enumerate(base, start=3):
            v = vals.get(ind.id)
            if v is not None:
                ws.cell(row=row_no, column=c, value=v)
    last = max(first, first + len(rows) - 1)
    for c, ind in enumerate(base, start=3):
        letter = get_column_letter(c)
        if ind.kind == "flag":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=True)
        elif ind.kind == "amount":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        else:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = t("template_need_number" if ind.kind == "amount" else "template_need_whole", lang)
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first}:{letter}{last + 200}")
        ws.column_dimensions[letter].width = 14
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 28
    ws.row_dimensions[HEADER_ROW].height = 60
    ws.freeze_panes = ws.cell(row=first, column=3)

    help_ws = wb.create_sheet(t("template_sheet_help", lang))
    lines = help_lines(lang)
    for i, text in enumerate(lines, start=1):
        help_ws.cell(row=i, column=1, value=text)
    help_ws["A1"].font = bold
    r = len(lines) + 1
    for ind in base:
        # One cell per line ("name — unit: description") so the header finder never takes it for a header.
        basis = f" [{ind.legal_basis}]" if ind.legal_basis else ""
        help_ws.cell(row=r, column=1, value=t("template_indicator_line", lang, name=ind.name(lang),
                                              unit=ind.unit(lang), description=ind.description(lang), basis=basis))
        r += 1
    help_ws.column_dimensions["A"].width = 120
    wb.save(path_or_buffer)


def template_bytes(boundary_set: str, *, period: str | None = None, lang: str = "vi", fmt: str = "xlsx") -> bytes:
    """The template as bytes (for a download button)."""
    buf = io.BytesIO()
    if fmt == "csv":
        build_template_csv(boundary_set, buf, period=period, lang=lang)
    else:
        build_template(boundary_set, buf, period=period, lang=lang)
    return buf.getvalue()


del vi_sorted  # names are listed in code order, as the GSO list is
