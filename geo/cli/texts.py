"""Texts of the command line from the string catalogue (data/strings/cli.toml): :func:`both` gives 'vi / en',
for help (argparse builds it before any --lang is read) and for commands that print both languages."""

from __future__ import annotations

from geo.text.i18n import t


def both(key: str, **params) -> str:
    """The catalogue text in Vietnamese, then English: 'vi / en' (one text when they are the same)."""
    vi, en = t(key, "vi", **params), t(key, "en", **params)
    return vi if vi == en else f"{vi} / {en}"
