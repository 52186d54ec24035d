"""Competition and grading measures on a hand-made fixture, each checked against a count done here in plain
Python (never the same SQL), and the page in both languages through AppTest."""
from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import write

from talentboard import competition, store
from talentboard.i18n import t
from talentboard.metrics import Filters, format_number, format_percent
from talentboard.schema import GRADE_SCALES

REPO_ROOT = Path(__file__).resolve().parent.parent

# (id, name, branch, line, status); E5 has left, so is not in headcount.
ROSTER = [("E1", "甲", "城关信用社", "柜面", "在岗"), ("E2", "乙", "城关信用社", "柜面", "在岗"),
          ("E3", "丙", "城关信用社", "客户经理", "在岗"), ("E4", "丁", "东关信用社", "柜面", "在岗"),
          ("E5", "戊", "东关信用社", "客户经理", "离职"), ("E6", "己", "东关信用社", "客户经理", "在岗"),
          ("E7", "庚", "西关信用社", "综合管理", "在岗"), ("E8", "辛", "西关信用社", "柜面", "在岗")]
person = {e: (n, b, line, s) for e, n, b, line, s in ROSTER}

# (competition, date, event, id, recorded branch, recorded line, score, award). X9 is not on the
# roster (branch and line as recorded); E7 enters the tellers' contest but the roster says 综合管理;
# E5 and E8 compete in 2023 and 2025 but not 2024 (not consecutive); E6 wins in 2024 and 2025 (no change).
TELLERS_23, TELLERS_24, TELLERS_25 = "2023年柜面技能竞赛", "2024年柜面技能竞赛", "2025年柜面技能竞赛"
MANAGERS_24, MANAGERS_25 = "2024年客户经理营销比武", "2025年客户经理营销比武"
D23, D24, D24B, D25, D25B = (dt.date(2023, 6, 15), dt.date(2024, 6, 10), dt.date(2024, 7, 1), dt.date(2025, 6, 12),
                             dt.date(2025, 7, 1))
RESULTS = [
    (TELLERS_23, D23, "点钞", "E8", "", "柜面", 70.0, "一等奖"),
    (TELLERS_23, D23, "点钞", "E5", "", "柜面", 60.0, "二等奖"),
    (TELLERS_24, D24, "点钞", "E1", "", "柜面", 90.0, "一等奖"),
    (TELLERS_24, D24, "点钞", "E2", "", "柜面", 80.0, "三等奖"),
    (TELLERS_24, D24, "点钞", "E4", "", "柜面", 70.0, "无"),
    (TELLERS_24, D24, "点钞", "E7", "", "柜面", 60.0, "优秀奖"),
    (TELLERS_24, D24, "传票录入", "E1", "", "柜面", 85.0, "二等奖"),
    (TELLERS_24, D24, "传票录入", "E4", "", "柜面", 95.0, "特等奖"),
    (TELLERS_24, D24, "传票录入", "E2", "", "柜面", 75.0, "无"),
    (MANAGERS_24, D24B, "营销演讲", "E6", "", "客户经理", 90.0, "一等奖"),
    (MANAGERS_24, D24B, "营销演讲", "E3", "", "客户经理", 80.0, "无"),
    (TELLERS_25, D25, "点钞", "E1", "", "柜面", 88.0, "二等奖"),
    (TELLERS_25, D25, "点钞", "E2", "", "柜面", 92.0, "一等奖"),
    (TELLERS_25, D25, "点钞", "E4", "", "柜面", 78.0, "三等奖"),
    (TELLERS_25, D25, "点钞", "E8", "", "柜面", 78.0, "三等奖"),  # a tie with E4
    (TELLERS_25, D25, "传票录入", "E2", "", "柜面", 90.0, "一等奖"),
    (TELLERS_25, D25, "传票录入", "E4", "", "柜面", 70.0, "无"),
    (MANAGERS_25, D25B, "营销演讲", "E6", "", "客户经理", 88.0, "一等奖"),
    (MANAGERS_25, D25B, "营销演讲", "E3", "", "客户经理", 85.0, "二等奖"),
    (MANAGERS_25, D25B, "营销演讲", "E5", "", "客户经理", 80.0, "三等奖"),
    (MANAGERS_25, D25B, "营销演讲", "X9", "南关信用社", "客户经理", 70.0, "优秀奖"),
    (MANAGERS_25, D25B, "业务知识", "E3", "", "客户经理", 66.0, "无"),  # a field of one: no percentile
]
TWO_YEARS = Filters(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
YEAR_2025 = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))

