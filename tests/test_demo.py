"""The demo generator writes five believable office spreadsheets, reproducibly; read back with pandas."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest

from talentboard import demo

POLITICAL = {"思想政治", "党建", "理论学习"}
AWARD_POINTS = {"特等奖": 8, "一等奖": 5, "金": 5, "二等奖": 3, "银": 3, "三等奖": 2, "铜": 2, "优秀奖": 1}
FIRST, LAST = pd.Timestamp("2024-01-01"), pd.Timestamp("2026-10-31")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo1")
    demo.write_demo(out, scale=1, seed=2024)
    return out


@pytest.fixture(scope="module")
def roster(demo_dir):
    return pd.read_excel(demo_dir / demo.ROSTER_FILE, sheet_name="花名册", header=2, engine="openpyxl",
                         dtype={"员工编号": str})


@pytest.fixture(scope="module")
def training(demo_dir):
    t = pd.read_csv(demo_dir / demo.TRAINING_FILE, encoding="gbk", skiprows=1, dtype={"工号": str})
    return t.iloc[:-1].assign(date=lambda x: pd.to_datetime(x["培训日期"], format="%Y/%m/%d"))


@pytest.fixture(scope="module")
def competition(demo_dir):
    return pd.read_csv(demo_dir / demo.COMPETITION_FILE, encoding="utf-8-sig", dtype={"工号": str, "名次": "Int64"})


@pytest.fixture(scope="module")
def grading(demo_dir):
    return pd.read_csv(demo_dir / demo.GRADING_FILE, encoding="gbk", dtype={"员工编号": str})


@pytest.fixture(scope="module")
def innovation(demo_dir):
    return pd.read_csv(demo_dir / demo.INNOVATION_FILE, encoding="utf-8", dtype=str)


def sheet_values(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def active(roster):
    return roster[roster["人员状态"] == "在岗"]


# --- files, determinism, encodings ---------------------------------------------------------------

def test_writes_the_five_files(tmp_path):
    paths = demo.write_demo(tmp_path / "new" / "dir")
    assert [p.name for p in paths] == [demo.ROSTER_FILE, demo.TRAINING_FILE, demo.COMPETITION_FILE,
                                       demo.GRADING_FILE, demo.INNOVATION_FILE]
    assert all(p.parent == tmp_path / "new" / "dir" and p.stat().st_size > 0 for p in paths)


def test_same_seed_same_files(demo_dir, tmp_path):
    again = demo.write_demo(tmp_path, scale=1, seed=2024)
    for path in again:
        if path.suffix == ".csv":
            assert path.read_bytes() == (demo_dir / path.name).read_bytes(), path.name
    assert sheet_values(tmp_path / demo.ROSTER_FILE) == sheet_values(demo_dir / demo.ROSTER_FILE)
    assert (tmp_path / demo.ROSTER_FILE).read_bytes() == (demo_dir / demo.ROSTER_FILE).read_bytes()


def test_other_seed_other_data(demo_dir, tmp_path):
    demo.write_demo(tmp_path, scale=1, seed=7)
    assert (tmp_path / demo.TRAINING_FILE).read_bytes() != (demo_dir / demo.TRAINING_FILE).read_bytes()
    assert sheet_values(tmp_path / demo.ROSTER_FILE) != sheet_values(demo_dir / demo.ROSTER_FILE)


@pytest.mark.parametrize("name", [demo.TRAINING_FILE, demo.GRADING_FILE])
def test_gbk_files_are_gbk(demo_dir, name):
    raw = (demo_dir / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "工号" in raw.decode("gbk") or "员工编号" in raw.decode("gbk")


def test_competition_has_bom_and_innovation_has_none(demo_dir):
    assert (demo_dir / demo.COMPETITION_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    raw = (demo_dir / demo.INNOVATION_FILE).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").startswith("课题编号,课题名称,")


@pytest.mark.parametrize("name", [demo.TRAINING_FILE, demo.COMPETITION_FILE, demo.GRADING_FILE,
                                  demo.INNOVATION_FILE])
def test_csv_lines_end_in_crlf(demo_dir, name):
    raw = (demo_dir / name).read_bytes()
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n") > 10


# --- layouts as offices write them ---------------------------------------------------------------

def test_roster_layout(demo_dir):
    wb = openpyxl.load_workbook(demo_dir / demo.ROSTER_FILE)
    assert wb.sheetnames == ["花名册", "说明"]
    ws = wb["花名册"]
    assert ws["A1"].value == "青禾县农村信用合作联社职工花名册"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:K1"]
    assert ws["A2"].value == "制表日期：2026年10月31日"
    assert [c.value for c in ws[3]] == ["员工编号", "姓名", "所属机构", "条线", "岗位", "性别", "出生日期",
                                         "入职日期", "学历", "政治面貌", "人员状态"]
    assert ws["G4"].is_date and ws["H4"].is_date
    assert isinstance(ws["A4"].value, str) and re.fullmatch(r"QC\d{4}", ws["A4"].value)
    assert wb.properties.created == wb.properties.modified == demo.FILE_TIME
    assert wb["说明"].max_row >= 3


def test_roster_values(roster):
    assert roster["员工编号"].is_unique
    shares = roster["条线"].value_counts(normalize=True)
    assert 0.39 <= shares["柜面"] <= 0.51 and 0.24 <= shares["客户经理"] <= 0.36
    assert 0.19 <= shares["综合管理"] <= 0.31
    assert set(roster["学历"]) == {"高中", "大专", "本科", "硕士"}
    assert set(roster["政治面貌"]) == {"中共党员", "群众", "共青团员"}
    status = roster["人员状态"].value_counts(normalize=True)
    assert status["在岗"] > 0.9 and 0.01 <= status["离职"] <= 0.06 and 0.005 <= status["退休"] <= 0.04
    assert {"长期病假", "借调"} <= set(status.index)
    assert (roster["入职日期"] > roster["出生日期"] + pd.DateOffset(years=16)).all()
    assert not set(roster["姓名"]) & demo.FAMOUS_NAMES
    assert roster["所属机构"].str.contains("信用社").any() and roster["所属机构"].str.contains("支行").any()
    assert {"营业部", "财务会计部", "风险管理部"} <= set(roster["所属机构"])


def test_training_layout(demo_dir, training):
    lines = (demo_dir / demo.TRAINING_FILE).read_bytes().decode("gbk").split("\r\n")
    assert lines[0] == "2024—2026年度职工培训台账" + "," * 10
    assert lines[1] == "工号,姓名,培训名称,培训日期,培训学时,培训类别,培训形式,主办部门,考核成绩,考核结果,培训费用（元）"
    total = lines[-2].split(",")
    assert total[0] == "合计" and float(total[4]) == pytest.approx(training["培训学时"].sum())
    assert training["培训日期"].str.fullmatch(r"\d{4}/[1-9]\d?/[1-9]\d?").all()
    assert training["date"].between(FIRST, LAST).all()
    assert training["培训学时"].between(0.5, 24).all()
    assert training["培训学时"].between(1, 4).mean() > 0.6 and (training["培训学时"] >= 8).any()
    assert set(training["培训形式"]) == {"集中培训", "以会代训", "外出学习", "线上学习", "现场教学"}
    assert {"思想政治", "党建", "理论学习", "专业技能", "业务技能", "合规风控", "营销服务", "其他"} == set(
        training["培训类别"])


def test_training_sessions_and_scores(training):
    sizes = training.groupby(["培训名称", "培训日期"]).size()
    assert sizes.between(10, 80).all()
    assert not training.duplicated(["工号", "培训名称", "培训日期"]).any()
    scored = training["考核成绩"].notna()
    assert 0.5 <= scored.mean() <= 0.7
    assert training.loc[scored, "考核成绩"].between(60, 100).all()
    assert training.loc[scored, "考核结果"].isin(["合格", "不合格"]).all()
    assert training.loc[~scored, "考核结果"].isna().all()
    assert (training["考核结果"] == "不合格").any()
    assert 0 < training["培训费用（元）"].notna().mean() < 0.5 and (training["培训费用（元）"].dropna() > 0).all()


def test_training_hours_and_mix(roster, training):
    heads = active(roster)
    per_year = (training[training["工号"].isin(heads["员工编号"])]
                .groupby([training["date"].dt.year, "工号"])["培训学时"].sum().unstack(0)
                .reindex(heads["员工编号"]).fillna(0))
    for year in (2024, 2025):  # complete years
        assert 30 <= per_year[year].mean() <= 45
        assert 0.35 <= (per_year[year] >= 40).mean() <= 0.65
    political = training.loc[training["培训类别"].isin(POLITICAL), "培训学时"].sum() / training["培训学时"].sum()
    assert 0.2 <= political <= 0.3


def branch_coverage(roster, training):
    heads = active(roster)
    hours = training.groupby("工号")["培训学时"].sum()
    return heads.assign(trained=heads["员工编号"].isin(training["工号"]),
                        hours=heads["员工编号"].map(hours).fillna(0)).groupby("所属机构").agg(
        coverage=("trained", "mean"), hours_per_head=("hours", "mean"))


def assert_lagging_outlets_lag(roster, training) -> None:
    """The lagging outlets' coverage well under the median, their hours per head under half, and lowest."""
    by_branch = branch_coverage(roster, training)
    median = by_branch.median()
    lagging = [demo.FIRST_ORG_OUTLETS[i] for i in demo.LAGGING_OUTLETS]
    for branch in lagging:
        assert by_branch.at[branch, "coverage"] < median["coverage"] - 0.25
        assert by_branch.at[branch, "hours_per_head"] < median["hours_per_head"] / 2
    assert set(by_branch["coverage"].nsmallest(2).index) == set(lagging)


