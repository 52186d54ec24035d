"""AppTest of the data page (数据管理): real uploads through st.file_uploader into a DuckDB file, checked
against numbers worked out here from the files the tests write."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from conftest import rendered_strings
from talentboard import store, uploads
from talentboard.metrics import format_number

REPO_ROOT = Path(__file__).resolve().parent.parent
PERIOD = {"range": "custom", "period": ["2025-01-01", "2025-12-31"]}

# The roster already in the store: (id, name, branch, status)
ROSTER = [("E1", "甲", "城关信用社", "在岗"), ("E2", "乙", "城关信用社", "在岗"), ("E3", "丙", "东关信用社", "在岗"),
          ("E4", "丁", "东关信用社", "在岗")]
# Training already in the store, and a corrected year the analyst replaces it with: (id, course, date, hours)
TRAINING = [("E1", "反洗钱", "2025-03-05", 3.0), ("E2", "党史学习", "2025-04-01", 2.0)]
CORRECTED = [("E1", "反洗钱", "2025-03-05", 4.0), ("E3", "柜面技能", "2025-05-08", 6.0),
             ("E4", "柜面技能", "2025-05-08", 6.0)]


def csv_text(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def training_rows(records) -> list[list[object]]:
    return [["工号", "培训名称", "培训日期", "学时"], *[list(r) for r in records]]


@pytest.fixture
def store_db(tmp_path, tmp_db) -> Path:
    """Roster and two training records, imported through the pipeline as the command line would."""
    roster = tmp_path / "roster.csv"
    roster.write_text(csv_text([["工号", "姓名", "机构", "状态"], *map(list, ROSTER)]), encoding="utf-8")
    training = tmp_path / "training.csv"
    training.write_text(csv_text(training_rows(TRAINING)), encoding="utf-8")
    assert store.import_file(roster, "employees").exit_code == 0
    assert store.import_file(training, "training").exit_code == 0
    return tmp_db


def data_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> str:
    """Upload one file; returns the widget-key prefix of its card."""
    at.file_uploader(key="data_files").set_value((name, data, mime))
    run(at)
    return "data_" + hashlib.sha256(data).hexdigest()[:12]


def run(target) -> AppTest:
    """Run the app (or the app a just-set widget belongs to) and insist nothing raised."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str):
    """The one table on the page that has this column (AppTest does not expose a dataframe's key)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def checks(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def current(dataset: str, columns: str) -> list[tuple]:
    with store.connect() as con:
        return con.execute(f"select {columns} from {dataset} order by all").fetchall()


def overview_kpis() -> dict[str, str]:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    for key, value in PERIOD.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return {m.label: m.value for m in at.metric}


def test_gbk_csv_with_a_title_row(store_db):
    records = [("E3", "信贷业务培训", "2025/6/3", "2"), ("E4", "信贷业务培训", "2025年6月3日", "2.5")]
    data = ("青禾县联社2025年培训台账（第二季度）\r\n" + csv_text(training_rows(records))).encode("gbk")
    at = data_page()
    key = upload(at, "二季度培训.csv", data)
    assert at.selectbox(key=f"{key}_dataset").value == "training"  # guessed from the header
    assert at.selectbox(key=f"{key}_encoding").options[0] == "自动（GB18030）"
    assert at.selectbox(key=f"{key}_header").options[0] == "自动（第 2 行）"
    assert checks(at) == {"读取行数": "2", "将导入": "2", "重复（跳过）": "0", "有错误（拒绝）": "0"}
    first_rows = table_with(at, "course")
    assert list(first_rows["course"]) == ["信贷业务培训"] * 2

    run(at.button(key=f"{key}_import").click())
    assert "新增 2 行" in at.success[0].value
    assert "现有 4 行（导入前 2 行）" in at.markdown.values[[i for i, v in enumerate(at.markdown.values)
                                                          if "现有" in v][0]]
    got = current("training", "employee_id, course, start_date, hours")
    assert [r for r in got if r[1] == "信贷业务培训"] == [("E3", "信贷业务培训", dt.date(2025, 6, 3), 2.0),
                                                      ("E4", "信贷业务培训", dt.date(2025, 6, 3), 2.5)]
    batch = store.history()[0]
    assert (batch["file"], batch["origin"], batch["encoding"], batch["header_row"]) == \
        ("二季度培训.csv", "web", "gb18030", 2)


def test_xlsx_with_its_header_on_row_3(store_db):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "在岗人员"
    sheet["A1"] = "青禾县农村信用合作联社职工花名册"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "截至2025年12月31日"
    people = [("1001", "张明", "城关信用社", "柜面", "1990-05-01"), ("1002", "李红", "双河信用社", "信贷", "1988-11-20"),
              ("1003", "王强", "双河信用社", "柜面", "1995-02-14")]
    for row in [("工号", "姓名", "所属机构", "条线", "出生日期"), *people]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    at = data_page()
    key = upload(at, "花名册.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert at.selectbox(key=f"{key}_dataset").value == "employees"
    assert at.selectbox(key=f"{key}_header").options[0] == "自动（第 3 行）"
    assert at.radio(key=f"{key}_employees_mode").options == ["更新", "替换"]  # the roster is an upsert
    assert checks(at)["将导入"] == "3"
    run(at.button(key=f"{key}_import").click())
    got = current("employees", "employee_id, name, branch, line, birth_date")
    assert [r for r in got if r[0].startswith("100")] == [
        (i, n, b, line, dt.date.fromisoformat(d)) for i, n, b, line, d in people]
    assert len(got) == len(ROSTER) + len(people)


def test_an_unknown_column_mapped_by_hand_and_remembered(store_db):
    header = ["人员代码", "培训名称", "培训日期", "学时"]
    first = csv_text([header, ["E3", "合规培训", "2025-07-01", "3"]]).encode("utf-8")
    at = data_page()
    key = upload(at, "导出1.csv", first)
    assert "还缺少必填字段：工号（employee_id）" in at.warning[0].value and not at.error
    widget = at.selectbox(key=f"{key}_training_map_0")
    assert widget.label == "人员代码 ⚠" and widget.value == ""
    run(widget.set_value("employee_id"))
    assert not at.error
    assert checks(at)["将导入"] == "1"
    run(at.button(key=f"{key}_import").click())
    assert ("E3", "合规培训") in current("training", "employee_id, course")

    # next month's export has the same layout: the hand-made choice is applied by itself
    second = csv_text([header, ["E4", "合规培训", "2025-08-01", "3"]]).encode("utf-8")
    at = data_page()
    key = upload(at, "导出2.csv", second)
    assert at.selectbox(key=f"{key}_training_map_0").value == "employee_id"
    assert "已套用上次" in " ".join(c.value for c in at.caption)
    run(at.button(key=f"{key}_import").click())
    assert ("E4", "合规培训") in current("training", "employee_id, course")


def test_bad_rows_are_listed_and_the_error_report_holds_them(store_db, downloads):
    rows = [["工号", "培训名称", "培训日期", "学时"],
            ["E3", "案防培训", "2025-09-01", "2"],
            ["E4", "案防培训", "2025-13-45", "2"],  # no such date
            ["E1", "营销培训", "2025-09-02", "abc"],  # not a number
            ["E2", "营销培训", "2025-09-02", "300"]]  # over 200 hours
    data = csv_text(rows).encode("utf-8")
    at = data_page()
    key = upload(at, "九月培训.csv", data)
    assert checks(at) == {"读取行数": "4", "将导入": "1", "重复（跳过）": "0", "有错误（拒绝）": "3"}
    errors = table_with(at, "reason")
    # spreadsheet rows: the header is row 1
    assert list(zip(errors["row"], errors["column"], errors["value"])) == [
        (3, "培训日期", "2025-13-45"), (4, "学时", "abc"), (5, "学时", "300")]
    report = openpyxl.load_workbook(io.BytesIO(downloads["错误报告-九月培训.xlsx"])).worksheets[0]
    table = [[cell.value for cell in row] for row in report.iter_rows()]
    assert table[0][1:5] == rows[0]
    assert [r[1:5] for r in table[1:]] == rows[2:]
    assert [int(r[0]) for r in table[1:]] == [3, 4, 5]
    assert "不能大于 200" in table[3][5]

    run(at.button(key=f"{key}_import").click())
    assert "新增 1 行" in at.success[0].value and "拒绝 3 行" in at.success[0].value
    assert [r for r in current("training", "employee_id, course") if r[1] in ("案防培训", "营销培训")] == \
        [("E3", "案防培训")]


def test_strict_mode_loads_nothing_when_a_row_is_bad(store_db):
    data = csv_text([["工号", "培训名称", "培训日期", "学时"], ["E3", "案防培训", "2025-09-01", "2"],
                     ["E4", "案防培训", "not a date", "2"]]).encode("utf-8")
    at = data_page()
    key = upload(at, "strict.csv", data)
    run(at.checkbox(key=f"{key}_strict").check())
    assert "严格模式" in at.error[0].value
    assert at.button(key=f"{key}_import").disabled
    assert len(current("training", "*")) == len(TRAINING)


def test_replace_then_rollback_restores_the_views(store_db):
    before = overview_kpis()
    hours = lambda records: format_number(sum(h for *_, h in records))
    assert before["培训总学时"] == hours(TRAINING)

    at = data_page()
    key = upload(at, "更正后的培训.csv", csv_text(training_rows(CORRECTED)).encode("utf-8"))
    run(at.radio(key=f"{key}_training_mode").set_value("replace"))
    assert checks(at)["将导入"] == str(len(CORRECTED))  # replacing: rows already there load again
    run(at.button(key=f"{key}_import").click())
    replaced = overview_kpis()
    assert replaced["培训总学时"] == hours(CORRECTED)
    assert replaced["培训覆盖率"] == f"{3 / 4 * 100:.1f}%"  # E1, E3, E4 of four on duty

    batch = store.history()[0]["batch_id"]
    run(at.selectbox(key="data_batch").set_value(batch))
    run(at.button(key="data_rollback").click())
    assert "确定吗" in at.warning[-1].value and store.history()[0]["status"] == "active"  # asks first
    run(at.button(key="data_rollback_yes").click())
    assert store.history()[0]["status"] == "rolled_back"
    assert overview_kpis() == before


def test_uploading_the_same_file_again_adds_nothing(store_db):
    data = csv_text(training_rows(CORRECTED)).encode("utf-8")
    at = data_page()
    key = upload(at, "培训.csv", data)
    run(at.button(key=f"{key}_import").click())
    batches = len(store.history())
    rows = current("training", "*")

    at = data_page()
    key = upload(at, "培训（再次）.csv", data)
    assert checks(at)["将导入"] == "0" and checks(at)["重复（跳过）"] == str(len(CORRECTED))
    assert any("没有新数据" in i.value for i in at.info)
    assert any("内容与第" in c.value for c in at.caption)  # the same file as an earlier batch
    assert at.button(key=f"{key}_import").disabled
    assert len(store.history()) == batches and current("training", "*") == rows


def test_history_downloads_a_batch_and_clear_demo(tmp_db, downloads):
    at = data_page()  # an empty database: the demo loads
    assert store.state().demo_active
    demo_batches = {b["batch_id"]: b for b in store.history()}
    newest = max(demo_batches)
    assert at.selectbox(key="data_batch").value == newest
    rows = demo_batches[newest]["rows_loaded"]
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("-data_batch_rows"))
    assert button.label == f"下载这一批的 {rows:,} 行（CSV）"  # built when clicked, from store.batch_rows
    demo = (REPO_ROOT / "data" / "demo" / demo_batches[newest]["file"]).read_text(encoding="utf-8-sig")
    titles = list(store.batch_rows(newest)["title"])
    assert len(titles) == rows and all(title in demo for title in titles)

    run(at.button(key="data_clear_demo").click())
    assert store.state().demo_active  # not before the confirmation
    run(at.button(key="data_clear_demo_yes").click())
    assert not store.state().demo_active
    assert all(store.row_count(name) == 0 for name in ("employees", "training", "competition", "grading",
                                                          "innovation"))
    assert any("已清除示例数据（5 批）" in s.value for s in at.success)


def test_the_page_in_english(store_db):
    data = ("Title row\r\n" + csv_text(training_rows([("E3", "信贷业务培训", "2025-06-03", "2")]))).encode("utf-8")
    at = data_page("en")
    assert at.title[0].value == "Data"
    key = upload(at, "q2.csv", data)
    assert at.selectbox(key=f"{key}_encoding").options[0] == "Auto (UTF-8)"
    assert checks(at) == {"Rows read": "1", "To load": "1", "Duplicates (skipped)": "0", "Rejected": "0"}
    assert at.button(key=f"{key}_import").label == "Import 1 rows into “Training records”"


@pytest.mark.parametrize("name,data,message", [
    ("空.csv", b"", "文件是空的：空.csv"),
    ("照片.csv", bytes(range(256)) * 8, "照片.csv 不是可识别的表格文件"),
    ("坏的.xlsx", b"PK\x03\x04" + b"\x00" * 200, "无法打开 Excel 文件 坏的.xlsx"),
])
def test_unreadable_files_say_why_and_change_nothing(store_db, name, data, message):
    before = current("training", "*"), store.history()
    at = data_page()
    upload(at, name, data)
    assert message in at.error[0].value  # the user's own file name, not the stored copy's
    assert (current("training", "*"), store.history()) == before


def test_a_wrong_encoding_choice_is_a_message_and_can_be_undone(store_db):
    data = csv_text(training_rows([("E3", "信贷业务培训", "2025-06-03", "2")])).encode("utf-8")
    at = data_page()
    key = upload(at, "六月.csv", data)
    run(at.selectbox(key=f"{key}_encoding").set_value("utf-16"))
    assert "无法按 utf-16 编码读取 六月.csv" in at.error[0].value
    run(at.selectbox(key=f"{key}_encoding").set_value("gb18030"))  # UTF-8 Chinese read as GB18030 is gibberish
    assert "没有找到可识别的表头" in at.error[0].value
    run(at.selectbox(key=f"{key}_encoding").set_value("auto"))
    assert not at.error and checks(at)["将导入"] == "1"


def test_a_workbook_whose_data_is_on_its_second_sheet(store_db):
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["本表请于每月5日前报送"])
    sheet = book.create_sheet("培训明细")
    for row in training_rows([("E3", "信贷业务培训", "2025-06-03", 2), ("E4", "信贷业务培训", "2025-06-03", 2)]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    at = data_page()
    key = upload(at, "明细.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert at.selectbox(key=f"{key}_sheet").value == "培训明细"  # found on its own
    assert at.selectbox(key=f"{key}_sheet").options == ["填表说明", "培训明细"]
    assert checks(at)["将导入"] == "2"
    run(at.selectbox(key=f"{key}_sheet").set_value("填表说明"))
    assert "没有找到可识别的表头" in at.error[0].value
    assert at.button(key=f"{key}_import").disabled


def test_two_files_at_once_and_the_same_content_twice(store_db):
    training = csv_text(training_rows([("E3", "信贷业务培训", "2025-06-03", "2")])).encode("utf-8")
    grading = csv_text([["评定年度", "工号", "评定等级"], ["2025", "E1", "三级"], ["2025", "E2", "二级"]]).encode("gbk")
    at = data_page()
    at.file_uploader(key="data_files").set_value([("培训.csv", training, "text/csv"), ("等级.csv", grading, "text/csv"),
                                                  ("培训副本.csv", training, "text/csv")])
    run(at)
    keys = ["data_" + hashlib.sha256(d).hexdigest()[:12] for d in (training, grading)]
    assert [at.selectbox(key=f"{k}_dataset").value for k in keys] == ["training", "grading"]
    assert any("“培训副本.csv”与“培训.csv”内容相同" in c.value for c in at.caption)
    run(at.button(key=f"{keys[1]}_import").click())
    run(at.button(key=f"{keys[0]}_import").click())
    assert current("grading", "year, employee_id, grade") == [(2025, "E1", "三级"), (2025, "E2", "二级")]
    assert ("E3", "信贷业务培训") in current("training", "employee_id, course")


def test_a_roster_update_through_the_page(store_db):
    data = csv_text([["工号", "姓名", "机构", "状态"], ["E1", "甲", "东关信用社", "在岗"], ["E5", "戊", "东关信用社", "在岗"]])
    at = data_page()
    key = upload(at, "花名册更新.csv", data.encode("utf-8"))
    assert at.radio(key=f"{key}_employees_mode").value == "upsert"
    assert checks(at)["将导入"] == "2"  # E1 changed branch, E5 is new
    run(at.button(key=f"{key}_import").click())
    assert current("employees", "employee_id, branch") == [
        ("E1", "东关信用社"), ("E2", "城关信用社"), ("E3", "东关信用社"), ("E4", "东关信用社"), ("E5", "东关信用社")]
    link = at.get("page_link")[0]
    # the roster feeds the overview: the app's default page, at the site's root
    overview = next(h for h, page in at._registered_pages.items() if str(page.get("script_path", "")).endswith("overview.py"))
    assert (link.proto.label, link.proto.page_script_hash, link.proto.page) == ("查看图表", overview, "")


def test_the_progress_bar_hears_every_stage_in_order(store_db, tmp_path):
    data = csv_text(training_rows([("E3", "信贷业务培训", "2025-06-03", "2")])).encode("utf-8")
    heard: list[tuple[float, str]] = []
    upload_file = uploads.keep("progress.csv", data)
    result = uploads.run_import(upload_file, uploads.Choices("training"), progress=lambda f, s: heard.append((f, s)))
    assert result.batch_id is not None
    assert [s for _, s in heard] == ["progress.read", "progress.parse", "progress.duplicates", "progress.write"]
    assert [f for f, _ in heard] == sorted(f for f, _ in heard) and all(0 <= f < 1 for f, _ in heard)


def test_columns_without_a_name_or_with_the_same_name_are_mapped_by_position(store_db):
    # a merged 成绩 header over two columns (theory, practice) leaves the name twice; the course has no header
    rows = [["工号", "", "培训日期", "学时", "成绩", "成绩"],
            ["E3", "信贷业务培训", "2025-06-03", "2", "80", "95"],
            ["E4", "信贷业务培训", "2025-06-03", "2", "70", "88"]]
    at = data_page()
    key = upload(at, "两级表头.csv", csv_text(rows).encode("utf-8"))
    assert [at.selectbox(key=f"{key}_training_map_{j}").label for j in (1, 4, 5)] == ["第 2 列 ⚠", "成绩", "成绩 ⚠"]
    run(at.selectbox(key=f"{key}_training_map_1").set_value("course"))
    run(at.selectbox(key=f"{key}_training_map_5").set_value("score"))  # the practical score, not the first
    assert [at.selectbox(key=f"{key}_training_map_{j}").value for j in (1, 4, 5)] == ["course", "", "score"]
    run(at.button(key=f"{key}_import").click())
    assert [r for r in current("training", "employee_id, course, score") if r[1] == "信贷业务培训"] == [
        ("E3", "信贷业务培训", 95.0), ("E4", "信贷业务培训", 88.0)]


# ---------------------------------------------------------------------------------------------
# The first real import and the demo; the picker, the open tab and the card after an import
# ---------------------------------------------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
DATASET_NAMES = ("employees", "training", "competition", "grading", "innovation")


def blocks(node):
    """Every block of the page's element tree, depth first."""
    from streamlit.testing.v1.element_tree import Block
    for child in getattr(node, "children", {}).values():
        if isinstance(child, Block):
            yield child
            yield from blocks(child)


