"""Warm rerun time of the 14-unit map page through Streamlit's AppTest; prints seconds (median).

Used by ``python -m geo bench`` in a subprocess, so that geo/ itself never imports streamlit.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def main(repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ANTT_DATA_DIR"] = tmp
        os.environ.pop("ANTT_DATABASE_URL", None)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/map.py")
        at.run()
        if at.exception:
            raise SystemExit(f"map page failed: {[e.value for e in at.exception]}")
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