def test_lagging_branches_lag(roster, training):
    assert_lagging_outlets_lag(roster, training)


def test_competition_layout(competition):
    assert list(competition.columns) == ["竞赛名称", "比赛日期", "竞赛级别", "组别", "比赛项目", "工号", "姓名",
                                         "所属网点", "成绩", "名次", "获奖等级"]
    assert competition["比赛日期"].str.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日").all()
    dates = pd.to_datetime(competition["比赛日期"], format="%Y年%m月%d日")
    assert dates.between(FIRST, LAST).all() and set(dates.dt.year) == {2024, 2025, 2026}
    assert competition["成绩"].between(0, 100).all()
    assert set(competition["竞赛级别"]) == {"联社级", "市级", "省级"}
    assert (competition["竞赛级别"] == "联社级").mean() > 0.9
    assert set(competition["比赛项目"]) == {"点钞", "传票录入", "汉字录入", "反假货币", "业务知识", "营销演讲"}
    assert not competition.duplicated(["竞赛名称", "比赛项目", "工号"]).any()
    # Exactly one competition leaves some ranks blank and one writes 金/银/铜.
    blank = competition.loc[competition["名次"].isna(), "竞赛名称"].unique()
    assert len(blank) == 1 and competition.loc[competition["竞赛名称"] == blank[0], "名次"].notna().any()
    metals = competition.loc[competition["获奖等级"].isin(["金", "银", "铜"]), "竞赛名称"].unique()
    assert len(metals) == 1
    assert not competition.loc[competition["竞赛名称"] == metals[0], "获奖等级"].isin(["一等奖", "二等奖"]).any()