def open_tab(at: AppTest) -> int:
    """The tab the browser shows after this run (the one the tab container opens on)."""
    [container] = [b for b in blocks(at._tree) if b.type == "tab_container"]
    return container.proto.tab_container.default_tab_index


def test_the_first_real_import_clears_the_demo_first(tmp_db):
    at = data_page()  # an empty database: the demo loads
    demo_rows = sum(store.row_count(name) for name in DATASET_NAMES)
    assert store.state().demo_active and demo_rows > 0
    assert "默认先清除示例数据" in at.info[0].value  # what the notice promises ...
    records = [("E1", "反洗钱", "2025-03-05", "3"), ("E2", "党史学习", "2025-04-01", "2")]
    key = upload(at, "本单位培训.csv", csv_text(training_rows(records)).encode("utf-8"))
    box = at.checkbox(key=f"{key}_clear_demo")
    assert (box.label, box.value) == ("先清除示例数据", True)  # ... is what the page does
    assert checks(at)["将导入"] == "2"
    run(at.button(key=f"{key}_import").click())
    assert not store.state().demo_active
    assert current("training", "employee_id, course") == [("E1", "反洗钱"), ("E2", "党史学习")]
    assert sum(store.row_count(name) for name in DATASET_NAMES) == 2  # 2 real rows, no fictional ones
    assert any("导入前已清除示例数据（5 批）" in m for m in at.markdown.values)
    assert not [b for b in at.checkbox if b.key == f"{key}_clear_demo"]


