"""The key views: the KPI wall and the key chart of each page, each built once from its measure's result by the
chart builders. A page draws the same figure in its card; presentation mode shows the views one per screen, and
the deck (deck.py) and the HTML report (report.py) take them away: one way to compute and draw every number.

A view's numbers come through `ask(func, *args, filters=...)`: ui.compute on a page (cached, privacy applied),
`reader` below for the command line and downloads (the same measure, the same privacy.apply)."""
from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from talentboard import charts, competition, innovation, literal, metrics, privacy, settings, store, training
from talentboard.i18n import t
from talentboard.metrics import Filters, format_number, format_percent
from talentboard.schema import display


@dataclass
class Chart:
    """A key chart: its figure, the numbers behind it (as downloaded) and, when the chart leaves some out (the top
    TOP_N of many), a line saying so."""
    figure: go.Figure
    data: pd.DataFrame
    note: str | None = None
    others: str | None = None  # the name of the bar summing the rest ("另 12 个"): a click on it focuses nothing


# ----------------------------------------------------------------------------------------------
# The key charts, as the pages draw them
# ----------------------------------------------------------------------------------------------

def _note(key: str, brief: bool, lang: str, **values) -> str:
    """What a chart leaves out: on a page, where to find the rest (the table below, the download); on a slide
    (`brief`), only what is left out."""
    return t(f"{key}_brief" if brief else key, lang, **values)


def talent_index(scorecard: pd.DataFrame, chosen: tuple[str, ...], lang: str, as_of, brief: bool = False) -> Chart:
    """The branches in scope with the highest talent development index (at most charts.TOP_N); the branches
    picked are drawn too and stand out."""
    marked = set(chosen)
    ranked = charts.top(scorecard, "branch", "talent_index", lang, keep=chosen)  # the leaders, and the ones picked
    note = _note("overview.index_chart.more", brief, lang, shown=charts.TOP_N, n=f"{ranked.hidden:,}") \
        if ranked.hidden else None
    bars = ranked.data.assign(highlight=[t("overview.chosen" if b in marked else "overview.others", lang)
                                         for b in ranked.data["branch"]])
    colours = {t("overview.chosen", lang): charts.QUALITATIVE[0],
               t("overview.others", lang): charts.QUALITATIVE[0] if not marked else "#9DB9D3"}
    fig = charts.bar(bars, "branch", "talent_index", lang, as_of, horizontal=True,
                     color="highlight", colours=colours, stacked_labels=False, number_format=".0f",
                     title=t("overview.index_chart", lang), height=max(380, 30 * len(bars) + 90),
                     order=list(bars["branch"]),
                     labels={"branch": t("col.branch", lang), "talent_index": t("col.talent_index_axis", lang),
                             "highlight": ""})
    fig.update_layout(showlegend=bool(marked))
    fig.update_xaxes(range=[0, 108])
    return Chart(fig, scorecard, note)


def monthly_trend(by_month: pd.DataFrame, lang: str, as_of) -> Chart:
    """Training hours (bars) and person-times (line) by month."""
    totals = by_month.groupby("month", as_index=False)[["hours", "person_times"]].sum()
    fig = charts.bars_and_line(totals, "month", "hours", "person_times", lang, as_of,
                               title=t("overview.trend", lang), height=380,
                               labels={"month": t("col.month", lang), "hours": t("col.hours_unit", lang),
                                       "person_times": t("col.person_times", lang)})
    return Chart(fig, totals)


def branch_hours(branches: pd.DataFrame, target: float, lang: str, as_of, brief: bool = False) -> Chart:
    """Hours per head by branch, the ones furthest below the (prorated) target first."""
    title = t("training.branch_hours", lang)
    lowest = charts.top(branches, "branch", "hours_per_head", lang, lowest=True)
    note = _note("training.branch_hours.more", brief, lang, shown=lowest.shown, n=f"{lowest.hidden:,}") \
        if lowest.hidden else None
    fig = charts.bar(lowest.data, "branch", "hours_per_head", lang, as_of, horizontal=True,
                     height=max(360, 30 * len(lowest.data) + 120), title=title, number_format=",.1f",
                     labels={"branch": t("col.branch", lang), "hours_per_head": t("training.axis.hours_per_head", lang)},
                     target=target, target_label=t("training.target_line", lang, hours=format_number(target, lang)))
    return Chart(fig, branches, note)


