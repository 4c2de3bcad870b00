"""One string catalogue (``data/strings/*.toml``), Vietnamese first with an English switch, and number format.

Each file under data/strings holds ``[key] vi = "..." en = "..."`` tables; keys are unique across files.
Placeholders use ``str.format`` names: ``t("kpi_partial", "vi", have=3, total=14)``.
"""

from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from pathlib import Path

from geo import DATA_DIR

STRINGS_DIR = DATA_DIR / "strings"
LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for path in sorted(Path(STRINGS_DIR).glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for key, val in data.items():
            if key in out:
                raise ValueError(f"string key {key!r} defined twice (again in {path.name})")
            if not isinstance(val, dict) or "vi" not in val or "en" not in val:
                raise ValueError(f"string key {key!r} in {path.name} needs both vi and en")
            out[key] = val
    return out


def t(key: str, lang: str = DEFAULT_LANG, /, **kwargs) -> str:
    """The text for ``key`` in ``lang``; a missing key shows itself (visible, never silent)."""
    entry = strings().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**kwargs) if kwargs else text


def format_number(value, lang: str = DEFAULT_LANG, decimals: int = 0, missing: str = "—") -> str:
    """Vietnamese: 1.234,5 — English: 1,234.5. None/NaN shows ``missing``."""
    if value is None:
        return missing
    try:
        if math.isnan(value):
            return missing
    except TypeError:
        return str(value)
    s = f"{value:,.{decimals}f}"
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def format_value(value, kind: str, lang: str = DEFAULT_LANG, missing: str = "—") -> str:
    """A value formatted for its indicator kind: shares as percentages, ratios with decimals."""
    if kind == "share":
        s = format_number(value, lang, 1, missing)
        return s if s == missing else s + " %"
    if kind in ("ratio", "rate_population"):
        return format_number(value, lang, 2, missing)
    if kind == "amount":
        return format_number(value, lang, 1, missing)
    return format_number(value, lang, 0, missing)
