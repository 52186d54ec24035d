"""In Chromium: the HTML report opens offline (from file://, every request off the machine refused) with no error
and every chart drawn, and prints to A4 one view a page; every dashboard view prints clean (no sidebar, header,
widgets or buttons; charts within the page). Pictures to look at: test-artifacts/report/ and test-artifacts/print/."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page

from browser import REPO_ROOT, wait_for_app
from talentboard import report, views
from talentboard.i18n import t

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts"
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")  # a page object; /Pages is the tree above them
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
A4_POINTS = (595, 842)  # 210 x 297 mm


def pages(pdf: bytes) -> int:
    """The number of pages of a PDF Chromium wrote (its page objects are not compressed into object streams)."""
    return len(PAGE.findall(pdf))


def sizes(pdf: bytes) -> set[tuple[int, int]]:
    return {(round(float(w)), round(float(h))) for w, h in MEDIA_BOX.findall(pdf)}


@pytest.fixture(scope="module")
def briefing(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """The report for last year with one branch picked, written where a browser opens it: (file, views, charts)."""
    scope, ask, orgs = views.scope_and_reader(str(demo_template), "range=last_year&branch=城关支行")
    slides = views.slides(ask, scope)
    path = tmp_path_factory.mktemp("report") / "briefing.html"
    path.write_bytes(report.build(slides, views.cover(scope, orgs), scope))
    return path, len(slides), sum(1 for s in slides if s.chart is not None)


def test_report_opens_offline_and_prints_a_view_a_page(browser: Browser, briefing) -> None:
    path, n_views, n_charts = briefing
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sent: list[str] = []

    def refuse(route):  # nothing leaves the machine: a request that would is recorded and refused
        sent.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!file:|data:|blob:|about:).*"), refuse)
    page = context.new_page()
    problems: list[str] = []
    requested: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_function(f"document.querySelectorAll('.chart .main-svg').length >= {n_charts}", timeout=30_000)
    page.wait_for_timeout(500)  # anything a chart would fetch after drawing has been asked for by now
    assert problems == [] and sent == []
    assert requested == [path.as_uri()]
    drawn = page.evaluate("[...document.querySelectorAll('.chart')].map(c => c.querySelectorAll('.main-svg').length > 0)")
    assert drawn == [True] * n_charts
    assert page.locator("section.view").count() == 1 + n_views
    ARTIFACTS.joinpath("report").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report" / "screen.png"))

    page.emulate_media(media="print")
    printable = int((210 - 2 * 12) / 25.4 * 96)  # A4 portrait less the report's 12 mm margins: 702 CSS px
    page.set_viewport_size({"width": printable, "height": 1000})  # laid out as on the printed page
    edges = page.evaluate("[...document.querySelectorAll('.chart .main-svg')].map(s => s.getBoundingClientRect().right)")
    assert len(edges) >= n_charts and max(edges) <= printable
    assert page.evaluate("document.documentElement.scrollWidth") <= printable  # nothing cut at the right edge
    assert page.evaluate("[...document.querySelectorAll('.modebar-container, details')]"
                         ".every(e => getComputedStyle(e).display === 'none')")
    for section in page.locator("section.view").all()[:4]:  # the first views, as printed
        section.screenshot(path=str(ARTIFACTS / "report" / f"print-{section.get_attribute('id')}.png"))
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (ARTIFACTS / "report" / "briefing.pdf").write_bytes(pdf)
    assert pages(pdf) == 1 + n_views  # the cover, then one page a view: no chart spills onto a second page
    assert sizes(pdf) == {A4_POINTS}
    context.close()


# Every dashboard view printed from a 1920 x 1080 screen (the widest charts); the people view on a branch profile.
VIEWS = {"overview": "", "training": "training", "competition": "competition", "innovation": "innovation",
         "people": "people?view=branch&unit=城关支行", "data": "data"}
LEFT_OUT = ["stSidebar", "stHeader", "stToolbar", "stButton", "stDownloadButton", "stSelectbox", "stMultiSelect",
            "stCheckbox", "stTextInput", "stButtonGroup", "stFileUploader", "stElementToolbar"]
KEPT = ["stPlotlyChart", "stDataFrame", "stMetric"]
VISIBLE = """(ids) => Object.fromEntries(ids.map(id => [id, [...document.querySelectorAll(`[data-testid=${id}]`)]
    .filter(e => { const style = getComputedStyle(e), box = e.getBoundingClientRect();
                   return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0 && box.height > 0; })
    .length]))"""  # how many of each kind of element a reader sees


@pytest.fixture
def screen(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_prints_clean(screen: Page, app_url: str, view: str) -> None:
    page = screen
    page.goto(f"{app_url}/{VIEWS[view]}")
    wait_for_app(page)
    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=30_000)
    page.wait_for_function("document.querySelectorAll('[data-testid=stSkeleton]').length === 0", timeout=60_000)
    wait_for_app(page)
    page.wait_for_timeout(1000)  # Plotly has drawn
    on_screen = page.evaluate(VISIBLE, LEFT_OUT + KEPT)
    assert on_screen["stSidebar"] == 1 and on_screen["stHeader"] == 1
    who = page.get_by_text(t("drill.who", "zh"), exact=True)  # the caption of the buttons opening lists of people
    assert who.filter(visible=True).count() == (view in ("overview", "training", "competition"))

    page.emulate_media(media="print")
    page.wait_for_timeout(1000)  # the charts drawn again at the printed width
    shown = page.evaluate(VISIBLE, LEFT_OUT + KEPT)
    assert {id: shown[id] for id in LEFT_OUT} == {id: 0 for id in LEFT_OUT}
    assert {id: shown[id] for id in KEPT} == {id: on_screen[id] for id in KEPT}  # every chart, table and KPI kept
    assert who.filter(visible=True).count() == 0  # nor the buttons' caption
    # nothing reaches past the view's right edge (the PDF shrinks a view wider than the page to fit)
    overflow = page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMainBlockContainer]').getBoundingClientRect();
        return [...document.querySelectorAll('[data-testid=stPlotlyChart], [data-testid=stDataFrame], [data-testid=stMetric]')]
            .map(e => e.getBoundingClientRect()).filter(b => b.left < main.left - 1 || b.right > main.right + 1).length; }""")
    assert overflow == 0
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{view}.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (folder / f"{view}.pdf").write_bytes(pdf)
    assert sizes(pdf) == {A4_POINTS[::-1]}  # landscape, as the view's @page asks
    least = 1 + (on_screen["stPlotlyChart"] > 2)  # a view with charts below its KPIs takes more than one page
    assert least <= pages(pdf) <= 4 + on_screen["stPlotlyChart"] + on_screen["stDataFrame"], pages(pdf)
