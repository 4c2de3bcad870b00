"""The administration page's "Quy tắc kiểm tra" tab: the cross-indicator rules listed, one added, changed or
removed. The page only reads widgets and shows the outcome: geo.access.rules checks the admin and every rule
(save_rules: an unknown indicator is refused, named) and audits each change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.access.rules import remove_rule, rule_entries, save_rule
from geo.reference.rules import MISSING, OPERATORS, SEVERITIES
from geo.text.errors import AnttError
from pages.shared.state import lang, tr

NEW = "__new__"


def _run(fn, done) -> None:
    try:
        fn()
    except AnttError as exc:  # RuleError, AccessDenied: the reason in the page's language
        st.error(exc.message(lang()))
    else:
        done()


def _pick(where, label: str, options, current, key: str):
    options = list(options)
    return where.selectbox(label, options, index=options.index(current) if current in options else 0, key=key)


def render_rules_tab(store, actor, done) -> None:
    """``done()``: what the page does after a change is saved (its own notice, a rerun)."""
    entries = rule_entries()
    st.caption(tr("admin_rules_help"))
    if entries:
        st.table(pd.DataFrame([{tr("admin_rules_col_id"): e["id"],
                                tr("admin_rules_col_rule"): f"{e['left']} {e['operator']} {e['right']}",
                                tr("admin_rules_col_severity"): e["severity"],
                                tr("admin_rules_col_missing"): e["missing"]} for e in entries]).set_index(
            tr("admin_rules_col_id")))
    by_id = {e["id"]: e for e in entries}
    chosen = st.selectbox(tr("admin_rules_choose"), [NEW, *by_id], key="admin_rules_choose",
                          format_func=lambda r: tr("admin_rules_new") if r == NEW else r)
    cur = by_id.get(chosen, {"operator": "<=", "severity": "warning", "missing": MISSING[0]})
    k = f"admin_rules_{chosen}_"  # fresh widgets per rule, filled with its values
    with st.form(f"admin_rules_form_{chosen}"):
        c1, c2 = st.columns(2)
        rule_id = c1.text_input(tr("admin_rules_id"), cur.get("id", ""), key=k + "id")
        severity = _pick(c2, tr("admin_rules_severity"), SEVERITIES, cur["severity"], k + "severity")
        left_col, op_col, right_col = st.columns([3, 2, 3])
        left = left_col.text_input(tr("admin_rules_left"), str(cur.get("left", "")), key=k + "left")
        operator = _pick(op_col, tr("admin_rules_operator"), OPERATORS, cur["operator"], k + "operator")
        right = right_col.text_input(tr("admin_rules_right"), str(cur.get("right", "")), key=k + "right")
        entry = {
            "id": rule_id, "left": left, "operator": operator, "right": right, "severity": severity,
            "missing": _pick(st, tr("admin_rules_missing"), MISSING, cur["missing"], k + "missing"),
            "message_vi": st.text_input(tr("admin_rules_message_vi"), cur.get("message_vi", ""), key=k + "message_vi"),
            "message_en": st.text_input(tr("admin_rules_message_en"), cur.get("message_en", ""), key=k + "message_en"),
        }
        if st.form_submit_button(tr("admin_rules_save")):
            _run(lambda: save_rule(store, entry, by=actor, replaces=None if chosen == NEW else chosen), done)
    if chosen != NEW and st.button(tr("admin_rules_remove"), key="admin_rules_remove"):
        _run(lambda: remove_rule(store, chosen, by=actor), done)
