"""The branch profile and the branch comparison on a hand-made store: one branch's figures, rank and percentile
among the fixture's branches, its people, those below target and its projects, and two branches side by side,
each worked out here from the fixture's rows in plain Python; then the page, in both views, with and without
the privacy switch."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import plotly.graph_objects as go
import pytest

from talentboard import branches, charts, settings, store
from talentboard.metrics import Filters
from conftest import private_copy
from test_app import write

# (id, name, branch, line, status): 甲社 three on duty (and one who left), 乙社 two, 丙社 four; 王小明 twice
ROSTER = [("JA01", "张三丰", "甲社", "柜面", "在岗"), ("JA02", "李四海", "甲社", "客户经理", "在岗"),
          ("JA03", "王小明", "甲社", "柜面", "在岗"), ("JA04", "赵六合", "甲社", "柜面", "离职"),
          ("YB01", "钱七星", "乙社", "柜面", "在岗"), ("YB02", "孙八达", "乙社", "柜面", "在岗"),
          ("BC01", "周九洲", "丙社", "综合管理", "在岗"), ("BC02", "吴十全", "丙社", "综合管理", "在岗"),
          ("BC03", "郑一鸣", "丙社", "柜面", "在岗"), ("BC04", "王小明", "丙社", "柜面", "在岗")]
# (id, date, hours)
TRAINING = [("JA01", dt.date(2024, 2, 1), 10.0), ("JA01", dt.date(2024, 5, 10), 6.0), ("JA02", dt.date(2023, 11, 1), 5.0),
            ("JA02", dt.date(2024, 3, 1), 30.0), ("JA03", dt.date(2023, 6, 1), 4.0), ("YB01", dt.date(2024, 4, 1), 20.0),
            ("YB02", dt.date(2024, 4, 1), 20.0), ("BC01", dt.date(2024, 6, 1), 12.0), ("BC02", dt.date(2024, 7, 1), 2.0),
            ("BC04", dt.date(2024, 1, 15), 40.0)]
# (competition, date, event, id, score, award): the first field has five entries (percentiles), the second two
COMPETITION = [("大赛", "2024-06-01", "点钞", "JA01", 95, "一等奖"), ("大赛", "2024-06-01", "点钞", "JA02", 80, "无"),
               ("大赛", "2024-06-01", "点钞", "YB01", 90, "三等奖"), ("大赛", "2024-06-01", "点钞", "BC01", 92, "二等奖"),
               ("大赛", "2024-06-01", "点钞", "BC04", 85, "优秀奖"),
               ("练兵", "2024-09-01", "业务知识", "JA01", 70, "优秀奖"), ("练兵", "2024-09-01", "业务知识", "YB02", 60, "无")]
# (year, id, grade)
GRADING = [(2023, "JA01", "二级"), (2024, "JA01", "三级"), (2024, "JA02", "一级"), (2024, "BC01", "二级")]
# (title, studio, leader, status, start, end, members, branch)
INNOVATION = [("甲课题", "甲社劳模创新工作室", "张三丰", "已完成", "2023-03-01", "2024-05-01", "JA02、王小明", "甲社"),
              ("丙课题", "丙社劳模创新工作室", "周九洲", "研究中", "2024-02-01", "", "JA01,BC02", "丙社"),
              ("后课题", "甲社劳模创新工作室", "张三丰", "立项", "2025-03-01", "", "", "甲社")]
YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
BRANCH = "甲社"
person = {e: (n, b, line, s) for e, n, b, line, s in ROSTER}
POINTS = settings.AWARD_POINTS


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The fixture store, imported once for the module; each test gets a copy (store_path)."""
    folder = tmp_path_factory.mktemp("branches")
    path = folder / "talentboard.duckdb"
    files = {
        "employees": [["工号", "姓名", "机构", "条线", "状态"], *map(list, ROSTER)],
        "training": [["工号", "培训名称", "培训日期", "学时"], *[[e, "课程", d, h] for e, d, h in TRAINING]],
        "competition": [["竞赛名称", "日期", "项目", "工号", "成绩", "奖项"], *map(list, COMPETITION)],
        "grading": [["年度", "工号", "等级"], *map(list, GRADING)],
        "innovation": [["课题名称", "工作室", "领衔人", "状态", "立项日期", "完成日期", "成员", "机构"],
                       *map(list, INNOVATION)],
    }
    for dataset, rows in files.items():
        assert store.import_file(write(folder / f"{dataset}.csv", rows), dataset, db=path).exit_code == 0, dataset
    store.release_readers()
    return path


