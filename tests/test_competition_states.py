"""The competition page on the shipped demo and on hand-made frames: the grade mix adds up, tiny fields give
no percentile, enums in English, the chart contract on every chart, tables that fit 1366 px, KPI changes and
an empty state for every card. Each expected value is worked out here from the raw rows, not by the page's SQL."""
from __future__ import annotations

import datetime as dt
import json
import math

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest

from conftest import figures, rendered_strings
from talentboard import charts, competition, store
from talentboard.i18n import t
from talentboard.metrics import format_number, format_percent
from talentboard.schema import GRADE_LABELS_EN, enum_values

BRANCH = "城关支行"
ALL_YEARS = {"range": "custom", "period": ["2020-01-01", "2026-12-31"]}


def raw(db, query: str) -> pd.DataFrame:
    store.release_readers()  # the app's shared reading connection lets go first
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).df()
    finally:
        con.close()


def figure_titled(at, title: str) -> dict:
    found = [f for f in figures(at) if (f["layout"].get("meta") or {}).get("title") == title]
    assert len(found) == 1, [(f["layout"].get("meta") or {}).get("title") for f in figures(at)]
    return found[0]


def frame_config(frame) -> dict:
    return json.loads(frame.proto.columns or "{}")


# Each table by a column only it has (a dataframe without on_select carries no key in AppTest).
MARK = {"comp_leaderboard_table": "percentile", "comp_medal_table": "特等奖", "comp_improvers_table": "percentiles"}


def shown_frame(at, key: str):
    """The st.dataframe the page draws under widget key `key`."""
    found = [f for f in at.dataframe if MARK[key] in f.value.columns]
    assert len(found) == 1, [list(f.value.columns) for f in at.dataframe]
    return found[0]


# ----------------------------------------------------------------------------------------------
# 1. Grade mix: every bar adds up to 100%, every grade present, labels that add up
# ----------------------------------------------------------------------------------------------

def test_stacked_shares_fills_a_missing_part_with_zero_and_keeps_unknown_parts():
    """A grade missing from one line and a grade outside the configured order: no NaN, no dropped segment."""
    data = pd.DataFrame({"line": ["A", "A", "A", "B", "B", "B"], "year": [2026] * 6,
                         "grade": ["一级", "二级", "特级", "一级", "三级", "特级"],
                         "people": [1, 2, 1, 3, 3, 2]})
    data["share"] = data["people"] / data.groupby("line")["people"].transform("sum")
    fig = charts.stacked_shares(data, "line", "year", "grade", "share", "zh", None,
                                order=["一级", "二级", "三级"], count="people", title="mix",
                                share_label="占比（%）", x_title="条线")
    assert [trace.name for trace in fig.data] == ["一级", "二级", "三级", "特级"]  # the unknown grade last, kept
    for trace in fig.data:
        assert len(trace.y) == 2 and not any(math.isnan(v) for v in trace.y), trace.name
    totals = [sum(trace.y[i] for trace in fig.data) for i in range(2)]
    assert totals == [pytest.approx(100, abs=0.1)] * 2
    by_name = {trace.name: list(trace.y) for trace in fig.data}
    assert by_name["二级"][1] == 0 and by_name["三级"][0] == 0  # present at 0, not missing
    assert charts.check(fig) == []


def test_stacked_shares_labels_add_up_to_exactly_100():
    """Thirds round to 33 + 33 + 33 = 99; the largest remainder gives one of them 34."""
    data = pd.DataFrame({"line": ["A"] * 3, "year": [2026] * 3, "grade": ["一级", "二级", "三级"], "people": [1, 1, 1]})
    data["share"] = 1 / 3
    fig = charts.stacked_shares(data, "line", "year", "grade", "share", "en", None, order=["一级", "二级", "三级"],
                                title="mix", share_label="Share (%)", x_title="Line")
    labels = [int(trace.text[0].rstrip("%")) for trace in fig.data]
    assert sum(labels) == 100 and sorted(labels) == [33, 33, 34]
    assert fig.layout.uniformtext.mode == "show"  # a labelled segment never hides its label
    # a segment under 5% carries no label (the help says so; its share is in the hover)
    small = pd.DataFrame({"line": ["A"] * 2, "year": [2026] * 2, "grade": ["一级", "二级"], "share": [0.97, 0.03]})
    fig = charts.stacked_shares(small, "line", "year", "grade", "share", "en", None, order=["一级", "二级"],
                                title="mix", share_label="Share (%)", x_title="Line")
    assert [trace.text[0] for trace in fig.data] == ["97%", ""]


