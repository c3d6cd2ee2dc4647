"""The bulletin's charts as inline SVG, drawn here in Python (no script, no library, nothing fetched)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bulletin.content import Bulletin

PALETTE = ["#1f4e79", "#2e75b6", "#8fb4d9", "#bf9000", "#7f6a93", "#5b8c5a", "#a5a5a5"]
BONUS = "#548235"
DEDUCTION = "#c00000"
TARGET = "#c00000"
GRID = "#d9d9d9"
INK = "#262626"
# Each chart's viewBox is as wide as the chart prints, in CSS px (A4 less the margins: 688 px; a third of it
# 222, a half 336), so a font of MIN_FONT units prints at 8.25 pt: no text on the page is smaller than 8 pt.
MIN_FONT = 11
WIDE, HALF, THIRD = 688, 336, 222


def _svg(chart: str, title: str, width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg class="chart" data-chart="{chart}" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, size: float = 11, anchor: str = "start", **attrs: str) -> str:
    attrs = {"fill": INK, **attrs}  # one fill attribute: a second one would be ignored
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}>'
        f"{escape(text)}</text>"
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, label: str = "") -> str:
    tip = f"<title>{escape(label)}</title>" if label else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}">{tip}</rect>'
    )


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value`."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for k in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if k * step >= value:
            return k * step
    return 10 * step


def _legend(
    x: float, y: float, items: Sequence[tuple[str, str]], size: float = MIN_FONT, max_x: float = 10_000
) -> list[str]:
    """Colour keys left to right, continued on the next line past `max_x`."""
    out, start = [], x
    for label, color in items:
        step = 13 + size * (sum(1 if ord(ch) > 0x2E80 else 0.6 for ch in label) + 1.2)
        if x > start and x + step > max_x:
            x, y = start, y + size + 5
        out.append(_rect(x, y - 8, 10, 10, color))
        out.append(_text(x + 13, y + 1, label, size))
        x += step
    return out


def points_by_component(b: Bulletin) -> str:
    """Stacked bars: each unit's points by indicator, bonus to the right, deductions to the left."""
    codes = b.indicators
    colors = {code: PALETTE[i % len(PALETTE)] for i, (code, _) in enumerate(codes)}
    rows = b.standings
    left, label_w, right, bar_h, gap, top = 4, 150, 44, 12, 1.5, 42
    width = WIDE
    neg = max([-s.kind_points("deduction") for s in rows] + [0])
    pos = max(
        [sum(max(s.item_points(c) or 0, 0) for c, _ in codes) + s.kind_points("bonus") for s in rows] + [1]
    )
    scale_max = _nice_max(pos)
    plot_w = width - left - label_w - right
    unit = plot_w / (scale_max + max(neg, 0))
    x0 = left + label_w + neg * unit
    height = top + len(rows) * (bar_h + gap) + 30
    body = _legend(
        left,
        14,
        [(f"{code} {label}", colors[code]) for code, label in codes] + [("加分", BONUS), ("减分", DEDUCTION)],
        max_x=width,
    )
    for tick in range(0, int(scale_max) + 1, max(int(scale_max // 6), 1)):
        x = x0 + tick * unit
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 24}" stroke="{GRID}"/>')
        body.append(_text(x, height - 12, f"{tick}", MIN_FONT, "middle"))
    for i, s in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(_text(left + label_w - 6, y + bar_h - 2, s.name_zh, MIN_FONT, "end"))
        x = x0
        for code, label in codes:
            pts = s.item_points(code) or 0
            if pts > 0:
                body.append(_rect(x, y, pts * unit, bar_h, colors[code], f"{s.name_zh} {label} {pts:.2f}"))
                x += pts * unit
        bonus = s.kind_points("bonus")
        if bonus > 0:
            body.append(_rect(x, y, bonus * unit, bar_h, BONUS, f"{s.name_zh} 加分 {bonus:.2f}"))
            x += bonus * unit
        ded = -s.kind_points("deduction")
        if ded > 0:
            body.append(
                _rect(x0 - ded * unit, y, ded * unit, bar_h, DEDUCTION, f"{s.name_zh} 减分 {ded:.2f}")
            )
        total = "—" if s.total is None else f"{s.total:.2f}"
        body.append(_text(x + 4, y + bar_h - 2, total, MIN_FONT))
    body.append(f'<line x1="{x0:.1f}" y1="{top - 4}" x2="{x0:.1f}" y2="{height - 24}" stroke="{INK}"/>')
    return _svg("points", "各单位得分构成", width, height, body)


def cumulative(b: Bulletin, indicator: str, title: str) -> str:
    """Month-by-month cumulative value against the annual target and the time-elapsed line (序时进度)."""
    series = b.series.get(indicator, [])
    target = b.targets.get(indicator)
    width, height, left, right, top, bottom = THIRD, 196, 34, 6, 14, 52
    vmax = _nice_max(max([v or 0 for _, v in series] + [target or 0, 1]))
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(m: float, v: float) -> tuple[float, float]:
        return left + (m - 0.5) / 12 * plot_w, top + plot_h - v / vmax * plot_h

    body = []
    for k in range(5):
        v = vmax * k / 4
        y = xy(1, v)[1]
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 3, y + 4, f"{v:g}", MIN_FONT, "end"))
    for m in range(1, 13):
        body.append(_text(xy(m, 0)[0], height - bottom + 14, f"{m}", MIN_FONT, "middle"))
    if target:
        ty = xy(1, target)[1]
        body.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="{TARGET}" '
            f'stroke-dasharray="5 3"/>'
        )
        # under the line at the right: the latest value is labelled above its point, at the left early on
        body.append(_text(width - right - 2, ty + 13, f"年度目标 {target:g}", MIN_FONT, "end"))
        (x1, y1), (x2, y2) = xy(0.5, 0), xy(12, target)
        body.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#7f7f7f" '
            f'stroke-dasharray="2 3"/>'
        )
    points = [xy(m, v) for m, v in series if v is not None]
    for (m, v), (x, y) in zip([s for s in series if s[1] is not None], points, strict=True):
        body.append(_rect(x - 6, y, 12, xy(m, 0)[1] - y, "#bdd7ee", f"{m}月 {v:.2f}"))
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
        body.append(f'<path d="{path}" fill="none" stroke="#1f4e79" stroke-width="2"/>')
        x, y = points[-1]
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1f4e79"/>')
        anchor = "end" if x > width * 0.6 else "middle"
        body.append(_text(x, y - 6, f"{series[-1][1]:.2f}", MIN_FONT, anchor, font_weight="bold"))
    body += _legend(4, height - 18, [("累计完成", "#1f4e79"), ("年度目标", TARGET)], MIN_FONT)
    body += _legend(4, height - 3, [("序时进度", "#7f7f7f")], MIN_FONT)
    return _svg(f"cumulative_{indicator}", title, width, height, body)


