"""Leaflet served locally (copied from the xstatic-leaflet package), the standalone HTML that opens offline,
and JSON safe to embed in a <script> element."""

from __future__ import annotations

import shutil
from pathlib import Path


def install_leaflet(static_dir: Path) -> Path:
    """Copy Leaflet from the xstatic-leaflet package into ``static_dir/vendor/leaflet`` (served by Streamlit's
    static file serving, or by nginx in a deployment), so maps never need a CDN. Idempotent; the copy is
    replaced when the package's file differs in size. Returns the folder."""
    src = leaflet_dir()
    dst = Path(static_dir) / "vendor" / "leaflet"
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        if not (dst / name).is_file() or (dst / name).stat().st_size != (src / name).stat().st_size:
            shutil.copyfile(src / name, dst / name)
    if (src / "images").is_dir():
        shutil.copytree(src / "images", dst / "images", dirs_exist_ok=True)
    return dst


def write_once(folder: Path, name: str, text: str) -> Path:
    """``folder/name`` holding ``text``, written only when absent (names are made of their content), through a
    temporary file moved into place: a process serving the same file (another app process, nginx) never
    sees half of it."""
    import os

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.is_file():
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return target


def leaflet_dir() -> Path:
    """Leaflet's own files, shipped by the ``xstatic-leaflet`` package (no CDN needed: works offline)."""
    import xstatic.pkg.leaflet as xl

    return Path(xl.BASE_DIR)


def use_local_assets(m, base_url: str) -> None:
    """Load Leaflet from ``base_url`` (where the app serves leaflet.js and leaflet.css) instead of CDNs.

    folium's other default assets (jQuery, Bootstrap, awesome-markers) are not used by these maps."""
    base = base_url.rstrip("/") + "/"
    m.default_js = [("leaflet", base + "leaflet.js")]
    m.default_css = [("leaflet_css", base + "leaflet.css")]


def standalone_html(m) -> str:
    """The map as one HTML file that opens anywhere, offline included: Leaflet inlined, no CDN links."""
    m.default_js, m.default_css = [], []
    text = m.get_root().render()
    folder = leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    inline = f"<style>{css}</style>\n<script>{js}</script>\n"
    return text.replace("<head>", "<head>\n" + inline, 1)


def map_html(m) -> str:
    """The full standalone HTML of a folium map (what tests and the HTML export read)."""
    return m.get_root().render()


def script_json(obj) -> str:
    """JSON safe to embed inside a <script> element ('</script>' and friends cannot close it)."""
    import json

    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _raw_script_element_class():
    from branca.element import Element, MacroElement

    class _Raw(Element):
        """Text placed in the page as is (branca would compile it as a Jinja template: slow for megabytes)."""

        def __init__(self, text: str):
            super().__init__()  # no template: an empty one would still be compiled for every element
            self.text = text

        def render(self, **kwargs):
            return self.text

    class RawScriptElement(MacroElement):
        def render(self, **kwargs):
            script = self._template.module.__dict__["script"](self, kwargs)
            self.get_root().script.add_child(_Raw(script), name=self.get_name())

    return RawScriptElement


def raw_script_element():
    """A MacroElement whose script is placed in the page as is. branca compiles every rendered script as a Jinja
    template again (``Element(text)``): for a national layer or its per-change data that compile cost more than
    everything else in the map page's rerun (py-spy, issue 12)."""
    global _RAW_CLASS
    if _RAW_CLASS is None:
        _RAW_CLASS = _raw_script_element_class()
    return _RAW_CLASS()


_RAW_CLASS = None
