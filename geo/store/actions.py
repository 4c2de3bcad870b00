"""Every action the audit log records, in one registry (issue 23): the store refuses to write any other
(:meth:`geo.store.database.Store.audit`), and the admin page's filter offers exactly these."""

from __future__ import annotations

AUDIT_ACTIONS = (
    # data versions (geo.store.database)
    "import", "rollback", "sample",
    # sign-in and sessions (geo.access.auth, the app's sign-in gate)
    "signin", "signin_failed", "signin_throttled", "signout", "signout_idle", "signout_disabled",
    "session_start", "session_revoke",
    # accounts (geo.access.auth)
    "user_add", "user_role", "user_disable", "user_enable", "user_password", "user_scope",
    # the reporting chain (geo.store.reporting: "unit_" + the step)
    "unit_approve", "unit_return", "unit_reopen",
    # the entry form (geo.store.drafts, geo.analysis.entry): a draft saved, a submission the store refused
    "entry_draft", "entry_refused",
    # the follow-up of flagged values (geo.store.flags)
    "flag_checked",
    # the quality checks' settings: per-unit min–max ranges (geo.store.ranges), the cross-indicator rules
    # (geo.access.rules)
    "range_set", "range_removed", "rules_edit",
    # indicator definitions (geo.access.indicators)
    "indicator_add", "indicator_edit", "indicator_retire",
    # files and settings staff give the app (geo.access.installs, geo.intake.mappings)
    "boundary_upload", "crosswalk_upload", "column_mapping",
    # files taken out of the app (the map page's downloads)
    "export",
    # API tokens and their use (geo.access.tokens)
    "api_token_add", "api_token_revoke", "api_token_use", "api_token_failed", "api_token_throttled",
)


def check_action(action: str) -> str:
    """``action`` when it is registered; ValueError otherwise (a typo would hide rows from the audit filter)."""
    if str(action) not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to geo.store.actions.AUDIT_ACTIONS")
    return str(action)
