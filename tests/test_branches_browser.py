"""Browser test of the links on the branch views: a click on a branch in the comparison opens its profile, a click
on a name in its people opens that person's profile, the sidebar's filters kept (they are bound to the URL, which
a page switch may not set: ui.open_profile leaves them to their widgets)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from browser import wait_for_app

pytestmark = pytest.mark.browser


def click_first_cell(page: Page, table: int = 0) -> None:
    """A click on the first row's first column of the page's `table`-th table."""
    grid = page.locator("[data-testid='stDataFrame']").nth(table)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 35 + 17)  # below the 35 px header, in the first row


def test_from_a_compared_branch_to_its_profile_to_a_person(app_url: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/people?view=compare&compare=城关支行&compare=营业部&line=柜面")
        wait_for_app(page)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
        click_first_cell(page)
        page.wait_for_url(re.compile(r"view=branch"), timeout=30_000)
        wait_for_app(page)
        query = parse_qs(urlparse(page.url).query)
        assert query["unit"] == ["城关支行"]
        page.locator("[data-testid='stMetric']").first.wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        # the line filter still applies: the sidebar's widget keeps it
        lines = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").last.inner_text()
        assert lines.split() == ["条线", "柜面"], lines
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
        click_first_cell(page)  # the people table's first name
        page.wait_for_url(re.compile(r"view=person"), timeout=30_000)
        assert re.fullmatch(r"[0-9a-f]{12}", parse_qs(urlparse(page.url).query)["person"][0])
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        context.close()
