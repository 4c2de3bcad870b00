"""The store's errors (geo.text.errors.AnttError: a catalogue key and its parameters)."""

from __future__ import annotations

from geo.text.errors import AnttError


class StoreError(AnttError):
    """A user-facing problem with the store (a catalogue key and its parameters; see geo.text.errors)."""


class AccessDenied(StoreError):
    """The actor may not change data (role too low, account disabled or unknown); see geo.access.auth."""


class ActorRequired(StoreError, TypeError):
    """A data change given a plain name (or anything else) instead of an Actor (geo.access.auth.Actor): a
    programming error, refused before anything is written."""