def test_grade_mix_with_a_branch_focused_adds_up_in_every_bar(demo_db, run_page):
    at = run_page("competition", {**ALL_YEARS, "lang": "zh", "comp_focus": BRANCH})
    spec = figure_titled(at, t("comp.grade_mix", "zh"))
    grades = raw(demo_db, f"""
        select g.year, coalesce(e.line, g.line, '—') as line, g.grade, count(*) as people
        from grading g left join employees e using (employee_id)
        where g.branch = '{BRANCH}' group by all""")
    bars = grades.groupby(["line", "year"])["people"].sum()
    held = set(grades["grade"])
    traces = spec["data"]
    assert {trace["name"] for trace in traces} == held  # zh: the stored grade names
    for trace in traces:
        assert len(trace["x"][0]) == len(bars), trace["name"]  # every bar has every grade
        assert all(v is not None and not math.isnan(v) for v in trace["y"]), trace["name"]
    pairs = list(zip(traces[0]["x"][0], traces[0]["x"][1]))
    for i, (line, year) in enumerate(pairs):
        assert sum(trace["y"][i] for trace in traces) == pytest.approx(100, abs=0.1), (line, year)
        for trace in traces:
            people = grades[(grades["line"] == line) & (grades["year"] == int(year)) & (grades["grade"] == trace["name"])]
            want = 100 * people["people"].sum() / bars[(line, int(year))]
            assert trace["y"][i] == pytest.approx(want, abs=0.01)
            label = trace["text"][i]
            assert (label != "") == (want >= 5)  # labelled where it is 5% or more
        if all(trace["y"][i] >= 5 for trace in traces):  # every segment labelled: the labels add up to 100
            assert sum(int(trace["text"][i].rstrip("%")) for trace in traces) == 100
    # the 客户经理 line of 城关支行 has nobody at one grade somewhere: that grade is present at 0
    managers = grades[grades["line"] == "客户经理"]
    assert any(managers[managers["year"] == y]["grade"].nunique() < len(held) for y in set(managers["year"]))


# ----------------------------------------------------------------------------------------------
# 2. Leaderboard: no percentile for a tiny field; opens on a field big enough; ties and first prizes
# ----------------------------------------------------------------------------------------------

def test_default_competition_skips_a_small_final():
    options = pd.DataFrame({
        "competition": ["市级决赛", "市级决赛", "联社初赛", "联社初赛", "旧赛"],
        "date": pd.to_datetime(["2026-09-12", "2026-09-12", "2026-06-20", "2026-06-20", "2025-06-01"]),
        "event": ["点钞", "传票", "点钞", "传票", "点钞"], "line": ["柜面"] * 5,
        "entries": [2, 2, 60, 58, 90], "field_size": [2, 2, 60, 58, 90]})
    assert competition.default_competition(options) == "联社初赛"  # latest with a field of at least the minimum
    tiny = options.assign(field_size=[2, 2, 3, 3, 4], entries=[2, 2, 3, 3, 4])
    assert competition.default_competition(tiny) == "联社初赛"  # none big enough: the most entries (6)
    assert competition.default_competition(options.iloc[0:0]) == ""


