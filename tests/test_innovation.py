"""Innovation measures on a hand-made fixture; every expected value is worked out here in plain Python."""
from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from talentboard import innovation, store
from talentboard.metrics import Filters, format_number, format_percent
from test_app import write

REPO_ROOT = Path(__file__).resolve().parent.parent
D = dt.date
# (title, studio, status, start, end, converted, members, branch, benefit, funding, award, patents)
PROJECTS = [
    ("甲一", "甲工作室", "已完成", D(2024, 1, 1), D(2024, 4, 1), None, "E1、E2", "营业部", 0, 5, "县级", 1),  # skipped 研究中
    ("甲二", "甲工作室", "已转化", D(2024, 2, 1), None, D(2024, 8, 1), "E2,E3", "营业部", 30, 6, "市级", 0),  # no end date
    ("甲三", "甲工作室", "研究中", D(2024, 3, 1), None, None, "E4; E1", "营业部", 0, 4, "无", 0),
    ("甲四", "甲工作室", "推广应用", D(2023, 6, 1), D(2024, 1, 15), D(2024, 3, 15), "E5 E6", "营业部", 50, 10, "省级", 2),
    ("乙一", "乙工作室", "立项", D(2024, 5, 1), None, None, "E7", "东关支行", 0, 2, "", 0),
    ("乙二", "乙工作室", "中止", D(2024, 1, 10), None, None, "", "东关支行", 0, 1, "", 0),
    ("乙三", "乙工作室", "已完成", D(2024, 2, 1), D(2025, 2, 1), None, "E7、E8", "东关支行", 0, 3, "县级", 0),  # done after 2024
    ("丙一", "丙工作室", "立项", D(2025, 3, 1), None, None, "E9", "东关支行", 0, 1, "", 0),  # starts after the period
]
YEAR = Filters(D(2024, 1, 1), D(2024, 12, 31))
STAGE = {"立项": 1, "研究中": 2, "已完成": 3, "已转化": 4, "推广应用": 4}


@pytest.fixture
def con(tmp_path, tmp_db):
    roster = [["工号", "姓名", "机构", "法人机构"], ["E1", "甲", "营业部", "甲农商银行"], ["E2", "乙", "营业部", "乙农商银行"],
              ["E3", "丙", "东关支行", "甲农商银行"]]
    header = ["课题名称", "工作室", "状态", "立项日期", "完成日期", "转化日期", "成员", "所属机构", "经济效益", "经费投入", "获奖级别", "专利数"]
    store.import_file(write(tmp_path / "r.csv", roster), "employees")
    result = store.import_file(write(tmp_path / "i.csv", [header, *map(list, PROJECTS)]), "innovation")
    assert result.exit_code == 0, result.as_json()
    with store.connect() as connection:
        yield connection


def in_scope(end=YEAR.end, studio=None):
    return [p for p in PROJECTS if p[3] <= end and (studio is None or p[1] == studio)]


def stage(p, end=YEAR.end) -> int:
    """The furthest stage a project had reached by `end`: converted or finished only if by then (as the studio
    table counts them); one finished or converted later was in research then."""
    _, _, status, start, done, converted, *_ = p
    if status in ("已转化", "推广应用") and (converted or done or start) <= end:
        return 4
    if status in ("已完成", "已转化", "推广应用") and (done or converted or start) <= end:
        return 3
    if status == "中止":
        return 1 if done is None else 3 if done <= end else 2
    return min(STAGE[status], 2)


def state(p, end=YEAR.end) -> tuple[bool, bool, bool]:
    """(active, converted, finished) on the period's last day."""
    _, _, status, start, done, converted, *_ = p
    active = status != "中止" and (status in ("立项", "研究中") or (done or converted) > end)
    is_converted = status in ("已转化", "推广应用") and (converted or done or start) <= end
    finished = status in ("已完成", "已转化", "推广应用") and (done or converted or start) <= end
    return active, is_converted, finished


def test_funnel_counts_skipped_stages_as_passed(con):
    got = dict(innovation.funnel(con, YEAR)[["stage", "projects"]].itertuples(index=False))
    projects = in_scope()
    assert got == {k: sum(stage(p) >= k for p in projects) for k in (1, 2, 3, 4)}
    assert got[2] >= got[3]  # 甲一 went from 立项 to 已完成 and still counts at 研究中
    assert got[4] == sum(state(p)[1] for p in projects)  # converted by the period's end, as the studio table says
    assert got[3] == sum(state(p)[2] for p in projects)  # 乙三, finished in 2025, was in research at the end of 2024


