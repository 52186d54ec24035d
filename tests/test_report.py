"""The HTML report (talentboard/report.py): one self-contained file, nothing fetched, its numbers the measures'
for the same filters, in the reader's language, masked as the dashboard masks; and `python -m talentboard
report` end to end. The browser half (opened offline, printed to A4) is in tests/test_report_browser.py."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
import pytest

from conftest import REPO_ROOT, _decoded
from talentboard import innovation, metrics, privacy, report, store, training, views
from talentboard.i18n import t
from talentboard.metrics import Filters, format_number

CJK = re.compile(r"[\u3400-\u9fff]")
SPEC = re.compile(r'<script type="application/json" data-chart="chart-([\w-]+)">(.*?)</script>', re.S)
BRANCH = "城关支行"


class Sections(HTMLParser):
    """A report's views by id: the h2, the takeaway, and every table's header and rows as text."""

    def __init__(self, page: str):
        super().__init__()
        self.views: dict[str, dict] = {}
        self.current: dict | None = None
        self.text: list[str] | None = None
        self.row: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.current = self.views.setdefault(attrs["id"], {"h2": "", "takeaway": "", "th": [], "rows": [],
                                                                "kpis": []})
        elif tag in ("h2", "th", "td") or tag == "p" and attrs.get("class") == "takeaway" \
                or tag == "div" and attrs.get("class") == "value":
            self.text = []
        elif tag == "tr":
            self.row = []

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if self.current is None or self.text is None and tag != "tr":
            return
        if tag == "tr":
            if self.row:
                self.current["rows"].append(self.row)
            self.row = None
            return
        text = "".join(self.text)
        if tag == "h2":
            self.current["h2"] = text
        elif tag == "p":
            self.current["takeaway"] = text
        elif tag == "div":
            self.current["kpis"].append(text)
        elif tag == "th":
            self.current["th"].append(text)
        elif tag == "td":
            self.row.append(text)
        self.text = None


def made(db: Path, query: str, shown: privacy.Privacy | None = None) -> str:
    """The report for a dashboard query string, as the command line makes it (`shown`: another privacy)."""
    scope, ask, orgs = views.scope_and_reader(str(db), query)
    if shown is not None:
        scope.privacy, ask = shown, views.reader(str(db), shown)
    return report.build(views.slides(ask, scope), views.cover(scope, orgs), scope).decode("utf-8")


def chart_specs(page: str) -> dict[str, dict]:
    """Every chart's figure as drawn (data, layout, config), numbers as plain lists, by view key."""
    return {key: _decoded(json.loads(body)) for key, body in SPEC.findall(page)}


def bars(spec: dict) -> dict[str, float]:
    """A horizontal bar chart's category (as stored) -> length, over its bar traces."""
    return {views.plain(name): value for trace in spec["data"] if trace["type"] == "bar"
            for name, value in zip(trace["y"], trace["x"])}


def last_year(db: Path, branches: tuple[str, ...] = ()) -> Filters:
    """The filters `range=last_year` means, worked out here: the calendar year before the newest data's."""
    with store.reading(db) as con:
        newest = max(d for d in metrics.as_of_dates(con).values() if d is not None)
    return Filters(dt.date(newest.year - 1, 1, 1), dt.date(newest.year - 1, 12, 31), branches=branches)


def test_self_contained(demo_db):
    page = made(demo_db, "range=last_year")
    library = plotly.offline.get_plotlyjs()
    assert page.count(library) == 1  # plotly.js inlined, once
    ours = page.replace(library, "")  # the report's own markup, styles and scripts
    tags = re.findall(r"<script\b[^>]*>", ours)
    assert tags and all("src" not in tag for tag in tags)
    for banned in ("<link", "@import", "@font-face", "url(", "http://", "https://", "//cdn", "MathJax"):
        assert banned not in ours, banned
    assert ours.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    style = re.search(r"<style>(.*?)</style>", ours, re.S).group(1)
    assert '"Noto Sans CJK SC"' in style and "@page {size: A4 portrait" in style
    specs = chart_specs(page)
    assert list(specs) == ["index", "trend", "branch_hours", "branch_coverage", "attainment", "participation",
                           "medals", "funnel", "benefit"]
    for key, spec in specs.items():  # each chart fits A4 portrait's printable width; the dashboard's config
        assert spec["layout"]["width"] == report.CHART_WIDTH <= (210 - 2 * 12) / 25.4 * 96, key
        assert spec["config"]["locale"] == "zh-CN" and spec["config"]["modeBarButtons"] == [["toImage"]]
        assert spec["layout"]["height"] <= report.CHART_MAX_HEIGHT


