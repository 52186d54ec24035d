"""Value classes in the import, each as a class rather than one string: total and subtotal rows, years, dates and
their plausible range, Excel number formats (leading zeros, literal text), units in headers and values, and Excel
error values. Every stored value is compared with the one worked out here."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from talentboard import store
from talentboard.ingest import values
from test_ingest import HEADER, table, write_csv



def _one_year_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _xlsx(path, rows, formats=None):
    """A workbook of rows; formats maps (row, column), both 1-based as Excel counts, to a number format."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for (r, c), code in (formats or {}).items():
        ws.cell(row=r, column=c).number_format = code
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# Total and subtotal rows. The rule: a cell that is a total word (合计, 总计, 小计, 累计, 共计; Total,
# Subtotal, Grand total) on its own, or with a label before it (城关信用社小计, 本页小计) or after a separator
# (小计：城关), whitespace, decoration and a bracketed unit aside. A row that names a person by employee id is
# data unless the cell is a bare total word. A value that merely contains 计 is never a total.
# ---------------------------------------------------------------------------------------------

TOTAL_LABELS = ["城关信用社小计", "小计：城关", "城关支行 合计", "本页小计", "总 计", "合 计（万元）", "累计", "本年累计",
                "共计", "—合计—", "【合计】", "合计:", "Total", "Subtotal", "Grand total", "TOTAL:", "Sub-total",
                "Chengguan subtotal", "Total: Chengguan"]
NOT_TOTALS = ["统计基础", "会计实务", "审计", "合计岗位业务培训", "总计划编制", "小计算器使用", "Total quality management",
              "会计", "设计合计划"]


def test_every_total_and_subtotal_form_is_dropped_with_the_warning(tmp_path, tmp_db):
    rows, expected_rows, data_hours = [HEADER], [], 0.0
    for i, label in enumerate(TOTAL_LABELS):
        rows.append([f"E{i}", "某", f"课{i}", "2024-03-05", str(i + 1)])
        data_hours += i + 1
        # the label in the id column, or in the course column with no id: both as offices write them
        rows.append([label, "", "", "", "99"] if i % 2 else ["", "", label, "", "99"])
        expected_rows.append(len(rows))  # the spreadsheet's row number of the total row
    result = store.import_file(write_csv(tmp_path / "t.csv", rows), "training")
    assert (result.rows_read, result.rows_rejected, result.rows_loaded) == (len(TOTAL_LABELS), 0, len(TOTAL_LABELS))
    assert table(tmp_db, "select sum(hours) from training") == [(data_hours,)]
    warning = next(w for w in result.warnings if w.key == "warn.dropped_total")
    assert warning.values["n"] == len(TOTAL_LABELS)
    first_five = "、".join(map(str, expected_rows[:5]))
    assert warning.text("zh") == f"已忽略 {len(TOTAL_LABELS)} 行合计/小计行（第 {first_five} 行）"
    assert warning.text("en") == f"Ignored {len(TOTAL_LABELS)} total row(s) (row {', '.join(map(str, expected_rows[:5]))})"


def test_values_that_merely_contain_the_character_are_never_totals(tmp_path, tmp_db):
    rows = [HEADER] + [[f"E{i}", "某", course, "2024-03-05", "2"] for i, course in enumerate(NOT_TOTALS)]
    # a person whose given name is 小计 is a person: the row names them by id
    rows.append(["E99", "王小计", "反洗钱培训", "2024-03-05", "2"])
    result = store.import_file(write_csv(tmp_path / "k.csv", rows), "training")
    assert not [w for w in result.warnings if w.key == "warn.dropped_total"]
    assert (result.rows_loaded, result.rows_rejected) == (len(NOT_TOTALS) + 1, 0)
    stored = dict(table(tmp_db, "select employee_id, course from training"))
    assert stored == {f"E{i}": course for i, course in enumerate(NOT_TOTALS)} | {"E99": "反洗钱培训"}
    assert table(tmp_db, "select name from training_rows where employee_id = 'E99'") == [("王小计",)]


def test_total_rule_on_single_cells():
    assert [values.is_total_label(s) for s in TOTAL_LABELS] == [True] * len(TOTAL_LABELS)
    assert [values.is_total_label(s) for s in NOT_TOTALS] == [False] * len(NOT_TOTALS)
    # only the bare word is a total in a row that has an employee id
    assert values.is_total_label("合计", bare=True) and not values.is_total_label("城关信用社小计", bare=True)