def test_county_ranks_follow_scores(competition):
    county = competition[competition["竞赛级别"] == "联社级"]
    derived = county.groupby(["竞赛名称", "比赛项目"])["成绩"].rank(method="min", ascending=False)
    written = county["名次"].notna()
    assert (county.loc[written, "名次"] == derived[written]).all()
    winners = county[derived == 1]
    assert winners["获奖等级"].isin(["特等奖", "一等奖", "金"]).all()
    assert (county.loc[derived > derived.groupby([county["竞赛名称"], county["比赛项目"]]).transform("max") * 0.6,
                       "获奖等级"] == "无").all()


def test_medal_branch_leads(competition):
    points = competition["获奖等级"].map(AWARD_POINTS).fillna(0).groupby(competition["所属网点"]).sum()
    ranked = points.sort_values(ascending=False)
    assert ranked.index[0] == demo.FIRST_ORG_OUTLETS[demo.MEDAL_OUTLET]
    assert ranked.iloc[0] > 1.2 * ranked.iloc[1]


def test_repeat_contestants_and_improvers(competition):
    county = competition[competition["竞赛级别"] == "联社级"].assign(year=lambda x: x["比赛日期"].str[:4])
    years = county.groupby("工号")["year"].nunique()
    assert (years >= 2).mean() > 0.4
    county = county.assign(pct=county.groupby(["竞赛名称", "比赛项目"])["成绩"].rank(pct=True))
    tellers = county[county["组别"] == "柜面"].groupby(["工号", "year"])["pct"].mean().unstack().dropna()
    climbing = tellers[(tellers["2025"] - tellers["2024"] > 0.1) & (tellers["2026"] - tellers["2025"] > 0.1)
                       & (tellers["2024"] < 0.4) & (tellers["2026"] > 0.55)]
    assert len(climbing) >= 8