def branch_coverage(branches: pd.DataFrame, lang: str, as_of, brief: bool = False) -> Chart:
    """Training coverage by branch, lowest first."""
    by_coverage = branches.sort_values("coverage")
    lowest = charts.top(by_coverage, "branch", "coverage", lang, lowest=True)
    note = _note("training.branch_coverage.more", brief, lang, shown=lowest.shown, n=f"{lowest.hidden:,}") \
        if lowest.hidden else None
    drawn = lowest.data
    fig = charts.bar(drawn.assign(coverage_pct=drawn["coverage"] * 100), "branch", "coverage_pct",
                     lang, as_of, horizontal=True, height=max(360, 30 * len(drawn) + 120),
                     title=t("training.branch_coverage", lang),
                     labels={"branch": t("col.branch", lang), "coverage_pct": t("training.axis.coverage", lang)},
                     number_format=",.1f", suffix="%", stacked_labels=True, order=list(drawn["branch"]))
    fig.update_xaxes(range=[0, 101], dtick=25)  # the 100 tick shows
    return Chart(fig, by_coverage, note)


def attainment_by_line(attainment: pd.DataFrame, lang: str, as_of) -> Chart:
    """The share of each line's staff whose hours in a year reach the annual target, a bar per year."""
    shown = training.attainment_chart_data(attainment)
    years = sorted(shown["year"].unique())
    fig = charts.bar(shown, "line", "attainment_pct", lang, as_of, color="year", height=360,
                     title=t("training.attainment_by_line", lang),
                     labels={"line": t("col.line", lang), "attainment_pct": t("training.axis.attainment", lang),
                             "year": t("col.year", lang)},
                     colours=charts.colour_map(years), number_format=".0f", suffix="%", stacked_labels=False)
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 115], tickvals=[0, 25, 50, 75, 100])  # the labels of a full bar fit above it
    return Chart(fig, shown)


# A year keeps its colour whatever the period, and consecutive years always differ (sky, orange, blue:
# neither the green nor the vermilion that mean rose and fell on the competition page).
YEAR_COLOURS = {str(year): ("#56B4E9", "#E69F00", "#0072B2")[year % 3] for year in range(2000, 2100)}


def participation_by_line(participation: pd.DataFrame, lang: str, as_of) -> Chart:
    """Competition participation rate by line, a bar per year."""
    shown = participation.assign(rate_pct=participation["participation_rate"].fillna(0) * 100,
                                 year=participation["year"].astype(str))
    fig = charts.bar(shown, "line", "rate_pct", lang, as_of, color="year", height=400,
                     title=t("comp.participation", lang), colours=YEAR_COLOURS, number_format=".0f",
                     suffix="%", stacked_labels=False,
                     labels={"line": t("col.line", lang), "rate_pct": t("comp.axis.participation", lang),
                             "year": t("col.year", lang)})
    fig.update_layout(barmode="group")
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return Chart(fig, participation)


def award_label(award: str, lang: str) -> str:
    return display("competition", "award", award, lang)


def medal_points(by_award: pd.DataFrame, medals: pd.DataFrame, lang: str, as_of, brief: bool = False) -> Chart:
    """Competition points by branch, stacked by award level: the branches with most points (the medal table's
    order), the rest summed into one bar per award."""
    shown = by_award.assign(award=by_award["award"].map(lambda a: award_label(a, lang)))
    ranked = charts.top(shown[["branch", "award", "points"]], "branch", "points", lang, others=True)
    note = _note("comp.medals.more", brief, lang, shown=ranked.shown, others=ranked.others) if ranked.others else \
        _note("comp.medals.rest", brief, lang, shown=ranked.shown, n=f"{ranked.hidden:,}",
              total=format_number(ranked.rest, lang)) if ranked.hidden else None  # the rest would dwarf the bars
    drawn = set(ranked.data["branch"])
    order = [b for b in medals["branch"].tolist() if b in drawn] + [ranked.others] * bool(ranked.others)
    shades = charts.ordinal_colours(len(competition.AWARD_POINTS))[::-1]  # the top award darkest
    fig = charts.bar(ranked.data, "branch", "points", lang, as_of, color="award", horizontal=True,
                     order=order, height=max(360, 34 * len(order) + 120),
                     title=t("comp.medals", lang), number_format=",.0f",
                     colours={award_label(a, lang): c for a, c in zip(competition.AWARD_POINTS, shades)},
                     labels={"branch": t("col.branch", lang), "points": t("comp.axis.points", lang),
                             "award": t("comp.col.award", lang), "medals": t("comp.col.medals", lang)})
    fig.update_layout(legend={"traceorder": "normal"})
    return Chart(fig, by_award, note, ranked.others)


