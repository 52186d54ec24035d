"""Plotly figures in the house style: type readable on a projector, a colour-blind-safe palette,
CJK fonts installed on the machine (no web fonts), and each chart stamped with its data's as-of date."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from talentboard import literal
from talentboard.i18n import t

# Okabe–Ito first (distinguishable with the common colour-vision deficiencies and on a washed-out
# projector; its pale yellow darkened to read on white), then six more distinct tones, grey last.
QUALITATIVE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#B8A200", "#7F3C8D",
               "#11A579", "#3969AC", "#E73F74", "#80BA5A", "#555555"]
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
TARGET_COLOUR = "#D55E00"
INK = "#1f1f1f"  # every text on a chart: dark enough for a projector
MUTED_INK = "#444444"  # the as-of stamp: quieter, still readable
TICK_SIZE = 14  # the contract's floor for ticks, legends and value labels
FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# Building a figure costs Plotly a few hundred milliseconds of validation; its specification, rebuilt
# unvalidated, a few. The app sets `memo(builder, args, kwargs) -> spec` (talentboard/ui.py) to keep the
# specification each builder made from the same inputs; without it (tests, scripts) every call builds.
memo: Callable[[Callable, tuple, dict], dict] | None = None


def kept(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """A chart builder whose figure, for the same inputs, is built once while `memo` is set: each call
    returns a new figure (pages may change it) from the kept specification."""
    @functools.wraps(builder)
    def build(*args, **kwargs) -> go.Figure:
        if memo is None:
            return builder(*args, **kwargs)
        return go.Figure(memo(builder, args, kwargs), _validate=False)
    return build


# ----------------------------------------------------------------------------------------------
# One palette map: a category, studio or branch has the same colour in every chart, whatever the
# filters leave, because its colour comes from its place in the full list, not in the data shown.
# ----------------------------------------------------------------------------------------------

def colour_map(universe) -> dict[str, str]:
    """Name -> colour by position in `universe` (the registry's order for enums, the store's full sorted
    list for studios and branches); the palette repeats past its length."""
    return {name: QUALITATIVE[i % len(QUALITATIVE)] for i, name in enumerate(dict.fromkeys(universe))}


def enum_colours(dataset: str, column: str, lang: str) -> dict[str, str]:
    """Fixed colours of an enum's values, keyed by the name shown in `lang` (traces are named so)."""
    from talentboard.schema import display, enum_values
    return {display(dataset, column, value, lang): colour
            for value, colour in colour_map(enum_values(dataset, column)).items()}


def ordinal_colours(n: int) -> list[str]:
    """n shades of one hue, light to dark, for ordered categories (grades, award levels)."""
    from plotly.colors import sample_colorscale
    return sample_colorscale("Blues", n, low=0.3, high=0.95) if n > 1 else [QUALITATIVE[0]] * n


# ----------------------------------------------------------------------------------------------
# Bounded at any scale: a chart draws at most TOP_N categories one by one (bars, heatmap rows, coloured
# bubbles, legend entries); a province's 1,500 branches or 556 studios would make a chart thousands of
# pixels tall, unreadable on a meeting-room screen and megabytes to send. The rest are summed into one
# "others" bar where the measure adds up, or told in the card's caption where it does not.
# ----------------------------------------------------------------------------------------------

TOP_N = 20
TABLE_ROWS = 500  # the most rows of records (people, rejected rows) a table sends; its download holds them all
OTHERS_COLOUR = "#9E9E9E"


@dataclass(frozen=True)
class Top:
    data: pd.DataFrame  # the rows to draw: the chosen categories' rows in rank order, then the others row(s)
    shown: int  # how many categories are drawn one by one
    hidden: int  # how many are not (0: everything is)
    others: str | None  # the others row's name, when the rest were summed into one
    rest: float = 0.0  # the measure summed over the categories not drawn one by one


def top(data: pd.DataFrame, category: str, measure: str, lang: str, *, n: int = TOP_N, lowest: bool = False,
        rank_by: str = "sum", others: bool = False, keep=()) -> Top:
    """The rows of the n categories with the highest `measure` (the lowest with `lowest`), best first, ties
    by name; a category's rank is its rows' `rank_by` ("sum" or "mean") of the measure, so long data (a
    branch × award, a branch × month) keeps each category's rows together. Categories in `keep` (the
    branches picked) are drawn too. With `others`, the remaining categories become rows named "N others"
    with every numeric column summed per remaining key (an award, a month): only for measures that add up,
    and only while their sum is no longer than the longest bar drawn (a province's long tail would shrink
    every other bar to a sliver: the page then gives the sum, `rest`, in words)."""
    if data.empty or data[category].nunique() <= n:
        return Top(data, int(data[category].nunique()), 0, None)
    score = data.groupby(category, sort=False)[measure].agg(rank_by)
    ranked = score.reset_index().sort_values([measure, category], ascending=[lowest, True], kind="stable")
    chosen = list(ranked[category].head(n))
    chosen += [c for c in ranked[category] if c in set(keep) and c not in set(chosen)]
    place = {name: i for i, name in enumerate(chosen)}
    shown = data[data[category].isin(place)]
    shown = shown.iloc[shown[category].map(place).argsort(kind="stable")]
    hidden = int(data[category].nunique()) - len(chosen)
    rest = data[~data[category].isin(place)]
    total = float(rest[measure].sum())
    if not others or total > float(score[chosen].max()):
        return Top(shown.reset_index(drop=True), len(chosen), hidden, None, total)
    label = t("chart.others", lang, n=f"{hidden:,}")
    numbers = [c for c in data.columns if c != category and pd.api.types.is_numeric_dtype(data[c])
               and not pd.api.types.is_bool_dtype(data[c])]
    keys = [c for c in data.columns if c != category and c not in numbers]
    summed = (rest.groupby(keys, sort=False, dropna=False)[numbers].sum().reset_index() if keys
              else rest[numbers].sum().to_frame().T)
    summed.insert(0, category, label)
    return Top(pd.concat([shown, summed[data.columns]], ignore_index=True), len(chosen), hidden, label, total)


