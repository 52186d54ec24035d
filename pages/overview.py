"""总览 Overview: headline numbers with their change, highlights, the branch scorecard and monthly trends."""
import streamlit as st

from talentboard import charts, highlights, metrics, training, ui
from talentboard.i18n import t
from talentboard.literal import say
from talentboard.metrics import change, change_points, format_number, format_percent

context = ui.page_context()
lang = context.lang
focus = ui.focused("overview")
filters = context.filters.focused(focus)
ranking_scope = filters.ranking_scope()  # every branch in the org and line scope: a branch is ranked among them

st.title(t("page.overview", lang))
st.caption(say("overview.caption", lang, start=filters.start, end=filters.end, asof=context.as_of or "—"))
if context.demo:
    st.info(t("app.demo_notice", lang), icon=":material/info:")

kpis = ui.compute(context, metrics.overview, filters=filters)
before = ui.compute(context, metrics.overview, filters=filters.previous())
if context.as_of is None and kpis.headcount == 0:
    st.warning(t("overview.no_data", lang))
    st.stop()
scorecard = ui.compute(context, metrics.branch_scorecard, filters=ranking_scope)
MEASURES = ["hours_per_head", "coverage", "points_per_100", "results_per_100"]
rankable = not scorecard.empty and bool(scorecard[MEASURES].to_numpy().any())  # all zero: nothing to rank
if rankable:
    ui.focus_bar("overview", lang)

# A change needs something to compare with: a previous period without training records has no
# coverage or hours to speak of (not 0% coverage), so those cards show no change.
trained_before = before.person_times > 0
headcount_key = "kpi.headcount_estimate" if kpis.headcount_is_estimate else "kpi.headcount"
training_row = [
    (headcount_key, format_number(kpis.headcount, lang), None),  # the roster as it stands: no earlier count
    ("kpi.training_hours", format_number(kpis.training_hours, lang), change(kpis.training_hours, before.training_hours)),
    ("kpi.hours_per_head", format_number(kpis.hours_per_head, lang),
     change(kpis.hours_per_head, before.hours_per_head) if trained_before else None),
    # without a roster the denominator is a guess: coverage is not given, as on the training page
    ("kpi.coverage", t("training.value.needs_roster", lang) if kpis.headcount_is_estimate else format_percent(kpis.coverage),
     change_points(kpis.coverage, before.coverage, lang) if trained_before and not kpis.headcount_is_estimate else None),
    ("kpi.person_times", format_number(kpis.person_times, lang), change(kpis.person_times, before.person_times)),
]


def counted(dataset: str, value, delta):
    """A dataset never imported reads 未导入, not a 0 that looks like a result."""
    if context.dataset_as_of(dataset) is None:
        return t("kpi.not_imported", lang), None
    return format_number(value, lang), delta


results_row = [
    ("kpi.participants", *counted("competition", kpis.participants, change(kpis.participants, before.participants))),
    ("kpi.award_winners", *counted("competition", kpis.award_winners, change(kpis.award_winners, before.award_winners))),
    ("kpi.active_projects",
     *counted("innovation", kpis.active_projects, change(kpis.active_projects, before.active_projects))),
    ("kpi.converted_projects",
     *counted("innovation", kpis.converted_projects, change(kpis.converted_projects, before.converted_projects))),
    ("kpi.benefit", *counted("innovation", kpis.benefit, change(kpis.benefit, before.benefit))),
]
ui.metric_grid([(t(key, lang), value, delta, t(f"{key}.help", lang) + (t("kpi.change_help", lang) if delta else ""))
                for key, value, delta in training_row + results_row], per_row=5)
# who is behind each people-based number: a click lists them (names open their records)
people = [("headcount", kpis.headcount)]
if context.dataset_as_of("training") is not None:
    people.append(("trained", kpis.trained))
    if not kpis.headcount_is_estimate:
        people.append(("untrained", kpis.headcount - kpis.trained))
if context.dataset_as_of("competition") is not None:
    people += [("participants", kpis.participants), ("award_winners", kpis.award_winners)]
ui.people_buttons(context, people, filters, key="overview_people", estimate=kpis.headcount_is_estimate)
ui.branch_people(context, "overview", "headcount")  # a click on a branch's bar: its people
if filters.lines:
    st.caption(t("innov.no_line_filter", lang))

chosen = filters.branches
# The first screen: the highlights beside the index chart, right under the KPIs.
left, right = st.columns([2, 3])
with left, ui.card(t("overview.highlights", lang), t("overview.highlights.help", lang), height="stretch"):
    lines = highlights.write(scorecard, kpis, before, lang, branches=chosen, compare=trained_before,
                             lines=filters.lines)
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else t("hl.none", lang))


