"""Training measures on a hand-made fixture, each checked against a count done here in plain Python."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from talentboard import settings, store, training
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
    got = {(y, line): (n, a) for y, line, n, a, _, _ in training.attainment(con, two_years).itertuples(index=False)}
    for year in (2024, 2025):
        hours = defaultdict(float)
        for e, _, day, h, _, _ in TRAINING:
            if day.year == year:
                hours[e] += h
        for line in {ln for _, _, ln, _ in person.values()}:
            staff = [e for e in on_duty() if person[e][2] == line]
            target = 20.0 if line == "客户经理" else settings.TRAINING_TARGET_HOURS
            assert got[(year, line)] == (len(staff), sum(hours[e] >= target for e in staff))


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
