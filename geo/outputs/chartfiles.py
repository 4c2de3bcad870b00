"""The charts as PNG / SVG files: matplotlib draws a chart spec (geo.outputs.chartspec), the same spec plotly
draws in the app, with the file's provenance line and, for sample data, the stamp.

matplotlib rather than plotly + kaleido: kaleido needs its own browser process and did not start with Debian's
Chromium as root here; matplotlib renders the same charts offline, to PNG and SVG.
"""

from __future__ import annotations

import io

from geo.outputs.chartspec import TARGET_COLOR, ChartSpec
from geo.outputs.provenance import write_out

FORMATS = ("png", "svg")


def new_figure(width_in: float, height_in: float):
    """A white matplotlib figure with its own canvas (no pyplot, no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in))
    fig.patch.set_facecolor("white")
    FigureCanvasAgg(fig)
    return fig


def _zero(values) -> list[float]:
    return [0.0 if v is None else float(v) for v in values]


def _single(ax, spec: ChartSpec, y: list[int]) -> None:
    s = spec.series[0]
    vals = _zero(s.values)
    ax.barh(y, vals, color=list(s.colors), edgecolor="#555555", linewidth=0.5)
    known = [v for v in s.values if v is not None]
    vmax = max(known) if known else 1.0
    for yi, v, text in zip(y, vals, s.texts):
        ax.text(v + vmax * 0.01, yi, text, va="center", fontsize=8.5)
    ax.set_xlim(*(spec.value_range or (0, vmax * 1.15 if vmax > 0 else 1)))


def _stack(ax, spec: ChartSpec, y: list[int]) -> None:
    left = [0.0] * len(y)
    for s in spec.series:
        vals = _zero(s.values)
        ax.barh(y, vals, left=left, color=s.colors[0] if s.colors else None, label=s.name)
        left = [a + b for a, b in zip(left, vals)]
    ax.legend(loc="lower right", fontsize=8, frameon=False)


def _group(ax, spec: ChartSpec, y: list[int]) -> None:
    h = 0.8 / max(1, len(spec.series))
    for k, s in enumerate(spec.series):
        ax.barh([yi + k * h - 0.4 + h / 2 for yi in y], _zero(s.values), height=h,
                color=s.colors[0] if s.colors else None, label=s.name)
    if spec.target is not None:
        ax.axvline(spec.target, color=TARGET_COLOR, linestyle="--", linewidth=1)
    if spec.value_range:
        ax.set_xlim(*spec.value_range)
    ax.legend(loc="lower left", fontsize=8, frameon=True)


def draw(spec: ChartSpec, width: float = 10.0):
    """The matplotlib figure of a spec: horizontal bars, the first category on top."""
    fig = new_figure(width, max(3.5, 0.36 * len(spec.categories) + 2.0))
    ax = fig.add_subplot(111)
    y = list(range(len(spec.categories)))
    {"single": _single, "stack": _stack, "group": _group}[spec.layout](ax, spec, y)
    ax.set_yticks(y, list(spec.categories))
    ax.invert_yaxis()
    ax.set_xlabel(spec.value_label)
    ax.set_title(spec.title, fontsize=13, fontweight="bold", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    fig.text(0.01, 0.01, spec.provenance, fontsize=7.5, color="#333333", va="bottom")
    if spec.sample_stamp:
        fig.text(0.99, 0.99, spec.sample_stamp, fontsize=10, fontweight="bold", color="#b30000",
                 ha="right", va="top")
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    return fig


def chart_file(spec: ChartSpec, fmt: str = "png", out=None) -> bytes:
    """The spec drawn as PNG or SVG bytes (also written to ``out``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r} (png or svg)")
    buf = io.BytesIO()
    draw(spec).savefig(buf, format=fmt, dpi=150)
    return write_out(buf.getvalue(), out)


