"""The presentation's slides as HTML (pages/present.py keeps only the widgets and the slide state).

Their own look: no sidebar or Streamlit chrome, large type sized in viewport units so that nothing runs out of
its box at 1024×768, 1280×720 or 1920×1080 (and a scrolling two-column layout on a phone), high contrast.
Only public indicators; small counts of tips and people shown as "< N" (geo.outputs.present). Every text that
comes from data is HTML-escaped here.
"""

from __future__ import annotations

import html

import pandas as pd

from geo.outputs import present
from geo.reference.catalog import Catalog, load_catalog
from geo.text.i18n import t

RANKING_TOP = 15

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


def esc(s) -> str:
    return html.escape(str(s))


def num_size(text: str) -> float:
    """The headline number's size in type units: long numbers ("100,0 %", "12.345") a little smaller, so a
    card never cuts them."""
    n = len(str(text))
    return 10 if n <= 5 else 8.5 if n <= 7 else 7


def message(text: str) -> str:
    """A slide-sized message (no table for this period)."""
    return f'<div class="pz"><div class="pz-title">{esc(text)}</div></div>'


def image(b64_png: str) -> str:
    return f'<img alt="" src="data:image/png;base64,{b64_png}">'


def _card(num: str, label: str, sub: str = "", unit: str = "") -> str:
    sub_html = f'<div class="pz-sub">{esc(sub)}</div>' if sub else ""
    unit_html = f"<small>{esc(unit)}</small>" if unit else ""
    return (f'<div class="pz-card"><div class="pz-num" style="--n:{num_size(num)}">{esc(num)}{unit_html}</div>'
            f'<div class="pz-label">{esc(label)}</div>{sub_html}</div>')


def headline(frame: pd.DataFrame, period: str, unit_code: str | None, threshold: int, lang: str,
             catalog: Catalog | None = None) -> str:
    """The headline numbers of the area (``unit_code`` None) or of one commune, one card each."""
    catalog = catalog or load_catalog()
    shown = present.show_many(frame, present.period_ids(present.HEADLINE_IDS, period, catalog), unit_code,
                              threshold, lang, catalog)
    cards = [_card(s.text, ind.name(lang), unit=s.unit if s.value is not None and s.unit else "")
             for ind, s in shown]
    return f'<div class="pz-grid">{"".join(cards)}</div>'


def map_slide(img: str) -> str:
    return f'<div class="pz-map">{img}</div>'


def ranking(frame: pd.DataFrame, indicator_id: str, threshold: int, lang: str, catalog: Catalog | None = None,
            top: int = RANKING_TOP) -> str:
    """The first ``top`` units as bars; suppressed small counts hatched, without a number."""
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    rows = present.public_ranking(frame, indicator_id, threshold, lang, catalog)
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
    unit = "" if ind.kind == "share" else f" ({esc(ind.unit(lang))})"
    tail = f'<div class="pz-sub">{esc(t("present_ranking_more", lang, n=more))}</div>' if more else ""
    return (f'<div class="pz-label" style="font-weight:700;margin-bottom:1vh">{esc(ind.name(lang))}{unit}</div>'
            f'<div class="pz-rank" style="font-size:calc({h * 0.62:.2f} * var(--u));grid-auto-rows:{h:.2f}vh">'
            f'{"".join(out)}</div>'
            f'{tail}')


def spotlight(frame: pd.DataFrame, period: str, unit_code: str, unit_name: str, img: str, threshold: int,
              lang: str, catalog: Catalog | None = None) -> str:
    """One commune: its numbers with their rank, beside the map with it highlighted (``img``)."""
    catalog = catalog or load_catalog()
    rows = []
    for ind, s in present.show_many(frame, present.period_ids(present.SPOTLIGHT_IDS, period, catalog), unit_code,
                                    threshold, lang, catalog):
        rank, of = present.rank_of(frame, ind.id, unit_code, threshold, catalog)
        r = esc(t("present_rank_of", lang, rank=rank, of=of)) if rank and ind.direction != "neutral" else ""
        rows.append(f'<div class="pz-row"><span>{esc(ind.name(lang))}</span><b>{esc(s.with_unit)}</b>'
                    f'<span class="r">{r}</span></div>')
    return (f'<div class="pz-spot"><div><div class="pz-spot-name">{esc(unit_name)}</div>{"".join(rows)}</div>'
            f'<div style="text-align:center">{img}</div></div>')


def forums(frame: pd.DataFrame, unit_code: str | None, threshold: int, lang: str,
           catalog: Catalog | None = None) -> str:
    """What the forums heard in the area or one commune: forums, opinions, tips, valuable tips."""
    catalog = catalog or load_catalog()
    s = present.forum_summary(frame, unit_code, threshold, lang, catalog)
    vals = present.unit_base_values(frame, unit_code, catalog)
    force = present.show_value(catalog["opinions_force_building"], vals, threshold, lang, catalog).text
    crime = present.show_value(catalog["opinions_crime_fighting"], vals, threshold, lang, catalog).text
    rate = (t("present_valuable_rate", lang, rate=s.rate.text)
            if not s.rate.suppressed and s.rate.value is not None else "")
    return ('<div class="pz-forum">'
            + _card(s.forums.text, t("present_forums_held", lang))
            + _card(s.opinions.text, t("present_opinions", lang),
                    t("present_opinions_detail", lang, force=force, crime=crime))
            + _card(s.tips.text, t("present_tips", lang))
            + _card(s.valuable.text, t("present_valuable", lang), rate)
            + "</div>")


def slide(key: str, title: str, body: str, *, period_label: str, counter: str, notes: list[str],
          sample_badge: str = "") -> str:
    """The whole slide: title bar (sample badge, period, counter), body, and the footer notes."""
    badge = f'<span class="pz-badge">{esc(sample_badge)}</span>' if sample_badge else ""
    return (f'<div class="pz" data-slide="{esc(key)}">'
            f'<div class="pz-top"><div class="pz-title">{esc(title)}</div>'
            f'<div class="pz-meta">{badge}<span>{esc(period_label)}</span><span>{esc(counter)}</span></div></div>'
            f'<div class="pz-body">{body}</div>'
            f'<div class="pz-foot">{esc(" · ".join(notes))}</div></div>')
