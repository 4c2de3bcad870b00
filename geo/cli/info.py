"""``python -m geo sets``: the registered boundary sets and whether their files are present."""

from __future__ import annotations

import json

from geo.cli.texts import both
from geo.text.i18n import t
from geo.units.boundaries import boundary_dir, boundary_file, list_boundary_sets


def register(sub) -> None:
    p = sub.add_parser("sets", help=both("cli_sets_help"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_sets)


def run_sets(args) -> int:
    rows = []
    for s in list_boundary_sets():
        path = boundary_file(s)
        rows.append({"id": s.id, "default": s.default, "file": s.file, "present": path is not None,
                     "vintage": s.vintage, "source": s.source, "licence": s.licence})
    if args.json:
        print(json.dumps({"boundary_dir": str(boundary_dir()), "sets": rows}, ensure_ascii=False, indent=2))
    else:
        print(both("cli_sets_folder") + f": {boundary_dir()}")
        default = t("cli_sets_default")
        for r in rows:
            mark = "✓" if r["present"] else "✗"
            print(f"{mark} {r['id']}{default if r['default'] else ''}: {r['file']} — {r['vintage']}")
    return 0
