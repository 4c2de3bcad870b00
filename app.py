"""ANTT map — the frame: page config, navigation by section, shared sidebar, then the chosen page."""

from pathlib import Path

import streamlit as st

from pages.common import lang, sidebar, tr

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="Bản đồ ANTT", page_icon=":material/map:", layout="wide", initial_sidebar_state="expanded")


def _page(file: str, title_key: str, icon: str, url: str, default: bool = False):
    return st.Page(str(ROOT / "pages" / file), title=tr(title_key), icon=icon, url_path=url, default=default)


sections = {
    tr("nav_section_view"): [
        _page("overview.py", "nav_overview", ":material/dashboard:", "tong-quan", default=True),
        _page("map.py", "nav_map", ":material/map:", "ban-do"),
        _page("charts.py", "nav_charts", ":material/bar_chart:", "bieu-do"),
        _page("profile.py", "nav_profile", ":material/home_pin:", "ho-so-xa"),
        _page("change.py", "nav_change", ":material/trending_up:", "so-sanh-ky"),
        _page("reform.py", "nav_reform", ":material/compare_arrows:", "truoc-sau-2025"),
    ],
}
OPTIONAL = {
    "nav_section_forum": [("present.py", "nav_present", ":material/slideshow:", "trinh-chieu")],
    "nav_section_data": [("upload.py", "nav_upload", ":material/upload_file:", "cap-nhat"), ("history.py", "nav_history", ":material/history:", "lich-su")],
}
for section, pages in OPTIONAL.items():
    present = [_page(*p) for p in pages if (ROOT / "pages" / p[0]).is_file()]
    if present:
        sections[tr(section)] = present

pg = st.navigation(sections)
sidebar()
pg.run()
