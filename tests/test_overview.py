"""Overview measures: the branch scorecard, the previous-period change, quick-pick periods, highlights,
and filters that survive the URL — each against answers worked out here by other means."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from talentboard import highlights, metrics, settings, store
from talentboard.i18n import t
from talentboard.metrics import Filters, quick_period
from conftest import figures
from test_app import write

REPO_ROOT = Path(__file__).resolve().parent.parent
# Three branches of different sizes; (id, branch, status)
ROSTER = [("A1", "甲社", "在岗"), ("A2", "甲社", "在岗"), ("B1", "乙社", "在岗"), ("B2", "乙社", "在岗"),
          ("B3", "乙社", "在岗"), ("B4", "乙社", "离职"), ("C1", "丙社", "在岗")]
TRAINING = [("A1", dt.date(2024, 3, 1), 10.0), ("A2", dt.date(2024, 3, 1), 10.0), ("B1", dt.date(2024, 3, 2), 6.0),
            ("B4", dt.date(2024, 3, 2), 9.0), ("C1", dt.date(2023, 12, 1), 4.0)]
AWARDS = [("B1", "一等奖"), ("B2", "优秀奖"), ("C1", "三等奖"), ("A1", "无")]
RESULTS = [("甲课题", "甲社", "已转化", dt.date(2024, 5, 1)), ("乙课题", "丙社", "已完成", dt.date(2024, 7, 1)),
           ("丙课题", "丙社", "研究中", None)]
YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture
def con(tmp_path, tmp_db):
    files = {
        "employees": [["工号", "姓名", "机构", "状态"], *[[e, e, b, s] for e, b, s in ROSTER]],
        "training": [["工号", "培训名称", "培训日期", "学时"], *[[e, "课", d, h] for e, d, h in TRAINING]],
        "competition": [["竞赛名称", "日期", "项目", "工号", "成绩", "奖项"],
                        *[["大赛", "2024-06-01", "点钞", e, 90, a] for e, a in AWARDS]],
        "innovation": [["课题名称", "工作室", "状态", "立项日期", "完成日期", "机构"],
                       *[[t, "工作室", s, "2024-01-01", d, b] for t, b, s, d in RESULTS]],
    }
    for dataset, rows in files.items():
        assert store.import_file(write(tmp_path / f"{dataset}.csv", rows), dataset).exit_code == 0
    with store.connect() as connection:
        yield connection


def percent_rank(values: dict[str, float]) -> dict[str, float]:
    """SQL's percent_rank: (rank - 1) / (n - 1), ties sharing the lowest rank."""
    n = len(values)
    return {k: sum(other < v for other in values.values()) / (n - 1) for k, v in values.items()}


def test_scorecard_measures_ranks_and_index(con):
    got = metrics.branch_scorecard(con, YEAR).set_index("branch")
    staff = {b: [e for e, bb, s in ROSTER if bb == b and s == "在岗"] for b in {"甲社", "乙社", "丙社"}}
    branch_of = {e: b for e, b, _ in ROSTER}
    hours = {b: sum(h for e, d, h in TRAINING if branch_of[e] == b and d.year == 2024) / len(p) for b, p in staff.items()}
    coverage = {b: len({e for e, d, _ in TRAINING if d.year == 2024} & set(p)) / len(p) for b, p in staff.items()}
    points = {b: sum(settings.AWARD_POINTS.get(a, 0) for e, a in AWARDS if branch_of[e] == b) * 100 / len(p)
              for b, p in staff.items()}
    results = {b: sum(1 for _, bb, s, d in RESULTS if bb == b and d is not None) * 100 / len(p) for b, p in staff.items()}
    for name, expected in (("hours_per_head", hours), ("coverage", coverage), ("points_per_100", points),
                           ("results_per_100", results)):
        assert got[name].to_dict() == pytest.approx(expected), name
    ranks = [percent_rank(m) for m in (hours, coverage, points, results)]
    index = {b: 100 * sum(r[b] for r in ranks) / 4 for b in staff}
    assert got["talent_index"].to_dict() == pytest.approx(index)
    assert list(got.index) == sorted(index, key=lambda b: (-index[b], b))  # best first