def test_the_demo_stays_when_the_box_is_unticked(tmp_db):
    at = data_page()
    demo_training = store.row_count("training")
    key = upload(at, "本单位培训.csv", csv_text(training_rows([("E1", "反洗钱", "2025-03-05", "3")])).encode("utf-8"))
    run(at.checkbox(key=f"{key}_clear_demo").uncheck())
    run(at.button(key=f"{key}_import").click())
    assert store.state().demo_active and store.row_count("training") == demo_training + 1


def test_after_an_import_the_card_shows_what_was_imported_and_the_picker_offers_it(store_db):
    at = data_page()
    first_newest = store.history()[0]["batch_id"]
    assert at.selectbox(key="data_batch").value == first_newest
    records = [("E3", "信贷业务培训", "2025-06-03", "2"), ("E4", "信贷业务培训", "2025-06-03", "2")]
    key = upload(at, "六月.csv", csv_text(training_rows(records)).encode("utf-8"))
    run(at.button(key=f"{key}_import").click())
    # the result of the import, not the same file previewed again as "将导入 0" with a disabled button
    assert checks(at) == {"读取行数": "2", "已导入": "2", "重复（跳过）": "0", "有错误（拒绝）": "0"}
    assert not [b for b in at.button if b.key == f"{key}_import"]
    assert not any("没有新数据" in i.value for i in at.info)
    newest = store.history()[0]["batch_id"]
    assert newest == first_newest + 1 and at.selectbox(key="data_batch").value == newest
    run(at.selectbox(key="data_batch").set_value(first_newest))  # a batch the user picks stays picked
    assert at.selectbox(key="data_batch").value == first_newest


