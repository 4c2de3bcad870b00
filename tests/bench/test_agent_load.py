"""The load test without browsers: its percentiles and its report (timings are printed by the bench, never
asserted)."""

from geo.bench.agent_load import AGENT_OPTIONS, _pct, format_agent_load_report

LOAD = {"sessions": 100, "processes": 2, "boundary_set": "vn-2025", "period": "2024", "changes": 498,
        "changes_asked": 500, "errors": 2, "error_examples": [], "timed_out": False, "p50_s": 0.42, "p95_s": 1.3,
        "max_s": 2.0, "think_s": 5.0, "open_p50_s": 3.1, "throughput_changes_per_s": 4.2, "wall_s": 150.0,
        "server_cpu_s": [60.0, 58.0], "server_cpu_per_change_s": 0.237, "server_rss_mb_idle": [300, 310],
        "server_rss_mb_peak": [900, 880], "server_rss_mb": [880, 870], "client_cpu_s": 12.0, "loadavg": "3.1 2.0 1.5"}


def test_percentiles_are_of_the_sorted_values():
    assert _pct([], 0.95) is None
    assert _pct([3.0, 1.0, 2.0], 0.5) == 2.0
    assert _pct([float(i) for i in range(101)], 0.95) == 95.0


def test_report_says_met_or_missed_and_gives_memory_per_process():
    text = format_agent_load_report({"load": LOAD})
    assert "p95 1.30 s (≤ 1 s: MISSED)" in text and "[900, 880] MB peak" in text
    assert "a change every 5.0 s per session, 498 of 500 changes answered, 2 errors" in text and "load average 3.1 2.0 1.5" in text
    assert "p95 0.90 s (≤ 1 s: met)" in format_agent_load_report({"load": dict(LOAD, p95_s=0.9)})
    assert format_agent_load_report({"load": {"error": "boom"}}) == "Load test failed: boom"


def test_the_agent_api_is_on_for_the_test_servers_only():
    """Switched on by `streamlit run` options of the test servers; never in the shipped configuration."""
    import pathlib

    assert AGENT_OPTIONS[:2] == ("--server.enableAgentApi", "true")
    root = pathlib.Path(__file__).resolve().parents[2]
    shipped = [root / ".streamlit" / "config.toml", *sorted((root / "deploy").rglob("*"))]
    for path in shipped:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            assert "enableagentapi" not in text and "enable_agent_api" not in text, path
