"""README's two Quick start commands (issue 23) are the ones CI runs, and each installs what is missing.

``./antt run`` and ``./antt test`` call .ci/install when .venv, its install stamp or a Debian package is
missing, then run the app or pytest in .venv; .ci/run makes a new .venv with .ci/install and runs the tests
with ``./antt test`` exactly as README writes it; the browser tests start the app with the run command's
executable (tests/e2e/conftest.py: ``streamlit`` beside the test's Python)."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _quick_start() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| `([^`]+)` \|$", section, re.M)
    return {what.split(" (")[0]: command for what, command in rows}


def test_readme_gives_two_commands_run_and_test():
    assert _quick_start() == {
        "run the app on the built-in default data": "./antt run",
        "run the tests": "./antt test",
    }


def test_ci_runs_readme_test_command_as_written():
    lines = {line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()}
    assert _quick_start()["run the tests"] + " || status=$?" in lines  # its exit code is read: 5 (no test) fails
    assert "rm -rf .venv" in lines and "bash .ci/install" in lines  # a new environment in every run


def test_the_commands_install_what_is_missing_then_use_the_venv():
    antt = (ROOT / "antt").read_text(encoding="utf-8")
    assert os.access(ROOT / "antt", os.X_OK)
    assert "installed || bash .ci/install" in antt
    assert "exec .venv/bin/streamlit run app.py" in antt and "exec .venv/bin/python -m pytest" in antt
    install = (ROOT / ".ci" / "install").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in install
    assert '.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"' in install


@pytest.mark.parametrize("args, code, says", [
    ([], 2, "usage: ./antt run"),
    (["serve"], 2, "usage: ./antt run"),
])
def test_antt_refuses_an_unknown_command(args, code, says):
    done = subprocess.run([str(ROOT / "antt"), *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == code and says in done.stderr


def test_antt_test_reuses_the_install(tmp_path):
    """With .venv installed (as in this run), ``./antt test`` installs nothing and runs pytest with the
    options given."""
    if not (ROOT / ".venv" / "bin" / "python").is_file():
        pytest.skip("no .venv in the project")
    import hashlib

    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    if not (ROOT / ".venv" / f".antt-installed-{digest}").is_file():
        pytest.skip(".venv holds no install of this pyproject.toml (stamp): ./antt would install first")
    test = tmp_path / "test_one.py"
    test.write_text("def test_one():\n    assert True\n")
    done = subprocess.run([str(ROOT / "antt"), "test", "-q", "-p", "no:cacheprovider", str(test)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "== pip" not in done.stdout and "1 passed" in done.stdout