def ranking_missing() -> None:
    """Why there is no ranking: no roster to divide by, or nothing in the period to rank."""
    if scorecard.empty:
        ui.empty(lang, "employees")
    else:
        st.info(t("hl.no_ranking", lang), icon=":material/info:")


def index_chart() -> None:
    """The branches in scope with the highest talent development index (at most charts.TOP_N, the rest in the
    scorecard); the branches picked or clicked are drawn too and stand out."""
    marked = set(chosen)
    ranked = charts.top(scorecard, "branch", "talent_index", lang, keep=chosen)  # the leaders, and the ones picked
    if ranked.hidden:
        st.caption(say("overview.index_chart.more", lang, shown=charts.TOP_N, n=f"{ranked.hidden:,}"))
    bars = ranked.data.assign(highlight=[t("overview.chosen" if b in marked else "overview.others", lang)
                                         for b in ranked.data["branch"]])
    colours = {t("overview.chosen", lang): charts.QUALITATIVE[0],
               t("overview.others", lang): charts.QUALITATIVE[0] if not marked else "#9DB9D3"}
    fig = charts.bar(bars, "branch", "talent_index", lang, context.as_of, horizontal=True,
                     color="highlight", colours=colours, stacked_labels=False, number_format=".0f",
                     title=t("overview.index_chart", lang), height=max(380, 30 * len(bars) + 90),
                     order=list(bars["branch"]),
                     labels={"branch": t("col.branch", lang), "talent_index": t("col.talent_index_axis", lang),
                             "highlight": ""})
    fig.update_layout(showlegend=bool(marked))
    fig.update_xaxes(range=[0, 108])
    ui.chart(fig, scorecard, "talent_index", lang, key="overview_index",
             on_select=ui.focus_on_click("overview", "overview_index", people=True))


def scorecard_table() -> None:
    trends = ui.compute(context, training.branch_trends, filters=ranking_scope)
    ranked = scorecard.assign(coverage=scorecard["coverage"] * 100,
                              trend=[trends.get(b, []) for b in scorecard["branch"]])  # no months: no line
    shown = ranked[ranked["branch"].isin(chosen)] if chosen else ranked
    table = shown[["rank", "branch", "talent_index", "hours_per_head", "coverage", "points_per_100", "results_per_100",
                   "trend"]]
    ui.table(table, "branch_scorecard", lang, key="overview_scorecard", height=min(35 * (len(table) + 1) + 3, 620),
             profiles={"branch": "branch"},
             column_config={
                 "rank": st.column_config.NumberColumn(t("col.rank", lang), format="%d", width=50),
                 "branch": st.column_config.TextColumn(t("col.branch", lang), pinned=True),
                 "talent_index": st.column_config.ProgressColumn(t("col.talent_index", lang), format="%.0f",
                                                                 min_value=0, max_value=100, width=110),
                 "hours_per_head": st.column_config.NumberColumn(t("col.hours_per_head_short", lang), format="%.1f"),
                 "coverage": st.column_config.NumberColumn(t("col.coverage_short", lang), format="%.1f%%"),
                 "points_per_100": st.column_config.NumberColumn(t("col.points_per_100", lang), format="%.1f"),
                 "results_per_100": st.column_config.NumberColumn(t("col.results_per_100", lang), format="%.1f"),
                 "trend": st.column_config.LineChartColumn(t("col.trend", lang), y_min=0, width=140)})


if rankable:
    with right, ui.card(t("overview.index_chart", lang)):
        index_chart()
    with ui.card(t("overview.scorecard", lang), t("overview.scorecard.help", lang)):
        scorecard_table()
else:
    with right:
        ranking_missing()

by_month = ui.compute(context, training.hours_by_month, filters=filters)
with ui.card(t("overview.trend", lang)):
    if by_month.empty:
        first, last = ui.compute(context, training.date_range, filters=filters)
        if first is None:
            ui.empty(lang, "training")
        else:  # records exist, only not in this period and scope
            st.info(say("overview.trend_none", lang, first=first, last=last), icon=":material/info:")
        st.stop()
    totals = by_month.groupby("month", as_index=False)[["hours", "person_times"]].sum()
    fig = charts.bars_and_line(totals, "month", "hours", "person_times", lang, context.dataset_as_of("training"),
                               title=t("overview.trend", lang), height=380,
                               labels={"month": t("col.month", lang), "hours": t("col.hours_unit", lang),
                                       "person_times": t("col.person_times", lang)})
    ui.chart(fig, totals, "monthly_trend", lang, key="overview_trend")
