"""AppTest of the overview: no exception, and each KPI equals the value worked out here in plain Python."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from talentboard import store
from talentboard.metrics import format_number

REPO_ROOT = Path(__file__).resolve().parent.parent

# A tiny union: two branches, one person who left. (id, name, branch, line, status)
ROSTER = [("E1", "甲", "城关信用社", "柜面", "在岗"), ("E2", "乙", "城关信用社", "客户经理", "在岗"),
          ("E3", "丙", "东关信用社", "柜面", "在岗"), ("E4", "丁", "东关信用社", "客户经理", "长期病假"),
          ("E5", "戊", "城关信用社", "客户经理", "离职")]
TRAINING = [("E1", "反洗钱", dt.date(2024, 3, 5), 3.0), ("E1", "党史", dt.date(2024, 4, 1), 2.0),
            ("E2", "党史", dt.date(2024, 4, 1), 4.0), ("E5", "党史", dt.date(2024, 4, 1), 5.0),
            ("E3", "柜面技能", dt.date(2025, 1, 8), 6.0)]
COMPETITION = [("E1", dt.date(2024, 6, 1), "一等奖"), ("E3", dt.date(2024, 6, 1), "无"),
               ("E2", dt.date(2023, 6, 1), "二等奖")]
# (title, status, start, branch, benefit, completed, converted)
INNOVATION = [("甲课题", "研究中", dt.date(2024, 2, 1), "城关信用社", None, None, None),
              ("乙课题", "已转化", dt.date(2024, 1, 1), "东关信用社", 30.0, None, None),
              ("丙课题", "推广应用", dt.date(2023, 5, 1), "城关信用社", 12.5, dt.date(2023, 12, 1), dt.date(2024, 3, 1)),
              ("丁课题", "立项", dt.date(2025, 3, 1), "城关信用社", None, None, None),
              ("戊课题", "已完成", dt.date(2024, 4, 1), "东关信用社", None, dt.date(2025, 2, 1), None),  # done after 2024
              ("己课题", "已转化", dt.date(2024, 5, 1), "城关信用社", 8.0, dt.date(2024, 9, 1), dt.date(2025, 1, 5)),
              ("庚课题", "中止", dt.date(2024, 6, 1), "东关信用社", None, None, None)]
PERIOD = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def write(path: Path, rows: list[list[object]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def fixture_db(tmp_path, tmp_db) -> Path:
    imports = {
        "employees": [["工号", "姓名", "机构", "条线", "状态"], *map(list, ROSTER)],
        "training": [["工号", "培训名称", "培训日期", "学时"], *[[e, c, d, h] for e, c, d, h in TRAINING]],
        "competition": [["竞赛名称", "日期", "项目", "工号", "成绩", "奖项"],
                        *[["大赛", d, "点钞", e, 90, a] for e, d, a in COMPETITION]],
        "innovation": [["课题名称", "工作室", "状态", "立项日期", "机构", "经济效益", "完成日期", "转化日期"],
                       *[[t, "劳模创新工作室", s, d, b, v, e, c] for t, s, d, b, v, e, c in INNOVATION]],
    }
    for dataset, rows in imports.items():
        assert store.import_file(write(tmp_path / f"{dataset}.csv", rows), dataset).exit_code == 0
    return tmp_db


def expected(branches: set[str] | None = None) -> dict[str, str]:
    """The overview's numbers by SPEC's definitions, counted by hand from the lists above."""
    in_scope = lambda branch: branches is None or branch in branches
    on_duty = {e for e, _, b, _, s in ROSTER if s == "在岗" and in_scope(b)}
    branch_of = {e: b for e, _, b, _, _ in ROSTER}
    in_period = lambda d: PERIOD[0] <= d <= PERIOD[1]
    records = [(e, h) for e, _, d, h in TRAINING if in_period(d) and in_scope(branch_of[e])]
    hours = sum(h for _, h in records)
    trained = {e for e, _ in records} & on_duty
    entries = [(e, a) for e, d, a in COMPETITION if in_period(d) and in_scope(branch_of[e])]
    end = PERIOD[1]
    projects = [(s, v, e, c, d) for _, s, d, b, v, e, c in INNOVATION if d <= end and in_scope(b)]
    # in progress on the last day: not stopped, and either still open or finished only afterwards
    active = [p for p in projects if p[0] != "中止" and (p[0] in ("立项", "研究中") or (p[2] or p[3]) and (p[2] or p[3]) > end)]
    converted = [p for p in projects if p[0] in ("已转化", "推广应用") and (p[3] or p[2] or p[4]) <= end]
    return {
        "在岗人数": str(len(on_duty)),
        "培训总学时": format_number(hours),
        "人均学时": format_number(hours / len(on_duty)),
        "培训覆盖率": f"{len(trained) / len(on_duty) * 100:.1f}%",
        "培训人次": str(len(records)),
        "竞赛参赛人数": str(len({e for e, _ in entries})),
        "获奖人数": str(len({e for e, a in entries if a != "无"})),
        "在研创新课题": str(len(active)),
        "已转化成果": str(len(converted)),
        "创新效益（万元）": format_number(sum(p[1] or 0 for p in projects)),
    }


def run_app(query: dict) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_kpis_for_the_period(fixture_db):
    at = run_app({"range": "custom", "period": [d.isoformat() for d in PERIOD]})
    assert at.title[0].value == "总览"
    assert shown(at) == expected()
    assert not at.error


def test_overview_kpis_with_a_branch_filter_from_the_url(fixture_db):
    at = run_app({"range": "custom", "period": [d.isoformat() for d in PERIOD], "branch": ["城关信用社"]})
    assert shown(at) == expected({"城关信用社"})
    assert at.multiselect(key="branch").value == ["城关信用社"]
    assert at.query_params["branch"] in (["城关信用社"], "城关信用社")  # the filter stays in the URL


def test_overview_in_english(fixture_db):
    at = run_app({"range": "custom", "period": [d.isoformat() for d in PERIOD], "lang": "en"})
    assert at.title[0].value == "Overview"
    labels = [m.label for m in at.metric]
    assert labels[0] == "Headcount" and "Coverage" in labels
    values = [m.value for m in at.metric]
    assert values == list(expected().values())
    assert at.query_params["lang"] in ("en", ["en"])


def test_first_start_on_an_empty_database_loads_the_demo(tmp_db):
    at = run_app({})
    assert any("示例数据" in info.value for info in at.info)
    assert store.state().demo_active
    headcount = int(shown(at)["在岗人数"].replace(",", ""))
    assert 500 <= headcount <= 700  # the demo's union: about 600 staff, a few of whom have left


# Two orgs that both have a 营业部, and training recorded at a branch other than the roster's.
# (id, branch, org, status) / (id, recorded branch, date, hours) / (title, branch, status, benefit)
ROSTER_2 = [("E1", "营业部", "甲农商银行", "在岗"), ("E2", "营业部", "乙农商银行", "在岗"),
            ("E3", "东关支行", "甲农商银行", "在岗"), ("E4", "东关支行", "甲农商银行", "离职")]
TRAINING_2 = [("E1", "东关支行", dt.date(2024, 3, 1), 2.0), ("E2", "营业部", dt.date(2024, 3, 1), 3.0),
              ("E3", "东关支行", dt.date(2024, 3, 2), 4.0), ("E4", "东关支行", dt.date(2024, 3, 2), 1.0)]
PROJECTS_2 = [("课题一", "营业部", "研究中", 10.0), ("课题二", "东关支行", "已转化", 4.0)]


@pytest.fixture
def two_org_db(tmp_path, tmp_db) -> Path:
    imports = {
        "employees": [["工号", "姓名", "网点", "法人机构", "状态"], *[[e, e, b, o, s] for e, b, o, s in ROSTER_2]],
        "training": [["工号", "网点", "培训名称", "培训日期", "学时"],
                     *[[e, b, "课程", d, h] for e, b, d, h in TRAINING_2]],
        "innovation": [["课题名称", "工作室", "状态", "立项日期", "所属机构", "经济效益"],
                       *[[t, "创新工作室", s, "2024-01-01", b, v] for t, b, s, v in PROJECTS_2]],
    }
    for dataset, rows in imports.items():
        assert store.import_file(write(tmp_path / f"{dataset}.csv", rows), dataset).exit_code == 0
    return tmp_db


def expected_2(orgs: set[str] | None = None, branches: set[str] | None = None) -> dict[str, str]:
    person = {e: (b, o, s) for e, b, o, s in ROSTER_2}
    in_orgs = lambda o: orgs is None or o in orgs
    population = {e for e, (b, o, s) in person.items()
                  if s == "在岗" and in_orgs(o) and (branches is None or b in branches)}
    records = [(e, h) for e, b, _, h in TRAINING_2 if in_orgs(person[e][1]) and (branches is None or b in branches)]
    trained = {e for e, _, _, _ in TRAINING_2} & population
    # a project belongs to the chosen orgs if its branch exists in one of them, counted once
    projects = [(s, v) for _, b, s, v in PROJECTS_2 if (branches is None or b in branches)
                and (orgs is None or any(pb == b and o in orgs for pb, o, _ in person.values()))]
    hours = sum(h for _, h in records)
    return {"在岗人数": str(len(population)), "培训总学时": format_number(hours),
            "培训覆盖率": f"{len(trained) / len(population) * 100:.1f}%",
            "在研创新课题": str(sum(s == "研究中" for s, _ in projects)),
            "创新效益（万元）": format_number(sum(v for _, v in projects))}


@pytest.mark.parametrize("query,orgs,branches", [
    ({}, None, None),
    ({"org": ["甲农商银行"]}, {"甲农商银行"}, None),
    ({"branch": ["东关支行"]}, None, {"东关支行"}),
    ({"branch": ["营业部"]}, None, {"营业部"}),
])
def test_coverage_and_projects_with_shared_branch_names(two_org_db, query, orgs, branches):
    at = run_app({"range": "custom", "period": [d.isoformat() for d in PERIOD], **query})
    got = shown(at)
    want = expected_2(orgs, branches)
    assert {k: got[k] for k in want} == want
    assert float(got["培训覆盖率"].rstrip("%")) <= 100