# ---------------------------------------------------------------------------------------------
# Years: a year column takes every whole-year form; a part of a year, a span or a two-digit year is refused
# ---------------------------------------------------------------------------------------------

YEAR_FORMS = {"2024": 2024, "2024年": 2024, "2024年度": 2024, "2024 年度": 2024, "2024.0": 2024, "FY2024": 2024,
              "fy 2024": 2024, "2024财年": 2024, "二〇二四年": 2024, "二〇二四年度": 2024, "二零二三年度": 2023,
              "２０２４年度": 2024, "2025 年": 2025}
NOT_YEARS = ["2024年度上半年", "24年", "2023-2024年度", "2024年3月", "第一季度", "2024Q1"]


def test_every_year_form_in_a_year_column(tmp_path, tmp_db):
    rows = [["评定年度", "工号", "评定等级"]] + [[form, f"E{i}", "三级"] for i, form in enumerate(YEAR_FORMS)]
    rows += [[form, f"X{i}", "三级"] for i, form in enumerate(NOT_YEARS)]
    result = store.import_file(write_csv(tmp_path / "g.csv", rows), "grading")
    assert dict(table(tmp_db, "select employee_id, year from grading")) == {
        f"E{i}": year for i, year in enumerate(YEAR_FORMS.values())}
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (len(YEAR_FORMS) + 2 + i, "year", form) for i, form in enumerate(NOT_YEARS)]
    assert result.errors[0].message("zh") == "不是年份，应写如 2024、2024年、2024年度"
    assert result.errors[0].message("en") == "not a year; write a four-digit year such as 2024"


def test_a_year_column_from_excel_and_its_plausible_range(tmp_path, tmp_db):
    latest = dt.date.today().year + 1
    rows = [["评定年度", "工号", "评定等级"], [2024.0, "E1", "三级"], [2023, "E2", "四级"], [1989, "E3", "三级"],
            [latest, "E4", "三级"], [latest + 1, "E5", "三级"]]
    result = store.import_file(_xlsx(tmp_path / "g.xlsx", rows), "grading")
    assert dict(table(tmp_db, "select employee_id, year from grading")) == {"E1": 2024, "E2": 2023, "E4": latest}
    assert [(e.row, e.value, e.message("zh"), e.message("en")) for e in result.errors] == [
        (4, "1989", "不能小于 1990", "must be at least 1990"),
        (6, str(latest + 1), f"不能大于 {latest}", f"must be at most {latest}")]


def test_year_forms_in_a_date_column_mean_the_first_of_july(tmp_path, tmp_db):
    rows = [["竞赛名称", "日期", "项目", "工号", "成绩"], ["技能赛", "2025年度", "点钞", "E1", "91"],
            ["技能赛", "二〇二五年", "点钞", "E2", "88"], ["技能赛", "FY2025", "点钞", "E3", "80"]]
    result = store.import_file(write_csv(tmp_path / "c.csv", rows), "competition")
    assert result.rows_rejected == 0, [e.as_dict() for e in result.errors]
    assert table(tmp_db, "select distinct date from competition") == [(dt.date(2025, 7, 1),)]


# ---------------------------------------------------------------------------------------------
# Dates: forms offices write; ambiguous ones refused; the plausible range per column
# ---------------------------------------------------------------------------------------------

DATE_FORMS = {"2024年3月5号": dt.date(2024, 3, 5), "二〇二四年三月五日": dt.date(2024, 3, 5),
              "二〇二四年十二月二十五日": dt.date(2024, 12, 25), "2024年3月": dt.date(2024, 3, 1),
              "2024/3": dt.date(2024, 3, 1), "2024.10": dt.date(2024, 10, 1), "2024.3": dt.date(2024, 3, 1),
              "2024-03": dt.date(2024, 3, 1), "2024 年 3 月 5 日": dt.date(2024, 3, 5),
              "2024年度": dt.date(2024, 7, 1)}
AMBIGUOUS_DATES = ["2024.1", "24/3/5", "3/5/2024", "05.03.2024", "24年3月5日"]


