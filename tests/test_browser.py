"""Browser smoke test: the real server on an empty database loads the demo and renders the overview in zh and en."""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from browser import REPO_ROOT, launch_chromium, running_app, wait_for_app

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts"
VIEWPORT = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # An empty database: the app loads the shipped demo on its first start.
    db_path = tmp_path_factory.mktemp("browser-db") / "talentboard.duckdb"
    with running_app(db_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


def metrics(page: Page) -> list[tuple[str, str]]:
    """(label, value) of every KPI card on the page."""
    cards = page.locator("[data-testid='stMetric']")
    return [
        (card.locator("[data-testid='stMetricLabel']").inner_text().strip(),
         card.locator("[data-testid='stMetricValue']").inner_text().strip())
        for card in cards.all()
    ]


def assert_no_errors(page: Page) -> None:
    exceptions = page.locator("[data-testid='stException']")
    errors = page.locator("[data-testid='stAlertContentError']")
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    assert errors.count() == 0, errors.all_inner_texts()


@pytest.mark.parametrize(
    ("query", "title", "headcount_label", "screenshot"),
    [
        ("", "总览", "在岗人数", "overview-zh-1920.png"),
        ("?lang=en", "Overview", "Headcount", "overview-en-1920.png"),
    ],
    ids=["zh", "en"],
)
def test_overview_renders(page: Page, app_url: str, query: str, title: str,
                          headcount_label: str, screenshot: str) -> None:
    page.goto(f"{app_url}/{query}")
    wait_for_app(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)

    assert_no_errors(page)
    heading = page.locator("[data-testid='stMain'] h1").first
    assert title in heading.inner_text()
    cards = metrics(page)
    headcount = [value for label, value in cards if headcount_label in label]
    assert headcount, f"no metric labelled {headcount_label!r} among {cards}"
    assert any(re.search(r"\d", value) for value in headcount), headcount