def test_a_rollback_keeps_the_history_tab_open(store_db):
    at = data_page()
    assert open_tab(at) == 0
    at.session_state["data_tab"] = "导入历史"  # the user opens the history tab
    run(at)
    assert open_tab(at) == 1
    run(at.button(key="data_rollback").click())
    run(at.button(key="data_rollback_yes").click())
    assert store.history()[0]["status"] == "rolled_back"
    assert open_tab(at) == 1 and any("已回滚第" in s.value for s in at.success)
    at.query_params["lang"] = "en"  # and across a change of language
    run(at)
    assert open_tab(at) == 1


def test_rows_with_no_category_show_as_other_with_a_warning(store_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "培训类别"], ["E3", "信贷业务培训", "2025-06-03", "2", ""],
            ["E4", "党课", "2025-06-04", "2", "党建"]]
    at = data_page()
    key = upload(at, "类别.csv", csv_text(rows).encode("utf-8"))
    assert list(table_with(at, "category")["category"]) == ["其他", "思想政治"]
    assert "⚠ “培训类别”有 1 行为空，已记为“其他”" in [c.value for c in at.caption]
    run(at.button(key=f"{key}_import").click())
    assert [r for r in current("training", "employee_id, category") if r[0] in ("E3", "E4")] == [
        ("E3", "其他"), ("E4", "思想政治")]


