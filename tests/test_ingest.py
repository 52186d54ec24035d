"""The import pipeline over files the tests write: encodings, layouts, value forms, batches and errors."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlwt

from talentboard import store

HEADER = ["工号", "姓名", "培训名称", "培训日期", "学时"]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    """A CSV as Excel saves it: quoted where needed, CRLF line ends, in the given encoding."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([["" if v is None else v for v in r] for r in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def table(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    store.release_readers()  # the app's shared reading connection lets go first
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Everything a user could see: batches and every dataset's current rows."""
    names = ("batches", "employees", "training", "competition", "grading", "innovation")
    return {n: sorted(map(repr, table(db, f"select * from {n}"))) for n in names}


TRAINING_ROWS = [["E001", "张三", "反洗钱培训", "2024-03-05", "3"],
                 ["E002", "李四", "党史学习", "2024-03-06", "2.5"],
                 ["E003", "王五", "柜面技能", "2024-03-07", "4"]]


# ---------------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_each_encoding_reads_the_same_rows(tmp_path, tmp_db, encoding):
    path = write_csv(tmp_path / "t.csv", [HEADER] + TRAINING_ROWS, encoding)
    result = store.import_file(path, "training")
    assert result.rejection is None, result.rejection and result.rejection.text()
    assert result.rows_loaded == 3
    detected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030", "gb18030": "gb18030",
                "utf-16": "utf-16", "utf-16-le": "utf-16-le"}  # GBK reads as its superset GB18030
    assert result.layout.encoding == detected[encoding]
    names = [r[0] for r in table(tmp_db, "select name from training order by employee_id")]
    assert names == [r[1] for r in TRAINING_ROWS]


def test_gbk_file_with_title_rows_and_total_row(tmp_path, tmp_db):
    rows = [["某某农村信用合作联社2024年职工培训台账", "", "", "", ""], ["制表：工会办公室", "", "", "", ""],
            HEADER, *TRAINING_ROWS, ["合计", "", "", "", "9.5"]]
    path = write_csv(tmp_path / "培训.csv", rows, "gbk")
    result = store.import_file(path, "training")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 3, 0)
    assert result.layout.header_row == 3
    assert any("合计" in w.text() and "第 7 行" in w.text() for w in result.warnings)
    total = table(tmp_db, "select sum(hours) from training")[0][0]
    assert total == sum(float(r[4]) for r in TRAINING_ROWS)


def test_not_a_spreadsheet_and_empty_file_are_rejected(tmp_path, tmp_db):
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path, phrase in ((binary, "不是可识别的表格文件"), (empty, "空")):
        result = store.import_file(path, "training")
        assert result.exit_code == 1 and phrase in result.rejection.text()
    assert table(tmp_db, "select count(*) from batches") == [(0,)]


def test_file_with_no_recognisable_header_names_needed_and_found_columns(tmp_path, tmp_db):
    path = write_csv(tmp_path / "x.csv", [["甲", "乙"], ["1", "2"]])
    result = store.import_file(path, "training")
    text = result.rejection.text()
    assert "工号（employee_id）" in text and "学时（hours）" in text and "甲" in text
    english = result.rejection.text("en")
    assert "“Training records” needs at least these columns: Employee ID (employee_id), Course (course)" in english
    # no Chinese but the file's own cells (甲, 乙): the labels are worded when shown, not when the file was read
    assert "、" not in english and english.endswith("the first rows of the file hold: 甲, 乙, 1, 2")


# ---------------------------------------------------------------------------------------------
# Values: dates, numbers, booleans, enums
# ---------------------------------------------------------------------------------------------

DATE_FORMS = {"2024-03-05": dt.date(2024, 3, 5), "2024/3/5": dt.date(2024, 3, 5), "2024.3.5": dt.date(2024, 3, 5),
              "2024年3月5日": dt.date(2024, 3, 5), "20240305": dt.date(2024, 3, 5),
              str((dt.date(2024, 3, 5) - dt.date(1899, 12, 30)).days): dt.date(2024, 3, 5),
              "２０２４－０３－０５": dt.date(2024, 3, 5), "2024-03-05 09:30:00": dt.date(2024, 3, 5)}