def test_grading(roster, grading):
    assert list(grading.columns) == ["评定年度", "员工编号", "姓名", "条线", "评定等级", "评定得分"]
    assert set(grading["评定年度"]) == {2024, 2025, 2026}
    assert set(grading["评定等级"]) == {"一级", "二级", "三级", "四级", "五级"}
    assert grading["评定得分"].between(60, 100).all()
    assert not grading.duplicated(["评定年度", "员工编号"]).any()
    per_year = grading.groupby("评定年度").size()
    assert (per_year >= 0.85 * len(active(roster))).all()
    level = grading.assign(level=grading["评定等级"].map({g: i for i, g in enumerate(demo.GRADES)}))
    wide = level.pivot(index="员工编号", columns="评定年度", values="level")
    for before, after in ((2024, 2025), (2025, 2026)):
        pair = wide[[before, after]].dropna()
        change = pair[after] - pair[before]
        assert 0.10 <= (change > 0).mean() <= 0.20
        assert 0.01 <= (change < 0).mean() <= 0.07
        assert change.abs().max() == 1


def test_innovation(innovation):
    assert 50 <= len(innovation) <= 70
    assert innovation["课题编号"].is_unique
    assert 5 <= innovation["所属工作室"].nunique() <= 6
    assert innovation["所属工作室"].str.endswith("劳模创新工作室").all()
    assert (innovation["所属工作室"] == innovation["领衔人"] + "劳模创新工作室").all()
    assert set(innovation["当前状态"]) <= {"立项", "研究中", "已完成", "已转化", "推广应用", "中止"}
    assert set(innovation["创新类别"]) <= set(demo.STUDIO_CATEGORIES)
    for column in ("立项日期", "完成日期", "转化日期"):
        dates = pd.to_datetime(innovation[column], format="%Y-%m-%d")
        assert dates.dropna().between(FIRST, LAST).all()
    converted = innovation["当前状态"].isin(["已转化", "推广应用"])
    unfinished = innovation["当前状态"].isin(["立项", "研究中", "中止"])
    assert innovation.loc[converted, "转化日期"].notna().all() and innovation.loc[~converted, "转化日期"].isna().all()
    assert innovation.loc[unfinished, "完成日期"].isna().all()
    assert innovation.loc[innovation["当前状态"] == "已完成", "完成日期"].notna().all()
    assert (converted & innovation["完成日期"].isna()).any()  # skipped 已完成
    benefit, funding = innovation["经济效益（万元）"].astype(float), innovation["经费投入（万元）"].astype(float)
    assert (benefit[unfinished] == 0).all() and benefit.between(0, 320).all() and funding.between(0.5, 20).all()
    assert set(innovation["获奖级别"]) <= {"国家级", "省级", "市级", "县级", "无"}
    assert innovation["专利数"].astype(int).between(0, 2).all()
    assert (innovation["专利数"] == "0").mean() > 0.7
    sizes = innovation["参与人员"].str.split("、").map(len)
    assert sizes.between(3, 8).all()


def test_one_studio_converts_far_better(innovation):
    converted = innovation["当前状态"].isin(["已转化", "推广应用"])
    finished = converted | (innovation["当前状态"] == "已完成")
    studios = innovation.assign(converted=converted, finished=finished,
                                benefit=innovation["经济效益（万元）"].astype(float)).groupby("所属工作室").agg(
        converted=("converted", "sum"), finished=("finished", "sum"), benefit=("benefit", "sum"))
    rate = studios["converted"] / studios["finished"]
    best = rate.idxmax()
    assert studios["benefit"].idxmax() == best
    assert rate[best] >= 0.5 and rate.drop(best).max() < rate[best] - 0.25
    assert studios.at[best, "benefit"] > 3 * studios["benefit"].drop(best).max()


def test_every_id_is_in_the_roster(roster, training, competition, grading, innovation):
    ids = set(roster["员工编号"])
    assert set(training["工号"]) <= ids
    assert set(competition["工号"]) <= ids
    assert set(grading["员工编号"]) <= ids
    assert set(innovation["参与人员"].str.split("、").explode()) <= ids
    names = roster.set_index("员工编号")["姓名"]
    assert (training["姓名"] == training["工号"].map(names)).all()
    assert (competition["姓名"] == competition["工号"].map(names)).all()


def test_nobody_trains_outside_employment(roster, training):
    dates = roster.set_index("员工编号")["入职日期"]
    assert (training["date"] >= training["工号"].map(dates)).all()