@pytest.mark.parametrize("branches", [(), (BRANCH,)], ids=["all", "one_branch"])
def test_numbers_match_the_measures(demo_db, branches):
    query = "range=last_year" + "".join(f"&branch={b}" for b in branches)
    page = made(demo_db, query)
    specs, sections = chart_specs(page), Sections(page).views
    filters = last_year(demo_db, branches)
    with store.reading(demo_db) as con:
        scorecard = metrics.branch_scorecard(con, Filters(filters.start, filters.end))  # every branch: the ranking
        by_branch = training.by_branch(con, filters).dropna(subset=["hours_per_head"])
        stages = innovation.funnel(con, filters)
        everywhere = innovation.funnel(con, Filters(filters.start, filters.end))
        headcount = metrics.overview(con, filters).headcount
    assert len(scorecard) == 15 and len(by_branch) == (1 if branches else 15)
    # the talent index of every branch in the ranking; the branch picked is drawn as its own, highlighted trace
    assert bars(specs["index"]) == pytest.approx(dict(zip(scorecard["branch"], scorecard["talent_index"])))
    named = {trace["name"]: {views.plain(y) for y in trace["y"]} for trace in specs["index"]["data"]}
    assert named.get(t("overview.chosen", "zh"), set()) == set(branches)
    assert bars(specs["branch_hours"]) == pytest.approx(dict(zip(by_branch["branch"], by_branch["hours_per_head"])))
    funnel = next(trace for trace in specs["funnel"]["data"] if trace["type"] == "funnel")
    assert funnel["x"] == stages["projects"].tolist()
    assert (stages["projects"].tolist() != everywhere["projects"].tolist()) == bool(branches)
    # the numbers behind the funnel, as its table prints them
    table = sections["view-funnel"]
    assert table["th"] == [t("innov.col.stage", "zh"), t("innov.col.projects", "zh"), t("report.col.stage_name", "zh")]
    assert [row[1] for row in table["rows"]] == [f"{n:,}" for n in stages["projects"]]
    assert sections["view-kpis"]["kpis"][0] == format_number(headcount, "zh")
    assert len(sections) == 1 + 1 + len(specs)  # the cover, the KPI wall, the charts


def test_english(demo_db):
    page = made(demo_db, "range=last_year&lang=en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    sections = Sections(page).views
    titles = {key.removeprefix("view-"): view["h2"] for key, view in sections.items() if key != "cover"}
    assert titles == {"kpis": "Key figures", "index": "Talent development index by branch",
                      "trend": "Training hours and person-times by month", "branch_hours": "Hours per head by branch",
                      "branch_coverage": "Training coverage by branch",
                      "attainment": "Target attainment by line and year",
                      "participation": "Participation rate by line and year", "medals": "Medal points by branch",
                      "funnel": "How far projects get", "benefit": "Benefit by studio"}
    headers = [th for view in sections.values() for th in view["th"]]
    assert headers and not [h for h in headers if CJK.search(h) or re.fullmatch(r"[a-z_]+", h)]
    assert sections["cover"]["h2"] == "" and "<h1>Talent development briefing</h1>" in page
    assert all(spec["config"]["locale"] == "en" for spec in chart_specs(page).values())


def test_masked_leaves_out_small_groups(demo_db):
    """mask=1 with a minimum of 10: the two branches of fewer than 10 staff are nowhere in the report, and each
    breakdown they were left out of says so."""
    filters = last_year(demo_db)
    with store.reading(demo_db) as con:
        scorecard = metrics.branch_scorecard(con, filters)
    small = set(scorecard.loc[scorecard["headcount"] < 10, "branch"])
    assert len(small) == 2
    shown = made(demo_db, "range=last_year")
    masked = made(demo_db, "range=last_year&mask=1", privacy.Privacy(mask=True, min_group=10))
    assert all(name in shown for name in small)
    assert not [name for name in small if name in masked]
    assert set(bars(chart_specs(masked)["index"])) == set(scorecard["branch"]) - small
    left_out = t("privacy.suppressed", "zh", n=2, min=10)
    assert masked.count(left_out) == 3 and left_out not in shown  # the index, hours and coverage charts
    assert t("slide.masked", "zh") in masked.split("</section>")[0]  # the cover says the names are masked


def test_names_are_text():
    """A name holding markup is drawn and listed as those characters: it neither ends the figure's script nor
    makes an element."""
    name = '</script><img src=x onerror="alert(1)">&amp;'
    data = pd.DataFrame({"branch": [name, "城关支行"], "hours_per_head": [12.5, 40.0]})
    chart = views.branch_hours(data, 40.0, "zh", dt.date(2026, 1, 31))
    scope = views.Scope(Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), "zh", dt.date(2026, 1, 31))
    slide = views.Slide("branch_hours", name, takeaway=name, chart=chart)
    page = report.build([slide], views.Cover(name, name, name, name, name), scope).decode("utf-8")
    ours = page.replace(plotly.offline.get_plotlyjs(), "")
    assert "<img" not in ours and name not in ours
    assert ours.count("</script>") == 3  # plotly.js, the figure, the script drawing it
    assert bars(chart_specs(page)["branch_hours"]) == {name: 12.5, "城关支行": 40.0}
    sections = Sections(page).views
    assert sections["view-branch_hours"]["h2"] == name and sections["view-branch_hours"]["rows"][0][0] == name
    assert f"<title>{name}" not in page and "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;" in ours