def test_every_date_form(tmp_path, tmp_db):
    rows = [[f"E{i}", "某", f"课程{i}", form, "1"] for i, form in enumerate(DATE_FORMS)]
    result = store.import_file(write_csv(tmp_path / "d.csv", [HEADER] + rows), "training")
    assert result.rows_rejected == 0, [e.as_dict() for e in result.errors]
    got = dict(table(tmp_db, "select course, start_date from training"))
    assert got == {f"课程{i}": want for i, want in enumerate(DATE_FORMS.values())}


def test_bare_year_means_first_of_july_for_competitions(tmp_path, tmp_db):
    rows = [["竞赛名称", "日期", "项目", "工号", "成绩"], ["柜面技能大赛", "2025", "点钞", "E1", "91"],
            ["柜面技能大赛", "2025年", "点钞", "E2", "88"]]
    assert store.import_file(write_csv(tmp_path / "c.csv", rows), "competition").rows_loaded == 2
    assert table(tmp_db, "select date from competition") == [(dt.date(2025, 7, 1),)] * 2


def test_every_number_form(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "考核成绩", "培训费用"],
            ["E1", "甲", "2024-01-02", "１２", "85%", "1,234.5"],
            ["E2", "乙", "2024-01-02", "2.5", "９０", "0.5万"]]
    store.import_file(write_csv(tmp_path / "n.csv", rows), "training")
    got = table(tmp_db, "select employee_id, hours, score, cost from training order by employee_id")
    assert got == [("E1", 12.0, 85.0, 1234.5), ("E2", 2.5, 90.0, 5000.0)]


def test_wan_yuan_columns_read_wan_and_yuan_and_header_units(tmp_path, tmp_db):
    rows = [["课题名称", "工作室", "状态", "立项日期", "经费", "经济效益（元）"],
            ["甲", "王劳模创新工作室", "已完成", "2024-01-01", "12万", "150000"],
            ["乙", "王劳模创新工作室", "已完成", "2024-01-01", "80000元", "2万"],
            ["丙", "王劳模创新工作室", "已完成", "2024-01-01", "3.5", "2万元"]]
    result = store.import_file(write_csv(tmp_path / "i.csv", rows), "innovation")
    assert result.rows_rejected == 0, [e.as_dict() for e in result.errors]
    got = dict((t, (f, b)) for t, f, b in table(tmp_db, "select title, funding, benefit from innovation"))
    # 经费 is kept in 万元; a header in 元 is converted (150000 元 = 15 万元); 2万 is 2 万元 whatever the header says
    assert got == {"甲": (12.0, 15.0), "乙": (8.0, 2.0), "丙": (3.5, 2.0)}
    assert any("经济效益" in w.text() and "元" in w.text() for w in result.warnings)


@pytest.mark.parametrize("true_word,false_word", [("是", "否"), ("Y", "N"), ("√", "×"), ("合格", "不合格"), ("yes", "no")])
def test_boolean_forms(tmp_path, tmp_db, true_word, false_word):
    rows = [["工号", "培训名称", "培训日期", "学时", "是否合格"], ["E1", "甲", "2024-01-02", "1", true_word],
            ["E2", "甲", "2024-01-02", "1", false_word]]
    store.import_file(write_csv(tmp_path / "b.csv", rows), "training")
    assert table(tmp_db, "select employee_id, passed from training order by 1") == [("E1", True), ("E2", False)]


def test_enum_synonyms_and_unknown_values(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "培训类别"], ["E1", "甲", "2024-01-02", "1", "党建"],
            ["E2", "乙", "2024-01-02", "1", "柜面"], ["E3", "丙", "2024-01-02", "1", "反洗钱"],
            ["E4", "丁", "2024-01-02", "1", "团建活动"]]
    result = store.import_file(write_csv(tmp_path / "e.csv", rows), "training")
    got = dict(table(tmp_db, "select employee_id, category from training"))
    assert got == {"E1": "思想政治", "E2": "专业技能", "E3": "合规风控", "E4": "其他"}
    assert any("团建活动" in w.text() for w in result.warnings)


def test_party_membership_from_political_status(tmp_path, tmp_db):
    rows = [["工号", "姓名", "机构", "政治面貌", "状态"], ["E1", "甲", "城关信用社", "中共党员", "在岗"],
            ["E2", "乙", "城关信用社", "群众", "退休"], ["E3", "丙", "城关信用社", "共青团员", "在职"]]
    store.import_file(write_csv(tmp_path / "r.csv", rows), "employees")
    assert table(tmp_db, "select employee_id, party_member, status from employees order by 1") == [
        ("E1", True, "在岗"), ("E2", False, "退休"), ("E3", False, "在岗")]


