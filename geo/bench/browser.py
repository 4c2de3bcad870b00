"""Time to the first painted polygon of a map HTML in headless Chromium (for ``python -m geo bench --browser``).

Leaflet is served from the local ``xstatic-leaflet`` copy (no CDN: the machine may be offline); other CDN
assets of folium's default page are dropped for both builders alike. A script injected before the page runs
records ``performance.now()`` at the first animation frame where a polygon exists: an SVG path (folium's
default renderer) or a non-empty product layer on the canvas.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from geo.carto.maps import leaflet_dir
from geo.config import setting

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROBE = """
(() => {
  const t0 = performance.now();
  function check() {
    const svg = document.querySelector('path.leaflet-interactive');
    const layer = window.anttLayer && window.anttLayer.getLayers().length > 0
                  && document.querySelector('canvas.leaflet-zoom-animated');
    if (svg || layer) { window.__firstPaint = performance.now(); return; }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""
_SCRIPT_SRC = re.compile(r'<script[^>]+src="https?://[^"]+"[^>]*>\s*</script>', re.I)
_LINK_CSS = re.compile(r'<link[^>]+href="https?://[^"]+"[^>]*/?>', re.I)


def localize(html_text: str) -> str:
    """Point the page at ./leaflet.js and ./leaflet.css; drop every other remote asset."""
    html_text = _SCRIPT_SRC.sub("", html_text)
    html_text = _LINK_CSS.sub("", html_text)
    head = '<link rel="stylesheet" href="leaflet.css"/>\n<script src="leaflet.js"></script>\n'
    return html_text.replace("<head>", "<head>\n" + head, 1)


def chromium_path() -> str | None:
    path = setting("ANTT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


def first_paint_times(html_files: dict[str, Path], repeat: int = 3) -> dict[str, float | str]:
    path = chromium_path()
    if path is None:
        return {k: "chromium not installed" for k in html_files}
    from playwright.sync_api import sync_playwright

    out: dict[str, float | str] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        for name, file in html_files.items():
            folder = Path(file).parent / f"paint-{name}"
            folder.mkdir(exist_ok=True)
            for asset in ("leaflet.js", "leaflet.css"):
                shutil.copyfile(leaflet_dir() / asset, folder / asset)
            page_file = folder / "index.html"
            page_file.write_text(localize(Path(file).read_text(encoding="utf-8")), encoding="utf-8")
            times = []
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
                page = context.new_page()
                page.add_init_script(PROBE)
                page.goto(page_file.as_uri(), wait_until="commit")
                try:
                    page.wait_for_function("() => window.__firstPaint !== undefined", timeout=120_000)
                    times.append(page.evaluate("() => window.__firstPaint") / 1000.0)
                except Exception as exc:  # report, do not hide: the figure is then missing, not invented
                    times.append(f"no polygon painted ({type(exc).__name__})")
                context.close()
            numbers = sorted(t for t in times if isinstance(t, float))
            out[name] = numbers[len(numbers) // 2] if numbers else times[0]
        browser.close()
    return out