def stage_names(stages: pd.DataFrame, lang: str) -> list[str]:
    return [t("innov.stage.4", lang) if s == 4 else display("innovation", "status", name, lang)
            for s, name in zip(stages["stage"], stages["stage_name"])]


def project_funnel(stages: pd.DataFrame, lang: str, as_of) -> Chart:
    """Projects that reached each stage (a later stage counts as having passed every earlier one)."""
    names = stage_names(stages, lang)
    fig = charts.funnel(names, stages["projects"], lang, as_of, title=t("innov.funnel", lang),
                        y_title=t("innov.col.stage", lang), height=440)
    return Chart(fig, stages.assign(stage_name=names))


def benefit_by_studio(table: pd.DataFrame, studio_colours: dict, lang: str, as_of, brief: bool = False) -> Chart:
    """Benefit by studio, highest on top, the studios past TOP_N summed into one bar."""
    ranked = charts.top(table[["studio", "benefit"]], "studio", "benefit", lang, others=True)
    note = _note("innov.benefit_by_studio.more", brief, lang, shown=ranked.shown, others=ranked.others) \
        if ranked.others else _note("innov.benefit_by_studio.rest", brief, lang, shown=ranked.shown,
                                    n=f"{ranked.hidden:,}", total=format_number(ranked.rest, lang)) \
        if ranked.hidden else None
    fig = charts.bar(ranked.data, "studio", "benefit", lang, as_of, horizontal=True, color="studio",
                     colours=studio_colours | {ranked.others: charts.OTHERS_COLOUR} if ranked.others else studio_colours,
                     order=list(ranked.data["studio"]),  # highest benefit on top, the others summed last
                     height=max(300, 44 * len(ranked.data)), title=t("innov.benefit_by_studio", lang),
                     labels={"studio": t("innov.col.studio", lang), "benefit": t("innov.col.benefit", lang)})
    return Chart(fig, table[["studio", "benefit"]], note, ranked.others)


# ----------------------------------------------------------------------------------------------
# The KPI wall
# ----------------------------------------------------------------------------------------------

def kpi_cards(kpis: metrics.Overview, before: metrics.Overview, lang: str,
              imported: Callable[[str], bool]) -> list[tuple[str, str, str | None, str]]:
    """The overview's ten KPIs as (label, value, change, help): training on the first row, results on the second.
    A dataset never imported reads 未导入, not a 0 that looks like a result (`imported(dataset)` says which are).
    A change needs something to compare with: a previous period without training records has no coverage or
    hours to speak of (not 0% coverage), so those cards show no change."""
    change, points = metrics.change, metrics.change_points
    trained_before = before.person_times > 0
    estimate = kpis.headcount_is_estimate
    rows = [
        ("kpi.headcount_estimate" if estimate else "kpi.headcount", format_number(kpis.headcount, lang), None),
        ("kpi.training_hours", format_number(kpis.training_hours, lang), change(kpis.training_hours, before.training_hours)),
        ("kpi.hours_per_head", format_number(kpis.hours_per_head, lang),
         change(kpis.hours_per_head, before.hours_per_head) if trained_before else None),
        # without a roster the denominator is a guess: coverage is not given, as on the training page
        ("kpi.coverage", t("training.value.needs_roster", lang) if estimate else format_percent(kpis.coverage),
         points(kpis.coverage, before.coverage, lang) if trained_before and not estimate else None),
        ("kpi.person_times", format_number(kpis.person_times, lang), change(kpis.person_times, before.person_times)),
    ]
    for key, dataset, now, then in (("kpi.participants", "competition", kpis.participants, before.participants),
                                    ("kpi.award_winners", "competition", kpis.award_winners, before.award_winners),
                                    ("kpi.active_projects", "innovation", kpis.active_projects, before.active_projects),
                                    ("kpi.converted_projects", "innovation", kpis.converted_projects,
                                     before.converted_projects),
                                    ("kpi.benefit", "innovation", kpis.benefit, before.benefit)):
        rows.append((key, format_number(now, lang), change(now, then)) if imported(dataset) else
                    (key, t("kpi.not_imported", lang), None))
    return [(t(key, lang), value, delta, t(f"{key}.help", lang) + (t("kpi.change_help", lang) if delta else ""))
            for key, value, delta in rows]


