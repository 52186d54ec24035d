"""Presentation mode in a real Chromium: the sidebar and Streamlit's chrome are gone, the arrow keys (and a clicker's
PageDown/PageUp) move between the views, each view fits a 1920×1080 screen and a laptop's 1366×768, and a screenshot of every view (both
languages at 1920, English at 1366) is saved under test-artifacts/present/ to be looked at."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import wait_for_app
from conftest import REPO_ROOT
from talentboard import views
from talentboard.i18n import t
from test_present import TITLE_KEYS as TITLES  # each view's title key

pytestmark = pytest.mark.browser
ARTIFACTS = REPO_ROOT / "test-artifacts" / "present"


def wait_for_title(page, text: str) -> None:
    page.locator("[data-testid='stMain'] h1", has_text=text).first.wait_for(timeout=30_000)
    wait_for_app(page)


CHROME = ("[data-testid='stSidebar']", "header[data-testid='stHeader']", "[data-testid='stSidebarCollapsedControl']",
          "[data-testid='stExpandSidebarButton']")


def assert_chrome_hidden(page) -> None:
    """The sidebar and Streamlit's header are not shown. A few seconds are allowed for a run still being drawn (the
    first open runs twice: once on an assumed screen height, once on the reported one); a failure says whether
    presentation mode's style sheet was on the page, the run's state and the URL."""
    for selector in CHROME:
        try:
            expect(page.locator(selector).first).to_be_hidden(timeout=10_000)  # also passes when there is none
        except AssertionError as error:
            found = page.evaluate("""(() => ({
              present_style: Array.from(document.querySelectorAll('style'))
                .filter(s => s.textContent.includes('st-key-present_kpis')).length,
              script_state: document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state'),
              url: location.href, titles: Array.from(document.querySelectorAll('h1')).map(h => h.textContent)}))()""")
            raise AssertionError(f"{selector} shown: {found}") from error


@pytest.mark.parametrize("lang, width, height", [("zh", 1920, 1080), ("en", 1920, 1080), ("en", 1366, 768)])
def test_presentation_hides_the_sidebar_and_the_keys_move_between_views(app_url: str, browser, lang: str, width: int,
                                                                        height: int) -> None:
    """At a meeting room's 1920x1080 and a laptop's 1366x768 (smaller type, the chart sized to what is left)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{app_url}/?present=1&range=last_year&lang={lang}")
        wait_for_app(page)
        wait_for_title(page, t("slide.kpis", lang))
        assert_chrome_hidden(page)
        keys = list(views.SLIDES)
        for n, key in enumerate(keys):
            wait_for_title(page, t(TITLES[key], lang))
            page.locator("[data-testid='stPlotlyChart'] .main-svg, [data-testid='stMetric']").first.wait_for(timeout=30_000)
            page.wait_for_timeout(600)  # Plotly draws after the run ends
            assert page.locator("[data-testid='stException']").count() == 0
            # one view per screen: nothing to scroll to at 1920x1080
            overflow = page.evaluate("(() => { const m = document.querySelector('[data-testid=stMain]');"
                                     " return m.scrollHeight - m.clientHeight; })()")
            assert overflow <= 4, (key, overflow)
            page.screenshot(path=str(ARTIFACTS / f"{n + 1:02d}-{key}-{lang}-{width}.png"))
            if n + 1 < len(keys):
                page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")  # round the end
        wait_for_title(page, t("slide.kpis", lang))
        page.keyboard.press("ArrowLeft")
        wait_for_title(page, t(TITLES[keys[-1]], lang))
        page.keyboard.press("PageDown")  # a presenter's clicker
        wait_for_title(page, t("slide.kpis", lang))
        page.keyboard.press("PageUp")
        wait_for_title(page, t(TITLES[keys[-1]], lang))
        assert f"slide={len(keys)}" in page.url and "mask=1" in page.url
    finally:
        context.close()


def test_the_sidebar_button_starts_and_escape_leaves(app_url: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/training?range=last_year")
        wait_for_app(page)
        wait_for_title(page, t("page.training", "zh"))
        page.locator("[data-testid='stSidebar']").get_by_role("button", name=t("present.start", "zh")).click()
        wait_for_title(page, t("training.branch_hours", "zh"))
        assert_chrome_hidden(page)
        # a laptop's 768 lines: the chart takes what the text around it leaves (the window's height, reported by
        # the page), so the view still fits without scrolling, its fifteen branch names all shown
        page.wait_for_function("(() => { const p = document.querySelector('.js-plotly-plot');"
                               " return p && p.getBoundingClientRect().height < 500; })()", timeout=30_000)
        wait_for_app(page)
        page.wait_for_timeout(600)
        overflow = page.evaluate("(() => { const m = document.querySelector('[data-testid=stMain]');"
                                 " return m.scrollHeight - m.clientHeight; })()")
        assert overflow <= 4, overflow
        ticks = page.locator(".js-plotly-plot .yaxislayer-above .ytick text").evaluate_all("els => els.map(e => e.textContent)")
        assert len(ticks) == 15 and "双河信用社" in ticks, ticks
        assert "present=1" in page.url and "range=last_year" in page.url
        page.keyboard.press("Escape")
        wait_for_title(page, t("page.training", "zh"))
        expect(page.locator("[data-testid='stSidebar']").first).to_be_visible(timeout=10_000)  # the style sheet gone with the run
        assert "present=1" not in page.url and "range=last_year" in page.url
    finally:
        context.close()


def download_from_sidebar(browser, url: str, title: str, button: str, into) -> Path:
    """Open `url`, wait for the page titled `title`, click the sidebar's `button` and keep what it downloads."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(url)
        wait_for_app(page)
        wait_for_title(page, title)
        with page.expect_download(timeout=120_000) as download:
            page.locator("[data-testid='stSidebar']").get_by_role("button", name=button).click()
        path = into / download.value.suggested_filename
        download.value.save_as(path)
        return path
    finally:
        context.close()


def test_the_sidebar_downloads_the_deck_of_the_pages_filters(app_url: str, browser, tmp_path) -> None:
    """The deck made on a click (outside the page's run) holds the views of the sidebar's filters and language."""
    from pptx import Presentation
    path = download_from_sidebar(browser, f"{app_url}/training?range=last_year&lang=en", t("page.training", "en"),
                                 t("present.download_deck", "en"), tmp_path)
    assert path.suffix == ".pptx" and path.name.startswith("talent-briefing_")
    deck = Presentation(str(path))
    texts = " ".join(shape.text_frame.text for s in deck.slides for shape in s.shapes if shape.has_text_frame)
    assert t("slide.kpis", "en") in texts and t("training.branch_hours", "en") in texts
    assert "2025-01-01 to 2025-12-31" in texts  # the sidebar's period, in the sidebar's language
    assert sum(1 for s in deck.slides for shape in s.shapes if shape.has_chart) >= 9


def test_the_sidebar_downloads_the_report_of_the_pages_filters(app_url: str, browser, tmp_path) -> None:
    """The HTML report made on a click holds the sidebar's filters and privacy switch, and is self-contained."""
    path = download_from_sidebar(browser, f"{app_url}/competition?range=last_year&branch=城关支行&mask=1",
                                 t("page.competition", "zh"), t("present.download_report", "zh"), tmp_path)
    assert path.suffix == ".html" and path.name.startswith("人才发展情况汇报_")
    html = path.read_text(encoding="utf-8")
    assert "2025-01-01 至 2025-12-31 · 机构: 城关支行 · 隐私模式" in html
    assert "<script src" not in html and t("comp.medals", "zh") in html
