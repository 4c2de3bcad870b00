"""pages/shared/data.py: what keys the shared caches (issue 22: the classification is keyed on a digest of the
values, not on Streamlit's per-element hash of the Series)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pages.shared.data import values_digest

BASE = pd.Series([1.0, 2.5, np.nan, 4.0], index=pd.Index(["03203", "03208", "03214", "03370"]))


@pytest.mark.parametrize("other, same", [
    (BASE.copy(), True),
    (pd.Series(BASE.to_numpy(), index=pd.Index(list(BASE.index), dtype=object)), True),  # index type alone
    (BASE.rename("teams_security"), True),                                      # the name is not a value
    (BASE.set_axis(["03203", "03208", "03214", "03371"]), False),               # another unit
    (BASE.iloc[[1, 0, 2, 3]], False),                                           # other order: other assignment
    (BASE.fillna(0.0), False),                                                  # no data is not zero
    (BASE.replace(4.0, 4.000000001), False),
    (BASE.iloc[:3], False),
    (pd.Series([1.0, 2.5, np.nan, 4.0], index=["0320", "303208", "03214", "03370"]), False),  # codes run together
])
def test_the_digest_follows_codes_and_values(other, same):
    assert (values_digest(other) == values_digest(BASE)) is same


def test_integer_values_and_codes_are_digested_too():
    s = pd.Series([3, 4], index=[3203, 3208])
    assert values_digest(s) == values_digest(s.astype(float)) != values_digest(s.set_axis([3203, 3209]))


def test_an_import_from_another_process_shows_in_every_sessions_next_run(app_env):
    """Each run reads the store's metadata once (geo.store.generation) and the view cache keys on it: an
    import made elsewhere (another process behind nginx: here another Store, in a thread outside any run) is
    in every session's next run, and in no run that began before it."""
    import threading

    from geo.access.auth import Actor, authorized_store
    from geo.reference.sample import SAMPLES, sample_rows
    from tests.pages.apptest import run_page

    label = "Tổ an ninh nhân dân"
    first, second = run_page("overview.py", "vi"), run_page("overview.py", "vi")
    assert [{m.label: m.value for m in at.metric}[label] for at in (first, second)] == ["233 tổ", "233 tổ"]
    row = sample_rows(SAMPLES[0])[0]
    row = {**row, "values": {"teams_security": row["values"]["teams_security"] + 100}}

    def other_process():
        store = authorized_store()
        try:
            store.import_rows([row], boundary_set=SAMPLES[0].boundary_set, period=SAMPLES[0].period,
                              user=Actor.cli("tinh"))
        finally:
            store.dispose()

    writer = threading.Thread(target=other_process)
    writer.start()
    writer.join()
    for at in (first, second):
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert {m.label: m.value for m in at.metric}[label] == "333 tổ"


def test_the_live_maps_load_the_layer_script_as_a_file(app_env):
    """The map page's live map names layer.js among the files the page loads (after Leaflet), and its script,
    sent again with every rerun, no longer carries the layer's code; the file is served from ./static."""
    import json

    from geo.carto.maps import layer_script
    from pages.shared.data import ROOT
    from tests.pages.apptest import run_page

    at = run_page("map.py", "vi")
    assert not at.exception, [e.value for e in at.exception]
    args = [json.loads(e.proto.json_args) for e in at.get("component_instance")]
    live = [a for a in args if "js_links" in a]
    assert live
    for a in live:
        layer = [u for u in a["js_links"] if "/vendor/antt/" in u]
        assert len(layer) == 1 and a["js_links"].index(layer[0]) > a["js_links"].index(
            "/app/static/vendor/leaflet/leaflet.js")
        assert layer_script() not in a["script"] and "anttMount(" in a["script"]
        served = ROOT / "static" / layer[0].removeprefix("/app/static/")
        assert served.read_text(encoding="utf-8") == layer_script()