def test_bad_values_get_row_errors_with_spreadsheet_row_numbers(tmp_path, tmp_db):
    rows = [["2024年培训台账", "", "", "", ""], HEADER,
            ["E1", "甲", "课1", "2024-01-02", "3"],
            ["E2", "乙", "课2", "2024-02-30", "3"],      # row 4: no such date
            [],                                          # row 5: a blank line
            ["E3", "丙", "课3", "2024-01-02", "abc"],    # row 6: not a number
            ["E4", "丁", "课4", "2024-01-02", "250"],    # row 7: over 200 h
            ["", "戊", "课5", "2024-01-02", "2"]]        # row 8: no employee id
    path = tmp_path / "bad.csv"
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8")
    result = store.import_file(path, "training")
    assert result.exit_code == 3
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 1, 4)
    got = [(e.row, e.column, e.value) for e in result.errors]
    assert got == [(4, "start_date", "2024-02-30"), (6, "hours", "abc"), (7, "hours", "250"), (8, "employee_id", None)]
    assert result.errors[2].message("zh") == "不能大于 200" and result.errors[2].message("en") == "must be at most 200"
    assert table(tmp_db, "select employee_id from training") == [("E1",)]


def test_every_row_rejected_rejects_the_file(tmp_path, tmp_db):
    path = write_csv(tmp_path / "bad.csv", [HEADER, ["E1", "甲", "课", "不是日期", "1"]])
    result = store.import_file(path, "training")
    assert result.exit_code == 1 and result.batch_id is None
    assert table(tmp_db, "select count(*) from batches") == [(0,)]


# ---------------------------------------------------------------------------------------------
# Headers: missing, aliases, merged, mapped by hand
# ---------------------------------------------------------------------------------------------

def test_missing_required_column_writes_nothing_and_names_it(tmp_path, tmp_db):
    store.import_file(write_csv(tmp_path / "ok.csv", [HEADER] + TRAINING_ROWS), "training")
    before = snapshot(tmp_db)
    path = write_csv(tmp_path / "nohours.csv", [HEADER[:4]] + [r[:4] for r in TRAINING_ROWS])
    result = store.import_file(path, "training")
    assert result.exit_code == 1
    assert "学时（hours）" in result.rejection.text() and "Hours (hours)" in result.rejection.text("en")
    assert snapshot(tmp_db) == before


def test_headers_with_units_full_width_and_spaces(tmp_path, tmp_db):
    header = ["员工编号", "培训项目", "培训时间", "培训时长（小时）", " 考核成绩(分) "]
    result = store.import_file(write_csv(tmp_path / "h.csv", [header, ["E1", "甲", "2024-01-02", "2", "80"]]), "training")
    assert result.rows_loaded == 1
    assert table(tmp_db, "select hours, score from training") == [(2.0, 80.0)]


def test_two_level_merged_header_in_csv(tmp_path, tmp_db):
    # Excel saves a vertically merged header cell in the upper row only, and a group heading above the rest
    rows = [["工号", "姓名", "培训情况", "", ""], ["", "", "培训名称", "培训日期", "学时"],
            ["E1", "甲", "课1", "2024-01-02", "3"]]
    result = store.import_file(write_csv(tmp_path / "m.csv", rows), "training")
    assert result.rows_loaded == 1 and result.layout.header_row == 2
    assert table(tmp_db, "select employee_id, course, hours from training") == [("E1", "课1", 3.0)]


def test_unknown_column_mapped_by_hand(tmp_path, tmp_db):
    rows = [["人员代码", "培训名称", "培训日期", "学时"], ["E1", "甲", "2024-01-02", "3"]]
    path = write_csv(tmp_path / "u.csv", rows)
    assert store.import_file(path, "training").exit_code == 1
    result = store.import_file(path, "training", mapping={"人员代码": "employee_id"})
    assert result.rows_loaded == 1
    assert table(tmp_db, "select employee_id from training") == [("E1",)]


