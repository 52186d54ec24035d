"""The command line through a real subprocess: exit codes, --json shapes, history, rollback, export."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
IMPORT_KEYS = {"batch_id", "dataset", "rows_read", "rows_loaded", "rows_duplicate", "rows_rejected", "errors", "warnings"}


def cli(db: Path, *args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TALENTBOARD_DB": str(db)}
    env.pop("TALENTBOARD_LANG", None)
    extra = ["--lang", lang] if lang else []
    return subprocess.run([sys.executable, "-m", "talentboard", *extra, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def gbk_training_file(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["2024年职工培训台账", "", "", "", ""])
    writer.writerow(["工号", "姓名", "培训名称", "培训日期", "培训学时"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


GOOD = [["E1", "张三", "反洗钱", "2024/3/5", "3"], ["E2", "李四", "党史", "2024年3月6日", "2"]]


def test_import_gbk_with_title_row_json(tmp_path):
    db = tmp_path / "t.duckdb"
    run = cli(db, "import", "training", str(gbk_training_file(tmp_path / "t.csv", GOOD)), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert set(report) == IMPORT_KEYS
    assert (report["dataset"], report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == ("training", 2, 2, 0)
    assert isinstance(report["batch_id"], int) and report["errors"] == []
    again = json.loads(cli(db, "import", "training", str(tmp_path / "t.csv"), "--json").stdout)
    assert (again["rows_loaded"], again["rows_duplicate"]) == (0, 2)


def test_import_partial_exit_3_with_row_errors(tmp_path):
    db = tmp_path / "t.duckdb"
    path = gbk_training_file(tmp_path / "t.csv", GOOD + [["E3", "王五", "柜面", "2024-13-01", "2"]])
    run = cli(db, "import", "training", str(path), "--json", lang="en")
    assert run.returncode == 3
    report = json.loads(run.stdout)
    assert report["rows_loaded"] == 2 and report["rows_rejected"] == 1
    assert report["errors"] == [{"row": 5, "column": "start_date", "value": "2024-13-01",
                                 "message": "not a recognisable date"}]
    strict = cli(db, "import", "training", str(path), "--strict", "--json")
    assert strict.returncode == 1 and json.loads(strict.stdout)["batch_id"] is None


def test_import_rejections_exit_1_and_leave_nothing(tmp_path):
    db = tmp_path / "t.duckdb"
    missing = cli(db, "import", "training", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    no_hours = tmp_path / "h.csv"
    no_hours.write_text("工号,培训名称,培训日期\nE1,课,2024-01-01\n", encoding="utf-8")
    run = cli(db, "import", "training", str(no_hours), "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["batch_id"] is None and "学时（hours）" in report["errors"][0]["message"]
    assert "Traceback" not in run.stderr + run.stdout
    history = json.loads(cli(db, "history", "--json").stdout)
    assert history == []


def test_bad_usage_exit_2(tmp_path):
    db = tmp_path / "t.duckdb"
    path = gbk_training_file(tmp_path / "t.csv", GOOD)
    unknown = cli(db, "import", "trainings", str(path))
    assert unknown.returncode == 2 and "employees, training" in unknown.stderr
    assert cli(db, "import", "training").returncode == 2
    bad_map = cli(db, "import", "grading", str(path), "--map", "学时=nonsense")
    assert bad_map.returncode == 2 and "grade" in bad_map.stderr and "course" not in bad_map.stderr
    assert cli(db, "rollback", "abc").returncode == 2
    assert cli(db, "frobnicate").returncode == 2


def test_dry_run_and_map(tmp_path):
    db = tmp_path / "t.duckdb"
    path = tmp_path / "m.csv"
    path.write_text("人员代码,培训名称,培训日期,学时\nE1,课,2024-01-01,2\n", encoding="utf-8")
    dry = cli(db, "import", "training", str(path), "--map", "人员代码=employee_id", "--dry-run", "--json")
    assert dry.returncode == 0 and json.loads(dry.stdout)["rows_loaded"] == 1
    assert json.loads(cli(db, "history", "--json").stdout) == []
    real = cli(db, "import", "training", str(path), "--map", "人员代码=employee_id")
    assert real.returncode == 0 and "导入 1 行" in real.stdout


def test_map_by_column_number_and_leaving_a_column_out(tmp_path):
    db = tmp_path / "t.duckdb"
    path = tmp_path / "n.csv"
    path.write_text("工号,,培训日期,学时,成绩\nE1,课,2024-01-01,2,abc\n", encoding="utf-8")
    assert cli(db, "import", "training", str(path)).returncode == 1  # no course column, a bad score
    run = cli(db, "import", "training", str(path), "--map", "#2=course", "成绩=", "--json")
    assert run.returncode == 0, run.stdout
    assert (json.loads(run.stdout)["rows_loaded"], json.loads(run.stdout)["errors"]) == (1, [])


def test_history_rollback_and_replace(tmp_path):
    db = tmp_path / "t.duckdb"
    first = json.loads(cli(db, "import", "training", str(gbk_training_file(tmp_path / "a.csv", GOOD)), "--json").stdout)
    second = json.loads(cli(db, "import", "training", str(gbk_training_file(tmp_path / "b.csv", GOOD[:1])),
                            "--replace", "--json").stdout)
    history = json.loads(cli(db, "history", "--json").stdout)
    assert [set(b) for b in history] == [{"batch_id", "dataset", "file", "mode", "rows_loaded", "imported_at", "status"}] * 2
    assert [(b["batch_id"], b["mode"], b["status"]) for b in history] == [
        (second["batch_id"], "replace", "active"), (first["batch_id"], "append", "replaced")]
    back = cli(db, "rollback", str(second["batch_id"]))
    assert back.returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from training").fetchall() == [(2,)]
    con.close()
    assert cli(db, "rollback", str(second["batch_id"])).returncode == 1
    assert cli(db, "rollback", "999").returncode == 1
    assert "append" in cli(db, "history", lang="en").stdout


def test_export_is_formula_safe_with_bom_and_parquet(tmp_path):
    db = tmp_path / "t.duckdb"
    path = gbk_training_file(tmp_path / "t.csv", [["E1", "=HYPERLINK(\"x\")", "+课程", "2024-01-01", "2"],
                                                  ["E2", "@李四", "-减压", "2024-01-02", "3"]])
    assert cli(db, "import", "training", str(path)).returncode == 0
    out = tmp_path / "it's export"  # a quote in the path must not break anything
    run = cli(db, "export", str(out))
    assert run.returncode == 0
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted(
        f"{d}.{ext}" for d in ("employees", "training", "competition", "grading", "innovation") for ext in ("csv", "parquet"))
    assert [p.name for p in out.iterdir() if p.is_dir()] == ["backup"]  # the full copy restore reads
    raw = (out / "training.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["name"], r["course"]) for r in rows] == [("'=HYPERLINK(\"x\")", "'+课程"), ("'@李四", "'-减压")]
    assert [r["hours"] for r in rows] == ["2.0", "3.0"]
    con = duckdb.connect()
    parquet = con.execute("select count(*), sum(hours) from read_parquet($p)", {"p": str(out / "training.parquet")})
    assert parquet.fetchall() == [(2, 5.0)]


def test_demo_writes_files_and_loads(tmp_path):
    db = tmp_path / "t.duckdb"
    out = tmp_path / "demo"
    run = cli(db, "demo", "--out", str(out), "--load")
    assert run.returncode == 0, run.stderr
    names = {p.name for p in out.iterdir()}
    assert {"职工花名册.xlsx", "培训记录.csv", "技能竞赛成绩.csv", "等级评定.csv", "创新成果.csv"} <= names
    history = json.loads(cli(db, "history", "--json").stdout)
    assert sorted(b["dataset"] for b in history) == sorted(["employees", "training", "competition", "grading", "innovation"])
    assert all(b["rows_loaded"] > 0 for b in history)


def test_clear_demo_flag_clears_the_demo_with_the_import(tmp_path, demo_db):
    path = gbk_training_file(tmp_path / "real.csv", GOOD)
    run = cli(demo_db, "import", "training", str(path), "--clear-demo")
    assert run.returncode == 0, run.stderr
    assert "导入前已清除示例数据（5 批）" in run.stdout
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("select count(*) from batches where origin = 'demo' and status = 'active'").fetchall() == [(0,)]
    assert con.execute("select employee_id, course from training order by 1").fetchall() == [("E1", "反洗钱"),
                                                                                            ("E2", "党史")]
    con.close()


def test_the_command_line_keeps_its_flag_hints(tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    book.active.title = "说明"
    sheet = book.create_sheet("培训")
    for row in [["工号", "培训名称", "培训日期", "学时"], ["E1", "课", "2024-01-01", 2]]:
        sheet.append(row)
    path = tmp_path / "two.xlsx"
    book.save(path)
    run = cli(tmp_path / "t.duckdb", "import", "training", str(path), "--sheet", "培训")
    assert run.returncode == 0, run.stderr
    assert "可选择其他工作表" in run.stdout and "--sheet" in run.stdout  # the hint the data page leaves out


def test_map_keeps_every_flag_repeated_or_listed(tmp_path):
    db = tmp_path / "t.duckdb"
    path = tmp_path / "m.csv"
    path.write_text("甲,乙,培训日期,学时\nE1,反洗钱,2024-01-01,2\nE2,党史,2024-01-02,3\n", encoding="utf-8")
    one = json.loads(cli(db, "import", "training", str(path), "--map", "甲=employee_id", "--dry-run", "--json").stdout)
    assert one["rows_loaded"] == 0 and one["errors"][0]["row"] is None  # 乙 unmapped: no course column
    for args in (["--map", "甲=employee_id", "--map", "乙=course"], ["--map", "甲=employee_id", "乙=course"]):
        run = cli(db, "import", "training", str(path), *args, "--dry-run", "--json")
        assert run.returncode == 0, run.stdout
        assert (json.loads(run.stdout)["rows_loaded"], json.loads(run.stdout)["errors"]) == (2, [])


def test_history_into_a_closed_pipe_ends_quietly(tmp_path):
    """`history | head -1`: the reader leaves after one line; no BrokenPipeError traceback, exit 141."""
    from talentboard import store
    db = tmp_path / "t.duckdb"
    with store.connect(db) as con:  # 3000 batches: far more output than a pipe buffer holds
        con.execute("insert into batches (batch_id, dataset, file, mode, rows_loaded, imported_at, status) "
                    "select range, 'training', 'file-' || range || '.csv', 'append', 1, "
                    "timestamp '2024-01-01 08:00', 'active' from range(1, 3001)")
    env = {**os.environ, "TALENTBOARD_DB": str(db)}
    for extra in ([], ["--json"]):
        writer = subprocess.Popen([sys.executable, "-m", "talentboard", "history", *extra], cwd=REPO_ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        head = subprocess.run(["head", "-1"], stdin=writer.stdout, capture_output=True, timeout=60)
        writer.stdout.close()  # only head reads it now: when head exits, the pipe has no reader
        stderr = writer.stderr.read().decode()
        assert writer.wait(timeout=60) == 141, stderr
        assert stderr == ""
        first = head.stdout.decode()
        assert first.startswith("[" if extra else " 3000  2024-01-01 08:00")
