"""总览 Overview: headline numbers with their change, highlights, the branch scorecard and monthly trends."""
import streamlit as st

from talentboard import highlights, metrics, training, ui, views
from talentboard.i18n import t
from talentboard.literal import markdown, say

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
rankable = views.rankable(scorecard)  # all zero: nothing to rank
if rankable:
    ui.focus_bar("overview", lang)

trained_before = before.person_times > 0
ui.metric_grid(views.kpi_cards(kpis, before, lang, lambda dataset: context.dataset_as_of(dataset) is not None),
               per_row=5)
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
    """The branches in scope with the highest talent development index; the branches picked or clicked stand out."""
    drawn = views.talent_index(scorecard, chosen, lang, context.as_of)
    if drawn.note:
        st.caption(markdown(drawn.note))
    ui.chart(drawn.figure, drawn.data, "talent_index", lang, key="overview_index",
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
    drawn = views.monthly_trend(by_month, lang, context.dataset_as_of("training"))
    ui.chart(drawn.figure, drawn.data, "monthly_trend", lang, key="overview_trend")
