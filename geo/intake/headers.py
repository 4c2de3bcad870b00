"""Headers read by meaning: what a column counts (subject), which of them (qualifiers) and whether it is a
count, a 0/1 flag or a derived share/rate — for a header with its group header and for every catalog
indicator, by the same rules and the vocabulary of ``data/header_terms.toml``.

``match_column(child, group, catalog)`` returns a :class:`ColumnMatch`: the indicator (or None), the named
rule that decided it (:data:`RULES`), the words that decided it and, when no rule is certain, the candidates a
person chooses from. No scores: a reading is certain by a named rule, or it waits for a person. ``group`` holds
the header levels above the column (top first, joined by :data:`GROUP_SEP`). Indicators added later are matched
with no change here: their meaning comes from their names."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from geo import DATA_DIR
from geo.reference.catalog import Catalog, Indicator
from geo.text.legacy import candidates as legacy_candidates
from geo.text.legacy import detect_and_decode
from geo.text.names import clean_text, strip_diacritics

TERMS_PATH = DATA_DIR / "header_terms.toml"
GROUP_SEP = " › "  # between the header levels above a column, top first

# The named rules a column is read by (each has its explanation ``col_how_<rule>`` in data/strings/intake.toml).
CERTAIN_RULES = ("id", "name", "meaning", "group", "only", "hand")  # an indicator, used with no confirmation
RULES = CERTAIN_RULES + ("label", "derived", "derived_unknown", "partial", "ambiguous", "no_subject",
                         "no_indicator", "unknown", "hand_ignored")

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
    unit_words: frozenset[str] = frozenset()  # words of a unit-name/-code header after 'Tên' / 'Mã'
    implied: frozenset[str] = frozenset()  # qualifiers the only indicator of a subject may leave unsaid


@lru_cache(maxsize=1)
def load_terms() -> Terms:
    with open(TERMS_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    phrases: dict[tuple[str, ...], tuple[str, str]] = {}
    tables = (("subject", raw["subjects"]), ("qualifier", raw["qualifiers"]), ("kind", raw["kinds"]),
              ("filler", {"filler": raw["fillers"]["words"]}))
    for category, table in tables:
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
        unit_words=frozenset(w for p in raw["unit_columns"]["words"] for w in _words(p)),
        implied=frozenset(raw["groups"].get("implied_qualifiers", ())),
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
        words = tuple(w for c, _v, w in found if c != "filler")
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


@dataclass(frozen=True)
class IndicatorMeaning:
    id: str
    subject: str | None
    qualifiers: frozenset[str]
    derived: bool
    names: frozenset[str]  # names, short name and aliases as written (see as_written), with and without unit


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
    written = {as_written(n) for n in names}
    units = {u for u in (_plain(ind.unit_vi or ""), _plain(ind.unit_en or "")) if u}
    written |= {f"{w} {u}" for w in written for u in units}  # 'Tổ ANND - tổ', 'Population, people'
    return IndicatorMeaning(ind.id, subject, quals, ind.derived, frozenset(written))


@lru_cache(maxsize=8)
def catalog_meanings(catalog: Catalog) -> tuple[IndicatorMeaning, ...]:
    return tuple(indicator_meaning(ind) for ind in catalog)


@dataclass(frozen=True)
class ColumnMatch:
    role: str  # indicator | derived | unsure | label role (name, code, province, district, stt, note) | ignored
    indicator: str | None = None
    rule: str = ""  # one of RULES: why the column is read this way (explained by col_how_<rule>)
    how_args: tuple[tuple[str, str], ...] = ()
    candidates: tuple[str, ...] = ()

    @property
    def certain(self) -> bool:
        return self.role in ("indicator", "derived") and self.rule in CERTAIN_RULES + ("derived", "derived_unknown")

    how = property(lambda self: f"col_how_{self.rule}" if self.rule else "")


def _m(role: str, indicator: str | None, rule: str, ids=(), /, **args) -> ColumnMatch:
    return ColumnMatch(role, indicator, rule, tuple(sorted((k, str(v)) for k, v in args.items())), tuple(ids))


def label_role(text: str) -> str | None:
    """name | code | province | district | stt | note for a non-indicator column header, else None: a label of
    data/header_terms.toml, or 'Tên' / 'Mã' / '… name' / '… code' with only words of units ('Tên xã, phường')."""
    terms = load_terms()
    body, _ = split_header(text)
    found = terms.labels.get(body) or terms.labels.get(_plain(text))
    if found:
        return found
    words = body.split()
    if len(words) > 1 and words[0] == "ten":
        return "name"  # 'Tên …' is always a name ('Tên thôn, bản' names villages: never their count)
    for role, heads, tails in (("name", ("dia ban", "don vi", "cong an", "ca"), ("name", "names")),
                               ("code", ("ma",), ("code", "codes", "id"))):
        head = next((h for h in heads if body.startswith(h + " ")), None)
        rest = body[len(head):].split() if head else words[:-1] if words[-1:] and words[-1] in tails else None
        if rest and all(w in terms.unit_words for w in rest):
            return role
    return None


def _id_rule(text: str, meanings: tuple[IndicatorMeaning, ...]) -> str | None:
    """The indicator whose id the header is ('teams_security', 'Teams Security', 'teams-security')."""
    key = "_".join(_NON_WORD_RE.sub(" ", clean_text(text).lower()).split())
    return next((im.id for im in meanings if im.id == key), None)


@lru_cache(maxsize=8192)
def match_column(child: str, group: str | None, catalog: Catalog) -> ColumnMatch:
    """What a column is, from its header and the levels above it (``group``, top first, joined by GROUP_SEP).
    Rules in order: indicator id; unit/label column; own name as written; meaning with the groups'; candidates."""
    child = detect_and_decode(clean_text(child))[0]
    levels = [g for g in (detect_and_decode(clean_text(x))[0] for x in (group or "").split(GROUP_SEP.strip()))
              if g and _plain(g) != _plain(child)]
    meanings = catalog_meanings(catalog)
    if child:
        hit = _id_rule(child, meanings)
        if hit:
            return _m("derived" if catalog[hit].derived else "indicator", hit, "id", words=child)
    terms = load_terms()
    above = next((label_role(g) for g in reversed(levels) if label_role(g)), None)
    if above and not label_role(child):
        return _m(above, None, "label")  # under a label header ('Đơn vị' › 'Tên' | 'Mã')
    levels = [g for g in levels if _plain(g) not in terms.neutral_groups and not label_role(g)  # 'Chia ra':
              and any(m.subject or m.qualifiers or m.total or m.kind for m in read_meanings(g))]  # says nothing
    if not child and levels:
        child, levels = levels[-1], levels[:-1]
    if not child:
        return ColumnMatch("empty")
    group_text = " ".join(levels)
    group_readings = _group_readings(tuple(levels))
    role = label_role(child)
    if role and not any(g.qualifiers or g.subject for g in group_readings if g is not None):
        return _m(role, None, "label")
    exact = _by_name(child, group_text, meanings)
    if exact is not None:
        return exact
    results = [_match_meaning(child, group_text, cm, gm, meanings) for cm in read_meanings(child)
               for gm in group_readings]
    found = sorted({r.indicator for r in results if r.indicator})
    if len(results) > 1 and len(found) > 1:  # an ambiguous abbreviation read two ways
        return _m("unsure", found[0], "ambiguous", found, candidates=", ".join(found))
    order = ("indicator", "derived", "unsure", "ignored")
    best = min(results, key=lambda r: order.index(r.role) if r.role in order else 0)
    if best.role == "ignored":
        for dec, _enc in legacy_candidates(child):  # legacy fonts (TCVN3/VNI) in a header: read it decoded
            alt = match_column(dec, group, catalog)
            if alt.role != "ignored":
                return alt
    return best


