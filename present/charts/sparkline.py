"""A report card's sparkline: a small SVG image, straight segments on one scale for every KPI, in its zone colour.

Streamlit's own sparkline column draws smoothed curves on each row's own scale, so a flat line and a collapse
look alike; this one is drawn on attainment of target (1 = on target; etl.evaluation.target_attainment), from 0
to the cap, with the target as a dotted line.
"""
from __future__ import annotations

import base64

from present.charts.style import ZONE_COLOURS

WIDTH, HEIGHT, PAD = 120, 32, 3
IMAGE_PREFIX = "data:image/svg+xml;base64,"


def sparkline(values: list[float | None], zone: str, top: float) -> str:
    """A data URL of the line through `values` (gaps where None), scaled 0..`top`, coloured by `zone`."""
    def x(i: int) -> float:
        return PAD + i * (WIDTH - 2 * PAD) / max(1, len(values) - 1)

    def y(v: float) -> float:
        return HEIGHT - PAD - min(max(v, 0.0), top) / top * (HEIGHT - 2 * PAD)

    colour = ZONE_COLOURS.get(zone, ZONE_COLOURS["none"])
    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            runs, run = runs + [run] if run else runs, []
        else:
            run.append(f"{x(i):.1f},{y(v):.1f}")
    runs += [run] if run else []
    lines = "".join(f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="2"/>' for r in runs)
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None), None)
    dot = f'<circle cx="{x(last[0]):.1f}" cy="{y(last[1]):.1f}" r="2.5" fill="{colour}"/>' if last else ""
    target = f'<line x1="0" x2="{WIDTH}" y1="{y(1.0):.1f}" y2="{y(1.0):.1f}" stroke="#888" stroke-dasharray="2,2"/>'
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}">{target}{lines}{dot}</svg>')
    return IMAGE_PREFIX + base64.b64encode(svg.encode()).decode()
