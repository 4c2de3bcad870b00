"""geo.cli.report_commands (issue 20): approve / return / reopen and completeness as written in the issue, from a
fresh data folder, acting as an account with --user."""

from __future__ import annotations

import io
import json

from geo.access.auth import Actor, authorized_store

SET, P = "dien-bien-dong-2025", "2030-Q1"  # ends after today: submitted on time


def test_approve_return_reopen_and_completeness(tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "ops")
    for name, scope in (("tinh", "Điện Biên"), ("xa", "03203")):
        monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
        assert main(["users", "add", name, "--role", "editor", "--scope", scope]) == 0
    s = authorized_store()
    s.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 3}}],
                  boundary_set=SET, period=P, user=Actor.cli("xa"))
    s.dispose()
    step = ["--boundaries", SET, "--period", P, "--unit", "03203"]
    assert main(["approve", *step, "--user", "tinh"]) == 2  # no --yes
    assert main(["approve", *step, "--yes", "--user", "xa"]) == 1  # a commune account does not approve
    assert "cấp tỉnh" in capsys.readouterr().err
    assert main(["approve", *step, "--yes", "--user", "tinh"]) == 0
    capsys.readouterr()
    assert main(["completeness", "--boundaries", SET, "--period", P, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["expected"], out["reported"], out["on_time"], out["approved"]) == (6, 1, 1, 1)
    unit = next(u for u in out["units"] if u["unit_code"] == "03203")
    assert {k: unit[k] for k in ("unit_code", "province", "state", "submitted_by", "submitted_level")} == {
        "unit_code": "03203", "province": "Điện Biên", "state": "approved", "submitted_by": "xa",
        "submitted_level": "commune"}  # xa's own account: a commune's report
    assert main(["completeness", "--boundaries", SET, "--period", P]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("03203"))
    assert line.split("\t")[5:7] == ["xa", "commune"]
    assert set(unit) >= {"unit_code", "unit_name", "province", "state", "submitted_at", "submitted_by"}
    assert main(["return", *step, "--yes", "--user", "tinh", "--reason", "x"]) == 1  # locked: reopen first
    assert main(["reopen", *step, "--yes", "--user", "tinh"]) == 0
    assert main(["return", *step, "--yes", "--user", "tinh"]) == 1  # no reason
    assert main(["return", *step, "--yes", "--user", "tinh", "--reason", "Thiếu số tổ"]) == 0
    capsys.readouterr()
    assert main(["completeness", "--boundaries", SET, "--period", P, "--area", "Điện Biên"]) == 0
    text = capsys.readouterr().out
    assert "Phải báo cáo 6" in text and "returned" in text
