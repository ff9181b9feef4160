"""Server-side SVG geometry for the dashboard's charts: the templates draw what this
computes, so the page needs no chart script and the Content-Security-Policy stays strict.

Every chart is drawn in its own viewBox and scaled by CSS to the width available, so it
never overflows a phone's screen; its table (same figures) follows it on the page.
"""

from dataclasses import dataclass

LABEL_WIDTH = 170
BAR_WIDTH = 400
VALUE_WIDTH = 70
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    text_y: int
    segments: list[dict]  # {"x", "width", "css", "title"}
    value: str


def _bar_frame(bars: list[Bar]) -> dict:
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 6,
    }


def outcome_chart(rows) -> dict:
    """One stacked bar per row: met on time, then breached, as % of the row's clocks."""
    bars = []
    for index, row in enumerate(rows):
        met = BAR_WIDTH * row.met_on_time_percent / 100
        breached = BAR_WIDTH * row.breach_rate_percent / 100
        bars.append(
            Bar(
                label=row.label,
                y=index * ROW_HEIGHT + 4,
                text_y=index * ROW_HEIGHT + 17,
                segments=[
                    {"x": LABEL_WIDTH, "width": round(met, 1), "css": "chart-met"},
                    {
                        "x": round(LABEL_WIDTH + met, 1),
                        "width": round(breached, 1),
                        "css": "chart-breached",
                    },
                ],
                value=f"{row.met_on_time_percent:.0f} %",
            )
        )
    return _bar_frame(bars)


def count_chart(buckets) -> dict:
    """One bar per bucket, scaled to the largest count."""
    largest = max((bucket.count for bucket in buckets), default=0) or 1
    bars = [
        Bar(
            label=bucket.label,
            y=index * ROW_HEIGHT + 4,
            text_y=index * ROW_HEIGHT + 17,
            segments=[
                {
                    "x": LABEL_WIDTH,
                    "width": round(BAR_WIDTH * bucket.count / largest, 1),
                    "css": "chart-count",
                }
            ],
            value=str(bucket.count),
        )
        for index, bucket in enumerate(buckets)
    ]
    return _bar_frame(bars)


TREND_WIDTH = 640
TREND_HEIGHT = 200
TREND_LEFT = 40
TREND_BOTTOM = 24
TREND_SERIES = (
    ("created", "chart-created"),
    ("resolved", "chart-resolved"),
    ("breached", "chart-breached-line"),
)


def trend_chart(points) -> dict:
    """Created, resolved and breached per bucket as three lines over the period."""
    plot_width = TREND_WIDTH - TREND_LEFT - 10
    plot_height = TREND_HEIGHT - TREND_BOTTOM - 10
    largest = max(
        (getattr(point, name) for point in points for name, _css in TREND_SERIES), default=0
    )
    top = max(largest, 1)
    step = plot_width / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return round(TREND_LEFT + index * step, 1)

    def y(value: int) -> float:
        return round(10 + plot_height * (1 - value / top), 1)

    series = [
        {
            "name": name,
            "css": css,
            "points": " ".join(f"{x(i)},{y(getattr(p, name))}" for i, p in enumerate(points)),
        }
        for name, css in TREND_SERIES
    ]
    # At most about eight date labels, whatever the number of buckets.
    every = max(len(points) // 8, 1)
    labels = [
        {"x": x(i), "text": point.start.isoformat()[5:]}
        for i, point in enumerate(points)
        if i % every == 0
    ]
    return {
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "series": series,
        "labels": labels,
        "label_y": TREND_HEIGHT - 6,
        "axis_y": y(0),
        "axis_x1": TREND_LEFT,
        "axis_x2": TREND_LEFT + plot_width,
        "top": top,
        "top_y": y(top) + 4,
    }
