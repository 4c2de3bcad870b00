"""README's three Quick start commands are the ones CI runs, in the environment the install makes.

.ci/run calls the install and test commands exactly as README writes them; the browser tests start the app
with the run command's executable (tests/e2e/conftest.py: ``streamlit`` beside the test's Python)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| `([^`]+)` \|$", section, re.M)
    return {what.split(" (")[0]: command for what, command in rows}


def test_readme_gives_one_command_each_for_install_run_and_tests():
    assert _quick_start() == {
        "install": "bash .ci/install",
        "run the app on the built-in default data": ".venv/bin/streamlit run app.py",
        "run the tests": ".venv/bin/python -m pytest",
    }


def test_ci_runs_readme_install_and_test_commands_as_written():
    lines = {line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()}
    commands = _quick_start()
    assert commands["install"] in lines
    assert commands["run the tests"] + " || status=$?" in lines  # its exit code is read: 5 (no test) fails too
    assert "rm -rf .venv" in lines  # a new environment in every run, not one left from before


def test_the_install_makes_the_venv_the_run_and_test_commands_use():
    install = (ROOT / ".ci" / "install").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in install
    assert '.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"' in install
    commands = _quick_start()
    assert commands["run the app on the built-in default data"].split()[0] == ".venv/bin/streamlit"
    assert commands["run the tests"].split()[0] == ".venv/bin/python"
