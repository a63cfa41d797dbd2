"""Server-rendered SVG charts: no JavaScript, no CDN, readable on a phone.

Each function returns an SVG string marked safe for templates. Values are numbers;
labels are strings. Colours come from the stylesheet's custom properties.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def _fmt(value):
    if value is None:
        return ""
    value = float(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}".replace(".0", "")
    if value == int(value):
        return f"{int(value)}"
    return f"{value:.1f}"


def bar_chart(items, *, title="", width=560, bar_height=26, value_format=_fmt, max_value=None):
    """Horizontal bars: items is [(label, value)]."""
    items = list(items)
    if not items:
        return mark_safe('<p class="muted">No data yet.</p>')
    label_w = 150
    top = 4
    height = top + len(items) * (bar_height + 8)
    biggest = max_value or max((float(v or 0) for _, v in items), default=0) or 1
    chart_w = width - label_w - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + 8)
        w = max(0.0, float(value or 0)) / biggest * chart_w
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.68:.1f}" text-anchor="end" '
            f'class="chart-label">{escape(str(label)[:24])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="4" '
            f'class="chart-bar"><title>{escape(str(label))}: {escape(value_format(value))}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.68:.1f}" '
            f'class="chart-value">{escape(value_format(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(items, *, title="", width=560, height=220, value_format=_fmt, target=None):
    """Vertical columns: items is [(label, value)]; optional target line."""
    items = list(items)
    if not items:
        return mark_safe('<p class="muted">No data yet.</p>')
    pad_l, pad_b, pad_t = 58, 28, 14
    values = [float(v or 0) for _, v in items]
    biggest = max(values + ([float(target)] if target else [])) or 1
    plot_w, plot_h = width - pad_l - 8, height - pad_b - pad_t
    slot = plot_w / len(items)
    bar_w = max(4.0, slot * 0.62)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - 8}" y2="{pad_t + plot_h}" '
        f'class="chart-axis"/>',
        f'<text x="{pad_l - 6}" y="{pad_t + 4}" text-anchor="end" class="chart-label">'
        f"{escape(value_format(biggest))}</text>",
    ]
    for i, ((label, _), value) in enumerate(zip(items, values, strict=False)):
        h = max(0.0, value) / biggest * plot_h
        x = pad_l + i * slot + (slot - bar_w) / 2
        y = pad_t + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="3" '
            f'class="chart-bar"><title>{escape(str(label))}: {escape(value_format(value))}</title></rect>'
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" text-anchor="middle" '
            f'class="chart-label">{escape(str(label)[:10])}</text>'
        )
    if target:
        ty = pad_t + plot_h - float(target) / biggest * plot_h
        parts.append(
            f'<line x1="{pad_l}" y1="{ty:.1f}" x2="{width - 8}" y2="{ty:.1f}" class="chart-target">'
            f"<title>Target {escape(value_format(target))}</title></line>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    series,
    labels,
    *,
    title="",
    width=560,
    height=220,
    value_format=_fmt,
    min_value=None,
    max_value=None,
):
    """Lines: series is [(name, [value or None per label])]."""
    labels = list(labels)
    if not labels or not series:
        return mark_safe('<p class="muted">No data yet.</p>')
    pad_l, pad_b, pad_t, pad_r = 58, 28, 14, 24
    all_values = [float(v) for _, vs in series for v in vs if v is not None]
    if not all_values:
        return mark_safe('<p class="muted">No data yet.</p>')
    low = min_value if min_value is not None else min(0.0, min(all_values))
    high = max_value if max_value is not None else max(all_values) or 1
    span = (high - low) or 1
    plot_w, plot_h = width - pad_l - pad_r, height - pad_b - pad_t
    step = plot_w / max(1, len(labels) - 1)

    def point(i, v):
        return pad_l + i * step, pad_t + plot_h - (float(v) - low) / span * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 18 * len(series)}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - pad_r}" y2="{pad_t + plot_h}" '
        f'class="chart-axis"/>',
        f'<text x="{pad_l - 6}" y="{pad_t + 4}" text-anchor="end" class="chart-label">'
        f"{escape(value_format(high))}</text>",
        f'<text x="{pad_l - 6}" y="{pad_t + plot_h}" text-anchor="end" class="chart-label">'
        f"{escape(value_format(low))}</text>",
    ]
    every = max(1, len(labels) // 8)
    last = len(labels) - 1
    for i, label in enumerate(labels):
        if i % every == 0 or i == last:
            if i == last and i % every and last - (last // every) * every < every / 2:
                continue  # too close to the previous label
            x, _ = point(i, low)
            # the first and last labels hang inwards so the edges don't clip them
            anchor = "start" if i == 0 and last else "end" if i == last and last else "middle"
            parts.append(
                f'<text x="{x:.1f}" y="{height - 10}" text-anchor="{anchor}" class="chart-label">'
                f"{escape(str(label)[:10])}</text>"
            )
    for n, (name, values) in enumerate(series):
        css = f"chart-series-{n % 6}"
        points = [point(i, v) for i, v in enumerate(values) if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" class="chart-line {css}"/>')
            for (x, y), v in zip(points, [v for v in values if v is not None], strict=False):
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="chart-dot {css}">'
                    f"<title>{escape(name)}: {escape(value_format(v))}</title></circle>"
                )
        ly = height + 6 + n * 18
        parts.append(
            f'<rect x="{pad_l}" y="{ly}" width="12" height="4" class="chart-key {css}"/>'
            f'<text x="{pad_l + 18}" y="{ly + 6}" class="chart-label">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
