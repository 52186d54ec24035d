"""The person profile on a hand-made store: one person (王丽华, E001, 城关支行) whose every record is known,
a namesake (王丽华, E002, 青石信用社) with records of their own, and a few colleagues to fill the fields;
each figure of the profile checked against a count done here in plain Python from the fixture's rows."""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from talentboard import literal, people, privacy, settings, store, training
from talentboard.i18n import t
from talentboard.metrics import Filters
from conftest import rendered_strings
from test_app import write

PERIOD = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
NAME = "王丽华"
# (id, name, branch, line, position, status)
ROSTER = [("E001", NAME, "城关支行", "柜面", "综合柜员", "在岗"),
          ("E002", NAME, "青石信用社", "客户经理", "客户经理", "在岗"),
          ("E003", "赵一", "城关支行", "柜面", "综合柜员", "在岗"),
          ("E004", "钱二", "城关支行", "柜面", "大堂经理", "在岗"),
          ("E005", "孙三", "青石信用社", "柜面", "综合柜员", "在岗"),
          ("E006", "李四", "青石信用社", "客户经理", "客户经理", "在岗"),
          ("E007", "周五", "东山信用社", "柜面", "综合柜员", "离职"),
          ("E008", "吴六", "东山信用社", "客户经理", "客户经理", "在岗")]
# (id, name, branch, course, date, hours, category); E099 has no roster row
TRAINING = [("E001", NAME, "城关支行", "岗前培训", dt.date(2022, 5, 1), 5.0, "其他"),
            ("E001", NAME, "城关支行", "党史学习", dt.date(2024, 3, 5), 8.0, "思想政治"),
            ("E001", NAME, "城关支行", "反洗钱", dt.date(2024, 3, 20), 4.0, "合规风控"),
            ("E001", NAME, "城关支行", "柜面技能", dt.date(2024, 11, 2), 12.0, "专业技能"),
            ("E001", NAME, "城关支行", "营销技巧", dt.date(2025, 2, 10), 6.0, "营销服务"),
            ("E001", NAME, "城关支行", "柜面技能提升", dt.date(2025, 6, 15), 20.0, "专业技能"),
            ("E001", NAME, "城关支行", "新年培训", dt.date(2026, 1, 5), 10.0, "思想政治"),  # after the period
            ("E002", NAME, "青石信用社", "信贷实务", dt.date(2025, 3, 1), 30.0, "专业技能"),
            ("E002", NAME, "青石信用社", "客户营销", dt.date(2024, 7, 1), 15.0, "营销服务"),
            ("E003", "赵一", "城关支行", "柜面技能提升", dt.date(2025, 6, 15), 10.0, "专业技能"),
            ("E004", "钱二", "城关支行", "大堂服务", dt.date(2024, 4, 1), 60.0, "营销服务"),
            ("E005", "孙三", "青石信用社", "反洗钱", dt.date(2025, 8, 1), 3.0, "合规风控"),
            ("E007", "周五", "东山信用社", "柜面技能", dt.date(2025, 4, 1), 100.0, "专业技能"),
            ("E008", "吴六", "东山信用社", "信贷实务", dt.date(2025, 3, 1), 50.0, "专业技能"),
            ("E099", "郑七", "东山信用社", "反洗钱", dt.date(2025, 5, 1), 2.0, "合规风控")]
# (competition, date, event, id, score, award)
COMPETITION = [*[("2025年柜面技能竞赛", dt.date(2025, 6, 20), "点钞", e, s, a) for e, s, a in (
                   ("E003", 97.0, "特等奖"), ("E001", 95.0, "一等奖"), ("E004", 85.0, "二等奖"),
                   ("E005", 80.0, "三等奖"), ("E007", 70.0, "无"), ("E008", 60.0, "无"))],
               *[("2024年业务知识竞赛", dt.date(2024, 9, 10), "业务知识", e, s, "无") for e, s in (
                   ("E001", 72.0), ("E002", 88.0), ("E004", 65.0), ("E005", 91.0), ("E006", 80.0))],
               ("2026年春季竞赛", dt.date(2026, 3, 1), "点钞", "E001", 99.0, "一等奖")]  # after the period
# (year, id, grade)
GRADING = [(2023, "E001", "二级"), (2024, "E001", "三级"), (2025, "E001", "三级"), (2026, "E001", "四级"),
           (2024, "E002", "四级"), (2025, "E002", "五级"), (2025, "E003", "二级")]