# ----------------------------------------------------------------------------------------------
# Slides: the KPI wall, then the key charts of each page, each with a one-line takeaway
# ----------------------------------------------------------------------------------------------

@dataclass
class Scope:
    """What a set of views is about: the period and scope, the language, and the dates the data runs to."""
    filters: Filters
    lang: str
    as_of: dt.date | None  # the newest date in any dataset
    as_of_by_dataset: dict = field(default_factory=dict)
    privacy: privacy.Privacy = privacy.OFF

    def dataset_as_of(self, dataset: str) -> dt.date | None:
        return self.as_of_by_dataset.get(dataset)


@dataclass
class Slide:
    """One screen of a meeting: a title, a one-line takeaway, and a chart or the KPI wall's cards; `empty` says
    why there is nothing to show (a dataset not imported, nothing in the period)."""
    key: str
    title: str
    takeaway: str = ""
    chart: Chart | None = None
    cards: list = field(default_factory=list)
    empty: str | None = None


Ask = Callable[..., object]  # ask(func, *args, filters=...) -> func(con, filters, *args), privacy applied


def _kpi_slide(ask: Ask, scope: Scope) -> Slide:
    lang, filters = scope.lang, scope.filters
    kpis = ask(metrics.overview, filters=filters)
    before = ask(metrics.overview, filters=filters.previous())
    title = t("slide.kpis", lang)
    if scope.as_of is None and kpis.headcount == 0:
        return Slide("kpis", title, empty=t("overview.no_data", lang))
    cards = kpi_cards(kpis, before, lang, lambda dataset: scope.dataset_as_of(dataset) is not None)
    if kpis.headcount_is_estimate or scope.dataset_as_of("training") is None:
        takeaway = t("slide.kpis.takeaway_headcount", lang, n=format_number(kpis.headcount, lang))
    else:
        takeaway = t("slide.kpis.takeaway", lang, n=format_number(kpis.headcount, lang),
                     coverage=format_percent(kpis.coverage), hours=format_number(kpis.hours_per_head, lang))
    return Slide("kpis", title, takeaway, cards=cards)


def _first_last(frame: pd.DataFrame, name: str, value: str) -> tuple[tuple, tuple]:
    """The (name, value) of the highest and the lowest row of `frame` by `value`."""
    ordered = frame.sort_values(value, ascending=False, kind="stable")
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    return (top[name], top[value]), (bottom[name], bottom[value])


SCORECARD_MEASURES = ["hours_per_head", "coverage", "points_per_100", "results_per_100"]


def rankable(scorecard: pd.DataFrame) -> bool:
    """Whether the scorecard ranks anything: all four measures zero (or no branch) is nothing to rank."""
    return not scorecard.empty and bool(scorecard[SCORECARD_MEASURES].to_numpy().any())


def _index_slide(ask: Ask, scope: Scope) -> Slide:
    lang, filters = scope.lang, scope.filters
    title = t("slide.index", lang)
    scorecard = ask(metrics.branch_scorecard, filters=filters.ranking_scope())
    if not rankable(scorecard):
        return Slide("index", title, empty=t("hl.no_ranking", lang))
    (best, high), (worst, low) = _first_last(scorecard, "branch", "talent_index")
    takeaway = t("slide.index.takeaway", lang, best=best, high=f"{high:.0f}", worst=worst, low=f"{low:.0f}",
                 n=len(scorecard))
    return Slide("index", title, takeaway, talent_index(scorecard, filters.branches, lang, scope.as_of, brief=True))


