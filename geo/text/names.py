"""Vietnamese text: NFC, case and diacritic folding, unit-type prefixes, sorting, fuzzy suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Iterable, Sequence

# Unit-type prefixes, longest first, compared on folded text (no diacritics, lower case).
_PREFIXES = (
    "thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "huyen", "tinh", "xa", "tt.", "tt", "tp.", "tp",
    "tx.", "tx", "p.", "x.", "q.", "quan",
)
_PREFIX_RE = re.compile(r"^(?:" + "|".join(re.escape(p) for p in _PREFIXES) + r")(?:\s+|(?<=\.))")
_SPACE_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[\"'`’‘“”()\[\]{},;:!?_\-–—/\\]+")

# Letters whose base changes in Vietnamese order (đ is its own letter, after d).
_VI_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_VI_RANK = {ch: i for i, ch in enumerate(_VI_ALPHABET)}
# Tone marks in the traditional order: none, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_text(text: object) -> str:
    """NFC, non-breaking and repeated spaces collapsed, stripped. ``None`` becomes ''."""
    if text is None:
        return ""
    s = nfc(str(text)).replace("\u00a0", " ").replace("\u200b", "")
    return _SPACE_RE.sub(" ", s).strip()


def strip_diacritics(text: str) -> str:
    """Remove every diacritic; đ/Đ become d/D."""
    s = unicodedata.normalize("NFD", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D")


def fold(text: object) -> str:
    """Key for comparing names: NFC, lower case, no diacritics, no punctuation, single spaces."""
    s = strip_diacritics(clean_text(text)).lower()
    s = _PUNCT_RE.sub(" ", s)
    return _SPACE_RE.sub(" ", s).strip()


def strip_prefix(text: str) -> str:
    """Remove a leading unit-type prefix (Xã, Thị trấn, TT, Phường, P., ...) from a clean name."""
    s = clean_text(text)
    folded = strip_diacritics(s).lower()
    m = _PREFIX_RE.match(folded)
    if not m:
        return s
    rest = s[m.end():].strip()
    return rest or s


def name_key(text: object) -> str:
    """Matching key for a unit name: prefix removed, folded. 'Xã Pú Nhi' and 'PU NHI' give 'pu nhi'."""
    s = clean_text(text)
    # Fold first so that prefixes written with dots or capitals are recognised the same way.
    folded = strip_diacritics(s).lower().strip()
    folded = _SPACE_RE.sub(" ", folded)
    m = _PREFIX_RE.match(folded)
    if m and folded[m.end():].strip():
        folded = folded[m.end():]
    return fold(folded)


def normalize_code(code: object, width: int = 5) -> str | None:
    """Official codes as zero-padded strings: 3205, '3205', 3205.0 and '03205' give '03205'."""
    if code is None:
        return None
    if isinstance(code, float):
        if code != code or not code.is_integer():
            return None
        code = int(code)
    s = clean_text(code)
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    if not s.isdigit():
        return None
    if len(s) > width:
        return s
    return s.zfill(width)


def name_keys(text: object) -> tuple[str, ...]:
    """Every matching key of a name: without its prefix first, then as written (folded).

    'Xa Dung' is both a commune name and 'Xã Dung' without diacritics, so matching compares both keys:
    'Xã Xa Dung' ~ 'Xa Dung' because ('xa dung',) meets ('dung', 'xa dung').
    """
    keys = [name_key(text), fold(text)]
    return tuple(dict.fromkeys(k for k in keys if k))


def vi_sort_key(text: object) -> tuple:
    """Sort key that knows Vietnamese letters: a < ă < â < b ... d < đ; tones break ties."""
    s = unicodedata.normalize("NFD", clean_text(text).lower())
    letters: list[int] = []
    tones: list[int] = []
    i = 0
    while i < len(s):
        ch = s[i]
        i += 1
        tone = 0
        marks = ""
        while i < len(s) and unicodedata.category(s[i]) == "Mn":
            if s[i] in _TONES:
                tone = _TONES[s[i]]
            elif s[i] in _LETTER_MARKS:
                marks += s[i]
            i += 1
        base = unicodedata.normalize("NFC", ch + marks)
        if base in _VI_RANK:
            letters.append(_VI_RANK[base])
        elif ch == " ":
            letters.append(-1)
        else:
            letters.append(1000 + ord(base[0]))
        tones.append(tone)
    return (tuple(letters), tuple(tones))


def vi_sorted(items: Iterable, key=lambda x: x) -> list:
    return sorted(items, key=lambda x: vi_sort_key(key(x)))


def suggest(name: str, candidates: Sequence[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Closest candidate names for an unknown one (suggestions only; never auto-accepted)."""
    key = name_key(name)
    keyed = {}
    for c in candidates:
        keyed.setdefault(name_key(c), c)
    hits = difflib.get_close_matches(key, list(keyed), n=n, cutoff=cutoff)
    return [keyed[h] for h in hits]