# --- size -------------------------------------------------------------------------------------------

def test_scale_one_counts(roster, training, competition):
    assert 550 <= len(roster) <= 650
    assert 13 <= roster["所属机构"].nunique() <= 17
    assert 15_000 <= len(training) <= 40_000
    assert 800 <= len(competition) <= 2_500


def test_scale_two_doubles(roster, tmp_path):
    demo.write_demo(tmp_path, scale=2, seed=2024)
    big = pd.read_excel(tmp_path / demo.ROSTER_FILE, sheet_name="花名册", header=2, engine="openpyxl",
                        dtype={"员工编号": str})
    assert 1.8 <= len(big) / len(roster) <= 2.2
    assert "法人机构" in big.columns and big["法人机构"].nunique() == 2
    assert big["法人机构"].str.endswith("农商银行").all()
    assert big.groupby("所属机构")["法人机构"].nunique().max() == 1  # branch names unique across orgs
    assert 26 <= big["所属机构"].nunique() <= 34
    training = pd.read_csv(tmp_path / demo.TRAINING_FILE, encoding="gbk", skiprows=1, dtype={"工号": str}).iloc[:-1]
    assert set(training["工号"]) <= set(big["员工编号"])
    innovation = pd.read_csv(tmp_path / demo.INNOVATION_FILE, dtype=str)
    assert innovation["课题编号"].is_unique


def test_shipped_demo_is_scale_one_of_the_generator(tmp_path):
    # data/demo is what `python -m talentboard demo` writes with the defaults, byte for byte
    shipped = Path(__file__).resolve().parent.parent / "data" / "demo"
    written = demo.write_demo(tmp_path, scale=1, seed=2024)
    assert sorted(p.name for p in shipped.iterdir()) == sorted(p.name for p in written)
    for path in written:
        assert (shipped / path.name).read_bytes() == path.read_bytes(), path.name


# --- streamed training rows (demo --training-rows) ---------------------------------------------------

STREAMED_ROWS = 30_000


@pytest.fixture(scope="module")
def streamed_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("streamed")
    demo.write_demo(out, scale=1, seed=2024, training_rows=STREAMED_ROWS)
    return out


@pytest.fixture(scope="module")
def streamed(streamed_dir):
    t = pd.read_csv(streamed_dir / demo.TRAINING_FILE, encoding="gbk", skiprows=1, dtype={"工号": str})
    return t.iloc[:-1].assign(date=lambda x: pd.to_datetime(x["培训日期"], format="%Y/%m/%d"))


def test_streamed_training_has_the_rows_asked_for_in_the_usual_layout(streamed_dir, demo_dir, streamed):
    raw = (streamed_dir / demo.TRAINING_FILE).read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF throughout
    assert len(lines) - 1 == 1 + 1 + STREAMED_ROWS + 1  # title, header, the rows, 合计
    usual = (demo_dir / demo.TRAINING_FILE).read_bytes().split(b"\r\n")
    assert lines[:2] == usual[:2]  # the same GBK title row and header as the default file
    total = lines[-2].decode("gbk").split(",")
    assert total[0] == "合计" and float(total[4]) == streamed["培训学时"].sum()
    assert len(streamed) == STREAMED_ROWS and streamed["工号"].notna().all()


def test_streamed_training_leaves_the_other_files_as_scale_one(streamed_dir, demo_dir):
    for name in (demo.ROSTER_FILE, demo.COMPETITION_FILE, demo.GRADING_FILE, demo.INNOVATION_FILE):
        assert (streamed_dir / name).read_bytes() == (demo_dir / name).read_bytes(), name


def test_streamed_training_is_deterministic(tmp_path, streamed_dir):
    def digest(folder, **kwargs):
        demo.write_demo(folder, **kwargs)
        return hashlib.sha256((folder / demo.TRAINING_FILE).read_bytes()).hexdigest()

    first = digest(tmp_path / "a", scale=1, seed=7, training_rows=2_000)
    assert digest(tmp_path / "b", scale=1, seed=7, training_rows=2_000) == first
    assert digest(tmp_path / "c", scale=1, seed=8, training_rows=2_000) != first
    assert digest(tmp_path / "d", scale=1, seed=7, training_rows=2_001) != first
    assert hashlib.sha256((streamed_dir / demo.TRAINING_FILE).read_bytes()).hexdigest() == digest(
        tmp_path / "e", scale=1, seed=2024, training_rows=STREAMED_ROWS)


