"""Matplotlib helpers for the notebooks: a CJK font, and the usual plots.

Their words follow the planner's language (Chinese unless English is asked
for: ``planner.i18n.set_language("en")``).

School and group names are Chinese, so plots need a font with CJK glyphs.
:func:`use_cjk_font` picks the first installed one of :data:`CJK_FONTS`
(the project's setup installs Debian's ``fonts-noto-cjk``, whose family is
``Noto Sans CJK SC``); without any it warns once and keeps matplotlib's
default, so plots still draw (Chinese characters then show as boxes).
matplotlib is a notebook (dev) dependency, imported only here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from planner.i18n import _

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CJK_FONTS", "cjk_font", "plot_coverage_by_school", "plot_pareto", "use_cjk_font"]

CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)


def cjk_font() -> str | None:
    """The first font family of :data:`CJK_FONTS` matplotlib can find, or None."""
    from matplotlib import font_manager

    def find() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    found = find()
    if found is None:
        # matplotlib's font cache may predate the font's installation: add
        # the system's CJK font files to it directly.
        for path in font_manager.findSystemFonts():
            if "CJK" in Path(path).name or "wqy" in Path(path).name.lower():
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = find()
    return found


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese text; return the font family used (None: none found)."""
    import matplotlib as mpl

    family = cjk_font()
    if family is None:
        warnings.warn(
            "no CJK font found (install fonts-noto-cjk); Chinese labels will show as boxes",
            stacklevel=2,
        )
        return None
    mpl.rcParams["font.family"] = "sans-serif"
    sans = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    mpl.rcParams["font.sans-serif"] = [family, *sans]
    mpl.rcParams["axes.unicode_minus"] = False  # CJK fonts may lack U+2212
    return family


def plot_coverage_by_school(fairness: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars of each member school's coverage ratio (a fairness frame),
    the lowest highlighted."""
    import matplotlib.pyplot as plt

    if ax is None:
        _figure, ax = plt.subplots(figsize=(8, 0.35 * max(len(fairness), 4) + 1))
    data = fairness.sort_values("ratio")
    colours = ["tab:red" if low else "tab:blue" for low in data["lowest"]]
    ax.barh(data["school"], data["ratio"], color=colours)
    ax.set_xlim(0, 1)
    ax.set_xlabel(_("coverage ratio"))
    ax.set_title(_("Each member school's coverage ratio (red: the lowest)"))
    for y, value in enumerate(data["ratio"]):
        ax.text(value + 0.01, y, f"{value:.0%}", va="center", fontsize=8)
    return ax


def plot_pareto(
    frame: pd.DataFrame,
    x: str,
    y: str,
    front: pd.DataFrame,
    *,
    label: Sequence[str] = (),
    ax: Axes | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
) -> Axes:
    """Every variant as a point, the Pareto-efficient ones joined by a line.

    ``label`` names columns whose values annotate each point (e.g. the
    swept parameters).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _figure, ax = plt.subplots(figsize=(7, 5))
    data = frame.dropna(subset=[x, y])
    ax.scatter(data[x], data[y], color="tab:gray", label=_("variant"))
    line = front.sort_values(x)
    ax.plot(line[x], line[y], "o-", color="tab:red", label=_("Pareto front"))
    for _index, row in data.iterrows():
        if label:
            text = ", ".join(f"{row[c]}" for c in label)
            ax.annotate(
                text, (row[x], row[y]), textcoords="offset points", xytext=(4, 4), fontsize=8
            )
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(True, alpha=0.3)
    return ax