def test_columns_mapped_by_position_and_left_out(tmp_path, tmp_db):
    """#N names the Nth column: a blank header, or one name used twice; "" leaves a column out."""
    rows = [["工号", "", "培训日期", "学时", "成绩", "成绩"], ["E1", "甲课", "2024-01-02", "3", "80", "95"]]
    path = write_csv(tmp_path / "p.csv", rows)
    result = store.import_file(path, "training", mapping={"#2": "course", "#6": "score"})
    assert result.exit_code == 0
    assert table(tmp_db, "select course, score from training") == [("甲课", 95.0)]
    left_out = store.import_file(path, "training", mapping={"#2": "course", "成绩": ""}, replace=True)
    assert left_out.exit_code == 0 and table(tmp_db, "select score from training") == [(None,)]
    beyond = store.import_file(path, "training", mapping={"#9": "course"}, dry_run=True)
    assert beyond.rejection.key == "err.map_source" and beyond.rejection.values["source"] == "#9"


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------

def test_xlsx_with_header_on_row_3_merged_title_and_typed_cells(tmp_path, tmp_db):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "培训"
    ws.append(["某某联社培训台账"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(HEADER)
    ws.append([1001, "张三", "反洗钱", dt.date(2024, 3, 5), 3])
    ws.append(["E002", "李四", "党史", 45357, 2.5])  # a date cell that lost its format: a serial number
    ws.append(["合计", None, None, None, 5.5])
    wb.create_sheet("说明").append(["本表由工会办公室填报"])
    path = tmp_path / "培训.xlsx"
    wb.save(path)
    result = store.import_file(path, "training")
    assert (result.rows_loaded, result.layout.header_row, result.layout.sheets) == (2, 3, ["培训", "说明"])
    assert any("培训、说明" in w.text() for w in result.warnings)
    assert table(tmp_db, "select employee_id, start_date, hours from training order by 1") == [
        ("1001", dt.date(2024, 3, 5), 3.0), ("E002", dt.date(2024, 3, 6), 2.5)]


def test_xlsx_header_row_and_sheet_chosen(tmp_path, tmp_db):
    wb = openpyxl.Workbook()
    wb.active.append(["封面"])
    ws = wb.create_sheet("数据")
    ws.append(HEADER)  # row 1: the column list copied from last year's sheet, above the real header
    ws.append(HEADER)  # row 2: the header the user means
    ws.append(TRAINING_ROWS[0])
    path = tmp_path / "multi.xlsx"
    wb.save(path)
    missing = store.import_file(path, "training", sheet="没有")
    assert "数据" in missing.rejection.text()
    guessed = store.import_file(path, "training", sheet="数据", dry_run=True)
    assert (guessed.layout.header_row, guessed.rows_rejected) == (1, 1)  # row 2 read as data: its date fails
    result = store.import_file(path, "training", sheet="数据", header_row=2)
    assert (result.rows_loaded, result.rows_rejected, result.layout.sheet) == (1, 0, "数据")
    beyond = store.import_file(path, "training", sheet="数据", header_row=9)
    assert beyond.exit_code == 1 and "9" in beyond.rejection.text()


def test_xls(tmp_path, tmp_db):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    sheet.write(0, 0, "职工花名册")
    for j, h in enumerate(["工号", "姓名", "所属网点", "入职日期"]):
        sheet.write(1, j, h)
    sheet.write(2, 0, "E1"), sheet.write(2, 1, "甲"), sheet.write(2, 2, "城关信用社"), sheet.write(2, 3, "2015年7月1日")
    path = tmp_path / "roster.xls"
    book.save(str(path))
    result = store.import_file(path, "employees")
    assert result.rows_loaded == 1 and result.layout.kind == "xls"
    assert table(tmp_db, "select branch, hire_date from employees") == [("城关信用社", dt.date(2015, 7, 1))]


# ---------------------------------------------------------------------------------------------
# Batches: duplicates, replace, rollback, upsert, atomicity
# ---------------------------------------------------------------------------------------------

def test_reimport_adds_nothing(tmp_path, tmp_db):
    path = write_csv(tmp_path / "t.csv", [HEADER] + TRAINING_ROWS)
    first = store.import_file(path, "training")
    again = store.import_file(path, "training")
    assert (first.rows_loaded, again.rows_loaded, again.rows_duplicate) == (3, 0, 3)
    assert table(tmp_db, "select count(*) from training") == [(3,)]
    assert any(f"第 {first.batch_id} 批" in w.text() for w in again.warnings)


def test_duplicate_rows_within_one_file_load_once(tmp_path, tmp_db):
    path = write_csv(tmp_path / "t.csv", [HEADER] + TRAINING_ROWS + [TRAINING_ROWS[0]])
    result = store.import_file(path, "training")
    assert (result.rows_read, result.rows_loaded, result.rows_duplicate) == (4, 3, 1)


def test_replace_archives_and_rollback_restores(tmp_path, tmp_db):
    first = store.import_file(write_csv(tmp_path / "a.csv", [HEADER] + TRAINING_ROWS), "training")
    newer = [["E9", "赵九", "新课程", "2025-01-01", "6"]]
    second = store.import_file(write_csv(tmp_path / "b.csv", [HEADER] + newer), "training", replace=True)
    assert table(tmp_db, "select employee_id from training") == [("E9",)]
    assert dict(table(tmp_db, "select batch_id, status from batches")) == {first.batch_id: "replaced",
                                                                           second.batch_id: "active"}
    assert table(tmp_db, "select count(*) from training_rows") == [(4,)]  # archived, not deleted
    store.rollback(second.batch_id)
    assert sorted(table(tmp_db, "select employee_id from training")) == [(r[0],) for r in TRAINING_ROWS]
    store.rollback(first.batch_id)
    assert table(tmp_db, "select count(*) from training") == [(0,)]
    with pytest.raises(store.RollbackRefused):
        store.rollback(first.batch_id)
    again = store.import_file(tmp_path / "a.csv", "training")  # rolled-back rows are no longer present
    assert again.rows_loaded == 3


def test_employees_upsert_latest_wins_and_history_stays(tmp_path, tmp_db):
    header = ["工号", "姓名", "机构", "条线"]
    first = store.import_file(write_csv(tmp_path / "r1.csv", [header, ["E1", "甲", "城关信用社", "柜面"],
                                                            ["E2", "乙", "城关信用社", "柜面"]]), "employees")
    second = store.import_file(write_csv(tmp_path / "r2.csv", [header, ["E1", "甲", "东关信用社", "客户经理"],
                                                             ["E2", "乙", "城关信用社", "柜面"],
                                                             ["E3", "丙", "东关信用社", "柜面"]]), "employees")
    assert (second.rows_loaded, second.rows_duplicate) == (2, 1)  # E1 changed, E3 new, E2 unchanged
    assert table(tmp_db, "select employee_id, branch, line from employees order by 1") == [
        ("E1", "东关信用社", "客户经理"), ("E2", "城关信用社", "柜面"), ("E3", "东关信用社", "柜面")]
    store.rollback(second.batch_id)
    assert table(tmp_db, "select employee_id, branch from employees order by 1") == [
        ("E1", "城关信用社"), ("E2", "城关信用社")]
    assert first.mode == "upsert"


def test_training_fills_name_and_branch_from_roster(tmp_path, tmp_db):
    store.import_file(write_csv(tmp_path / "r.csv", [["工号", "姓名", "机构"], ["E1", "甲", "城关信用社"]]), "employees")
    store.import_file(write_csv(tmp_path / "t.csv", [["工号", "培训名称", "培训日期", "学时"],
                                                    ["E1", "课", "2024-01-02", "2"]]), "training")
    assert table(tmp_db, "select name, branch from training") == [("甲", "城关信用社")]


def test_reimport_with_roster_filled_names_is_no_conflict(tmp_path, tmp_db):
    """Rows whose name and branch the view fills from the roster are the same rows, not changed ones."""
    store.import_file(write_csv(tmp_path / "r.csv", [["工号", "姓名", "机构"], ["E1", "甲", "城关信用社"]]), "employees")
    rows = [["工号", "培训名称", "培训日期", "学时"], ["E1", "课", "2024-01-02", "2"]]
    store.import_file(write_csv(tmp_path / "t.csv", rows), "training")
    again = store.import_file(tmp_path / "t.csv", "training")
    assert (again.rows_loaded, again.rows_duplicate) == (0, 1)
    assert not [w for w in again.warnings if w.key == "warn.conflicts"]
    changed = store.import_file(write_csv(tmp_path / "t2.csv", [rows[0], ["E1", "课", "2024-01-02", "3"]]), "training")
    assert [w.values["n"] for w in changed.warnings if w.key == "warn.conflicts"] == [1]


def test_competition_rank_derived_when_absent(tmp_path, tmp_db):
    rows = [["竞赛名称", "日期", "项目", "工号", "成绩"]] + [["大赛", "2025-06-01", "点钞", f"E{i}", s]
                                                     for i, s in enumerate([88, 95, 70, 95])]
    store.import_file(write_csv(tmp_path / "c.csv", rows), "competition")
    got = dict(table(tmp_db, "select employee_id, rank from competition"))
    scores = {f"E{i}": s for i, s in enumerate([88, 95, 70, 95])}
    assert got == {e: 1 + sum(other > s for other in scores.values()) for e, s in scores.items()}


def test_innovation_project_id_derived_and_end_before_start_rejected(tmp_path, tmp_db):
    rows = [["课题名称", "工作室", "状态", "立项日期", "完成日期"], ["甲", "王创新工作室", "已完成", "2024-01-01", "2024-06-01"],
            ["乙", "王创新工作室", "已完成", "2024-05-01", "2024-01-01"]]
    result = store.import_file(write_csv(tmp_path / "i.csv", rows), "innovation")
    assert [(e.row, e.column) for e in result.errors] == [(3, "end_date")]
    (pid,) = table(tmp_db, "select project_id from innovation")[0]
    assert pid.startswith("P-") and len(pid) == 10
    assert store.import_file(tmp_path / "i.csv", "innovation").rows_duplicate == 1


def test_strict_and_dry_run_write_nothing(tmp_path, tmp_db):
    path = write_csv(tmp_path / "t.csv", [HEADER] + TRAINING_ROWS + [["E9", "x", "y", "bad", "1"]])
    strict = store.import_file(path, "training", strict=True)
    dry = store.import_file(path, "training", dry_run=True)
    assert strict.exit_code == 1 and strict.batch_id is None
    assert (dry.rows_loaded, dry.rows_rejected, dry.batch_id) == (3, 1, None)
    assert table(tmp_db, "select count(*) from batches") == [(0,)]


def test_failure_while_writing_leaves_the_database_as_it_was(tmp_path, tmp_db, monkeypatch):
    store.import_file(write_csv(tmp_path / "a.csv", [HEADER] + TRAINING_ROWS), "training")
    before = snapshot(tmp_db)
    inserted = []

    def insert_then_fail(con, dataset, batch_id, staged=None):  # the batch row and the archiving are written by now
        real_insert(con, dataset, batch_id, staged)
        inserted.append(con.execute("select count(*) from training_rows").fetchall()[0][0])
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-import

    real_insert = store._insert_rows
    monkeypatch.setattr(store, "_insert_rows", insert_then_fail)
    with pytest.raises(KeyboardInterrupt):
        store.import_file(write_csv(tmp_path / "b.csv", [HEADER, ["E9", "x", "y", "2025-01-01", "1"]]),
                          "training", replace=True)
    assert inserted == [4]  # the new row really was written inside the transaction
    assert snapshot(tmp_db) == before


def test_gbk_text_that_starts_after_the_first_megabyte(tmp_path, tmp_db):
    # the encoding guess looks at the first megabyte; a file that is ASCII there and GBK later still reads
    ascii_rows = [[f"E{i}", "x", f"course{i % 50}", "2024-01-02", "1"] for i in range(40_000)]
    path = write_csv(tmp_path / "late.csv", [HEADER] + ascii_rows + [["Z9", "张三", "党史学习", "2024-01-03", "2"]], "gbk")
    assert path.stat().st_size > 1 << 20
    result = store.import_file(path, "training")
    assert result.layout.encoding == "gb18030" and result.rows_loaded == len(ascii_rows) + 1
    assert table(tmp_db, "select name, course from training where employee_id = 'Z9'") == [("张三", "党史学习")]


def test_header_cell_with_a_line_break_keeps_every_row(tmp_path, tmp_db):
    # Alt+Enter inside a header cell: the header spans lines 2-3, data starts on line 4
    text = '培训台账,,,\r\n工号,"培训\r\n名称",培训日期,学时\r\nE1,课1,2024-01-02,1\r\nE2,课2,2024-01-02,x\r\nE3,课3,2024-01-02,3\r\n'
    path = tmp_path / "nl.csv"
    path.write_text(text, encoding="utf-8")
    result = store.import_file(path, "training")
    assert (result.rows_read, result.rows_loaded) == (3, 2)
    assert [(e.row, e.column) for e in result.errors] == [(5, "hours")]
    assert table(tmp_db, "select employee_id from training order by 1") == [("E1",), ("E3",)]


def test_csv_header_row_given_beyond_the_first_thirty_lines(tmp_path, tmp_db):
    rows = [[f"说明第{i}行"] for i in range(1, 36)] + [HEADER] + TRAINING_ROWS
    result = store.import_file(write_csv(tmp_path / "long.csv", rows), "training", header_row=36)
    assert (result.rows_loaded, result.layout.header_row) == (3, 36)
    assert [(r, n) for r, n in table(tmp_db, "select _row, employee_id from training_rows order by _row")] == [
        (37, "E001"), (38, "E002"), (39, "E003")]


def test_cr_only_line_ends(tmp_path, tmp_db):
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(",".join(r) for r in [HEADER] + TRAINING_ROWS).encode("gbk") + b"\r")
    result = store.import_file(path, "training")
    assert result.rows_loaded == 3 and result.exit_code == 0


@pytest.mark.parametrize("label", ["合计", "合　计", "合 计：", "总计", "合计（人次）", "总计(3人)", "小计"])
def test_total_rows_in_their_usual_spellings_are_dropped(tmp_path, tmp_db, label):
    path = write_csv(tmp_path / "t.csv", [HEADER] + TRAINING_ROWS + [[label, "", "", "", "9.5"]])
    result = store.import_file(path, "training")
    assert (result.rows_read, result.rows_rejected, result.exit_code) == (3, 0, 0)
    assert any("第 5 行" in w.text() for w in result.warnings)


def test_a_course_called_total_is_not_a_total_row(tmp_path, tmp_db):
    path = write_csv(tmp_path / "t.csv", [HEADER, ["E1", "甲", "合计岗位业务培训", "2024-01-02", "2"]])
    assert store.import_file(path, "training").rows_loaded == 1


def test_merged_data_cells_in_xlsx_apply_to_every_row(tmp_path, tmp_db):
    # one course and date cell merged down over the four people who attended
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(4):
        ws.append([f"E{i}", f"人{i}", "反洗钱" if i == 0 else None, dt.date(2024, 3, 5) if i == 0 else None, 2])
    ws.merge_cells("C2:C5")
    ws.merge_cells("D2:D5")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    result = store.import_file(path, "training")
    assert (result.rows_loaded, result.rows_rejected) == (4, 0)
    assert table(tmp_db, "select distinct course, start_date from training") == [("反洗钱", dt.date(2024, 3, 5))]


def test_excel_percent_cells_read_on_the_0_to_100_scale(tmp_path, tmp_db):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER + ["考核成绩"])
    for i, score in enumerate([0.85, 0.9, 0.625]):
        ws.append([f"E{i}", "某", "课", dt.date(2024, 3, 5), 2, score])
        ws.cell(row=i + 2, column=6).number_format = "0%"
    path = tmp_path / "pct.xlsx"
    wb.save(path)
    result = store.import_file(path, "training")
    assert sorted(v for (v,) in table(tmp_db, "select score from training")) == [62.5, 85.0, 90.0]
    assert any("0～1" in w.text() for w in result.warnings)