def test_leaderboard_percentiles_only_for_fields_of_the_minimum_size(demo_db, run_page):
    results = raw(demo_db, "select competition, date, event, employee_id, score, award from competition")
    field = results.groupby(["competition", "date", "event"])["score"]
    results["field_size"] = field.transform("size")
    # share of the others in the field with a lower score (ties share it), worked out row by row
    results["want"] = [100 * ((group < s).sum()) / (len(group) - 1) if len(group) > 1 else None
                       for s, group in zip(results["score"], (field.get_group(k) for k in
                                                              zip(results["competition"], results["date"],
                                                                  results["event"])))]
    at = run_page("competition", {**ALL_YEARS, "lang": "en"})
    chosen = at.selectbox(key="comp_competition").value
    small_competitions = set(results.loc[results["field_size"] < competition.MIN_FIELD_FOR_PERCENTILE, "competition"])
    assert small_competitions, "the demo has small city-level finals"
    assert chosen not in small_competitions  # the board does not open on a tiny field
    latest_big = results[results["field_size"] >= competition.MIN_FIELD_FOR_PERCENTILE].sort_values("date")
    assert chosen == latest_big["competition"].iat[-1]
    board = shown_frame(at, "comp_leaderboard_table").value
    assert len(board) == (results["competition"] == chosen).sum()
    assert "employee_id" not in board.columns and "competition" not in board.columns  # in the caption instead
    assert any(chosen in c.value for c in at.caption)
    # every percentile of the whole demo against the count by hand; small fields have none
    from talentboard import store
    from talentboard.metrics import Filters
    with store.connect(str(demo_db)) as con:
        period = Filters(dt.date(2020, 1, 1), dt.date(2026, 12, 31))  # per competition: under the row limit
        everything = pd.concat([competition.leaderboard(con, period, name) for name in set(results["competition"])])
    merged = everything.merge(results, on=["competition", "event", "employee_id"], suffixes=("", "_raw"))
    assert len(merged) == len(results)
    small = merged["field_size_raw"] < competition.MIN_FIELD_FOR_PERCENTILE
    assert merged.loc[small, "percentile"].isna().all()
    big = merged[~small]
    assert (big["percentile"] - big["want"].astype(float)).abs().max() <= 0.05 + 1e-9  # shown to 0.1
    # a first prize sits at 0 only when nobody in its field scored lower: never in the demo's big fields
    top = big[big["award"].isin(["特等奖", "一等奖"])]
    assert len(top) and (top["percentile"] > 0).all()
    # ties share a percentile: the tied top scores of a field read the same, just below 100
    tied = big[big.duplicated(["competition", "event", "score"], keep=False)]
    assert len(tied)
    assert tied.groupby(["competition", "event", "score"])["percentile"].nunique().max() == 1
    # a small field's percentile shows as a dash (placeholder), with a note under the board
    at = run_page("competition", {**ALL_YEARS, "lang": "zh"})
    at.selectbox(key="comp_competition").set_value(sorted(small_competitions)[0]).run()
    assert not at.exception
    board = shown_frame(at, "comp_leaderboard_table")
    assert board.value["percentile"].isna().all() and board.proto.placeholder == "—"
    note = t("comp.leaderboard.small_field", "zh", n=competition.MIN_FIELD_FOR_PERCENTILE)
    assert any(note in c.value for c in at.caption)


