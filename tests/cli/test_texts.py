"""The command line's texts come from data/strings/cli.toml: both languages for help, each key used."""

from __future__ import annotations

import pathlib
import re
import tomllib

import pytest

from geo.cli import build_parser
from geo.cli.texts import both
from geo.text.i18n import t

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("key, params", [("cli_import_done", {"version": 3, "set": "s", "period": "2017", "n": 14}),
                                         ("cli_validate_help", {})])
def test_both_languages_vietnamese_first(key, params):
    vi, en = t(key, "vi", **params), t(key, "en", **params)
    assert vi != en and both(key, **params) == f"{vi} / {en}"


def test_every_cli_text_is_used():
    keys = tomllib.loads((ROOT / "data" / "strings" / "cli.toml").read_text(encoding="utf-8"))
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "geo" / "cli").glob("*.py"))
    built = re.findall(r'f"(cli_\w+?_)\{', code)  # keys made from a name: t(f"cli_problem_{name}")
    unused = [k for k in keys if f'"{k}"' not in code and not any(k.startswith(b) for b in built)]
    assert unused == []


def test_help_is_in_both_languages():
    text = build_parser().format_help() + "".join(
        a.format_help() for a in build_parser()._subparsers._group_actions[0].choices.values())
    assert t("cli_import_help", "vi") in text and t("cli_import_help", "en") in text
