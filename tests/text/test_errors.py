"""One error base (geo.text.errors.AnttError): a catalogue key and parameters, a message in either language."""

from __future__ import annotations

import ast
import pathlib
import string

import pytest

from geo.access.auth import AuthError, SignInRefused
from geo.access.indicators import IndicatorError
from geo.analysis.classify import ClassifyError
from geo.intake.filecheck import FileRejected
from geo.intake.parents import AreaUnknown
from geo.intake.read import Unreadable
from geo.reference.catalog import CatalogError
from geo.store.database import AccessDenied, StoreError
from geo.text.errors import AnttError, message_of
from geo.text.i18n import strings
from geo.text.periods import PeriodError, normalize_period
from geo.units.boundaries import BoundaryError, get_boundary_set_info
from geo.units.crosswalk import CrosswalkError

ROOT = pathlib.Path(__file__).resolve().parents[2]
# A helper raising the key its caller chose (geo.access.installs.require_signed_in_admin(..., key)).
KEY_ARGUMENTS = {"key"}


def _bases(node: ast.ClassDef) -> set[str]:
    return {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases}


def _error_classes() -> set[str]:
    """AnttError and every class in geo/ derived from it (directly or through another), found in the source, so
    a new error class is checked without being listed here."""
    classes = [n for path in (ROOT / "geo").rglob("*.py") for n in ast.walk(ast.parse(path.read_text("utf-8")))
               if isinstance(n, ast.ClassDef)]
    found = {"AnttError"}
    while True:
        more = {c.name for c in classes if _bases(c) & found} - found
        if not more:
            return found
        found |= more


ERRORS = _error_classes()


def test_the_error_classes_are_found():
    expected = {c.__name__ for c in (AnttError, AuthError, SignInRefused, ClassifyError, AccessDenied, StoreError,
                                     PeriodError, BoundaryError, CrosswalkError, IndicatorError, FileRejected,
                                     Unreadable, AreaUnknown, CatalogError)}
    assert expected <= ERRORS


def _raises(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ERRORS and node.exc.args:
                yield node.lineno, node.exc


def _checked_files():
    return sorted((ROOT / "geo").rglob("*.py"))


@pytest.mark.parametrize("path", list(_checked_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_errors_are_raised_with_a_catalogue_key_and_all_its_parameters(path):
    catalogue = strings()
    problems = []
    for line, call in _raises(path):
        first = call.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            # re-raising another error's key (exc.key, **exc.params) is fine
            if ast.unparse(first).endswith(".key") or ast.unparse(first) in KEY_ARGUMENTS:
                continue
            problems.append(f"{line}: message is not a catalogue key: {ast.unparse(first)[:60]}")
            continue
        key = first.value
        if key not in catalogue:
            problems.append(f"{line}: {key!r} is not in data/strings")
            continue
        given = {k.arg for k in call.keywords}
        if None in given:  # **params
            continue
        for lang in ("vi", "en"):
            wanted = {f for _, f, _, _ in string.Formatter().parse(catalogue[key][lang]) if f}
            if wanted - given:
                problems.append(f"{line}: {key} ({lang}) needs {sorted(wanted - given)}")
    assert problems == []


@pytest.mark.parametrize("make, vi, en", [
    (lambda: BoundaryError("boundary_unknown_set", set_id="x", known="a, b"),
     "Không có bộ ranh giới 'x' (có: a, b)", "Unknown boundary set 'x' (known: a, b)"),
    (lambda: StoreError("store_no_version", version=7), "Không có phiên bản 7", "No version 7"),
    (lambda: SignInRefused("auth_throttled", 4.0, throttled=True, seconds=5),
     "Đăng nhập sai quá nhiều lần; hãy thử lại sau 5 giây.", "Too many failed sign-ins; try again in 5 s."),
    (lambda: FileRejected("filecheck_too_big", file="so-lieu.xlsx", size="12,0", limit="10,0"),
     "Tệp so-lieu.xlsx quá lớn (12,0 MB); giới hạn là 10,0 MB.",
     "The file so-lieu.xlsx is too large (12,0 MB); the limit is 10,0 MB."),
    # a cause passed on as a parameter reads in the language of the message around it
    (lambda: FileRejected("filecheck_b_read", file="xa.geojson", reason=BoundaryError("boundary_no_crs",
                                                                                       label="xa.geojson")),
     "Tệp ranh giới xa.geojson không khai báo hệ tọa độ (CRS)",
     "The boundary file xa.geojson declares no coordinate reference system (CRS)"),
    (lambda: CatalogError("catalog_unknown_kind", iid="a", kind="bogus", known="count, share"),
     "Chỉ số a: loại 'bogus' không hợp lệ (có: count, share)", "a: unknown kind 'bogus' (known: count, share)"),
    (lambda: AreaUnknown("ingest_area_unknown", value="Atlantis", set="dien-bien-dong-pre2025"),
     "Không có tỉnh/huyện 'Atlantis' trong bộ ranh giới dien-bien-dong-pre2025.",
     "No province/district 'Atlantis' in boundary set dien-bien-dong-pre2025."),
    (lambda: AnttError("Một câu chưa có trong danh mục"), "Một câu chưa có trong danh mục",
     "Một câu chưa có trong danh mục"),  # not a key: shown as written, never an empty message
])
def test_messages_in_both_languages(make, vi, en):
    exc = make()
    assert str(exc) == vi
    assert exc.message("vi") == vi
    assert exc.message("en") == en
    assert message_of(exc, "en") == en


def test_errors_raised_by_the_core_carry_their_key():
    with pytest.raises(PeriodError) as info:
        normalize_period("2017-13")
    assert info.value.key == "period_bad_month"
    assert "13" in info.value.message("en")
    with pytest.raises(BoundaryError) as info:
        get_boundary_set_info("khong-co")
    assert info.value.message("en").startswith("Unknown boundary set 'khong-co'")
    assert isinstance(info.value, ValueError)  # callers that catch ValueError still do


def test_refusals_keep_their_code_and_their_old_base():
    exc = FileRejected("filecheck_macro", file="a.xlsm")
    assert exc.code == "macro" and isinstance(exc, ValueError) and "a.xlsm" in exc.message("en")
    assert isinstance(CatalogError("catalog_duplicate_id", iid="a"), ValueError)
    assert isinstance(AreaUnknown("ingest_area_unknown", value="x", set="s"), ValueError)


def test_message_of_a_foreign_exception_is_its_text():
    assert message_of(OSError("disk full"), "en") == "disk full"


def test_every_error_key_is_used():
    errors_toml = ROOT / "data" / "strings" / "errors.toml"
    import tomllib

    keys = set(tomllib.loads(errors_toml.read_text(encoding="utf-8")))
    code = "\n".join(p.read_text(encoding="utf-8") for p in [*(ROOT / "geo").rglob("*.py"), *(ROOT / "pages").glob("*.py")])
    assert sorted(k for k in keys if f'"{k}"' not in code) == []
