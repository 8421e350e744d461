"""Bar charts as server-drawn SVG: no JavaScript, no chart library, readable offline.

The numbers are also in the markup as text (each bar's label and value, and a table beside the
chart), for screen readers and for tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WIDTH = 320
BAR_HEIGHT = 18
GAP = 8
LABEL_WIDTH = 110
VALUE_WIDTH = 40


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    y: int
    width: int  # in SVG units; at least 1 for a non-zero value so it stays visible
    text_y: int


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def bar_x(self) -> int:
        return self.label_width

    @property
    def value_x(self) -> int:
        return self.width - VALUE_WIDTH + 4

    @property
    def summary(self) -> str:
        """The chart in words, for `aria-label`."""
        parts = ", ".join(f"{b.label} {b.value}" for b in self.bars) or "nothing yet"
        return f"{self.title}: {parts}"


def bar_chart(title: str, values: Mapping[str, int]) -> BarChart:
    """Horizontal bars scaled to the largest value."""
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = max(values.values(), default=0)
    bars = []
    for i, (label, value) in enumerate(values.items()):
        width = 0 if top == 0 or value <= 0 else max(1, round(room * value / top))
        y = i * (BAR_HEIGHT + GAP)
        bars.append(Bar(label, value, y, width, y + BAR_HEIGHT - 4))
    height = max(len(bars) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return BarChart(title, tuple(bars), height)
