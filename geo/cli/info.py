"""``python -m geo sets``: the registered boundary sets and whether their files are present."""

from __future__ import annotations

import json

from geo.units.boundaries import boundary_dir, boundary_file, list_boundary_sets


def register(sub) -> None:
    p = sub.add_parser("sets", help="list boundary sets / danh sách bộ ranh giới")
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
        print(f"Thư mục ranh giới / boundary folder: {boundary_dir()}")
        for r in rows:
            mark = "✓" if r["present"] else "✗"
            print(f"{mark} {r['id']}{' (mặc định)' if r['default'] else ''}: {r['file']} — {r['vintage']}")
    return 0