# ----------------------------------------------------------------------------------------------
# 3 and 4. English enums, and the chart contract on every chart in both languages
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_keeps_the_contract_with_units(demo_db, run_page, lang):
    at = run_page("competition", {**ALL_YEARS, "lang": lang, "comp_focus": BRANCH})
    specs = figures(at)
    assert len(specs) == 7
    for spec in specs:
        assert charts.check(go.Figure(spec)) == [], (spec["layout"].get("meta"), charts.check(go.Figure(spec)))
    axes = {(spec["layout"].get("meta") or {}).get("title"): (
        (spec["layout"].get("xaxis", {}).get("title") or {}).get("text"),
        (spec["layout"].get("yaxis", {}).get("title") or {}).get("text")) for spec in specs}
    assert axes[t("comp.improvement", lang)] == (t("comp.axis.percentile_change", lang), t("comp.col.people", lang))
    assert axes[t("comp.scores", lang)][1] == t("comp.axis.score", lang)
    assert axes[t("comp.participation", lang)][1] == t("comp.axis.participation", lang)
    assert axes[t("comp.grade_mix", lang)][1] == t("comp.axis.share", lang)
    if lang == "zh":
        assert axes[t("comp.improvement", "zh")][0] == "百分位变化（个百分点）"
        assert axes[t("comp.scores", "zh")][1] == "成绩（分）"
    # fixed colours: rose green, held grey, fell vermilion; award shades by award, top darkest
    histogram = figure_titled(at, t("comp.improvement", lang))
    colours = {trace["name"]: trace["marker"]["color"] for trace in histogram["data"]}
    assert colours == {t("comp.dir.rose", lang): "#009E73", t("comp.dir.held", lang): "#BBBBBB",
                       t("comp.dir.fell", lang): "#D55E00"}


def test_english_shows_award_level_and_grade_display_names(demo_db, run_page):
    at = run_page("competition", {**ALL_YEARS, "lang": "en"})
    strings = set(rendered_strings(at))
    stored = set(enum_values("competition", "award")) | set(enum_values("competition", "level")) | set(
        enum_values("grading", "grade"))
    assert not strings & stored, strings & stored
    assert {"Grade 1", "Grade 5"} <= strings  # legends and Sankey nodes speak English
    sankey = figure_titled(at, t("comp.sankey", "en"))
    nodes = sankey["data"][0]["node"]["label"]
    assert all(label.split(" · ")[0] in GRADE_LABELS_EN.values() for label in nodes)
    board = shown_frame(at, "comp_leaderboard_table").value
    assert set(board["award"].dropna()) <= {"Grand prize", "First prize", "Second prize", "Third prize",
                                            "Merit award", "No award"}
    assert any(" · Union · " in c.value for c in at.caption)  # the picked competition's level, in English


def test_sankey_nodes_say_their_totals(demo_db, run_page):
    at = run_page("competition", {**ALL_YEARS, "lang": "zh"})
    sankey = figure_titled(at, t("comp.sankey", "zh"))
    flows = raw(demo_db, """
        select b.grade as to_grade, count(*) as people from grading a join grading b
          on a.employee_id = b.employee_id and a.year = b.year - 1
        where b.year = (select max(year) from grading) group by all""")
    labels = sankey["data"][0]["node"]["label"]
    right = labels[len(labels) - len(flows):]
    assert {label.split(" · ")[0]: int(label.split(" · ")[1].replace(",", "")) for label in right} == dict(
        zip(flows["to_grade"], flows["people"]))


# ----------------------------------------------------------------------------------------------
# 5. Tables fit 1366 px in both languages, the sort column visible
# ----------------------------------------------------------------------------------------------

# At 1366 px with the sidebar open the main column is about 920 px wide: a full-width card holds about
# 880 px of table, a half-width one about 410 px.
FULL, HALF = 880, 410


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_fit_1366_px(demo_db, run_page, lang):
    at = run_page("competition", {**ALL_YEARS, "lang": lang})
    for key, budget, sort_column in (("comp_leaderboard_table", FULL, "percentile"),
                                     ("comp_medal_table", HALF, "points"),
                                     ("comp_improvers_table", HALF, "change")):
        frame = shown_frame(at, key)
        config = frame_config(frame)
        shown = [c for c in frame.value.columns if not (config.get(c) or {}).get("hidden")]
        widths = [(config.get(c) or {}).get("width") for c in shown]
        assert all(isinstance(w, int) for w in widths), (key, dict(zip(shown, widths)))
        assert sum(widths) <= budget, (key, sum(widths))
        assert sort_column in shown, key
        # numbers keep one decimal (115.9 stays 115.9), never cut to a whole
        for column in shown:
            fmt = ((config.get(column) or {}).get("type_config") or {}).get("format")
            if column in ("score", "percentile", "change"):
                assert fmt in ("%.1f", "%+.1f"), (key, column, fmt)
    assert "employee_id" not in shown_frame(at, "comp_leaderboard_table").value.columns
    # across all competitions the competition's name shows (the line gives way) and the board still fits
    at.selectbox(key="comp_competition").set_value("").run()
    assert not at.exception
    frame = shown_frame(at, "comp_leaderboard_table")
    config = frame_config(frame)
    assert "competition" in frame.value.columns and "percentile" in frame.value.columns
    assert sum(config[c]["width"] for c in frame.value.columns) <= FULL


