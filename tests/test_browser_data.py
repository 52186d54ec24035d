"""Browser test of the data page: a real file goes through Chromium's file chooser; the preview, the error
report download and the import's result are what a person would see."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page

from browser import REPO_ROOT, wait_for_app

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts"
# A GBK export with a title row, as Excel's "Save as CSV" writes it; one row has an impossible date.
ROWS = [("QC0001", "普惠金融业务培训", "2026/11/2", "3"), ("QC0002", "普惠金融业务培训", "2026年11月2日", "3"),
        ("QC0003", "普惠金融业务培训", "2026-11-31", "3")]
EXPORT = ("青禾县联社十一月培训台账\r\n工号,培训名称,培训日期,学时\r\n"
          + "".join(",".join(row) + "\r\n" for row in ROWS)).encode("gbk")


def metric(page: Page, label: str) -> str:
    card = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_upload_through_the_file_chooser(browser: Browser, app_url: str, tmp_path: Path) -> None:
    export = tmp_path / "十一月培训.csv"
    export.write_bytes(EXPORT)
    context = browser.new_context(viewport={"width": 1920, "height": 2400}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/data?lang=zh")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader']").wait_for()

    with page.expect_file_chooser() as chooser:  # as a person does: the button opens the system's file dialog
        page.locator("[data-testid='stFileUploaderDropzone'] button").click()
    chooser.value.set_files(str(export))
    page.locator("[data-testid='stMetric']").filter(has_text="将导入").wait_for(timeout=60_000)
    wait_for_app(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-preview-zh.png"), full_page=True)

    assert metric(page, "读取行数") == "3"
    assert metric(page, "将导入") == "2"
    assert metric(page, "有错误（拒绝）") == "1"
    main = page.locator("[data-testid='stMain']")
    # the detected encoding and header row, each a choice the analyst can change
    assert page.get_by_role("combobox", name="文字编码").input_value() == "自动（GB18030）"
    assert page.get_by_role("combobox", name="表头所在行").input_value() == "自动（第 2 行）"

    with page.expect_download() as download:
        page.get_by_role("button", name="下载错误报告（Excel）").click()
    report = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    rejected = [[cell.value for cell in row] for row in report.iter_rows(min_row=2)]
    assert [r[1:5] for r in rejected] == [list(ROWS[2])] and int(rejected[0][0]) == 5

    page.get_by_role("button", name="导入 2 行到“培训记录”").click()
    page.get_by_text("已导入第").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "新增 2 行" in main.inner_text()
    # the card now says what was imported; it does not offer the same file again as if it were new
    assert page.get_by_role("button", name="导入 2 行到“培训记录”").count() == 0
    assert "将导入" not in main.inner_text()
    page.screenshot(path=str(ARTIFACTS / "data-imported-zh.png"), full_page=True)

    page.get_by_role("link", name="查看图表").click()
    page.locator("[data-testid='stMain'] h1").filter(has_text="培训").wait_for(timeout=60_000)
    context.close()
