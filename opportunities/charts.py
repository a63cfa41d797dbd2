"""SVG of opportunity management: the stakeholder map and bars with interval whiskers.

Server-rendered, no JavaScript; colours inline or from the stylesheet's chart classes.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

STANCE_X = {"opposed": 0, "unknown": 1, "neutral": 1, "supporter": 2}
INFLUENCE_Y = {"high": 0, "medium": 1, "low": 2}
STANCE_COLOUR = {
    "opposed": "#c92a2a",
    "neutral": "#868e96",
    "unknown": "#adb5bd",
    "supporter": "#2b8a3e",
}


def stakeholder_map(stakeholders, *, width=480, height=300):
    """Influence (rows) against stance (columns): one labelled dot per person."""
    if not stakeholders:
        return mark_safe('<p class="muted">No stakeholders yet: add the buying group below.</p>')
    pad_l, pad_t, pad_b = 70, 10, 34
    cell_w = (width - pad_l - 8) / 3
    cell_h = (height - pad_t - pad_b) / 3
    parts = [
        f'<svg class="chart stakeholder-map" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Stakeholder map: influence against stance" '
        'preserveAspectRatio="xMinYMin meet"><title>Stakeholder map</title>'
    ]
    for col in range(3):
        for row in range(3):
            fill = "#fff5f5" if (col == 0 and row == 0) else "#f8f9fa"
            parts.append(
                f'<rect x="{pad_l + col * cell_w:.1f}" y="{pad_t + row * cell_h:.1f}" '
                f'width="{cell_w - 2:.1f}" height="{cell_h - 2:.1f}" rx="4" fill="{fill}"/>'
            )
    for row, label in enumerate(("High", "Medium", "Low")):
        parts.append(
            f'<text x="{pad_l - 8}" y="{pad_t + row * cell_h + cell_h / 2 + 4:.1f}" '
            f'text-anchor="end" class="chart-label">{label}</text>'
        )
    for col, label in enumerate(("Opposed", "Neutral / unknown", "Supporter")):
        parts.append(
            f'<text x="{pad_l + col * cell_w + cell_w / 2:.1f}" y="{height - 12}" '
            f'text-anchor="middle" class="chart-label">{label}</text>'
        )
    placed = {}
    for s in stakeholders:
        col, row = STANCE_X.get(s.stance, 1), INFLUENCE_Y.get(s.influence, 1)
        n = placed.get((col, row), 0)
        placed[(col, row)] = n + 1
        x = pad_l + col * cell_w + 14 + (n % 2) * (cell_w / 2)
        y = pad_t + row * cell_h + 18 + (n // 2) * 22
        name = s.contact.full_name
        title = f"{name}: {s.get_buying_role_display()}, {s.get_stance_display()}, {s.get_influence_display()} influence"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{STANCE_COLOUR.get(s.stance)}">'
            f"<title>{escape(title)}</title></circle>"
            f'<text x="{x + 10:.1f}" y="{y + 4:.1f}" class="chart-label">'
            f"{escape(name[:18])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def interval_bars(groups, *, overall=None, width=620, bar_height=22, title="Win rate"):
    """Horizontal bars of win rate (0-100%) with 95% whiskers; greyed rows under the
    minimum sample; a dashed line at the overall rate."""
    groups = list(groups)
    if not groups:
        return mark_safe('<p class="muted">No closed deals in this period.</p>')
    label_w, right = 190, 110
    top, gap = 8, 10
    plot_w = width - label_w - right
    height = top + len(groups) * (bar_height + gap) + 22

    def x(rate):
        return label_w + max(0.0, min(1.0, rate)) * plot_w

    parts = [
        f'<svg class="chart what-works-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{height - 20}" '
            'class="chart-axis"/>'
            f'<text x="{x(tick):.1f}" y="{height - 6}" text-anchor="middle" '
            f'class="chart-label">{int(tick * 100)}%</text>'
        )
    for i, g in enumerate(groups):
        y = top + i * (bar_height + gap)
        rate = g.win_rate or 0
        opacity = "0.35" if g.small_sample else "1"
        colour = {"better": "#2b8a3e", "worse": "#c92a2a"}.get(g.flag or "", "")
        fill = f' style="fill:{colour}"' if colour else ""
        tip = f"{g.label}: {rate * 100:.0f}% of {g.deals} deals"
        if g.interval:
            tip += f" (95% interval {g.interval[0] * 100:.0f}–{g.interval[1] * 100:.0f}%)"
        parts.append(
            f'<g opacity="{opacity}"><text x="{label_w - 8}" y="{y + bar_height * 0.7:.1f}" '
            f'text-anchor="end" class="chart-label">{escape(g.label[:28])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{x(rate) - label_w:.1f}" height="{bar_height}" '
            f'rx="3" class="chart-bar"{fill}><title>{escape(tip)}</title></rect>'
        )
        if g.interval:
            lo, hi = x(g.interval[0]), x(g.interval[1])
            mid = y + bar_height / 2
            parts.append(
                f'<line x1="{lo:.1f}" y1="{mid:.1f}" x2="{hi:.1f}" y2="{mid:.1f}" '
                'stroke="#212529" stroke-width="1.5"/>'
                f'<line x1="{lo:.1f}" y1="{mid - 6:.1f}" x2="{lo:.1f}" y2="{mid + 6:.1f}" '
                'stroke="#212529" stroke-width="1.5"/>'
                f'<line x1="{hi:.1f}" y1="{mid - 6:.1f}" x2="{hi:.1f}" y2="{mid + 6:.1f}" '
                'stroke="#212529" stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{width - right + 6}" y="{y + bar_height * 0.7:.1f}" class="chart-value">'
            f"{rate * 100:.0f}% · n={g.deals}</text></g>"
        )
    if overall is not None and overall.win_rate is not None:
        ox = x(overall.win_rate)
        parts.append(
            f'<line x1="{ox:.1f}" y1="{top - 4}" x2="{ox:.1f}" y2="{height - 20}" '
            f'class="chart-target"><title>Overall {overall.win_rate * 100:.0f}%</title></line>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
