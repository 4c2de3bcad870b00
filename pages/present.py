"""Trình chiếu: projector slides for a commune hall — headline numbers, map, ranking, one commune, forums.

Its own look: no sidebar or Streamlit chrome, large type sized in viewport units so that nothing runs out of its
box at 1024×768, 1280×720 or 1920×1080 (and a scrolling two-column layout on a phone), high contrast. Only
public indicators; small counts of tips and people shown as "< N" (geo.outputs.present). Nothing internal on
screen (no join report, no versions); sample data carries a small red badge.
"""

import base64
import html
import time
from pathlib import Path

import streamlit as st

from geo.outputs import present
from geo.outputs.exports import default_classification, map_png
from geo.reference.catalog import load_catalog
from geo.text.names import vi_sort_key
from geo.text.periods import parse_period
from geo.units import boundaries as gb
from pages.common import current_set_id, lang, load_joined, notices_as_toasts, stop_page, tr, view_link

K = "present_"  # session keys of this page
AREA = "__area__"

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer, #MainMenu { display: none !important; }
/* --u: the type unit. 1vh on a 16:9 screen; on a squarer one (1024×768) the width decides, so nothing that
   fits 16:9 runs out of its box on 4:3. Heights of the slide areas stay in vh. */
.stApp { background: #ffffff; --u: min(1vh, 0.5625vw); }
.stMainBlockContainer, .block-container, [data-testid="stMainBlockContainer"] {
  padding: 1.2vh 2.4vw 0 2.4vw !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] > section, .stMain { overflow-x: hidden; }
[data-testid="stVerticalBlock"] { gap: 0.6vh; }
.pz { margin-bottom: 1.6vh; color: #111; font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; line-height: 1.15;
      max-width: 100%; overflow: hidden; }
.pz-top { display: flex; align-items: baseline; justify-content: space-between; gap: 2vw;
          border-bottom: 0.5vh solid #0b3d91; padding-bottom: 0.6vh; }
.pz-title { font-size: calc(4.8 * var(--u)); font-weight: 700; color: #0b3d91; min-width: 0;
            overflow-wrap: break-word; }
.pz-meta { font-size: calc(2.6 * var(--u)); color: #333; white-space: nowrap; display: flex; gap: 1.2vw;
           align-items: center; }
.pz-badge { color: #b30000; border: 0.25vh solid #b30000; border-radius: 0.6vh; padding: 0.2vh 0.6vw;
            font-weight: 700; font-size: calc(2.2 * var(--u)); }
.pz-body { height: 68vh; overflow: hidden; padding-top: 1.4vh; }
.pz-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); grid-auto-rows: 1fr; gap: 2.6vh 2vw;
           height: 64vh; }
.pz-card { background: #f2f5fa; border-left: 1vh solid #0b3d91; padding: 1.6vh 1.4vw; min-width: 0;
           display: flex; flex-direction: column; justify-content: center; }