@pytest.fixture
def store_path(template, tmp_path, monkeypatch) -> Path:
    return private_copy(template, tmp_path, monkeypatch)


@pytest.fixture
def con(store_path):
    with store.connect() as connection:
        yield connection


def on_duty(branch=None):
    return [e for e, (_, b, _, s) in person.items() if s == "在岗" and (branch is None or b == branch)]


def hours_in(e, start, end):
    return sum(h for who, d, h in TRAINING if who == e and start <= d <= end)


def scorecard_parts(start, end):
    """Per branch, the scorecard's four parts worked out from the fixture (hours as recorded at the branch,
    which is the person's branch here: the fixture's training rows carry no branch of their own)."""
    parts = {}
    for b in {b for _, b, _, _ in person.values()}:
        staff = on_duty(b)
        hours = sum(hours_in(e, start, end) for e in person if person[e][1] == b)
        trained = [e for e in staff if hours_in(e, start, end) > 0]
        points = sum(POINTS.get(a, 0) for _, d, _, e, _, a in COMPETITION
                     if person[e][1] == b and start <= dt.date.fromisoformat(d) <= end)
        results = sum(1 for _, _, _, s, _, finish, _, pb in INNOVATION
                      if pb == b and s == "已完成" and finish and start <= dt.date.fromisoformat(finish) <= end)
        parts[b] = {"headcount": len(staff), "hours_per_head": hours / len(staff), "coverage": len(trained) / len(staff),
                    "points_per_100": points * 100 / len(staff), "results_per_100": results * 100 / len(staff)}
    return parts


def percent_rank(values: dict[str, float]) -> dict[str, float]:
    """(number of other branches lower) / (branches - 1)."""
    return {k: sum(other < v for other in values.values()) / (len(values) - 1) for k, v in values.items()}


