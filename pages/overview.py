"""总览 Overview: headline numbers with their change, highlights, the branch scorecard and monthly trends."""
import plotly.graph_objects as go
import streamlit as st

from talentboard import charts, highlights, metrics, training, ui
from talentboard.i18n import t
from talentboard.metrics import change, change_points, format_number, format_percent

context = ui.page_context()
lang = context.lang
focus = ui.focused("overview")
filters = context.filters.focused(focus)

st.title(t("page.overview", lang))
st.caption(t("overview.caption", lang, start=filters.start, end=filters.end, asof=context.as_of or "—"))
if context.demo:
    st.info(t("app.demo_notice", lang), icon=":material/info:")

kpis = ui.compute(context, metrics.overview, filters=filters)
before = ui.compute(context, metrics.overview, filters=filters.previous())
if context.as_of is None and kpis.headcount == 0:
    st.warning(t("overview.no_data", lang))
    st.stop()
ui.focus_bar("overview", lang)

headcount_key = "kpi.headcount_estimate" if kpis.headcount_is_estimate else "kpi.headcount"
training_row = [
    (headcount_key, format_number(kpis.headcount, lang), change(kpis.headcount, before.headcount)),
    ("kpi.training_hours", format_number(kpis.training_hours, lang), change(kpis.training_hours, before.training_hours)),
    ("kpi.hours_per_head", format_number(kpis.hours_per_head, lang), change(kpis.hours_per_head, before.hours_per_head)),
    ("kpi.coverage", format_percent(kpis.coverage), change_points(kpis.coverage, before.coverage)),
    ("kpi.person_times", format_number(kpis.person_times, lang), change(kpis.person_times, before.person_times)),
]
results_row = [
    ("kpi.participants", format_number(kpis.participants, lang), change(kpis.participants, before.participants)),
    ("kpi.award_winners", format_number(kpis.award_winners, lang), change(kpis.award_winners, before.award_winners)),
    ("kpi.active_projects", format_number(kpis.active_projects, lang), change(kpis.active_projects, before.active_projects)),
    ("kpi.converted_projects", format_number(kpis.converted_projects, lang),
     change(kpis.converted_projects, before.converted_projects)),
    ("kpi.benefit", format_number(kpis.benefit, lang), change(kpis.benefit, before.benefit)),
]
ui.metric_grid([(t(key, lang), value, delta, t(f"{key}.help", lang) + t("kpi.change_help", lang))
                for key, value, delta in training_row + results_row], per_row=5)

scorecard = ui.compute(context, metrics.branch_scorecard, filters=filters)
with ui.card(t("overview.highlights", lang), t("overview.highlights.help", lang)):
    st.markdown("\n".join(f"- {line}" for line in highlights.write(scorecard, kpis, before, lang)))

if scorecard.empty:  # the scorecard divides by the roster's headcount
    ui.empty(lang, "employees")
    st.stop()
left, right = st.columns([3, 2])
with left, ui.card(t("overview.scorecard", lang), t("overview.scorecard.help", lang)):
    monthly = ui.compute(context, training.branch_month, filters=filters)
    trends = monthly.sort_values("month").groupby("branch")["hours_per_head"].apply(list)
    table = scorecard[["branch", "talent_index", "hours_per_head", "coverage", "points_per_100", "results_per_100"]].assign(
        coverage=scorecard["coverage"] * 100, trend=scorecard["branch"].map(trends))
    ui.table(table, "branch_scorecard", lang, key="overview_scorecard", height=min(36 * (len(table) + 1) + 4, 620),
             column_config={
                 "branch": t("col.branch", lang),
                 "talent_index": st.column_config.ProgressColumn(t("col.talent_index", lang), format="%.0f",
                                                                 min_value=0, max_value=100),
                 "hours_per_head": st.column_config.NumberColumn(t("kpi.hours_per_head", lang), format="%.1f"),
                 "coverage": st.column_config.NumberColumn(t("kpi.coverage", lang), format="%.1f%%"),
                 "points_per_100": st.column_config.NumberColumn(t("col.points_per_100", lang), format="%.1f"),
                 "results_per_100": st.column_config.NumberColumn(t("col.results_per_100", lang), format="%.1f"),
                 "trend": st.column_config.LineChartColumn(t("col.trend", lang), y_min=0)})
with right, ui.card(t("overview.index_chart", lang)):
    fig = charts.bar(scorecard, "branch", "talent_index", lang, context.as_of, horizontal=True,
                     height=max(380, 30 * len(scorecard)), order=list(scorecard["branch"]),
                     labels={"branch": t("col.branch", lang), "talent_index": t("col.talent_index", lang)})
    fig.update_xaxes(range=[0, 100])
    ui.chart(fig, scorecard, "talent_index", lang, key="overview_index",
             on_select=ui.focus_on_click("overview", "overview_index"))

by_month = ui.compute(context, training.hours_by_month, filters=filters)
if by_month.empty:
    ui.empty(lang, "training")
    st.stop()
with ui.card(t("overview.trend", lang)):
    totals = by_month.groupby("month", as_index=False)[["hours", "person_times"]].sum()
    fig = go.Figure([go.Bar(x=totals["month"], y=totals["hours"], name=t("col.hours", lang), marker_color=charts.PALETTE[0]),
                     go.Scatter(x=totals["month"], y=totals["person_times"], name=t("col.person_times", lang),
                                yaxis="y2", mode="lines+markers", line_color=charts.PALETTE[1])])
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False})
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    ui.chart(charts.style(fig, lang, context.dataset_as_of("training"), height=340), totals, "monthly_trend", lang,
             key="overview_trend")
