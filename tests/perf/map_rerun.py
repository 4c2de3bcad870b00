"""Warm rerun time of the map page on any boundary set through Streamlit's AppTest; prints seconds (median).

``python tests/perf/map_rerun.py SET [REPEAT]``. Each rerun first switches to an indicator not
shown before (what a user does), so nothing keyed on the indicator is already cached. Used by ``python -m geo bench`` in a
subprocess, so that geo/ itself never imports streamlit.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # this checkout's geo, not whichever one the environment has installed


def main(set_id: str, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ANTT_DATA_DIR"] = tmp
        os.environ.pop("ANTT_DATABASE_URL", None)
        if set_id.startswith("vn-"):  # a full national table (synthetic), as the browser benchmark uses
            from geo.bench.app_browser import seed_store

            seed_store(Path(tmp), sets=(set_id,))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["boundary_set"] = set_id
        at.run()
        at.switch_page("pages/map.py")
        at.run()
        if at.exception:
            raise SystemExit(f"map page failed: {[e.value for e in at.exception]}")
        choices = at.selectbox(key="map_indicator").options
        at.selectbox(key="map_indicator").select_index(1).run()  # warm the second indicator's first build
        times = []
        for i in range(repeat):
            at.selectbox(key="map_indicator").select_index((i + 2) % len(choices))  # a new one each time
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            if at.exception:
                raise SystemExit(f"map page failed: {[e.value for e in at.exception]}")
        return statistics.median(times)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(main(args[0] if args else "dien-bien-dong-pre2025", int(args[1]) if len(args) > 1 else 5))