.pz-num { font-size: calc(var(--n, 10) * var(--u)); font-weight: 800; color: #111; line-height: 1; }
.pz-num small { font-size: calc(3.6 * var(--u)); font-weight: 600; color: #333; margin-left: 0.5vw;
                display: inline-block; }
.pz-label { font-size: calc(3 * var(--u)); color: #222; margin-top: 0.8vh; }
.pz-sub { font-size: calc(2.4 * var(--u)); color: #444; margin-top: 0.4vh; }
.pz-map { text-align: center; height: 68vh; }
.pz-map img { max-height: 68vh; max-width: 100%; object-fit: contain; }
.pz-rank { display: grid; grid-template-columns: 4vw minmax(0, 30vw) minmax(0, 1fr) 12vw; align-items: center;
           column-gap: 1vw; }
.pz-rank > div { white-space: nowrap; overflow: hidden; height: 100%; display: flex; align-items: center; }
.pz-rank > div.n, .pz-rank > div.v { justify-content: flex-end; }
.pz-rank .n { text-align: right; color: #555; font-weight: 700; }
.pz-rank .v { text-align: right; font-weight: 700; }
.pz-bar { background: #0b3d91; height: 62%; flex: none; border-radius: 0 0.4vh 0.4vh 0; }
.pz-bar.hidden { background: repeating-linear-gradient(45deg, #ccc 0 0.6vh, #eee 0.6vh 1.2vh); }
.pz-spot { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 2vw; }
.pz-spot-name { font-size: calc(5.4 * var(--u)); font-weight: 800; color: #111; margin-bottom: 1vh; }
.pz-row { display: grid; grid-template-columns: minmax(0, 1fr) auto auto; align-items: baseline; gap: 1vw;
          font-size: calc(2.9 * var(--u)); padding: 0.9vh 0; border-bottom: 0.15vh solid #ccd; }
.pz-row b { font-size: calc(3.6 * var(--u)); white-space: nowrap; }
.pz-row span.r { color: #555; font-size: calc(2.3 * var(--u)); text-align: right; white-space: nowrap; }
.pz-spot img { max-height: 64vh; max-width: 100%; object-fit: contain; }
.pz-forum { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); grid-auto-rows: 1fr; gap: 3vh 3vw;
            height: 64vh; }
/* the footer (sample note, area, period, boundaries and their attribution) wraps rather than being cut */
.pz-foot { font-size: calc(1.9 * var(--u)); color: #444; border-top: 0.2vh solid #ccd; padding-top: 0.5vh; }
div[data-testid="stButton"] button, div[data-testid="stPopover"] button, a[data-testid="stPageLink-NavLink"] {
  font-size: calc(2.6 * var(--u)) !important; min-height: calc(5.4 * var(--u)); }
div[data-testid="stButton"] button p, div[data-testid="stPopover"] button p, a[data-testid="stPageLink-NavLink"] p {
  font-size: calc(2.6 * var(--u)) !important; }
/* a phone held upright: two cards a row, one column elsewhere, the page scrolls instead of a fixed slide */
@media (max-width: 640px) {
  .stApp { --u: 1.6vw; }
  .pz-top { flex-wrap: wrap; row-gap: 0.5vh; }
  .pz-title { font-size: 6vw; }
  .pz-meta { font-size: 3.6vw; flex-wrap: wrap; }
  .pz-badge { font-size: 3.4vw; }
  .pz-body, .pz-map, .pz-grid, .pz-forum { height: auto; }
  .pz-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 3vw; }
  .pz-forum { gap: 3vw; }
  .pz-card { padding: 2.4vw 2.4vw; border-left-width: 1.6vw; }
  .pz-num { font-size: calc(var(--n, 10) * 0.88vw); }
  .pz-num small { font-size: 3.8vw; }
  .pz-label { font-size: 4vw; }
  .pz-sub { font-size: 3.4vw; }
  .pz-map img, .pz-spot img { max-height: none; width: 100%; }
  .pz-rank { grid-template-columns: 7vw minmax(0, 1fr) 22vw auto; font-size: 3.8vw !important;
             grid-auto-rows: auto !important; row-gap: 1.6vw; }
  .pz-rank > div { white-space: normal; min-height: 6vw; }
  .pz-spot { grid-template-columns: minmax(0, 1fr); }
  .pz-spot-name { font-size: 6.4vw; }
  .pz-row { font-size: 4vw; }
  .pz-row b { font-size: 4.4vw; }
  .pz-row span.r { font-size: 3.4vw; }
  .pz-foot { font-size: 3.2vw; }
  div[data-testid="stButton"] button, div[data-testid="stPopover"] button, a[data-testid="stPageLink-NavLink"],
  div[data-testid="stButton"] button p, div[data-testid="stPopover"] button p, a[data-testid="stPageLink-NavLink"] p {
    font-size: 4vw !important; min-height: 10vw; }
}
</style>
"""

catalog = load_catalog()
set_id = current_set_id()
info = gb.get_boundary_set_info(set_id)
units, frame, _report, _fallback = load_joined(set_id)
L = lang()
threshold = present.small_count_threshold()
st.markdown(CSS, unsafe_allow_html=True)
notices_as_toasts()  # a box above the slide would push it off the screen

if frame.attrs.get("period") is None or frame.empty:
    st.markdown(f'<div class="pz"><div class="pz-title">{html.escape(tr("present_no_table"))}</div></div>',
                unsafe_allow_html=True)
    stop_page()

period = frame.attrs.get("period")
period_label = parse_period(period).label(L)
area_name = info.title(L).split(" — ")[0]
codes = sorted(frame.index, key=lambda c: vi_sort_key(str(frame.at[c, "unit_name"])))
choices = present.public_map_choices(catalog.valid_in(period))


def name_of(code):
    return area_name if code in (None, AREA) else str(frame.at[code, "unit_name"])


def esc(s) -> str:
    return html.escape(str(s))


@st.cache_data(max_entries=64, show_spinner=False)
def _map_image(set_id: str, period: str, version, sample: bool, indicator_id: str, highlight, lang: str,
               threshold: int, size: tuple, _units, _frame) -> str:
    values, hidden = present.shown_series(_frame, indicator_id, threshold)
    cls = default_classification(_frame, indicator_id, values=values)
    png = map_png(_units, _frame, indicator_id, cls, set_id=set_id, lang=lang, values=values, suppressed=hidden,
                  highlight=highlight, size=size, dpi=110)
    return base64.b64encode(png).decode("ascii")


def map_img(indicator_id: str, highlight=None, size=(11.0, 7.2)) -> str:
    b64 = _map_image(set_id, period, frame.attrs.get("version"), bool(frame.attrs.get("sample")), indicator_id,
                     highlight, L, threshold, size, units, frame)
    return f'<img alt="" src="data:image/png;base64,{b64}">'


# ---------------------------------------------------------------- state and options

SLIDES = present.SLIDES
st.session_state.setdefault(K + "slide", 0)
st.session_state.setdefault(K + "last", time.time())
if st.session_state.get(K + "scope") not in [AREA, *codes]:
    st.session_state[K + "scope"] = AREA
if st.session_state.get(K + "unit") not in codes:
    st.session_state[K + "unit"] = st.session_state.get("profile_unit") if st.session_state.get(
        "profile_unit") in codes else codes[0]
if st.session_state.get(K + "map_indicator") not in choices:
    mi = st.session_state.get("map_indicator")
    st.session_state[K + "map_indicator"] = mi if mi in choices else "teams_per_1000"
if st.session_state.get(K + "rank_indicator") not in choices:
    st.session_state[K + "rank_indicator"] = st.session_state[K + "map_indicator"]


def go(step: int) -> None:
    st.session_state[K + "slide"] = (st.session_state[K + "slide"] + step) % len(SLIDES)
    st.session_state[K + "last"] = time.time()


def num_size(text: str) -> float:
    """The headline number's size in type units: long numbers ("100,0 %", "12.345") a little smaller, so a
    card never cuts them."""
    n = len(str(text))
    return 10 if n <= 5 else 8.5 if n <= 7 else 7


def label_of(iid: str) -> str:
    return catalog[iid].name(L)


# ---------------------------------------------------------------- slides

def slide_headline() -> str:
    scope = st.session_state[K + "scope"]
    shown = present.show_many(frame, present.period_ids(present.HEADLINE_IDS, period, catalog), None if scope == AREA else scope, threshold, L, catalog)
    cards = []
    for ind, s in shown:
        unit = f"<small>{esc(s.unit)}</small>" if s.value is not None and s.unit else ""
        cards.append(f'<div class="pz-card"><div class="pz-num" style="--n:{num_size(s.text)}">{esc(s.text)}{unit}</div>'
                     f'<div class="pz-label">{esc(ind.name(L))}</div></div>')
    return f'<div class="pz-grid">{"".join(cards)}</div>'


def slide_map() -> str:
    return f'<div class="pz-map">{map_img(st.session_state[K + "map_indicator"])}</div>'


def slide_ranking() -> str:
    iid = st.session_state[K + "rank_indicator"]
    ind = catalog[iid]
    rows = present.public_ranking(frame, iid, threshold, L, catalog)
    top = 15
    more = max(0, len(rows) - top)
    rows = rows[:top]
    vmax = max([r.value for r in rows if r.value is not None] + [0.0]) or 1.0
    h = min(4.4, 64.0 / max(1, len(rows)))
    out = []
    for r in rows:
        width = 0 if r.value is None else max(0.5, 100.0 * r.value / vmax)
        bar = ('<div class="pz-bar hidden" style="width:12%"></div>' if r.suppressed
               else f'<div class="pz-bar" style="width:{width:.1f}%"></div>')
        out.append(f'<div class="n">{r.rank or ""}</div><div>{esc(r.unit_name)}</div><div>{bar}</div>'
                   f'<div class="v">{esc(r.text)}</div>')
    unit = "" if ind.kind == "share" else f" ({esc(ind.unit(L))})"
    tail = f'<div class="pz-sub">{esc(tr("present_ranking_more", n=more))}</div>' if more else ""
    return (f'<div class="pz-label" style="font-weight:700;margin-bottom:1vh">{esc(ind.name(L))}{unit}</div>'
            f'<div class="pz-rank" style="font-size:calc({h * 0.62:.2f} * var(--u));grid-auto-rows:{h:.2f}vh">'
            f'{"".join(out)}</div>'
            f'{tail}')


def slide_spotlight() -> str:
    code = st.session_state[K + "unit"]
    rows = []
    for ind, s in present.show_many(frame, present.period_ids(present.SPOTLIGHT_IDS, period, catalog), code, threshold, L, catalog):
        rank, of = present.rank_of(frame, ind.id, code, threshold, catalog)
        r = esc(tr("present_rank_of", rank=rank, of=of)) if rank and ind.direction != "neutral" else ""
        rows.append(f'<div class="pz-row"><span>{esc(ind.name(L))}</span><b>{esc(s.with_unit)}</b>'
                    f'<span class="r">{r}</span></div>')
    img = map_img(st.session_state[K + "map_indicator"], highlight=code, size=(8.0, 7.0))
    return (f'<div class="pz-spot"><div><div class="pz-spot-name">{esc(name_of(code))}</div>{"".join(rows)}</div>'
            f'<div style="text-align:center">{img}</div></div>')


def slide_forums() -> str:
    scope = st.session_state[K + "scope"]
    code = None if scope == AREA else scope
    s = present.forum_summary(frame, code, threshold, L, catalog)
    vals = present.unit_base_values(frame, code, catalog)
    force = present.show_value(catalog["opinions_force_building"], vals, threshold, L, catalog).text
    crime = present.show_value(catalog["opinions_crime_fighting"], vals, threshold, L, catalog).text

    def card(num, label, sub=""):
        sub_html = f'<div class="pz-sub">{esc(sub)}</div>' if sub else ""
        return (f'<div class="pz-card"><div class="pz-num" style="--n:{num_size(num)}">{esc(num)}</div>'
                f'<div class="pz-label">{esc(label)}</div>'
                f'{sub_html}</div>')

    rate = tr("present_valuable_rate", rate=s.rate.text) if not s.rate.suppressed and s.rate.value is not None else ""
    return ('<div class="pz-forum">'
            + card(s.forums.text, tr("present_forums_held"))
            + card(s.opinions.text, tr("present_opinions"), tr("present_opinions_detail", force=force, crime=crime))
            + card(s.tips.text, tr("present_tips"))
            + card(s.valuable.text, tr("present_valuable"), rate)
            + "</div>")


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
    badge = f'<span class="pz-badge">{esc(tr("present_sample_badge"))}</span>' if frame.attrs.get("sample") else ""
    counter = esc(tr("present_counter", n=i + 1, total=len(SLIDES)))
    notes = [tr("present_footer", area=area_name, period=period_label, title=info.title(L),
                vintage=info.vintage_text(L)), info.attribution]
    if threshold > 1:
        notes.append(tr("present_small_note", n=threshold))
    if frame.attrs.get("sample"):
        notes.insert(0, tr("present_sample_note"))
    st.markdown(
        f'<div class="pz" data-slide="{key}">'
        f'<div class="pz-top"><div class="pz-title">{esc(slide_title(key))}</div>'
        f'<div class="pz-meta">{badge}<span>{esc(period_label)}</span><span>{counter}</span></div></div>'
        f'<div class="pz-body">{RENDER[key]()}</div>'
        f'<div class="pz-foot">{esc(" · ".join(notes))}</div></div>',
        unsafe_allow_html=True)
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
