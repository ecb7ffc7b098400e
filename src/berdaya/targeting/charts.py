"""Server-rendered SVG bar charts: the geometry is worked out here, the template only draws rectangles (no
JavaScript, no inline styles: colours come from classes in berdaya.css)."""

from __future__ import annotations

from dataclasses import dataclass

BAR, GAP, HEIGHT, TOP, BOTTOM = 22, 4, 90, 14, 16


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    css: str


def _bars(values: list[int], labels: list[str], classes: list[str]) -> tuple[list[Bar], int, int]:
    peak = max(values) or 1
    bars = []
    for i, (value, label, css) in enumerate(zip(values, labels, classes, strict=True)):
        height = HEIGHT * value / peak
        bars.append(Bar(x=GAP + i * (BAR + GAP), y=TOP + HEIGHT - height, width=BAR, height=height, value=value,
                        label=label, css=css))
    width = GAP + len(values) * (BAR + GAP)
    return bars, width, TOP + HEIGHT + BOTTOM


def desil_chart(distribution) -> dict:
    """Ten bars (desil 1 = poorest, left) for one village."""
    labels = [str(d) for d in range(1, 11)]
    classes = [f"bar desil-{'low' if d <= 4 else 'mid' if d <= 7 else 'high'}" for d in range(1, 11)]
    bars, width, height = _bars(distribution.counts, labels, classes)
    return {"village": distribution, "bars": bars, "width": width, "height": height, "base": TOP + HEIGHT}


def histogram_chart(bins: list[tuple[float, float, int]]) -> dict:
    labels = [f"{lo:.0f}–{hi:.0f}" for lo, hi, _n in bins]
    bars, width, height = _bars([n for _lo, _hi, n in bins], labels, ["bar welfare"] * len(bins))
    return {"bars": bars, "width": width, "height": height, "base": TOP + HEIGHT,
            "low": labels[0].split("–")[0], "high": labels[-1].split("–")[1]}
