"""The pandas baseline: each view's numbers computed the way a plain script would, reading the demo
spreadsheets and grouping in memory on every run (no database, no cache).

    python benchmarks/baseline.py VIEW DIR [--runs 2]

prints one JSON line: the seconds of each run (the first one is cold: a fresh process), the process's
peak memory and the headline numbers of the default period (本年, anchored on the date the data runs
to, no org, branch or line chosen), so they can be set beside the app's. benchmarks/run.py runs it.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROSTER, TRAINING, COMPETITION, GRADING, INNOVATION = (
    "职工花名册.xlsx", "培训记录.csv", "技能竞赛成绩.csv", "等级评定.csv", "创新成果.csv")
AWARD_POINTS = {"特等奖": 8, "一等奖": 5, "二等奖": 3, "三等奖": 2, "优秀奖": 1}
AWARD_WORDS = {"金": "一等奖", "银": "二等奖", "铜": "三等奖"}  # the medal words offices also write
TARGET_HOURS = 40.0
VIEWS = ("overview", "training", "competition", "innovation", "data")


# ------------------------------------------------------------------------------------------------
# Reading the files as they are: a title row, GBK, dates written 2024/3/5 or 2024年6月14日, a 合计 row.
# ------------------------------------------------------------------------------------------------

def roster(d: Path) -> pd.DataFrame:
    frame = pd.read_excel(d / ROSTER, sheet_name=0, header=2, dtype={"员工编号": str}, engine="openpyxl")
    frame = frame.rename(columns={"员工编号": "employee_id", "姓名": "name", "所属机构": "branch", "条线": "line",
                                  "人员状态": "status"})
    frame = frame[frame["employee_id"].notna()].drop_duplicates("employee_id", keep="last")
    frame["on_duty"] = frame["status"].fillna("在岗") == "在岗"
    return frame


def training(d: Path) -> pd.DataFrame:
    frame = pd.read_csv(d / TRAINING, encoding="gbk", skiprows=1, dtype={"工号": str})
    frame = frame[frame["工号"].notna() & (frame["工号"] != "合计")]
    frame = frame.rename(columns={"工号": "employee_id", "培训名称": "course", "培训学时": "hours", "培训类别": "category",
                                  "考核结果": "result", "培训费用（元）": "cost"})
    frame["date"] = pd.to_datetime(frame["培训日期"], format="%Y/%m/%d")
    return frame.drop_duplicates(["employee_id", "course", "date"])


def competition(d: Path) -> pd.DataFrame:
    frame = pd.read_csv(d / COMPETITION, encoding="utf-8-sig", dtype={"工号": str})
    frame = frame.rename(columns={"竞赛名称": "competition", "比赛项目": "event", "工号": "employee_id",
                                  "所属网点": "branch", "组别": "line", "成绩": "score", "获奖等级": "award"})
    frame["date"] = pd.to_datetime(frame["比赛日期"], format="%Y年%m月%d日")
    frame["award"] = frame["award"].replace(AWARD_WORDS)
    return frame


def grading(d: Path) -> pd.DataFrame:
    frame = pd.read_csv(d / GRADING, encoding="gbk", dtype={"员工编号": str})
    return frame.rename(columns={"评定年度": "year", "员工编号": "employee_id", "条线": "line", "评定等级": "grade"})


def innovation(d: Path) -> pd.DataFrame:
    frame = pd.read_csv(d / INNOVATION, encoding="utf-8")
    frame = frame.rename(columns={"所属工作室": "studio", "创新类别": "category", "当前状态": "status",
                                  "所属机构": "branch", "经费投入（万元）": "funding", "经济效益（万元）": "benefit",
                                  "获奖级别": "award", "专利数": "patents"})
    for column, name in (("立项日期", "start"), ("完成日期", "end"), ("转化日期", "converted")):
        frame[name] = pd.to_datetime(frame[column])
    return frame


def default_period(*dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """本年: 1 January of the year the data runs to, to the date it runs to."""
    as_of = max(s.max() for s in dates if s.notna().any())
    return pd.Timestamp(as_of.year, 1, 1), as_of


def previous(start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    length = end - start
    before_end = start - pd.Timedelta(days=1)
    return before_end - length, before_end


# ------------------------------------------------------------------------------------------------
# The views
# ------------------------------------------------------------------------------------------------

def training_kpis(staff: pd.DataFrame, records: pd.DataFrame, start, end) -> dict:
    period = records[records["date"].between(start, end)]
    on_duty = set(staff.loc[staff["on_duty"], "employee_id"])
    return {"hours": float(period["hours"].sum()), "person_times": int(len(period)),
            "sessions": int(period[["course", "date"]].drop_duplicates().shape[0]),
            "trained": int(period.loc[period["employee_id"].isin(on_duty), "employee_id"].nunique())}


def overview(d: Path) -> dict:
    staff, records, entries, projects = roster(d), training(d), competition(d), innovation(d)
    start, end = default_period(records["date"], entries["date"], projects["start"], projects["end"],
                                projects["converted"])
    records = records.drop(columns=[c for c in ("branch",) if c in records]).merge(
        staff[["employee_id", "branch", "line"]], on="employee_id", how="left")
    out = {"headcount": int(staff["on_duty"].sum())}
    for label, (a, b) in (("now", (start, end)), ("before", previous(start, end))):
        kpis = training_kpis(staff, records, a, b)
        period = entries[entries["date"].between(a, b)]
        kpis["participants"] = int(period["employee_id"].nunique())
        kpis["award_winners"] = int(period.loc[period["award"].isin(AWARD_POINTS), "employee_id"].nunique())
        started = projects[projects["start"] <= b]
        kpis["benefit"], kpis["funding"] = float(started["benefit"].sum()), float(started["funding"].sum())
        kpis["studios"] = int(started["studio"].nunique())
        out[label] = kpis
    # the branch scorecard: four measures per branch, their percentile ranks and the index
    on_duty = staff[staff["on_duty"]]
    period = records[records["date"].between(start, end)]
    card = on_duty.groupby("branch").size().rename("headcount").to_frame()
    card["hours"] = period.groupby("branch")["hours"].sum()
    trained = on_duty[on_duty["employee_id"].isin(period["employee_id"])]
    card["trained"] = trained.groupby("branch").size()
    medals = entries[entries["date"].between(start, end)]
    card["points"] = medals.assign(points=medals["award"].map(AWARD_POINTS).fillna(0)).groupby("branch")["points"].sum()
    done = projects[projects["status"].isin(["已完成", "已转化", "推广应用"])
                    & projects["end"].fillna(projects["converted"]).between(start, end)]
    card["results"] = done.groupby("branch").size()
    card = card.fillna(0)
    measures = pd.DataFrame({"hours_per_head": card["hours"] / card["headcount"],
                             "coverage": card["trained"] / card["headcount"],
                             "points_per_100": card["points"] * 100 / card["headcount"],
                             "results_per_100": card["results"] * 100 / card["headcount"]})
    ranks = measures.rank(method="min").sub(1).div(max(len(measures) - 1, 1))
    measures["talent_index"] = 100 * ranks.mean(axis=1)
    out["branches"] = int(len(measures))
    monthly = period.groupby(period["date"].dt.to_period("M")).agg(hours=("hours", "sum"), person_times=("hours", "size"))
    out["months"] = int(len(monthly))
    branch_month = period.groupby(["branch", period["date"].dt.to_period("M")])["hours"].sum()
    out["branch_months"] = int(len(branch_month))
    return out


def training_view(d: Path) -> dict:
    staff, records = roster(d), training(d)
    start, end = default_period(records["date"])
    records = records.merge(staff[["employee_id", "branch", "line"]], on="employee_id", how="left")
    on_duty = staff[staff["on_duty"]]
    out = {"headcount": int(len(on_duty))}
    for label, (a, b) in (("now", (start, end)), ("before", previous(start, end))):
        kpis = training_kpis(staff, records, a, b)
        period = records[records["date"].between(a, b)]
        kpis["political_share"] = float(period.loc[period["category"] == "思想政治", "hours"].sum() / period["hours"].sum())
        assessed = period["result"].notna()
        kpis["pass_rate"] = float((period.loc[assessed, "result"] == "合格").mean()) if assessed.any() else None
        kpis["cost_per_head"] = float(period["cost"].sum() / len(on_duty))
        out[label] = kpis
    period = records[records["date"].between(start, end)]
    month = period["date"].dt.to_period("M")
    out["month_category"] = int(len(period.groupby([month, "category"])["hours"].sum()))
    trained = on_duty["employee_id"].isin(period["employee_id"])
    branches = on_duty.assign(trained=trained).groupby("branch").agg(headcount=("employee_id", "size"),
                                                                     trained=("trained", "sum"))
    branches["hours_per_head"] = period.groupby("branch")["hours"].sum() / branches["headcount"]
    branches["coverage"] = branches["trained"] / branches["headcount"]
    out["branches"] = int(len(branches))
    out["branch_months"] = int(len(period.groupby(["branch", month])["hours"].sum()))
    lines = on_duty.assign(trained=trained).groupby("line").agg(headcount=("employee_id", "size"), trained=("trained", "sum"))
    lines["hours"] = period.groupby("line")["hours"].sum()
    out["lines"] = int(len(lines))
    # target attainment: per year and line, the share of staff on duty whose hours reached the target
    yearly = records.groupby([records["date"].dt.year.rename("year"), "employee_id"])["hours"].sum().reset_index()
    yearly = yearly.merge(on_duty[["employee_id", "line"]], on="employee_id")
    attained = yearly[yearly["hours"] >= TARGET_HOURS].groupby(["year", "line"]).size()
    out["attainment_rows"] = int(len(attained / on_duty.groupby("line").size()))
    courses = period.groupby("course").agg(hours=("hours", "sum"), person_times=("hours", "size"))
    out["top_courses"] = courses.nlargest(15, "hours").index.tolist()
    out["untrained"] = int((~trained).sum())
    return out


def competition_view(d: Path) -> dict:
    staff, entries, grades = roster(d), competition(d), grading(d)
    start, end = default_period(entries["date"])
    entries = entries.merge(staff[["employee_id", "line"]].rename(columns={"line": "roster_line"}), on="employee_id",
                            how="left")
    out = {}
    for label, (a, b) in (("now", (start, end)), ("before", previous(start, end))):
        period = entries[entries["date"].between(a, b)]
        out[label] = {"participants": int(period["employee_id"].nunique()), "entries": int(len(period)),
                      "award_winners": int(period.loc[period["award"].isin(AWARD_POINTS), "employee_id"].nunique())}
    period = entries[entries["date"].between(start, end)]
    line = period["roster_line"].fillna(period["line"])
    out["participation"] = int(len(period.groupby([line, period["date"].dt.year])["employee_id"].nunique()))
    out["score_by_event"] = int(len(period.groupby("event")["score"].describe()))
    # percentiles within each field (competition, date, event), fields of at least 5
    field = ["competition", "date", "event"]
    size = entries.groupby(field)["score"].transform("size")
    entries["percentile"] = (entries.groupby(field)["score"].rank(method="min").sub(1)
                             .div((size - 1).clip(lower=1)) * 100).where(size >= 5)
    latest = entries.loc[entries["percentile"].notna(), "date"].max()
    out["leaderboard"] = int((entries["date"] == latest).sum())
    medals = period.assign(points=period["award"].map(AWARD_POINTS).fillna(0))
    table = medals.pivot_table(index="branch", columns="award", values="points", aggfunc="size", fill_value=0)
    out["medal_branches"] = int(len(table))
    # improvement: a repeat contestant's percentile change from one competition of an event to the next
    ranked = entries[entries["percentile"].notna()].sort_values("date")
    ranked["change"] = ranked.groupby(["employee_id", "event"])["percentile"].diff()
    out["improvers"] = int(ranked["change"].notna().sum())
    # grading: the mix of grades per line in the latest year, and the moves from one year to the next
    latest_year = grades["year"].max()
    mix = grades[grades["year"] == latest_year].groupby(["line", "grade"]).size()
    out["grade_mix"] = int(len(mix / mix.groupby(level=0).transform("sum")))
    pairs = grades.sort_values("year").groupby("employee_id")["grade"].agg(["first", "last"])
    out["grade_flows"] = int(len(pairs.groupby(["first", "last"]).size()))
    return out


def innovation_view(d: Path) -> dict:
    projects = innovation(d)
    start, end = default_period(projects["start"], projects["end"], projects["converted"])
    started = projects[projects["start"] <= end]
    finished = started["end"].fillna(started["converted"])
    active = (started["status"] != "中止") & (started["status"].isin(["立项", "研究中"]) | (finished > end))
    studios = started.assign(active=active).groupby("studio").agg(
        projects=("status", "size"), active=("active", "sum"), benefit=("benefit", "sum"), funding=("funding", "sum"),
        patents=("patents", "sum"))
    out = {"projects": int(len(started)), "active": int(active.sum()), "studios": int(len(studios)),
           "benefit": float(started["benefit"].sum())}
    out["funnel"] = started.groupby("status").size().to_dict()
    out["categories"] = int(len(started.groupby("category").size()))
    days = pd.DataFrame({"research": (started["end"] - started["start"]).dt.days,
                         "conversion": (started["converted"] - started["end"]).dt.days})
    out["stage_days"] = days.median().to_dict()
    out["awards"] = int(len(started.groupby("award").size()))
    out["timeline"] = int(len(started[["studio", "start", "end"]]))
    return out


def data_view(d: Path) -> dict:
    """The data page shows what is loaded: rows per dataset and the dates they span."""
    frames = {"employees": roster(d), "training": training(d), "competition": competition(d), "grading": grading(d),
              "innovation": innovation(d)}
    dates = {"training": "date", "competition": "date", "innovation": "start"}
    return {name: {"rows": int(len(frame)),
                   **({"first": str(frame[dates[name]].min().date()), "last": str(frame[dates[name]].max().date())}
                      if name in dates else {})}
            for name, frame in frames.items()}


COMPUTE = {"overview": overview, "training": training_view, "competition": competition_view,
           "innovation": innovation_view, "data": data_view}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("view", choices=VIEWS)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--runs", type=int, default=2, help="runs in this process: the first is cold")
    args = parser.parse_args()
    seconds, numbers = [], None
    for _ in range(args.runs):
        started = time.perf_counter()
        numbers = COMPUTE[args.view](args.dir)
        seconds.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"view": args.view, "seconds": seconds, "peak_mb": peak_mb, "numbers": numbers},
                     default=str, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
