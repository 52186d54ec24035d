"""Plotly figures in the house style: type readable on a projector, a colour-blind-safe palette,
CJK fonts installed on the machine (no web fonts), and each chart stamped with its data's as-of date."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from talentboard.i18n import t

# Okabe–Ito: distinguishable with the common colour-vision deficiencies and on a washed-out projector.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
TARGET_COLOUR = "#D55E00"
FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'


def style(fig: go.Figure, lang: str, as_of: dt.date | None, height: int = 400) -> go.Figure:
    """Apply the house style and the as-of stamp; returns the figure."""
    fig.update_layout(
        font={"family": FONT_FAMILY, "size": 15, "color": "#222"},
        colorway=PALETTE, height=height, margin={"l": 8, "r": 8, "t": 36, "b": 56},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0, "title": None},
        plot_bgcolor="white", paper_bgcolor="white", hoverlabel={"font_size": 15},
        xaxis_title=None, yaxis_title=None,
    )
    fig.update_xaxes(showgrid=False, automargin=True)
    fig.update_yaxes(gridcolor="#e6e6e6", automargin=True, zeroline=False)
    if as_of is not None:
        fig.add_annotation(text=t("chart.as_of", lang, date=as_of), xref="paper", yref="paper", x=1, y=0,
                           xanchor="right", yanchor="top", yshift=-34, showarrow=False,
                           font={"size": 12, "color": "#666"})
    return fig


def bar(data: pd.DataFrame, x: str, y: str, lang: str, as_of: dt.date | None, *, color: str | None = None,
        horizontal: bool = False, text: str | None = None, height: int = 400, labels: dict | None = None,
        target: float | None = None, target_label: str = "", order: list | None = None) -> go.Figure:
    """A bar chart (horizontal for long category names), with an optional target line."""
    fig = px.bar(data, x=y if horizontal else x, y=x if horizontal else y, color=color, text=text,
                 orientation="h" if horizontal else "v", labels=labels or {}, color_discrete_sequence=PALETTE,
                 category_orders={x: order} if order else None)
    if text:
        fig.update_traces(textposition="outside", cliponaxis=False)
    if horizontal:
        fig.update_yaxes(autorange="reversed" if not order else True, type="category")
    if target is not None:
        line = {"line_dash": "dash", "line_color": TARGET_COLOUR, "annotation_text": target_label,
                "annotation_font_color": TARGET_COLOUR}
        fig.add_vline(x=target, **line) if horizontal else fig.add_hline(y=target, **line)
    return style(fig, lang, as_of, height)


def line(data: pd.DataFrame, x: str, y: str, lang: str, as_of: dt.date | None, *, color: str | None = None,
         height: int = 360, labels: dict | None = None) -> go.Figure:
    fig = px.line(data, x=x, y=y, color=color, markers=True, labels=labels or {}, color_discrete_sequence=PALETTE)
    return style(fig, lang, as_of, height)


def heatmap(data: pd.DataFrame, x: str, y: str, z: str, lang: str, as_of: dt.date | None, *,
            height: int = 520, z_label: str = "") -> go.Figure:
    """A matrix (e.g. branch × month) from long data; rows with the lowest mean on top, missing cells blank."""
    grid = data.pivot(index=y, columns=x, values=z)
    grid = grid.loc[grid.mean(axis=1).sort_values().index]
    fig = go.Figure(go.Heatmap(z=grid.values, x=[str(c) for c in grid.columns], y=list(grid.index),
                               colorscale=SEQUENTIAL, colorbar={"title": z_label}, hoverongaps=False,
                               hovertemplate="%{y} · %{x}<br>%{z:.1f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category")  # "2026-01" stays as written, not re-read as an English date
    return style(fig, lang, as_of, height)


def colour_traces(fig: go.Figure, colours: dict[str, str]) -> go.Figure:
    """Give the traces named in `colours` their colour (e.g. rose green, fell vermilion); others keep theirs."""
    for trace in fig.data:
        if trace.name in colours:
            trace.marker.color = colours[trace.name]
    return fig


def ordinal_colours(n: int) -> list[str]:
    """n shades of one hue, light to dark, for ordered categories (grades, award levels)."""
    return px.colors.sample_colorscale("Blues", n, low=0.3, high=0.95) if n > 1 else [PALETTE[0]] * n


def box_summary(data: pd.DataFrame, x: str, lang: str, as_of: dt.date | None, *, hover: dict[str, str],
                height: int = 400, y_title: str | None = None) -> go.Figure:
    """Box plots drawn from summaries computed in SQL (columns min, q1, median, q3, max; mean and sd
    optional), never from raw rows; `hover` maps the columns to show on hover to their labels."""
    has_mean = "mean" in data and "sd" in data
    fig = go.Figure(go.Box(
        x=list(data[x]), q1=list(data["q1"]), median=list(data["median"]), q3=list(data["q3"]),
        lowerfence=list(data["min"]), upperfence=list(data["max"]),
        mean=list(data["mean"]) if has_mean else None, sd=list(data["sd"].fillna(0)) if has_mean else None,
        boxmean="sd" if has_mean else False, marker_color=PALETTE[0], fillcolor="rgba(0, 114, 178, 0.25)",
        hoverinfo="skip", showlegend=False))
    # Plotly's own box hover labels are English only: hover on an invisible point at the median instead.
    columns = list(hover)
    lines = "<br>".join(f"{label}: %{{customdata[{i}]:,.1~f}}" for i, label in enumerate(hover.values()))
    fig.add_trace(go.Scatter(x=list(data[x]), y=list(data["median"]), mode="markers", showlegend=False,
                             marker={"size": 28, "opacity": 0}, customdata=data[columns].to_numpy(),
                             hovertemplate=f"<b>%{{x}}</b><br>{lines}<extra></extra>"))
    fig.update_yaxes(title_text=y_title)
    return style(fig, lang, as_of, height)


def stacked_shares(data: pd.DataFrame, outer: str, inner: str, part: str, share: str, lang: str,
                   as_of: dt.date | None, *, order: list, count: str | None = None, height: int = 420,
                   share_label: str = "", count_label: str = "") -> go.Figure:
    """100% stacked bars, one per (outer, inner) pair on a two-level axis (e.g. line × year), one shade
    per part in `order` (lowest first, lightest); `share` is a fraction 0–1."""
    parts = [p for p in order if p in set(data[part])]
    colours = ordinal_colours(len(parts))
    groups = data[[outer, inner]].drop_duplicates().sort_values([outer, inner])
    fig = go.Figure()
    for colour, value in zip(colours, parts):
        rows = groups.merge(data[data[part] == value], on=[outer, inner], how="left")
        hover = f"%{{x}}<br>{value}: %{{y:.1f}}%"
        if count:
            hover += f"<br>{count_label}: %{{customdata:,.0f}}"
        fig.add_trace(go.Bar(
            x=[rows[outer].astype(str).tolist(), rows[inner].astype(str).tolist()], y=rows[share] * 100,
            name=str(value), marker_color=colour, texttemplate="%{y:.0f}%", textposition="inside",
            customdata=rows[count] if count else None, hovertemplate=hover + "<extra></extra>"))
    fig.update_layout(barmode="stack", uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_yaxes(range=[0, 100], ticksuffix="%", title_text=share_label or None)
    fig = style(fig, lang, as_of, height)
    # The two-level axis is taller than one: keep the as-of stamp below it.
    fig.update_annotations(yshift=-58)
    fig.update_layout(margin={"b": 80})
    return fig


def sankey(data: pd.DataFrame, source: str, target: str, value: str, lang: str, as_of: dt.date | None, *,
           order: list, source_title: str, target_title: str, link_colour: str | None = None,
           colours: dict | None = None, height: int = 460, value_label: str = "") -> go.Figure:
    """Flows from the categories of `source` (left) to those of `target` (right), both stacked in `order`
    with the last (highest) on top; links coloured by the `link_colour` column through `colours`."""
    rank = {v: i for i, v in enumerate(order)}
    left = sorted(set(data[source]), key=lambda v: -rank.get(v, -1))
    right = sorted(set(data[target]), key=lambda v: -rank.get(v, -1))
    nodes = [*left, *right]
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
        node={"label": [str(v) for v in nodes], "pad": 12, "thickness": 18, "color": PALETTE[0],
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
    fig = style(fig, lang, as_of, height)
    fig.update_layout(margin={"l": 8, "r": 8, "t": 40, "b": 56})
    return fig
