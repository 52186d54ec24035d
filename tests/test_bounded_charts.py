"""Charts stay bounded at any scale: on a store with more branches and studios than charts.TOP_N, each chart
that would grow with them draws exactly the top (or lowest) TOP_N by its own measure, sums the rest into one
"N others" bar where the measure adds up, and says in its card how many are not drawn; a table of records
(people, rejected rows) sends its first charts.TABLE_ROWS rows while its download holds them all. The expected
values are worked out here from the rows written to the files, not read back from the measures."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from talentboard import charts, settings, store
from talentboard.i18n import t
from talentboard.schema import display
from tests.conftest import REPO_ROOT, figures, private_copy

N = charts.TOP_N
BRANCHES = [f"网点{i:02d}" for i in range(1, N + 6)]  # five more than a chart draws one by one
STUDIOS = [f"工作室{i:02d}" for i in range(1, N + 6)]
STAFF = 40  # on duty in every branch: 675 of the 1,000 untrained, more than a table sends
YEAR = 2025


def trained(i: int) -> int:
    """How many of branch i's staff trained (1-based i): coverage i/40, every branch a different one."""
    return i


def hours(i: int) -> int:
    """Hours of each record in branch i: hours per head i * h / 40 differ from branch to branch."""
    return 1 + (i * 2) % 23


def awards(i: int) -> dict[str, int]:
    """Branch i's results at each award."""
    return {"一等奖": i % 4, "三等奖": i}


def benefit(i: int) -> float:
    return float((i * 37) % 101 + i / 10)