def test_date_forms_and_ambiguous_dates(tmp_path, tmp_db):
    rows = [HEADER] + [[f"E{i}", "某", f"课{i}", form, "1"] for i, form in enumerate(DATE_FORMS)]
    rows += [[f"X{i}", "某", "课", form, "1"] for i, form in enumerate(AMBIGUOUS_DATES)]
    result = store.import_file(write_csv(tmp_path / "d.csv", rows), "training")
    assert dict(table(tmp_db, "select course, start_date from training")) == {
        f"课{i}": want for i, want in enumerate(DATE_FORMS.values())}
    assert [(e.value, e.code) for e in result.errors] == [(form, "row.date_ambiguous") for form in AMBIGUOUS_DATES]
    assert result.errors[0].message("zh") == ("日期写法有歧义（两位年份、年份不在最前，或 Excel 把 2024.10 存成的 2024.1），"
                                              "请写成 2024-03-05 这样的形式")
    assert result.errors[0].message("en") == ("ambiguous date (a two-digit year, the year not first, or 2024.1, which "
                                              "Excel also makes of 2024.10); write it like 2024-03-05")


def test_dates_outside_each_columns_plausible_range_are_row_errors(tmp_path, tmp_db):
    soon, too_late = dt.date.today() + dt.timedelta(days=30), _one_year_on(dt.date.today()) + dt.timedelta(days=1)
    rows = [HEADER, ["E1", "某", "课1", "1900-01-01", "1"], ["E2", "某", "课2", "2100-01-01", "1"],
            ["E3", "某", "课3", soon.isoformat(), "1"], ["E4", "某", "课4", too_late.isoformat(), "1"],
            ["E5", "某", "课5", "1950-01-01", "1"], ["E6", "某", "课6", "1949-12-31", "1"]]
    result = store.import_file(write_csv(tmp_path / "r.csv", rows), "training")
    assert dict(table(tmp_db, "select employee_id, start_date from training")) == {
        "E3": soon, "E5": dt.date(1950, 1, 1)}
    latest = _one_year_on(dt.date.today()).isoformat()
    assert [(e.row, e.code) for e in result.errors] == [(2, "row.date_range"), (3, "row.date_range"),
                                                         (5, "row.date_range"), (7, "row.date_range")]
    assert result.errors[0].message("zh") == f"日期不在合理范围内（1950-01-01 至 {latest}）"
    assert result.errors[0].message("en") == f"date outside the plausible range 1950-01-01 to {latest}"
    # a birth date is never in the future
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    roster = [["工号", "姓名", "机构", "出生日期"], ["E1", "甲", "城关", "1985-06-01"], ["E2", "乙", "城关", tomorrow.isoformat()],
              ["E3", "丙", "城关", "1900-01-01"]]
    result = store.import_file(write_csv(tmp_path / "e.csv", roster), "employees")
    assert table(tmp_db, "select employee_id, birth_date from employees") == [("E1", dt.date(1985, 6, 1))]
    assert [(e.row, e.code) for e in result.errors] == [(3, "row.date_range"), (4, "row.date_range")]
    assert result.errors[0].message("zh") == f"日期不在合理范围内（1920-01-01 至 {dt.date.today().isoformat()}）"


def test_plausible_ranges_live_in_the_registry():
    from talentboard import schema
    birth = schema.EMPLOYEES.column("birth_date")
    assert (birth.earliest, birth.latest_years) == ("1920-01-01", 0)
    assert values.date_bounds(birth, dt.date.today()) == (dt.date(1920, 1, 1), dt.date.today())
    start = schema.TRAINING.column("start_date")
    assert values.date_bounds(start, dt.date.today()) == (dt.date(1950, 1, 1), _one_year_on(dt.date.today()))


# ---------------------------------------------------------------------------------------------
# Excel number formats: the text the user sees, where it differs from the plain number
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code,value,shown", [
    ("000000", 123, "000123"), ("000000", 1234567, "1234567"), ('"EMP"0000', 123, "EMP0123"),
    ('"E"000', 7, "E007"), ("000-0000", 12, "000-0012"), (r"\N\o0000", 5, "No0005"), ("[Red]000000", 42, "000042"),
    ('000000;-000000', 9, "000009"), ('0"小时"', 3, "3小时"), ('0.0"万元"', 1.2, "1.2万元"), ('#,##0"人"', 1500, "1500人"),
    ("0000_ ", 12, "0012"), ("@", 123, None), ("General", 123, None), ("0", 123, None), ("0.00", 2.5, None),
    ("#,##0", 1234, None), ("0%", 0.85, None), ('yyyy"年"m"月"d"日"', 45356, None), ("[$-804]yyyy/m/d", 45356, None),
    ("0.00E+00", 123456, None), ("[DBNum1][$-804]G/通用格式", 123, None), ("# ?/?", 0.5, None)])
