"""Headers read by meaning: what a column counts (subject), which of them (qualifiers) and whether it is a
count, a 0/1 flag or a derived share/rate — for a header with its group header and for every catalog
indicator, by the same rules and the vocabulary of ``data/header_terms.toml``.

``match_column(child, group, catalog)`` returns a :class:`ColumnMatch`: the indicator (or None), how it was
matched (the words that decided it), a confidence in [0, 1] and whether a person must confirm it. An indicator
added to the catalog later (or by an admin) is matched with no change here: its meaning comes from its names.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from geo import DATA_DIR
from geo.reference.catalog import Catalog, Indicator
from geo.text.legacy import candidates as legacy_candidates
from geo.text.legacy import detect_and_decode
from geo.text.names import clean_text, strip_diacritics

TERMS_PATH = DATA_DIR / "header_terms.toml"
SURE = 0.75  # below this a match is shown for confirmation, never used silently

_PAREN_RE = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_NON_WORD_RE = re.compile(r"[^0-9a-z%]+")


@dataclass(frozen=True)
class Terms:
    abbreviations: dict[str, str]
    ambiguous: dict[str, tuple[str, ...]]
    phrases: dict[tuple[str, ...], tuple[str, str]]  # words → (category, value); category subject|qualifier|kind
    longest: int
    prefixes: tuple[str, ...]
    labels: dict[str, str]  # folded label → role
    neutral_groups: frozenset[str]
    overrides: dict[str, dict]
    refining: frozenset[str] = frozenset()  # qualifiers a sub-header adds to its group's (recognition grades)


@lru_cache(maxsize=1)
def load_terms() -> Terms:
    with open(TERMS_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    phrases: dict[tuple[str, ...], tuple[str, str]] = {}
    for category, table in (("subject", raw["subjects"]), ("qualifier", raw["qualifiers"]), ("kind", raw["kinds"])):
        for value, words in table.items():
            for w in words:
                phrases.setdefault(tuple(_words(w)), (category, value))
    labels = {_plain(w): role for role, words in raw["labels"].items() for w in words}
    return Terms(
        abbreviations=dict(raw["abbreviations"]),
        ambiguous={k: tuple(v) for k, v in raw.get("ambiguous_abbreviations", {}).items()},
        phrases=phrases, longest=max(len(k) for k in phrases),
        prefixes=tuple(sorted((_plain(p) for p in raw["prefixes"]["words"]), key=len, reverse=True)),
        labels=labels, neutral_groups=frozenset(_plain(g) for g in raw["groups"]["neutral"]),
        overrides=dict(raw.get("overrides", {})),
        refining=frozenset(raw["groups"].get("refining_qualifiers", ())),
    )


def _plain(text: str) -> str:
    """Folded: NFC, no diacritics, lower case, every non-letter a single space (keeps '%')."""
    s = strip_diacritics(clean_text(text)).lower()
    return _NON_WORD_RE.sub(" ", s).strip()


def _words(text: str) -> list[str]:
    return _plain(text).split()


@dataclass(frozen=True)
class Meaning:
    subject: str | None
    qualifiers: frozenset[str]  # specific qualifiers (never "total")
    total: bool  # an explicit total word ('Tổng số', 'total')
    kind: str | None  # share | ratio | flag | None
    words: tuple[str, ...] = ()  # the phrases that decided it, as found
    ambiguous: bool = False  # an ambiguous abbreviation was read one way

    @property
    def derived(self) -> bool:
        return self.kind in ("share", "ratio")


def split_header(text: str) -> tuple[str, str]:
    """(body without parentheses, text inside parentheses), both folded."""
    s = clean_text(text)
    inside = " ".join(a or b for a, b in _PAREN_RE.findall(s))
    body = _PAREN_RE.sub(" ", s)
    return _plain(body), _plain(inside)


def _expansions(tokens: list[str], terms: Terms) -> list[tuple[list[str], bool]]:
    """Token lists with abbreviations expanded; an ambiguous abbreviation gives one list per reading."""
    outs: list[tuple[list[str], bool]] = [([], False)]
    for tok in tokens:
        if tok in terms.ambiguous:
            outs = [(o + r.split(), True) for o, _ in outs for r in terms.ambiguous[tok]]
        else:
            rep = terms.abbreviations.get(tok, tok).split()
            outs = [(o + rep, amb) for o, amb in outs]
    return outs


def _scan(tokens: list[str], terms: Terms) -> list[tuple[str, str, str]]:
    """(category, value, words) of every known phrase, left to right, longest first, non-overlapping."""
    found = []
    i = 0
    while i < len(tokens):
        for n in range(min(terms.longest, len(tokens) - i), 0, -1):
            hit = terms.phrases.get(tuple(tokens[i:i + n]))
            if hit:
                found.append((hit[0], hit[1], " ".join(tokens[i:i + n])))
                i += n
                break
        else:
            i += 1
    return found


def read_meanings(text: str) -> list[Meaning]:
    """Every reading of a header (one, or one per reading of an ambiguous abbreviation)."""
    terms = load_terms()
    body, inside = split_header(text)
    raw = clean_text(text)
    out = []
    for tokens, amb in _expansions(body.split(), terms):
        found = _scan(tokens, terms)
        subject = next((v for c, v, _ in found if c == "subject"), None)
        quals = {v for c, v, _ in found if c == "qualifier"}
        kinds = [v for c, v, _ in found if c == "kind"]
        kinds += [v for c, v, _ in _scan(inside.split(), terms) if c == "kind"]
        if "%" in raw:
            kinds.append("share")
        kind = next((k for k in ("share", "ratio", "flag") if k in kinds), None)
        words = tuple(w for _c, _v, w in found)
        out.append(Meaning(subject, frozenset(quals - {"total"}), "total" in quals, kind, words, amb))
    return out


def read_meaning(text: str) -> Meaning:
    return read_meanings(text)[0]


def as_written(text: str) -> str:
    """A header as written, compared with names: folded, parentheses and 'Số'/'Tổng số' prefixes dropped,
    abbreviations expanded."""
    terms = load_terms()
    body, _ = split_header(text)
    for p in terms.prefixes:
        if body.startswith(p + " ") and len(body) > len(p) + 1:
            body = body[len(p) + 1:]
            break
    tokens = _expansions(body.split(), terms)[0][0]
    return " ".join(tokens)


def label_role(text: str) -> str | None:
    """name | code | province | district | stt | note for a non-indicator column header, else None."""
    terms = load_terms()
    body, _ = split_header(text)
    return terms.labels.get(body) or terms.labels.get(_plain(text))


# ---------------------------------------------------------------------------------------------------------
# Indicators


@dataclass(frozen=True)
class IndicatorMeaning:
    id: str
    subject: str | None
    qualifiers: frozenset[str]
    derived: bool
    names: frozenset[str]  # names, short name and aliases as written (see as_written)


def _names_of(ind: Indicator) -> list[str]:
    return [n for n in (ind.vi, ind.en, ind.short_vi, *getattr(ind, "aliases", ())) if n]


def indicator_meaning(ind: Indicator) -> IndicatorMeaning:
    """What an indicator counts, derived from its own names (and an override in header_terms.toml)."""
    terms = load_terms()
    names = _names_of(ind)
    meanings = [read_meaning(n) for n in names]
    subject = next((m.subject for m in meanings if m.subject), None)
    quals: frozenset[str] = frozenset()
    for m in meanings[:2]:  # the Vietnamese and English names say which ones
        quals |= m.qualifiers
    over = terms.overrides.get(ind.id, {})
    subject = over.get("subject", subject)
    if "qualifiers" in over:
        quals = frozenset(over["qualifiers"])
    return IndicatorMeaning(ind.id, subject, quals, ind.derived, frozenset(as_written(n) for n in names))


@lru_cache(maxsize=8)
def catalog_meanings(catalog: Catalog) -> tuple[IndicatorMeaning, ...]:
    return tuple(indicator_meaning(ind) for ind in catalog)


# ---------------------------------------------------------------------------------------------------------
# Columns


@dataclass
class ColumnMatch:
    role: str  # indicator | derived | unsure | label role (name, code, province, district, stt, note) | ignored
    indicator: str | None = None
    confidence: float = 0.0
    how: str = ""  # key of data/strings/columns.toml, with its parameters in ``how_args``
    how_args: dict = field(default_factory=dict)
    candidates: tuple[str, ...] = ()


def _combine(child: Meaning, group: Meaning | None) -> tuple[Meaning, bool, bool]:
    """The child read with its group: (meaning, subject from group, qualifiers from group)."""
    if group is None:
        return child, False, False
    subject = child.subject or group.subject
    if child.qualifiers and child.qualifiers <= load_terms().refining:
        quals = child.qualifiers | group.qualifiers  # "Được công nhận" / "Xuất sắc": recognized, excellent
    elif child.qualifiers:
        quals = child.qualifiers
    elif child.total:
        quals = frozenset()
    else:
        quals = group.qualifiers
    kind = child.kind or group.kind
    m = Meaning(subject, quals, child.total or (group.total and not quals), kind,
                child.words + group.words, child.ambiguous or group.ambiguous)
    return m, child.subject is None and group.subject is not None, not child.qualifiers and bool(quals)


def _candidates(m: Meaning, meanings: tuple[IndicatorMeaning, ...]) -> tuple[list[IndicatorMeaning], bool]:
    """Indicators of the same subject and kind with the same qualifiers; else (those it could be, True)."""
    pool = [im for im in meanings if im.subject == m.subject and im.derived == m.derived]
    exact = [im for im in pool if im.qualifiers == m.qualifiers]
    if exact:
        return exact, False
    loose = [im for im in pool if m.qualifiers < im.qualifiers]  # the header says less, never something else
    return loose, True


def match_column(child: str, group: str | None, catalog: Catalog) -> ColumnMatch:
    """What a column is, from its header and its group header (either may be empty)."""
    terms = load_terms()
    child, group = detect_and_decode(clean_text(child))[0], detect_and_decode(clean_text(group or ""))[0]
    if group and label_role(group) and not label_role(child):
        return ColumnMatch(label_role(group), confidence=1.0, how="col_how_label")  # under a label header
    if group and (_plain(group) in terms.neutral_groups or label_role(group)):
        group = ""
    if not child and group:
        child, group = group, ""
    if not child:
        return ColumnMatch("empty")
    role = label_role(child)
    group_readings = read_meanings(group) if group else [None]
    if role and (not group or not (group_readings[0].qualifiers or group_readings[0].subject)):
        return ColumnMatch(role, confidence=1.0, how="col_how_label")
    meanings = catalog_meanings(catalog)
    exact = _by_name(child, group, meanings)
    if exact is not None:
        return exact
    results = []
    for cm in read_meanings(child):
        for gm in group_readings:
            results.append(_match_meaning(child, group, cm, gm, meanings, catalog))
    found = {r.indicator for r in results if r.indicator}
    if len(results) > 1 and len(found) > 1:  # an ambiguous abbreviation read two ways
        return ColumnMatch("unsure", sorted(found)[0], 0.4, "col_how_ambiguous",
                           {"candidates": ", ".join(sorted(found))}, tuple(sorted(found)))
    best = max(results, key=lambda r: r.confidence)
    if best.role == "ignored":
        # Legacy fonts (TCVN3/VNI) in a header: read it decoded.
        for dec, _enc in legacy_candidates(child):
            alt = match_column(dec, group, catalog)
            if alt.role != "ignored":
                return alt
    return best


def _by_name(child: str, group: str, meanings: tuple[IndicatorMeaning, ...]) -> ColumnMatch | None:
    """The one indicator whose own name, short name or alias the header is, as written (template headers, an
    admin's aliases); None when no name or more than one fits."""
    # Under a group header only the two read together count: "Bản, TDP" is villages_total's short name alone,
    # but under "Ký cam kết" it means the signed ones.
    terms = load_terms()
    if any(w in terms.ambiguous for w in _words(f"{group} {child}")):
        return None  # "TDP": tổ dân phố or tổ dân phòng, the meaning decides (and asks)
    written = {as_written(f"{group} {child}")} if group else {as_written(child)}
    hits = [im for im in meanings if written & im.names]
    if len(hits) != 1:
        return None
    hit = hits[0]
    return ColumnMatch("derived" if hit.derived else "indicator", hit.id, 1.0, "col_how_name",
                       {"words": as_written(child), "group": group})


def _match_meaning(child: str, group: str, cm: Meaning, gm: Meaning | None,
                   meanings: tuple[IndicatorMeaning, ...], catalog: Catalog) -> ColumnMatch:
    m, subj_from_group, qual_from_group = _combine(cm, gm)
    words = ", ".join(dict.fromkeys(m.words)) or child
    if m.subject is None:
        if m.derived:
            return ColumnMatch("derived", None, 0.9, "col_how_derived_unknown", {"words": words})
        return ColumnMatch("ignored", None, 0.0, "col_how_unknown", {})
    cands, loose = _candidates(m, meanings)
    if m.derived and len(cands) != 1:  # derived, never imported: no need to be sure which one
        return ColumnMatch("derived", None, 0.9, "col_how_derived_unknown", {"words": words})
    if not cands:
        return ColumnMatch("ignored", None, 0.0, "col_how_no_indicator", {"words": words})
    only = [im for im in meanings if im.subject == m.subject and not im.derived]
    if loose and len(cands) == 1 and len(only) == 1 and m.qualifiers <= cands[0].qualifiers:
        # The only indicator of its subject, and the header says nothing against it ('Vũ khí' = recovered).
        return ColumnMatch("indicator", cands[0].id, 0.8, "col_how_only", {"words": words})
    if len(cands) > 1 or loose:
        ids = tuple(sorted(c.id for c in cands))
        return ColumnMatch("unsure", ids[0], 0.4 if len(ids) > 1 else 0.5, "col_how_partial",
                           {"words": words, "candidates": ", ".join(ids)}, ids)
    hit = cands[0]
    if m.derived:
        return ColumnMatch("derived", hit.id, 0.9, "col_how_derived", {"words": words, "indicator": hit.id})
    written = as_written(child)
    if not group and written in hit.names:
        conf, how = 1.0, "col_how_name"
    elif group and as_written(f"{group} {child}") in hit.names:
        conf, how = 1.0, "col_how_name"
    elif qual_from_group or subj_from_group:
        conf, how = 0.9, "col_how_group"
    elif m.qualifiers or m.total:
        conf, how = 0.9, "col_how_meaning"
    else:
        conf, how = 0.8, "col_how_meaning_total"
    role = "derived" if hit.derived else "indicator"
    return ColumnMatch(role, hit.id, conf, how, {"words": words, "group": group})


def match_header(text: str, catalog: Catalog, group: str | None = None) -> str | None:
    """The indicator a header surely names (None when unknown, derived or unsure)."""
    cm = match_column(text, group, catalog)
    return cm.indicator if cm.role == "indicator" and cm.confidence >= SURE else None
