"""geo.analysis.followup.value_marks: the marks a unit's value carries beside it (under follow-up, not yet
approved), each unit's own text, never dropped."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.analysis.followup import value_marks
from geo.reference.catalog import load_catalog
from geo.text.i18n import t

CAT = load_catalog()
Q, U = "quality", "unapproved"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("followup, unapproved, expected", [
    ([], [], {}),
    ([("03203", "teams_security")], [], {"03203": [Q]}),
    ([], ["03203", "03208"], {"03203": [U], "03208": [U]}),
    ([("03203", "teams_security")], ["03203", "03208"], {"03203": [Q, U], "03208": [U]}),
    ([("03203", "tips_received")], ["03208"], {"03208": [U]}),        # another indicator's flag: no mark here
    ([("03203", "teams_security"), ("03203", "teams_security")], [], {"03203": [Q]}),  # one mark, however many flags
])
def test_each_unit_gets_its_marks_in_order(lang, followup, unapproved, expected):
    frame = pd.DataFrame({"teams_security": [1, 2, 3]}, index=["03203", "03208", "03210"])
    frame.attrs.update(followup=followup, unapproved=unapproved)
    text = {Q: t("quality_mark", lang), U: t("status_unapproved_mark", lang)}
    assert value_marks(frame, CAT["teams_security"], lang) == {c: " ".join(text[m] for m in ms)
                                                               for c, ms in expected.items()}