# (year, id, grade, recorded branch); E3 moves from the 初级 scale's 中级 (rank 2) to 三级 (rank 3), a
# promotion by rank though 三级 comes first in the configured order; E2 was at 东关 in 2024; E6 skips
# 2024; E8 is graded in 2025 only.
GRADES = [(2023, "E1", "一级"), (2024, "E1", "二级"), (2025, "E1", "三级"),
          (2023, "E2", "三级"), (2024, "E2", "三级", "东关信用社"), (2025, "E2", "二级"),
          (2023, "E3", "初级"), (2024, "E3", "中级"), (2025, "E3", "三级"),
          (2023, "E4", "二级"), (2024, "E4", "二级"), (2025, "E4", "二级"),
          (2023, "E6", "一级"), (2025, "E6", "二级"),
          (2024, "E7", "四级"), (2025, "E7", "五级"), (2025, "E8", "一级")]


def roster_line(employee: str, recorded: str) -> str:
    return person[employee][2] if employee in person else recorded


def branch_of(employee: str, recorded: str) -> str:
    return recorded or person[employee][1]


def grade_rank(grade: str) -> int:
    return next(scale.index(grade) + 1 for scale in GRADE_SCALES if grade in scale)


def graded() -> dict[tuple[str, int], tuple[str, str]]:
    """(id, year) -> (grade, branch that year: as recorded, else the roster's)."""
    return {(g[1], g[0]): (g[2], g[3] if len(g) > 3 else person[g[1]][1]) for g in GRADES}


@pytest.fixture
def con(tmp_path, tmp_db):
    assert store.import_file(write(tmp_path / "roster.csv", [["工号", "姓名", "机构", "条线", "状态"],
                                                             *map(list, ROSTER)]), "employees").exit_code == 0
    assert store.import_file(write(tmp_path / "competition.csv", [
        ["竞赛名称", "比赛日期", "比赛项目", "工号", "所属网点", "组别", "成绩", "获奖等级"],
        *[[c, d.isoformat(), ev, e, b, ln, s, a] for c, d, ev, e, b, ln, s, a in RESULTS]]), "competition").exit_code == 0
    assert store.import_file(write(tmp_path / "grading.csv", [["评定年度", "工号", "评定等级", "机构"],
                                                              *[[*g[:3], g[3] if len(g) > 3 else ""] for g in GRADES]]),
                             "grading").exit_code == 0
    with store.connect() as connection:
        yield connection


def in_period(filters: Filters, branch: str | None = None):
    return [r for r in RESULTS if filters.start <= r[1] <= filters.end
            and (branch is None or branch_of(r[3], r[4]) == branch)]


def percentile(row, min_field: int = 2) -> float | None:
    """Share of the rest of the field (same competition, date, event) with a lower score, 0-100; none in a
    field smaller than min_field (a field of one never has one)."""
    field = [r[6] for r in RESULTS if r[:3] == row[:3]]
    return None if len(field) < max(min_field, 2) else 100 * sum(s < row[6] for s in field) / (len(field) - 1)


# ----------------------------------------------------------------------------------------------
# Competition measures
# ----------------------------------------------------------------------------------------------

def test_participation_rate_by_line_and_year(con):
    got = competition.participation(con, TWO_YEARS).set_index(["year", "line"])
    on_duty = {e for e, (_, _, _, s) in person.items() if s == "在岗"}
    lines = {line for _, _, line, _ in person.values()}
    for year in (2024, 2025):
        rows = [r for r in in_period(TWO_YEARS) if r[1].year == year]
        for line in lines:
            contestants = {r[3] for r in rows if roster_line(r[3], r[5]) == line}
            staff = {e for e in on_duty if person[e][2] == line}
            winners = {r[3] for r in rows if roster_line(r[3], r[5]) == line and r[7] != "无"}
            assert got.loc[(year, line), "headcount"] == len(staff)
            assert got.loc[(year, line), "participants"] == len(contestants)
            assert got.loc[(year, line), "participation_rate"] == pytest.approx(len(contestants & staff) / len(staff))
            assert got.loc[(year, line), "award_winners"] == len(winners)
    # 综合管理 (E7 entered the tellers' contest in 2024): a line by the roster, not by the entry
    assert got.loc[(2024, "综合管理"), "participants"] == 1
    # nobody from 综合管理 competed in 2025: shown at 0, not left out
    assert got.loc[(2025, "综合管理"), "participation_rate"] == 0


