"""Admins edit the cross-indicator validation rules like indicators (issue 21): add, change or remove one rule
of the rules file (geo.reference.rules: ``ANTT_RULES_FILE``, else an edited copy in the data folder, so a
redeploy never takes an edit back), checked by :func:`geo.reference.rules.save_rules`
(a rule naming an indicator the catalog does not have is refused, naming it, and nothing is written), admins
only (checked here, where the rules are written, not in the page), each change audited as ``rules_edit``
with the rule before and after.

The admin page's "Quy tắc kiểm tra" tab and ``python -m geo rules`` call these; the checks read the file
again on every upload and entry form, so a change holds from the next check on. An edit reads, changes and
writes the file holding its lock (geo.units.geocache.exclusive), so two admins saving at once, in one process
or two, both keep their change.
"""

from __future__ import annotations

from pathlib import Path

from geo.access.auth import _require_admin
from geo.reference.rules import FIELDS, RuleError, edited_rules_path, load_rules, rules_path, save_rules
from geo.units.geocache import exclusive
from geo.store.database import Store


def rule_entries(path: Path | str | None = None) -> list[dict]:
    """The rules as entries (the file's keys), in file order."""
    return [r.to_entry() for r in load_rules(path)]


def _entry(raw: dict) -> dict:
    """Only the rule's fields, texts trimmed; an empty optional field falls back to the file's default."""
    out = {}
    for key in FIELDS:
        value = raw.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, ""):
            out[key] = value
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise RuleError("rules_unknown_field", rule=out.get("id", "?"), field=", ".join(unknown))
    return out


def save_rule(store: Store, raw: dict, *, by, replaces: str | None = None,
              path: Path | str | None = None) -> dict:
    """Add a rule (``replaces`` None: its id must be new) or change the rule ``replaces`` (its id may change).
    Returns the rule as saved; RuleError (nothing written) when any rule is refused."""
    who = _require_admin(store, by)
    target = Path(path or edited_rules_path())
    with exclusive(target):
        entries = rule_entries(path or rules_path())
        new = _entry(raw)
        ids = [e["id"] for e in entries]
        if replaces is None:
            if new.get("id") in ids:
                raise RuleError("rules_duplicate_id", rule=new["id"])
            before, entries = None, [*entries, new]
        else:
            if replaces not in ids:
                raise RuleError("rules_unknown_rule", rule=replaces)
            k = ids.index(replaces)
            before, entries = entries[k], [*entries[:k], new, *entries[k + 1:]]
        save_rules(entries, target)
        saved = next(e for e in rule_entries(target) if e["id"] == new["id"])
    store.audit("rules_edit", who, {"change": "add" if before is None else "edit", "rule": saved["id"],
                                    "before": before, "after": saved, "file": str(target)})
    return saved


def remove_rule(store: Store, rule_id: str, *, by, path: Path | str | None = None) -> None:
    who = _require_admin(store, by)
    target = Path(path or edited_rules_path())
    with exclusive(target):
        entries = rule_entries(path or rules_path())
        gone = [e for e in entries if e["id"] == rule_id]
        if not gone:
            raise RuleError("rules_unknown_rule", rule=rule_id)
        save_rules([e for e in entries if e["id"] != rule_id], target)
    store.audit("rules_edit", who, {"change": "remove", "rule": rule_id, "before": gone[0], "after": None,
                                    "file": str(target)})
