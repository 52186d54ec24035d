"""培训 Training: does training reach everyone, enough hours, the right mix — by month, branch, line and course."""
import streamlit as st

from talentboard import charts, metrics, settings, training, ui, views
from talentboard.i18n import t
from talentboard.literal import markdown, say
from talentboard.metrics import format_number

context = ui.page_context()
lang = context.lang
focus = ui.focused("training")
filters = context.filters.focused(focus)
as_of = context.dataset_as_of("training")

st.title(t("page.training", lang))
st.caption(say("overview.caption", lang, start=filters.start, end=filters.end, asof=as_of or "—"))
if as_of is None:
    ui.empty(lang, "training")
    st.stop()
ui.focus_bar("training", lang)

now = ui.compute(context, training.headline, filters=filters)
before = ui.compute(context, training.headline, False, filters=filters.previous())  # attainment compares within `now`
if now.records == 0:
    first, last = ui.compute(context, training.date_range, filters=filters)
    st.info(say("training.no_training", lang, start=filters.start, end=filters.end, first=first, last=last),
            icon=":material/event_busy:")
else:
    ui.metric_grid(training.kpi_cards(now, before, lang), per_row=3)
    if not now.roster:
        st.info(say("training.no_roster_note", lang, n=format_number(now.headcount, lang)), icon=":material/upload_file:")
# who is behind the coverage: a click lists them (names open their records); untrained needs a roster
kpis = ui.compute(context, metrics.overview, filters=filters)
ui.people_buttons(context, [("headcount", kpis.headcount), ("trained", kpis.trained)] + (
    [("untrained", kpis.headcount - kpis.trained)] if now.roster else []), filters, key="training_people",
    estimate=not now.roster)
ui.branch_people(context, "training", "headcount")  # a click on a branch's bar: its people, untrained first


def blocked(title: str, needs_roster: bool = False) -> bool:
    """Say why a card has nothing to show (no training in the period, or no roster for a per-head measure)."""
    if now.records == 0:
        st.info(t("training.no_training_card", lang), icon=":material/info:")
        return True
    if needs_roster and not now.roster:
        st.info(say("training.needs_roster", lang, what=title), icon=":material/upload_file:")
        return True
    return False


title = t("training.by_month", lang)
with ui.card(title, t("training.by_month.help", lang)):
    if not blocked(title):
        monthly = ui.compute(context, training.hours_by_month, filters=filters)
        shown = training.month_chart_data(monthly, lang)
        fig = charts.bar(shown, "month", "hours", lang, as_of, color="category", height=400, title=title,
                         labels={"month": t("col.month", lang), "hours": t("training.axis.hours", lang),
                                 "category": t("col.category", lang)},
                         colours=charts.enum_colours("training", "category", lang), number_format=",.0f")
        if shown["month"].nunique() <= charts.MAX_LABELLED_COLUMNS:  # a tick a month while they fit
            fig.update_xaxes(dtick="M1")
        ui.chart(fig, monthly, "training_hours_by_month", lang, key="training_month")

branches = ui.compute(context, training.by_branch, filters=filters).dropna(subset=["hours_per_head"])
target = training.prorated_target(filters)
left, right = st.columns(2)
title = t("training.branch_hours", lang)
with left, ui.card(title, say("training.branch_hours.help", lang, target=format_number(target, lang))):
    if not blocked(title, needs_roster=True):
        drawn = views.branch_hours(branches, target, lang, as_of)
        if drawn.note:
            st.caption(markdown(drawn.note))
        ui.chart(drawn.figure, drawn.data, "training_by_branch", lang, key="training_branch_hours",
                 on_select=ui.focus_on_click("training", "training_branch_hours", people=True))
title = t("training.branch_coverage", lang)
with right, ui.card(title, t("kpi.coverage.help", lang)):
    if not blocked(title, needs_roster=True):
        drawn = views.branch_coverage(branches, lang, as_of)
        if drawn.note:
            st.caption(markdown(drawn.note))
        ui.chart(drawn.figure, drawn.data, "training_coverage_by_branch", lang, key="training_branch_coverage",
                 on_select=ui.focus_on_click("training", "training_branch_coverage", people=True))