@pytest.mark.parametrize("filters,branch", [(TWO_YEARS, None), (YEAR_2025, None), (TWO_YEARS, "东关信用社")])
def test_participants_award_winners_and_award_rate(con, filters, branch):
    rows = in_period(filters, branch)
    contestants = {r[3] for r in rows}
    winners = {r[3] for r in rows if r[7] in competition.AWARD_POINTS}
    summary = competition.summary(con, filters.focused(branch))
    assert (summary.participants, summary.award_winners) == (len(contestants), len(winners))
    assert summary.award_rate == pytest.approx(len(winners) / len(contestants))


def test_score_mean_median_spread_and_quartiles_by_event(con):
    got = competition.score_by_event(con, TWO_YEARS).set_index("event")
    by_event = defaultdict(list)
    for r in in_period(TWO_YEARS):
        by_event[r[2]].append(r[6])
    assert set(got.index) == set(by_event)
    for event, scores in by_event.items():
        row = got.loc[event]
        assert row["entries"] == len(scores)
        assert row["mean"] == pytest.approx(statistics.mean(scores))
        assert row["median"] == pytest.approx(statistics.median(scores))
        assert (row["min"], row["max"]) == (min(scores), max(scores))
        if len(scores) > 1:
            q1, _, q3 = statistics.quantiles(scores, n=4, method="inclusive")  # linear interpolation
            assert (row["q1"], row["q3"]) == (pytest.approx(q1), pytest.approx(q3))
            assert row["sd"] == pytest.approx(statistics.stdev(scores))
    # 点钞 over both years: 60 70 78 78 80 88 90 92 → median (78 + 80) / 2
    assert got.loc["点钞", "median"] == 79


def test_percentile_of_each_score_within_its_competition_and_event(con, monkeypatch):
    monkeypatch.setattr(competition, "MIN_FIELD_FOR_PERCENTILE", 2)  # every field of two or more: the plain definition
    board = competition.leaderboard(con, TWO_YEARS)
    assert len(board) == len(in_period(TWO_YEARS))
    got = {(r.competition, r.event, r.employee_id): r.percentile for r in board.itertuples()}
    for row in in_period(TWO_YEARS):
        want = percentile(row)
        value = got[(row[0], row[2], row[3])]
        assert (pd.isna(value) if want is None else value == pytest.approx(want, abs=0.05)), row
    # spelled out: 2025 点钞 has 92 88 78 78; 88 is above two of the other three
    assert got[(TELLERS_25, "点钞", "E1")] == pytest.approx(100 * 2 / 3, abs=0.05)
    assert got[(TELLERS_25, "点钞", "E4")] == got[(TELLERS_25, "点钞", "E8")] == 0
    # the percentile is the whole field's: narrowing the scope to one branch does not change it
    east = competition.leaderboard(con, TWO_YEARS.focused("东关信用社"))
    assert dict(zip(east["employee_id"] + east["event"], east["field_size"])) == {
        r[3] + r[2]: sum(x[:3] == r[:3] for x in RESULTS) for r in in_period(TWO_YEARS, "东关信用社")}
    assert set(east["employee_id"]) == {r[3] for r in in_period(TWO_YEARS, "东关信用社")} == {"E4", "E5", "E6"}
    for r in east.itertuples():
        assert r.percentile == got[(r.competition, r.event, r.employee_id)]


def test_leaderboard_narrowed_by_competition_event_and_line(con):
    board = competition.leaderboard(con, TWO_YEARS, TELLERS_25, "点钞", "柜面")
    rows = [r for r in RESULTS if r[0] == TELLERS_25 and r[2] == "点钞"]
    assert list(board["score"]) == sorted((r[6] for r in rows), reverse=True)
    assert board["name"].iloc[0] == person["E2"][0]
    managers = competition.leaderboard(con, TWO_YEARS, line="客户经理")
    assert set(managers["employee_id"]) == {r[3] for r in in_period(TWO_YEARS) if roster_line(r[3], r[5]) == "客户经理"}
    options = competition.choices(con, TWO_YEARS)
    assert list(dict.fromkeys(options["competition"])) == [MANAGERS_25, TELLERS_25, MANAGERS_24, TELLERS_24]


