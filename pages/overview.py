"""总览 Overview: the headline numbers for the period and scope chosen in the sidebar."""
import streamlit as st

from talentboard import ui
from talentboard.i18n import t
from talentboard.metrics import format_number, format_percent

context = ui.page_context()
lang, filters = context.lang, context.filters

st.title(t("page.overview", lang))
st.caption(t("overview.caption", lang, start=filters.start, end=filters.end, asof=context.as_of or "—"))
if context.demo:
    st.info(t("app.demo_notice", lang), icon=":material/info:")

kpis = ui.cached_overview(context.db, context.version, filters)
if context.as_of is None and kpis.headcount == 0:
    st.warning(t("overview.no_data", lang))

headcount_key = "kpi.headcount_estimate" if kpis.headcount_is_estimate else "kpi.headcount"
training_row = [
    (headcount_key, format_number(kpis.headcount, lang)),
    ("kpi.training_hours", format_number(kpis.training_hours, lang)),
    ("kpi.hours_per_head", format_number(kpis.hours_per_head, lang)),
    ("kpi.coverage", format_percent(kpis.coverage)),
    ("kpi.person_times", format_number(kpis.person_times, lang)),
]
results_row = [
    ("kpi.participants", format_number(kpis.participants, lang)),
    ("kpi.award_winners", format_number(kpis.award_winners, lang)),
    ("kpi.active_projects", format_number(kpis.active_projects, lang)),
    ("kpi.converted_projects", format_number(kpis.converted_projects, lang)),
    ("kpi.benefit", format_number(kpis.benefit, lang)),
]
for row in (training_row, results_row):
    for column, (key, value) in zip(st.columns(len(row)), row):
        column.metric(t(key, lang), value, help=t(f"{key}.help", lang), border=True, height="stretch")
