"""Legacy Vietnamese font encodings: TCVN3 (ABC, .VnTime) and VNI-Windows.

Text typed with these fonts is stored as ordinary Latin-1 characters ("§iÖn Biªn §«ng", "Ñieän Bieân Ñoâng");
the font made it look Vietnamese. Excel keeps those characters when the file is opened without the font, so
intake converts them back. The tables below are the public TCVN 5712:1993 (VN3) and VNI-Windows layouts.

- :func:`encode_tcvn3` / :func:`encode_vni` turn Unicode into the legacy text (tests build their corpus so);
- :func:`decode_tcvn3` / :func:`decode_vni` turn legacy text into NFC Unicode;
- :func:`detect_and_decode` decides for one text whether it is legacy, and which, by plausibility.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- TCVN3 (ABC): one byte per letter; upper-case toned letters do not exist (.VnTimeH draws lower case
# codes as capitals), so only the seven upper-case base letters have codes of their own.
_TCVN3_CODES = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}
TCVN3_ENCODE = {u: chr(b) for u, b in _TCVN3_CODES.items()}
TCVN3_DECODE = {chr(b): u for u, b in _TCVN3_CODES.items()}
# A CSV saved as Windows-1252 shows byte 0xAD (ư) as a soft hyphen too; nothing else differs above 0xA0.

# --- VNI-Windows: base letter followed by a mark character (two characters per toned vowel).
_VNI_TONES_LOWER = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_TONES_UPPER = {"\u0301": "Ù", "\u0300": "Ø", "\u0309": "Û", "\u0303": "Õ", "\u0323": "Ï"}
# After â/ê/ô (circumflex) the tone marks are different characters.
_VNI_CIRC_LOWER = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_CIRC_UPPER = {"": "Â", "\u0301": "Á", "\u0300": "À", "\u0309": "Å", "\u0303": "Ã", "\u0323": "Ä"}
# After ă (breve).
_VNI_BREVE_LOWER = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_BREVE_UPPER = {"": "Ê", "\u0301": "É", "\u0300": "È", "\u0309": "Ú", "\u0303": "Ü", "\u0323": "Ë"}
# i and y with some tones are single characters.
_VNI_I = {"í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "Í": "Í", "Ì": "Ì", "Ỉ": "Æ", "Ĩ": "Ó", "Ị": "Ò",
          "ỵ": "î", "Ỵ": "Î"}


def _build_vni() -> dict[str, str]:
    out: dict[str, str] = {"đ": "ñ", "Đ": "Ñ", "ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö"}
    out.update(_VNI_I)
    tones = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
    for upper in (False, True):
        plain = _VNI_TONES_UPPER if upper else _VNI_TONES_LOWER
        circ = _VNI_CIRC_UPPER if upper else _VNI_CIRC_LOWER
        breve = _VNI_BREVE_UPPER if upper else _VNI_BREVE_LOWER
        for base in ("aeiouy".upper() if upper else "aeiouy"):
            for tone in tones[1:]:
                u = unicodedata.normalize("NFC", base + tone)
                out.setdefault(u, base + plain[tone])
        for base in ("AEO" if upper else "aeo"):
            for tone in tones:
                u = unicodedata.normalize("NFC", base + "\u0302" + tone)
                out[u] = base + circ[tone]
        a = "A" if upper else "a"
        for tone in tones:
            out[unicodedata.normalize("NFC", a + "\u0306" + tone)] = a + breve[tone]
        for u_base, legacy in (("O", "Ô" if upper else "ô"), ("U", "Ö" if upper else "ö")):
            b = u_base if upper else u_base.lower()
            for tone in tones[1:]:
                out[unicodedata.normalize("NFC", b + "\u031b" + tone)] = legacy + plain[tone]
    return out


VNI_ENCODE = _build_vni()
VNI_DECODE = {v: k for k, v in VNI_ENCODE.items() if len(v) > 1 or v != k}
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(VNI_DECODE, key=len, reverse=True)))

# --- what "looks like Vietnamese": ASCII plus every precomposed Vietnamese letter.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@lru_cache(maxsize=1)
def _vietnamese_letters() -> frozenset[str]:
    letters = set()
    mods = {"a": ("", "\u0302", "\u0306"), "e": ("", "\u0302"), "o": ("", "\u0302", "\u031b"), "u": ("", "\u031b"),
            "i": ("",), "y": ("",)}
    for base, allowed in mods.items():
        for mod in allowed:
            for tone in ("", *_TONE_MARKS):
                ch = unicodedata.normalize("NFC", base + mod + tone)
                if len(ch) == 1:
                    letters.add(ch)
                    letters.add(ch.upper())
    letters.update("đĐ")
    return frozenset(letters)


def encode_tcvn3(text: str) -> str:
    """Unicode → TCVN3 as seen without the font (upper-case toned letters written in lower case)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[ch])
        elif ch.lower() in TCVN3_ENCODE and ch not in "ĂÂÊÔƠƯĐ":
            out.append(TCVN3_ENCODE[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def decode_tcvn3(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(TCVN3_DECODE.get(ch, ch) for ch in text.replace("\u00ad", "\u00ad")))


def encode_vni(text: str) -> str:
    return "".join(VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def decode_vni(text: str) -> str:
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: VNI_DECODE[m.group(0)], text))


# VNI pairs that never occur in Unicode Vietnamese (o/u/y followed by a VNI mark character).
_VNI_STRONG = re.compile("o[âåäùøûõï]|u[ùøûõï]|y[ùøûõ]", re.IGNORECASE)


def _is_vowel(ch: str) -> bool:
    base = unicodedata.normalize("NFD", ch.lower())[:1]
    return base in "aeiouy"


def implausibility(text: str) -> int:
    """How un-Vietnamese a text looks; 0 = plausible. Counts characters outside ASCII and Vietnamese letters,
    words with more than one tone mark, a capital after a small letter inside a word with a non-ASCII letter
    in it, and vowel pairs Vietnamese does not write (a/e followed by a marked vowel; a marked vowel other
    than ư followed by another; o/u/y followed by a VNI mark letter)."""
    letters = _vietnamese_letters()
    score = 0
    for ch in text:
        if ch.isascii() or ch in letters:
            continue
        if ch.isalpha() or "\u00a1" <= ch <= "\u00bf" or ch == "×":
            score += 1
    for word in text.split():
        if word.isascii():
            continue
        nfd = unicodedata.normalize("NFD", word)
        if sum(1 for c in nfd if c in _TONE_MARKS) > 1:
            score += 1
        score += len(_VNI_STRONG.findall(word))
        for a, b in zip(word, word[1:]):
            if a.isalpha() and b.isalpha() and a.islower() and b.isupper() and not b.isascii():
                score += 1
            if not (_is_vowel(a) and _is_vowel(b)) or b.isascii():
                continue
            if a.lower() == b.lower():
                continue  # ethnic-minority names double vowels: Êê, Pơơ
            if a in "aeAE" or (not a.isascii() and a not in "ưƯ"):
                score += 1
    return score


def detect_and_decode(text: str) -> tuple[str, str | None]:
    """(decoded text, 'tcvn3' | 'vni') when ``text`` reads as legacy-font text, else (text, None).

    A text is converted only when it looks wrong as it is and one decoding makes it plausible Vietnamese.
    """
    if not text or text.isascii():
        return text, None
    before = implausibility(text)
    if before == 0:
        return text, None
    vni = decode_vni(text)
    if vni != text and len(vni) < len(text) and implausibility(vni) == 0:
        return vni, "vni"  # two-character VNI letters collapsed into one: a strong sign
    for name, dec in (("tcvn3", decode_tcvn3(text)), ("vni", vni)):
        if dec != text and implausibility(dec) == 0:
            return dec, name
    return text, None


def candidates(text: str) -> list[tuple[str, str]]:
    """Every legacy reading of ``text`` that differs from it: [(decoded, encoding)], for name matching."""
    out = []
    if text and not text.isascii():
        for name, fn in (("tcvn3", decode_tcvn3), ("vni", decode_vni)):
            dec = fn(text)
            if dec != text:
                out.append((dec, name))
    return out


ENCODING_LABELS = {"tcvn3": "TCVN3 (ABC, .VnTime)", "vni": "VNI-Windows"}