title = t("training.heatmap", lang)
with ui.card(title, t("training.heatmap.help", lang)):
    if not blocked(title, needs_roster=True):
        heat = ui.compute(context, training.branch_month, filters=filters)
        heat = heat.assign(month=heat["month"].astype(str).str[:7])
        lowest = charts.top(heat, "branch", "hours_per_head", lang, lowest=True, rank_by="mean")  # the builder's order
        if lowest.hidden:
            st.caption(say("training.heatmap.more", lang, shown=lowest.shown, n=f"{lowest.hidden:,}"))
        fig = charts.heatmap(lowest.data, "month", "branch", "hours_per_head", lang, as_of, title=title,
                             height=max(360, 34 * lowest.data["branch"].nunique() + 120),
                             x_title=t("col.month", lang), y_title=t("col.branch", lang),
                             z_label=t("training.axis.hours_per_head", lang))
        fig.update_yaxes(title_standoff=12)
        ui.chart(fig, heat, "training_branch_month", lang, key="training_heatmap")

left, right = st.columns(2)
title = t("training.by_line", lang)
with left, ui.card(title, t("training.by_line.help", lang)):
    if not blocked(title, needs_roster=True):
        lines = ui.compute(context, training.by_line, filters=filters)
        shown = training.for_display(lines.assign(coverage=lines["coverage"] * 100), lang)
        # sorted by headcount, shown; trained and hours come with "all columns"
        ui.table(shown, "training_by_line", lang, key="training_line_table", extra=["trained", "hours"],
                 column_config={
                     "line": st.column_config.TextColumn(t("col.line", lang), width="small"),
                     "headcount": st.column_config.NumberColumn(t("kpi.headcount", lang), format="%d"),
                     "trained": st.column_config.NumberColumn(t("col.trained", lang), format="%d"),
                     "hours": st.column_config.NumberColumn(t("col.hours", lang), format="%.0f"),
                     "hours_per_head": st.column_config.NumberColumn(t("kpi.hours_per_head", lang), format="%.1f"),
                     "coverage": st.column_config.ProgressColumn(t("kpi.coverage", lang), format="%.1f%%",
                                                                 min_value=0, max_value=100)})
title = t("training.attainment_by_line", lang)
with right, ui.card(title, say("training.attainment.help", lang, target=settings.TRAINING_TARGET_HOURS)):
    if not blocked(title, needs_roster=True):
        attainment = ui.compute(context, training.attainment, filters=filters)
        drawn = views.attainment_by_line(attainment, lang, as_of)
        ui.chart(drawn.figure, drawn.data, "training_attainment", lang, key="training_attainment")

left, right = st.columns(2)
title = t("training.top_courses", lang)
with left, ui.card(title):
    if not blocked(title):
        courses = training.for_display(ui.compute(context, training.top_courses, filters=filters), lang)
        # sorted by person-times, shown next to the course; sessions and hours come with "all columns"
        courses = courses[["course", "person_times", "category", "sessions", "hours"]]
        ui.table(courses, "training_top_courses", lang, key="training_courses_table", extra=["sessions", "hours"],
                 column_config={
                     "course": st.column_config.TextColumn(t("col.course", lang), width=180),
                     "person_times": st.column_config.NumberColumn(t("kpi.person_times", lang), format="%d",
                                                                   width=100),
                     "category": st.column_config.TextColumn(t("col.category", lang), width=130),
                     "sessions": st.column_config.NumberColumn(t("col.sessions", lang), format="%d"),
                     "hours": st.column_config.NumberColumn(t("col.hours", lang), format="%.0f")})
title = t("training.untrained", lang)
with right, ui.card(title, t("training.untrained.help", lang)):
    if not blocked(title, needs_roster=True):
        missing = ui.compute(context, training.untrained, filters=filters)
        if missing.empty:
            st.success(t("training.all_trained", lang), icon=":material/check_circle:")
        else:
            st.markdown(say("training.untrained_count", lang, n=len(missing)))
            ui.table(training.for_display(missing, lang), "training_untrained", lang, key="training_untrained_table",
                     height=360, extra=["position"], most=charts.TABLE_ROWS,
                     profiles={"name": "person", "branch": "branch"}, column_config={
                         # fixed widths: a name sits where a click (and the browser test) expects it
                         "employee_id": st.column_config.TextColumn(t("col.employee_id", lang), width=90),
                         "name": st.column_config.TextColumn(t("col.name", lang), width=90),
                         "branch": t("col.branch", lang), "line": t("col.line", lang),
                         "position": t("col.position", lang)})