def _group_readings(levels: tuple[str, ...]) -> list[Meaning | None]:
    """The meaning of the header levels above a column, read top down (each level with the ones above)."""
    if not levels:
        return [None]
    readings: list[Meaning | None] = [None]
    for text in levels:
        readings = [_combine(m, g)[0] if g is not None else m for m in read_meanings(text) for g in readings]
    return readings


def _combine(child: Meaning, group: Meaning | None) -> tuple[Meaning, bool, bool]:
    """The child read with its group: (meaning, subject from group, qualifiers from group)."""
    if group is None or not (group.subject or group.qualifiers or group.total or group.kind):
        return child, False, False
    terms = load_terms()
    if child.kind == "ratio" and child.words == ("trung binh",) and group.qualifiers & {"recognized", *terms.refining}:
        child = Meaning(None, frozenset({"average_grade"}), False, None, ("trung binh",))  # a grade, not an average
    subject = child.subject or group.subject
    if child.qualifiers and child.qualifiers <= terms.refining:  # a grade under its whole ("Xuất sắc")
        quals = child.qualifiers | (group.qualifiers - terms.refining)  # the sub-header's grade replaces the group's
    elif child.qualifiers:
        quals = child.qualifiers
    elif child.total and child.subject is not None:
        quals = frozenset()  # "Tổng số bản" under "Ký cam kết": all villages
    else:
        quals = group.qualifiers  # "Tổng số" under "Thôn, bản được công nhận": the recognized ones
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


