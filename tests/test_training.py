"""Training measures on a hand-made fixture, each checked against a count done here in plain Python."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from talentboard import metrics, settings, store, training
from talentboard.metrics import Filters, format_number
from test_app import write

REPO_ROOT = Path(__file__).resolve().parent.parent
# (id, name, branch, line, status)
ROSTER = [("E1", "甲", "城关信用社", "柜面", "在岗"), ("E2", "乙", "城关信用社", "客户经理", "在岗"),
          ("E3", "丙", "东关信用社", "柜面", "在岗"), ("E4", "丁", "东关信用社", "柜面", "离职"),
          ("E5", "戊", "东关信用社", "客户经理", "在岗"), ("E6", "己", "西关信用社", "综合管理", "在岗")]
# (id, course, date, hours, category, passed)
TRAINING = [("E1", "党史学习", dt.date(2024, 1, 10), 30.0, "思想政治", "合格"),
            ("E1", "反洗钱", dt.date(2024, 6, 1), 12.0, "合规风控", "合格"),
            ("E2", "信贷实务", dt.date(2024, 2, 1), 20.0, "专业技能", "不合格"),
            ("E3", "柜面技能", dt.date(2024, 2, 1), 8.0, "专业技能", ""),
            ("E4", "柜面技能", dt.date(2024, 2, 1), 8.0, "专业技能", ""),
            ("E5", "党史学习", dt.date(2025, 1, 10), 45.0, "思想政治", "合格")]
YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
person = {e: (n, b, line, s) for e, n, b, line, s in ROSTER}


@pytest.fixture
def con(tmp_path, tmp_db):
    store.import_file(write(tmp_path / "r.csv", [["工号", "姓名", "机构", "条线", "状态"], *map(list, ROSTER)]), "employees")
    store.import_file(write(tmp_path / "t.csv", [["工号", "培训名称", "培训日期", "学时", "培训类别", "考核结果"],
                                                *map(list, TRAINING)]), "training")
    with store.connect() as connection:
        yield connection


def on_duty(branch=None):
    return {e for e, (_, b, _, s) in person.items() if s == "在岗" and (branch is None or b == branch)}


def in_year(year=2024):
    return [r for r in TRAINING if r[2].year == year]


def test_by_branch(con):
    got = training.by_branch(con, YEAR).set_index("branch")
    for branch in {b for _, b, _, _ in person.values()}:
        staff = on_duty(branch)
        hours = sum(h for e, _, _, h, _, _ in in_year() if person[e][1] == branch)
        trained = {e for e, *_ in in_year()} & staff
        assert got.loc[branch, "headcount"] == len(staff)
        assert got.loc[branch, "trained"] == len(trained)
        assert got.loc[branch, "hours"] == hours
        assert got.loc[branch, "hours_per_head"] == pytest.approx(hours / len(staff))
        assert got.loc[branch, "coverage"] == pytest.approx(len(trained) / len(staff))
    assert list(got["hours_per_head"]) == sorted(got["hours_per_head"])  # the laggards first


def test_by_line_and_untrained(con):
    got = training.by_line(con, YEAR).set_index("line")
    for line in {ln for _, _, ln, _ in person.values()}:
        staff = {e for e in on_duty() if person[e][2] == line}
        assert got.loc[line, "headcount"] == len(staff)
        assert got.loc[line, "trained"] == len({e for e, *_ in in_year()} & staff)
    missing = training.untrained(con, YEAR)
    assert set(missing["employee_id"]) == on_duty() - {e for e, *_ in in_year()}


def test_summary_shares(con):
    summary = training.summary(con, YEAR)
    rows = in_year()
    assert summary.political_share == pytest.approx(sum(r[3] for r in rows if r[4] == "思想政治") / sum(r[3] for r in rows))
    assessed = [r for r in rows if r[5]]
    assert summary.pass_rate == pytest.approx(sum(r[5] == "合格" for r in assessed) / len(assessed))
    assert summary.sessions == len({(r[1], r[2]) for r in rows})


def test_hours_by_month(con):
    expected = defaultdict(float)
    for _, _, day, hours, category, _ in in_year():
        expected[(day.replace(day=1), category)] += hours
    got = {(pd.Timestamp(m).date(), c): h for m, c, h, _ in training.hours_by_month(con, YEAR).itertuples(index=False)}
    assert got == dict(expected)


def test_target_attainment_per_line_and_year(con, monkeypatch):
    monkeypatch.setattr(settings, "TRAINING_TARGET_BY_LINE", {"客户经理": 20.0})
    two_years = Filters(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    frame = training.attainment(con, two_years)
    got = {(r.year, r.line): (r.headcount, r.attained) for r in frame.itertuples(index=False)}
    trained = {(r.year, r.line): r.trained for r in frame.itertuples(index=False)}
    for year in (2024, 2025):
        hours = defaultdict(float)
        for e, _, day, h, _, _ in TRAINING:
            if day.year == year:
                hours[e] += h
        for line in {ln for _, _, ln, _ in person.values()}:
            staff = [e for e in on_duty() if person[e][2] == line]
            target = 20.0 if line == "客户经理" else settings.TRAINING_TARGET_HOURS
            assert got[(year, line)] == (len(staff), sum(hours[e] >= target for e in staff))
            assert trained[(year, line)] == sum(hours[e] > 0 for e in staff)


def test_prorated_target():
    half = Filters(dt.date(2024, 1, 1), dt.date(2024, 7, 1))
    assert training.prorated_target(half) == pytest.approx(settings.TRAINING_TARGET_HOURS * 183 / 365)


def run_training_page(query: dict) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
    for key, value in {"range": "custom", "period": ["2024-01-01", "2024-12-31"], **query}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/training.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang,title", [("zh", "培训"), ("en", "Training")])
def test_training_page_in_both_languages(con, lang, title):
    at = run_training_page({"lang": lang})
    assert at.title[0].value == title
    hours = sum(r[3] for r in in_year())
    assert at.metric[0].value == format_number(hours / len(on_duty()))


def test_training_page_focused_on_a_branch_from_the_url(con):
    at = run_training_page({"training_focus": "东关信用社"})
    staff = on_duty("东关信用社")
    hours = sum(r[3] for r in in_year() if person[r[0]][1] == "东关信用社")
    assert at.metric[0].value == format_number(hours / len(staff))
    assert any("东关信用社" in m.value for m in at.markdown)
    assert at.button(key="training_focus_clear")  # the way back is there


# ----------------------------------------------------------------------------------------------
# Every state (issue 8): training alone, KPI changes, fixed colours, English names, the chart
# contract, tables that fit 1366 px, a period without training.
# ----------------------------------------------------------------------------------------------
import json  # noqa: E402

import plotly.graph_objects as go  # noqa: E402

from conftest import figures, rendered_strings  # noqa: E402
from talentboard import charts, schema  # noqa: E402
from talentboard.i18n import t  # noqa: E402

# (id, name, branch, course, date, hours, category, form, result, cost): a training file with no roster
ALONE = [("T1", "甲", "城关信用社", "党史学习", "2024-01-10", 30.0, "思想政治", "集中培训", "合格", 200),
         ("T2", "乙", "城关信用社", "信贷实务", "2024-02-01", 20.0, "专业技能", "线上学习", "不合格", 100),
         ("T3", "丙", "东关信用社", "营销技巧", "2024-03-01", 8.0, "营销服务", "现场教学", "合格", 50),
         ("T1", "甲", "城关信用社", "反洗钱", "2023-06-01", 12.0, "合规风控", "集中培训", "", 80)]
# (id, course, date, hours, category, result, cost) for the roster above: 2024 against 2025
TWO_YEARS = [("E1", "党史学习", dt.date(2024, 1, 10), 30.0, "思想政治", "合格", 100),
             ("E1", "反洗钱", dt.date(2024, 6, 1), 12.0, "合规风控", "合格", 50),
             ("E2", "信贷实务", dt.date(2024, 2, 1), 20.0, "专业技能", "不合格", 200),
             ("E3", "柜面技能", dt.date(2024, 2, 1), 8.0, "专业技能", "", 0),
             ("E1", "党史学习", dt.date(2025, 1, 10), 45.0, "思想政治", "合格", 300),
             ("E3", "工会活动", dt.date(2025, 1, 20), 41.0, "其他", "合格", 150),
             ("E2", "营销技巧", dt.date(2025, 3, 5), 10.0, "营销服务", "合格", 100),
             ("E5", "反洗钱", dt.date(2025, 4, 1), 6.0, "合规风控", "不合格", 50)]
NEEDS_ROSTER = ("training.branch_hours", "training.branch_coverage", "training.heatmap", "training.by_line",
                "training.attainment_by_line", "training.untrained")


@pytest.fixture
def training_alone(tmp_path, tmp_db):
    """The demo cleared, then only a training file imported: no roster, no other dataset."""
    header = ["工号", "姓名", "机构", "培训名称", "培训日期", "学时", "培训类别", "培训形式", "考核结果", "培训费用"]
    store.import_file(write(tmp_path / "t.csv", [header, *map(list, ALONE)]), "training")
    return tmp_db


@pytest.fixture
def two_years(tmp_path, tmp_db):
    store.import_file(write(tmp_path / "r.csv", [["工号", "姓名", "机构", "条线", "状态"], *map(list, ROSTER)]), "employees")
    store.import_file(write(tmp_path / "t.csv", [["工号", "培训名称", "培训日期", "学时", "培训类别", "考核结果", "培训费用"],
                                                *map(list, TWO_YEARS)]), "training")
    return tmp_db


def cards(at) -> dict[str, list]:
    """Each bordered card on the page: its title -> the elements under the title."""
    found: dict[str, list] = {}

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is None:
            return
        items = list(children.values())
        if getattr(getattr(node.proto, "flex_container", None), "border", False) and items \
                and getattr(items[0], "type", "") == "markdown":
            found[items[0].value.strip("*")] = items[1:]
        for child in items:
            walk(child)
    walk(at.main)
    return found


def shows_something(elements) -> bool:
    """A chart with data, a table with rows, or a message: never a bare title or an empty frame."""
    for element in elements:
        kind = getattr(element, "type", "")
        if kind == "plotly_chart" and charts.has_data(go.Figure(json.loads(element.proto.spec))):
            return True
        if kind == "dataframe" and len(element.value):
            return True
        if kind in {"info", "success", "warning"}:
            return True
    return False


def table_with(at, column: str):
    """The table holding `column` (AppTest does not keep a dataframe's key)."""
    return next(frame for frame in at.dataframe if column in frame.value.columns)


def visible_columns(frame) -> list[str]:
    """The columns a table shows by default, in order (the rest come with "all columns")."""
    config = json.loads(frame.proto.columns or "{}")
    order = list(frame.proto.column_order) or list(frame.value.columns)
    return [c for c in order if not (config.get(c) or {}).get("hidden")]


def no_empty_words(at) -> None:
    bad = [s for s in rendered_strings(at) if s.strip() in {"None", "nan", "NaN", "NaT", "<NA>"}]
    assert not bad


def points_text(current, previous, lang):
    return f"{(current - previous) * 100:+.1f}{' pp' if lang == 'en' else '个百分点'}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_training_alone_every_card_shows_a_chart_or_says_what_is_missing(training_alone, lang):
    at = run_training_page({"lang": lang})
    found = cards(at)
    assert len(found) == 8
    for title, elements in found.items():
        assert shows_something(elements), f"card {title!r} shows only its title"
    roster = "职工花名册" if lang == "zh" else "staff roster"
    for key in NEEDS_ROSTER:
        messages = [e.value for e in found[t(key, lang)] if getattr(e, "type", "") == "info"]
        assert messages and roster in messages[0], key
    # the monthly chart and the courses table are real: 2024's three records
    month = [f for f in figures(at) if f["layout"]["meta"]["title"] == t("training.by_month", lang)]
    assert sum(sum(trace["y"]) for trace in month[0]["data"]) == sum(r[5] for r in ALONE if r[4] < "2025" and r[4] >= "2024")
    no_empty_words(at)
    # KPIs: nothing reads 0, a dash or None; per-head figures are estimates over the staff seen
    values = {m.label: m.value for m in at.metric}
    assert not {v for v in values.values() if v in {"0", "—", "None", "0.0%"}}
    hours_2024 = sum(r[5] for r in ALONE if r[4].startswith("2024"))
    staff_seen = len({r[0] for r in ALONE})
    assert values[t("training.hours_per_head_estimate", lang)] == format_number(hours_2024 / staff_seen)
    assert values[t("kpi.coverage", lang)] == t("training.value.needs_roster", lang)
    assert values[t("training.attainment", lang)] == t("training.value.needs_roster", lang)
    assert any(roster in s for s in rendered_strings(at) if s.startswith(t("training.no_roster_note", lang)[:6]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kpi_shows_its_change_against_the_previous_period(two_years, lang):
    at = run_training_page({"lang": lang, "period": ["2025-01-01", "2025-12-31"]})
    staff = on_duty()
    rows = {year: [r for r in TWO_YEARS if r[2].year == year] for year in (2024, 2025)}
    hours = {y: sum(r[3] for r in rs) for y, rs in rows.items()}
    political = {y: sum(r[3] for r in rs if r[4] == "思想政治") / hours[y] for y, rs in rows.items()}
    passed = {y: sum(r[5] == "合格" for r in rs) / sum(bool(r[5]) for r in rs) for y, rs in rows.items()}
    cost = {y: sum(r[6] for r in rs) / len(staff) for y, rs in rows.items()}
    coverage = {y: len({r[0] for r in rs} & staff) / len(staff) for y, rs in rows.items()}
    on_target = {}
    for year, rs in rows.items():
        per_person = defaultdict(float)
        for r in rs:
            per_person[r[0]] += r[3]
        on_target[year] = sum(per_person[e] >= settings.TRAINING_TARGET_HOURS for e in staff) / len(staff)
    got = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert got[t("kpi.hours_per_head", lang)] == (format_number(hours[2025] / len(staff)),
                                                  f"{(hours[2025] - hours[2024]) / hours[2024] * 100:+.1f}%")
    assert got[t("kpi.coverage", lang)][1] == points_text(coverage[2025], coverage[2024], lang)
    assert got[t("training.political_share", lang)] == (f"{political[2025] * 100:.1f}%",
                                                        points_text(political[2025], political[2024], lang))
    assert got[f"{t('training.attainment', lang)} · 2025"] == (f"{on_target[2025] * 100:.1f}%",
                                                               points_text(on_target[2025], on_target[2024], lang))
    assert got[t("training.pass_rate", lang)] == (f"{passed[2025] * 100:.1f}%",
                                                  points_text(passed[2025], passed[2024], lang))
    assert got[t("training.cost_per_head", lang)] == (format_number(cost[2025], digits=0),
                                                      f"{(cost[2025] - cost[2024]) / cost[2024] * 100:+.1f}%")
    assert not [s for s in rendered_strings(at) if lang == "zh" and " pp" in s]


def test_no_change_is_claimed_against_a_period_without_training(two_years):
    at = run_training_page({"period": ["2024-01-01", "2024-12-31"]})  # nothing recorded in 2023
    assert len(at.metric) == 6
    assert [m.proto.delta for m in at.metric if m.proto.delta] == []  # attainment too: no 2023 to set it against


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_category_keeps_its_colour_whatever_the_filter_leaves(two_years, lang):
    def colours(query: dict) -> dict[str, str]:
        at = run_training_page({"lang": lang, "period": ["2025-01-01", "2025-12-31"], **query})
        month = [f for f in figures(at) if f["layout"]["meta"]["title"] == t("training.by_month", lang)][0]
        return {trace["name"]: trace["marker"]["color"] for trace in month["data"]}
    everyone, one_branch = colours({}), colours({"branch": ["城关信用社"]})
    assert set(everyone) != set(one_branch)  # the filter changes which categories are present
    marketing = schema.display("training", "category", "营销服务", lang)
    # its colour is its place in the registry's order of categories, not in what the data holds
    place = schema.enum_values("training", "category").index("营销服务")
    assert everyone[marketing] == one_branch[marketing] == charts.QUALITATIVE[place]
    for name, colour in one_branch.items():
        assert everyone[name] == colour


def test_categories_read_in_english(two_years):
    at = run_training_page({"lang": "en", "period": ["2025-01-01", "2025-12-31"]})
    shown = rendered_strings(at)
    for category in schema.enum_values("training", "category"):
        assert category not in shown
    english = {schema.display("training", "category", r[4], "en") for r in TWO_YEARS if r[2].year == 2025}
    month = [f for f in figures(at) if f["layout"]["meta"]["title"] == t("training.by_month", "en")][0]
    assert {trace["name"] for trace in month["data"]} == english
    courses = table_with(at, "course").value
    assert set(courses["category"]) == english


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_keeps_the_contract(demo_db, lang):
    at = run_training_page({"lang": lang, "range": "this_year"})
    drawn = figures(at)
    assert len(drawn) == 5
    for spec in drawn:
        assert charts.check(go.Figure(spec)) == [], spec["layout"]["meta"]
    axis_titles = {(spec["layout"].get(axis) or {}).get("title", {}).get("text") for spec in drawn
                   for axis in ("xaxis", "yaxis")}
    for key in ("training.axis.hours", "training.axis.hours_per_head", "training.axis.coverage",
                "training.axis.attainment"):
        assert t(key, lang) in axis_titles
    heat = [s for s in drawn if s["data"][0]["type"] == "heatmap"][0]
    assert heat["data"][0]["textfont"]["size"] >= charts.TICK_SIZE and heat["data"][0]["texttemplate"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_fit_a_laptop_screen_with_the_sort_column_shown(demo_db, lang):
    at = run_training_page({"lang": lang, "range": "this_year"})
    by_line = table_with(at, "hours_per_head")
    courses = table_with(at, "course")
    untrained_staff = table_with(at, "employee_id")
    for frame in (by_line, courses, untrained_staff):
        assert len(visible_columns(frame)) <= 4  # a half-width card at 1366 px holds four
    assert "headcount" in visible_columns(by_line)  # sorted by it
    assert list(by_line.value["headcount"]) == sorted(by_line.value["headcount"], reverse=True)
    assert visible_columns(courses)[:2] == ["course", "person_times"]
    assert list(courses.value["person_times"]) == sorted(courses.value["person_times"], reverse=True)
    no_empty_words(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_period_without_training_says_so_on_every_card(two_years, lang):
    at = run_training_page({"lang": lang, "period": ["2016-01-01", "2016-12-31"]})
    assert not figures(at) and not at.dataframe and not at.metric
    for title, elements in cards(at).items():
        assert [e.value for e in elements] == [t("training.no_training_card", lang)], title
    first, last = min(r[2] for r in TWO_YEARS), max(r[2] for r in TWO_YEARS)
    assert at.info[0].value == t("training.no_training", lang, start="2016-01-01", end="2016-12-31", first=first,
                                 last=last)


def test_rate_changes_read_in_points_of_the_readers_language():
    assert metrics.change_points(0.5, 0.25, "zh") == "+25.0个百分点"
    assert metrics.change_points(0.25, 0.5, "en") == "-25.0 pp"
    assert metrics.change_points(0.97149, 0.97151, "zh") == "+0.0个百分点"  # no falling arrow for no change
    assert metrics.change_points(0.96, 0.97, "en") == "-1.0 pp"
    assert metrics.change_points(None, 0.5, "zh") is None


def test_attainment_so_far_is_set_against_the_same_point_of_the_year_before(two_years):
    """A quarter's attainment counts the year's hours up to the quarter's end, and so does last year's:
    a year not over yet is never compared with a whole one."""
    until = dt.date(2025, 3, 31)
    at = run_training_page({"period": ["2025-01-01", until.isoformat()]})
    staff = on_duty()

    def share(year: int, last_day: dt.date) -> float:
        hours = defaultdict(float)
        for e, _, day, h, *_ in TWO_YEARS:
            if day.year == year and day <= last_day:
                hours[e] += h
        return sum(hours[e] >= settings.TRAINING_TARGET_HOURS for e in staff) / len(staff)
    now, before = share(2025, until), share(2024, until.replace(year=2024))
    assert before != share(2024, dt.date(2024, 12, 31))  # the fixture tells the two comparisons apart
    got = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert got[f"{t('training.attainment', 'zh')} · 2025"] == (f"{now * 100:.1f}%", points_text(now, before, "zh"))