# ---------------------------------------------------------------------------------------------
# Optional enums never store NULL; the demo cleared by the first real import; messages worded when shown
# ---------------------------------------------------------------------------------------------

def test_blank_or_absent_categories_are_stored_as_other_with_a_warning(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "培训类别"], ["E1", "甲", "2024-01-02", "1", "党建"],
            ["E2", "乙", "2024-01-02", "1", ""], ["E3", "丙", "2024-01-02", "1", "  "], ["E4", "丁", "2024-01-02", "1", "团建"]]
    result = store.import_file(write_csv(tmp_path / "c.csv", rows), "training")
    assert dict(table(tmp_db, "select employee_id, category from training")) == {
        "E1": "思想政治", "E2": "其他", "E3": "其他", "E4": "其他"}
    blank = [w for w in result.warnings if w.key == "warn.enum_blank"]
    assert [w.text() for w in blank] == ["“培训类别”有 2 行为空，已记为“其他”"]
    assert [w.text("en") for w in blank] == ["2 row(s) have no “Category”; recorded as “Other”"]
    # the form column is not in the file at all: every row takes its default too, and the user is told
    assert table(tmp_db, "select distinct form from training") == [("其他",)]
    absent = [w.text() for w in result.warnings if w.key == "warn.enum_absent"]
    assert absent == ["文件中没有“培训形式”列，4 行都记为“其他”"]
    assert table(tmp_db, "select count(*) from training_rows where category is null or form is null") == [(0,)]


