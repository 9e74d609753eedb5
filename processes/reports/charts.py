"""The PDF's charts, drawn by matplotlib (Agg, no display) in Noto Sans CJK JP so that Japanese labels render and the
font is embedded in the PDF. One PNG per chart of the layout, from the table's own numbers."""
from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from processes.reports.layout import Chart, Table

FONT_FILES = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
              Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"))
FONT_NAME = "Noto Sans CJK JP"
COLOURS = ["#1f5fa8", "#e07b00", "#2e8b57", "#8e44ad"]


@lru_cache(maxsize=1)
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    for path in FONT_FILES:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            break
    matplotlib.rcParams.update({"font.family": FONT_NAME, "axes.unicode_minus": False, "font.size": 9})
    return pyplot


def chart_png(table: Table, chart: Chart, size: tuple[float, float] = (6.4, 3.0)) -> bytes:
    plt = _pyplot()
    labels = [str(row[0]) for row in table.rows]
    figure, axes = plt.subplots(figsize=size, dpi=150)
    try:
        count = len(chart.series)
        width = 0.8 / max(count, 1)
        for number, column in enumerate(chart.series):
            values = [row[column] if isinstance(row[column], int | float) else float("nan") for row in table.rows]
            if chart.percent:
                values = [v * 100 for v in values]
            colour = COLOURS[number % len(COLOURS)]
            if chart.kind == "line":
                axes.plot(range(len(labels)), values, marker="o", label=table.columns[column], color=colour)
            else:
                axes.bar([i + (number - (count - 1) / 2) * width for i in range(len(labels))], values, width,
                         label=table.columns[column], color=colour)
        axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 8 else 0,
                        ha="right" if len(labels) > 8 else "center", fontsize=7 if len(labels) > 8 else 8)
        axes.set_title(chart.title)
        if chart.percent:
            axes.set_ylabel("%")
            axes.set_ylim(0, 105)
        axes.grid(axis="y", alpha=0.3)
        axes.legend(fontsize=7, loc="best")
        figure.tight_layout()
        out = BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)
