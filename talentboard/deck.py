"""The briefing deck: the key views (views.slides) as a 16:9 PowerPoint file whose charts are native PowerPoint
charts (python-pptx), editable in PowerPoint and WPS, each converted from the Plotly figure the page draws, so
the deck shows the screen's numbers in the screen's order and colours. No picture stands in for a chart.

Type: every run of text, on the slides and in the charts, names Microsoft YaHei (微软雅黑) as both its Latin
and its East Asian typeface. It is installed with every Windows since Vista and with Office for Mac, WPS
Office maps it (and substitutes it where missing), it covers the GBK Chinese characters as well as Latin text
and digits, and it reads well on a projector. A deck opened in a meeting room with no internet therefore draws
its Chinese as written: a web font would not load there, and the theme's default (Calibri, with no East Asian
face) leaves Chinese to whatever fallback the machine picks, often SimSun's thin strokes or empty boxes.
python-pptx sets only the Latin face (a:latin), so the East Asian one (a:ea) is set here through lxml."""
from __future__ import annotations

import base64

import datetime as dt
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import convert_colors_to_same_type, unlabel_rgb
from plotly.exceptions import PlotlyError
from pptx import Presentation
from pptx.chart.axis import ValueAxis
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from talentboard import charts, metrics, views

FONT = "Microsoft YaHei"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
INK = RGBColor.from_string(charts.INK.lstrip("#"))
MUTED = RGBColor.from_string(charts.MUTED_INK.lstrip("#"))
GRID = RGBColor(0xE6, 0xE6, 0xE6)
CARD_FILL, CARD_LINE = RGBColor(0xF5, 0xF7, 0xFA), RGBColor(0xD0, 0xD7, 0xDE)
ROSE, FELL, SAME = RGBColor(0x09, 0xAB, 0x3B), RGBColor(0xFF, 0x2B, 0x2B), RGBColor(0x80, 0x84, 0x95)  # st.metric's
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # python-pptx's default template


def build(slides: list[views.Slide], cover: views.Cover, scope: views.Scope) -> bytes:
    """The deck: a title slide, then one slide per view (the KPI wall's cards, or a chart with its takeaway)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _cover_slide(deck, cover)
    for view in slides:
        page = _headed(deck, view)
        if view.cards:
            _cards(page, view.cards)
        elif view.chart is not None:
            _chart(page, native(view.chart.figure))
        # the small print: what the chart leaves out (and what privacy left out), its data's date (the newest of all
        # on the KPI wall), the scope
        chart = view.chart
        notes = " · ".join(note for note in (chart.note, views.left_out(chart.data, scope.lang, scope.privacy.min_group))
                           if note) if chart else None
        _footer(page, [notes, chart and _as_of(chart.figure) or views.as_of_line(scope), views.scope_line(scope)])
    for page in deck.slides:
        _typeface(page.element)
        for frame in page.shapes:
            if frame.has_chart:
                _typeface(frame.chart.element)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------
# Slides
# ----------------------------------------------------------------------------------------------

def _text(frame, lines: list[tuple[str, int, bool, RGBColor]], align=PP_ALIGN.LEFT) -> None:
    """Fill a text frame with one paragraph per (text, points, bold, colour)."""
    frame.word_wrap = True
    frame.clear()
    for i, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = colour


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def _cover_slide(deck, cover: views.Cover) -> None:
    page = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    title, subtitle = page.shapes.title, page.placeholders[1]
    _place(title, MARGIN * 2, Inches(1.9), WIDTH - MARGIN * 4, Inches(1.3))
    _text(title.text_frame, [(cover.title, 40, True, INK)], PP_ALIGN.CENTER)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    _place(subtitle, MARGIN * 2, Inches(3.5), WIDTH - MARGIN * 4, Inches(2.6))
    _text(subtitle.text_frame, [(cover.institution, 24, True, INK), (cover.scope, 18, False, INK),
                                (cover.as_of, 16, False, MUTED), (cover.made_on, 16, False, MUTED)], PP_ALIGN.CENTER)


def _headed(deck, view: views.Slide):
    """A slide with the view's title and, under it, its one-line takeaway."""
    page = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
    title = page.shapes.title
    _place(title, MARGIN, Inches(0.3), WIDTH - MARGIN * 2, Inches(0.75))
    _text(title.text_frame, [(view.title, 28, True, INK)])
    title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    if view.takeaway:
        box = page.shapes.add_textbox(MARGIN, Inches(1.05), WIDTH - MARGIN * 2, Inches(0.55))
        _text(box.text_frame, [(view.takeaway, 16, False, MUTED)])
    return page


