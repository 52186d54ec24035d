"""Browser test of the person profile's links: a search finds a namesake and opens their record (the key in
the URL), and the profile's branch button opens that branch's profile, the sidebar's filters kept."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from browser import wait_for_app

pytestmark = pytest.mark.browser


def test_search_a_person_then_open_their_branch(app_url: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/people?view=person&line=柜面")
        wait_for_app(page)
        search = page.get_by_placeholder("输入姓名或工号，按回车")
        search.fill("毛洁")  # two in the demo: 金桥信用社 and 青石信用社, both tellers
        search.press("Enter")
        wait_for_app(page)
        page.get_by_text("找到 2 人，请选择").wait_for(timeout=30_000)
        page.locator("[data-testid='stSelectbox']").last.click()
        page.get_by_role("option", name=re.compile("毛洁 · 青石信用社")).click()
        page.wait_for_url(re.compile(r"person=[0-9a-f]{12}"), timeout=30_000)
        wait_for_app(page)
        page.locator("[data-testid='stMetric']").first.wait_for(timeout=30_000)
        header = page.locator("[data-testid='stHeading']").filter(has_text="毛洁")
        assert header.count() == 1
        assert page.get_by_text(re.compile(r"^青石信用社 · 柜面条线")).count() == 1
        assert page.locator("[data-testid='stException']").count() == 0
        page.get_by_role("button", name="青石信用社网点档案").click()
        page.wait_for_url(re.compile(r"view=branch"), timeout=30_000)
        wait_for_app(page)
        query = parse_qs(urlparse(page.url).query)
        assert query["unit"] == ["青石信用社"]
        page.locator("[data-testid='stMetric']").first.wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        lines = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").last.inner_text()
        assert lines.split() == ["条线", "柜面"], lines
    finally:
        context.close()