def funnel(b: Bulletin) -> str:
    """The stage funnel: projects that reached each stage (and are in it now)."""
    width, height, top, row_h = THIRD, 196, 4, 34
    widest = max([reached for _, _, reached in b.funnel] + [1])
    body = [_text(width / 2, height - 6, "数字：达到该阶段及以后的项目数", MIN_FONT, "middle")]
    centre, max_w = 112, 112
    for i, (label, now, reached) in enumerate(b.funnel):
        w = max(reached / widest * max_w, 2)
        y = top + i * row_h
        shade = PALETTE[min(i, len(PALETTE) - 1)]
        body.append(_rect(centre - w / 2, y, w, row_h - 8, shade, f"{label} {reached}（当前 {now}）"))
        body.append(_text(2, y + 20, label, 12))
        digits = len(str(reached)) * 8 + 8  # the number goes inside its bar only when the bar can hold it
        if w >= digits:
            colour = "#ffffff" if i < 2 else INK
            body.append(_text(centre, y + 20, f"{reached}", 12, "middle", fill=colour, font_weight="bold"))
        else:
            body.append(_text(centre + w / 2 + 3, y + 20, f"{reached}", 12, "start", font_weight="bold"))
        body.append(_text(width - 1, y + 20, f"当前{now}", MIN_FONT, "end"))
    return _svg("funnel", "项目推进漏斗", width, height, body)


