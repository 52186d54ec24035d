"""Innovation measures on a hand-made fixture; every expected value is worked out here in plain Python."""
from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path

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


def stage(p) -> int:
    if p[2] == "中止":
        return 3 if p[4] else 1
    return STAGE[p[2]]


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