def test_profile_against_the_whole(con):
    parts = scorecard_parts(YEAR.start, YEAR.end)
    # by hand: 甲社 trains 10 + 6 + 30 = 46 h over 3 on duty; 2 of them trained
    assert parts[BRANCH]["hours_per_head"] == pytest.approx(46 / 3) and parts[BRANCH]["coverage"] == pytest.approx(2 / 3)
    got = branches.profile(con, YEAR, BRANCH).set_index("measure")
    assert list(got.index) == list(branches.PROFILE_MEASURES)
    assert set(got["branches"]) == {3} and set(got["headcount"]) == {3}
    ranks = {m: percent_rank({b: p[m] for b, p in parts.items()}) for m in branches.PARTS}
    index = {b: 100 * sum(ranks[m][b] for m in branches.PARTS) / 4 for b in parts}
    heads = sum(p["headcount"] for p in parts.values())
    for measure in ("headcount", *branches.PARTS, "talent_index"):
        values = {b: (index[b] if measure == "talent_index" else p[measure]) for b, p in parts.items()}
        mine = values[BRANCH]
        assert got.loc[measure, "value"] == pytest.approx(mine), measure
        assert got.loc[measure, "rank"] == 1 + sum(v > mine for v in values.values()), measure
        assert got.loc[measure, "tied"] == (sum(v == mine for v in values.values()) > 1), measure
        assert got.loc[measure, "percentile"] == pytest.approx(100 * percent_rank(values)[BRANCH]), measure
    # the whole: hours and people of every branch together (140 h over 9 on duty), the index's mean
    assert got.loc["hours_per_head", "whole"] == pytest.approx(140 / 9)
    assert got.loc["coverage", "whole"] == pytest.approx(7 / 9)
    assert got.loc["headcount", "whole"] == heads == 9
    assert got.loc["talent_index", "whole"] == pytest.approx(sum(index.values()) / 3)
    # written out: 甲社 is second of three on hours per head (乙社 20 h), above half the others; last on coverage
    assert (got.loc["hours_per_head", "rank"], got.loc["hours_per_head", "percentile"]) == (2, 50)
    assert (got.loc["coverage", "rank"], got.loc["coverage", "percentile"]) == (3, 0)
    assert got.loc["talent_index", "value"] == pytest.approx(62.5) and got.loc["talent_index", "rank"] == 1
    # the sidebar's branch filter does not change whom the branch is ranked against
    narrowed = Filters(YEAR.start, YEAR.end, branches=("乙社",))
    assert branches.profile(con, narrowed, BRANCH).equals(branches.profile(con, YEAR, BRANCH))
    assert branches.profile(con, YEAR, "无此社").empty
    # 乙社 and 丙社 both earn 100 points per 100 staff (三等奖 2 over 2; 二等奖 3 and 优秀奖 1 over 4): joint second
    third = branches.profile(con, YEAR, "丙社").set_index("measure").loc["points_per_100"]
    assert (third["value"], third["rank"], third["tied"], third["percentile"]) == (100, 2, True, 0)


