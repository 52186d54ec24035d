"""benchmarks/run.py on the shipped demo: the queries and baseline parts write their tables, and the pandas
baseline's numbers are the app's, checked against numbers worked out here from the spreadsheets with the
csv module and openpyxl. No timing is asserted: the figures are the benchmark's to print."""
from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys

import openpyxl
import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.slow  # about 40 s: the demo imported, five pages run, five baseline processes

DEMO = REPO_ROOT / "data" / "demo"


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def block(text: str, key: str, part: str) -> str:
    return text.split(f"<!-- bench:{key}:{part} -->", 1)[1].split(f"<!-- /bench:{key}:{part} -->", 1)[0]


def by_hand() -> dict:
    """The default period (本年 up to the newest training, competition or innovation date), and in it the
    training hours, person-times and distinct on-duty staff trained, read straight from the files."""
    with open(DEMO / "培训记录.csv", encoding="gbk", newline="") as f:
        rows = list(csv.reader(f))[2:]  # a title row, then the header
    training = [(r[0], dt.datetime.strptime(r[3], "%Y/%m/%d").date(), float(r[4])) for r in rows if r[0] != "合计"]
    with open(DEMO / "技能竞赛成绩.csv", encoding="utf-8-sig", newline="") as f:
        contests = [dt.datetime.strptime(r["比赛日期"], "%Y年%m月%d日").date() for r in csv.DictReader(f)]
    with open(DEMO / "创新成果.csv", encoding="utf-8", newline="") as f:
        projects = [dt.date.fromisoformat(r[c]) for r in csv.DictReader(f) for c in ("立项日期", "完成日期", "转化日期") if r[c]]
    as_of = max([d for _, d, _ in training] + contests + projects)
    start = dt.date(as_of.year, 1, 1)
    sheet = openpyxl.load_workbook(DEMO / "职工花名册.xlsx", read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[2])
    ids, status = header.index("员工编号"), header.index("人员状态")
    on_duty = {str(r[ids]) for r in values[3:] if r[ids] and (r[status] or "在岗") == "在岗"}
    in_period = [(e, h) for e, d, h in training if start <= d <= as_of]
    return {"period": (start, as_of), "hours": sum(h for _, h in in_period), "person_times": len(in_period),
            "trained": len({e for e, _ in in_period if e in on_duty}), "headcount": len(on_duty)}


def test_queries_and_baseline_parts_write_their_tables_and_the_baseline_agrees_with_the_app(tmp_path):
    out = tmp_path / "PERFORMANCE.md"
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--data", str(DEMO), "--label", "demo-test",
         "--runs", "1", "--only", "queries,baseline", "--out", str(out), "--work", str(tmp_path / "work")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance") and "python benchmarks/run.py --scale 100" in text
    assert "<!-- bench:demo-test -->" in text and "\n## demo-test\n" in text
    # the store was missing, so the import ran first and wrote its block: the rows loaded name every dataset
    assert "26,509 training" in text and "586 employees" in text

    # a row per named query, each with a time
    queries = block(text, "demo-test", "queries")
    rows = {cells(line)[0]: cells(line) for line in queries.splitlines() if line.startswith("| ") and "---" not in line}
    names = {p.stem for p in (REPO_ROOT / "queries").glob("*.sql")} - {"macros"}
    assert names <= set(rows), names - set(rows)
    for name in names:
        assert re.fullmatch(r"\d+\.\d+", rows[name][1]), rows[name]
        assert float(rows[name][1]) > 0
    assert float(rows["headcount"][3].replace(",", "")) == 1  # one row: its number of rows is shown

    # the baseline's numbers and the app's, each equal to the numbers worked out here
    expected = by_hand()
    baseline = block(text, "demo-test", "baseline")
    start, end = expected["period"]
    assert f"at the default filters ({start} to {end})" in baseline
    agree = {cells(line)[0]: cells(line) for line in baseline.splitlines() if line.startswith("| ")}
    for label, key in (("training hours, default period", "hours"), ("person-times, default period", "person_times"),
                       ("trained staff (distinct, on duty), default period", "trained"),
                       ("headcount (on duty)", "headcount")):
        _, by_baseline, by_app, equal = agree[label]
        assert float(by_baseline.replace(",", "")) == pytest.approx(expected[key]), label
        assert float(by_app.replace(",", "")) == pytest.approx(expected[key]), label
        assert equal == "yes"
    # every view has a baseline row with a cold and a warm time
    for view in ("overview", "training", "competition", "innovation", "data"):
        row = agree[view]
        assert all(re.fullmatch(r"[\d,]+(\.\d+)?", c) for c in row[1:4]), row
