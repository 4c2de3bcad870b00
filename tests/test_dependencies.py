"""Every package the code imports is declared in pyproject.toml, directly and in the right place.

A fresh virtual environment has only what pyproject.toml declares: an import that works here because the
package was installed by hand, or arrives only through another package's requirements, fails there (it
did: argon2 in geo/auth.py, pypdf in the tests). deptry, configured in pyproject's [tool.deptry], reads the
imports of app.py, pages/, geo/ and tests/.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the test-extra packages product code may import: geo/bench/browser.py, for `python -m geo bench --browser`;
# geo/bench/locust_agent.py, for `python -m geo bench --load`
PRODUCT_MAY_IMPORT_FROM_TEST_EXTRA = ["playwright", "locust", "gevent"]


def _deptry(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("deptry")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "deptry"]
    return subprocess.run(command + [".", "--no-ansi", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_every_import_is_declared_directly():
    done = _deptry()
    assert done.returncode == 0, done.stdout + done.stderr


def test_app_pages_and_geo_import_nothing_that_only_the_test_extra_installs():
    """The tests install the test extra, so a runtime import of pypdf would pass them and fail in production:
    scan the product code alone, where the test extra's packages count as misplaced (DEP004)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["deptry"]
    rules = dict(config["per_rule_ignores"], DEP004=PRODUCT_MAY_IMPORT_FROM_TEST_EXTRA)
    done = _deptry("--extend-exclude", "tests", "--per-rule-ignores",
                   ",".join(f"{rule}={'|'.join(names)}" for rule, names in rules.items()))
    assert done.returncode == 0, done.stdout + done.stderr