# (project id, title, studio, leader, status, start, members, branch)
INNOVATION = [("X1", "柜面流程优化", "城关创新工作室", NAME, "研究中", dt.date(2024, 3, 1), "E003、E004", "城关支行"),
              ("X2", "普惠走访工具", "青石创新工作室", "李四", "已完成", dt.date(2025, 2, 1), "E006、E001", "青石信用社"),
              ("X3", "信贷风控模型", "青石创新工作室", NAME, "研究中", dt.date(2024, 5, 1), "E006", "青石信用社"),
              ("X4", "厅堂服务改进", "城关创新工作室", "赵一", "立项", dt.date(2025, 5, 1), f"{NAME} 钱二", "城关支行"),
              ("X5", "新一年课题", "城关创新工作室", "赵一", "立项", dt.date(2026, 2, 1), "E001", "城关支行")]


@pytest.fixture
def db(tmp_path, tmp_db):
    imports = {
        "employees": [["工号", "姓名", "机构", "条线", "岗位", "状态"], *map(list, ROSTER)],
        "training": [["工号", "姓名", "机构", "培训名称", "培训日期", "学时", "培训类别"], *map(list, TRAINING)],
        "competition": [["竞赛名称", "日期", "项目", "工号", "成绩", "奖项"], *map(list, COMPETITION)],
        "grading": [["评定年度", "工号", "等级"], *map(list, GRADING)],
        "innovation": [["课题编号", "课题名称", "工作室", "领衔人", "状态", "立项日期", "成员", "机构"], *map(list, INNOVATION)],
    }
    for dataset, rows in imports.items():
        result = store.import_file(write(tmp_path / f"{dataset}.csv", rows), dataset)
        assert result.rows_loaded == len(rows) - 1, (dataset, result)
    return tmp_db


@pytest.fixture
def con(db):
    with store.connect() as connection:
        yield connection


def key_of(con, employee_id: str) -> str:
    return con.execute("select person_key(?)", [employee_id]).fetchone()[0]


def percentile(field: list[float], score: float) -> float:
    """percent_rank by hand: the share of the rest of the field scoring below `score`, in percent."""
    return 100 * sum(s < score for s in field) / (len(field) - 1)


def hours(employee_id: str, start: dt.date, end: dt.date) -> float:
    return sum(h for e, _, _, _, d, h, _ in TRAINING if e == employee_id and start <= d <= end)


def on_duty() -> set[str]:
    return {e for e, *_, status in ROSTER if status == "在岗"}


def test_find_tells_namesakes_apart_by_branch(con):
    found = people.find(con, PERIOD, NAME)
    assert sorted(zip(found["employee_id"], found["branch"], found["line"])) == [
        ("E001", "城关支行", "柜面"), ("E002", "青石信用社", "客户经理")]
    assert list(found["person_key"]) == [key_of(con, e) for e in found["employee_id"]]
    by_id = people.find(con, PERIOD, "e00")  # an id fragment, any case: the roster's eight
    assert set(by_id["employee_id"]) == {e for e, *_ in ROSTER}
    assert list(people.find(con, PERIOD, "E003")["name"]) == ["赵一"]
    assert people.find(con, PERIOD, "  ").empty and people.find(con, PERIOD, "%").empty
    # someone seen only in the training records: found, placed as recorded, not on the roster
    unrostered = people.find(con, PERIOD, "郑七")
    assert unrostered[["employee_id", "branch", "in_roster"]].values.tolist() == [["E099", "东山信用社", False]]