def test_a_roster_without_a_status_stores_on_duty(tmp_path, tmp_db):
    rows = [["工号", "姓名", "机构", "状态"], ["E1", "甲", "城关信用社", ""], ["E2", "乙", "城关信用社", "退休"]]
    result = store.import_file(write_csv(tmp_path / "r.csv", rows), "employees")
    assert table(tmp_db, "select employee_id, status from employees order by 1") == [("E1", "在岗"), ("E2", "退休")]
    assert [w.values["n"] for w in result.warnings if w.key == "warn.enum_blank"] == [1]


def test_english_names_read_back_and_allowed_values_are_listed_in_the_readers_language(tmp_path, tmp_db):
    rows = [["竞赛名称", "竞赛日期", "竞赛级别", "竞赛项目", "工号", "成绩"], ["技能赛", "2024-06-01", "Provincial", "点钞", "E1", "90"],
            ["技能赛", "2024-06-01", "乡级", "点钞", "E2", "80"]]
    result = store.import_file(write_csv(tmp_path / "c.csv", rows), "competition")
    assert table(tmp_db, "select employee_id, level from competition") == [("E1", "省级")]
    error = result.errors[0]
    assert (error.row, error.value) == (3, "乡级")
    assert error.message("zh") == "不是允许的取值，可用：联社级、市级、省级、全国"
    assert error.message("en") == "not an allowed value; use one of: Union, City, Provincial, National"
    grades = [["评定年度", "工号", "评定等级"], ["2024", "E1", "Grade 3"], ["2024", "E2", "senior"]]
    store.import_file(write_csv(tmp_path / "g.csv", grades), "grading")
    assert table(tmp_db, "select employee_id, grade from grading order by 1") == [("E1", "三级"), ("E2", "高级")]