def _trend_slide(ask: Ask, scope: Scope) -> Slide:
    lang = scope.lang
    title = t("overview.trend", lang)
    by_month = ask(training.hours_by_month, filters=scope.filters)
    if by_month.empty:
        return Slide("trend", title, empty=t("slide.no_training", lang))
    chart = monthly_trend(by_month, lang, scope.dataset_as_of("training"))
    busiest = chart.data.sort_values("hours", ascending=False, kind="stable").iloc[0]
    takeaway = t("slide.trend.takeaway", lang, hours=format_number(chart.data["hours"].sum(), lang),
                 times=format_number(chart.data["person_times"].sum(), lang),
                 month=pd.Timestamp(busiest["month"]).strftime("%Y-%m"), most=format_number(busiest["hours"], lang))
    return Slide("trend", title, takeaway, chart)


def _training_slide(ask: Ask, scope: Scope, key: str, title_key: str) -> Slide:
    """A training view's slide, `empty` saying why when there is nothing to draw (no training, no roster)."""
    lang = scope.lang
    slide = Slide(key, t(title_key, lang))
    if scope.dataset_as_of("training") is None:
        slide.empty = t("slide.no_training", lang)
        return slide
    head = ask(training.headline, filters=scope.filters)
    if head.records == 0:
        slide.empty = t("slide.no_training", lang)
    elif not head.roster:
        slide.empty = t("training.needs_roster", lang, what=slide.title)
    return slide


def _training_branches(ask: Ask, scope: Scope, key: str, title_key: str) -> tuple[pd.DataFrame | None, Slide]:
    """The branches' training measures for a branch view, or the slide saying why there are none."""
    slide = _training_slide(ask, scope, key, title_key)
    if slide.empty:
        return None, slide
    branches = ask(training.by_branch, filters=scope.filters).dropna(subset=["hours_per_head"])
    if branches.empty:
        slide.empty = t("slide.no_training", scope.lang)
        return None, slide
    return branches, slide


def _hours_slide(ask: Ask, scope: Scope) -> Slide:
    branches, slide = _training_branches(ask, scope, "branch_hours", "training.branch_hours")
    if branches is None:
        return slide
    lang = scope.lang
    target = training.prorated_target(scope.filters)
    below = branches[branches["hours_per_head"] < target]
    (_, _), (worst, low) = _first_last(branches, "branch", "hours_per_head")
    slide.takeaway = t("slide.hours.takeaway", lang, n=len(below), total=len(branches),
                       target=format_number(target, lang), worst=worst, low=format_number(low, lang)) if len(below) \
        else t("slide.hours.all_met", lang, target=format_number(target, lang), worst=worst, low=format_number(low, lang))
    slide.chart = branch_hours(branches, target, lang, scope.dataset_as_of("training"), brief=True)
    return slide


def _coverage_slide(ask: Ask, scope: Scope) -> Slide:
    branches, slide = _training_branches(ask, scope, "branch_coverage", "training.branch_coverage")
    if branches is None:
        return slide
    lang = scope.lang
    (best, high), (worst, low) = _first_last(branches, "branch", "coverage")
    slide.takeaway = t("slide.coverage.takeaway", lang, worst=worst, low=format_percent(low), best=best,
                       high=format_percent(high))
    slide.chart = branch_coverage(branches, lang, scope.dataset_as_of("training"), brief=True)
    return slide


def _attainment_slide(ask: Ask, scope: Scope) -> Slide:
    slide = _training_slide(ask, scope, "attainment", "training.attainment_by_line")
    if slide.empty:
        return slide
    lang = scope.lang
    chart = attainment_by_line(ask(training.attainment, filters=scope.filters), lang, scope.dataset_as_of("training"))
    if chart.data.empty:
        slide.empty = t("slide.no_training", lang)
        return slide
    latest = chart.data[chart.data["year"] == max(chart.data["year"])]
    (best, high), (worst, low) = _first_last(latest, "line", "attainment_pct")
    slide.takeaway = t("slide.attainment.takeaway", lang, year=max(chart.data["year"]), best=best, high=f"{high:.0f}%",
                       worst=worst, low=f"{low:.0f}%", target=format_number(settings.TRAINING_TARGET_HOURS, lang))
    slide.chart = chart
    return slide