def test_the_profile_holds_exactly_the_persons_records(con):
    profile = people.profile(con, PERIOD, key_of(con, "E001"))
    assert (profile.name, profile.employee_id, profile.branch, profile.line, profile.position, profile.status) == \
        (NAME, "E001", "城关支行", "柜面", "综合柜员", "在岗")
    mine = [r for r in TRAINING if r[0] == "E001" and r[4] <= PERIOD.end]
    assert list(profile.training["course"]) == [r[3] for r in mine]  # oldest first, none after the period
    assert profile.total_hours == sum(r[5] for r in mine) == 55
    years = {y: sum(r[5] for r in mine if r[4].year == y) for y in range(2022, 2026)}
    assert dict(zip(profile.years["year"], profile.years["hours"])) == years  # 2023 trained nothing: 0
    assert list(profile.years["target"]) == [settings.TRAINING_TARGET_HOURS] * 4
    assert list(profile.years["share"]) == pytest.approx([h / settings.TRAINING_TARGET_HOURS for h in years.values()])
    months = {(r[4].replace(day=1), r[6]): r[5] for r in mine}
    assert {(m.date(), c): h for m, c, h in profile.months[["month", "category", "hours"]].itertuples(index=False)} == months

    # competitions: both of the period's end or before, each percentile within its whole field
    results = {r[2]: r for r in COMPETITION if r[3] == "E001" and r[1] <= PERIOD.end}
    got = profile.competitions.set_index("event")
    assert set(got.index) == set(results) == {"点钞", "业务知识"}
    for event, (competition, date, _, _, score, award) in results.items():
        field = [r[4] for r in COMPETITION if r[0] == competition and r[2] == event]
        assert got.loc[event, "percentile"] == pytest.approx(percentile(field, score))
        assert (got.loc[event, "score"], got.loc[event, "award"], got.loc[event, "field_size"]) == (score, award, len(field))
    assert got.loc["点钞", "percentile"] == 80.0 and got.loc["业务知识", "percentile"] == 25.0  # as worked out by hand

    assert profile.grades[["year", "grade"]].values.tolist() == [[2023, "二级"], [2024, "三级"], [2025, "三级"]]
    assert profile.grades["direction"].tolist()[1:] == [1, 0]
    assert profile.current_grade == (2025, "三级")

    # X1 led (by name, in their branch), X2 by id and X4 by name as a member; X3 is the namesake's, X5 too late
    assert sorted(zip(profile.projects["project_id"], profile.projects["role"])) == [
        ("X1", "leader"), ("X2", "member"), ("X4", "member")]
    assert profile.projects_led == 1


def test_the_namesakes_records_stay_apart(con):
    mine = people.profile(con, PERIOD, key_of(con, "E001"))
    theirs = people.profile(con, PERIOD, key_of(con, "E002"))
    assert (theirs.branch, theirs.line) == ("青石信用社", "客户经理")
    assert set(theirs.training["course"]) == {r[3] for r in TRAINING if r[0] == "E002"}
    assert "信贷实务" not in set(mine.training["course"]) and "岗前培训" not in set(theirs.training["course"])
    assert theirs.total_hours == hours("E002", dt.date(1900, 1, 1), PERIOD.end) == 45
    assert list(theirs.competitions["score"]) == [88.0] and 88.0 not in set(mine.competitions["score"])
    assert theirs.competitions["percentile"].iat[0] == pytest.approx(
        percentile([72.0, 88.0, 65.0, 91.0, 80.0], 88.0)) == 75.0
    assert theirs.grades[["year", "grade"]].values.tolist() == [[2024, "四级"], [2025, "五级"]]
    assert list(theirs.projects["project_id"]) == ["X3"] and list(theirs.projects["role"]) == ["leader"]
    assert "X3" not in set(mine.projects["project_id"])


def test_standing_and_the_comparison_with_branch_and_line(con):
    profile = people.profile(con, PERIOD, key_of(con, "E001"))
    since = dt.date(2023, 1, 1)  # the last three calendar years to the period's end
    assert profile.span_start == since
    mine = hours("E001", since, PERIOD.end)
    assert profile.span_hours == mine == 50
    staff = on_duty()
    others = staff - {"E001"}  # ahead of the others: the most trained reads 100%
    below = {e for e in others if hours(e, since, PERIOD.end) < mine}
    assert (profile.staff_below, profile.staff) == (len(below), len(others)) == (4, 6)
    assert profile.above_share == pytest.approx(4 / 6)

    assert profile.period_hours == hours("E001", PERIOD.start, PERIOD.end) == 26
    branch_staff = {e for e, _, b, *_ in ROSTER if b == "城关支行"} & staff
    branch_hours = sum(r[5] for r in TRAINING if r[2] == "城关支行" and PERIOD.start <= r[4] <= PERIOD.end)
    assert profile.branch_headcount == len(branch_staff) == 3
    assert profile.branch_hours_per_head == pytest.approx(branch_hours / 3) == 12
    line_of = {e: line for e, _, _, line, *_ in ROSTER}
    line_staff = {e for e in staff if line_of[e] == "柜面"}
    line_hours = sum(r[5] for r in TRAINING if line_of.get(r[0]) == "柜面" and PERIOD.start <= r[4] <= PERIOD.end)
    assert profile.line_headcount == len(line_staff) == 4  # 周五 left: their hours count, they do not
    assert profile.line_hours_per_head == pytest.approx(line_hours / 4) == (26 + 10 + 3 + 100) / 4
    # the training page's own figures for the branch and the line
    by_branch = training.by_branch(con, Filters(PERIOD.start, PERIOD.end, branches=("城关支行",)))
    by_line = training.by_line(con, Filters(PERIOD.start, PERIOD.end, lines=("柜面",)))
    assert profile.branch_hours_per_head == pytest.approx(by_branch["hours_per_head"].iat[0])
    assert profile.line_hours_per_head == pytest.approx(by_line["hours_per_head"].iat[0])
    shown = people.comparison(profile, "zh")
    assert shown["hours"].tolist() == pytest.approx([26, 12, line_hours / 4])
    assert shown["who"].tolist() == [t("people.compare.person", "zh"), t("people.compare.branch", "zh", branch="城关支行"),
                                     t("people.compare.line", "zh", line="柜面")]