def test_studio_table(con):
    got = innovation.studios(con, YEAR).set_index("studio")
    assert set(got.index) == {p[1] for p in in_scope()}
    for name in got.index:
        projects = in_scope(studio=name)
        states = [state(p) for p in projects]
        converted, finished = sum(s[1] for s in states), sum(s[2] for s in states)
        members = {m for p in projects for m in re.split(r"[、,，;；\s]+", p[6]) if m}
        row = got.loc[name]
        assert (row["projects"], row["active"], row["converted"]) == (len(projects), sum(s[0] for s in states), converted)
        assert row["completed"] == finished - converted
        assert row["members"] == len(members)
        if finished:
            assert row["conversion_rate"] == pytest.approx(converted / finished)
            assert row["results_per_member"] == pytest.approx(finished / len(members))
        else:
            assert row["conversion_rate"] != row["conversion_rate"]  # no finished project: no rate (NaN)
        assert row["benefit_per_funding"] == pytest.approx(sum(p[8] for p in projects) / sum(p[9] for p in projects))
        assert row["patents"] == sum(p[11] for p in projects)


def test_totals_and_overall_conversion(con):
    totals = innovation.totals(innovation.studios(con, YEAR))
    states = [state(p) for p in in_scope()]
    assert totals["conversion_rate"] == pytest.approx(sum(s[1] for s in states) / sum(s[2] for s in states))
    assert totals["benefit"] == sum(p[8] for p in in_scope())


def test_days_in_each_stage(con):
    got = innovation.stage_days(con, YEAR)
    overall = got[got["studio"].isna()].set_index("span")["median_days"].to_dict()
    projects = in_scope()
    assert overall == {
        "to_complete": statistics.median((p[4] - p[3]).days for p in projects if p[4]),
        "to_convert": statistics.median((p[5] - p[4]).days for p in projects if p[4] and p[5]),
        "start_to_convert": statistics.median((p[5] - p[3]).days for p in projects if p[5] and not p[4]),
    }


def test_awards_by_level(con):
    got = innovation.awards(con, YEAR)
    levels = [p[10] for p in in_scope() if p[10] not in ("", "无")]
    assert list(got["award_level"]) == [lv for lv in ("国家级", "省级", "市级", "县级") if lv in levels]
    assert dict(zip(got["award_level"], got["projects"])) == {lv: levels.count(lv) for lv in set(levels)}


def test_org_filter_counts_a_shared_branch_name_once(con):
    # 营业部 exists in both orgs' rosters; its projects count once for either org
    one_org = Filters(YEAR.start, YEAR.end, orgs=("甲农商银行",))
    got = innovation.studios(con, one_org).set_index("studio")
    assert got.loc["甲工作室", "projects"] == len(in_scope(studio="甲工作室"))
    assert set(got.index) == {"甲工作室", "乙工作室"}  # 东关支行 belongs to 甲 too


def test_studio_focus(con):
    got = innovation.studios(con, YEAR, "乙工作室")
    assert list(got["studio"]) == ["乙工作室"]
    assert dict(innovation.funnel(con, YEAR, "乙工作室")[["stage", "projects"]].itertuples(index=False)) == {
        k: sum(stage(p) >= k for p in in_scope(studio="乙工作室")) for k in (1, 2, 3, 4)}


