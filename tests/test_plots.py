"""The notebooks' plots speak the planner's language."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.i18n import use_language

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from planner.report.plots import plot_coverage_by_school, plot_pareto  # noqa: E402


def _fairness() -> pd.DataFrame:
    return pd.DataFrame({"school": ["甲校", "乙校"], "ratio": [0.25, 0.5], "lowest": [True, False]})


@pytest.mark.parametrize(
    ("lang", "xlabel", "title"),
    [
        ("zh", "覆盖率", "各成员校需求覆盖率（红色：最低）"),
        ("en", "coverage ratio", "Each member school's coverage ratio (red: the lowest)"),
    ],
)
def test_coverage_plot_words_follow_the_language(lang: str, xlabel: str, title: str) -> None:
    with use_language(lang):
        ax = plot_coverage_by_school(_fairness())
    assert (ax.get_xlabel(), ax.get_title()) == (xlabel, title)
    # The lowest school's bar is the red one.
    assert ax.patches[0].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb("tab:red"))


def test_pareto_legend_follows_the_language() -> None:
    frame = pd.DataFrame({"coverage": [1.0, 2.0, 1.5], "cost": [1.0, 3.0, 3.5]})
    front = frame.iloc[:2]
    for lang, words in (("zh", ["方案", "帕累托前沿"]), ("en", ["variant", "Pareto front"])):
        with use_language(lang):
            ax = plot_pareto(frame, "coverage", "cost", front)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == words