def test_privacy_leaves_out_a_small_groups_average_beside_the_person(con):
    profile = people.profile(con, PERIOD, key_of(con, "E008"))  # 吴六: alone on duty at 东山信用社
    assert (profile.branch_headcount, profile.branch_hours_per_head) == (1, 50 + 100 + 2)  # with 周五 (left), 郑七
    assert len(people.comparison(profile, "zh")) == 3
    masked = people.comparison(profile, "zh", min_group=settings.PRIVACY_MIN_GROUP)
    assert masked["who"].tolist() == [t("people.compare.person", "zh"), t("people.compare.line", "zh", line="客户经理")]
    assert masked.attrs["suppressed"] == 1


def test_the_summary_says_what_the_profile_holds(con):
    profile = people.profile(con, PERIOD, key_of(con, "E001"))
    zh = people.summary(profile, "zh")
    assert zh == ("近三年（2023—2025 年）累计培训 50 学时，高于全辖 67% 的员工；"
                  "参加技能竞赛 2 次，最好成绩为2025年柜面技能竞赛“点钞”一等奖；"
                  "最近一次等级评定为三级（2025 年）；参与创新课题 3 项（领衔 1 项）。")
    en = people.summary(profile, "en")
    assert en == ("50 training hours over the last three years (2023–2025), ahead of 67% of all staff; "
                  "2 competition entries, best result: First prize in 点钞 at 2025年柜面技能竞赛; "
                  "latest grade Grade 3 (2025); 3 innovation projects (1 as leader).")
    # parts without data are left out, not said as zero: the unrostered person trained and nothing else
    other = people.profile(con, PERIOD, key_of(con, "E099"))
    assert (other.name, other.branch, other.in_roster, other.status) == ("郑七", "东山信用社", False, None)
    assert people.summary(other, "zh") == "近三年（2023—2025 年）累计培训 2 学时，高于全辖 14% 的员工。"
    # before any record: nothing to say but that
    early = people.profile(con, Filters(dt.date(2020, 1, 1), dt.date(2020, 12, 31)), key_of(con, "E001"))
    assert early.training.empty and early.years.empty and early.projects.empty
    assert people.summary(early, "en") == t("people.summary.nothing", "en")
    assert people.profile(con, PERIOD, "0" * 12) is None


def test_privacy_masks_the_profile(con):
    profile = people.profile(con, PERIOD, key_of(con, "E001"))
    masked = privacy.apply(profile, privacy.Privacy(mask=True))
    assert (masked.name, masked.employee_id) == ("王*华", None)
    assert sorted(masked.projects["leader"]) == sorted(["王*华", "李*", "赵*"])  # X1, X2, X4's leaders
    assert NAME not in people.summary(masked, "zh") and "E001" not in people.summary(masked, "zh")


# ----------------------------------------------------------------------------------------------
# The page: a profile opened from the URL, the search, the empty states, and privacy
# ----------------------------------------------------------------------------------------------

QUERY = {"range": "custom", "period": ["2025-01-01", "2025-12-31"], "view": "person"}