def _competition_slide(ask: Ask, scope: Scope, key: str, title_key: str) -> tuple[bool, Slide]:
    lang = scope.lang
    slide = Slide(key, t(title_key, lang))
    if scope.dataset_as_of("competition") is None:
        slide.empty = t("slide.no_competition", lang)
    elif ask(competition.summary, filters=scope.filters).participants == 0:
        slide.empty = t("comp.no_results", lang)
    return slide.empty is None, slide


def _participation_slide(ask: Ask, scope: Scope) -> Slide:
    ready, slide = _competition_slide(ask, scope, "participation", "comp.participation")
    if not ready:
        return slide
    lang = scope.lang
    participation = ask(competition.participation, filters=scope.filters)
    chart = participation_by_line(participation, lang, scope.dataset_as_of("competition"))
    year = int(chart.data["year"].max())
    latest = chart.data[chart.data["year"] == year].assign(rate=lambda f: f["participation_rate"].fillna(0))
    (best, high), (worst, low) = _first_last(latest, "line", "rate")
    slide.takeaway = t("slide.participation.takeaway", lang, year=year, best=best, high=format_percent(high),
                       worst=worst, low=format_percent(low))
    slide.chart = chart
    return slide


def _medals_slide(ask: Ask, scope: Scope) -> Slide:
    ready, slide = _competition_slide(ask, scope, "medals", "comp.medals")
    if not ready:
        return slide
    lang = scope.lang
    medals = ask(competition.medal_table, filters=scope.filters)
    if medals.empty or medals["medals"].sum() == 0:
        slide.empty = t("comp.no_medals", lang)
        return slide
    by_award = ask(competition.medal_points, filters=scope.filters)
    leader = medals.iloc[0]  # the medal table's order: most points first
    slide.takeaway = t("slide.medals.takeaway", lang, best=leader["branch"], points=format_number(leader["points"], lang),
                       n=int((medals["medals"] > 0).sum()), medals=format_number(medals["medals"].sum(), lang))
    slide.chart = medal_points(by_award, medals, lang, scope.dataset_as_of("competition"), brief=True)
    return slide


def _innovation_slide(ask: Ask, scope: Scope, key: str, title_key: str) -> tuple[pd.DataFrame | None, Slide]:
    lang = scope.lang
    slide = Slide(key, t(title_key, lang))
    if scope.dataset_as_of("innovation") is None:
        slide.empty = t("slide.no_innovation", lang)
        return None, slide
    table = ask(innovation.studios, filters=scope.filters)
    if table.empty:
        slide.empty = t("innov.no_projects", lang)
        return None, slide
    return table, slide


def _funnel_slide(ask: Ask, scope: Scope) -> Slide:
    table, slide = _innovation_slide(ask, scope, "funnel", "innov.funnel")
    if table is None:
        return slide
    lang = scope.lang
    totals = innovation.totals(table)  # counted as the funnel's first and last stages are (by the period's end)
    slide.chart = project_funnel(ask(innovation.funnel, filters=scope.filters), lang, scope.dataset_as_of("innovation"))
    slide.takeaway = t("slide.funnel.takeaway", lang, projects=format_number(totals["projects"], lang),
                       converted=format_number(totals["converted"], lang), rate=format_percent(totals["conversion_rate"]))
    return slide


def _benefit_slide(ask: Ask, scope: Scope) -> Slide:
    table, slide = _innovation_slide(ask, scope, "benefit", "innov.benefit_by_studio")
    if table is None:
        return slide
    lang = scope.lang
    colours = charts.colour_map(ask(innovation.studio_names, filters=scope.filters))
    total = float(table["benefit"].sum())
    (best, high), _ = _first_last(table, "studio", "benefit")
    slide.takeaway = t("slide.benefit.takeaway", lang, best=best, high=f"{high:,.1f}",  # in 万元 already
                       share=format_percent(high / total) if total else "—", total=f"{total:,.1f}",
                       n=len(table))
    slide.chart = benefit_by_studio(table, colours, lang, scope.dataset_as_of("innovation"), brief=True)
    return slide