# ----------------------------------------------------------------------------------------------
# 6. KPI cards: a change on every card, no 0/None/nan where there is data, 个百分点 in Chinese
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kpi_cards_show_their_change(demo_db, run_page, lang):
    at = run_page("competition", {"range": "custom", "period": ["2026-01-01", "2026-12-31"], "lang": lang})
    rows = raw(demo_db, "select employee_id, award, year(date) as year from competition")
    this, last = rows[rows["year"] == 2026], rows[rows["year"] == 2025]

    def rate(frame):
        return frame[frame["award"] != "无"]["employee_id"].nunique() / frame["employee_id"].nunique()

    cards = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert cards[t("comp.participants", lang)][0] == format_number(this["employee_id"].nunique(), lang)
    want = (this["employee_id"].nunique() - last["employee_id"].nunique()) / last["employee_id"].nunique() * 100
    assert cards[t("comp.participants", lang)][1] == f"{want:+.1f}%"
    points = f"{(rate(this) - rate(last)) * 100:+.1f}" + ("个百分点" if lang == "zh" else " pp")
    assert cards[t("comp.award_rate", lang)] == (format_percent(rate(this)), points)
    improved_value, improved_delta = cards[t("comp.improved", lang)]
    assert improved_delta and improved_delta.endswith("个百分点" if lang == "zh" else "pp")
    for label, (value, delta) in cards.items():
        assert value not in ("0", "None", "nan", "—") and delta, label
        if lang == "zh":
            assert "pp" not in delta


# ----------------------------------------------------------------------------------------------
# 7. An empty state for every card
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_period_without_data_says_so_once_per_section(demo_db, run_page, lang):
    at = run_page("competition", {"range": "custom", "period": ["2030-01-01", "2030-12-31"], "lang": lang})
    infos = [i.value for i in at.info]
    assert t("comp.no_results", lang) in infos and t("comp.no_grades", lang) in infos
    assert not figures(at) and not at.dataframe
    cards = [t(k, lang) for k in ("comp.participation", "comp.scores", "comp.leaderboard", "comp.medals",
                                  "comp.grade_mix", "comp.movements", "comp.sankey")]
    assert not [m.value for m in at.markdown if any(c in m.value for c in cards)]  # no bare card title


def test_a_card_without_its_data_says_so(demo_db, run_page):
    """2024 alone: nobody competed or was graded in 2023, so neither improvement card nor either movement card
    has anything; each says so in a line, and the four cards with data draw their charts."""
    assert raw(demo_db, "select min(year(date)) as y from competition")["y"].iat[0] == 2024
    assert raw(demo_db, "select min(year) as y from grading")["y"].iat[0] == 2024
    at = run_page("competition", {"range": "custom", "period": ["2024-01-01", "2024-12-31"], "lang": "zh"})
    infos = [i.value for i in at.info]
    assert infos.count(t("comp.no_repeat", "zh")) == 2 and infos.count(t("comp.no_moves", "zh")) == 2
    titles = [(f["layout"].get("meta") or {}).get("title") for f in figures(at)]
    assert titles == [t(k, "zh") for k in ("comp.participation", "comp.scores", "comp.medals", "comp.grade_mix")]
