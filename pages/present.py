"""Trình chiếu: projector slides for a commune hall — headline numbers, map, ranking, one commune, forums.

Only the widgets and the slide state live here; the slides' HTML and CSS are geo.outputs.slides, the public
numbers (small counts of tips and people shown as "< N") geo.outputs.present. Nothing internal on screen (no
join report, no versions); sample data carries a small red badge.
"""

import time
from pathlib import Path

import streamlit as st

from geo.outputs import present, slides
from geo.outputs.outview import output_view
from geo.reference.catalog import load_catalog
from geo.reference.sample import sample_for
from geo.text.names import vi_sort_key
from geo.text.periods import parse_period
from geo.units import boundaries as gb
from pages.shared.data import frame_key, load_view, slide_map_image
from pages.shared.links import take_link, view_link
from pages.shared.notices import notices_as_toasts, stop_page
from pages.shared.state import current_set_id, lang, shared_view, tr

K = "present_"  # session keys of this page
AREA = "__area__"

catalog = load_catalog()
set_id = current_set_id()
take_link(indicator=K + "map_indicator", unit=K + "unit", slide=K + "slide")  # what a link may set here
info = gb.get_boundary_set_info(set_id)
view = load_view(set_id)
units, frame = view.units, view.frame
L = lang()
shown = output_view(units, frame, meta=view.meta, lang=L, catalog=catalog)  # what the slide maps take
threshold = present.small_count_threshold()
st.markdown(slides.CSS, unsafe_allow_html=True)
notices_as_toasts()  # a box above the slide would push it off the screen

if frame.attrs.get("period") is None or frame.empty:
    st.markdown(slides.message(tr("present_no_table")), unsafe_allow_html=True)
    stop_page()

period = frame.attrs.get("period")
period_label = parse_period(period).label(L)
area_name = info.title(L).split(" — ")[0]
codes = sorted(frame.index, key=lambda c: vi_sort_key(str(frame.at[c, "unit_name"])))
choices = present.public_map_choices(catalog.valid_in(period))


def name_of(code):
    return area_name if code in (None, AREA) else str(frame.at[code, "unit_name"])


def map_img(indicator_id: str, highlight=None, size=(11.0, 7.2)) -> str:
    b64 = slide_map_image(frame_key(frame, set_id), indicator_id, highlight, L, threshold, size, shown)
    return slides.image(b64)


# ---------------------------------------------------------------- state and options

SLIDES = present.SLIDES
st.session_state.setdefault(K + "slide", 0)
st.session_state.setdefault(K + "last", time.time())
if st.session_state.get(K + "scope") not in [AREA, *codes]:
    st.session_state[K + "scope"] = AREA
shared = shared_view()  # the indicator and commune chosen on the other pages
if st.session_state.get(K + "unit") not in codes:
    st.session_state[K + "unit"] = shared.unit if shared.unit in codes else codes[0]
if st.session_state.get(K + "map_indicator") not in choices:
    mi = shared.indicator
    st.session_state[K + "map_indicator"] = mi if mi in choices else "teams_per_1000"
if st.session_state.get(K + "rank_indicator") not in choices:
    st.session_state[K + "rank_indicator"] = st.session_state[K + "map_indicator"]


def go(step: int) -> None:
    st.session_state[K + "slide"] = (st.session_state[K + "slide"] + step) % len(SLIDES)
    st.session_state[K + "last"] = time.time()


def label_of(iid: str) -> str:
    return catalog[iid].name(L)


# ---------------------------------------------------------------- slides

def _scope_code():
    scope = st.session_state[K + "scope"]
    return None if scope == AREA else scope


def slide_headline() -> str:
    return slides.headline(frame, period, _scope_code(), threshold, L, catalog)


def slide_map() -> str:
    return slides.map_slide(map_img(st.session_state[K + "map_indicator"]))


def slide_ranking() -> str:
    return slides.ranking(frame, st.session_state[K + "rank_indicator"], threshold, L, catalog)


