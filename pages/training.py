"""培训 Training: does training reach everyone, enough hours, the right mix — by month, branch, line and course."""
import streamlit as st

from talentboard import charts, metrics, settings, training, ui
from talentboard.i18n import t
from talentboard.metrics import format_number, format_percent

context = ui.page_context()
lang = context.lang
focus = ui.focused("training")
filters = context.filters.focused(focus)
as_of = context.dataset_as_of("training")

st.title(t("page.training", lang))
st.caption(t("overview.caption", lang, start=filters.start, end=filters.end, asof=as_of or "—"))
if as_of is None:
    ui.empty(lang, "training")
    st.stop()
ui.focus_bar("training", lang)

kpis = ui.compute(context, metrics.overview, filters=filters)
previous = ui.compute(context, metrics.overview, filters=filters.previous())
summary = ui.compute(context, training.summary, filters=filters)
attainment = ui.compute(context, training.attainment, filters=filters)
latest = attainment[attainment["year"] == attainment["year"].max()] if len(attainment) else attainment
attained_share = latest["attained"].sum() / latest["headcount"].sum() if len(latest) and latest["headcount"].sum() else None

cards = [
    ("kpi.hours_per_head", format_number(kpis.hours_per_head, lang), metrics.change(kpis.hours_per_head, previous.hours_per_head)),
    ("kpi.coverage", format_percent(kpis.coverage), metrics.change_points(kpis.coverage, previous.coverage)),
    ("training.political_share", format_percent(summary.political_share), None),
    ("training.attainment", format_percent(attained_share), None),
    ("training.pass_rate", format_percent(summary.pass_rate), None),
    ("training.cost_per_head", format_number(summary.cost / kpis.headcount if kpis.headcount else None, lang, digits=0), None),
]
ui.metric_grid([(t(key, lang), value, delta, t(f"{key}.help", lang, target=settings.TRAINING_TARGET_HOURS))
                for key, value, delta in cards], per_row=3)

monthly = ui.compute(context, training.hours_by_month, filters=filters)
with ui.card(t("training.by_month", lang), t("training.by_month.help", lang)):
    labels = {"month": t("col.month", lang), "hours": t("col.hours", lang), "category": t("col.category", lang)}
    fig = charts.bar(monthly, "month", "hours", lang, as_of, color="category", labels=labels, height=380)
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    ui.chart(fig, monthly, "training_hours_by_month", lang, key="training_month")

branches = ui.compute(context, training.by_branch, filters=filters).dropna(subset=["hours_per_head"])
left, right = st.columns(2)
with left, ui.card(t("training.branch_hours", lang), t("training.branch_hours.help", lang,
                                                       target=format_number(training.prorated_target(filters), lang))):
    target = training.prorated_target(filters)
    fig = charts.bar(branches, "branch", "hours_per_head", lang, as_of, horizontal=True, height=max(360, 28 * len(branches)),
                     labels={"branch": t("col.branch", lang), "hours_per_head": t("kpi.hours_per_head", lang)},
                     target=target, target_label=t("training.target_line", lang, hours=format_number(target, lang)))
    ui.chart(fig, branches, "training_by_branch", lang, key="training_branch_hours",
             on_select=ui.focus_on_click("training", "training_branch_hours"))
with right, ui.card(t("training.branch_coverage", lang), t("kpi.coverage.help", lang)):
    by_coverage = branches.sort_values("coverage")
    fig = charts.bar(by_coverage.assign(coverage_pct=by_coverage["coverage"] * 100), "branch", "coverage_pct", lang,
                     as_of, horizontal=True, height=max(360, 28 * len(branches)),
                     labels={"branch": t("col.branch", lang), "coverage_pct": t("kpi.coverage", lang) + " %"},
                     target=100.0, target_label="100%", order=list(by_coverage["branch"]))
    ui.chart(fig, by_coverage, "training_coverage_by_branch", lang, key="training_branch_coverage",
             on_select=ui.focus_on_click("training", "training_branch_coverage"))

heat = ui.compute(context, training.branch_month, filters=filters)
with ui.card(t("training.heatmap", lang), t("training.heatmap.help", lang)):
    if len(heat):
        heat = heat.assign(month=heat["month"].astype(str).str[:7])
        fig = charts.heatmap(heat, "month", "branch", "hours_per_head", lang, as_of,
                             height=max(360, 30 * heat["branch"].nunique()), z_label=t("kpi.hours_per_head", lang))
        ui.chart(fig, heat, "training_branch_month", lang, key="training_heatmap")

left, right = st.columns(2)
lines = ui.compute(context, training.by_line, filters=filters)
with left, ui.card(t("training.by_line", lang), t("training.by_line.help", lang)):
    shown = lines.assign(coverage=lines["coverage"] * 100)
    ui.table(shown, "training_by_line", lang, key="training_line_table", column_config={
        "line": t("col.line", lang), "headcount": t("kpi.headcount", lang), "trained": t("col.trained", lang),
        "hours": st.column_config.NumberColumn(t("col.hours", lang), format="%.0f"),
        "hours_per_head": st.column_config.NumberColumn(t("kpi.hours_per_head", lang), format="%.1f"),
        "coverage": st.column_config.ProgressColumn(t("kpi.coverage", lang), format="%.1f%%", min_value=0, max_value=100)})
with right, ui.card(t("training.attainment_by_line", lang),
                    t("training.attainment.help", lang, target=settings.TRAINING_TARGET_HOURS)):
    if len(attainment):
        shown = attainment.assign(attainment_pct=attainment["attainment"] * 100, year=attainment["year"].astype(str))
        fig = charts.bar(shown, "line", "attainment_pct", lang, as_of, color="year", height=320,
                         labels={"line": t("col.line", lang), "attainment_pct": t("training.attainment", lang) + " %",
                                 "year": t("col.year", lang)})
        fig.update_layout(barmode="group")
        ui.chart(fig, attainment, "training_attainment", lang, key="training_attainment")

left, right = st.columns(2)
with left, ui.card(t("training.top_courses", lang)):
    courses = ui.compute(context, training.top_courses, filters=filters)
    ui.table(courses, "training_top_courses", lang, key="training_courses_table", column_config={
        "course": t("col.course", lang), "category": t("col.category", lang), "sessions": t("col.sessions", lang),
        "person_times": t("kpi.person_times", lang),
        "hours": st.column_config.NumberColumn(t("col.hours", lang), format="%.0f")})
with right, ui.card(t("training.untrained", lang), t("training.untrained.help", lang)):
    missing = ui.compute(context, training.untrained, filters=filters)
    st.markdown(t("training.untrained_count", lang, n=len(missing)))
    ui.table(missing, "training_untrained", lang, key="training_untrained_table", height=360, column_config={
        "employee_id": t("col.employee_id", lang), "name": t("col.name", lang), "branch": t("col.branch", lang),
        "line": t("col.line", lang), "position": t("col.position", lang)})
