"""Command line: ``python -m geo <command> ...``. Each module in MODULES registers its subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys

MODULES = [
    "geo.cli.intake_validate",
    "geo.cli.store_commands",
    "geo.cli.info",
    "geo.cli.bench_command",
    "geo.cli.export_commands",
    "geo.cli.users_commands",
    "geo.cli.indicators_commands",
    "geo.cli.tokens_commands",
    "geo.cli.report_commands",
    "geo.cli.quality_commands",
    "geo.cli.checks_commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="ANTT map — command line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _use_stored_definitions() -> None:
    """Every command sees the admins' indicators (template, validate, import, export): the catalog reads the
    default store's definitions, opened (read only) when the catalog is first read."""
    from geo.access.indicators import install_definitions_lazily

    install_definitions_lazily()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    _use_stored_definitions()
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # e.g. piped into head
        return 0
    except KeyboardInterrupt:
        from geo.cli.texts import both

        print(both("cli_interrupted"), file=sys.stderr)
        return 130