def test_number_format_display(code, value, shown):
    display = values.number_display(code)
    assert (display.text(float(value)) if display else None) == shown


def test_ids_stored_as_numbers_with_a_zero_padding_format_keep_the_zeros(tmp_path, tmp_db):
    roster = write_csv(tmp_path / "roster.csv", [["工号", "姓名", "机构"], ["000123", "王丽", "城关支行"],
                                                 ["000456", "陈建国", "青石信用社"]])
    assert store.import_file(roster, "employees").rows_loaded == 2
    assert table(tmp_db, "select employee_id from employees order by 1") == [("000123",), ("000456",)]
    rows = [["工号", "培训名称", "培训日期", "学时"], [123, "反洗钱", dt.date(2024, 3, 5), 2],
            [456, "反洗钱", dt.date(2024, 3, 5), 3]]
    path = _xlsx(tmp_path / "training.xlsx", rows, {(2, 1): "000000", (3, 1): "000000", (2, 3): 'yyyy"年"m"月"d"日"'})
    result = store.import_file(path, "training")
    assert result.rows_loaded == 2, [e.as_dict() for e in result.errors]
    # the ids match the roster's, so the names and branches come from it
    assert table(tmp_db, "select employee_id, name, branch, start_date, hours from training order by 1") == [
        ("000123", "王丽", "城关支行", dt.date(2024, 3, 5), 2.0), ("000456", "陈建国", "青石信用社", dt.date(2024, 3, 5), 3.0)]


def test_an_xls_keeps_the_zeros_and_literals_its_number_formats_show(tmp_path, tmp_db):
    import xlwt
    roster = write_csv(tmp_path / "roster.csv", [["工号", "姓名", "机构"], ["000123", "王丽", "城关支行"],
                                                 ["000456", "陈建国", "青石信用社"]])
    assert store.import_file(roster, "employees").rows_loaded == 2
    book = xlwt.Workbook()
    sheet = book.add_sheet("培训")
    padded, dated, hours = (xlwt.easyxf(num_format_str=code) for code in ("000000", "yyyy-mm-dd", '0.0"小时"'))
    for j, name in enumerate(["工号", "培训名称", "培训日期", "学时"]):
        sheet.write(0, j, name)
    for i, (number, stored_hours) in enumerate([(123, 2), (456, 3.5)], start=1):
        sheet.write(i, 0, number, padded)  # 123 stored, 000123 shown
        sheet.write(i, 1, "反洗钱")
        sheet.write(i, 2, dt.date(2024, 3, 5), dated)
        sheet.write(i, 3, stored_hours, hours)  # a unit written by the format: the number is what counts
    path = tmp_path / "training.xls"
    book.save(str(path))
    result = store.import_file(path, "training")
    assert result.rows_loaded == 2, [e.as_dict() for e in result.errors]
    assert table(tmp_db, "select employee_id, name, start_date, hours from training order by 1") == [
        ("000123", "王丽", dt.date(2024, 3, 5), 2.0), ("000456", "陈建国", dt.date(2024, 3, 5), 3.5)]


def test_literal_text_and_units_in_number_formats(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "培训费用"], [7, "甲", "2024-03-05", 3, 1.2], [8, "乙", "2024-03-05", 90, 800]]
    formats = {(2, 1): '"E"000', (3, 1): '"E"000', (2, 4): '0"小时"', (3, 4): '0"分钟"', (2, 5): '0.0"万元"',
               (3, 5): '0"元"'}
    result = store.import_file(_xlsx(tmp_path / "f.xlsx", rows, formats), "training")
    assert result.rows_rejected == 0, [e.as_dict() for e in result.errors]
    assert table(tmp_db, "select employee_id, hours, cost from training order by 1") == [
        ("E007", 3.0, 12000.0), ("E008", 1.5, 800.0)]


def test_a_workbook_without_text_changing_formats_is_not_scanned(tmp_path):
    path = _xlsx(tmp_path / "plain.xlsx", [["工号"], [1], [2]], {(2, 1): "0.00", (3, 1): "#,##0"})
    assert values.xlsx_cell_texts(path, "Sheet") == {}
    padded = _xlsx(tmp_path / "padded.xlsx", [["工号"], [1], [2]], {(3, 1): "0000"})
    assert values.xlsx_cell_texts(padded, "Sheet") == {(2, 0): "0002"}


