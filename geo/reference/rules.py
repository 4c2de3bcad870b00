"""Validation rules between indicators: ``data/rules.toml`` beside the catalog, as data admins edit.

Each rule is DHIS2's shape: a left side, an operator, a right side, a missing-value strategy, plus a severity
(``error``: the file is refused; ``warning``: the value is flagged and needs a person's word) and a message in
Vietnamese and English that names both cells. A side is one indicator id, several joined by `` + `` (their sum),
or a number. :func:`check_rule_entries` refuses a rule naming an indicator the catalog does not have, naming the
rule and the id; both :func:`load_rules` and :func:`save_rules` call it, so a bad rule never gets in.

:meth:`Rule.evaluate` returns None when the rule holds or is skipped, else the two sides' values. The checks that
run the rules over a file or a form are in :mod:`geo.intake.quality`.
"""

from __future__ import annotations

import json
import operator as op
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from geo import DATA_DIR
from geo.reference.catalog import Catalog, load_catalog
from geo.text.errors import AnttError

RULES_PATH = DATA_DIR / "rules.toml"


def edited_rules_path() -> Path:
    """Where an admin's edit is written: ``ANTT_RULES_FILE``, else ``rules.toml`` in the data folder
    (``ANTT_DATA_DIR``), kept like the store: a redeploy of the checkout never takes an edit back."""
    from geo.config import setting

    explicit = setting("ANTT_RULES_FILE")
    return Path(explicit) if explicit else Path(setting("ANTT_DATA_DIR")) / "rules.toml"


def rules_path() -> Path:
    """The rules in force: ``ANTT_RULES_FILE``; else the admins' edited copy in the data folder, once there is
    one; else the shipped data/rules.toml."""
    from geo.config import setting

    edited = edited_rules_path()
    return edited if setting("ANTT_RULES_FILE") or edited.is_file() else RULES_PATH

OPERATORS = {"<=": op.le, ">=": op.ge, "==": op.eq, "<": op.lt, ">": op.gt,
             "zero_implies_zero": lambda a, b: (a != 0) | (b == 0)}
SEVERITIES = ("error", "warning")
MISSING = ("skip_if_any_missing", "skip_if_all_missing", "never_skip")
FIELDS = ("id", "left", "operator", "right", "severity", "missing", "message_vi", "message_en")


class RuleError(AnttError, ValueError):
    """A rule that cannot be used: ``RuleError("rules_unknown_indicator", rule=..., iid=...)``."""


def parse_side(text) -> tuple[str, ...] | float:
    """'a + b' → ('a', 'b'); '3' or 3 → 3.0."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip()
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return tuple(p.strip() for p in s.split("+") if p.strip())


@dataclass(frozen=True)
class Rule:
    id: str
    left: tuple[str, ...] | float
    operator: str
    right: tuple[str, ...] | float
    severity: str
    missing: str
    message_vi: str
    message_en: str

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(i for side in (self.left, self.right) if isinstance(side, tuple) for i in side)

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" and self.message_en else self.message_vi

    def side_value(self, side, values: Mapping[str, float | None]) -> tuple[float, int, int]:
        """(sum with missing as 0, number missing, number of values)."""
        if isinstance(side, float):
            return side, 0, 0
        got = [values.get(i) for i in side]
        return float(sum(v for v in got if v is not None)), sum(v is None for v in got), len(got)

    def evaluate(self, values: Mapping[str, float | None]) -> tuple[float, float] | None:
        """None when the rule holds or its missing-value strategy skips it; else (left, right)."""
        a, miss_a, n_a = self.side_value(self.left, values)
        b, miss_b, n_b = self.side_value(self.right, values)
        missing, total = miss_a + miss_b, n_a + n_b
        if self.missing == "skip_if_any_missing" and missing:
            return None
        if self.missing == "skip_if_all_missing" and missing == total:
            return None
        return None if OPERATORS[self.operator](a, b) else (a, b)

    def to_entry(self) -> dict:
        def side(s):
            return s if isinstance(s, float) else " + ".join(s)

        return {"id": self.id, "left": side(self.left), "operator": self.operator, "right": side(self.right),
                "severity": self.severity, "missing": self.missing, "message_vi": self.message_vi,
                "message_en": self.message_en}


def check_rule_entries(entries: Iterable[Mapping], catalog: Catalog | None = None) -> list[Rule]:
    """Rules from their entries, or :class:`RuleError` naming the first bad rule and what is wrong with it."""
    catalog = catalog or load_catalog()
    out: list[Rule] = []
    seen: set[str] = set()
    for raw in entries:
        rid = str(raw.get("id") or "").strip()
        if not rid:
            raise RuleError("rules_no_id", raw=dict(raw))
        if rid in seen:
            raise RuleError("rules_duplicate_id", rule=rid)
        seen.add(rid)
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            raise RuleError("rules_unknown_field", rule=rid, field=", ".join(unknown))
        opname = str(raw.get("operator", ""))
        if opname not in OPERATORS:
            raise RuleError("rules_bad_operator", rule=rid, value=opname, known=", ".join(OPERATORS))
        severity = str(raw.get("severity", "warning"))
        if severity not in SEVERITIES:
            raise RuleError("rules_bad_severity", rule=rid, value=severity, known=", ".join(SEVERITIES))
        missing = str(raw.get("missing", MISSING[0]))
        if missing not in MISSING:
            raise RuleError("rules_bad_missing", rule=rid, value=missing, known=", ".join(MISSING))
        if not str(raw.get("message_vi") or "").strip() or not str(raw.get("message_en") or "").strip():
            raise RuleError("rules_no_message", rule=rid)
        left, right = parse_side(raw.get("left", "")), parse_side(raw.get("right", ""))
        for side in (left, right):
            if side == ():
                raise RuleError("rules_empty_side", rule=rid)
            for iid in side if isinstance(side, tuple) else ():
                if iid not in catalog:
                    raise RuleError("rules_unknown_indicator", rule=rid, iid=iid)
        out.append(Rule(rid, left, opname, right, severity, missing, str(raw["message_vi"]),
                        str(raw["message_en"])))
    return out


def load_rules(path: Path | str | None = None, catalog: Catalog | None = None) -> list[Rule]:
    """The rules of ``path`` (default: :func:`rules_path`), checked against the catalog; [] when there is no file."""
    path = Path(path or rules_path())
    if not path.is_file():
        return []
    with open(path, "rb") as fh:
        try:
            data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise RuleError("rules_bad_file", path=str(path), exc=str(exc)) from None
    return check_rule_entries(data.get("rule", []), catalog)


def _toml_value(v) -> str:
    return repr(v) if isinstance(v, float) else json.dumps(str(v), ensure_ascii=False)


def _leading_comments(path: Path) -> list[str]:
    """The comment block at the top of the rules file (what the fields mean), kept when the rules are saved."""
    if not path.is_file():
        return []
    head = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or (not line.strip() and head):
            head.append(line)
        else:
            break
    while head and not head[-1].strip():
        head.pop()
    return head + [""] if head else []


def save_rules(entries: Iterable[Mapping], path: Path | str | None = None, catalog: Catalog | None = None) -> None:
    """Check every rule (:func:`check_rule_entries`), then write them all; a refused rule writes nothing."""
    import os

    rules = check_rule_entries(list(entries), catalog)
    path = Path(path or edited_rules_path())
    lines = (_leading_comments(path) or _leading_comments(RULES_PATH)
             or ["# Validation rules (see geo.reference.rules); written by save_rules.", ""])
    for r in rules:
        lines.append("[[rule]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in r.to_entry().items()]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".toml.{os.getpid()}.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)