# ----------------------------------------------------------------------------------------------
# Names drawn as stored: Plotly reads labels, ticks, legends and hover text as a subset of HTML, so every
# builder below takes the text it draws through literal.plotly (a branch "<b>x</b>" is drawn as those
# eight characters, not in bold); a clicked point's name comes back through literal.from_plotly.
# ----------------------------------------------------------------------------------------------

def drawn(data: pd.DataFrame) -> pd.DataFrame:
    """A copy of `data` whose text columns Plotly draws as the stored text."""
    text = [c for c in data.columns if pd.api.types.is_object_dtype(data[c]) or pd.api.types.is_string_dtype(data[c])
            or isinstance(data[c].dtype, pd.CategoricalDtype)]
    return data.assign(**{str(c): data[c].map(literal.plotly) for c in text}) if text else data


def drawn_list(values) -> list | None:
    return None if values is None else [literal.plotly(v) for v in values]


def drawn_keys(mapping: dict | None) -> dict:
    return {literal.plotly(k): v for k, v in (mapping or {}).items()}


MARKUP = ("<", ">")  # what a drawn text holds only when a builder let a stored name through as it is


def _drawn_texts(fig: go.Figure):
    """Every text the figure draws from its data: trace names, categories, labels, hover text, custom data,
    sankey nodes, and the axes' category orders and tick texts."""
    def strings(values):
        if isinstance(values, str):
            yield values
        elif values is not None and not isinstance(values, dict) and hasattr(values, "__iter__"):
            for value in values:
                yield from strings(value)
    for trace in fig.data:
        for attr in ("name", "x", "y", "text", "hovertext", "labels", "customdata", "ids"):
            yield from strings(getattr(trace, attr, None))
        node = getattr(trace, "node", None)
        if node is not None:
            yield from strings(node.label)
    for name in fig.layout:
        if name.startswith(("xaxis", "yaxis")):
            axis = fig.layout[name]
            yield from strings(axis.categoryarray)
            yield from strings(axis.ticktext)


# ----------------------------------------------------------------------------------------------
# The contract: style() applies it to every figure; check() lists what a figure breaks (the tests
# run it over every chart every page draws); has_data() tells a chart from an empty frame.
# ----------------------------------------------------------------------------------------------

def has_data(fig: go.Figure) -> bool:
    """True when some trace has a point to draw (a target line alone is not a chart)."""
    for trace in fig.data:
        for attr in ("x", "y", "z", "values", "lowerfence"):
            values = getattr(trace, attr, None)
            if values is not None and len(values) > 0:
                return True
        link = getattr(trace, "link", None)
        if link is not None and link.value is not None and len(link.value) > 0:
            return True
    return False


def _is_dates(values) -> bool:
    if values is None or len(values) == 0:
        return False
    first = values[0]
    return isinstance(first, (dt.date, pd.Timestamp)) or str(getattr(first, "dtype", "")).startswith("datetime")


def style(fig: go.Figure, lang: str, as_of: dt.date | str | None, height: int = 400, *, title: str | None = None,
          x_title: str | None = None, y_title: str | None = None) -> go.Figure:
    """Apply the house style and the contract: dark type of at least 14 px, axis titles (given here or by
    the builder), dates as 2026-03 in either language, the title kept on the figure (exports draw it;
    the page's card shows it) and the as-of stamp. Returns the figure."""
    tick = {"size": TICK_SIZE, "color": INK, "family": FONT_FAMILY}
    axis_title = {"font": {"size": 15, "color": INK}}
    # one update of the whole layout: plotly validates each update_* call on its own, slowly
    layout = {
        "font": {"family": FONT_FAMILY, "size": 15, "color": INK},
        "colorway": QUALITATIVE, "height": height, "margin": {"l": 8, "r": 8, "t": 36, "b": 24},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0, "title": {"text": None},
                   "font": {"size": TICK_SIZE, "color": INK}},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "hoverlabel": {"font": {"size": 15}},
        "separators": ".,",
    }
    if title:
        layout["meta"] = {"title": title}
    for name in {"xaxis", "yaxis", *(k for k in fig.layout if k.startswith(("xaxis", "yaxis")))}:
        settings = ({"showgrid": False, "automargin": True, "tickfont": tick, "title": dict(axis_title)}
                    if name.startswith("x") else
                    {"gridcolor": "#e6e6e6", "automargin": True, "zeroline": False, "tickfont": tick,
                     "title": {**axis_title, "standoff": 14}})
        layout[name] = settings
    if x_title is not None:
        layout["xaxis"]["title"]["text"] = x_title
    if y_title is not None:
        layout["yaxis"]["title"]["text"] = y_title
    for trace in fig.data:  # dates read 2026-03 in both languages, never "Mar 2026"
        if getattr(trace, "orientation", None) != "h" and _is_dates(getattr(trace, "x", None)) \
                or getattr(trace, "base", None) is not None and _is_dates(getattr(trace, "base", None)):
            for name in layout:
                if name.startswith("xaxis"):
                    layout[name].update(tickformat="%Y-%m", hoverformat="%Y-%m-%d")
            break
    notes = [{**note.to_plotly_json(), "font": {**(note.font.to_plotly_json() if note.font else {}), "color": INK}}
             for note in fig.layout.annotations or ()]
    if as_of is not None:
        stamp = as_of if isinstance(as_of, str) else t("chart.as_of", lang, date=as_of)  # a str: already worded
        notes.append({"text": stamp, "xref": "paper", "yref": "paper", "x": 1, "y": 1, "xanchor": "right",
                      "yanchor": "bottom", "showarrow": False, "name": "as_of",
                      "font": {"size": 13, "color": MUTED_INK}})
    layout["annotations"] = notes
    fig.update_layout(layout)
    return finish(fig)