def test_branch_medal_table_and_points(con):
    table = competition.medal_table(con, TWO_YEARS).set_index("branch")
    counts = defaultdict(lambda: defaultdict(int))
    for r in in_period(TWO_YEARS):
        counts[branch_of(r[3], r[4])][r[7]] += 1
    points = {b: sum(competition.AWARD_POINTS.get(a, 0) * n for a, n in c.items()) for b, c in counts.items()}
    assert set(table.index) == set(counts)
    for branch, by_award in counts.items():
        for award in competition.AWARD_POINTS:
            assert table.loc[branch, award] == by_award[award]
        assert table.loc[branch, "points"] == points[branch]
    assert list(table["points"]) == sorted(points.values(), reverse=True)
    # 城关 (E1, E2, E3): 一等 ×3 (5 each), 二等 ×3 (3 each), 三等 ×1 (2) = 26
    assert points["城关信用社"] == 3 * 5 + 3 * 3 + 2


def test_medal_points_are_configurable_in_one_place(con, monkeypatch):
    monkeypatch.setattr(competition, "AWARD_POINTS", {"特等奖": 10, "一等奖": 6, "二等奖": 4, "三等奖": 2, "优秀奖": 0.5})
    table = competition.medal_table(con, TWO_YEARS).set_index("branch")
    for branch in table.index:
        rows = [r for r in in_period(TWO_YEARS) if branch_of(r[3], r[4]) == branch]
        assert table.loc[branch, "points"] == sum(competition.AWARD_POINTS.get(r[7], 0) for r in rows)


def yearly_percentiles(branch: str | None = None, min_field: int = 2) -> dict[tuple[str, int], float]:
    """Each person's mean percentile over their events in a year (events in a field under min_field left out)."""
    values = defaultdict(list)
    for row in RESULTS:
        if percentile(row, min_field) is not None and (branch is None or branch_of(row[3], row[4]) == branch):
            values[(row[3], row[1].year)].append(percentile(row, min_field))
    return {key: statistics.mean(v) for key, v in values.items()}


def test_percentile_improvement_of_repeat_contestants(con, monkeypatch):
    monkeypatch.setattr(competition, "MIN_FIELD_FOR_PERCENTILE", 2)  # the fixture's fields are small
    yearly = yearly_percentiles()
    changes = {e: yearly[(e, 2025)] - yearly[(e, 2024)] for e, y in yearly if y == 2024 and (e, 2025) in yearly}
    assert set(changes) == {"E1", "E2", "E3", "E4", "E6"}  # E7 once only; E5 and E8 skipped 2024
    assert changes["E6"] == 0  # first of the field both years: no change, not an improvement
    # E2: 2024 点钞 80 is above 70 and 60 (2/3), 传票录入 75 is last (0) → 33.3; 2025 first in both → 100
    assert changes["E2"] == pytest.approx(100 - 100 / 3)
    got = competition.improvement(con, TWO_YEARS).set_index("employee_id")
    assert set(got.index) == set(changes)
    for employee, change in changes.items():
        assert got.loc[employee, "change"] == pytest.approx(change, abs=0.05)
        assert (got.loc[employee, "from_year"], got.loc[employee, "to_year"]) == (2024, 2025)
    assert list(got.index) == sorted(changes, key=lambda e: (-round(changes[e], 1), e))  # most improved first
    summary = competition.summary(con, TWO_YEARS)
    assert summary.repeat_contestants == len(changes)
    assert summary.improved == sum(c > 0 for c in changes.values())
    assert summary.improved_share == pytest.approx(sum(c > 0 for c in changes.values()) / len(changes))
    bins = competition.improvement_distribution(con, TWO_YEARS)
    assert bins["people"].sum() == len(changes)
    # bins of 10 centred on multiples of 10, halves rounded away from zero
    centre = [int(math.copysign(math.floor(abs(c) / 10 + 0.5), c)) * 10 for c in changes.values()]
    assert dict(zip(bins["bin"], bins["people"])) == {b: centre.count(b) for b in set(centre)}