def test_scorecard_weights_change_the_index(con, monkeypatch):
    monkeypatch.setattr(settings, "SCORECARD_WEIGHTS", {"hours_per_head": 1.0, "coverage": 0.0,
                                                        "competition_points": 0.0, "innovation_results": 0.0})
    got = metrics.branch_scorecard(con, YEAR).set_index("branch")
    assert got["talent_index"].to_dict() == pytest.approx((got["hours_rank"] * 100).to_dict())


def test_previous_period_and_its_change(con):
    half = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    before = half.previous()
    assert (before.start, before.end) == (dt.date(2024, 1, 30), dt.date(2024, 2, 29))  # 31 days, leap February
    now = metrics.overview(con, Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    then = metrics.overview(con, Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    assert (now.training_hours, then.training_hours) == (sum(h for _, d, h in TRAINING if d.year == 2024),
                                                         sum(h for _, d, h in TRAINING if d.year == 2023))
    assert metrics.change(now.training_hours, then.training_hours) == \
        f"{(now.training_hours - then.training_hours) / then.training_hours * 100:+.1f}%"
    assert metrics.change_points(0.75, 0.5, "en") == "+25.0 pp" and metrics.change(3, 0) is None
    assert metrics.change_points(0.75, 0.5, "zh") == "+25.0个百分点"  # never "pp" in Chinese
    assert metrics.change_points(0.5, 0.50004, "zh") == "+0.0个百分点" and metrics.change(99.99, 100) == "+0.0%"


@pytest.mark.parametrize("name,start,end", [
    ("this_year", dt.date(2026, 1, 1), dt.date(2026, 10, 31)),
    ("this_month", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ("this_quarter", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ("last_year", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("last_12_months", dt.date(2025, 11, 1), dt.date(2026, 10, 31)),
])
def test_quick_periods_anchor_on_the_data(name, start, end):
    assert quick_period(name, dt.date(2026, 10, 31)) == (start, end)


def test_highlights_name_the_laggard(con):
    card = metrics.branch_scorecard(con, YEAR)
    lines = highlights.write(card, metrics.overview(con, YEAR), metrics.overview(con, YEAR.previous()), "zh")
    lowest = card.loc[card["coverage"].idxmin(), "branch"]
    assert 3 <= len(lines) <= 5
    assert any(line.startswith(lowest) and "最低" in line for line in lines)
    assert all("{" not in line for line in highlights.write(card, metrics.overview(con, YEAR),
                                                          metrics.overview(con, YEAR.previous()), "en"))


def test_filters_round_trip_through_the_url(con):
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
    for key, value in {"range": "last_year", "branch": ["乙社"], "lang": "en"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.query_params["range"] in ("last_year", ["last_year"])
    assert at.query_params["branch"] in ("乙社", ["乙社"]) and at.query_params["lang"] in ("en", ["en"])
    assert at.multiselect(key="branch").value == ["乙社"]
    # last year relative to the data's last date (2024-07-01 here): all of 2023
    headcount = next(m.value for m in at.metric if m.label == "Headcount")
    assert headcount == str(sum(1 for _, b, s in ROSTER if b == "乙社" and s == "在岗"))


@pytest.mark.parametrize("page,lang", [("pages/overview.py", "zh"), ("pages/training.py", "en")])
def test_a_missing_dataset_says_what_to_upload(tmp_path, tmp_db, page, lang):
    # only a roster: no training yet, and the pages say so instead of drawing empty charts
    store.import_file(write(tmp_path / "r.csv", [["工号", "姓名", "机构"], ["E1", "甲", "城关信用社"]]), "employees")
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    wanted = "培训记录" if lang == "zh" else "training records"
    assert any(wanted in info.value for info in at.info), [i.value for i in at.info]


def test_downloads_are_excel_ready_and_formula_safe():
    import pandas as pd

    from talentboard.export import csv_bytes
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "+1", "-x", "@SUM(A1)", "\tTab", "张三"], "hours": [1, -2, 3, 4, 5, 6]})
    raw = csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(__import__("io").BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    assert list(back["name"]) == ["'=cmd|' /C calc'!A0", "'+1", "'-x", "'@SUM(A1)", "'\tTab", "张三"]
    assert list(back["hours"]) == [1, -2, 3, 4, 5, 6]  # numbers stay numbers


def test_branch_list_follows_the_orgs_and_resets_when_they_change(con, monkeypatch):
    from talentboard import ui
    options = {"branch": ["东关支行", "营业部", "西关支行"],
               "branch_orgs": {"东关支行": {"甲行"}, "营业部": {"甲行", "乙行"}, "西关支行": {"乙行"}}}
    assert ui.branch_choices(options, []) == options["branch"]
    for orgs in (["甲行"], ["乙行"], ["甲行", "乙行"]):
        assert ui.branch_choices(options, orgs) == [b for b in options["branch"] if options["branch_orgs"][b] & set(orgs)]
    state = {"branch": ["西关支行"]}
    monkeypatch.setattr(ui.st, "session_state", state)
    ui._orgs_changed()  # the org multiselect's on_change
    assert state["branch"] == []


# ----------------------------------------------------------------------------------------------
# Regressions from issue 8, on the shipped demo
# ----------------------------------------------------------------------------------------------

def index_bars(at) -> dict[str, float]:
    """The talent index chart's bars: branch -> index, over all its traces."""
    spec = next(f for f in figures(at) if f["layout"].get("meta", {}).get("title") == t("overview.index_chart", "zh"))
    bars = {}
    for trace in spec["data"]:
        bars.update(dict(zip(trace["y"], trace["x"])))
    return bars


def test_a_focused_branch_keeps_its_index_and_the_chart_keeps_every_branch(demo_db, run_page):
    query = {"range": "last_year"}
    everyone = run_page("overview", query)
    focused = run_page("overview", query | {"overview_focus": "城关支行"})
    before, after = index_bars(everyone), index_bars(focused)
    with store.connect(demo_db) as con:
        ranked = metrics.branch_scorecard(con, Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert len(after) == len(ranked) == len(before)  # the chart is not emptied down to one bar
    expected = float(ranked.loc[ranked["branch"] == "城关支行", "talent_index"].iloc[0])
    assert after["城关支行"] == pytest.approx(expected) == pytest.approx(before["城关支行"])
    assert expected > 0  # ranked against the other branches, not alone (alone it would be 0)


def test_highlights_and_sidebar_speak_of_the_focused_branch(demo_db, run_page):
    at = run_page("overview", {"range": "last_year", "overview_focus": "城关支行"})
    text = "\n".join(m.value for m in at.markdown)
    assert "城关支行培训覆盖率" in text and "全辖" not in text
    assert any("城关支行" in c.value for c in at.sidebar.caption)  # the sidebar does not just say 全部


def test_headcount_shows_no_change_and_zh_changes_read_in_points(demo_db, run_page):
    at = run_page("overview", {"range": "last_year"})
    cards = {m.label: m for m in at.metric}
    assert cards[t("kpi.headcount", "zh")].proto.delta == ""  # a roster snapshot has no earlier count to compare
    coverage = cards[t("kpi.coverage", "zh")].proto.delta
    assert coverage.endswith("个百分点") and "pp" not in coverage


def test_no_change_against_a_period_without_training(tmp_path, tmp_db, run_page):
    """Training only in 2025 (no roster): 2025's coverage has nothing before it to be "+100 points" on."""
    rows = [["工号", "培训名称", "培训日期", "学时"], ["A1", "党史", "2025-03-01", 4], ["A2", "党史", "2025-03-01", 4]]
    assert store.import_file(write(tmp_path / "t.csv", rows), "training").exit_code == 0
    at = run_page("overview", {"range": "custom", "period": ["2025-01-01", "2025-12-31"]})
    cards = {m.label: m for m in at.metric}
    coverage = cards[t("kpi.coverage", "zh")]
    assert coverage.value == t("training.value.needs_roster", "zh") and coverage.proto.delta == ""
    assert all(m.value not in ("None", "nan") for m in at.metric)
    highlights = "\n".join(m.value for m in at.markdown)
    assert "较上期" not in highlights


def test_grading_is_never_stamped_with_a_date_to_come(tmp_path, tmp_db):
    year = dt.date.today().year
    rows = [["评定年度", "工号", "等级"], [year, "A1", "三级"]]
    assert store.import_file(write(tmp_path / "g.csv", rows), "grading").exit_code == 0
    with store.connect(tmp_db) as con:
        assert metrics.as_of_dates(con)["grading"] == min(dt.date(year, 12, 31), dt.date.today())


def test_the_trend_has_round_ticks_on_both_axes(demo_db, run_page):
    """Person-times on the right axis get their own round ticks from zero, not ticks synced to the hours
    axis (which read 355, 492, 629)."""
    at = run_page("overview", {"range": "last_year"})
    spec = next(f for f in figures(at) if f["layout"].get("meta", {}).get("title") == t("overview.trend", "zh"))
    right = spec["layout"]["yaxis2"]
    assert right["tickmode"] == "auto" and right["rangemode"] == "tozero" and right["title"]["text"]
    assert spec["layout"]["yaxis"]["rangemode"] == "tozero"


def test_a_period_without_data_ranks_no_one(demo_db, run_page):
    at = run_page("overview", {"range": "custom", "period": ["2012-01-01", "2012-12-31"]})
    text = "\n".join(m.value for m in at.markdown)
    assert "第一" not in text and "最低" not in text  # every branch at 0: no leader, no laggard
    assert t("hl.no_ranking", "zh") in [i.value for i in at.info]
    assert not [f for f in figures(at) if f["layout"].get("meta", {}).get("title") == t("overview.index_chart", "zh")]
    # training exists, only not in 2012: the trend says where it is, not that there is none
    assert any(i.value.startswith(t("overview.trend_none", "zh", first="", last="")[:8]) for i in at.info)


def test_highlights_use_the_cards_figures_and_name_the_line(demo_db, run_page):
    at = run_page("overview", {"range": "last_year"})
    per_head = {m.label: m.value for m in at.metric}[t("kpi.hours_per_head", "zh")]
    text = "\n".join(m.value for m in at.markdown)
    assert f"全辖人均（{per_head}）" in text  # the same hours per head as the card, not a mean of branch rows
    lined = run_page("overview", {"range": "last_year", "line": ["柜面"]})
    text = "\n".join(m.value for m in lined.markdown)
    assert "柜面条线培训覆盖率" in text and "全辖培训覆盖率" not in text
    assert t("innov.no_line_filter", "zh") in [c.value for c in lined.caption]


def test_english_highlights_read_as_english(demo_db, run_page):
    at = run_page("overview", {"lang": "en"})
    per_head = {m.label: m.value for m in at.metric}[t("kpi.hours_per_head", "en")]
    text = "\n".join(m.value for m in at.markdown)
    assert f"of the figure for the whole union ({per_head} h)" in text  # the laggard's sentence, with the card's mean
    assert not re.search(r"\b(\w+) \1\b", text), text  # no word twice in a row ("of the the whole union")


def test_training_alone_overview_keeps_its_trend_and_says_what_is_not_imported(tmp_path, tmp_db, run_page):
    rows = [["工号", "培训名称", "培训日期", "学时"], ["A1", "党史", "2025-03-01", 4], ["A2", "党史", "2025-04-01", 2]]
    assert store.import_file(write(tmp_path / "t.csv", rows), "training").exit_code == 0
    at = run_page("overview", {"range": "custom", "period": ["2025-01-01", "2025-12-31"]})
    cards = {m.label: m.value for m in at.metric}
    assert cards[t("kpi.participants", "zh")] == t("kpi.not_imported", "zh")  # not a 0 that reads as a result
    assert cards[t("kpi.benefit", "zh")] == t("kpi.not_imported", "zh")
    trend = [f for f in figures(at) if f["layout"].get("meta", {}).get("title") == t("overview.trend", "zh")]
    assert trend and sum(trend[0]["data"][0]["y"]) == 6  # the monthly hours need no roster


def test_an_unchanged_coverage_is_not_called_a_rise():
    now = metrics.Overview(10, False, 10.0, 5, 1, 5, 0, 0, 0, 0, 0.0, 0.0, 0)
    before = metrics.Overview(20, False, 20.0, 5, 1, 10, 0, 0, 0, 0, 0.0, 0.0, 0)
    lines = highlights.write(pd.DataFrame(), now, before, "zh")
    assert lines == [t("hl.coverage_same", "zh", scope="全辖", value="50.0%")]