def test_the_error_table_says_whose_row_it_is(store_db):
    rows = [["工号", "姓名", "培训名称", "培训日期", "学时"], ["E3", "丙", "案防培训", "2025-09-01", "abc"],
            ["E4", "丁", "案防培训", "", "2"], ["E1", "甲", "案防培训", "2025-09-01", "2"]]
    at = data_page()
    upload(at, "九月.csv", csv_text(rows).encode("utf-8"))
    errors = table_with(at, "reason")
    assert list(errors.columns) == ["row", "employee_id", "name", "column", "value", "reason"]
    assert list(zip(errors["row"], errors["employee_id"], errors["name"], errors["column"], errors["value"])) == [
        (2, "E3", "丙", "学时", "abc"), (3, "E4", "丁", "培训日期", "（空）")]
    frame = next(d for d in at.dataframe if "reason" in d.value.columns)
    headings = {name: spec.get("label") for name, spec in json.loads(frame.proto.columns).items()}
    assert (headings["employee_id"], headings["name"]) == ("工号", "姓名")


def test_no_cell_reads_none_nan_or_nat(store_db):
    rows = [["工号", "培训名称", "培训日期", "学时", "考核成绩", "是否合格", "培训费用"],
            ["E3", "信贷业务培训", "2025-06-03", "2", "85.5", "合格", ""],
            ["E4", "信贷业务培训", "2025-06-03", "2", "", "", "300"],
            ["E1", "", "2025-06-03", "2", "", "", ""]]  # no course: rejected, its value empty
    at = data_page()
    key = upload(at, "成绩.csv", csv_text(rows).encode("utf-8"))
    first_rows = table_with(at, "score")
    assert list(first_rows["score"]) == ["85.5", "—"] and list(first_rows["passed"]) == ["是", "—"]
    assert list(first_rows["cost"]) == ["—", "300"]
    missing = {"None", "nan", "NaN", "NaT", "<NA>"}
    assert not missing & set(rendered_strings(at))
    run(at.button(key=f"{key}_import").click())  # from the page: no user known, the history says —
    assert store.history()[0]["user_name"] is None
    assert not missing & set(rendered_strings(at))
    assert table_with(at, "user_name")["user_name"].iloc[0] == "—"
    # the history fits 1366 px: read and duplicate counts come with "show all columns"; the status stays in view
    history = next(d for d in at.dataframe if "user_name" in d.value.columns)
    assert list(history.proto.column_order) == ["batch_id", "imported_at", "user_name", "file", "dataset", "mode",
                                                "rows_loaded", "rows_rejected", "status"]


