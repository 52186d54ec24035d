"""The briefing deck (talentboard/deck.py): a PPTX whose charts are native PowerPoint charts holding the
dashboard's numbers for the same filters, worked out here from the measures; the command line end to end."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from talentboard import charts, competition, deck, innovation, metrics, privacy, store, training, views
from talentboard.i18n import t
from talentboard.schema import display

REPO_ROOT = Path(__file__).resolve().parent.parent
# two calendar years, so the charts by line and year draw a bar per year (grouped, with a legend)
TWO_YEARS = "range=custom&period=2025-07-01&period=2026-06-30"
BRANCH = "城关支行"


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory) -> Path:
    """A private copy of the demo store for this module (only read)."""
    path = tmp_path_factory.mktemp("deck") / "talentboard.duckdb"
    shutil.copyfile(demo_template, path)
    return path


def made(db: Path, query: str):
    """The views a dashboard URL with `query` shows, the deck of them (reopened), and the filters."""
    scope, ask, orgs = views.scope_and_reader(str(db), query)
    shown = views.slides(ask, scope)
    data = deck.build(shown, views.cover(scope, orgs), scope)
    return shown, Presentation(io.BytesIO(data)), scope


@pytest.fixture(scope="module")
def two_years(demo):
    return made(demo, TWO_YEARS)


@pytest.fixture(scope="module")
def one_branch(demo):
    return made(demo, f"range=last_year&branch={BRANCH}")


def every_shape(shapes):
    for shape in shapes:
        yield shape
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from every_shape(shape.shapes)


def charts_by_key(shown, presentation) -> dict:
    """Each view's native chart, by the view's key."""
    out = {}
    for view, page in zip(shown, list(presentation.slides)[1:]):
        frames = [shape for shape in page.shapes if shape.has_chart]
        if view.chart is not None:
            assert len(frames) == 1, view.key
            out[view.key] = frames[0].chart
    return out


def values_of(chart, plot: int = 0) -> dict[str, dict[str, float]]:
    """{series name: {category: value}} of a plot, None values left out, rounded."""
    categories = list(chart.plots[plot].categories)
    return {series.name: {c: round(v, 4) for c, v in zip(categories, series.values) if v is not None}
            for series in chart.plots[plot].series}


def rounded(frame: pd.DataFrame, key: str, value: str, scale: float = 1.0) -> dict[str, float]:
    return {str(k): round(float(v) * scale, 4) for k, v in zip(frame[key], frame[value])}


def test_slides_titles_and_no_pictures(two_years):
    shown, presentation, scope = two_years
    assert [view.key for view in shown] == list(views.SLIDES)  # the demo has every view to show
    assert len(presentation.slides) == 1 + len(shown)
    assert (presentation.slide_width, presentation.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    titles = [page.shapes.title.text for page in presentation.slides]
    assert titles == [t("slide.deck_title", "zh")] + [view.title for view in shown]
    cover_text = " ".join(shape.text_frame.text for shape in presentation.slides[0].shapes if shape.has_text_frame)
    assert "2025-07-01 至 2026-06-30" in cover_text and "数据截至" in cover_text and "生成于" in cover_text
    for view, page in zip(shown, list(presentation.slides)[1:]):
        shapes = list(every_shape(page.shapes))
        assert not [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE], view.key
        frames = [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.CHART]
        assert len(frames) == (0 if view.cards else 1) and all(f.has_chart for f in frames), view.key
        text = " ".join(s.text_frame.text for s in shapes if s.has_text_frame)
        assert view.takeaway in text
        assert views.scope_line(scope) in text
        if view.chart is not None:  # the footer gives the chart's own dataset's date, and its note
            stamp = next(note.text for note in view.chart.figure.layout.annotations if note.name == "as_of")
            assert stamp in text and (view.chart.note or "") in text
    dates = {re.search(r"\d{4}-\d\d-\d\d", page.shapes[-1].text_frame.text).group()
             for page in list(presentation.slides)[1:]}
    assert len(dates) > 1  # training, competition and innovation data run to different days


def test_every_shape_lies_on_the_slide_and_none_covers_another(two_years):
    """Title, takeaway, chart (or cards) and footer stacked top to bottom, each inside the 16:9 page."""
    _, presentation, _ = two_years
    width, height = presentation.slide_width, presentation.slide_height
    for number, page in enumerate(presentation.slides, 1):
        boxes = sorted((shape.top, shape.top + shape.height, shape.left, shape.left + shape.width, shape.name)
                       for shape in page.shapes)
        for top, bottom, left, right, name in boxes:
            assert 0 <= top < bottom <= height and 0 <= left < right <= width, (number, name)
        rows = [box for box in boxes if box[3] - box[2] > width / 2]  # the full-width bands
        for upper, lower in zip(rows, rows[1:]):
            assert upper[1] <= lower[0], (number, upper[4], lower[4])
        cards = [box for box in boxes if box[3] - box[2] <= width / 2]
        if cards:  # the KPI wall: between the takeaway and the footer
            assert rows[1][1] <= min(c[0] for c in cards) and max(c[1] for c in cards) <= rows[-1][0]


def test_kpi_cards_are_text_shapes_with_the_overview_numbers(demo, two_years):
    shown, presentation, scope = two_years
    cards = [shape for shape in presentation.slides[1].shapes if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    assert len(cards) == 10
    texts = [shape.text_frame.text.split("\n") for shape in cards]
    with store.reading(str(demo)) as con:
        now = metrics.overview(con, scope.filters)
    by_label = {lines[0]: lines[1:] for lines in texts}
    assert by_label[t("kpi.headcount", "zh")][0] == metrics.format_number(now.headcount, "zh")
    assert by_label[t("kpi.person_times", "zh")][0] == metrics.format_number(now.person_times, "zh")
    for label, value, change, _ in shown[0].cards:
        assert by_label[label] == [value] + ([change] if change else [])
    # in two rows of five, left to right
    places = sorted((round(c.top / 1e5), c.left) for c in cards)
    assert [c.text_frame.text.split("\n")[0] for c in sorted(cards, key=lambda c: (c.top, c.left))] == \
        [card[0] for card in shown[0].cards] and len({top for top, _ in places}) == 2


def test_chart_numbers_equal_the_measures(demo, two_years):
    shown, presentation, scope = two_years
    native = charts_by_key(shown, presentation)
    filters = scope.filters
    with store.reading(str(demo)) as con:
        scorecard = metrics.branch_scorecard(con, filters.ranking_scope())
        by_month = training.hours_by_month(con, filters)
        branches = training.by_branch(con, filters).dropna(subset=["hours_per_head"])
        attainment = training.attainment(con, filters)
        participation = competition.participation(con, filters)
        by_award = competition.medal_points(con, filters)
        medals = competition.medal_table(con, filters)
        stages = innovation.funnel(con, filters)
        studios = innovation.studios(con, filters)

    # the talent index: the top 20 branches, highest on top
    index = native["index"]
    best = scorecard.sort_values(["talent_index", "branch"], ascending=[False, True]).head(charts.TOP_N)
    assert list(index.plots[0].categories) == best["branch"].tolist()
    assert list(values_of(index).values()) == [rounded(best, "branch", "talent_index")]

    # hours (bars) and person-times (a line on the secondary axis) by month, months as 2026-03
    trend = native["trend"]
    months = by_month.groupby("month", as_index=False)[["hours", "person_times"]].sum()
    labels = [pd.Timestamp(m).strftime("%Y-%m") for m in months["month"]]
    assert list(trend.plots[0].categories) == labels and labels[0] == "2025-07"
    assert [type(plot).__name__ for plot in trend.plots] == ["BarPlot", "LinePlot"]
    assert list(values_of(trend, 0).values()) == [dict(zip(labels, months["hours"].round(4)))]
    assert list(values_of(trend, 1).values()) == [dict(zip(labels, months["person_times"].astype(float)))]

    # hours per head and coverage by branch, the lowest on top
    hours = native["branch_hours"]
    assert values_of(hours) == {t("training.axis.hours_per_head", "zh"): rounded(branches, "branch", "hours_per_head")}
    drawn = hours.plots[0].series[0].values
    assert list(drawn) == sorted(drawn) and len(drawn) == len(branches)
    coverage = native["branch_coverage"]
    assert list(values_of(coverage).values()) == [rounded(branches, "branch", "coverage", 100)]
    drawn = coverage.plots[0].series[0].values
    assert list(drawn) == sorted(drawn)

    # attainment and participation by line, a series per year
    assert values_of(native["attainment"]) == {
        str(year): rounded(rows, "line", "attainment", 100)
        for year, rows in attainment.groupby("year") if rows["trained"].sum() > 0}
    rates = participation.assign(participation_rate=participation["participation_rate"].fillna(0))
    assert values_of(native["participation"]) == {
        str(year): rounded(rows, "line", "participation_rate", 100) for year, rows in rates.groupby("year")}
    assert len(native["participation"].plots[0].series) == 2 and native["participation"].has_legend

    # medal points by branch and award, stacked, the medal table's order top down
    points = native["medals"]
    assert list(points.plots[0].categories) == medals["branch"].tolist()
    expected = {display("competition", "award", award, "zh"): rounded(rows, "branch", "points")
                for award, rows in by_award.groupby("award", sort=False)}
    assert values_of(points) == expected
    assert [s.name for s in points.plots[0].series] == [display("competition", "award", a, "zh")
                                                         for a in competition.AWARD_POINTS]

    # the project funnel, the first stage on top
    funnel = native["funnel"]
    assert list(funnel.plots[0].categories) == views.stage_names(stages, "zh")
    assert values_of(funnel) == {t("innov.funnel", "zh"): dict(zip(views.stage_names(stages, "zh"),
                                                                   stages["projects"].astype(float)))}

    # benefit by studio, highest on top
    benefit = native["benefit"]
    ranked = studios.sort_values("benefit", ascending=False)
    assert list(benefit.plots[0].categories) == ranked["studio"].tolist()
    assert list(values_of(benefit).values()) == [rounded(ranked, "studio", "benefit")]


def test_charts_read_as_the_screen(demo, two_years):
    """Orientation, order, stacking, colours, labels and the second axis as the page's figures draw them."""
    shown, presentation, _ = two_years
    native = charts_by_key(shown, presentation)
    for key in ("index", "branch_hours", "branch_coverage", "medals", "funnel", "benefit"):
        chart = native[key]
        assert chart.plots[0]._element.find(qn("c:barDir")).get("val") == "bar", key  # horizontal
        # the first category on top, the value axis at the bottom
        assert chart.category_axis.reverse_order, key
        assert chart.value_axis._element.find(qn("c:crosses")).get("val") == "max", key
    for key in ("trend", "attainment", "participation"):
        assert native[key].plots[0]._element.find(qn("c:barDir")).get("val") == "col"
        assert not native[key].category_axis.reverse_order
    assert native["medals"].plots[0]._element.find(qn("c:grouping")).get("val") == "stacked"
    assert native["participation"].plots[0]._element.find(qn("c:grouping")).get("val") == "clustered"
    # colours: a series keeps its trace's colour, a bar of a one-trace chart its own
    years = native["participation"].plots[0].series
    assert [str(s.format.fill.fore_color.rgb) for s in years] == \
        [views.YEAR_COLOURS[s.name].lstrip("#").upper() for s in years]
    with store.reading(str(demo)) as con:
        palette = charts.colour_map(innovation.studio_names(con))
    bars = native["benefit"].plots[0]
    for i, studio in enumerate(bars.categories):
        assert str(bars.series[0].points[i].format.fill.fore_color.rgb) == palette[studio].lstrip("#").upper()
    # the value axis's range and ticks as the figure sets them
    coverage = native["branch_coverage"].value_axis
    assert (coverage.minimum_scale, coverage.maximum_scale, coverage.major_unit) == (0, 101, 25)
    attainment = native["attainment"].value_axis
    assert (attainment.minimum_scale, attainment.maximum_scale, attainment.major_unit) == (0, 115, 25)
    # value labels in the figure's format
    assert native["branch_coverage"].plots[0].data_labels.number_format == '#,##0.0"%"'
    assert native["index"].plots[0].data_labels.number_format == "0"
    assert native["medals"].plots[0].data_labels.number_format == "#,##0;-#,##0;"  # a 0 segment unlabelled
    # the trend: one chart, person-times on a secondary value axis on the right
    plot_area = native["trend"].element.find(".//" + qn("c:plotArea"))
    axes = plot_area.findall(qn("c:valAx"))
    assert len(axes) == 2 and axes[1].find(qn("c:axPos")).get("val") == "r"
    line_axes = [a.get("val") for a in plot_area.find(qn("c:lineChart")).findall(qn("c:axId"))]
    assert line_axes[1] == axes[1].find(qn("c:axId")).get("val")
    # its data still edits in PowerPoint: the chart's workbook holds both columns the series point to
    workbook = openpyxl.load_workbook(io.BytesIO(native["trend"].part.chart_workbook.xlsx_part.blob))
    rows = list(workbook.active.iter_rows(values_only=True))
    line = native["trend"].plots[1].series[0]
    assert line._element.find(qn("c:val")).find(qn("c:numRef")).find(qn("c:f")).text == f"Sheet1!$C$2:$C${len(rows)}"
    assert [row[2] for row in rows] == [line.name, *line.values]