def test_warnings_built_while_reading_are_worded_in_the_readers_language(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "培训类别", "培训费用（万元）", "备注"],
            ["E1", "甲", "2024-01-02", "1", "团建活动", "0.5", "x"], ["合计", "", "", "1", "", "", ""]]
    result = store.import_file(write_csv(tmp_path / "w.csv", rows), "training")
    english = {w.key: w.text("en") for w in result.warnings}
    assert english["warn.units_converted"] == "“Cost” is headed in 10k yuan; converted to yuan"
    assert english["warn.enum_default"] == "1 value(s) in “Category” are not standard and were recorded as “Other”: 团建活动"
    assert english["warn.ignored_columns"] == "These columns are not part of “Training records” and were ignored: 备注"
    assert english["warn.dropped_total"] == "Ignored 1 total row(s) (row 3)"
    chinese = {w.key: w.text("zh") for w in result.warnings}
    assert chinese["warn.units_converted"] == "“培训费用”表头单位为万元，已换算为元"


def test_clearing_the_demo_is_part_of_the_import(tmp_path, demo_db, monkeypatch):
    store.release_readers()  # the app's shared reading connection lets go first
    with duckdb.connect(str(demo_db), read_only=True) as con:
        demo_rows = con.execute("select employee_id, course, start_date, hours from training "
                                "order by all limit 2").fetchall()
        demo_batches = con.execute("select count(*) from batches where origin = 'demo'").fetchall()[0][0]
    rows = [["工号", "培训名称", "培训日期", "学时"], *[[i, c, d.isoformat(), h] for i, c, d, h in demo_rows]]
    path = write_csv(tmp_path / "real.csv", rows)
    # the same two rows are in the demo: duplicates while the demo stays, new rows when it goes
    assert store.import_file(path, "training", dry_run=True).rows_duplicate == 2
    assert store.import_file(path, "training", dry_run=True, clear_demo=True).rows_loaded == 2

    before = snapshot(demo_db)
    real_insert = store._insert_rows
    monkeypatch.setattr(store, "_insert_rows", lambda con, dataset, batch_id, staged=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        store.import_file(path, "training", clear_demo=True)
    assert snapshot(demo_db) == before and store.state(demo_db).demo_active  # the demo as it was
    monkeypatch.setattr(store, "_insert_rows", real_insert)

    result = store.import_file(path, "training", clear_demo=True)
    assert (result.rows_loaded, result.demo_cleared) == (2, demo_batches)
    assert not store.state(demo_db).demo_active
    assert table(demo_db, "select employee_id, course, start_date, hours from training order by all") == demo_rows
    assert table(demo_db, "select count(*) from employees") == [(0,)]