def test_an_import_in_english_shows_no_chinese_but_the_files_own_values(store_db):
    rows = [["工号", "姓名", "培训名称", "培训日期", "学时", "培训类别", "是否合格", "培训费用（万元）", "备注"],
            ["E3", "丙", "信贷业务培训", "2025-06-03", "2", "团建活动", "合格", "0.5", "x"],
            ["E4", "丁", "信贷业务培训", "2025-06-03", "abc", "", "也许", "", ""],
            ["E2", "乙", "信贷业务培训", "2025-06-03", "2", "", "", "", ""],
            ["合计", "", "", "", "4", "", "", "", ""]]
    from_file = sorted({v for row in rows for v in row if CJK.search(v)}, key=len, reverse=True)

    def chinese_left(at: AppTest) -> list[str]:
        strings = rendered_strings(at.tabs[0]) + rendered_strings(at.tabs[1])
        for value in from_file:
            strings = [s.replace(value, "") for s in strings]
        return [s for s in strings if CJK.search(s)]

    at = data_page("en")
    key = upload(at, "q2.csv", csv_text(rows).encode("utf-8"))
    captions = " ".join(c.value for c in at.caption)
    assert "“Cost” is headed in 10k yuan; converted to yuan" in captions
    assert "row(s) have no “Category”; recorded as “Other”" in captions
    assert "expected yes or no" in " ".join(table_with(at, "reason")["reason"])
    assert chinese_left(at) == []
    run(at.button(key=f"{key}_import").click())
    assert checks(at)["Loaded"] == "2"
    assert chinese_left(at) == []


