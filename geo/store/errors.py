"""The store's errors (geo.text.errors.AnttError: a catalogue key and its parameters)."""

from __future__ import annotations

from geo.text.errors import AnttError


class StoreError(AnttError):
    """A user-facing problem with the store (a catalogue key and its parameters; see geo.text.errors)."""


class AccessDenied(StoreError):
    """The actor may not change data (role too low, account disabled or unknown); see geo.access.auth."""
