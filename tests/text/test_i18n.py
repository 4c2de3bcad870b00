import re
import string

import pytest

from geo.text.i18n import format_number, format_value, strings, t


@pytest.mark.parametrize("value, lang, decimals, expected", [
    (1234.5, "vi", 1, "1.234,5"),
    (1234.5, "en", 1, "1,234.5"),
    (1234567, "vi", 0, "1.234.567"),
    (0, "vi", 0, "0"),
    (None, "vi", 0, "—"),
    (float("nan"), "en", 2, "—"),
])
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


@pytest.mark.parametrize("value, kind, lang, expected", [
    (75.16, "share", "vi", "75,2 %"),
    (4.142, "rate_population", "vi", "4,14"),
    (233, "count", "vi", "233"),
    (12.25, "amount", "en", "12.2"),
])
def test_format_value(value, kind, lang, expected):
    assert format_value(value, kind, lang) == expected


def test_every_string_has_both_languages_with_the_same_placeholders():
    fmt = string.Formatter()
    for key, entry in strings().items():
        vi = {f for _, f, _, _ in fmt.parse(entry["vi"]) if f}
        en = {f for _, f, _, _ in fmt.parse(entry["en"]) if f}
        assert vi == en, key
        assert entry["vi"].strip() and entry["en"].strip(), key


def test_missing_key_shows_itself():
    assert t("no_such_key_here") == "no_such_key_here"


def test_every_key_used_in_the_code_exists():
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2]
    used = set()
    for path in list((root / "pages").glob("*.py")) + [root / "app.py"] + list((root / "geo").rglob("*.py")):
        used |= set(re.findall(r"\btr?\(\s*\"([a-z0-9_]+)\"", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in strings())
    assert not missing
