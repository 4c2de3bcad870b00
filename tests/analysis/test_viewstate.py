"""geo.analysis.viewstate: a link's query string → the view it asks for; hostile and unknown values fall back with a
Problem naming the parameter, never an exception."""

from dataclasses import replace

import pytest

from geo.analysis.classify import MAX_K, METHODS, MIN_K, SEQUENTIAL_SCHEMES
from geo.analysis.viewstate import (MAX_VALUE_LEN, PARAMS, Choices, Problem, ViewState, format_breaks,
                                    parse_view, to_params)
from geo.outputs.present import SLIDES

UNITS = {
    "vn-pre2025": {
        "03205": ("Điện Biên", "Huyện Điện Biên Đông"),
        "03208": ("Điện Biên", "Huyện Điện Biên Đông"),
        "00001": ("Hà Nội", "Quận Ba Đình"),
        "00004": ("Hà Nội", "Quận Ba Đình"),
        "00037": ("Hà Nội", "Quận Hoàn Kiếm"),
    },
    "small": {"03205": ("Điện Biên", "Huyện Điện Biên Đông"), "03208": ("Điện Biên", "Huyện Điện Biên Đông")},
    "vn-2025": {"03203": ("Điện Biên",), "00004": ("Hà Nội",)},
}
PERIODS = {"small": ["2017", "2018-Q1"], "vn-pre2025": ["2017"], "vn-2025": []}
LEVELS = {"small": 0, "vn-pre2025": 2, "vn-2025": 1}
ASKED = []


def choices(allow_internal=False, current="small"):
    def periods(s):
        ASKED.append(s)
        return PERIODS[s]

    return Choices(sets=list(UNITS), current_set=current, periods=periods, units=UNITS.__getitem__,
                   area_levels=LEVELS.__getitem__,
                   indicators=["teams_per_1000", "teams_security", "village_coverage", "weapons_recovered"],
                   internal={"weapons_recovered"}, allow_internal=allow_internal, methods=METHODS,
                   k_range=(MIN_K, MAX_K), schemes=SEQUENTIAL_SCHEMES, slides=SLIDES)


FULL = {"boundaries": "vn-pre2025", "period": "2017", "province": "Hà Nội", "district": "Quận Ba Đình",
        "indicator": "teams_per_1000", "method": "natural_breaks", "k": "4", "scheme": "Greens",
        "unit": "00004", "slide": "map", "lang": "en"}


def test_a_full_link_opens_every_part_of_the_view():
    parsed = parse_view(FULL, choices())
    assert parsed.problems == []
    assert parsed.state == ViewState(boundaries="vn-pre2025", period="2017", area=("Hà Nội", "Quận Ba Đình"),
                                     indicator="teams_per_1000", method="natural_breaks", k=4, scheme="Greens",
                                     unit="00004", slide="map", lang="en")


@pytest.mark.parametrize("state", [
    ViewState(),
    ViewState(boundaries="small", period="2018-Q1", indicator="teams_security", lang="vi"),
    ViewState(boundaries="vn-pre2025", area=("Hà Nội",), unit="00037", slide="forums"),
    ViewState(boundaries="vn-2025", area=("Điện Biên",), unit="03203"),
    ViewState(method="manual", breaks=(0.5, 10.0, 1234567.0)),
    ViewState(method="manual", breaks=(-3.0, 0.1, 2.25)),
    ViewState(method="manual", breaks=(1e-5, 123456789012345.0)),
    ViewState(method="quantiles", k=7, scheme="YlGnBu"),
])
def test_written_links_read_back_as_the_same_view(state):
    params = to_params(state)
    assert list(params) == [p for p in PARAMS if p in params]  # canonical order
    parsed = parse_view(params, choices())
    assert parsed.problems == [] and parsed.state == state