@pytest.mark.parametrize("lang,title", [("zh", "创新成果"), ("en", "Innovation")])
def test_innovation_page_focused_on_a_studio(con, lang, title):
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
    for key, value in {"range": "custom", "period": ["2024-01-01", "2024-12-31"], "lang": lang,
                       "innov_focus": "甲工作室"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/innovation.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == title
    projects = in_scope(studio="甲工作室")
    states = [state(p) for p in projects]
    values = [m.value for m in at.metric]
    assert values[:4] == ["1", str(sum(s[0] for s in states)), str(sum(s[1] for s in states)),
                          format_percent(sum(s[1] for s in states) / sum(s[2] for s in states))]
    assert values[4] == format_number(sum(p[8] for p in projects), lang)


# ----------------------------------------------------------------------------------------------
# Issue 8: numbers an executive can trust in every state, text a meeting room can read.
# ----------------------------------------------------------------------------------------------
import json  # noqa: E402

import duckdb  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

from conftest import figures, rendered_strings  # noqa: E402
from talentboard import charts, schema  # noqa: E402
from talentboard.i18n import t  # noqa: E402

CHART_TITLES = ("innov.funnel", "innov.benefit_vs_funding", "innov.benefit_by_studio", "innov.stage_days",
                "innov.categories", "innov.awards", "innov.timeline")
SECOND_HALF = Filters(D(2024, 7, 1), D(2024, 12, 31))  # previous: the portfolio as of 2024-06-30


def by_title(at) -> dict[str, dict]:
    return {(f["layout"].get("meta") or {}).get("title"): f for f in figures(at)}


def relative(now, before) -> str | None:
    return None if now is None or not before else f"{(now - before) / abs(before) * 100:+.1f}%"


def portfolio(end: dt.date) -> dict:
    """The KPIs as of `end`, worked out from PROJECTS in plain Python."""
    projects = in_scope(end)
    states = [state(p, end) for p in projects]
    converted, finished = sum(s[1] for s in states), sum(s[2] for s in states)
    benefit, funding = sum(p[8] for p in projects), sum(p[9] for p in projects)
    return {"studios": len({p[1] for p in projects}), "active": sum(s[0] for s in states), "converted": converted,
            "conversion_rate": converted / finished if finished else None, "benefit": benefit,
            "benefit_per_funding": benefit / funding if funding else None}


def test_studio_names_are_every_studio_in_the_store_whatever_the_filters(con):
    everyone = sorted({p[1] for p in PROJECTS})
    assert innovation.studio_names(con, YEAR) == everyone
    # 丙工作室 starts after 2024 and 乙 has no project in 营业部: still listed, so colours never shift
    assert innovation.studio_names(con, Filters(YEAR.start, YEAR.end, branches=("营业部",))) == everyone


@pytest.mark.parametrize("lang,points", [("zh", "个百分点"), ("en", "pp")])
def test_kpi_cards_change_against_the_previous_portfolio(con, lang, points):
    now, before = portfolio(SECOND_HALF.end), portfolio(SECOND_HALF.previous().end)
    assert SECOND_HALF.previous().end == D(2024, 6, 30)
    cards = innovation.kpi_cards(innovation.summary(con, SECOND_HALF),
                                 innovation.summary(con, SECOND_HALF.previous()), lang)
    assert [name for name, _, _ in cards] == ["studios", "active", "converted", "conversion_rate", "benefit",
                                              "benefit_per_funding"]
    deltas = {name: delta for name, _, delta in cards}
    for name in ("studios", "active", "converted", "benefit", "benefit_per_funding"):
        assert deltas[name] == relative(now[name], before[name]), name
    rate_change = (now["conversion_rate"] - before["conversion_rate"]) * 100
    assert deltas["conversion_rate"].startswith(f"{rate_change:+.1f}") and deltas["conversion_rate"].endswith(points)
    assert lang == "en" or "pp" not in deltas["conversion_rate"]
    assert before["converted"] == 1 and now["converted"] == 2  # 甲二 converts in August: a real change
    assert all(delta is not None for delta in deltas.values())
    values = {name: value for name, value, _ in cards}
    assert values["conversion_rate"] == format_percent(now["conversion_rate"])
    assert values["benefit_per_funding"] == format_number(now["benefit_per_funding"], lang, digits=2)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_kpis_show_their_change_and_short_labels(con, run_page, lang):
    at = run_page("innovation", {"lang": lang, "range": "custom", "period": ["2024-07-01", "2024-12-31"]})
    now, before = portfolio(SECOND_HALF.end), portfolio(SECOND_HALF.previous().end)
    metrics = at.metric
    assert [m.value for m in metrics][:3] == [str(now["studios"]), str(now["active"]), str(now["converted"])]
    deltas = [m.proto.delta for m in metrics]
    assert deltas[1] == relative(now["active"], before["active"])
    assert deltas[2] == relative(now["converted"], before["converted"])
    assert "pp" not in deltas[3] if lang == "zh" else deltas[3].endswith(" pp")
    assert all(d and d not in ("None", "nan") for d in deltas)
    assert all(m.value not in ("0", "None", "nan", "—") for m in metrics)
    if lang == "en":  # a KPI label must fit a card at 1366 px even five to a row: no "Converted resu…"
        assert max(len(m.label) for m in metrics) <= 16, [m.label for m in metrics]


def studio_colours_drawn(at, studios) -> dict[str, dict[str, set[str]]]:
    """Studio -> {kind of chart: colours it is drawn in}: bubbles (scatter), bars and the timeline (bars
    with a base date), found by what they draw, not by their titles."""
    seen: dict[str, dict[str, set[str]]] = {}
    for figure in figures(at):
        for trace in figure["data"]:
            if trace.get("name") not in studios:
                continue
            kind = "bubbles" if trace["type"] == "scatter" else "timeline" if trace.get("base") else "bars"
            seen.setdefault(trace["name"], {}).setdefault(kind, set()).add((trace.get("marker") or {}).get("color"))
    return seen


def test_a_studio_has_one_colour_in_every_chart_and_under_every_filter(demo_db, run_page):
    store.release_readers()  # the app's shared reading connection lets go first
    with duckdb.connect(str(demo_db), read_only=True) as db:
        everyone = sorted({row[0] for row in db.execute("select studio from innovation").fetchall()})
    fixed = dict(zip(everyone, charts.QUALITATIVE))  # place in the full sorted list -> palette colour
    views = [{}, {"branch": ["龙潭信用社", "柳林支行"]}, {"innov_focus": everyone[3]}, {"range": "last_year"}]
    for query in views:
        seen = studio_colours_drawn(run_page("innovation", {"lang": "zh", **query}), everyone)
        assert seen, query
        for studio, kinds in seen.items():
            assert {"bubbles", "timeline"} <= set(kinds), (query, studio)  # shown in both charts
            for kind, colours in kinds.items():
                assert colours == {fixed[studio]}, (query, studio, kind, colours)
    focused = studio_colours_drawn(run_page("innovation", {"innov_focus": everyone[3]}), everyone)
    assert set(focused) == {everyone[3]}


def test_categories_have_fixed_colours(demo_db, run_page):
    for lang in ("zh", "en"):
        fixed = {schema.display("innovation", "category", value, lang): charts.QUALITATIVE[i]
                 for i, value in enumerate(schema.enum_values("innovation", "category"))}
        for query in ({}, {"branch": ["城关支行"]}):
            at = run_page("innovation", {"lang": lang, **query})
            drawn = {}
            for figure in figures(at):
                for trace in figure["data"]:
                    for name in trace.get("y") or ():
                        if name in fixed and trace["type"] == "bar":
                            colour = (trace.get("marker") or {}).get("color")
                            drawn[name] = colour[list(trace["y"]).index(name)] if isinstance(colour, list) else colour
            assert drawn, (lang, query)
            assert drawn == {name: fixed[name] for name in drawn}, (lang, query)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_keeps_the_chart_contract(demo_db, run_page, lang):
    at = run_page("innovation", {"lang": lang})
    drawn = by_title(at)
    assert set(drawn) == {t(k, lang) for k in CHART_TITLES}
    for title, spec in drawn.items():
        assert charts.check(go.Figure(spec)) == [], title
    bubbles = drawn[t("innov.benefit_vs_funding", lang)]["layout"]
    assert bubbles["xaxis"]["title"]["text"] == t("innov.col.funding", lang)
    assert bubbles["yaxis"]["title"]["text"] == t("innov.col.benefit", lang)
    assert ("万元" if lang == "zh" else "10k yuan") in bubbles["xaxis"]["title"]["text"]
    days = drawn[t("innov.stage_days", lang)]
    assert ("天" if lang == "zh" else "days") in days["layout"]["xaxis"]["title"]["text"]
    assert all(("天" if lang == "zh" else " d") in trace["texttemplate"] for trace in days["data"])
    assert drawn[t("innov.categories", lang)]["layout"]["xaxis"]["title"]["text"] == t("innov.col.project_count", lang)
    awards = drawn[t("innov.awards", lang)]["layout"]
    assert awards["xaxis"]["title"]["text"] and awards["yaxis"]["title"]["text"]
    timeline = drawn[t("innov.timeline", lang)]["layout"]
    assert timeline["xaxis"]["tickformat"] == "%Y-%m"  # 2026-03 in both languages, never "Mar 2026"
    assert timeline["xaxis"]["title"]["text"]


def test_english_shows_display_names_for_enums(demo_db, run_page):
    at = run_page("innovation", {"lang": "en"})
    chinese = {value for column in ("category", "status", "award_level")
               for value in schema.enum_values("innovation", column)
               if schema.display("innovation", column, value, "en") != value}
    shown = rendered_strings(at)
    assert not [s for s in shown if s in chinese]  # cells, axis categories, legends, labels
    drawn = by_title(at)
    store.release_readers()  # the app's shared reading connection lets go first
    with duckdb.connect(str(demo_db), read_only=True) as db:
        categories = {row[0] for row in db.execute("select distinct category from innovation").fetchall()}
        levels = {row[0] for row in db.execute("select distinct award_level from innovation where award_level <> '无'")
                  .fetchall()}
    category_axis = {y for trace in drawn["Categories"]["data"] for y in trace["y"]}
    assert category_axis == {schema.DATASETS["innovation"].column("category").labels_en[c] for c in categories}
    award_axis = {x for trace in drawn["Awards"]["data"] for x in trace["x"]}
    assert award_axis == {schema.DATASETS["innovation"].column("award_level").labels_en[a] for a in levels}
    funnel = drawn["How far projects get"]["data"][0]["y"]
    assert funnel[:3] == ["Approved", "In research", "Completed"] and not any("转化" in s for s in funnel)


def visible_columns(frame) -> list[str]:
    config = json.loads(frame.proto.columns or "{}") if getattr(frame.proto, "columns", None) else {}
    order = list(frame.proto.column_order) or list(frame.value.columns)
    return [c for c in order if not (isinstance(config.get(c), dict) and config[c].get("hidden"))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_studio_table_fits_with_the_sort_column_visible(demo_db, run_page, lang):
    at = run_page("innovation", {"lang": lang, "range": "last_year"})
    frame = at.dataframe[0]
    shown = visible_columns(frame)
    assert frame.proto.placeholder == "—"  # a missing value reads —, never nan or None
    store.release_readers()  # the app's shared reading connection lets go first
    with duckdb.connect(str(demo_db), read_only=True) as db:  # 2025: a studio with no finished project yet
        unfinished = {row[0] for row in db.execute(
            "select studio from innovation where start_date <= date '2025-12-31' group by studio "
            "having count(*) filter (where status in ('已完成', '已转化', '推广应用') "
            "and coalesce(end_date, converted_date, start_date) <= date '2025-12-31') = 0").fetchall()}
    assert unfinished
    rates = dict(zip(frame.value["studio"], frame.value["conversion_rate"]))
    assert all(pd.isna(rates[name]) for name in unfinished)  # no rate yet (shown as —): not 0%
    assert all(pd.notna(rates[name]) for name in set(rates) - unfinished)
    assert pd.api.types.is_numeric_dtype(frame.value["conversion_rate"])  # sorts by value, not as text
    assert len(shown) <= 7 and "benefit" in shown, shown  # the column the table is sorted by
    benefit = list(frame.value["benefit"])
    assert benefit == sorted(benefit, reverse=True)
    assert len(frame.value.columns) == 13  # the download keeps every column
    at.toggle(key="innov_studio_table_all").set_value(True).run()
    assert not at.exception
    assert set(visible_columns(at.dataframe[0])) == set(frame.value.columns)  # the rest on demand


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_period_with_no_projects_says_so(demo_db, run_page, lang):
    # the demo's projects start in 2024; the portfolio as of 2017's end is empty
    at = run_page("innovation", {"lang": lang, "range": "custom", "period": ["2017-01-01", "2017-12-31"]})
    assert at.caption[0].value.startswith(t("innov.caption", lang, end="2017-12-31", asof="")[:8])
    assert "2017-12-31" in at.caption[0].value
    assert [i.value for i in at.info] == [t("innov.no_projects", lang)]
    assert figures(at) == [] and len(at.metric) == 0 and len(at.dataframe) == 0
    assert not [m.value for m in at.markdown if m.value.startswith("**")]  # no bare card title


def test_a_focused_studio_with_nothing_yet_says_so(con, run_page):
    at = run_page("innovation", {"range": "custom", "period": ["2024-01-01", "2024-12-31"], "innov_focus": "丙工作室"})
    assert [i.value for i in at.info] == [t("innov.no_projects", "zh")]
    assert figures(at) == [] and len(at.metric) == 0