def test_every_text_is_set_in_microsoft_yahei(two_years):
    _, presentation, _ = two_years
    parts = [page.element for page in presentation.slides]
    parts += [shape.chart.element for page in presentation.slides for shape in page.shapes if shape.has_chart]
    runs = properties = 0
    for part in parts:
        for run in part.iter(qn("a:r")):
            runs += 1
            assert run.find(qn("a:rPr")) is not None
        for rpr in part.iter(qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr")):
            properties += 1
            assert rpr.find(qn("a:latin")).get("typeface") == deck.FONT
            assert rpr.find(qn("a:ea")).get("typeface") == deck.FONT
            assert rpr.index(rpr.find(qn("a:ea"))) == rpr.index(rpr.find(qn("a:latin"))) + 1  # the schema's order
    assert runs > 50 and properties > runs


def test_a_branch_filter_gives_that_branchs_numbers(demo, one_branch):
    shown, presentation, scope = one_branch
    assert scope.filters.branches == (BRANCH,)
    native = charts_by_key(shown, presentation)
    with store.reading(str(demo)) as con:
        mine = training.by_branch(con, scope.filters)
        points = competition.medal_points(con, scope.filters)
        everyone = metrics.branch_scorecard(con, scope.filters.ranking_scope())
    assert values_of(native["branch_hours"]) == {
        t("training.axis.hours_per_head", "zh"): rounded(mine, "branch", "hours_per_head")}
    assert list(native["branch_hours"].plots[0].categories) == [BRANCH]
    assert list(native["medals"].plots[0].categories) == [BRANCH]
    assert sum(v for series in values_of(native["medals"]).values() for v in series.values()) == \
        float(points["points"].sum())
    # the index ranks the branch among all: it is drawn in its own series (the picked colour), the others apart
    index = values_of(native["index"])
    assert index[t("overview.chosen", "zh")] == {BRANCH: round(float(everyone.set_index("branch").loc[BRANCH,
                                                                                                   "talent_index"]), 4)}
    assert BRANCH not in index[t("overview.others", "zh")] and native["index"].has_legend


def test_names_come_back_as_stored_in_the_screens_order():
    """A chart draws names made Plotly-safe (<b> as &lt;b&gt;): the deck shows the stored names, and the order
    the screen shows: the figure's first bar on top (a reversed axis), a stacked chart's categories as its
    categoryarray lists them bottom up."""
    branches = pd.DataFrame({"branch": ["A<b>B</b>&C", "支行<br>一", "x_y*z"], "hours_per_head": [30.0, 12.5, 55.0]})
    hours = deck.native(views.branch_hours(branches, 40.0, "zh", None).figure)
    assert hours.categories == ["A<b>B</b>&C", "支行<br>一", "x_y*z"] and hours.horizontal and not hours.stacked
    assert hours.bars[0].values == [30.0, 12.5, 55.0] and hours.number_format == "#,##0.0"
    by_award = pd.DataFrame({"branch": ["A<b>B</b>&C", "A<b>B</b>&C", "z"], "award": ["一等奖", "三等奖", "三等奖"],
                             "results": [1, 2, 1], "points": [10.0, 8.0, 4.0]})
    medals = pd.DataFrame({"branch": ["A<b>B</b>&C", "z"], "points": [18.0, 4.0], "medals": [3, 1]})
    stacked = deck.native(views.medal_points(by_award, medals, "en", None).figure)
    assert stacked.categories == ["A<b>B</b>&C", "z"] and stacked.stacked and stacked.legend
    assert {s.name: s.values for s in stacked.bars} == {"First prize": [10.0, None], "Third prize": [8.0, 4.0]}


def test_figures_rebuilt_from_kept_specifications_give_the_same_deck(demo, two_years, monkeypatch):
    """In the app, figures come back unvalidated from kept specifications (charts.memo, set by ui.py): numbers as
    typed arrays ({"bdata", "dtype"}), dates as text. The sidebar's download builds its deck from those."""
    monkeypatch.setattr(charts, "memo", lambda builder, args, kwargs: builder(*args, **kwargs).to_plotly_json())
    shown, presentation, _ = made(demo, TWO_YEARS)
    assert any(isinstance(trace.x, dict) or isinstance(trace.y, dict)  # the case is there to be read
               for view in shown if view.chart for trace in view.chart.figure.data)
    kept = charts_by_key(shown, presentation)
    plain = charts_by_key(*two_years[:2])
    assert kept.keys() == plain.keys()
    for key in kept:
        assert [values_of(kept[key], n) for n in range(len(kept[key].plots))] == \
            [values_of(plain[key], n) for n in range(len(plain[key].plots))], key
    months = list(kept["trend"].plots[0].categories)
    assert months and all(re.fullmatch(r"\d{4}-\d{2}", m) for m in months)


def test_number_formats_follow_the_figures_texttemplate():
    assert deck.number_format("%{x:,.1f}%") == ('#,##0.0"%"', '#,##0"%"')
    assert deck.number_format("%{y:.0f}") == ("0", "0")
    assert deck.number_format("%{x:,.1~f}") == ("#,##0.0", "#,##0")
    assert deck.number_format(None) == ("#,##0.0", "General")


# ----------------------------------------------------------------------------------------------
# The command line
# ----------------------------------------------------------------------------------------------

def cli(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "TALENTBOARD_DB": str(db), **env}
    environment.pop("TALENTBOARD_LANG", None)
    return subprocess.run([sys.executable, "-m", "talentboard", *args], cwd=REPO_ROOT, env=environment,
                          capture_output=True, text=True, timeout=180)


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_cli_writes_the_deck_in_english(demo, tmp_path):
    out = tmp_path / "out.pptx"
    run = cli(demo, "deck", str(out), "--query", "range=last_year&lang=en&mask=1")
    assert run.returncode == 0, run.stderr
    shown, _, _ = made(demo, "range=last_year&lang=en&mask=1")
    presentation = Presentation(str(out))
    assert len(presentation.slides) == 1 + len(shown) == 1 + len(views.SLIDES)
    titles = [page.shapes.title.text for page in presentation.slides]
    assert titles[0] == "Talent development briefing" and titles[1] == "Key figures"
    assert titles[1:] == [view.title for view in shown] and not any(CJK.search(title) for title in titles)
    assert "Names masked" in " ".join(s.text_frame.text for s in presentation.slides[0].shapes if s.has_text_frame)
    assert str(out) in run.stdout and not (tmp_path / "out.pptx.part").exists()


def test_cli_masks_small_branches_as_the_measure_does(demo, tmp_path):
    """With mask=1 a branch of fewer staff than PRIVACY_MIN_GROUP (here 10, so the demo's two smallest branches
    fall below it) is left out of every branch chart exactly as privacy.apply leaves it out of the measure."""
    minimum = 10
    scope, _, _ = views.scope_and_reader(str(demo), "range=last_year")
    with store.reading(str(demo)) as con:
        branches = training.by_branch(con, scope.filters).dropna(subset=["hours_per_head"])
        scorecard = metrics.branch_scorecard(con, scope.filters.ranking_scope())
    shown = privacy.Privacy(mask=True, min_group=minimum)
    kept = privacy.apply(branches, shown, training.by_branch.group_size)
    small = set(branches["branch"]) - set(kept["branch"])
    assert small and all(branches.set_index("branch").loc[b, "headcount"] < minimum for b in small)
    decks, texts = {}, {}
    for mask in ("0", "1"):
        out = tmp_path / f"mask{mask}.pptx"
        run = cli(demo, "deck", str(out), "--query", f"range=last_year&mask={mask}",
                  TALENTBOARD_PRIVACY_MIN_GROUP=str(minimum))
        assert run.returncode == 0, run.stderr
        pages = list(Presentation(str(out)).slides)[2:]
        decks[mask] = {page.shapes.title.text: next(s.chart for s in page.shapes if s.has_chart) for page in pages}
        texts[mask] = {page.shapes.title.text: " ".join(s.text_frame.text for s in page.shapes if s.has_text_frame)
                       for page in pages}
    hours, coverage, index = (t(key, "zh") for key in ("training.branch_hours", "training.branch_coverage", "slide.index"))
    assert set(decks["1"][hours].plots[0].categories) == set(kept["branch"])
    assert set(decks["1"][coverage].plots[0].categories) == set(kept["branch"])
    expected_index = privacy.apply(scorecard, shown, metrics.branch_scorecard.group_size)
    assert set(decks["1"][index].plots[0].categories) == set(expected_index["branch"])
    assert small <= set(decks["0"][hours].plots[0].categories)  # unmasked, they are there
    assert small <= set(decks["0"][index].plots[0].categories)
    # the slide says so, as the dashboard's card and the report do
    assert t("privacy.suppressed", "zh", n=len(small), min=minimum) in texts["1"][hours]
    assert t("privacy.suppressed", "zh", n=len(small), min=minimum) not in texts["0"][hours]


@pytest.mark.parametrize("lang, words", [("zh", "链接中的"), ("en", "in the link is not in the data")])
def test_cli_refuses_an_unknown_branch_in_the_users_language(demo, tmp_path, lang, words):
    out = tmp_path / "out.pptx"
    run = cli(demo, "--lang", lang, "deck", str(out), "--query", "range=last_year&branch=不存在支行")
    assert run.returncode == 2
    assert words in run.stderr and "不存在支行" in run.stderr and "Traceback" not in run.stderr
    if lang == "en":  # every word English but the name asked for (the link's own language is zh)
        assert not CJK.search(run.stderr.replace("不存在支行", "")), run.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_cli_on_an_empty_database_says_so(tmp_path):
    out = tmp_path / "out.pptx"
    run = cli(tmp_path / "empty.duckdb", "--lang", "en", "deck", str(out))
    assert run.returncode == 1
    assert t("cli.briefing_no_data", "en") in run.stderr and not out.exists()