def slide_spotlight() -> str:
    code = st.session_state[K + "unit"]
    img = map_img(st.session_state[K + "map_indicator"], highlight=code, size=(8.0, 7.0))
    return slides.spotlight(frame, period, code, name_of(code), img, threshold, L, catalog)


def slide_forums() -> str:
    return slides.forums(frame, _scope_code(), threshold, L, catalog)


RENDER = {"headline": slide_headline, "map": slide_map, "ranking": slide_ranking, "spotlight": slide_spotlight,
          "forums": slide_forums}


def slide_title(key: str) -> str:
    if key == "headline":
        return f'{tr("present_slide_headline")}: {name_of(st.session_state[K + "scope"])}'
    if key == "map":
        return f'{tr("present_slide_map")}: {label_of(st.session_state[K + "map_indicator"])}'
    if key == "ranking":
        return tr("present_slide_ranking")
    if key == "spotlight":
        return tr("present_slide_spotlight")
    return f'{tr("present_slide_forums")}: {name_of(st.session_state[K + "scope"])}'


# ---------------------------------------------------------------- page

def _needs_full_rerun() -> None:
    st.session_state[K + "full_rerun"] = True


auto = bool(st.session_state.get(K + "auto"))
interval = int(st.session_state.get(K + "interval") or 20)


@st.fragment(run_every=interval if auto else None)
def show() -> None:
    if auto and time.time() - st.session_state[K + "last"] >= interval - 0.5:
        go(1)
    i = st.session_state[K + "slide"]
    key = SLIDES[i]
    counter = tr("present_counter", n=i + 1, total=len(SLIDES))
    notes = [tr("present_footer", area=area_name, period=period_label, title=info.title(L),
                vintage=info.vintage_text(L)), info.attribution]
    if threshold > 1:
        notes.append(tr("present_small_note", n=threshold))
    if frame.attrs.get("sample"):
        notes.insert(0, tr(sample_for(frame.attrs.get("boundary_set"), frame.attrs.get("period")).short_note))
    badge = tr("present_sample_badge") if frame.attrs.get("sample") else ""
    st.markdown(slides.slide(key, slide_title(key), RENDER[key](), period_label=period_label, counter=counter,
                             notes=notes, sample_badge=badge), unsafe_allow_html=True)
    c1, c2, c3, c4 = st.columns([1, 1, 1.2, 0.8])
    c1.button(tr("present_prev"), key=K + "prev", on_click=go, args=(-1,), use_container_width=True)
    c2.button(tr("present_next"), key=K + "next", on_click=go, args=(1,), use_container_width=True, type="primary")
    with c3.popover(tr("present_settings"), use_container_width=True):
        st.selectbox(tr("present_scope"), [AREA, *codes], key=K + "scope", format_func=name_of)
        st.selectbox(tr("present_map_indicator"), choices, key=K + "map_indicator", format_func=label_of)
        st.selectbox(tr("present_ranking_indicator"), choices, key=K + "rank_indicator", format_func=label_of)
        st.selectbox(tr("present_spotlight_unit"), codes, key=K + "unit", format_func=name_of)
        # run_every is fixed when the fragment is defined: a change of these two needs a full rerun
        st.toggle(tr("present_auto"), key=K + "auto", on_change=_needs_full_rerun)
        st.slider(tr("present_interval"), 5, 120, 20, step=5, key=K + "interval", on_change=_needs_full_rerun)
        # the link opens this slide, with its indicator and commune (the URL follows the slides as they change)
        view_link(indicator=st.session_state[K + "map_indicator"], unit=st.session_state[K + "unit"], slide=key)
    if st.session_state.pop(K + "full_rerun", False):
        st.session_state[K + "last"] = time.time()
        st.rerun()
    try:
        c4.page_link(str(Path(__file__).resolve().parent / "map.py"), label=tr("present_exit"),
                     use_container_width=True)
    except Exception:  # the map page is not in the navigation (e.g. a page test): no exit link needed
        pass


show()