def _footer(page, lines: list[str | None]) -> None:
    """The small print under the chart: its note (what it leaves out), the data's date, the period and scope."""
    shown = [line for line in lines if line]
    box = page.shapes.add_textbox(MARGIN, HEIGHT - Inches(0.2) - Inches(0.22) * len(shown),
                                  WIDTH - MARGIN * 2, Inches(0.22) * len(shown))
    _text(box.text_frame, [(line, 10, False, MUTED) for line in shown])


CHART_TOP, CHART_BOTTOM = Inches(1.7), Inches(0.9)  # room for the footer's three lines


def _cards(page, cards: list) -> None:
    """The KPI wall: rows of five cards, each its label, its value large, and the change when there is one."""
    per_row, gap = 5, Inches(0.2)
    rows = -(-len(cards) // per_row)
    width = (WIDTH - MARGIN * 2 - gap * (per_row - 1)) // per_row
    height = min(Inches(2.2), (HEIGHT - CHART_TOP - CHART_BOTTOM - Inches(0.2) - gap * (rows - 1)) // rows)
    for i, (label, value, change, _help) in enumerate(cards):
        row, column = divmod(i, per_row)
        card = page.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN + column * (width + gap),
                                     CHART_TOP + Inches(0.2) + row * (height + gap), width, height)
        card.adjustments[0] = 0.08
        card.fill.solid()
        card.fill.fore_color.rgb = CARD_FILL
        card.line.color.rgb = CARD_LINE
        card.shadow.inherit = False
        frame = card.text_frame
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = Inches(0.15)
        lines = [(label, 14, False, MUTED), (value, 32, True, INK)]
        if change:
            lines.append((change, 14, False, _change_colour(change)))
        _text(frame, lines)


def _change_colour(change: str) -> RGBColor:
    """As the dashboard's cards show it: green up, red down, grey for a change that rounds to nothing."""
    return {"up": ROSE, "down": FELL}.get(metrics.direction(change), SAME)


def _as_of(figure: go.Figure) -> str | None:
    """The as-of stamp the figure carries (its own dataset's date)."""
    return next((note.text for note in figure.layout.annotations or () if note.name == "as_of"), None)


# ----------------------------------------------------------------------------------------------
# A Plotly figure as a native chart
# ----------------------------------------------------------------------------------------------

@dataclass
class Series:
    name: str
    values: list
    colour: RGBColor | None = None
    point_colours: list | None = None  # one colour per bar (a single trace that colours each bar)
    inside: bool = False  # the figure puts its labels inside the bars


@dataclass
class Native:
    """What a native chart needs: the categories in reading order (top down for horizontal bars, left to right
    otherwise), the bar series, at most one line on a secondary axis, and the figure's formats and titles."""
    horizontal: bool
    stacked: bool
    categories: list[str]
    bars: list[Series]
    line: Series | None = None
    number_format: str = "#,##0.0"
    line_format: str = "#,##0"
    axis_format: str = "General"
    category_title: str = ""
    value_title: str = ""
    line_title: str = ""
    value_range: tuple | None = None
    value_step: float | None = None
    legend: bool = False


FORMAT = re.compile(r"%\{[xy]:(?P<comma>,?)\.(?P<digits>\d+)~?f\}")


def number_format(template: str | None, fallback: str = "#,##0.0") -> tuple[str, str]:
    """A Plotly texttemplate ("%{x:,.1f}%") as an Excel number format ('#,##0.0"%"') and the value axis's format
    (whole numbers, the same prefix and suffix)."""
    found = FORMAT.search(template or "")
    if found is None:
        return fallback, "General"
    whole = "#,##0" if found["comma"] else "0"
    digits = int(found["digits"])
    before, after = (f'"{text}"' if text else "" for text in (template[:found.start()], template[found.end():]))
    return before + whole + ("." + "0" * digits if digits else "") + after, before + whole + after


def _colour(value) -> RGBColor | None:
    """A Plotly colour ("#0072B2", "rgb(8, 61, 127)", a CSS name) as an RGBColor."""
    if not isinstance(value, str):
        return None
    try:
        rgb = convert_colors_to_same_type(value, "rgb")[0][0]
    except PlotlyError:  # a colour Plotly itself would not read: the theme's colour instead
        return None
    return RGBColor(*(int(round(float(c))) for c in unlabel_rgb(rgb)))


def _label(value) -> str:
    """A category as the axis shows it: dates as 2026-03, names as stored."""
    if isinstance(value, (dt.date, pd.Timestamp, np.datetime64)) or isinstance(value, str) and ISO_DATE.match(value):
        return pd.Timestamp(value).strftime("%Y-%m")
    return views.plain(value)


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else number


def _meta_title(figure: go.Figure) -> str:
    meta = figure.layout.meta
    return str(meta.get("title", "")) if isinstance(meta, dict) else ""


def _step(axis) -> float | None:
    """The axis's tick step: its dtick, or the step of evenly spaced tick values."""
    if isinstance(axis.dtick, (int, float)):
        return float(axis.dtick)
    ticks = _listed(axis.tickvals)
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    return steps.pop() if len(steps) == 1 else None


def _listed(values) -> list:
    """A trace's array as a list: in the app, figures are rebuilt unvalidated from kept specifications (charts.memo),
    where Plotly keeps numeric arrays as typed-array specs ({"bdata": base64, "dtype": ...})."""
    if values is None:
        return []
    if isinstance(values, dict) and "bdata" in values and "dtype" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        shape = values.get("shape")
        return (array.reshape([int(n) for n in str(shape).split(",")]) if shape else array).tolist()
    return list(values)


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")  # a date a kept specification holds as text


def _title(axis) -> str:
    return views.plain(axis.title.text) if axis is not None and axis.title and axis.title.text else ""


def native(figure: go.Figure) -> Native:
    """The native chart that draws `figure` (bars, a funnel, or bars with a line on a second axis)."""
    layout = figure.layout
    bars = [trace for trace in figure.data if trace.type in ("bar", "funnel")]
    lines = [trace for trace in figure.data if trace.type == "scatter"]
    funnel = any(trace.type == "funnel" for trace in bars)
    horizontal = funnel or any(trace.orientation == "h" for trace in bars)
    category_axis, value_axis = (layout.yaxis, layout.xaxis) if horizontal else (layout.xaxis, layout.yaxis)

    def points(trace) -> list[tuple[str, float | None]]:
        names, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        return [(_label(name), _number(value)) for name, value in zip(_listed(names), _listed(values))]

    drawn = [dict(points(trace)) for trace in bars]
    order = list(dict.fromkeys(name for trace in bars for name, _ in points(trace)))
    if category_axis.categoryorder == "array" and category_axis.categoryarray is not None:
        listed = [_label(name) for name in category_axis.categoryarray]
        order = [name for name in listed if name in set(order)] + [name for name in order if name not in set(listed)]
    # Plotly lays categories out from the axis's start: bottom up on a vertical axis unless it is reversed (a
    # funnel reverses its own), left to right on a horizontal one
    reversed_axis = category_axis.autorange == "reversed" or funnel and category_axis.autorange is None
    if horizontal != reversed_axis:
        order.reverse()
    series = []
    for trace, values in zip(bars, drawn):
        colour = trace.marker.color if trace.marker else None
        each = isinstance(colour, (list, tuple, np.ndarray))
        # a series without a name of its own is named by its axis, or the chart (the workbook's column header)
        name = views.plain(trace.name) if trace.name else _title(value_axis) or views.plain(_meta_title(figure))
        series.append(Series(name, [values.get(name_) for name_ in order],
                             None if each else _colour(colour),
                             [_colour(c) for c in colour] if each else None,
                             trace.textposition == "inside"))
    if funnel:
        label_format, axis_format = "#,##0", "#,##0"
    else:
        label_format, axis_format = number_format(bars[0].texttemplate if bars else None)
    line = None
    if lines:
        trace = lines[0]
        values = dict(zip((_label(x) for x in _listed(trace.x)), (_number(y) for y in _listed(trace.y))))
        line = Series(views.plain(trace.name) if trace.name else "", [values.get(name) for name in order],
                      _colour(trace.line.color if trace.line else None))
    stacked = layout.barmode in ("stack", "relative") and len(bars) > 1
    shown = [trace for trace in bars + lines if trace.showlegend is not False]
    value_range = tuple(value_axis.range) if value_axis.range is not None else None
    return Native(horizontal=horizontal, stacked=stacked, categories=order, bars=series, line=line,
                  number_format=label_format, axis_format=axis_format,
                  line_format="#,##0" if line is None or all(v is None or float(v).is_integer() for v in line.values)
                  else "#,##0.0",
                  category_title=_title(category_axis), value_title=_title(value_axis),
                  line_title=_title(layout.yaxis2) if lines else "",
                  value_range=value_range, value_step=_step(value_axis),
                  legend=layout.showlegend is not False and len(shown) > 1)


def _chart(page, chart: Native) -> None:
    """Draw `chart` on the slide below its takeaway as one native chart (a combo of bars and a line when it has
    a line: the line moved into a line chart of its own on a secondary value axis)."""
    data = CategoryChartData(number_format=chart.number_format)
    data.categories = chart.categories
    for series in chart.bars:
        data.add_series(series.name, series.values)
    if chart.line is not None:
        data.add_series(chart.line.name, chart.line.values, number_format=chart.line_format)
    kind = {(True, True): XL_CHART_TYPE.BAR_STACKED, (True, False): XL_CHART_TYPE.BAR_CLUSTERED,
            (False, True): XL_CHART_TYPE.COLUMN_STACKED, (False, False): XL_CHART_TYPE.COLUMN_CLUSTERED}
    frame = page.shapes.add_chart(kind[chart.horizontal, chart.stacked], MARGIN, CHART_TOP, WIDTH - MARGIN * 2,
                                  HEIGHT - CHART_TOP - CHART_BOTTOM, data)
    native_chart = frame.chart
    native_chart.font.size = Pt(12)
    native_chart.font.color.rgb = INK
    native_chart.has_title = False
    if chart.line is not None:
        _line_on_second_axis(native_chart)
    plot = native_chart.plots[0]
    plot.vary_by_categories = False
    plot.gap_width = 60
    plot.has_data_labels = True
    labels = plot.data_labels
    # a stacked bar's labels sit in its segments, and a segment of 0 is not drawn: it has no label either
    labels.number_format = chart.number_format + (f";-{chart.number_format};" if chart.stacked else "")
    labels.number_format_is_linked = False
    labels.show_value = True
    labels.font.size = Pt(11)
    inside = chart.stacked or any(series.inside for series in chart.bars)
    labels.position = XL_LABEL_POSITION.CENTER if chart.stacked else \
        XL_LABEL_POSITION.INSIDE_END if inside else XL_LABEL_POSITION.OUTSIDE_END
    labels.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if inside else INK
    for series, drawn in zip(chart.bars, plot.series):
        drawn.invert_if_negative = False
        if series.colour is not None:
            drawn.format.fill.solid()
            drawn.format.fill.fore_color.rgb = series.colour
        for i, colour in enumerate(series.point_colours or ()):
            if colour is not None:
                point = drawn.points[i].format.fill
                point.solid()
                point.fore_color.rgb = colour
    categories, values = native_chart.category_axis, native_chart.value_axis
    categories.has_major_gridlines = False
    categories.tick_labels.font.size = Pt(12)
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = GRID
    values.tick_labels.number_format = chart.axis_format
    values.tick_labels.number_format_is_linked = False
    if chart.value_range is not None:
        values.minimum_scale, values.maximum_scale = chart.value_range
    if chart.value_step:
        values.major_unit = chart.value_step
    if chart.horizontal:
        # the first category on top, as the screen shows it, and the value axis kept at the bottom (it sits where
        # it crosses the category axis: at its last category, now the lowest)
        categories.reverse_order = True
        native_chart.element.find(f".//{qn('c:valAx')}/{qn('c:crosses')}").set("val", "max")
    for axis, title in ((categories, chart.category_title), (values, chart.value_title)):
        if title:
            axis.axis_title.text_frame.text = title
            axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    native_chart.has_legend = chart.legend
    if chart.legend:
        native_chart.legend.position = XL_LEGEND_POSITION.TOP
        native_chart.legend.include_in_layout = False
        native_chart.legend.font.size = Pt(12)
    if chart.line is not None:
        line_plot = native_chart.plots[1]
        drawn = line_plot.series[0]
        drawn.smooth = False
        if chart.line.colour is not None:
            drawn.format.line.color.rgb = chart.line.colour
            drawn.marker.format.fill.solid()
            drawn.marker.format.fill.fore_color.rgb = chart.line.colour
            drawn.marker.format.line.color.rgb = chart.line.colour
        drawn.format.line.width = Pt(2.5)
        drawn.marker.style, drawn.marker.size = XL_MARKER_STYLE.CIRCLE, 7
        line_plot.has_data_labels = True
        line_labels = line_plot.data_labels
        line_labels.number_format, line_labels.number_format_is_linked = chart.line_format, False
        line_labels.show_value = True
        line_labels.position = XL_LABEL_POSITION.ABOVE
        line_labels.font.size = Pt(11)
        line_labels.font.color.rgb = chart.line.colour or INK
        second = ValueAxis(native_chart.element.findall(f".//{qn('c:valAx')}")[1])
        second.has_major_gridlines = False
        second.tick_labels.number_format, second.tick_labels.number_format_is_linked = chart.line_format, False
        if chart.line_title:
            second.axis_title.text_frame.text = chart.line_title
            second.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)