def _by_name(child: str, group: str, meanings: tuple[IndicatorMeaning, ...]) -> ColumnMatch | None:
    """The one indicator whose own name, short name or alias the header is, as written, in any case, with or
    without diacritics and the unit (template headers, exports, an admin's aliases); None when no name or more
    than one fits."""
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
    return _m("derived" if hit.derived else "indicator", hit.id, "name", words=as_written(child), group=group)


def _no_subject(m: Meaning, words: str, meanings: tuple[IndicatorMeaning, ...]) -> ColumnMatch:
    """Qualifiers with no subject ('Đăng ký' | 'Được công nhận' under 'Đạt chuẩn An toàn về ANTT'): every
    indicator they could qualify is a candidate; a person chooses (numbers are never dropped by a guess)."""
    if not m.qualifiers:
        return _m("ignored", None, "unknown")
    ids = sorted(im.id for im in meanings if not im.derived and m.qualifiers <= im.qualifiers)
    if not ids:
        return _m("ignored", None, "no_indicator", words=words)
    return _m("unsure", ids[0], "no_subject", ids, words=words, candidates=", ".join(ids))


def _match_meaning(child: str, group: str, cm: Meaning, gm: Meaning | None,
                   meanings: tuple[IndicatorMeaning, ...]) -> ColumnMatch:
    m, subj_from_group, qual_from_group = _combine(cm, gm)
    words = ", ".join(dict.fromkeys(m.words)) or child
    if m.subject is None:
        if m.derived:
            return _m("derived", None, "derived_unknown", words=words)
        return _no_subject(m, words, meanings)
    cands, loose = _candidates(m, meanings)
    if m.derived and len(cands) != 1:  # derived, never imported: no need to be sure which one
        return _m("derived", None, "derived_unknown", words=words)
    if not cands:
        return _m("ignored", None, "no_indicator", words=words)
    only = [im for im in meanings if im.subject == m.subject and not im.derived]
    if loose and len(cands) == 1 and len(only) == 1 and cands[0].qualifiers - m.qualifiers <= load_terms().implied:
        # The only indicator of its subject, and what is unsaid goes without saying ('Vũ khí' = recovered).
        return _m("indicator", cands[0].id, "only", words=words)
    if len(cands) > 1 or loose:
        ids = sorted(c.id for c in cands)
        return _m("unsure", ids[0], "partial", ids, words=words, candidates=", ".join(ids))
    hit = cands[0]
    if m.derived:
        return _m("derived", hit.id, "derived", words=words, indicator=hit.id)
    rule = "group" if (qual_from_group or subj_from_group) else "meaning"
    return _m("indicator", hit.id, rule, words=words, group=group)


def match_header(text: str, catalog: Catalog, group: str | None = None) -> str | None:
    """The indicator a header surely names (None when unknown, derived or unsure)."""
    cm = match_column(text, group, catalog)
    return cm.indicator if cm.role == "indicator" and cm.certain else None
