"""Drill-down from numbers to people: each people-based KPI's list (drill.people_behind) is as long as the
KPI's number and names the very people a count done here in plain Python finds, on a hand-made fixture, on a
store without a roster and on the demo; the pages open those lists and link names to profiles."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import private_copy
from test_app import write

from talentboard import competition, drill, metrics, store, training
from talentboard.i18n import t as t_
from talentboard.metrics import Filters

# (id, name, branch, line, position, status). E4 has left; E7 belongs to 城关 but trains at a session
# recorded at 东关 (trained wherever recorded); E6 never trains; E5 trained in 2023 and 2025, not 2024.
ROSTER = [("E1", "甲一", "城关信用社", "柜面", "柜员", "在岗"), ("E2", "乙二", "城关信用社", "客户经理", "客户经理", "在岗"),
          ("E3", "丙三", "东关信用社", "柜面", "柜员", "在岗"), ("E4", "丁四", "东关信用社", "柜面", "柜员", "离职"),
          ("E5", "戊五", "东关信用社", "客户经理", "客户经理", "在岗"), ("E6", "己六", "西关信用社", "综合管理", "会计", "在岗"),
          ("E7", "庚七", "城关信用社", "柜面", "柜员", "在岗")]
# (id, recorded branch ("" = the roster's), course, date, hours)
TRAINING = [("E1", "", "党史学习", dt.date(2024, 1, 10), 30.0), ("E1", "", "反洗钱", dt.date(2024, 6, 1), 12.0),
            ("E2", "", "信贷实务", dt.date(2024, 2, 1), 20.0), ("E3", "", "柜面技能", dt.date(2024, 2, 1), 8.0),
            ("E4", "", "柜面技能", dt.date(2024, 2, 1), 8.0), ("E7", "东关信用社", "柜面技能", dt.date(2024, 2, 1), 10.0),
            ("E5", "", "党史学习", dt.date(2023, 3, 1), 5.0), ("E5", "", "党史学习", dt.date(2025, 1, 10), 45.0)]
# (competition, date, event, id, name, recorded branch, score, award). X9 is not on the roster.
CONTEST, PITCH, OLD = "2024年柜面技能竞赛", "2024年客户经理营销比武", "2023年柜面技能竞赛"
RESULTS = [(CONTEST, dt.date(2024, 6, 10), "点钞", "E1", "", "", 90.0, "一等奖"),
           (CONTEST, dt.date(2024, 6, 10), "点钞", "E3", "", "", 80.0, "无"),
           (CONTEST, dt.date(2024, 6, 10), "点钞", "E7", "", "", 70.0, "优秀奖"),
           (CONTEST, dt.date(2024, 6, 10), "点钞", "X9", "壬九", "南关信用社", 60.0, "三等奖"),
           (CONTEST, dt.date(2024, 6, 10), "传票录入", "E1", "", "", 85.0, "二等奖"),
           (CONTEST, dt.date(2024, 6, 10), "传票录入", "E3", "", "", 88.0, "三等奖"),
           (PITCH, dt.date(2024, 7, 1), "营销演讲", "E2", "", "", 85.0, "无"),
           (OLD, dt.date(2023, 6, 1), "点钞", "E6", "", "", 95.0, "特等奖")]
YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
CHENGGUAN = Filters(YEAR.start, YEAR.end, branches=("城关信用社",))
DONGGUAN = Filters(YEAR.start, YEAR.end, branches=("东关信用社",))
TELLERS = Filters(YEAR.start, YEAR.end, lines=("柜面",))
SCOPES = [YEAR, CHENGGUAN, DONGGUAN, TELLERS, Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
AWARDS = ["特等奖", "一等奖", "二等奖", "三等奖", "优秀奖"]  # highest first


def load(tmp_path, roster: bool = True) -> None:
    if roster:
        store.import_file(write(tmp_path / "r.csv", [["工号", "姓名", "机构", "条线", "岗位", "状态"],
                                                    *map(list, ROSTER)]), "employees")
    names = {e: n for e, n, *_ in ROSTER}
    branches = {e: b for e, _, b, *_ in ROSTER}
    store.import_file(write(tmp_path / "t.csv", [["工号", "姓名", "机构", "培训名称", "培训日期", "学时"], *[
        [e, "" if roster else names[e], b or ("" if roster else branches[e]), c, d, h] for e, b, c, d, h in TRAINING]]),
        "training")
    store.import_file(write(tmp_path / "c.csv", [["竞赛名称", "日期", "项目", "工号", "姓名", "机构", "成绩", "奖项"], *[
        [c, d, ev, e, n or ("" if roster else names[e]), b or ("" if roster else branches[e]), s, a]
        for c, d, ev, e, n, b, s, a in RESULTS]]), "competition")


@pytest.fixture(scope="module")
def fixture_template(tmp_path_factory):
    """The fixture imported once for the module; each test reads a private copy."""
    folder = tmp_path_factory.mktemp("drill")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TALENTBOARD_DB", str(folder / "template.duckdb"))
        load(folder)
    store.release_readers()
    return folder / "template.duckdb"


@pytest.fixture
def con(fixture_template, tmp_path, monkeypatch):
    private_copy(fixture_template, tmp_path, monkeypatch)
    with store.connect() as connection:
        yield connection


# What each list holds, worked out here from the fixture's rows.
def on_duty(scope: Filters) -> set[str]:
    return {e for e, _, b, line, _, s in ROSTER if s == "在岗" and (not scope.branches or b in scope.branches)
            and (not scope.lines or line in scope.lines)}


def trained_anywhere(scope: Filters) -> set[str]:
    return {e for e, _, _, d, _ in TRAINING if scope.start <= d <= scope.end}


def hours(scope: Filters, who: str) -> float:
    return sum(h for e, _, _, d, h in TRAINING if e == who and scope.start <= d <= scope.end)


def entries(scope: Filters) -> list[tuple]:
    roster = {e: (b, line) for e, _, b, line, _, _ in ROSTER}
    out = []
    for c, d, ev, e, _, recorded, s, a in RESULTS:
        branch, line = roster.get(e, (recorded, None))  # the file has no line: only the roster's
        branch = recorded or branch
        if scope.start <= d <= scope.end and (not scope.branches or branch in scope.branches) \
                and (not scope.lines or line in scope.lines):
            out.append((c, d, ev, e, s, a))
    return out


def test_each_list_names_the_people_a_count_by_hand_finds(con):
    headcount = drill.people_behind(con, YEAR, "headcount")
    assert list(headcount.columns) == drill.PERSON_COLUMNS + ["hours", "trainings", "last_training"]
    assert set(headcount["employee_id"]) == {"E1", "E2", "E3", "E5", "E6", "E7"}  # E4 has left
    assert dict(zip(headcount["employee_id"], headcount["hours"])) == {e: hours(YEAR, e) for e in headcount["employee_id"]}
    assert list(headcount["hours"]) == sorted(headcount["hours"])  # the untrained first
    row = headcount.set_index("employee_id").loc["E2"]
    assert (row["name"], row["branch"], row["line"], row["position"]) == ("乙二", "城关信用社", "客户经理", "客户经理")

    trained = drill.people_behind(con, YEAR, "trained").set_index("employee_id")
    assert set(trained.index) == {"E1", "E2", "E3", "E7"}  # E7's session was recorded at 东关: still trained
    assert trained.loc["E1", "hours"] == 42.0 and trained.loc["E1", "trainings"] == 2
    assert trained.loc["E1", "last_training"] == dt.date(2024, 6, 1)
    assert list(trained["hours"]) == sorted(trained["hours"], reverse=True)

    untrained = drill.people_behind(con, YEAR, "untrained").set_index("employee_id")
    assert set(untrained.index) == {"E5", "E6"}
    assert untrained.loc["E5", "last_training"] == dt.date(2023, 3, 1)  # before the period
    assert pd.isna(untrained.loc["E6", "last_training"])  # never

    participants = drill.people_behind(con, YEAR, "participants").set_index("employee_id")
    assert set(participants.index) == {"E1", "E2", "E3", "E7", "X9"}
    assert participants.loc["X9", "name"] == "壬九" and participants.loc["X9", "branch"] == "南关信用社"
    assert (participants.loc["E1", "competitions"], participants.loc["E1", "entries"]) == (1, 2)
    assert participants.loc["E1", "best_award"] == "一等奖" and participants.loc["E3", "best_award"] == "三等奖"
    assert pd.isna(participants.loc["E2", "best_award"])  # took part, won nothing
    winners = drill.people_behind(con, YEAR, "award_winners")
    assert set(winners["employee_id"]) == {"E1", "E3", "E7", "X9"}
    assert list(winners["best_award"]) == sorted(winners["best_award"], key=AWARDS.index)  # the best first


@pytest.mark.parametrize("scope", SCOPES, ids=["year", "chengguan", "dongguan", "tellers", "2025"])
def test_every_list_is_as_long_as_its_kpi_and_as_a_count_by_hand(con, scope):
    kpis = metrics.overview(con, scope)
    lists = {m: drill.people_behind(con, scope, m) for m in drill.MEASURES}
    staff, trained = on_duty(scope), on_duty(scope) & trained_anywhere(scope)
    found = entries(scope)
    expected = {"headcount": staff, "trained": trained, "untrained": staff - trained,
                "participants": {e for _, _, _, e, _, _ in found},
                "award_winners": {e for _, _, _, e, _, a in found if a in AWARDS}}
    for measure, people in expected.items():
        assert set(lists[measure]["employee_id"]) == people, measure
        assert lists[measure]["employee_id"].is_unique, measure
    assert len(lists["headcount"]) == kpis.headcount
    assert len(lists["trained"]) == kpis.trained
    assert len(lists["untrained"]) == kpis.headcount - kpis.trained == len(training.untrained(con, scope))
    summary = competition.summary(con, scope)
    assert len(lists["participants"]) == kpis.participants == summary.participants
    assert len(lists["award_winners"]) == kpis.award_winners == summary.award_winners


def test_without_a_roster_the_lists_are_the_estimates_counts(tmp_path, tmp_db):
    load(tmp_path, roster=False)
    with store.connect() as con:
        for scope in (YEAR, CHENGGUAN, DONGGUAN):
            kpis = metrics.overview(con, scope)
            assert kpis.headcount_is_estimate
            headcount = drill.people_behind(con, scope, "headcount")
            trained = drill.people_behind(con, scope, "trained")
            # seen anywhere at a branch in scope (training as recorded, competition entries)
            seen = {e for e, b, *_ in TRAINING if not scope.branches or (b or ROSTER[int(e[1]) - 1][2]) in scope.branches}
            seen |= {e for _, _, _, e, _, b, _, _ in RESULTS
                     if not scope.branches or (b or ROSTER[int(e[1]) - 1][2]) in scope.branches}
            assert set(headcount["employee_id"]) == seen and len(headcount) == kpis.headcount
            trainees = {e for e, b, _, d, _ in TRAINING if YEAR.start <= d <= YEAR.end
                        and (not scope.branches or (b or ROSTER[int(e[1]) - 1][2]) in scope.branches)}
            assert set(trained["employee_id"]) == trainees and len(trained) == kpis.trained
            if not scope.branches:
                assert headcount.set_index("employee_id").loc["E1", "name"] == "甲一"


def test_an_unknown_measure_is_refused(con):
    with pytest.raises(ValueError, match="unknown measure"):
        drill.people_behind(con, YEAR, "hours")


def test_keys_are_the_stores_person_keys(con):
    keys = dict(con.execute("select employee_id, person_key(employee_id) from employees").fetchall())
    listed = drill.people_behind(con, YEAR, "headcount")
    assert dict(zip(listed["employee_id"], listed["person_key"])) == {e: keys[e] for e in listed["employee_id"]}
    assert listed["person_key"].str.fullmatch(r"[0-9a-f]{12}").all()


DEMO_SCOPES = ["this_year", "last_year", "branch", "line", "branch_and_line"]


@pytest.mark.parametrize("which", DEMO_SCOPES)
def test_on_the_demo_every_list_is_as_long_as_its_kpi(demo_db, which):
    with store.connect() as con:
        as_of = metrics.latest_date(metrics.as_of_dates(con))
        options = metrics.filter_options(con)
        start, end = metrics.quick_period("last_year" if which == "last_year" else "this_year", as_of)
        scope = {"branch": Filters(start, end, branches=(options["branch"][2],)),
                 "line": Filters(start, end, lines=(options["line"][0],)),
                 "branch_and_line": Filters(start, end, branches=tuple(options["branch"][:4]),
                                            lines=(options["line"][1],))}.get(which, Filters(start, end))
        kpis = metrics.overview(con, scope)
        headline = training.headline(con, scope, False)
        summary = competition.summary(con, scope)
        lists = {m: drill.people_behind(con, scope, m) for m in drill.MEASURES}
        rows = con.execute("select employee_id, start_date, hours from training").fetchall()
    assert kpis.headcount > 0 and kpis.trained > 0 and kpis.participants > 0  # the check means something
    assert len(lists["headcount"]) == kpis.headcount == headline.headcount
    assert len(lists["trained"]) == kpis.trained == round(headline.coverage * headline.headcount)
    assert len(lists["untrained"]) == kpis.headcount - kpis.trained
    assert set(lists["untrained"]["employee_id"]) == set(lists["headcount"]["employee_id"]) - set(lists["trained"]["employee_id"])
    assert len(lists["participants"]) == kpis.participants == summary.participants
    assert len(lists["award_winners"]) == kpis.award_winners == summary.award_winners
    assert set(lists["award_winners"]["employee_id"]) <= set(lists["participants"]["employee_id"])
    # each person's hours are their training hours in the period, wherever recorded
    records = pd.DataFrame(rows, columns=["employee_id", "start_date", "hours"])
    records = records[(records["start_date"] >= scope.start) & (records["start_date"] <= scope.end)]
    by_person = records.groupby("employee_id")["hours"].sum()
    listed = lists["headcount"].set_index("employee_id")["hours"]
    assert listed.to_dict() == {e: by_person.get(e, 0.0) for e in listed.index}


# ----------------------------------------------------------------------------------------------
# The pages: a button under the KPIs and a click on a branch's bar open the list; a name opens the profile.
# AppTest draws dialogs but cannot click a chart or a table cell: a bar's click is its callback run here
# (ui.focus_on_click) and then the state it leaves; a cell's click is the table's selection set in state.
# ----------------------------------------------------------------------------------------------

def dialogs(at) -> list:
    return list(at.get("dialog"))


def dialog_frame(at):
    """The table inside the one open dialog."""
    (dialog,) = dialogs(at)
    (frame,) = [e for e in _walk(dialog) if getattr(e, "type", "") == "dataframe"]
    return frame


def _walk(element):
    yield element
    for child in getattr(element, "children", {}).values():
        yield from _walk(child)


def clicked(cell_row: int, column: str) -> dict:
    return {"selection": {"rows": [], "columns": [], "cells": [[cell_row, column]]}}


def demo_scope() -> Filters:
    with store.connect() as con:
        as_of = metrics.latest_date(metrics.as_of_dates(con))
    return Filters(*metrics.quick_period("this_year", as_of))


def test_a_kpi_button_lists_its_people_and_a_name_opens_their_record(demo_db, run_page, downloads):
    scope = demo_scope()
    with store.connect() as con:
        kpis = metrics.overview(con, scope)
        untrained = training.untrained(con, scope)  # the training page's own list, another query
        listed = drill.people_behind(con, scope, "untrained")
    at = run_page("overview")
    labels = {b.key: b.label for b in at.button}
    assert labels["overview_people_headcount"] == f"在岗人员 {kpis.headcount:,}"
    assert labels["overview_people_untrained"] == f"未参训 {kpis.headcount - kpis.trained:,}"
    assert labels["overview_people_award_winners"] == f"获奖人员 {kpis.award_winners:,}"
    assert not dialogs(at)

    at.button(key="overview_people_untrained").click().run()
    (dialog,) = dialogs(at)
    assert dialog.proto.dialog.title == f"未参训（{kpis.headcount - kpis.trained} 人）"
    frame = dialog_frame(at).value
    assert len(frame) == kpis.headcount - kpis.trained > 0
    assert set(frame["employee_id"]) == set(untrained["employee_id"])
    assert "person_key" not in frame.columns  # the key stays on the server
    saved = pd.read_csv(pd.io.common.BytesIO(downloads["untrained.csv"]), encoding="utf-8-sig", dtype=str)
    assert len(saved) == len(frame) and "person_key" not in saved.columns

    at.run()  # any later run of the page: the dialog stays shut
    assert not dialogs(at)

    # a click on a name in the list (the button's run, its table's cell selected) opens that person's record
    at.session_state["drill_untrained_table"] = clicked(2, "name")
    at.button(key="overview_people_untrained").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == [t_("page.people", "zh")]
    assert at.query_params["view"] == "person" and at.query_params["person"] == listed["person_key"][2]


def test_a_branch_bar_lists_its_people_once_and_leads_to_a_person_in_two_clicks(demo_db, run_page):
    from types import SimpleNamespace

    from talentboard import ui
    scope = demo_scope()
    with store.connect() as con:
        board = metrics.branch_scorecard(con, scope).set_index("branch")
    branch = board.index[len(board) // 2]
    with store.connect() as con:
        staff = drill.people_behind(con, scope.focused(branch), "headcount")
    assert len(staff) == board.loc[branch, "headcount"] > 0

    # the click on the bar: its callback focuses the page and asks for the branch's people
    state = {"overview_index": SimpleNamespace(selection={"points": [{"y": branch, "x": 50.0}]})}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ui.st, "session_state", state)
        ui.focus_on_click("overview", "overview_index", people=True)()
    assert state["overview_focus"] == branch and state["overview_people"] == branch

    at = run_page("overview")
    at.session_state["overview_focus"] = branch
    at.session_state["overview_people"] = branch
    at.run()
    (dialog,) = dialogs(at)
    assert dialog.proto.dialog.title == f"{branch} · 在岗人员"
    frame = dialog_frame(at).value
    assert list(frame["employee_id"]) == list(staff["employee_id"])  # the untrained and fewest hours first
    assert list(frame["hours"]) == sorted(frame["hours"])
    assert "branch" not in frame.columns  # one branch: said in the title
    assert [link.proto.label for link in at.page_link] == ["网点档案"]
    at.run()
    assert not dialogs(at) and at.session_state["overview_focus"] == branch  # shut; the page stays focused

    # click two: a name in the branch's list opens that person's record, the sidebar's filters kept
    at.session_state["overview_people"] = branch
    at.session_state["drill_headcount_table"] = clicked(0, "name")
    at.run()
    assert [t.value for t in at.title] == [t_("page.people", "zh")]
    assert at.query_params["person"] == staff["person_key"][0] and "overview_focus" not in at.query_params


def test_a_training_bar_lists_the_branchs_people_with_a_link_to_its_profile(demo_db, run_page):
    from urllib.parse import parse_qs
    scope = demo_scope()
    with store.connect() as con:
        branch = metrics.branch_scorecard(con, scope)["branch"].iat[0]
        staff = drill.people_behind(con, scope.focused(branch), "headcount")
    at = run_page("training", {"line": "柜面"})
    tellers = Filters(scope.start, scope.end, branches=(branch,), lines=("柜面",))
    with store.connect() as con:
        tellers_there = drill.people_behind(con, tellers, "headcount")
    assert 0 < len(tellers_there) < len(staff)  # the sidebar's line narrows the list
    at.session_state["training_people"] = branch
    at.run()
    (dialog,) = dialogs(at)
    assert dialog.proto.dialog.title == f"{branch} · 在岗人员"
    assert list(dialog_frame(at).value["employee_id"]) == list(tellers_there["employee_id"])
    (link,) = at.page_link
    assert link.proto.label == "网点档案" and link.proto.page.endswith("people")
    assert parse_qs(link.proto.query_string) == {"line": ["柜面"], "lang": ["zh"], "range": ["this_year"],
                                                 "view": ["branch"], "unit": [branch]}


def test_the_training_pages_untrained_list_opens_a_persons_record(demo_db, run_page):
    scope = demo_scope()
    with store.connect() as con:
        untrained = training.untrained(con, scope)
    at = run_page("training", {"lang": "en"})
    assert {b.key for b in at.button} >= {"training_people_headcount", "training_people_untrained"}
    at.session_state["training_untrained_table"] = clicked(1, "name")
    at.run()
    assert [t.value for t in at.title] == [t_("page.people", "en")]
    assert at.query_params["person"] == untrained["person_key"][1] and at.query_params["lang"] == "en"


def test_the_leaderboard_and_medal_table_open_profiles(demo_db, run_page):
    at = run_page("competition")
    board = next(f for f in at.dataframe if "percentile" in f.value.columns)
    assert board.key == "comp_leaderboard_table" and "person_key" not in board.value.columns
    name = board.value["name"].iat[0]
    with store.connect() as con:
        keys = con.execute("select person_key(employee_id) from competition where name = ?", [name]).fetchall()
    at.session_state["comp_leaderboard_table"] = clicked(0, "name")
    at.run()
    assert at.query_params["view"] == "person" and at.query_params["person"] in {k for (k,) in keys}

    at = run_page("competition")
    medals = next(f for f in at.dataframe if f.key == "comp_medal_table")
    at.session_state["comp_medal_table"] = clicked(0, "branch")
    at.run()
    assert at.query_params["view"] == "branch" and at.query_params["unit"] == medals.value["branch"].iat[0]


def test_with_privacy_on_the_list_shows_no_name_or_id(demo_db, run_page, downloads):
    from talentboard.privacy import mask_name
    scope = demo_scope()
    with store.connect() as con:
        listed = drill.people_behind(con, scope, "award_winners")
    at = run_page("overview", {"mask": "1"})
    at.button(key="overview_people_award_winners").click().run()
    frame = dialog_frame(at).value
    assert "employee_id" not in frame.columns
    assert list(frame["name"]) == [mask_name(n) for n in listed["name"]]
    saved = downloads["award_winners.csv"].decode("utf-8-sig")
    for name, employee in zip(listed["name"], listed["employee_id"]):
        assert employee not in saved and (len(name) < 2 or name not in saved)


def test_kept_params_keep_the_filters_and_drop_a_pages_focus():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from talentboard import ui
        st.session_state["kept"] = ui.kept_params(view="person", person="0123456789ab", unit=None)

    at = AppTest.from_function(script)
    for key, value in {"range": "custom", "from": "2024-01-01", "to": "2024-06-30", "branch": ["甲社", "乙社"],
                       "line": "柜面", "lang": "en", "mask": "1", "overview_focus": "甲社", "training_focus": "乙社"}.items():
        at.query_params[key] = value
    at.run()
    assert at.session_state["kept"] == {"range": "custom", "from": "2024-01-01", "to": "2024-06-30",
                                        "branch": ["甲社", "乙社"], "line": "柜面", "lang": "en", "mask": "1",
                                        "view": "person", "person": "0123456789ab"}


def test_without_a_roster_the_headcount_button_says_it_lists_an_estimate(tmp_path, tmp_db, run_page):
    load(tmp_path, roster=False)
    with store.connect() as con:
        as_of = metrics.latest_date(metrics.as_of_dates(con))
        kpis = metrics.overview(con, Filters(*metrics.quick_period("this_year", as_of)))
    assert kpis.headcount_is_estimate and kpis.headcount > 0
    at = run_page("overview")
    labels = {b.key: b.label for b in at.button}
    assert labels["overview_people_headcount"] == f"在岗人员（估算） {kpis.headcount}"
    assert "overview_people_untrained" not in labels  # untrained needs a roster
    at.button(key="overview_people_headcount").click().run()
    (dialog,) = dialogs(at)
    assert dialog.proto.dialog.title == f"在岗人员（估算）（{kpis.headcount} 人）"
    assert len(dialog_frame(at).value) == kpis.headcount
    assert any("未导入花名册" in c.value for c in at.caption)
