"""Every user-visible text lives in the one string catalogue (data/strings/*.toml, read through geo.text.i18n):
a string constant with Vietnamese letters written in geo/, app.py or pages/ (docstrings aside) is a message in the wrong place.

Allowed, each listed: vocabulary the code matches against or decodes with (header and total words, period
spellings, legacy-font tables), which is data, not a message; and the texts not moved yet, listed one by one in
inline_strings_known.txt (module, a tab, the text as a JSON string) so that none is added. A text moved to the catalogue is taken off that
list (the test says which entries are stale).
"""

from __future__ import annotations

import ast
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KNOWN_FILE = pathlib.Path(__file__).with_name("inline_strings_known.txt")

VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)

# Modules whose constants are character tables (legacy fonts, the Vietnamese alphabet): a constant without a
# space there is characters or a character pattern, not text. A sentence (it has spaces) is still found.
CHARACTER_TABLES = {"geo/text/legacy.py", "geo/text/names.py"}

# Vocabulary: words the code recognises in what staff write, not messages it shows.
VOCABULARY = {
    # total rows: 'Tổng cộng', 'Toàn huyện'... as written, before folding (geo.intake.table.is_total_label)
    "geo/intake/table.py": {"tổng cộng", "cộng", "tổng", "tổng số", "toàn huyện", "toàn tỉnh", "toàn quốc",
                            "toàn thị xã"},
    # unit-name prefixes shortened on static map labels, and đ folded in ASCII file names
    "geo/outputs/exports.py": {"Thị trấn ", "Xã ", "Đ", "đ"},
    "geo/outputs/staticmap.py": {"Thị trấn ", "Xã "},  # the same code, where the outputs rework moves it
    "geo/outputs/provenance.py": {"Đ", "đ"},
    # period spellings read from a cell ('Quý 2/2017', 'tháng 6/2017')
    "geo/text/periods.py": {r"^(?:quý|quy|q)\s*([1-4])\s*[/\-. ]\s*(?:năm\s*)?(\d{4})$",
                            r"^(?:tháng|thang)?\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$",
                            # and the words around half-years and evaluation years ('6 tháng đầu năm 2025',
                            # 'Năm đánh giá 2025 (từ ngày 01/11/2024 đến ngày 31/10/2025)')
                            "(?:năm|nam)", "(?:tháng|thang|t)", "(?:đầu|dau)", "(?:cuối|cuoi)",
                            r"(?:đánh\s*giá|danh\s*gia|đg|dg)", "(?:từ|tu)", "(?:đến|den)", "(?:ngày|ngay)"},
}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def inline_texts(source: str, rel: str) -> list[tuple[int, str]]:
    """(line, text) of the string constants in ``source`` that read as Vietnamese text and are not allowed."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
            continue
        text = node.value
        if not VIETNAMESE.search(text) or text in VOCABULARY.get(rel, ()):
            continue
        if rel in CHARACTER_TABLES and not re.search(r"\s", text):
            continue
        found.append((node.lineno, text))
    return found


def _known() -> set[tuple[str, str]]:
    out = set()
    for line in KNOWN_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rel, _, text = line.partition("\t")
            out.add((rel, json.loads(text)))
    return out


def _modules():
    """geo/, and the app side too (issue 23): app.py and everything under pages/."""
    return sorted((ROOT / "geo").rglob("*.py")) + [ROOT / "app.py"] + sorted((ROOT / "pages").rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_new_inline_vietnamese_text(path):
    rel = str(path.relative_to(ROOT))
    known = {text for r, text in _known() if r == rel}
    new = [f"{rel}:{line}: {text!r}" for line, text in inline_texts(path.read_text(encoding="utf-8"), rel)
           if text not in known]
    assert new == [], "put these texts in data/strings/*.toml and show them with geo.text.i18n.t (or list " \
                      "vocabulary in VOCABULARY)"


def test_the_known_list_has_no_stale_entries():
    present = {(str(p.relative_to(ROOT)), text) for p in _modules()
               for _line, text in inline_texts(p.read_text(encoding="utf-8"), str(p.relative_to(ROOT)))}
    assert sorted(_known() - present) == []  # moved: take them off inline_strings_known.txt


@pytest.mark.parametrize("source, found", [
    ('def f():\n    raise ValueError("Không đọc được tệp")\n', ["Không đọc được tệp"]),
    ('MSG = {"vi": "Tệp rỗng", "en": "Empty file"}\n', ["Tệp rỗng"]),
    ('def f(n):\n    return f"Đã nhập {n} đơn vị"\n', ["Đã nhập ", " đơn vị"]),
    ('def f():\n    """Đọc tệp: a docstring is documentation, not a message."""\n', []),
    ('X = "cong"  # folded, no Vietnamese letter\n', []),
    ('WORDS = ("tổng cộng", "toàn huyện")\n', []),  # vocabulary of geo/intake/table.py
])
def test_the_scan_finds_a_planted_sentence(source, found):
    rel = "geo/intake/table.py"
    assert [text for _line, text in inline_texts(source, rel)] == found


@pytest.mark.parametrize("rel, source, found", [
    # what pages/common.py and pages/preview.py held before issue 23, planted where they were
    ("pages/shared/widgets.py", 'st.radio("Ngôn ngữ / Language", ["vi", "en"])\n', ["Ngôn ngữ / Language"]),
    ("pages/preview.py", 'Indicator(id="x", vi="Số giá trị thay đổi", en="Values that change")\n',
     ["Số giá trị thay đổi"]),
    ("app.py", 'st.set_page_config(page_title="Bản đồ ANTT")\n', ["Bản đồ ANTT"]),
    ("app.py", 'st.set_page_config(page_title=tr("app_title"))\n', []),
])
def test_the_scan_finds_a_planted_sentence_on_the_app_side(rel, source, found):
    assert rel in {str(p.relative_to(ROOT)) for p in _modules()}
    assert [text for _line, text in inline_texts(source, rel)] == found


def test_character_tables_still_catch_a_sentence():
    assert inline_texts('A = "ă"\nB = "Không có bảng mã"\n', "geo/text/legacy.py") == [(2, "Không có bảng mã")]
