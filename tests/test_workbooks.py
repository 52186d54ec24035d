"""Workbooks for analysts: templates import through the real pipeline; the dictionary and the error report hold
the right cells."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from talentboard import schema, store, workbooks
from talentboard.i18n import t
from talentboard.schema import BOOL, DATASETS, DATE, ENUM, GRADE, INTEGER, NUMBER, EXAMPLES

NAMES = list(DATASETS)
BOOL_TEXT = {"中共党员": True, "群众": False, "合格": True}  # the bool texts EXAMPLES uses, read by hand
BAD_FILL = "FFC7CE"


def expected(name: str, example: dict[str, str]) -> dict:
    """An example row parsed by hand: the value the database should hold for each column."""
    values = {}
    for column in DATASETS[name].columns:
        text = example[column.name]
        if column.type == DATE:
            values[column.name] = dt.date.fromisoformat(text)
        elif column.type == NUMBER:
            values[column.name] = float(text)
        elif column.type == INTEGER:
            values[column.name] = int(text)
        elif column.type == BOOL:
            values[column.name] = BOOL_TEXT[text]
        else:
            values[column.name] = text
    return values


def stored_rows(db: Path, name: str) -> list[dict]:
    with store.connect(db) as con:
        cursor = con.execute(f"select * from {name}_rows order by _row")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def open_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


# ---------------------------------------------------------------------------------------------
# The examples
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_examples_fill_every_column_with_allowed_values_and_distinct_keys(name):
    dataset = DATASETS[name]
    first, second = EXAMPLES[name]
    grades = {g for scale in schema.GRADE_SCALES for g in scale}
    for example in (first, second):
        assert list(example) == dataset.column_names
        assert all(v.strip() for v in example.values())
        for column in dataset.columns:
            if column.type == ENUM:
                assert example[column.name] in column.values
            if column.type == GRADE:
                assert example[column.name] in grades
    assert tuple(first[k] for k in dataset.key) != tuple(second[k] for k in dataset.key)


def test_examples_tell_one_story_about_the_same_two_people():
    roster = {e["employee_id"]: (e["name"], e["branch"]) for e in EXAMPLES["employees"]}
    assert len(roster) == 2
    for name in ("training", "competition", "grading"):
        people = {e["employee_id"]: (e["name"], e["branch"]) for e in EXAMPLES[name]}
        assert people == roster
    names = {n for n, _ in roster.values()}
    for project in EXAMPLES["innovation"]:
        assert set(project["members"].split("、")) == set(roster)
        assert project["leader"] in names


# ---------------------------------------------------------------------------------------------
# Templates through the real import
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["xlsx-zh", "xlsx-en", "csv"])
def test_template_imports_its_two_examples(tmp_path, name, kind):
    if kind == "csv":
        path = tmp_path / f"{name}.csv"
        path.write_bytes(workbooks.template_csv(name))
    else:
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(workbooks.template_xlsx(name, kind[-2:]))
    db = tmp_path / "t.duckdb"
    result = store.import_file(path, name, db=db)
    assert result.rejection is None, result.rejection and result.rejection.text()
    assert (result.rows_read, result.rows_loaded, result.rows_rejected, result.rows_duplicate) == (2, 2, 0, 0)
    assert result.errors == []
    assert result.layout.mapping == dict(enumerate(DATASETS[name].column_names))  # every column recognised
    rows = stored_rows(db, name)
    assert [r["_row"] for r in rows] == [2, 3]
    for row, example in zip(rows, EXAMPLES[name]):
        assert {k: row[k] for k in DATASETS[name].column_names} == expected(name, example)


def test_template_values_read_back_as_typed(tmp_path):
    """A hand-written anchor: ids stay text, dates are dates, 万元 stays 万元."""
    db = tmp_path / "t.duckdb"
    for name in ("training", "innovation"):
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(workbooks.template_xlsx(name))
        assert store.import_file(path, name, db=db).rows_loaded == 2
    training = stored_rows(db, "training")
    assert [(r["employee_id"], r["course"], r["start_date"], r["hours"]) for r in training] == [
        ("100234", "2025年反洗钱专题培训", dt.date(2025, 3, 5), 4.0),
        ("100518", "信贷业务骨干研修班", dt.date(2025, 4, 14), 24.0)]
    innovation = stored_rows(db, "innovation")
    assert [(r["project_id"], r["funding"], r["benefit"], r["patents"]) for r in innovation] == [
        ("CX-2024-001", 5.0, 36.8, 1), ("CX-2023-004", 12.0, 150.0, 0)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_first_sheet_header_examples_and_styles(lang):
    dataset = DATASETS["training"]
    wb = open_xlsx(workbooks.template_xlsx("training", lang))
    assert wb.sheetnames == (["培训记录", "填写说明"] if lang == "zh" else ["Training records", "Columns"])
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [c.label_zh for c in dataset.columns]  # Chinese in both languages
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == "100234" and ws["A2"].data_type == "s"
    assert [ws.cell(3, j + 1).value for j in range(len(dataset.columns))] == list(EXAMPLES["training"][1].values())
    for j, column in enumerate(dataset.columns, start=1):
        cell = ws.cell(1, j)
        assert cell.font.bold == column.required
        assert (cell.fill.fgColor.rgb == workbooks.fill("REQUIRED_FILL").fgColor.rgb) == column.required
    course = dataset.column_names.index("course") + 1
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(course)].width >= 20  # 2025年反洗钱专题培训


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_second_sheet_describes_every_column(name, lang):
    dataset = DATASETS[name]
    ws = open_xlsx(workbooks.template_xlsx(name, lang)).worksheets[1]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = {"zh": ["表头", "标准列名", "类型", "必填", "可用别名", "可选值", "范围/单位", "说明"],
              "en": ["Header", "Column name", "Type", "Required", "Accepted aliases", "Allowed values",
                     "Range / unit", "Description"]}[lang]
    assert rows[0] == header
    assert len(rows) == 1 + len(dataset.columns)
    assert [r[1] for r in rows[1:]] == dataset.column_names
    assert [r[0] for r in rows[1:]] == [c.label_zh for c in dataset.columns]
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    assert [r[3] for r in rows[1:]] == [yes if c.required else no for c in dataset.columns]


def test_template_second_sheet_spells_out_types_values_and_ranges():
    def described(name, lang):
        ws = open_xlsx(workbooks.template_xlsx(name, lang)).worksheets[1]
        return {r[1]: r for r in ([c.value for c in row] for row in ws.iter_rows(min_row=2))}
    zh, en = described("training", "zh"), described("training", "en")
    assert zh["hours"][2:4] == ["数字", "是"] and en["hours"][2:4] == ["Number", "yes"]
    assert zh["hours"][6] == "大于 0；不超过 200；单位：小时" and en["hours"][6] == "more than 0; at most 200; unit: hours"
    assert zh["hours"][7] == "培训学时，大于0且不超过200" and en["hours"][7] == "Hours, more than 0 and at most 200"
    assert zh["category"][5] == "思想政治、专业技能、合规风控、营销服务、其他"
    assert zh["cost"][6] == "不小于 0；单位：元" and en["cost"][6] == "at least 0; unit: yuan"
    assert zh["score"][6] == "不小于 0；不超过 100；可写百分数，如 85%"
    assert zh["start_date"][2] == "日期" and "2025-03-05" in zh["start_date"][6]
    assert zh["course"][4] == "培训名称、培训项目、课程名称、培训内容、培训主题、课程、培训班名称"
    assert zh["organizer"][7] is None  # no description in the registry: an empty cell
    grading = described("grading", "zh")
    assert grading["grade"][5] == "一级、二级、三级、四级、五级；初级、中级、高级、资深、首席；一星、二星、三星、四星、五星"
    assert grading["year"][2] == "整数"


@pytest.mark.parametrize("name", NAMES)
def test_template_csv_is_utf8_with_bom_header_and_examples(name):
    data = workbooks.template_csv(name)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    dataset = DATASETS[name]
    assert rows == [[c.label_zh for c in dataset.columns]] + [[e[c] for c in dataset.column_names]
                                                              for e in EXAMPLES[name]]


# ---------------------------------------------------------------------------------------------
# The data dictionary
# ---------------------------------------------------------------------------------------------

def test_data_dictionary_has_every_column_of_every_dataset_in_order():
    frame = workbooks.data_dictionary()
    assert len(frame) == sum(len(d.columns) for d in DATASETS.values())
    assert list(frame.columns) == ["数据集", "表头", "标准列名", "类型", "必填", "主键", "可用别名", "可选值",
                                   "范围/单位", "说明"]
    assert list(frame["标准列名"]) == [c.name for d in DATASETS.values() for c in d.columns]
    for dataset in DATASETS.values():
        part = frame[frame["数据集"] == dataset.label_zh]
        assert list(part["标准列名"]) == dataset.column_names
        assert list(part.loc[part["主键"] == "是", "标准列名"]) == [c for c in dataset.column_names if c in dataset.key]
        assert list(part["必填"]) == ["是" if c.required else "否" for c in dataset.columns]


def test_data_dictionary_in_english():
    frame = workbooks.data_dictionary("en")
    assert list(frame.columns) == ["Dataset", "Header", "Column name", "Type", "Required", "Key",
                                   "Accepted aliases", "Allowed values", "Range / unit", "Description"]
    assert set(frame["Dataset"]) == {d.label_en for d in DATASETS.values()}
    assert set(frame["Column name"]) == {c.name for d in DATASETS.values() for c in d.columns}
    training_hours = frame[(frame["Dataset"] == "Training records") & (frame["Column name"] == "hours")].iloc[0]
    assert (training_hours["Type"], training_hours["Required"], training_hours["Key"]) == ("Number", "yes", "no")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_dictionary_xlsx_has_one_sheet_per_dataset(lang):
    wb = open_xlsx(workbooks.data_dictionary_xlsx(lang))
    datasets = list(DATASETS.values())
    assert wb.sheetnames == [d.label_en if lang == "en" else d.label_zh for d in datasets]
    for ws, dataset in zip(wb.worksheets, datasets):
        assert ws.max_row == 1 + len(dataset.columns)
        assert [ws.cell(i, 2).value for i in range(2, ws.max_row + 1)] == dataset.column_names
        assert ws.freeze_panes == "A2"


# ---------------------------------------------------------------------------------------------
# The error report
# ---------------------------------------------------------------------------------------------

@dataclass
class StandInError:
    """The attributes of ingest.RowError the report reads."""
    row: int
    position: int
    value: str | None
    texts: tuple[str, str]

    def message(self, lang: str = "zh") -> str:
        return self.texts[1] if lang == "en" else self.texts[0]


HEADERS = ["工号", "姓名", "培训名称", "培训日期", "学时", "", "备注", "备注"]  # a blank and a repeat
REJECTED = [(3, ["100234", "王丽", "反洗钱培训", "2025-13-40", "4", None, "=1+1", "x"]),
            (5, ["00518", "陈建国", "信贷研修", "2025-04-14", "abc", None, "", "y"]),
            (8, [None, "李四", "合规培训", "2025/5/6", "0", None, "备注", None])]
ERRORS = [StandInError(3, 3, "2025-13-40", ("不是可识别的日期", "not a recognisable date")),
          StandInError(5, 4, "abc", ("不是可识别的数字", "not a recognisable number")),
          StandInError(8, 0, None, ("必填项为空", "required value is empty")),
          StandInError(8, 4, "0", ("必须大于 0", "must be more than 0"))]
BAD_CELLS = {(2, 5), (3, 6), (4, 2), (4, 6)}  # (sheet row, sheet column): position + 2, after the row number


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_error_report_keeps_the_rows_and_marks_the_bad_cells(lang):
    wb = open_xlsx(workbooks.error_report_xlsx(HEADERS, REJECTED, ERRORS, lang))
    assert wb.sheetnames == (["错误行", "说明"] if lang == "zh" else ["Rejected rows", "How to fix"])
    ws = wb.worksheets[0]
    first, last = ("原行号", "错误原因") if lang == "zh" else ("Row in file", "Reason")
    assert [c.value for c in ws[1]] == [first, "工号", "姓名", "培训名称", "培训日期", "学时", None, "备注", "备注", last]
    assert ws.freeze_panes == "A2"
    assert [ws.cell(i, 1).value for i in (2, 3, 4)] == [3, 5, 8]
    for i, (_, cells) in enumerate(REJECTED, start=2):
        for j, original in enumerate(cells, start=2):
            cell = ws.cell(i, j)
            assert cell.value == (original or None)
            if original:
                assert cell.data_type == "s"  # "=1+1" stays text, "00518" keeps its zero
    reasons = [ws.cell(i, len(HEADERS) + 2).value for i in (2, 3, 4)]
    if lang == "zh":
        assert reasons == ["培训日期：不是可识别的日期", "学时：不是可识别的数字", "工号：必填项为空；学时：必须大于 0"]
    else:
        assert reasons == ["培训日期: not a recognisable date", "学时: not a recognisable number",
                           "工号: required value is empty; 学时: must be more than 0"]
    data_cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert {(c.row, c.column) for c in data_cells if c.fill.fgColor.rgb.endswith(BAD_FILL)} == BAD_CELLS
    assert {(c.row, c.column) for c in data_cells if c.comment} == BAD_CELLS
    assert ws.cell(4, 2).comment.text == ERRORS[2].message(lang)


def test_error_report_error_at_an_unknown_position_is_listed_not_highlighted():
    unplaced = StandInError(5, -1, "abc", ("不是可识别的数字", "not a recognisable number"))
    ws = open_xlsx(workbooks.error_report_xlsx(HEADERS, REJECTED[1:2], [unplaced])).worksheets[0]
    assert ws.cell(2, len(HEADERS) + 2).value == "不是可识别的数字"
    assert [c.coordinate for c in ws[2] if c.fill.fgColor.rgb.endswith(BAD_FILL) or c.comment] == []


def test_error_report_howto_says_what_to_do_with_the_extra_columns():
    howto = open_xlsx(workbooks.error_report_xlsx(HEADERS, REJECTED, ERRORS)).worksheets[1]
    lines = [howto.cell(i, 1).value for i in range(1, howto.max_row + 1)]
    assert len(lines) == 3 and all(lines)
    assert "标红" in lines[0] and "原行号" in lines[1] and "错误原因" in lines[1] and "忽略" in lines[1]


def test_report_columns_match_no_alias_of_any_dataset():
    names = [t(k, lang) for k in ("wb.col.row", "wb.col.reason") for lang in ("zh", "en")]
    assert names == ["原行号", "Row in file", "错误原因", "Reason"]
    for dataset in DATASETS.values():
        index = schema.alias_index(dataset)
        assert [n for n in names if schema.normalise_header(n) in index] == []


def test_error_report_fixed_and_uploaded_again_imports(tmp_path):
    """The analyst fixes the red cells and leaves the extra columns: every row imports."""
    wb = open_xlsx(workbooks.error_report_xlsx(HEADERS, REJECTED, ERRORS))
    ws = wb.worksheets[0]
    ws["E2"], ws["F3"], ws["B4"], ws["F4"] = "2025-03-05", "6", "100777", "2"
    path = tmp_path / "fixed.xlsx"
    wb.save(path)
    db = tmp_path / "t.duckdb"
    result = store.import_file(path, "training", db=db)
    assert result.rejection is None, result.rejection and result.rejection.text()
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    assert {"原行号", "错误原因"} <= set(result.layout.ignored)
    rows = stored_rows(db, "training")
    assert [(r["employee_id"], r["start_date"], r["hours"]) for r in rows] == [
        ("100234", dt.date(2025, 3, 5), 4.0), ("00518", dt.date(2025, 4, 14), 6.0),
        ("100777", dt.date(2025, 5, 6), 2.0)]


# ---------------------------------------------------------------------------------------------
# The error report from the real pipeline's errors
# ---------------------------------------------------------------------------------------------

BAD_CSV = [["工号", "姓名", "培训名称", "培训日期", "学时"],
           ["100234", "王丽", "反洗钱培训", "2025-03-05", "4"],
           ["100518", "陈建国", "信贷研修", "2025-04-14", "abc"],
           ["100777", "李四", "合规培训", "2025-05-06", "2"]]


def dry_run_bad_csv(tmp_path: Path):
    path = tmp_path / "bad.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(BAD_CSV)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    db = tmp_path / "t.duckdb"
    return store.import_file(path, "training", dry_run=True, db=db), db


def test_dry_run_of_a_bad_csv_reports_the_bad_cell(tmp_path):
    result, db = dry_run_bad_csv(tmp_path)
    assert (result.rows_read, result.rows_rejected, result.rows_loaded) == (3, 1, 2)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "hours", "abc")]
    assert stored_rows(db, "training") == []


def test_error_report_from_a_real_import(tmp_path):
    result, _ = dry_run_bad_csv(tmp_path)
    assert result.rejected_rows == [(3, BAD_CSV[2])]  # the rejected row as the file holds it
    ws = open_xlsx(workbooks.error_report_xlsx(result.layout.headers, result.rejected_rows,
                                               result.errors)).worksheets[0]
    assert [ws.cell(2, j).value for j in range(1, 8)] == [3, *BAD_CSV[2], "学时：不是可识别的数字"]
    filled = {c.column for c in ws[2] if c.fill.fgColor.rgb.endswith(BAD_FILL)}
    assert filled == {BAD_CSV[0].index("学时") + 2}