def test_ids_that_went_through_a_float_lose_the_point_zero_in_every_identifier_column(tmp_path, tmp_db):
    from talentboard import schema
    assert [c.name for d in schema.DATASETS.values() for c in d.columns if c.identifier] == [
        "employee_id", "employee_id", "employee_id", "employee_id", "project_id"]
    rows = [["课题编号", "课题名称", "工作室", "状态", "立项日期"], ["1001.0", "甲", "王劳模创新工作室", "已完成", "2024-01-01"]]
    assert store.import_file(write_csv(tmp_path / "i.csv", rows), "innovation").rows_loaded == 1
    assert table(tmp_db, "select project_id from innovation") == [("1001",)]


# ---------------------------------------------------------------------------------------------
# Units in headers and in values
# ---------------------------------------------------------------------------------------------

def test_minutes_in_a_header_convert_to_hours_with_a_warning(tmp_path, tmp_db):
    rows = [["工号", "课程名称", "培训日期", "学习时长（分钟）"], ["E1", "甲", "2024-03-05", "90"], ["E2", "乙", "2024-03-05", "45"]]
    path = write_csv(tmp_path / "elearning.csv", rows)
    result = store.import_file(path, "training", mapping={"学习时长（分钟）": "hours"})
    assert dict(table(tmp_db, "select employee_id, hours from training")) == {"E1": 1.5, "E2": 0.75}
    warning = next(w for w in result.warnings if w.key == "warn.units_converted")
    assert warning.text("zh") == "“学时”表头单位为分钟，已换算为小时"
    assert warning.text("en") == "“Hours” is headed in minutes; converted to hours"


def test_header_units_of_every_kind(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "培训时长（h）", "考核成绩（%）", "培训费用（千元）"],
            ["E1", "甲", "2024-03-05", "2", "85", "1.2"]]
    result = store.import_file(write_csv(tmp_path / "u.csv", rows), "training")
    assert table(tmp_db, "select hours, score, cost from training") == [(2.0, 85.0, 1200.0)]
    assert [w.text("en") for w in result.warnings if w.key == "warn.units_converted"] == [
        "“Cost” is headed in thousand yuan; converted to yuan"]


@pytest.mark.parametrize("header,unit_zh,unit_en,column_zh,column_en,target_zh,target_en", [
    ("培训时长（天）", "天", "days", "学时", "Hours", "小时", "hours"),
    ("学时（%）", "%", "%", "学时", "Hours", "小时", "hours"),
    ("培训费用（分钟）", "分钟", "minutes", "培训费用", "Cost", "元", "yuan")])
def test_a_header_unit_that_cannot_be_converted_refuses_the_file(tmp_path, tmp_db, header, unit_zh, unit_en,
                                                                 column_zh, column_en, target_zh, target_en):
    store.import_file(write_csv(tmp_path / "ok.csv", [HEADER, ["E0", "某", "课", "2024-03-05", "1"]]), "training")
    cols = ["工号", "培训名称", "培训日期", "学时", header] if "费用" in header else ["工号", "培训名称", "培训日期", header]
    rows = [cols, ["E1", "甲", "2024-03-05", "2", "3"][:len(cols)]]
    result = store.import_file(write_csv(tmp_path / "bad.csv", rows), "training")
    assert result.exit_code == 1 and result.rejection.key == "err.header_unit"
    assert result.rejection.text("zh") == (f"表头“{header}”的单位“{unit_zh}”无法换算为“{column_zh}”的单位（{target_zh}），"
                                           f"未导入任何数据；请换算后再导入")
    assert result.rejection.text("en") == (f"The header “{header}” is in {unit_en}, which cannot be converted to the "
                                           f"unit of “{column_en}” ({target_en}); nothing was imported. Convert it "
                                           f"and import again")
    assert table(tmp_db, "select employee_id from training") == [("E0",)]


def test_a_bracketed_note_that_is_not_a_unit_is_ignored(tmp_path, tmp_db):
    rows = [["工号（6位）", "培训名称（全称）", "培训日期（年月日）", "学时"], ["E1", "甲", "2024-03-05", "2"]]
    result = store.import_file(write_csv(tmp_path / "n.csv", rows), "training")
    assert result.rows_loaded == 1 and not [w for w in result.warnings if w.key == "warn.units_converted"]