def test_no_command_line_flags_or_config_paths_on_the_page(store_db):
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    sheet = book.create_sheet("培训明细")
    for row in training_rows([("E3", "信贷业务培训", "2025-06-03", 2)]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    for lang in ("zh", "en"):
        at = data_page(lang)
        upload(at, "明细.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        strings = rendered_strings(at)
        assert any("可选择其他工作表" in s or "Another can be chosen" in s for s in strings)
        assert not [s for s in strings if "--sheet" in s or "--map" in s or "config.toml" in s or "maxUploadSize" in s]


def test_the_uploader_speaks_the_readers_language(store_db):
    zh, en = uploads.uploader_css("zh", 200), uploads.uploader_css("en", 200)
    # Streamlit's own English is hidden and ours shown: the button, the size limit and the drop hint
    for css in (zh, en):
        assert css.count("display: none") == 2 and css.count("::after") == 3
        assert '[data-testid="stFileUploaderDropzoneInstructions"]' in css and "url(" not in css and "@import" not in css
    assert 'content: "选择文件"' in zh and 'content: "每个文件不超过 200 MB · CSV、XLSX、XLS"' in zh
    assert 'content: "松开鼠标即可上传"' in zh
    assert 'content: "Choose files"' in en and not CJK.search(en)
    at = data_page()
    ours = [h for h in at.get("html") if "stFileUploaderDropzone" in h.proto.body]
    assert len(ours) == 1 and "选择文件" in ours[0].proto.body  # on the page, once
