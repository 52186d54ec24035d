"""The chart contract (charts.py) and the enum display names of the schema registry."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from talentboard import charts, schema
from talentboard.i18n import TEXT

AS_OF = dt.date(2025, 6, 30)
LABELS = {"branch": "机构", "hours": "学时（小时）", "category": "类别"}


def bars(frame: pd.DataFrame, **kwargs) -> go.Figure:
    return charts.bar(frame, "branch", "hours", "zh", AS_OF, labels=LABELS, title="各机构学时", **kwargs)


def test_a_bar_chart_keeps_the_contract():
    fig = bars(pd.DataFrame({"branch": ["城关", "东关"], "hours": [12.5, 3.0]}))
    assert charts.check(fig) == []
    assert fig.layout.meta["title"] == "各机构学时"
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("机构", "学时（小时）")
    assert fig.layout.xaxis.tickfont.size >= 14 and fig.layout.yaxis.tickfont.color == charts.INK
    assert fig.data[0].texttemplate == "%{y:,.1~f}"  # every bar carries its value
    stamp = [a for a in fig.layout.annotations if a.name == "as_of"][0]
    assert stamp.text == "数据截至 2025-06-30" and stamp.font.size >= 13


def test_check_names_what_a_figure_breaks():
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    fig.update_layout(xaxis_tickfont_size=11)
    problems = charts.check(fig)
    assert "no title" in problems
    assert "xaxis has no title" in problems and "yaxis has no title" in problems
    assert "xaxis ticks 11 px" in problems
    assert any("value labels" in p for p in problems)


def test_a_target_line_alone_is_no_chart():
    fig = bars(pd.DataFrame({"branch": [], "hours": []}), horizontal=True, target=40.0, target_label="目标")
    assert not charts.has_data(fig)
    assert charts.has_data(bars(pd.DataFrame({"branch": ["城关"], "hours": [1.0]})))


def test_colours_are_fixed_by_the_full_list_not_by_the_data_shown():
    studios = ["甲工作室", "乙工作室", "丙工作室", "丁工作室"]
    everyone = charts.colour_map(studios)
    assert len(set(everyone.values())) == 4
    frame = pd.DataFrame({"branch": ["x", "y"], "hours": [1.0, 2.0], "category": ["丁工作室", "乙工作室"]})
    fig = bars(frame, color="category", colours=everyone)
    drawn = {trace.name: trace.marker.color for trace in fig.data}
    assert drawn == {"丁工作室": everyone["丁工作室"], "乙工作室": everyone["乙工作室"]}
    # the same value has the same colour in both languages
    zh, en = charts.enum_colours("training", "category", "zh"), charts.enum_colours("training", "category", "en")
    assert zh["营销服务"] == en["Marketing & service"] and zh["其他"] == en["Other"]
    assert len(set(zh.values())) == len(zh)


def test_the_stamp_sits_above_the_legend_not_on_an_axis_title():
    frame = pd.DataFrame({"branch": ["x", "x"], "hours": [1.0, 2.0], "category": ["a", "b"]})
    fig = charts.finish(bars(frame, color="category"))
    stamp = [a for a in fig.layout.annotations if a.name == "as_of"][0]
    assert (stamp.y, stamp.yanchor) == (1, "bottom") and stamp.yshift > 20  # a row above the legend
    assert fig.layout.margin.t >= 60


def test_dates_read_as_year_month_in_every_language():
    frame = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "hours": [1.0, 2.0]})
    fig = charts.bar(frame, "month", "hours", "en", AS_OF, labels={"month": "Month", "hours": "Hours (h)"}, title="t")
    assert fig.layout.xaxis.tickformat == "%Y-%m"


ENUMS = [(d.name, c.name) for d in schema.DATASETS.values() for c in d.columns if c.type in (schema.ENUM, schema.GRADE)]


@pytest.mark.parametrize("dataset,column", ENUMS, ids=[f"{d}.{c}" for d, c in ENUMS])
def test_every_enum_value_has_an_english_name(dataset, column):
    for value in schema.enum_values(dataset, column):
        english = schema.display(dataset, column, value, "en")
        assert english != value and not re.search(r"[\u3400-\u9fff]", english), (value, english)
        assert schema.display(dataset, column, value, "zh") == value  # stored values stay canonical
    assert schema.display(dataset, column, "某个新值", "en") == "某个新值"  # data the registry does not know
    assert schema.display(dataset, column, None, "en") is None


def test_every_translation_has_both_languages_with_the_same_placeholders():
    for key, (zh, en) in TEXT.items():
        assert zh.strip() and (en.strip() or key.startswith("unit.")), key  # a unit may read as nothing in English
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
        assert not re.search(r"\bpp\b", zh), f"{key}: 个百分点, not pp, in Chinese"
        # English text names Chinese only where the user's own words are quoted in (placeholders)
        assert not re.search(r"[\u3400-\u9fff]", re.sub(r"{\w+}", "", en)) or key.startswith("cli."), key