def test_the_page_opens_a_profile_from_its_link(db, run_page, downloads):
    with store.connect() as con:
        key = key_of(con, "E001")
        profile = people.profile(con, PERIOD, key)
    for lang in ("zh", "en"):
        at = run_page("people", {**QUERY, "person": key, "lang": lang})
        assert [s.value for s in at.subheader] == [NAME]
        assert people.summary(profile, lang) in [m.value for m in at.markdown]
        assert "E001" in " ".join(m.value for m in at.markdown)  # the id is shown while not masked
        cards = {m.label: m.value for m in at.metric}
        assert cards[t("people.kpi.span_hours", lang)] == "50"
        assert cards[t("people.kpi.period_hours", lang)] == "26"
        assert cards[t("people.kpi.competitions", lang)] == "2"
        assert cards[t("people.kpi.projects", lang)] == "3"
        assert cards[t("people.kpi.best_percentile", lang)] == "80"
        tables = {tuple(frame.value.columns): frame.value for frame in at.dataframe}
        competitions = next(v for c, v in tables.items() if "percentile" in c)
        assert sorted(competitions["percentile"]) == [25.0, 80.0]
        grades = next(v for c, v in tables.items() if "previous_grade" in c)
        assert list(grades["year"]) == [2025, 2024, 2023]
        shown = rendered_strings(at)
        assert "信贷实务" not in shown and "X3" not in shown  # the namesake's course and project
    # every chart and table offers its data; the months' file holds exactly the person's hours by month
    assert {"person_hours_by_month.csv", "person_hours_by_year.csv", "person_against_branch_and_line.csv",
            "person_training.csv", "person_competitions.csv", "person_grades.csv", "person_projects.csv"} <= set(downloads)
    months = pd.read_csv(io.BytesIO(downloads["person_hours_by_month.csv"]), encoding="utf-8-sig")
    assert months["hours"].sum() == 55


def test_the_search_finds_both_namesakes_and_opens_the_one_picked(db, run_page):
    at = run_page("people", QUERY)
    assert at.info[0].value == t("people.start", "zh")
    at.text_input(key="person_search").input(NAME).run()
    pick = at.selectbox(key=f"person_pick_{NAME}")
    assert sorted(pick.options) == [f"{NAME} · 城关支行 · 柜面 · E001", f"{NAME} · 青石信用社 · 客户经理 · E002"]
    with store.connect() as con:
        namesake = key_of(con, "E002")
    pick.select(namesake).run()  # the pick list holds keys, shown by their labels
    assert not at.exception
    assert at.query_params["person"] == namesake
    assert [s.value for s in at.subheader] == [NAME]
    assert "青石信用社 · 客户经理条线 · 客户经理 · 工号 E002 · 五级（2025 年评定）" in [m.value for m in at.markdown]
    at.text_input(key="person_search").input("无此人").run()
    assert any(t("people.search.none", "zh", text="无此人") == i.value for i in at.info)


def test_empty_parts_say_so_and_an_unknown_key_says_so(db, run_page):
    with store.connect() as con:
        key = key_of(con, "E006")  # 李四: no training, no grading; one competition result, one project
    at = run_page("people", {**QUERY, "person": key})
    notes = [i.value for i in at.info]
    assert t("people.no_training", "zh", end=PERIOD.end) in notes
    assert t("people.no_grades", "zh", year=2025) in notes
    cards = {m.label: m.value for m in at.metric}
    assert cards[t("people.kpi.span_hours", "zh")] == "0" and cards[t("people.kpi.competitions", "zh")] == "1"
    assert cards[t("people.kpi.best_percentile", "zh")] == "50"  # 80 in a field of 72, 88, 65, 91, 80
    at = run_page("people", {**QUERY, "person": "0" * 12})
    assert [w.value for w in at.warning] == [t("people.not_found", "zh")]


SECRETS = [NAME, *(e for e, *_ in ROSTER), "E099", *(name for _, name, *_ in ROSTER), "郑七"]


def test_privacy_leaves_no_name_or_id_on_the_page_nor_in_its_files(db, run_page, downloads):
    with store.connect() as con:
        key = key_of(con, "E001")
    at = run_page("people", {**QUERY, "person": key, "mask": "1"})
    assert [s.value for s in at.subheader] == [literal.markdown("王*华")]
    at.text_input(key="person_search").input(NAME).run()  # the search works while masked: matches shown masked
    assert not at.exception
    assert sorted(at.selectbox(key=f"person_pick_{NAME}").options) == ["王*华 · 城关支行 · 柜面", "王*华 · 青石信用社 · 客户经理"]
    shown = rendered_strings(at)
    assert "王*华" in shown and "李*" in shown  # a project's leader, masked
    assert downloads
    for secret in SECRETS:
        assert not [s for s in shown if secret in s], secret
        assert not [name for name, data in downloads.items() if secret.encode() in data], secret
