"""The benchmark (python -m geo bench) and its browser timings."""