def test_a_single_year_period_is_compared_with_the_year_before(con, monkeypatch):
    """“This year” still shows who improved: 2025 is compared with 2024, though 2024 is outside the period."""
    monkeypatch.setattr(competition, "MIN_FIELD_FOR_PERCENTILE", 2)  # the fixture's fields are small
    got = competition.improvement(con, YEAR_2025)
    assert set(got["employee_id"]) == {"E1", "E2", "E3", "E4", "E6"}
    # with a minimum field of 4, the fields of two and three count for no one: fewer repeat contestants
    monkeypatch.setattr(competition, "MIN_FIELD_FOR_PERCENTILE", 4)
    yearly = yearly_percentiles(min_field=4)
    repeat = {e for e, y in yearly if y == 2024 and (e, 2025) in yearly}
    assert set(competition.improvement(con, YEAR_2025)["employee_id"]) == repeat
    assert repeat < {"E1", "E2", "E3", "E4", "E6"}
    only_2024 = competition.improvement(con, Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    assert only_2024.empty  # nobody who competed in 2024 competed in 2023


# ----------------------------------------------------------------------------------------------
# Grading
# ----------------------------------------------------------------------------------------------

def moves_by_hand(to_year: int, branch: str | None = None) -> dict[str, int]:
    """Scope is the later year's row: where the person was graded that year."""
    grade = graded()
    counts = {"promoted": 0, "unchanged": 0, "demoted": 0}
    for (employee, year), (later, where) in grade.items():
        if year != to_year or (employee, year - 1) not in grade or (branch and where != branch):
            continue
        step = grade_rank(later) - grade_rank(grade[(employee, year - 1)][0])
        counts["promoted" if step > 0 else "demoted" if step < 0 else "unchanged"] += 1
    return counts


def test_promotions_demotions_and_unchanged_between_consecutive_years(con):
    got = competition.grade_movements(con, Filters(dt.date(2024, 1, 1), dt.date(2025, 12, 31))).set_index("to_year")
    assert list(got.index) == [2024, 2025]
    for year in (2024, 2025):
        want = moves_by_hand(year)
        assert {k: got.loc[year, k] for k in want} == want
        assert got.loc[year, "people"] == sum(want.values())
    # spelled out for 2025: E1, E3 (中级 → 三级) and E7 up, E2 down, E4 unchanged; E6 skipped 2024, E8 is new
    assert moves_by_hand(2025) == {"promoted": 3, "unchanged": 1, "demoted": 1}
    for branch in ("城关信用社", "东关信用社"):  # E2 moved from 东关 to 城关: counted at 城关 in 2025 only
        for year in (2024, 2025):
            scoped = competition.grade_movements(con, Filters(dt.date(year, 1, 1), dt.date(year, 12, 31)).focused(branch))
            want = moves_by_hand(year, branch)
            assert {k: (scoped[k].sum() if len(scoped) else 0) for k in want} == want, (branch, year)


def test_grade_flows_between_the_latest_two_years(con):
    flows = competition.grade_flows(con, Filters(dt.date(2023, 1, 1), dt.date(2025, 12, 31)))
    assert set(flows["to_year"]) == {2025} and set(flows["from_year"]) == {2024}
    grade = graded()
    want = defaultdict(int)
    for (employee, year), (later, _) in grade.items():
        if year == 2025 and (employee, 2024) in grade:
            want[(grade[(employee, 2024)][0], later)] += 1
    assert {(r.from_grade, r.to_grade): r.people for r in flows.itertuples()} == dict(want)


def test_grade_mix_by_line_and_year_lowest_grade_first(con):
    mix = competition.grade_mix(con, Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert set(mix["year"]) == {2025}
    grades_2025 = [(employee, grade) for (employee, year), (grade, _) in graded().items() if year == 2025]
    for line in {person[e][2] for e, _ in grades_2025}:
        in_line = [g for e, g in grades_2025 if person[e][2] == line]
        part = mix[mix["line"] == line]
        every = {g for _, g in grades_2025}  # every grade held in 2025: a row in each line, 0 where nobody holds it
        assert dict(zip(part["grade"], part["people"])) == {g: in_line.count(g) for g in every}
        assert dict(zip(part["grade"], part["share"])) == pytest.approx(
            {g: in_line.count(g) / len(in_line) for g in every})
        order = competition.grade_order()
        assert list(part["grade"]) == sorted(part["grade"], key=order.index)


# ----------------------------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------------------------

def run_page(query: dict) -> AppTest:
    """One run straight onto the page, with every filter in the URL (a second run would lose the sidebar)."""
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/competition.py")
    at.run()
    assert not at.exception, at.exception
    return at


PERIOD_QUERY = {"range": "custom", "period": ["2024-01-01", "2025-12-31"]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_competition_page_in_both_languages(con, lang, monkeypatch):
    monkeypatch.setattr(competition, "MIN_FIELD_FOR_PERCENTILE", 2)  # the fixture's fields are small
    at = run_page({**PERIOD_QUERY, "lang": lang})
    assert at.title[0].value == t("page.competition", lang)
    values = {m.label: m.value for m in at.metric}
    contestants = {r[3] for r in in_period(TWO_YEARS)}
    winners = {r[3] for r in in_period(TWO_YEARS) if r[7] != "无"}
    assert values[t("comp.participants", lang)] == format_number(len(contestants), lang)
    assert values[t("comp.award_winners", lang)] == format_number(len(winners), lang)
    assert values[t("comp.award_rate", lang)] == format_percent(len(winners) / len(contestants))
    yearly = yearly_percentiles()
    changes = [yearly[(e, 2025)] - yearly[(e, 2024)] for e, y in yearly if y == 2024 and (e, 2025) in yearly]
    assert values[t("comp.improved", lang)] == format_percent(sum(c > 0 for c in changes) / len(changes))
    # with a minimum field of two, the leaderboard opens on the latest competition with a field that big
    fields = defaultdict(int)
    for r in in_period(TWO_YEARS):
        fields[(r[0], r[1], r[2])] += 1
    latest = max((d, c) for (c, d, _), n in fields.items() if n >= 2)[1]
    assert at.selectbox(key="comp_competition").value == latest
    assert len(at.get("plotly_chart")) == 7  # participation, scores, medals, improvement, mix, movements, Sankey
    assert not at.error


def test_competition_page_focused_on_a_branch_and_filtered_from_the_url(con):
    at = run_page({**PERIOD_QUERY, "lang": "en", "comp_focus": "东关信用社", "line": ["柜面"]})
    rows = [r for r in in_period(TWO_YEARS, "东关信用社") if roster_line(r[3], r[5]) == "柜面"]
    values = {m.label: m.value for m in at.metric}
    assert values[t("comp.participants", "en")] == format_number(len({r[3] for r in rows}), "en")
    assert values[t("comp.award_rate", "en")] == format_percent(
        len({r[3] for r in rows if r[7] != "无"}) / len({r[3] for r in rows}))
    assert any("东关信用社" in m.value for m in at.markdown)
    assert at.button(key="comp_focus_clear")


def test_competition_page_without_competition_or_grading_data(tmp_path, tmp_db):
    assert store.import_file(write(tmp_path / "roster.csv", [["工号", "姓名", "机构", "条线", "状态"],
                                                             *map(list, ROSTER)]), "employees").exit_code == 0
    at = run_page({**PERIOD_QUERY})
    infos = [i.value for i in at.info]
    assert t("empty.dataset", "zh", dataset=t("dataset.competition", "zh")) in infos
    assert t("empty.dataset", "zh", dataset=t("dataset.grading", "zh")) in infos
    assert not at.metric and not at.get("plotly_chart")


def test_competition_page_for_a_period_with_no_results(con):
    """Data exists, but not in this period: zeros and a plain message, never a blank chart."""
    at = run_page({"range": "custom", "period": ["2021-01-01", "2021-12-31"], "lang": "en"})
    values = {m.label: m.value for m in at.metric}
    assert values[t("comp.participants", "en")] == "0"
    assert values[t("comp.award_rate", "en")] == format_percent(None)
    infos = [i.value for i in at.info]
    assert t("comp.no_results", "en") in infos and t("comp.no_grades", "en") in infos
    assert not at.get("plotly_chart")


def test_grading_charts_are_stamped_with_the_assessment_year(con, monkeypatch):
    """A grading is a year's assessment: its charts say which year, never a calendar date still to come."""
    from conftest import figures
    at = run_page({**PERIOD_QUERY, "lang": "zh"})
    latest = max(int(g[0]) for g in GRADES)
    stamps = {a["text"] for f in figures(at) for a in f["layout"].get("annotations", []) if a.get("name") == "as_of"}
    assert t("chart.as_of_year", "zh", year=latest) in stamps
    assert not any(str(latest) + "-12-31" in s for s in stamps)