def test_streamed_training_rows_are_believable(roster, streamed):
    assert set(streamed["工号"]) <= set(roster["员工编号"])
    assert not streamed.duplicated(["工号", "培训名称", "培训日期"]).any()
    days = streamed["date"].to_numpy().astype("datetime64[D]")
    assert streamed["date"].between(FIRST, LAST).all()
    assert np.is_busday(days, holidays=demo.HOLIDAYS).all()
    assert streamed.sort_values(["date", "培训名称", "工号"]).index.equals(streamed.index)
    hired = roster.set_index("员工编号")["入职日期"]
    assert (streamed["date"] >= streamed["工号"].map(hired)).all()
    # Sessions of 10 to 80 (the file's very last may be cut to make the count exact).
    sizes = streamed.groupby(["培训名称", "培训日期", "主办部门"], sort=False).size()
    assert sizes.iloc[:-1].between(10, 80).all() and 30 <= sizes.mean() <= 60
    scored = streamed["考核成绩"].notna()
    assert 0.5 <= scored.mean() <= 0.75 and streamed.loc[scored, "考核成绩"].between(60, 100).all()
    assert ((streamed.loc[scored, "考核成绩"] >= 70) == (streamed.loc[scored, "考核结果"] == "合格")).all()
    assert streamed.loc[~scored, "考核结果"].isna().all()
    political = streamed.loc[streamed["培训类别"].isin(POLITICAL), "培训学时"].sum() / streamed["培训学时"].sum()
    assert 0.2 <= political <= 0.3
    by_month = streamed.groupby(streamed["date"].dt.month).size()
    assert by_month[2] < by_month[3] / 2  # Spring Festival month against March (MONTH_WEIGHTS 0.5, 1.3)


def test_streamed_training_keeps_the_lagging_outlets(roster, streamed):
    assert_lagging_outlets_lag(roster, streamed)


def test_streamed_training_imports_cleanly(tmp_path, tmp_db):
    from talentboard import store
    demo.write_demo(tmp_path, scale=1, seed=11, training_rows=5_000)
    written = pd.read_csv(tmp_path / demo.TRAINING_FILE, encoding="gbk", skiprows=1, dtype={"工号": str}).iloc[:-1]
    roster = store.import_file(tmp_path / demo.ROSTER_FILE, "employees", db=tmp_db)
    assert roster.rejection is None and roster.rows_rejected == 0
    result = store.import_file(tmp_path / demo.TRAINING_FILE, "training", db=tmp_db)
    assert result.rejection is None
    assert (result.rows_read, result.rows_loaded, result.rows_duplicate, result.rows_rejected) == (5_000, 5_000, 0, 0)
    con = duckdb.connect(str(tmp_db), read_only=True)
    try:
        count, hours, people = con.execute(
            "select count(*), sum(hours), count(distinct employee_id) from training").fetchone()
    finally:
        con.close()
    assert (count, hours, people) == (5_000, written["培训学时"].sum(), written["工号"].nunique())


@pytest.mark.parametrize("lang, scale, rows, words", [
    ("en", 1, 0, "--training-rows must lie between 1 and 300000 at scale 1"),
    ("en", 2, 600_001, "--training-rows must lie between 1 and 600000 at scale 2"),
    ("zh", 1, 300_001, "--training-rows 须在 1 到 300000 之间"),
])
def test_command_line_refuses_a_training_row_count_out_of_range(tmp_path, capsys, lang, scale, rows, words):
    from talentboard.cli import EXIT_USAGE, main
    out = tmp_path / "out"
    code = main(["--lang", lang, "demo", "--scale", str(scale), "--training-rows", str(rows), "--out", str(out)])
    assert code == EXIT_USAGE and words in capsys.readouterr().err
    assert not out.exists()


def test_command_line_names_a_streamed_demo_folder_of_its_own(tmp_path, monkeypatch, capsys):
    from talentboard import cli, store
    monkeypatch.setattr(store, "DEMO_DIR", tmp_path / "data" / "demo")
    assert cli.main(["demo", "--training-rows", "1000"]) == cli.EXIT_OK
    out = tmp_path / "data" / "demo-s1-seed2024-rows1000"
    assert not (tmp_path / "data" / "demo").exists()  # the shipped demo's folder is never the default
    assert len((out / demo.TRAINING_FILE).read_bytes().split(b"\r\n")) - 1 == 1003
