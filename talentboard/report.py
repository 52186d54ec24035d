"""The briefing as one HTML file: the deck's content (a cover, the KPI wall, each key chart with its takeaway)
with the dashboard's own interactive charts, that opens offline in any browser and prints to A4, one view a page.

Self-contained: Plotly's JavaScript is inlined once, the type is a stack of fonts installed on the machine
(charts.FONT_FAMILY, no web fonts), and nothing is fetched (no CDN, no MathJax, no map tiles). Every text from
the data (branch, studio and people names) is escaped: a name reads as the text it is.

Printing: A4 portrait. The key charts are mostly ranked bar lists of up to charts.TOP_N branches, taller than
wide; portrait gives them the height (about 1,000 px a page) and a width of 186 mm (703 px) that every chart
is drawn at (CHART_WIDTH): Plotly does not lay a chart out again for print, so a chart is drawn, on screen
too, at a width that fits the printed page."""
from __future__ import annotations

import datetime as dt
import html
import json
import string

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from talentboard import charts, metrics, views
from talentboard.i18n import t
from talentboard.metrics import format_percent

CHART_WIDTH = 680  # px: inside A4 portrait's printable width (210 mm less 2 × 12 mm margins = 703 px at 96 dpi)
CHART_MAX_HEIGHT = 860  # px: a chart with many bars (the picked branches past the top 20) still fits one page
HTML_LANG = {"zh": "zh-CN", "en": "en"}

# The data tables' headers: the dashboard's own column names where it has them, the report's otherwise.
COLUMN_KEYS = {
    "branch": "col.branch", "headcount": "branch.col.headcount", "trained": "col.trained", "hours": "col.hours",
    "person_times": "col.person_times", "points_per_100": "col.points_per_100",
    "results_per_100": "col.results_per_100", "talent_index": "col.talent_index", "rank": "col.rank",
    "month": "col.month", "year": "col.year", "line": "col.line", "award": "comp.col.award",
    "medals": "comp.col.medals", "points": "comp.col.points", "stage": "innov.col.stage",
    "projects": "innov.col.projects", "studio": "innov.col.studio", "benefit": "innov.col.benefit",
    **{name: f"report.col.{name}" for name in (
        "hours_per_head", "coverage", "hours_rank", "coverage_rank", "points_rank", "results_rank", "attained",
        "attainment", "target", "attainment_pct", "participants", "participation_rate", "award_winners",
        "award_rate", "branch_points", "branch_medals", "stage_name")},
}
SHARES = {"coverage", "attainment", "participation_rate", "award_rate", "conversion_rate"}  # 0–1, read as %
RANKS = {"hours_rank", "coverage_rank", "points_rank", "results_rank"}  # percentile ranks, 0–1

STYLE = string.Template("""
:root {--ink: #1f1f1f; --muted: #555; --rule: #d9dce1; --up: #09814a; --down: #c62828;}
* {box-sizing: border-box;}
html {font-family: $fonts; color: var(--ink); background: #eef0f3;}
body {margin: 0; padding: 24px 0 48px;}
main {width: ${view}px; margin: 0 auto;}
section.view {background: white; border: 1px solid var(--rule); border-radius: 6px; padding: 20px 20px 14px;
  margin: 0 0 24px; width: ${view}px;}
section.view > *:first-child {margin-top: 0;}
h1 {font-size: 30px; margin: 48px 0 12px; line-height: 1.3;}
h2 {font-size: 22px; margin: 0 0 6px; line-height: 1.3;}
.takeaway {font-size: 17px; margin: 0 0 12px; line-height: 1.5;}
.cover .institution {font-size: 22px; margin: 0 0 28px;}
.cover p {font-size: 16px; margin: 6px 0;}
.cover h3 {font-size: 18px; margin: 36px 0 6px;}
.cover ol {font-size: 16px; line-height: 1.8; margin: 0; padding-left: 1.6em;}
.cover a {color: inherit;}
.chart {width: ${chart}px; margin: 0 auto;}
.note {font-size: 14px; color: var(--muted); margin: 8px 0 0;}
.scope {font-size: 12px; color: var(--muted); margin: 12px 0 0; padding-top: 6px; border-top: 1px solid var(--rule);}
.kpis {display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px;}
.kpi {border: 1px solid var(--rule); border-radius: 6px; padding: 10px 10px 8px; min-height: 108px;}
.kpi .label {font-size: 14px; color: var(--muted); line-height: 1.3;}
.kpi .value {font-size: 26px; font-weight: 600; margin: 6px 0 2px; overflow-wrap: anywhere;}
.kpi .change {font-size: 14px; color: var(--muted);}
.kpi .change.up {color: var(--up);} .kpi .change.down {color: var(--down);}
details {margin: 12px 0 0; font-size: 14px;}
summary {cursor: pointer; color: var(--muted);}
.numbers {overflow-x: auto; margin-top: 8px;}
table {border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums;}
th, td {border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: left; white-space: nowrap;}
td.number {text-align: right;}
th {background: #f6f7f9;}
@page {size: A4 portrait; margin: 12mm;}
@media print {
  html, body {background: white; padding: 0;}
  main, section.view {width: auto;}
  section.view {border: none; border-radius: 0; padding: 0; margin: 0; break-inside: avoid;}
  section.view + section.view {break-before: page;}
  .chart {break-inside: avoid;}
  .modebar-container, details {display: none !important;}
  .cover a {text-decoration: none;}
}
""")

RENDER = """
document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (spec) {
  var figure = JSON.parse(spec.textContent);
  Plotly.newPlot(spec.dataset.chart, figure.data, figure.layout, figure.config);
});
"""