def test_units_written_in_values_convert_or_are_refused(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "考核成绩", "培训费用"],
            ["E1", "甲", "2024-03-05", "90分钟", "85分", "0.36万元"], ["E2", "乙", "2024-03-05", "1.5小时", "90", "2千元"],
            ["E3", "丙", "2024-03-05", "1天", "80", "0"], ["E4", "丁", "2024-03-05", "2", "80", "5分钟"],
            ["E5", "戊", "2024-03-05", "2 h", "80", "￥3,600.00"]]
    result = store.import_file(write_csv(tmp_path / "v.csv", rows), "training")
    assert table(tmp_db, "select employee_id, hours, score, cost from training order by 1") == [
        ("E1", 1.5, 85.0, 3600.0), ("E2", 1.5, 90.0, 2000.0), ("E5", 2.0, 80.0, 3600.0)]
    assert [(e.row, e.column, e.code) for e in result.errors] == [(4, "hours", "row.unit"), (5, "cost", "row.unit")]
    assert result.errors[0].message("zh") == "单位无法换算为本列的单位（小时）"
    assert result.errors[0].message("en") == "the unit cannot be converted to this column's unit (hours)"


# ---------------------------------------------------------------------------------------------
# Excel error values: a row error naming the error in a required column, blank with a warning in an optional one
# ---------------------------------------------------------------------------------------------

def _check_excel_errors(result, tmp_db):
    assert table(tmp_db, "select employee_id, hours, score from training order by 1") == [("E1", 2.0, None), ("E3", 3.0, 70.0)]
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "hours", "#N/A")]
    assert result.errors[0].message("zh") == "单元格是 Excel 错误值 #N/A（公式没有算出结果），请修正公式或填入数值"
    assert result.errors[0].message("en") == "the cell holds the Excel error #N/A (its formula has no result); fix the formula or type the value"
    warning = next(w for w in result.warnings if w.key == "warn.excel_errors")
    assert warning.text("zh") == "“考核成绩”有 1 个单元格是 Excel 错误值（#DIV/0!），已按空白处理"
    assert warning.text("en") == "1 cell(s) of “Score” hold Excel errors (#DIV/0!); read as blank"


def test_excel_error_values_in_a_csv(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "考核成绩"], ["E1", "甲", "2024-03-05", "2", "#DIV/0!"],
            ["E2", "乙", "2024-03-05", "#N/A", "80"], ["E3", "丙", "2024-03-05", "3", "70"]]
    _check_excel_errors(store.import_file(write_csv(tmp_path / "x.csv", rows), "training"), tmp_db)


def test_excel_error_values_in_a_workbook(tmp_path, tmp_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "考核成绩"], ["E1", "甲", "2024-03-05", 2, "#DIV/0!"],
            ["E2", "乙", "2024-03-05", "#N/A", 80], ["E3", "丙", "2024-03-05", 3, 70]]
    _check_excel_errors(store.import_file(_xlsx(tmp_path / "x.xlsx", rows), "training"), tmp_db)


# ---------------------------------------------------------------------------------------------
# Properties: any format code, any cell text
# ---------------------------------------------------------------------------------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

FORMAT_CHARS = st.sampled_from(list('0#?.,;"\\_*[]@%/-: EMPyYmdhs$¥General通用格式小时人元') + ["[Red]", "[DBNum1]", "[$-804]"])
LABEL_CHARS = st.sampled_from(list("合总總小累共计計城关信用社支行本页 　\u00a0:：-—【】()（）万元Total sub grand统会审") +
                              ["合计", "小计", "Total", "TOTAL", "ToTaL", "ＴＯＴＡＬ", "ｔｏｔａｌ", "Ｓｕｂ"])


@hsettings(max_examples=300, deadline=None)
@given(st.lists(FORMAT_CHARS, max_size=12).map("".join), st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_any_format_code_gives_a_display_or_none_and_never_raises(code, number):
    display = values.number_display(code)
    if display is not None:
        text = display.text(float(number))
        assert isinstance(text, str) and text == text.strip()


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.lists(LABEL_CHARS, max_size=8).map("".join), min_size=1, max_size=25))
def test_the_sql_total_rule_is_the_python_one(texts):
    import duckdb
    con = duckdb.connect()
    got = [flag for (flag,) in con.execute(
        f"select {values.total_row_sql(['c0'], [])} from unnest($t) with ordinality as u(c0, i) order by i",
        {"t": texts}).fetchall()]
    assert got == [values.is_total_label(text) for text in texts]