def write(path: Path, rows: list[list[object]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def roster() -> list[list[object]]:
    return [[f"E{i:02d}{j:02d}", f"员工{i}-{j}", branch, "柜面", "在岗"]
            for i, branch in enumerate(BRANCHES, 1) for j in range(STAFF)]


def training_rows() -> list[list[object]]:
    """Each trained person one record, in March or April by turns, so the heatmap has two months a branch."""
    return [[f"E{i:02d}{j:02d}", "柜面业务", dt.date(YEAR, 3 + j % 2, 10).isoformat(), hours(i)]
            for i in range(1, len(BRANCHES) + 1) for j in range(trained(i))]


def competition_rows() -> list[list[object]]:
    rows, person = [], {}
    for i in range(1, len(BRANCHES) + 1):
        for award, count in awards(i).items():
            for _ in range(count):
                j = person[i] = person.get(i, -1) + 1
                rows.append(["年度大赛", f"{YEAR}-05-20", "点钞", f"E{i:02d}{j:02d}", 90 - j, award])
    return rows


def innovation_rows() -> list[list[object]]:
    return [[f"课题{i:02d}", studio, "已转化", f"{YEAR}-0{1 + i % 6}-01", BRANCHES[i - 1], benefit(i), 5.0,
             f"{YEAR}-07-01", f"{YEAR}-08-01"] for i, studio in enumerate(STUDIOS, 1)]


@pytest.fixture(scope="module")
def wide_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wide")
    db = folder / "wide.duckdb"
    files = {
        "employees": [["工号", "姓名", "机构", "条线", "状态"], *roster()],
        "training": [["工号", "培训名称", "培训日期", "学时"], *training_rows()],
        "competition": [["竞赛名称", "日期", "项目", "工号", "成绩", "奖项"], *competition_rows()],
        "innovation": [["课题名称", "工作室", "状态", "立项日期", "机构", "经济效益", "经费投入", "完成日期", "转化日期"],
                       *innovation_rows()],
    }
    for dataset, rows in files.items():
        assert store.import_file(write(folder / f"{dataset}.csv", rows), dataset, db=db).exit_code == 0
    return db


@pytest.fixture
def wide_db(wide_template, tmp_path, monkeypatch) -> Path:
    return private_copy(wide_template, tmp_path, monkeypatch, "wide.duckdb")


def chart(at, title: str) -> dict:
    found = [f for f in figures(at) if (f["layout"].get("meta") or {}).get("title") == title]
    assert len(found) == 1, [(f["layout"].get("meta") or {}).get("title") for f in figures(at)]
    return found[0]


def bars(figure: dict) -> dict[str, float]:
    """Category -> value of a horizontal bar chart, summed over its traces (stacked parts add up)."""
    out: dict[str, float] = {}
    for trace in figure["data"]:
        if trace["type"] == "bar":
            for name, value in zip(trace["y"], trace["x"]):
                out[name] = out.get(name, 0.0) + value
    return out


def captions(at) -> list[str]:
    return [str(c.value) for c in at.caption]


def lowest(values: dict[str, float], n: int = N) -> list[str]:
    return [name for name, _ in sorted(values.items(), key=lambda kv: (kv[1], kv[0]))[:n]]


def highest(values: dict[str, float], n: int = N) -> list[str]:
    return [name for name, _ in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def test_the_fixture_has_no_ties_at_the_limit():
    """Each measure differs from branch to branch (and studio to studio), so "the top N" is one set."""
    rows = range(1, len(BRANCHES) + 1)
    assert len({trained(i) * hours(i) for i in rows}) == len(BRANCHES)
    assert len({sum(settings.AWARD_POINTS[a] * c for a, c in awards(i).items()) for i in rows}) == len(BRANCHES)
    assert len({benefit(i) for i in rows}) == len(STUDIOS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_training_branch_charts_show_the_lowest_n_and_say_how_many_more(wide_db, run_page, downloads, lang):
    at = run_page("training", {"lang": lang})
    per_head = {b: trained(i) * hours(i) / STAFF for i, b in enumerate(BRANCHES, 1)}
    coverage = {b: 100 * trained(i) / STAFF for i, b in enumerate(BRANCHES, 1)}

    drawn = bars(chart(at, t("training.branch_hours", lang)))
    assert list(drawn) == lowest(per_head)
    assert drawn == pytest.approx({b: per_head[b] for b in lowest(per_head)})
    drawn = bars(chart(at, t("training.branch_coverage", lang)))
    assert set(drawn) == set(lowest(coverage))
    assert drawn == pytest.approx({b: coverage[b] for b in lowest(coverage)})

    # the heatmap: the branches with the lowest mean of their monthly hours per head
    monthly: dict[tuple[str, int], float] = {}
    for i, branch in enumerate(BRANCHES, 1):
        for j in range(trained(i)):
            key = (branch, 3 + j % 2)
            monthly[key] = monthly.get(key, 0.0) + hours(i) / STAFF
    means = pd.Series(monthly).groupby(level=0).mean().to_dict()
    assert len(set(means.values())) == len(BRANCHES)  # no tie at the limit
    heat = chart(at, t("training.heatmap", lang))["data"][0]
    assert sorted(heat["y"]) == sorted(lowest(means))
    assert heat["y"] == sorted(heat["y"], key=lambda b: (means[b], b))  # lowest on top, as before
    more = len(BRANCHES) - N
    for key in ("training.branch_hours.more", "training.branch_coverage.more", "training.heatmap.more"):
        assert t(key, lang, shown=N, n=more) in captions(at)

    # the untrained staff, a list of people: the first TABLE_ROWS (by branch and id) go to the browser
    untrained = sorted((branch, f"E{i:02d}{j:02d}") for i, branch in enumerate(BRANCHES, 1)
                       for j in range(trained(i), STAFF))
    assert len(untrained) > charts.TABLE_ROWS
    listed = [frame.value for frame in at.dataframe if "employee_id" in frame.value.columns][0]
    assert list(listed["employee_id"]) == [e for _, e in untrained[:charts.TABLE_ROWS]]
    assert t("ui.table_first_rows", lang, shown=f"{charts.TABLE_ROWS:,}", n=f"{len(untrained):,}") in captions(at)
    every = list(csv.reader(io.StringIO(downloads["training_untrained.csv"].decode("utf-8-sig"))))
    assert [row[0] for row in every[1:]] == [e for _, e in untrained]  # the download holds the whole list


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_innovation_benefit_bar_sums_the_rest_into_one_others_bar(wide_db, run_page, lang):
    at = run_page("innovation", {"lang": lang})
    values = {s: benefit(i) for i, s in enumerate(STUDIOS, 1)}
    top = highest(values)
    others = t("chart.others", lang, n=len(STUDIOS) - N)
    drawn = bars(chart(at, t("innov.benefit_by_studio", lang)))
    assert list(drawn) == top + [others]
    assert drawn[others] == pytest.approx(sum(v for s, v in values.items() if s not in top))
    assert {s: drawn[s] for s in top} == pytest.approx({s: values[s] for s in top})
    assert t("innov.benefit_by_studio.more", lang, shown=N, others=others) in captions(at)

    # bubbles: the same top studios one trace each, the other five in one grey trace
    scatter = chart(at, t("innov.benefit_vs_funding", lang))["data"]
    named = {trace["name"]: trace for trace in scatter}
    assert set(named) == set(top) | {others}
    assert sorted(named[others]["customdata"]) == sorted(s for s in STUDIOS if s not in top)
    assert named[others]["marker"]["color"] == charts.OTHERS_COLOUR
    assert t("innov.benefit_vs_funding.more", lang, shown=N, n=len(STUDIOS) - N) in captions(at)

    # the timeline: one bar a project; the same top studios keep their colours, the other five are one grey entry
    timeline = [f for f in figures(at) if any(trace.get("base") for trace in f["data"])][0]
    assert {trace["name"] for trace in timeline["data"]} == set(top) | {others}
    grey = [trace for trace in timeline["data"] if trace["name"] == others][0]
    assert sorted(who for who, *_ in grey["customdata"]) == sorted(s for s in STUDIOS if s not in top)
    assert grey["marker"]["color"] == charts.OTHERS_COLOUR
    assert t("innov.timeline.more", lang, shown=N, n=len(STUDIOS) - N) in captions(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_medal_chart_shows_the_top_n_and_sums_the_rest_per_award(wide_db, run_page, lang):
    at = run_page("competition", {"lang": lang})
    points = {b: sum(settings.AWARD_POINTS[a] * c for a, c in awards(i).items()) for i, b in enumerate(BRANCHES, 1)}
    top = highest(points)
    others = t("chart.others", lang, n=len(BRANCHES) - N)
    figure = chart(at, t("comp.medals", lang))
    drawn = bars(figure)
    assert set(drawn) == set(top) | {others}
    assert drawn[others] == pytest.approx(sum(v for b, v in points.items() if b not in top))
    assert {b: drawn[b] for b in top} == pytest.approx({b: points[b] for b in top})
    # per award, the others bar holds the rest's points at that award
    rest = [i for i, b in enumerate(BRANCHES, 1) if b not in top]
    for award in ("一等奖", "三等奖"):
        trace = [tr for tr in figure["data"] if tr["name"] == display("competition", "award", award, lang)][0]
        value = dict(zip(trace["y"], trace["x"]))[others]
        assert value == pytest.approx(sum(settings.AWARD_POINTS[award] * awards(i)[award] for i in rest))
    assert t("comp.medals.more", lang, shown=N, others=others) in captions(at)
    medal_table = [frame.value for frame in at.dataframe if "points" in frame.value.columns][0]
    assert len(medal_table) == len(BRANCHES)  # the table beside it still lists every branch


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_index_chart_shows_the_leaders_and_the_scorecard_keeps_every_branch(wide_db, run_page, lang):
    at = run_page("overview", {"lang": lang})
    table = [frame.value for frame in at.dataframe if "talent_index" in frame.value.columns][0]
    assert len(table) == len(BRANCHES)
    leaders = list(table.sort_values("rank")["branch"].head(N))
    drawn = bars(chart(at, t("overview.index_chart", lang)))
    assert list(drawn) == leaders
    assert t("overview.index_chart.more", lang, shown=N, n=len(BRANCHES) - N) in captions(at)

    # a branch picked outside the leaders is drawn too, marked
    last = str(table.sort_values("rank")["branch"].iat[-1])
    at = run_page("overview", {"lang": lang, "branch": [last]})
    drawn = bars(chart(at, t("overview.index_chart", lang)))
    assert list(drawn) == leaders + [last]


def test_top_keeps_the_n_best_and_sums_the_rest_per_key_while_it_fits():
    # long data: 24 branches × 2 awards; branch k earns k points at gold and 1 at bronze
    rows = [(f"b{k:02d}", award, float(k if award == "gold" else 1)) for k in range(1, 25) for award in ("gold", "bronze")]
    data = pd.DataFrame(rows, columns=["branch", "award", "points"])
    top = charts.top(data, "branch", "points", "en", n=20, others=True)
    best = [f"b{k:02d}" for k in range(24, 4, -1)]  # totals k + 1: b24 first
    assert list(dict.fromkeys(top.data["branch"]))[:20] == best and (top.shown, top.hidden) == (20, 4)
    assert top.others == "4 others" and top.rest == sum(k + 1 for k in range(1, 5))  # 14, under b24's 25: a bar
    others = top.data[top.data["branch"] == top.others].set_index("award")["points"]
    assert others.to_dict() == {"gold": 1 + 2 + 3 + 4, "bronze": 4.0}

    # the tail outweighs the longest bar: no others row, the sum is told instead
    tail = pd.concat([data, pd.DataFrame([(f"z{k:03d}", "gold", 3.0) for k in range(100)], columns=data.columns)])
    top = charts.top(tail, "branch", "points", "en", n=20, others=True)
    assert top.others is None and top.hidden == 104 and top.rest == 300.0 + 14
    assert set(top.data["branch"]) == set(best)

    # lowest first, by each branch's mean, with a picked branch drawn though it is not among them
    top = charts.top(data, "branch", "points", "en", n=3, lowest=True, rank_by="mean", keep=["b20"])
    assert list(dict.fromkeys(top.data["branch"])) == ["b01", "b02", "b03", "b20"] and top.hidden == 20

    # no more categories than n: the data as it is
    assert charts.top(data, "branch", "points", "en", n=24).data is data


def test_the_data_page_lists_the_first_rejected_rows_and_the_report_holds_them_all(tmp_path, tmp_db, downloads):
    roster = write(tmp_path / "roster.csv", [["工号", "姓名", "机构", "条线", "状态"], ["E1", "甲", "网点01", "柜面", "在岗"]])
    assert store.import_file(roster, "employees").exit_code == 0
    bad = charts.TABLE_ROWS + 100
    data = write(tmp_path / "bad.csv", [["工号", "培训名称", "培训日期", "学时"],
                                        *[["E1", f"课程{k}", "2025-03-01", "abc"] for k in range(bad)]]).read_bytes()
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="data_files").set_value(("bad.csv", data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    listed = [frame.value for frame in at.dataframe if "reason" in frame.value.columns][0]
    assert list(listed["row"]) == list(range(2, charts.TABLE_ROWS + 2))  # spreadsheet rows: the header is row 1
    assert t("data.errors_first_rows", "zh", shown=f"{charts.TABLE_ROWS:,}", n=f"{bad:,}") in captions(at)
    report = openpyxl.load_workbook(io.BytesIO(downloads["错误报告-bad.xlsx"])).worksheets[0]
    assert report.max_row == bad + 1  # the error report: every rejected row
