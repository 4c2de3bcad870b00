"""geo.config: every ANTT_* setting in one module, with its default and its documentation."""

from __future__ import annotations

import ast
import pathlib

import pytest

from geo import PROJECT_DIR, config

ROOT = pathlib.Path(__file__).resolve().parents[1]
CODE = sorted([*(ROOT / "geo").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])
MARKERS = {"ANTT_CRASH_POINT"}  # printed by the crash hook, not a setting


def _env_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of every os.environ / os.getenv read of an ANTT_* name, literal or module constant."""
    consts = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
              and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
              for t in n.targets if isinstance(t, ast.Name)}

    def name_of(arg):
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
        if isinstance(arg, ast.Name):
            return consts.get(arg.id, "")
        return ""

    found = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Call) and node.args:
            f = node.func
            text = ast.unparse(f)
            if text in ("os.environ.get", "os.getenv", "environ.get", "getenv"):
                target = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
            target = node.slice
        if target is not None and name_of(target).startswith("ANTT_"):
            found.append((node.lineno, name_of(target)))
    return found


@pytest.mark.parametrize("path", [p for p in CODE if p.name != "config.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_settings_are_read_only_through_geo_config(path):
    assert _env_reads(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_every_antt_name_in_the_code_is_a_declared_setting():
    names = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("ANTT_") \
                    and node.value.replace("_", "").isalnum() and node.value.isupper():
                names.add(node.value)
    assert names - MARKERS - set(config.SETTINGS) == set()


def test_readme_documents_every_public_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in config.SETTINGS.values() if s.public and f"`{s.name}`" not in readme]
    assert missing == []


@pytest.mark.parametrize("name, raw, expected", [
    ("ANTT_MAX_UPLOAD_MB", "", 10.0),            # unset → default
    ("ANTT_MAX_UPLOAD_MB", "25", 25.0),
    ("ANTT_MAX_UPLOAD_MB", "0", 10.0),           # not positive → default
    ("ANTT_MAX_UPLOAD_MB", "mười", 10.0),        # not a number → default
    ("ANTT_SESSION_IDLE_MINUTES", "-5", 30.0),
    ("ANTT_SESSION_IDLE_MINUTES", " 7.5 ", 7.5),
    ("ANTT_SMALL_COUNT_THRESHOLD", "3", 3),
    ("ANTT_SMALL_COUNT_THRESHOLD", "-1", 0),     # negative → off
    ("ANTT_SMALL_COUNT_THRESHOLD", "x", 5),
    ("ANTT_VIEW_MODE", "SIGNIN", "signin"),
    ("ANTT_VIEW_MODE", "", "open"),
    ("ANTT_DATABASE_URL", "   ", None),
    ("ANTT_BOUNDARY_DIR", "", PROJECT_DIR.parent / "shared" / "geodata"),
    ("ANTT_DATA_DIR", "~/antt", pathlib.Path("~/antt").expanduser()),
])
def test_setting_values(name, raw, expected):
    assert config.setting(name, {name: raw}) == expected


def test_an_unknown_setting_fails_loudly():
    with pytest.raises(KeyError):
        config.setting("ANTT_NO_SUCH_THING")


@pytest.mark.parametrize("source, reads", [
    ('import os\nos.environ.get("ANTT_X")\n', 1),
    ('import os\nNAME = "ANTT_X"\nos.environ.get(NAME, "")\n', 1),
    ('import os\nos.getenv("ANTT_X")\n', 1),
    ('import os\nos.environ["ANTT_X"]\n', 1),
    ('import os\nos.environ.get("HOME")\n', 0),
])
def test_the_env_read_check_catches_reads(source, reads):
    assert len(_env_reads(ast.parse(source))) == reads