def industry_mix(b: Bulletin) -> str:
    """Contract amount signed in the period by industry (the 4+1 industry mix), with shares."""
    width, top, row_h, left = HALF, 4, 21, 84
    total = sum(v for _, v in b.industries) or 1
    vmax = max([v for _, v in b.industries] + [1])
    height = top + len(b.industries) * row_h + 4
    body = []
    for i, (label, value) in enumerate(b.industries):
        y = top + i * row_h
        body.append(_text(left - 6, y + 15, label, 12, "end"))
        w = value / vmax * 130
        body.append(
            _rect(
                left,
                y + 4,
                max(w, 1),
                row_h - 10,
                PALETTE[0] if i < 4 else PALETTE[2],
                f"{label} {value:.2f} 亿元",
            )
        )
        body.append(_text(left + w + 4, y + 15, f"{value:.2f}（{value / total * 100:.1f}%）", 12))
    return _svg("industries", "产业结构", width, height, body)


def leads(b: Bulletin) -> str:
    """Leads shared between units: given (left) and received, answered on time, late or still open (right)."""
    units = sorted({lead.sharer for lead in b.leads} | {lead.receiver for lead in b.leads})
    width, top, row_h, centre = HALF, 38, 14.5, 226
    given = {u: sum(1 for lead in b.leads if lead.sharer == u) for u in units}
    on_time = {u: sum(1 for x in b.leads if x.receiver == u and x.feedback_on and not x.late) for u in units}
    late = {u: sum(1 for x in b.leads if x.receiver == u and x.late) for u in units}
    pending = {
        u: sum(1 for x in b.leads if x.receiver == u and not x.feedback_on and not x.late) for u in units
    }
    vmax = max([given[u] for u in units] + [on_time[u] + late[u] + pending[u] for u in units] + [1])
    unit_w = 60 / vmax
    height = top + max(len(units), 1) * row_h + 10
    body = _legend(4, 12, [("共享给他单位", PALETTE[1]), ("按时反馈", BONUS)], MIN_FONT)
    body += _legend(4, 28, [("反馈超期", DEDUCTION), ("期限内待反馈", "#a5a5a5")], MIN_FONT)
    for i, u in enumerate(units):
        y = top + i * row_h
        body.append(_text(centre - 72, y + 11, b.unit_names.get(u, u), MIN_FONT, "end"))
        body.append(
            _rect(
                centre - given[u] * unit_w,
                y + 1,
                given[u] * unit_w,
                row_h - 4,
                PALETTE[1],
                f"共享 {given[u]} 条",
            )
        )
        if given[u]:
            body.append(_text(centre - given[u] * unit_w - 3, y + 11, str(given[u]), MIN_FONT, "end"))
        x = centre + 1
        for count, color, what in (
            (on_time[u], BONUS, "按时反馈"),
            (late[u], DEDUCTION, "反馈超期"),
            (pending[u], "#a5a5a5", "待反馈"),
        ):
            if count:
                body.append(_rect(x, y + 1, count * unit_w, row_h - 4, color, f"{what} {count} 条"))
                x += count * unit_w
        total = on_time[u] + late[u] + pending[u]
        if total:
            body.append(_text(x + 3, y + 11, str(total), MIN_FONT))
    body.append(f'<line x1="{centre}" y1="{top - 4}" x2="{centre}" y2="{height - 8}" stroke="{INK}"/>')
    if not units:
        body.append(_text(width / 2, top + 12, "本期无共享线索", MIN_FONT, "middle"))
    return _svg("leads", "线索共享情况", width, height, body)


def all_charts(b: Bulletin) -> dict[str, str]:
    """Every chart of the bulletin by name (the template places them)."""
    return {
        "points": points_by_component(b),
        "contract": cumulative(b, "contract_amount_industrial", "产业类项目协议引资额累计（亿元）"),
        "funds": cumulative(b, "funds_in_place_industrial", "产业类项目实际到位资金累计（亿元）"),
        "funnel": funnel(b),
        "industries": industry_mix(b),
        "leads": leads(b),
    }