def build(slides: list[views.Slide], cover: views.Cover, scope: views.Scope) -> bytes:
    """The briefing as one self-contained HTML file (UTF-8): the cover, then each view on a page of its own."""
    lang = scope.lang
    footer = f'<p class="scope">{_text(views.scope_line(scope))} · {_text(views.as_of_line(scope))}</p>'
    sections = [_cover(slides, cover, lang)]
    for slide in slides:
        body = _kpis(slide, lang) if slide.cards else _chart(slide, scope) if slide.chart is not None else ""
        sections.append(f'<section class="view" id="view-{_text(slide.key)}">\n<h2>{_text(slide.title)}</h2>\n'
                        + (f'<p class="takeaway">{_text(slide.takeaway)}</p>\n' if slide.takeaway else "")
                        + body + footer + "\n</section>")
    # a view is the chart's width plus its padding and border
    style = STYLE.substitute(fonts=charts.FONT_FAMILY, chart=CHART_WIDTH, view=CHART_WIDTH + 42)
    page = (f'<!DOCTYPE html>\n<html lang="{HTML_LANG.get(lang, "zh-CN")}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{_text(cover.title)} · {_text(cover.institution)}</title>\n<style>{style}</style>\n'
            f'<script>{plotly.offline.get_plotlyjs()}</script>\n</head>\n<body>\n<main>\n'
            + "\n".join(sections) + f"\n</main>\n<script>{RENDER}</script>\n</body>\n</html>\n")
    return page.encode("utf-8")


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cover(slides: list[views.Slide], cover: views.Cover, lang: str) -> str:
    contents = "".join(f'<li><a href="#view-{_text(s.key)}">{_text(s.title)}</a></li>' for s in slides)
    return (f'<section class="view cover" id="cover">\n<h1>{_text(cover.title)}</h1>\n'
            f'<p class="institution">{_text(cover.institution)}</p>\n<p>{_text(cover.scope)}</p>\n'
            f'<p>{_text(cover.as_of)}</p>\n<p>{_text(cover.made_on)}</p>\n'
            + (f'<h3>{_text(t("slide.contents", lang))}</h3>\n<ol>{contents}</ol>\n' if contents else "")
            + "</section>")


def _kpis(slide: views.Slide, lang: str) -> str:
    cards = []
    for label, value, change, help_text in slide.cards:
        direction = metrics.direction(change)  # up (green), down (red), or None (grey)
        trend = f" {direction}" if direction else ""
        cards.append(f'<div class="kpi" title="{_text(help_text)}"><div class="label">{_text(label)}</div>'
                     f'<div class="value">{_text(value)}</div>'
                     + (f'<div class="change{trend}">{_text(change)}</div>' if change else "") + "</div>")
    note = f'<p class="note">{_text(t("report.change_note", lang))}</p>\n' \
        if any(change for _, _, change, _ in slide.cards) else ""
    return f'<div class="kpis">{"".join(cards)}</div>\n{note}'


def figure_spec(slide: views.Slide, lang: str) -> dict:
    """The slide's chart as the page draws it (charts.finish after the builder's last change, the dashboard's
    Plotly config), at the report's fixed width."""
    fig = charts.finish(go.Figure(slide.chart.figure))
    fig.update_layout(width=CHART_WIDTH, autosize=False)
    if (fig.layout.height or 0) > CHART_MAX_HEIGHT:
        fig.update_layout(height=CHART_MAX_HEIGHT)
    spec = json.loads(fig.to_json())
    spec["config"] = charts.plotly_config(lang, slide.key) | {"responsive": False}
    return spec


def _chart(slide: views.Slide, scope: views.Scope) -> str:
    chart, lang = slide.chart, scope.lang
    spec = json.dumps(figure_spec(slide, lang), ensure_ascii=False, separators=(",", ":"))
    # inside <script>, a name holding "</script>" or "<!--" must not end it: <, > and & as JSON escapes
    spec = spec.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    div = f"chart-{_text(slide.key)}"
    notes = [note for note in (chart.note, views.left_out(chart.data, lang, scope.privacy.min_group)) if note]
    return (f'<div class="chart" id="{div}"></div>\n'
            f'<script type="application/json" data-chart="{div}">{spec}</script>\n'
            + "".join(f'<p class="note">{_text(note)}</p>\n' for note in notes)
            + f'<details><summary>{_text(t("report.data", lang))}</summary>\n'
            f'<div class="numbers">{table(chart.data, lang)}</div></details>\n')


def table(data: pd.DataFrame, lang: str) -> str:
    """The numbers behind a chart as an HTML table: headers in the reader's language, shares as percentages,
    a missing value as —."""
    columns = list(data.columns)
    head = "".join(f"<th>{_text(t(COLUMN_KEYS[c], lang) if c in COLUMN_KEYS else c)}</th>" for c in columns)
    rows = []
    for values in data.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(columns, values):
            text, number = cell(column, value)
            cells.append(f'<td class="number">{_text(text)}</td>' if number else f"<td>{_text(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def cell(column: str, value: object) -> tuple[str, bool]:
    """A value as the table shows it, and whether it is a number (set right)."""
    if value is None or value is pd.NA or value is pd.NaT or isinstance(value, float) and value != value:
        return "—", False
    if isinstance(value, (pd.Timestamp, dt.date)):
        return (pd.Timestamp(value).strftime("%Y-%m") if column == "month" else pd.Timestamp(value).date().isoformat(),
                False)
    if pd.api.types.is_bool(value) or not pd.api.types.is_number(value):
        return str(value), False
    if column in SHARES or column in RANKS:
        return format_percent(float(value)), True
    if float(value).is_integer():
        return f"{int(value):,}" if column != "year" else str(int(value)), True
    return f"{float(value):,.1f}", True