# key -> (page, builder), in the order a meeting sees them
SLIDES: dict[str, tuple[str, Callable[[Ask, Scope], Slide]]] = {
    "kpis": ("overview", _kpi_slide),
    "index": ("overview", _index_slide),
    "trend": ("overview", _trend_slide),
    "branch_hours": ("training", _hours_slide),
    "branch_coverage": ("training", _coverage_slide),
    "attainment": ("training", _attainment_slide),
    "participation": ("competition", _participation_slide),
    "medals": ("competition", _medals_slide),
    "funnel": ("innovation", _funnel_slide),
    "benefit": ("innovation", _benefit_slide),
}


def slide(ask: Ask, scope: Scope, key: str) -> Slide:
    """One view, computed alone (presentation mode computes only the screen it shows)."""
    return SLIDES[key][1](ask, scope)


def slides(ask: Ask, scope: Scope) -> list[Slide]:
    """Every view, in order: what the deck and the report hold (the ones with nothing to show left out)."""
    return [s for s in (slide(ask, scope, key) for key in SLIDES) if s.empty is None]


def first_slide_of(page: str) -> int:
    """The place of a page's first view (presentation mode started from that page opens there)."""
    return next((i for i, (owner, _) in enumerate(SLIDES.values()) if owner == page), 0)


# ----------------------------------------------------------------------------------------------
# What a meeting is about, in words: the title slide and every screen's footer
# ----------------------------------------------------------------------------------------------

def institution(scope: Scope, orgs: list[str]) -> str:
    """Whose data: settings.INSTITUTION, else the orgs chosen, else the branches chosen, else the only org in the
    store, else 'all'."""
    if settings.INSTITUTION:
        return settings.INSTITUTION
    chosen = list(scope.filters.orgs) or list(scope.filters.branches) or (orgs if len(orgs) == 1 else [])
    return t("comp.separator", scope.lang).join(chosen) if chosen else t("slide.all_orgs", scope.lang)


def scope_line(scope: Scope) -> str:
    """The period and scope in one line: 2026-01-01 至 2026-11-30 · 城关支行 · 个人金融 · 隐私模式."""
    filters, lang = scope.filters, scope.lang
    parts = [t("slide.period", lang, start=filters.start, end=filters.end)]
    separator = t("comp.separator", lang)
    for chosen, key in ((filters.orgs, "filter.org"), (filters.branches, "filter.branch"), (filters.lines, "filter.line")):
        if chosen:
            parts.append(f"{t(key, lang)}: {separator.join(chosen)}")
    if not (filters.orgs or filters.branches or filters.lines):
        parts.append(t("slide.all_scope", lang))
    if scope.privacy.mask:
        parts.append(t("slide.masked", lang))
    return " · ".join(parts)


def left_out(data: pd.DataFrame, lang: str, min_group: int = settings.PRIVACY_MIN_GROUP) -> str | None:
    """What privacy left out of a table's numbers (the groups under `min_group` that privacy.masked_frame counted,
    while names are masked), in words: under a card, a meeting view, a slide and a report's chart alike."""
    n = data.attrs.get("suppressed")
    return t("privacy.suppressed", lang, n=n, min=min_group) if n else None


def as_of_line(scope: Scope) -> str:
    return t("slide.as_of", scope.lang, date=scope.as_of or "—")


@dataclass(frozen=True)
class Cover:
    """The title slide: whose briefing, on what period and scope, the data's date and the day it was made."""
    title: str
    institution: str
    scope: str
    as_of: str
    made_on: str


def cover(scope: Scope, orgs: list[str], today: dt.date | None = None) -> Cover:
    lang = scope.lang
    return Cover(t("slide.deck_title", lang), institution(scope, orgs), scope_line(scope), as_of_line(scope),
                 t("slide.made_on", lang, date=today or dt.date.today()))


# ----------------------------------------------------------------------------------------------
# Outside a page: a dashboard URL's query string read as the page reads it, and the measures read straight
# from the store (the command line's deck and report, and the downloads a page makes on a click)
# ----------------------------------------------------------------------------------------------