def test_table_cells():
    assert report.cell("coverage", 0.8742) == ("87.4%", True)
    assert report.cell("hours", 23100.0) == ("23,100", True)
    assert report.cell("hours_per_head", 42.44) == ("42.4", True)
    assert report.cell("year", 2025) == ("2025", True)
    assert report.cell("month", pd.Timestamp("2025-03-01")) == ("2025-03", False)
    assert report.cell("benefit", float("nan")) == ("—", False) and report.cell("branch", pd.NA) == ("—", False)


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TALENTBOARD_DB": str(db)}
    env.pop("TALENTBOARD_LANG", None)
    return subprocess.run([sys.executable, "-m", "talentboard", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_end_to_end(demo_db, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "briefing.html"
    query = f"range=last_year&branch={BRANCH}&lang=en&mask=1"
    run = cli(demo_db, "--lang", "en", "report", str(out), "--query", query)
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    assert [p.name for p in folder.iterdir()] == ["briefing.html"]  # no partial file left beside it
    sections = Sections(page).views
    assert run.stdout.strip() == t("cli.briefing_written", "en", file=out, n=len(sections) - 1)
    assert '<html lang="en">' in page and sections["view-kpis"]["h2"] == "Key figures"
    assert "Names masked" in page and BRANCH in page
    filters = last_year(demo_db, (BRANCH,))
    with store.reading(demo_db) as con:
        stages = innovation.funnel(con, filters)
    funnel = next(trace for trace in chart_specs(page)["funnel"]["data"] if trace["type"] == "funnel")
    assert funnel["x"] == stages["projects"].tolist()
    # a link the dashboard would not show as asked: exit 2, a message, nothing written
    for bad, words in (("range=someday", "someday"), ("branch=没有这个支行", "没有这个支行")):
        missing = folder / "bad.html"
        run = cli(demo_db, "report", str(missing), "--query", bad)
        assert run.returncode == 2 and words in run.stderr, (run.returncode, run.stderr)
        assert [p.name for p in folder.iterdir()] == ["briefing.html"]


def test_a_chart_is_drawn_as_the_page_draws_it(demo_db):
    """The figure in the file is the slide's own after charts.finish, at the report's width: the same traces."""
    scope, ask, _ = views.scope_and_reader(str(demo_db), "range=last_year")
    slide = views.slide(ask, scope, "medals")
    spec = report.figure_spec(slide, scope.lang)
    own = json.loads(go.Figure(slide.chart.figure).to_json())
    assert _decoded(spec["data"]) == _decoded(own["data"])
    assert spec["layout"]["margin"] == own["layout"]["margin"] and spec["layout"]["annotations"] == own["layout"]["annotations"]