@pytest.mark.parametrize("params, field, expected", [
    # repeated parameter: the last one counts (as st.query_params does)
    ({"period": ["2018-Q1", "2017"]}, "period", "2017"),
    ({"period": []}, "period", None),
    # spacing, case and Unicode normalisation of hand-typed links
    ({"period": "  2017 "}, "period", "2017"),
    ({"period": "2018-q1"}, "period", "2018-Q1"),
    ({"lang": "EN"}, "lang", "en"),
    ({"scheme": "greens"}, "scheme", "Greens"),
    ({"boundaries": "VN-2025"}, "boundaries", "vn-2025"),
    ({"boundaries": "vn-pre2025", "province": "Ha\u0300 Nô\u0323i"}, "area", ("Hà Nội",)),  # NFD → NFC
    ({"boundaries": "vn-pre2025", "province": "hà nội"}, "area", ("Hà Nội",)),
    # empty values are "not named", not problems
    ({"period": ""}, "period", None),
    ({"indicator": "   "}, "indicator", None),
    # breaks with Vietnamese decimal commas and spaces
    ({"method": "manual", "breaks": "0,5; 10;20"}, "breaks", (0.5, 10.0, 20.0)),
    # breaks without manual classes are not used
    ({"method": "quantiles", "breaks": "1;2"}, "breaks", None),
])
def test_accepted_forms(params, field, expected):
    parsed = parse_view(params, choices())
    assert parsed.problems == []
    assert getattr(parsed.state, field) == expected


LONG = "x" * (MAX_VALUE_LEN + 1)


@pytest.mark.parametrize("params, problems", [
    # unknown ids
    ({"boundaries": "vn-1990"}, [("boundaries", "unknown")]),
    ({"boundaries": "../../etc/passwd"}, [("boundaries", "unknown")]),
    ({"period": "2099"}, [("period", "unknown")]),
    ({"period": "2017' OR '1'='1"}, [("period", "unknown")]),
    ({"indicator": "teams"}, [("indicator", "unknown")]),
    ({"indicator": "__class__"}, [("indicator", "unknown")]),
    ({"method": "jenks_caspall"}, [("method", "unknown")]),
    ({"scheme": "Reds"}, [("scheme", "unknown")]),  # a diverging/red scheme is not offered
    ({"slide": "0"}, [("slide", "unknown")]),
    ({"lang": "fr"}, [("lang", "unknown")]),
    ({"unit": "99999"}, [("unit", "unknown")]),
    ({"unit": "3205"}, [("unit", "unknown")]),  # leading zero lost: not guessed
    # hostile text: markup, control characters, very long values, non-text
    ({"indicator": "<script>alert(1)</script>"}, [("indicator", "unknown")]),
    ({"boundaries": "small\x00"}, [("boundaries", "invalid")]),
    ({"period": "2017\u202e"}, [("period", "invalid")]),  # right-to-left override
    ({"period": "2017\u200b"}, [("period", "invalid")]),  # zero-width space
    ({"lang": "vi\r\nSet-Cookie: x=1"}, [("lang", "invalid")]),
    ({"unit": LONG}, [("unit", "invalid")]),
    ({"province": "Đ" * 10_000, "boundaries": "vn-pre2025"}, [("province", "invalid")]),
    ({"period": 2017}, [("period", "invalid")]),
    # classes
    ({"k": "9"}, [("k", "unknown")]),
    ({"k": "2"}, [("k", "unknown")]),
    ({"k": "0"}, [("k", "unknown")]),
    ({"k": "-5"}, [("k", "invalid")]),
    ({"k": "5.0"}, [("k", "invalid")]),
    ({"k": "1e3"}, [("k", "invalid")]),
    ({"k": "9" * 400}, [("k", "invalid")]),
    ({"k": "٥"}, [("k", "invalid")]),  # Arabic-Indic five: int() would take it
    ({"method": "manual"}, [("breaks", "invalid")]),
    ({"method": "manual", "breaks": "10;abc"}, [("breaks", "invalid")]),
    ({"method": "manual", "breaks": "nan"}, [("breaks", "invalid")]),
    ({"method": "manual", "breaks": "inf;1e999"}, [("breaks", "invalid")]),
    ({"method": "manual", "breaks": "1_000"}, [("breaks", "invalid")]),
    ({"method": "manual", "breaks": "20;10"}, [("breaks", "invalid")]),
    ({"method": "manual", "breaks": "10;10"}, [("breaks", "invalid")]),
    ({"method": "manual", "breaks": ";".join(str(i) for i in range(50))}, [("breaks", "invalid")]),
    # areas: only where the set has an area picker, a district only under its province
    ({"province": "Hà Nội"}, [("province", "unknown")]),  # the small set has none
    ({"boundaries": "vn-pre2025", "province": "Atlantis"}, [("province", "unknown")]),
    ({"boundaries": "vn-pre2025", "district": "Quận Ba Đình"}, [("district", "unknown")]),
    ({"boundaries": "vn-pre2025", "province": "Điện Biên", "district": "Quận Ba Đình"}, [("district", "unknown")]),
    ({"boundaries": "vn-pre2025", "province": "Atlantis", "district": "Quận Ba Đình"},
     [("province", "unknown"), ("district", "unknown")]),
    ({"boundaries": "vn-2025", "province": "Hà Nội", "district": "Quận Ba Đình"}, [("district", "unknown")]),
    # a unit outside the chosen area or the set
    ({"boundaries": "vn-pre2025", "province": "Hà Nội", "unit": "03205"}, [("unit", "unknown")]),
    ({"boundaries": "vn-2025", "unit": "03205"}, [("unit", "unknown")]),
    # internal indicators: editors only
    ({"indicator": "weapons_recovered"}, [("indicator", "internal")]),
    # several at once, reported in URL order
    ({"lang": "xx", "boundaries": "nope", "k": "x"}, [("boundaries", "unknown"), ("k", "invalid"), ("lang", "unknown")]),
])
def test_hostile_and_unknown_values_fall_back_with_a_problem(params, problems):
    parsed = parse_view(params, choices())
    assert [(p.param, p.reason) for p in parsed.problems] == problems
    for p in parsed.problems:  # the refused parameter is not in the view: the page keeps its default
        if p.param in ("province", "district"):
            continue
        field = {"k": "k", "breaks": "method"}.get(p.param, p.param)
        assert getattr(parsed.state, field) is None