class BadQuery(ValueError):
    """A query string the dashboard would not show as asked: `key` and `values` say what, in the user's language."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        return t(self.key, lang, **{name: value.text(lang) if isinstance(value, Worded) else value
                                    for name, value in self.values.items()})


@dataclass(frozen=True)
class Worded:
    """A translation key inside a message, worded in the language the message is shown in (the command line's
    --lang, not the link's lang)."""
    key: str

    def text(self, lang: str) -> str:
        return t(self.key, lang)


def parse_query(query: str) -> dict[str, list[str]]:
    """A URL's query string (with or without a leading ? or the whole URL) as {name: [values]}."""
    query = query.strip()
    if "?" in query:
        query = query.split("?", 1)[1]
    return urllib.parse.parse_qs(query.lstrip("?"), keep_blank_values=False)


def language_of(params: dict[str, list[str]]) -> str:
    lang = (params.get("lang") or ["zh"])[-1]
    return lang if lang in ("zh", "en") else "zh"


def scope_from_query(params: dict[str, list[str]], options: dict, as_of_by_dataset: dict) -> Scope:
    """The period, scope, language and privacy a dashboard URL with these parameters shows (ui.frame's sidebar
    reads them so: a quick period anchored on the newest data, or `period` twice for a custom range; orgs only
    when the store has more than one; mask=1 masks, and presentation mode, present=1, masks unless mask=0).
    A name the store does not hold is refused (BadQuery), not dropped: a mail-out must not quietly widen."""
    lang = language_of(params)
    as_of = metrics.latest_date(as_of_by_dataset)
    anchor = as_of or dt.date.today()
    period = (params.get("range") or ["this_year"])[-1]
    if period not in metrics.PERIODS:
        raise BadQuery("query.bad_range", value=period, choices=", ".join(metrics.PERIODS))
    if period == "custom":
        try:
            dates = [dt.date.fromisoformat(v) for v in params.get("period", [])]
        except ValueError:
            raise BadQuery("query.bad_period", value=" ".join(params.get("period", []))) from None
        if not dates:
            start, end = metrics.quick_period("this_year", anchor)
        else:
            start, end = (dates + dates)[:2]
            if end < start:
                raise BadQuery("query.bad_period", value=" ".join(params.get("period", [])))
    else:
        start, end = metrics.quick_period(period, anchor)
    chosen = {}
    for name, offered in (("org", options["org"] if len(options["org"]) > 1 else []),
                          ("branch", options["branch"]), ("line", options["line"])):
        values = [v for v in params.get(name, []) if v]
        unknown = [v for v in values if v not in offered]
        if unknown:
            raise BadQuery("query.unknown", what=Worded(f"filter.{name}"), value="、".join(unknown))
        chosen[name] = tuple(values)
    mask = (params.get("mask") or [""])[-1]
    masked = mask == "1" if mask in ("0", "1") else (params.get("present") or [""])[-1] == "1"
    return Scope(Filters(start, end, chosen["org"], chosen["branch"], chosen["line"]), lang, as_of,
                 dict(as_of_by_dataset), privacy.Privacy(mask=masked))


def reader(db: str, shown: privacy.Privacy) -> Ask:
    """ask(func, *args, filters=...) straight from the store: func(con, filters, *args) as the screen may show
    it (privacy.apply, as ui.compute does), each in one read."""
    def ask(func, *args, filters: Filters):
        with store.reading(db) as con:
            result = func(con, filters, *args)
        return privacy.apply(result, shown, getattr(func, "group_size", None))
    return ask


def scope_and_reader(db: str, query: str) -> tuple[Scope, Ask, list[str]]:
    """For the command line: the scope a dashboard URL's query string shows, a reader of the store, and its orgs."""
    with store.reading(db) as con:
        options = metrics.filter_options(con)
        as_of = metrics.as_of_dates(con)
    scope = scope_from_query(parse_query(query or ""), options, as_of)
    return scope, reader(db, scope.privacy), list(options["org"])


def plain(text: object) -> str:
    """A name as stored (a chart draws names made Plotly-safe)."""
    return str(literal.from_plotly(text))
