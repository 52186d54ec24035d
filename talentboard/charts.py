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