def test_scorecard_over_time_by_quarter(con):
    got = branches.scorecard_over_time(con, YEAR, BRANCH)
    assert list(dict.fromkeys(got["period"])) == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert all(got["complete"])  # four whole quarters
    for label, start, end, _ in branches.periods(YEAR):
        parts = scorecard_parts(start, end)
        rows = got[got["period"] == label].set_index("scope")
        assert rows.loc["branch", "hours_per_head"] == pytest.approx(parts[BRANCH]["hours_per_head"]), label
        assert rows.loc["branch", "coverage"] == pytest.approx(parts[BRANCH]["coverage"]), label
        heads = sum(p["headcount"] for p in parts.values())
        assert rows.loc["whole", "hours_per_head"] == pytest.approx(
            sum(p["hours_per_head"] * p["headcount"] for p in parts.values()) / heads), label
    q1 = got[(got["period"] == "2024-Q1")].set_index("scope")
    assert q1.loc["branch", "hours_per_head"] == pytest.approx(40 / 3)  # JA01 10 h and JA02 30 h in Q1
    assert q1.loc["whole", "hours_per_head"] == pytest.approx(80 / 9)  # and BC04's 40 h
    # a period longer than a year goes by calendar year, each cut to the period
    assert branches.periods(Filters(dt.date(2023, 7, 1), dt.date(2024, 12, 31))) == [
        ("2023", dt.date(2023, 7, 1), dt.date(2023, 12, 31), False),
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), True)]
    assert branches.periods(Filters(dt.date(2024, 11, 15), dt.date(2025, 3, 31))) == [
        ("2024-Q4", dt.date(2024, 11, 15), dt.date(2024, 12, 31), False),
        ("2025-Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31), True)]


def test_people_of_the_branch(con, monkeypatch):
    monkeypatch.setattr(settings, "TRAINING_TARGET_BY_LINE", {"客户经理": 24.0})
    got = branches.people(con, YEAR, BRANCH).set_index("employee_id")
    assert sorted(got.index) == ["JA01", "JA02", "JA03"]  # on duty only: JA04 left
    assert got["person_key"].str.fullmatch(r"[0-9a-f]{12}").all() and got["person_key"].is_unique
    assert got.loc["JA01", "name"] == "张三丰" and got.loc["JA02", "line"] == "客户经理"
    assert dict(got["hours"]) == {"JA01": 16.0, "JA02": 30.0, "JA03": 0.0}
    # the latest training up to the period's end, before the period too
    assert {e: d.date() for e, d in got["last_training"].items()} == {
        "JA01": dt.date(2024, 5, 10), "JA02": dt.date(2024, 3, 1), "JA03": dt.date(2023, 6, 1)}
    # JA01: 一等奖 in a field of five (the best of five scores: percentile 100) beats the 优秀奖 in a field of two
    assert got.loc["JA01", "best_award"] == "一等奖" and got.loc["JA01", "best_percentile"] == pytest.approx(100)
    assert got.loc["JA02", "best_percentile"] == pytest.approx(0) and got["best_award"].isna()["JA02"]  # 无 is no award
    assert got["best_percentile"].isna()["JA03"]
    assert got.loc["JA01", "grade"] == "三级" and got.loc["JA01", "grade_year"] == 2024  # the latest year
    assert got.loc["JA02", "grade"] == "一级" and got["grade"].isna()["JA03"]
    # JA01 leads 甲课题 and is listed on 丙社's project by id; JA02 by id; JA03 by name in the branch's own project.
    # 后课题 starts after the period; 丙社's 王小明 (BC04) is not counted for 甲社's project by name.
    assert dict(got["projects"]) == {"JA01": 2, "JA02": 1, "JA03": 1}
    assert branches.people(con, YEAR, "丙社").set_index("employee_id")["projects"].to_dict() == \
        {"BC01": 1, "BC02": 1, "BC03": 0, "BC04": 0}
    # targets: 40 h (柜面) and 24 h (客户经理) a year, scaled to 2024's 366 days
    share = 366 / 365
    assert dict(got["target"]) == pytest.approx({"JA01": 40 * share, "JA02": 24 * share, "JA03": 40 * share})
    assert dict(got["below_target"]) == {"JA01": True, "JA02": False, "JA03": True}
    below = branches.below_target(con, YEAR, BRANCH)
    assert list(below["employee_id"]) == ["JA03", "JA01"]  # furthest short first
    assert list(below["shortfall"]) == pytest.approx([40 * share, 40 * share - 16])
    # half a year: half the target; JA01's 16 h against 40 × 182/365
    half = Filters(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert list(branches.below_target(con, half, BRANCH)["employee_id"]) == ["JA03", "JA01"]
    assert branches.below_target(con, half, BRANCH)["target"].iloc[0] == pytest.approx(40 * 182 / 365)


def test_projects_of_the_branch(con):
    got = branches.projects(con, YEAR, BRANCH)
    assert list(got["title"]) == ["甲课题"]  # 后课题 starts after the period's end; 丙课题 is 丙社's
    assert got.loc[0, "studio"] == "甲社劳模创新工作室" and got.loc[0, "leader"] == "张三丰"
    later = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert list(branches.projects(con, later, BRANCH)["title"]) == ["后课题", "甲课题"]  # the latest first


def test_compare_two_branches(con):
    parts = scorecard_parts(YEAR.start, YEAR.end)
    got = branches.compare(con, YEAR, ("丙社", BRANCH)).set_index("branch")
    assert list(got.index) == ["丙社", BRANCH]  # the order chosen
    for part in branches.PARTS:
        ranks = percent_rank({b: p[part] for b, p in parts.items()})
        for b in ("丙社", BRANCH):
            assert got.loc[b, part] == pytest.approx(parts[b][part]), (b, part)
            assert got.loc[b, f"{part}_pct"] == pytest.approx(100 * ranks[b]), (b, part)
    # written out: 丙社 13.5 h a head (54 h over 4), lowest of three; 3 of 4 trained, second of three
    assert got.loc["丙社", "hours_per_head"] == pytest.approx(13.5) and got.loc["丙社", "hours_per_head_pct"] == 0
    assert got.loc["丙社", "coverage_pct"] == pytest.approx(50)
    assert got.loc[BRANCH, "points_per_100"] == pytest.approx(600 / 3)  # 一等奖 5 and 优秀奖 1
    assert list(got["headcount"]) == [4, 3]
    assert list(branches.compare(con, YEAR, ("丙社", "无此社"))["branch"]) == ["丙社"]


# ----------------------------------------------------------------------------------------------
# The page: pages/people.py, views branch and compare
# ----------------------------------------------------------------------------------------------

PERIOD_QUERY = {"range": "custom", "period": ["2024-01-01", "2024-12-31"]}


def cells(at) -> dict[str, list]:
    """Every table's columns as shown (keyed by column name), tables one after another."""
    found: dict[str, list] = {}
    for frame in at.dataframe:
        for column in frame.value.columns:
            found.setdefault(column, []).extend(frame.value[column].tolist())
    return found


def test_the_branch_view_shows_the_branch(store_path, run_page):
    from conftest import figures, rendered_strings
    at = run_page("people", PERIOD_QUERY | {"view": "branch", "unit": BRANCH})
    assert at.selectbox(key="unit").value == BRANCH
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    # worked out above: 46 h over 3 on duty, second of three (above one of the two others); 2 of 3 trained, last
    assert metrics["人均学时"] == ("15.3", "第 2 / 3 名，高于 50% 的其他网点")
    assert metrics["培训覆盖率"] == ("66.7%", "第 3 / 3 名，高于 0% 的其他网点")
    assert metrics["在岗人数"] == ("3", "第 2 / 3 名，高于 50% 的其他网点")
    assert metrics["人才发展指数"] == ("62", "第 1 / 3 名，高于 100% 的其他网点")  # 62.5, shown whole
    shown = rendered_strings(at)
    assert "全辖 15.6" in shown and "全辖 77.8%" in shown  # 140 h and 7 trained over 9 on duty
    tables = cells(at)
    people = dict(zip(tables["name"], tables["hours"]))
    assert {k: people[k] for k in ("张三丰", "李四海", "王小明")} == {"张三丰": 16.0, "李四海": 30.0, "王小明": 0.0}
    assert "赵六合" not in tables["name"]  # left: not on duty
    target = 40 * 366 / 365  # every line's default here: 李四海's 30 h fall short too
    assert tables["shortfall"] == pytest.approx([target, target - 16, target - 30])  # 王小明, 张三丰, 李四海
    assert "甲课题" in tables["title"] and "后课题" not in tables["title"]
    studios = next(d.value for d in at.dataframe if "conversion_rate" in d.value.columns)
    # the branch's one studio, to the period's end: 甲课题 only (后课题 starts in 2025), completed, not converted
    assert studios[["studio", "projects", "converted"]].values.tolist() == [["甲社劳模创新工作室", 1, 0]]
    assert studios["conversion_rate"].tolist() == [0]  # 0 converted of 1 completed
    over_time = [f for f in figures(at) if f["layout"]["meta"]["title"] == "计分卡四项走势：本网点与全辖"]
    assert len(over_time) == 1 and charts.check(go.Figure(over_time[0])) == []
    hours = [trace for trace in over_time[0]["data"] if trace["xaxis"] in (None, "x")]
    assert {trace["name"] for trace in hours} == {BRANCH, "全辖"}
    mine = next(trace for trace in hours if trace["name"] == BRANCH)
    assert mine["x"] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert mine["y"] == pytest.approx([40 / 3, 2, 0, 0])  # 10 + 30 h, then JA01's 6 h, over 3


def test_a_branch_the_link_names_wrongly_is_said_so(store_path, run_page):
    at = run_page("people", PERIOD_QUERY | {"view": "branch", "unit": "无此社"})
    assert any("无此社" in w.value for w in at.warning)
    assert at.selectbox(key="unit").value is None and not at.metric
    assert any("选择一个网点" in i.value for i in at.info)
    # one branch picked in the sidebar: the view opens on it (ranked against all three all the same)
    at = run_page("people", PERIOD_QUERY | {"view": "branch", "branch": ["丙社"]})
    assert at.selectbox(key="unit").value == "丙社"
    assert {m.label: m.value for m in at.metric}["人均学时"] == "13.5"  # 54 h over 4
    assert "第 3 / 3 名，高于 0% 的其他网点" in [m.proto.delta for m in at.metric]


def test_the_compare_view_draws_two_branches(store_path, run_page):
    from conftest import figures
    at = run_page("people", PERIOD_QUERY | {"view": "compare", "compare": [BRANCH, "丙社"]})
    (chart,) = [f for f in figures(at) if f["layout"]["meta"]["title"] == "计分卡四项百分位对比"]
    assert charts.check(go.Figure(chart)) == []
    bars = {trace["name"]: trace["y"] for trace in chart["data"]}
    parts = scorecard_parts(YEAR.start, YEAR.end)
    for b in (BRANCH, "丙社"):
        expected = [100 * percent_rank({k: p[part] for k, p in parts.items()})[b] for part in branches.PARTS]
        assert bars[b] == pytest.approx(expected), b
    assert bars[BRANCH] == pytest.approx([50, 0, 100, 100])  # second, last, first and first of three
    tables = cells(at)
    assert tables["branch"] == [BRANCH, "丙社"] and tables["hours_per_head"] == pytest.approx([46 / 3, 13.5])


def test_the_compare_view_asks_for_two_to_four(store_path, run_page):
    at = run_page("people", PERIOD_QUERY | {"view": "compare", "compare": [BRANCH]})
    assert any("2—4" in i.value and "1" in i.value for i in at.info) and not at.get("plotly_chart")
    at = run_page("people", PERIOD_QUERY | {"view": "compare", "compare": [BRANCH, "乙社", "丙社"], "lang": "en"})
    assert not at.warning and not at.info and len(at.get("plotly_chart")) == 1  # three: drawn, in English too
    assert at.multiselect(key="compare").value == [BRANCH, "乙社", "丙社"]


def test_masked_no_name_or_id_and_small_groups_left_out(store_path, run_page, downloads):
    from conftest import rendered_strings
    secrets = {name for _, name, *_ in ROSTER} | {e for e, *_ in ROSTER}
    seen: list[str] = []
    for query in ({"view": "branch", "unit": BRANCH}, {"view": "branch", "unit": "乙社"},
                  {"view": "compare", "compare": [BRANCH, "乙社", "丙社"]}):
        at = run_page("people", PERIOD_QUERY | {"mask": "1"} | query)
        seen += rendered_strings(at)
        files = {name: data for name, data in downloads.items() if str(name).endswith(".csv")}
        assert files or query.get("unit") == "乙社", "the tables offer their data"
        seen += [bytes(data).decode("utf-8-sig") for data in files.values()]
        downloads.clear()
        if query.get("unit") == BRANCH:
            assert "张*丰" in cells(at)["name"] and "employee_id" not in cells(at)
        if query.get("unit") == "乙社":  # two people: nothing of its own, nor its people (their hours would tell)
            assert any("不足 3 人" in i.value for i in at.info) and not at.metric
            assert not [d for d in at.dataframe if "name" in d.value.columns] and not files
        if "compare" in query:  # 乙社's two are left out of the comparison, and it says so
            assert cells(at)["branch"] == [BRANCH, "丙社"]
            assert any("1 个不足 3 人的分组" in c.value for c in at.caption)
    leaks = {secret for secret in secrets for text in seen if secret in text}
    assert leaks == set()


def test_more_than_four_are_refused_in_words(demo_db, run_page):
    from talentboard import metrics
    with store.connect() as con:
        five = metrics.filter_options(con)["branch"][:5]
    at = run_page("people", {"view": "compare", "compare": five})
    assert [w.value for w in at.warning] == ["最多同时对比 4 个网点，已选 5 个，请去掉 1 个。"]
    assert not at.get("plotly_chart")
