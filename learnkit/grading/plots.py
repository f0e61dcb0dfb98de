"""The pictures of the feedback reports, as PNG ``data:`` URIs (pages stay self-contained).

Figures are made with ``matplotlib.figure.Figure`` on the Agg canvas: no pyplot state, no GUI
backend, safe in a batch process. Every function returns ``None`` instead of raising when
there is nothing it can draw.
"""
from __future__ import annotations

import base64
import io
import math
from typing import Mapping, Sequence

from learnkit.i18n import _

DPI = 80  # small PNGs: a class page with 200 students embeds hundreds of them


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def data_uri(fig, tight: bool = True) -> str:
    """PNG of ``fig``; ``tight=False`` keeps the figure's own margins (twice as fast: no extra draw)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight" if tight else None)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _number(v) -> float:
    """JSON null (an epoch whose loss was NaN/inf) and junk become NaN."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return float("nan")
    return x if math.isfinite(x) else float("nan")


def clean_history(history) -> dict[str, list[float]]:
    if not isinstance(history, Mapping):
        return {}
    out = {}
    for k, values in history.items():
        if isinstance(values, (list, tuple)):
            out[str(k)] = [_number(v) for v in values]
    return out


def _key_pairs(h: Mapping[str, list]) -> list[tuple[str, str]]:
    """(validation key, training key) pairs to try: loss first, then any metric."""
    pairs = [("val_loss", "loss")]
    pairs += [(f"val_{k}", k) for k in h if not k.startswith("val_") and k != "loss"]
    pairs += [("", k) for k in h]  # a lone curve, drawn as "training"
    return pairs


def history_plot(history, title: str) -> str | None:
    """A learning-curve PNG for one history dict (values may be null), or None."""
    from matplotlib.ticker import MaxNLocator

    from learnkit.keras.plots import plot_history

    h = clean_history(history)
    if not any(h.values()):
        return None
    for key, train_key in _key_pairs(h):
        fig = _figure(6, 3.4)
        fig.subplots_adjust(left=0.15, right=0.97, bottom=0.15, top=0.91)  # room for labels and title
        ax = fig.add_subplot()
        try:
            plot_history(h, ax=ax, title=title, key=key, train_key=train_key)
        except Exception:  # NotAHistory for these keys: try the next pair
            continue
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs
        ax.title.set_fontsize(10)
        return data_uri(fig, tight=False)  # hundreds of these in a big class
    return None


def score_histogram(percents: Sequence[float]) -> str | None:
    if not percents:
        return None
    fig = _figure(6, 3)
    ax = fig.add_subplot()
    ax.hist(list(percents), bins=[i * 10 for i in range(11)], color="#3366cc", edgecolor="white")
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("score (% of the maximum)"))
    ax.set_ylabel(_("submissions"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    return data_uri(fig)


def pass_rate_chart(labels: Sequence[str], rates: Sequence[float]) -> str | None:
    """Horizontal bars, one per question, of the fraction of submissions that got it right."""
    if not labels:
        return None
    fig = _figure(6, 0.8 + 0.35 * len(labels))
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, [100 * r for r in rates], color="#2e7d32")
    ax.set_yticks(ys, list(labels))
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("passed (% of submissions)"))
    return data_uri(fig)