def _text_px(text: object) -> int:
    """About how wide a label is drawn at 14 px: a CJK character 15 px, anything else 8."""
    return sum(15 if ord(ch) > 0x2E80 else 8 for ch in str(literal.from_plotly(text or "")))


LEGEND_ROW_PX = 280  # the narrowest a chart is drawn (a card in a 2:3 split on a laptop): a legend wraps at about this


def _legend_rows(fig: go.Figure) -> int:
    """How many rows a horizontal legend takes at the narrowest width a chart is drawn."""
    widths = [40 + _text_px(trace.name)
              for trace in fig.data if trace.type not in ("sankey", "heatmap") and trace.showlegend is not False]
    rows, used = 1, 0
    for width in widths:
        if used and used + width > LEGEND_ROW_PX:
            rows, used = rows + 1, 0
        used += width
    return rows


def finish(fig: go.Figure) -> go.Figure:
    """Lay out the top band once a page has made its last change: the as-of stamp at the top right, on a
    row of its own above the legend (as many rows as it wraps to) or other titles over the plot, so
    neither covers an axis title or the other."""
    legend = fig.layout.showlegend is not False and sum(
        1 for trace in fig.data if trace.type not in ("sankey", "heatmap") and trace.showlegend is not False) > 1
    notes = list(fig.layout.annotations or ())
    stamp = [note for note in notes if note.name == "as_of"]
    titled = any(note.name != "as_of" and (note.y or 0) >= 1 and note.yanchor == "bottom" for note in notes)
    band = 22 * _legend_rows(fig) + 10 if legend else (30 if titled else 0)
    if legend:
        fig.update_layout(legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    for note in stamp:
        note.update(y=1, yanchor="bottom", yshift=band + 4)
    if stamp or legend:
        fig.update_layout(margin={"t": max(band + 30, fig.layout.margin.t or 0)})
    return fig


SCREEN_SCALE = 1.45  # presentation mode: type from the back of a room (14 px ticks read as 20 px)


def for_screen(fig: go.Figure, height: int, scale: float = SCREEN_SCALE) -> go.Figure:
    """The same figure for a meeting-room screen (presentation mode): every text `scale` times larger, bars' labels
    included, and the height given; then finished again (the top band grows with the legend's type)."""
    def bigger(font, default: int) -> dict:
        size = (font.size if font is not None and font.size else None) or default
        return {"size": round(size * scale)}

    layout = fig.layout
    update = {"font": bigger(layout.font, 15), "height": height, "legend": {"font": bigger(layout.legend.font, TICK_SIZE)},
              "hoverlabel": {"font": {"size": 20}}, "uniformtext": {"minsize": round(12 * scale)}}
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        axis = layout[name]
        update[name] = {"tickfont": bigger(axis.tickfont, TICK_SIZE),
                        "title": {"font": bigger(axis.title.font if axis.title else None, 15)}}
    fig.update_layout(update)
    for note in fig.layout.annotations or ():
        note.font.size = round((note.font.size or 13) * scale)
    for trace in fig.data:
        if "textfont" in trace:
            trace.textfont.size = round((trace.textfont.size or TICK_SIZE) * scale)
    if fig.layout.margin.l and fig.layout.margin.l > 8:  # a margin made for long names at 14 px
        fig.layout.margin.l = round(fig.layout.margin.l * scale)
    return finish(fig)


CARTESIAN = {"bar", "scatter", "heatmap", "box", "funnel"}


def check(fig: go.Figure) -> list[str]:
    """What a drawn figure breaks of the chart contract (empty when it keeps it)."""
    problems = []
    layout = fig.layout
    if not (layout.meta and isinstance(layout.meta, dict) and layout.meta.get("title")):
        problems.append("no title")
    types = {trace.type for trace in fig.data}
    if types & CARTESIAN:
        for name in ("xaxis", "yaxis"):
            axis = layout[name]
            if types == {"funnel"} and name == "xaxis":
                continue  # a funnel's length is labelled on the bars themselves
            if axis.visible is False:
                continue
            if not (axis.title and axis.title.text):
                problems.append(f"{name} has no title")
            size = axis.tickfont.size if axis.tickfont else None
            if size is None or size < TICK_SIZE:
                problems.append(f"{name} ticks {size} px")
    legend = layout.legend.font.size if layout.legend and layout.legend.font else None
    if len(fig.data) > 1 and layout.showlegend is not False and (legend is None or legend < TICK_SIZE):
        problems.append(f"legend {legend} px")
    for note in layout.annotations or ():
        if note.font and note.font.size is not None and note.font.size < 13:
            problems.append(f"annotation {note.text!r} at {note.font.size} px")
    for trace in fig.data:
        if trace.type == "bar" and not (trace.text is not None or trace.texttemplate):
            problems.append(f"bar trace {trace.name!r} has no value labels")
    problems += [f"markup drawn from data: {text!r}" for text in dict.fromkeys(_drawn_texts(fig))
                 if any(mark in text for mark in MARKUP)]
    return problems


def value_labels(fig: go.Figure, number_format: str = ",.1~f", *, inside: bool = False,
                 suffix: str = "") -> go.Figure:
    """Value labels on every bar: outside the bar for one series, inside (hidden where they do not fit)
    for stacked or dense ones."""
    for trace in fig.data:
        if trace.type != "bar":
            continue
        axis = "x" if trace.orientation == "h" else "y"
        trace.texttemplate = f"%{{{axis}:{number_format}}}{suffix}"
        trace.textposition = "inside" if inside else "outside"
        trace.textfont = {"size": TICK_SIZE, "color": "white" if inside else INK}
        trace.textangle = 0  # a label reads across or is hidden (uniformtext), never turned on its side
        if not inside:
            trace.cliponaxis = False
    fig.update_layout(uniformtext={"minsize": 12, "mode": "hide"})
    return fig


@kept
def bar(data: pd.DataFrame, x: str, y: str, lang: str, as_of: dt.date | None, *, color: str | None = None,
        horizontal: bool = False, text: str | None = None, height: int = 400, labels: dict | None = None,
        target: float | None = None, target_label: str = "", order: list | None = None, title: str | None = None,
        colours: dict[str, str] | None = None, number_format: str = ",.1~f", suffix: str = "",
        stacked_labels: bool | None = None) -> go.Figure:
    """A bar chart (horizontal for long category names) with value labels, axis titles from `labels`,
    fixed colours per `color` value (`colours`, from colour_map/enum_colours) and an optional target line."""
    labels = labels or {}
    data, order, colours = drawn(data), drawn_list(order), drawn_keys(colours)
    if color is not None and color == x:
        fig = _one_trace_bar(data, x, y, horizontal, text, labels, order, colours)
    else:
        import plotly.express as px  # here: a page drawing kept figures never loads it (half a second)
        fig = px.bar(data, x=y if horizontal else x, y=x if horizontal else y, color=color, text=text,
                     orientation="h" if horizontal else "v", labels=labels, color_discrete_sequence=QUALITATIVE,
                     color_discrete_map=colours or {}, category_orders={x: order} if order else None)
    inside = not text and (stacked_labels if stacked_labels is not None else (color is not None and color != x))
    if text:
        fig.update_traces(textposition="outside", cliponaxis=False, textfont={"size": TICK_SIZE, "color": INK})
        fig.update_layout(uniformtext={"minsize": 12, "mode": "hide"})
    else:
        value_labels(fig, number_format, inside=inside, suffix=suffix)
    if not inside and len(data) and data[y].min() >= 0:  # room past the longest bar for its label (and the target)
        top = max(float(data[y].max()), target or 0.0)
        if top > 0:
            (fig.update_xaxes if horizontal else fig.update_yaxes)(range=[0, top * 1.25])
    if color is not None and color == x:  # each bar names its own colour on the axis: a legend only takes room
        fig.update_layout(showlegend=False)
    if horizontal:
        fig.update_yaxes(autorange="reversed" if not order else True, type="category")
    elif order:
        fig.update_xaxes(type="category")
    if target is not None:
        # horizontal bars: the label above the plot, ending at the line (on no bar, never past the edge; the
        # stamp moves up a row for it); vertical bars: above the line at the right
        line = {"line_dash": "dash", "line_color": TARGET_COLOUR, "annotation_text": target_label,
                "annotation_position": "top left" if horizontal else "top right",
                **({"annotation_yanchor": "bottom"} if horizontal else {}),
                "annotation_font": {"color": TARGET_COLOUR, "size": TICK_SIZE},
                "annotation_bgcolor": "rgba(255,255,255,0.85)"}  # legible where a bar rises past the line
        fig.add_vline(x=target, **line) if horizontal else fig.add_hline(y=target, **line)
    category_title, value_title = labels.get(x, x), labels.get(y, y)
    return style(fig, lang, as_of, height, title=title,
                 x_title=value_title if horizontal else category_title,
                 y_title=category_title if horizontal else value_title)


def _one_trace_bar(data: pd.DataFrame, x: str, y: str, horizontal: bool, text: str | None, labels: dict,
                   order: list | None, colours: dict) -> go.Figure:
    """Bars that each name their own colour (color == x) as one trace with a colour per bar, drawn as plotly
    express would draw them a trace a bar (the same colours, order, hover), at a fraction of the cost."""
    categories, values = [str(v) for v in data[x]], data[y].tolist()
    sequence = iter(QUALITATIVE * (len(categories) // len(QUALITATIVE) + 1))
    palette = {name: colours.get(name) or next(sequence) for name in dict.fromkeys(categories)}
    category_title, value_title = labels.get(x, x), labels.get(y, y)
    axis = "y" if horizontal else "x"
    fig = go.Figure(go.Bar(x=values if horizontal else categories, y=categories if horizontal else values,
                           orientation="h" if horizontal else "v", marker={"color": [palette[c] for c in categories]},
                           text=data[text].tolist() if text else None, showlegend=False,
                           hovertemplate=f"{category_title}=%{{{axis}}}<br>{value_title}=%{{{'x' if horizontal else 'y'}}}"
                                         "<extra></extra>"))
    if order:  # plotly express lists a horizontal axis's categories bottom up: the first of `order` on top
        fig.update_layout({f"{axis}axis": {"categoryorder": "array",
                                           "categoryarray": list(reversed(order)) if horizontal else list(order)}})
    fig.update_layout(barmode="relative")
    return fig


@kept
def line(data: pd.DataFrame, x: str, y: str, lang: str, as_of: dt.date | None, *, color: str | None = None,
         height: int = 360, labels: dict | None = None, title: str | None = None,
         colours: dict[str, str] | None = None) -> go.Figure:
    labels = labels or {}
    data, colours = drawn(data), drawn_keys(colours)
    import plotly.express as px
    fig = px.line(data, x=x, y=y, color=color, markers=True, labels=labels, color_discrete_sequence=QUALITATIVE,
                  color_discrete_map=colours or {})
    return style(fig, lang, as_of, height, title=title, x_title=labels.get(x, x), y_title=labels.get(y, y))


MAX_LABELLED_COLUMNS = 18  # a heatmap wider than this (months) has no room for a number per cell


@kept
def heatmap(data: pd.DataFrame, x: str, y: str, z: str, lang: str, as_of: dt.date | None, *,
            height: int = 520, z_label: str = "", title: str | None = None, x_title: str | None = None,
            y_title: str | None = None) -> go.Figure:
    """A matrix (e.g. branch × month) from long data; rows with the lowest mean on top, missing cells blank,
    each cell labelled with its value where it fits."""
    grid = drawn(data).pivot(index=y, columns=x, values=z)
    grid = grid.loc[grid.mean(axis=1).sort_values().index]
    fig = go.Figure(go.Heatmap(z=grid.values, x=[str(c) for c in grid.columns], y=list(grid.index),
                               colorscale=SEQUENTIAL, hoverongaps=False,
                               # a number in every cell while cells are wide enough to hold one at 14 px
                               texttemplate="%{z:.1f}" if grid.shape[1] <= MAX_LABELLED_COLUMNS else None,
                               textfont={"size": TICK_SIZE},
                               colorbar={"title": {"text": z_label, "font": {"size": TICK_SIZE, "color": INK}},
                                         "tickfont": {"size": TICK_SIZE, "color": INK}},
                               hovertemplate="%{y} · %{x}<br>" + (z_label or z) + ": %{z:.1f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category")  # "2026-01" stays as written, not re-read as an English date
    return style(fig, lang, as_of, height, title=title, x_title=x_title, y_title=y_title)


@kept
def bubbles(data: pd.DataFrame, x: str, y: str, size: str, color: str, lang: str, as_of: dt.date | None, *,
            labels: dict, title: str, colours: dict[str, str] | None = None, height: int = 360,
            diagonal: bool = False, n: int = TOP_N) -> go.Figure:
    """A bubble chart (e.g. benefit against funding per studio): the n `color` values with the highest `y`
    one trace each in its fixed colour (the legend names them), any others in one grey trace named
    "N others" (hover names each point); with `diagonal`, the line y = x over the range shown (above it,
    more comes back than went in). Built from graph objects: plotly express makes a trace per value, slowly."""
    data = data.reset_index(drop=True)
    ranked = top(data, color, y, lang, n=n)
    named = list(dict.fromkeys(ranked.data[color])) if ranked.hidden else list(dict.fromkeys(data[color]))
    colours = colours or {}
    biggest = float(data[size].max()) if len(data) else 1.0
    marker = {"sizemode": "area", "sizeref": 2.0 * max(biggest, 1e-9) / 36 ** 2, "sizemin": 2,
              "line": {"width": 0.5, "color": "white"}}
    hover = (f"<b>%{{customdata}}</b><br>{labels.get(x, x)}: %{{x:,.1f}}<br>{labels.get(y, y)}: %{{y:,.1f}}"
             f"<br>{labels.get(size, size)}: %{{marker.size:,}}<extra></extra>")
    fig = go.Figure()
    groups = data.groupby(color, sort=False)
    for place, name in enumerate(named):
        rows = groups.get_group(name)
        drawn_name = literal.plotly(name)
        fig.add_trace(go.Scatter(x=rows[x], y=rows[y], mode="markers", name=drawn_name, legendgroup=drawn_name,
                                 customdata=[drawn_name] * len(rows), hovertemplate=hover,
                                 marker={**marker, "size": rows[size], "opacity": 0.85,
                                         "color": colours.get(name, QUALITATIVE[place % len(QUALITATIVE)])}))
    if ranked.hidden:
        rest = data[~data[color].isin(set(named))]
        fig.add_trace(go.Scatter(x=rest[x], y=rest[y], mode="markers", name=t("chart.others", lang, n=f"{ranked.hidden:,}"),
                                 customdata=drawn_list(rest[color]), hovertemplate=hover,
                                 legendrank=2000,  # last in the legend, first drawn: under the named ones
                                 marker={**marker, "size": rest[size], "color": OTHERS_COLOUR, "opacity": 0.5}))
        fig.data = fig.data[-1:] + fig.data[:-1]
        # no legend: n names would squeeze the plot, and the bar chart of the same studios names their colours
        fig.update_layout(showlegend=False)
    if diagonal and len(data):
        reach = float(max(data[x].max(), 1)) * 1.15
        fig.add_shape(type="line", x0=0, y0=0, x1=reach, y1=reach, line={"dash": "dash", "color": TARGET_COLOUR})
    return style(fig, lang, as_of, height, title=title, x_title=labels.get(x, x), y_title=labels.get(y, y))


@kept
def funnel(stages: list[str], counts: list, lang: str, as_of: dt.date | None, *, title: str, y_title: str,
           height: int = 340) -> go.Figure:
    """A stage funnel, each stage labelled with its count and its share of the first stage."""
    fig = go.Figure(go.Funnel(y=drawn_list(stages), x=list(counts), textinfo="value+percent initial", marker_color=QUALITATIVE[0],
                              textfont={"size": TICK_SIZE}))
    return style(fig, lang, as_of, height, title=title, y_title=y_title)


@kept
def timeline(data: pd.DataFrame, start: str, finish: str, y: str, color: str, lang: str, as_of: dt.date | None, *,
             labels: dict, title: str, colours: dict[str, str] | None = None, height: int = 360,
             order: list | None = None, n: int = TOP_N, named: list | None = None) -> go.Figure:
    """A Gantt-style timeline, one bar per row from `start` to `finish`, coloured by `color` (a trace per
    value, in its fixed colour); rows top to bottom in `order` when given. Past n values of `color`, only
    those in `named` (by default the n with the most rows) keep their colours and the others are one grey
    "N others" (hover names each). Built from graph objects: plotly express's timeline costs a second and
    more at a few dozen values."""
    data = data.reset_index(drop=True)
    values = set(data[color])
    if len(values) > n:
        named = set(named if named is not None else top(data.assign(_rows=1), color, "_rows", lang, n=n).data[color])
        named &= values
    hidden = len(values) - len(named) if len(values) > n else 0
    palette = drawn_keys(colours)
    names = drawn_list(data[color])
    others = t("chart.others", lang, n=f"{hidden:,}") if hidden else None
    if others:
        palette[others] = OTHERS_COLOUR
    starts, ends = pd.to_datetime(data[start]), pd.to_datetime(data[finish])
    frame = pd.DataFrame({"group": [name if not others or value in named else others
                                    for name, value in zip(names, data[color])],
                          "y": drawn_list(data[y]), "base": starts, "span": (ends - starts).dt.total_seconds() * 1000,
                          "who": names, "from": starts.dt.strftime("%Y-%m-%d"), "to": ends.dt.strftime("%Y-%m-%d")})
    hover = (f"<b>%{{y}}</b><br>{labels.get(color, color)}: %{{customdata[0]}}<br>{labels.get(start, start)}: "
             f"%{{customdata[1]}}<br>{labels.get(finish, finish)}: %{{customdata[2]}}<extra></extra>")
    sequence = iter(QUALITATIVE * (frame["group"].nunique() // len(QUALITATIVE) + 1))
    traces = [go.Bar(name=name, legendgroup=name, orientation="h", y=rows["y"].tolist(), base=rows["base"].tolist(),
                     x=rows["span"].tolist(), text=[""] * len(rows),  # a span needs no number on it
                     marker={"color": palette.get(name) or next(sequence)}, hovertemplate=hover,
                     customdata=rows[["who", "from", "to"]].to_numpy().tolist(),
                     legendrank=2000 if name == others else 1000)  # "N others" last in the legend
              for name, rows in frame.groupby("group", sort=False)]
    # long row names: room for them and the axis title beside them, rather than the title on top of them
    longest = max((_text_px(name) for name in data[y]), default=0)
    fig = go.Figure(traces, layout={
        "barmode": "overlay", "margin": {"l": min(longest, 420) + 72},
        "xaxis": {"type": "date", "tickformat": "%Y-%m", "hoverformat": "%Y-%m-%d"},
        "yaxis": {"autorange": "reversed", "automargin": False if longest else True, "title": {"standoff": 8},
                  **({"categoryorder": "array", "categoryarray": drawn_list(order)} if order is not None else {})}})
    return style(fig, lang, as_of, height, title=title, x_title=labels.get("date", ""), y_title=labels.get(y, y))


@kept
def bars_and_line(data: pd.DataFrame, x: str, bar_y: str, line_y: str, lang: str, as_of: dt.date | None, *,
                  labels: dict, title: str, height: int = 340, number_format: str = ",.0f") -> go.Figure:
    """Bars on the left axis and a line on the right one (e.g. hours and person-times by month); each axis
    keeps its own round ticks from zero."""
    data = drawn(data)
    fig = go.Figure([go.Bar(x=data[x], y=data[bar_y], name=labels[bar_y], marker_color=QUALITATIVE[0]),
                     go.Scatter(x=data[x], y=data[line_y], name=labels[line_y], yaxis="y2", mode="lines+markers",
                                line_color=QUALITATIVE[1])])
    value_labels(fig, number_format, inside=True)
    fig.update_layout(yaxis={"rangemode": "tozero"},
                      yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero",
                              "tickmode": "auto", "nticks": 6, "title": {"text": labels[line_y]},
                              "tickfont": {"size": TICK_SIZE, "color": INK}})
    return style(fig, lang, as_of, height, title=title, x_title=labels.get(x, x), y_title=labels[bar_y])


@kept
def box_summary(data: pd.DataFrame, x: str, lang: str, as_of: dt.date | None, *, hover: dict[str, str],
                height: int = 400, y_title: str | None = None, x_title: str | None = None,
                title: str | None = None) -> go.Figure:
    """Box plots drawn from summaries computed in SQL (columns min, q1, median, q3, max; mean and sd
    optional), never from raw rows; `hover` maps the columns to show on hover to their labels."""
    has_mean = "mean" in data and "sd" in data
    data = drawn(data)
    fig = go.Figure(go.Box(
        x=list(data[x]), q1=list(data["q1"]), median=list(data["median"]), q3=list(data["q3"]),
        lowerfence=list(data["min"]), upperfence=list(data["max"]),
        mean=list(data["mean"]) if has_mean else None, sd=list(data["sd"].fillna(0)) if has_mean else None,
        boxmean="sd" if has_mean else False, marker_color=QUALITATIVE[0], fillcolor="rgba(0, 114, 178, 0.25)",
        hoverinfo="skip", showlegend=False))
    # Plotly's own box hover labels are English only: hover on an invisible point at the median instead.
    columns = list(hover)
    lines = "<br>".join(f"{label}: %{{customdata[{i}]:,.1~f}}" for i, label in enumerate(hover.values()))
    fig.add_trace(go.Scatter(x=list(data[x]), y=list(data["median"]), mode="markers", showlegend=False,
                             marker={"size": 28, "opacity": 0}, customdata=data[columns].to_numpy(),
                             hovertemplate=f"<b>%{{x}}</b><br>{lines}<extra></extra>"))
    if len(data) >= 5:  # five or more event names side by side run together on a laptop: slant them
        fig.update_xaxes(tickangle=-30)
    return style(fig, lang, as_of, height, title=title, x_title=x_title, y_title=y_title)


@kept
def stacked_shares(data: pd.DataFrame, outer: str, inner: str, part: str, share: str, lang: str,
                   as_of: dt.date | None, *, order: list, count: str | None = None, height: int = 420,
                   share_label: str = "", count_label: str = "", title: str | None = None,
                   x_title: str | None = None) -> go.Figure:
    """100% stacked bars, one per (outer, inner) pair on a two-level axis (e.g. line × year), one shade
    per part in `order` (lowest first, lightest; a part outside `order` comes last, never dropped);
    `share` is a fraction 0–1. Every bar gets every part, at 0 where it has none (a missing value on a
    two-level axis breaks the stacking). Labels are whole percents rounded by largest remainder, so a
    bar's labels add up to exactly 100%; only segments of at least 5% carry one (always shown, at 14 px);
    the hover gives every segment's share to 0.1% and its count."""
    data, order = drawn(data), drawn_list(order)
    known = set(order)
    present = set(data[part])
    parts = [p for p in order if p in present] + sorted((p for p in present if p not in known), key=str)
    colours = ordinal_colours(len(parts))
    columns = [outer, inner, part, share] + ([count] if count else [])
    groups = data[[outer, inner]].drop_duplicates().sort_values([outer, inner])
    grid = groups.merge(pd.DataFrame({part: parts}), how="cross").merge(
        data[columns], on=[outer, inner, part], how="left")
    grid[share] = grid[share].astype(float).fillna(0.0)
    if count:
        grid[count] = grid[count].astype(float).fillna(0.0)
    percent = grid[share] * 100
    floor = (percent // 1).astype(float)
    remainder = percent - floor
    for _, bar_rows in grid.groupby([outer, inner], sort=False):
        short = int(round(percent[bar_rows.index].sum() - floor[bar_rows.index].sum()))
        if short > 0:
            floor[remainder[bar_rows.index].sort_values(ascending=False, kind="stable").index[:short]] += 1
    grid["_label"] = [f"{whole:.0f}%" if value >= 0.05 else "" for whole, value in zip(floor, grid[share])]
    fig = go.Figure()
    for place, (colour, value) in enumerate(zip(colours, parts)):
        rows = grid[grid[part] == value]
        hover = f"%{{x}}<br>{value}: %{{customdata[0]:.1f}}%"
        if count:
            hover += f"<br>{count_label}: %{{customdata[1]:,.0f}}"
        custom = list(zip(rows[share] * 100, rows[count] if count else [0] * len(rows)))
        fig.add_trace(go.Bar(
            x=[rows[outer].astype(str).tolist(), rows[inner].astype(str).tolist()], y=(rows[share] * 100).tolist(),
            name=str(value), marker_color=colour, text=rows["_label"].tolist(), texttemplate="%{text}",
            textposition="inside", insidetextanchor="middle",
            textfont={"size": TICK_SIZE, "color": "white" if place >= len(colours) / 2 else INK},
            customdata=custom, hovertemplate=hover + "<extra></extra>"))
    # labelled segments (5% and more) always show their label at 14 px: a label that silently hides leaves
    # the visible ones adding up to less than 100%
    fig.update_layout(barmode="stack", uniformtext={"minsize": TICK_SIZE, "mode": "show"},
                      legend={"traceorder": "normal"})
    fig.update_yaxes(range=[0, 100.5], ticksuffix="%", title_text=share_label or None)
    return style(fig, lang, as_of, height, title=title, x_title=x_title, y_title=share_label or None)


@kept
def sankey(data: pd.DataFrame, source: str, target: str, value: str, lang: str, as_of: dt.date | None, *,
           order: list, source_title: str, target_title: str, link_colour: str | None = None,
           colours: dict | None = None, height: int = 460, value_label: str = "",
           title: str | None = None) -> go.Figure:
    """Flows from the categories of `source` (left) to those of `target` (right), both stacked in `order`
    with the last (highest) on top, each node labelled with its name and total; links coloured by the
    `link_colour` column through `colours`."""
    data, order = drawn(data), drawn_list(order)
    rank = {v: i for i, v in enumerate(order)}
    left = sorted(set(data[source]), key=lambda v: -rank.get(v, -1))
    right = sorted(set(data[target]), key=lambda v: -rank.get(v, -1))
    index = {("L", v): i for i, v in enumerate(left)} | {("R", v): len(left) + i for i, v in enumerate(right)}

    def centres(side: list, column: str) -> list[float]:
        # Node centres top to bottom in proportion to size, so the order holds whatever the flows.
        sizes = [float(data.loc[data[column] == v, value].sum()) for v in side]
        total, pad, ys, top = sum(sizes) or 1.0, 0.02, [], 0.0
        scale = (1 - pad * (len(side) - 1)) / total
        for size in sizes:
            ys.append(min(max(top + size * scale / 2, 0.001), 0.999))
            top += size * scale + pad
        return ys

    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        # each node says how many people it holds: a value label where the link widths alone cannot be read
        node={"label": [f"{v} · {data.loc[data[column] == v, value].sum():,.0f}"
                        for side, column in ((left, source), (right, target)) for v in side],
              "pad": 12, "thickness": 18, "color": QUALITATIVE[0],
              "x": [0.001] * len(left) + [0.999] * len(right),
              "y": centres(left, source) + centres(right, target),
              "hovertemplate": f"%{{label}}<br>{value_label}: %{{value:,.0f}}<extra></extra>"},
        link={"source": [index[("L", v)] for v in data[source]], "target": [index[("R", v)] for v in data[target]],
              "value": list(data[value]),
              "color": [colours.get(c, "rgba(150,150,150,0.35)") for c in data[link_colour]]
              if link_colour and colours else None,
              "hovertemplate": f"%{{source.label}} → %{{target.label}}<br>{value_label}: %{{value:,.0f}}<extra></extra>"},
    ))
    for x, text, anchor in ((0, source_title, "left"), (1, target_title, "right")):
        fig.add_annotation(text=f"<b>{text}</b>", x=x, y=1.0, xref="paper", yref="paper", xanchor=anchor,
                           yanchor="bottom", showarrow=False, font={"size": 15})
    fig.update_layout(margin={"l": 8, "r": 8, "t": 40, "b": 24})
    return style(fig, lang, as_of, height, title=title)


@kept
def small_multiples(data: pd.DataFrame, x: str, y: str, panel: str, color: str, lang: str, as_of: dt.date | None, *,
                    panels: list, panel_titles: dict, y_titles: dict, title: str, x_title: str,
                    colours: dict[str, str] | None = None, columns: int = 2, height: int = 600,
                    number_format: str = ",.1f") -> go.Figure:
    """One small line chart per value of `panel` (in `panels`' order, headed by `panel_titles`, its own y axis
    titled by `y_titles`: the panels may differ in unit), a line per value of `color` in its fixed colour, the
    legend naming each once; `x` in the order it first appears, read as categories ("2026-Q1")."""
    from plotly.subplots import make_subplots
    data, palette = drawn(data), drawn_keys(colours)
    rows = -(-len(panels) // columns)
    fig = make_subplots(rows=rows, cols=columns, vertical_spacing=0.26 if rows > 1 else 0.1, horizontal_spacing=0.1,
                        subplot_titles=[literal.plotly(panel_titles.get(p, p)) for p in panels])
    steps = list(dict.fromkeys(data[x]))
    names = list(dict.fromkeys(data[color]))
    for place, name in enumerate(names):
        for i, value in enumerate(panels):
            points = data[(data[panel] == literal.plotly(value)) & (data[color] == name)]
            fig.add_trace(go.Scatter(x=points[x].tolist(), y=points[y].tolist(), name=name, legendgroup=name,
                                     showlegend=i == 0, mode="lines+markers",
                                     line={"color": palette.get(name, QUALITATIVE[place % len(QUALITATIVE)]), "width": 3},
                                     marker={"size": 9},
                                     hovertemplate=f"%{{fullData.name}} · %{{x}}: %{{y:{number_format}}}<extra></extra>"),
                          row=i // columns + 1, col=i % columns + 1)
    # the panels' titles sit in a band of their own under the legend (each row's plot a little shorter),
    # not on the legend's row above the top panels
    shrink = 1 - 32 / height  # about 32 px
    for name in fig.layout:
        if name.startswith("yaxis"):
            low, high = fig.layout[name].domain
            fig.layout[name].domain = [low * shrink, high * shrink]
    for note in fig.layout.annotations:
        note.update(y=note.y * shrink, font={"size": 16})
    # half a step of room at either end: the first step's label clear of the y axis's 0
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=drawn_list(steps),
                     range=[-0.5, len(steps) - 0.5])
    fig.update_yaxes(rangemode="tozero")
    for i, value in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        fig.layout[f"yaxis{suffix}"].title = {"text": y_titles.get(value, "")}
        fig.layout[f"xaxis{suffix}"].title = {"text": x_title}
    fig = style(fig, lang, as_of, height, title=title)
    fig.update_xaxes(showgrid=False)
    return fig


# Plotly's own toolbar, offline: only the PNG download, its tooltip in the reader's language (the locale
# travels inside the config, so nothing is fetched); full screen is on the chart's Streamlit toolbar.
PLOTLY_ZH = {"dictionary": {"Download plot as a PNG": "下载图片（PNG）", "Download plot": "下载图片",
                            "Reset axes": "还原坐标轴", "Autoscale": "自动缩放", "Zoom in": "放大", "Zoom out": "缩小"},
             "format": {"days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
                        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
                        "months": [f"{m}月" for m in range(1, 13)], "shortMonths": [f"{m}月" for m in range(1, 13)],
                        "date": "%Y-%m-%d", "decimal": ".", "thousands": ","}}


def plotly_config(lang: str, name: str) -> dict:
    return {"displaylogo": False, "modeBarButtons": [["toImage"]],
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
            "locale": "en" if lang == "en" else "zh-CN", "locales": {"zh-CN": PLOTLY_ZH}}