C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
SECOND_AXES = """<c:root xmlns:c="{c}">
  <c:catAx><c:axId val="{cat}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="1"/>
    <c:axPos val="b"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>
    <c:crossAx val="{val}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>
    <c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>
  <c:valAx><c:axId val="{val}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>
    <c:axPos val="r"/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>
    <c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="{cat}"/><c:crosses val="max"/>
    <c:crossBetween val="between"/></c:valAx>
</c:root>"""
LINE_CHART = """<c:lineChart xmlns:c="{c}"><c:grouping val="standard"/><c:varyColors val="0"/><c:marker val="1"/>
  <c:axId val="{cat}"/><c:axId val="{val}"/></c:lineChart>"""
SECOND_CAT, SECOND_VAL = "50050001", "50050002"


def _line_on_second_axis(chart) -> None:
    """python-pptx has no combo chart: its last bar series (whose numbers stay in the chart's workbook, so the
    chart's data still edits in PowerPoint) moves into a line chart of its own, plotted against a secondary
    value axis on the right over a hidden second category axis, as PowerPoint writes a combo chart."""
    area = chart.element.find(f".//{qn('c:plotArea')}")
    bars = area.find(qn("c:barChart"))
    moved = bars.findall(qn("c:ser"))[-1]
    for bar_only in ("c:invertIfNegative", "c:shape"):
        for child in moved.findall(qn(bar_only)):
            moved.remove(child)
    line = parse_xml(LINE_CHART.format(c=C, cat=SECOND_CAT, val=SECOND_VAL))
    line.insert(2, moved)  # after c:grouping and c:varyColors
    bars.addnext(line)
    last_axis = area.findall(qn("c:valAx"))[-1]
    for axis in reversed(list(parse_xml(SECOND_AXES.format(c=C, cat=SECOND_CAT, val=SECOND_VAL)))):
        last_axis.addnext(axis)


def _typeface(element) -> None:
    """Every run and every default run property in `element` names FONT as its Latin and East Asian face."""
    for run in element.iter(qn("a:r"), qn("a:fld")):
        run.get_or_add_rPr()
    for properties in element.iter(qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr")):
        latin = properties.get_or_add_latin()
        latin.set("typeface", FONT)
        ea = properties.find(qn("a:ea"))
        if ea is None:
            ea = OxmlElement("a:ea")
            latin.addnext(ea)
        ea.set("typeface", FONT)