def test_refused_area_leaves_the_whole_set():
    parsed = parse_view({"boundaries": "vn-pre2025", "province": "Atlantis", "district": "Quận Ba Đình"}, choices())
    assert parsed.state.area == () and parsed.state.boundaries == "vn-pre2025"
    parsed = parse_view({"boundaries": "vn-pre2025", "province": "Hà Nội", "district": "Huyện Điện Biên Đông"},
                        choices())
    assert parsed.state.area == ("Hà Nội",)  # the province stays; the district is not in it


def test_period_and_units_are_checked_on_the_set_the_link_ends_up_on():
    ASKED.clear()
    parsed = parse_view({"boundaries": "nope", "period": "2018-Q1"}, choices())
    assert parsed.state.period == "2018-Q1" and ASKED == ["small"]  # the current set, not the refused one
    parsed = parse_view({"period": "2017"}, choices(current="vn-2025"))
    assert parsed.problem_params == ["period"]  # vn-2025 has no data: every period is unknown there


def test_internal_indicator_only_for_signed_in_editors():
    viewer = parse_view({"indicator": "weapons_recovered"}, choices(allow_internal=False))
    assert viewer.state.indicator is None and viewer.withheld == "weapons_recovered"
    assert viewer.problems == [Problem("indicator", "internal")]
    editor = parse_view({"indicator": "weapons_recovered"}, choices(allow_internal=True))
    assert editor.state.indicator == "weapons_recovered" and editor.withheld is None and not editor.problems


@pytest.mark.parametrize("params, indicator, problems", [
    ({"period": "2017", "indicator": "teams_security"}, "teams_security", []),
    ({"period": "2018-Q1", "indicator": "teams_security"}, None, ["indicator"]),  # not valid in that period
    ({"indicator": "teams_security"}, None, ["indicator"]),  # nor in the page's own (its latest) period
    ({"period": "2018-Q1", "indicator": "village_coverage"}, "village_coverage", []),
])
def test_indicators_can_depend_on_the_period(params, indicator, problems):
    asked = []

    def valid(set_id, period):
        asked.append((set_id, period))
        return ["teams_security", "village_coverage"] if period == "2017" else ["village_coverage"]

    parsed = parse_view(params, replace(choices(), indicators=valid))
    assert parsed.state.indicator == indicator and parsed.problem_params == problems
    assert asked == [("small", params.get("period"))]


def test_unknown_parameter_names_are_ignored():
    parsed = parse_view({"utm_source": "zalo", "embed": "true", "Period": "2017", "__proto__": "x"}, choices())
    assert parsed.problems == [] and parsed.state == ViewState()


@pytest.mark.parametrize("values, text", [
    ((10.0, 20.0), "10;20"),
    ((0.5, 2.25), "0.5;2.25"),
    ((-1.0, 1e-5), "-1;0.00001"),
    ((0.0, 123456789012345.0), "0;123456789012345"),
])
def test_breaks_are_written_compactly(values, text):
    assert format_breaks(values) == text
