"""创新成果 Innovation: what the model-worker studios produce, how far projects get, and what they return."""
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from talentboard import charts, innovation, ui
from talentboard.i18n import t
from talentboard.metrics import format_number, format_percent

context = ui.page_context()
lang = context.lang
studio = ui.focused("innov")
filters = context.filters
as_of = context.dataset_as_of("innovation")

st.title(t("page.innovation", lang))
st.caption(t("innov.caption", lang, end=filters.end, asof=as_of or "—"))
if as_of is None:
    ui.empty(lang, "innovation")
    st.stop()
if filters.lines:
    st.caption(t("innov.no_line_filter", lang))
ui.focus_bar("innov", lang, hint_key="innov.focus_hint")

table = ui.compute(context, innovation.studios, studio, filters=filters)
totals = innovation.totals(table)
cards = [("innov.studios", str(totals["studios"])), ("kpi.active_projects", str(totals["active"])),
         ("kpi.converted_projects", str(totals["converted"])), ("innov.conversion_rate", format_percent(totals["conversion_rate"])),
         ("kpi.benefit", format_number(totals["benefit"], lang)),
         ("innov.benefit_per_funding", format_number(totals["benefit_per_funding"], lang, digits=2))]
ui.metric_grid([(t(key, lang), value, None, t(f"{key}.help", lang)) for key, value in cards], per_row=3)

with ui.card(t("innov.studio_table", lang), t("innov.studio_table.help", lang)):
    shown = table.assign(conversion_rate=table["conversion_rate"] * 100)
    ui.table(shown, "innovation_studios", lang, key="innov_studio_table", column_config={
        "studio": t("innov.col.studio", lang), "projects": t("innov.col.projects", lang),
        "active": t("innov.col.active", lang), "completed": t("innov.col.completed", lang),
        "converted": t("innov.col.converted", lang), "stopped": t("innov.col.stopped", lang),
        "conversion_rate": st.column_config.ProgressColumn(t("innov.conversion_rate", lang), format="%.0f%%",
                                                           min_value=0, max_value=100),
        "members": t("innov.col.members", lang),
        "results_per_member": st.column_config.NumberColumn(t("innov.col.results_per_member", lang), format="%.2f"),
        "benefit": st.column_config.NumberColumn(t("innov.col.benefit", lang), format="%.1f"),
        "funding": st.column_config.NumberColumn(t("innov.col.funding", lang), format="%.1f"),
        "benefit_per_funding": st.column_config.NumberColumn(t("innov.benefit_per_funding", lang), format="%.2f"),
        "patents": t("innov.col.patents", lang)})

left, right = st.columns(2)
with left, ui.card(t("innov.funnel", lang), t("innov.funnel.help", lang)):
    stages = ui.compute(context, innovation.funnel, studio, filters=filters)
    labels = [t(f"innov.stage.{s}", lang) for s in stages["stage"]]
    fig = go.Figure(go.Funnel(y=labels, x=stages["projects"], textinfo="value+percent initial",
                              marker_color=charts.PALETTE[0]))
    ui.chart(charts.style(fig, lang, as_of, height=340), stages, "innovation_funnel", lang, key="innov_funnel")
with right, ui.card(t("innov.benefit_vs_funding", lang), t("innov.benefit_vs_funding.help", lang)):
    fig = px.scatter(table, x="funding", y="benefit", size="projects", color="studio", size_max=36,
                     labels={"funding": t("innov.col.funding", lang), "benefit": t("innov.col.benefit", lang),
                             "studio": t("innov.col.studio", lang)},
                     color_discrete_sequence=charts.PALETTE)
    reach = float(max(table["funding"].max(), 1)) * 1.15  # benefit = funding, over the funding range shown
    fig.add_shape(type="line", x0=0, y0=0, x1=reach, y1=reach, line={"dash": "dash", "color": charts.TARGET_COLOUR})
    ui.chart(charts.style(fig, lang, as_of, height=340), table[["studio", "funding", "benefit", "projects"]],
             "innovation_benefit_funding", lang, key="innov_scatter")

left, right = st.columns(2)
with left, ui.card(t("innov.benefit_by_studio", lang), t("innov.benefit_by_studio.help", lang)):
    fig = charts.bar(table, "studio", "benefit", lang, as_of, horizontal=True, height=max(300, 44 * len(table)),
                     labels={"studio": t("innov.col.studio", lang), "benefit": t("innov.col.benefit", lang)})
    ui.chart(fig, table[["studio", "benefit"]], "innovation_benefit_by_studio", lang, key="innov_benefit",
             on_select=ui.focus_on_click("innov", "innov_benefit"))
with right, ui.card(t("innov.stage_days", lang), t("innov.stage_days.help", lang)):
    days = ui.compute(context, innovation.stage_days, studio, filters=filters)
    order = {"to_complete": 0, "to_convert": 1, "start_to_convert": 2}
    overall = (days[days["studio"].isna()].sort_values("span", key=lambda spans: spans.map(order))
               .assign(span_name=lambda d: [t(f"innov.span.{s}", lang) for s in d["span"]]))
    fig = charts.bar(overall, "span_name", "median_days", lang, as_of, text="median_days", height=300,
                     horizontal=True, order=list(overall["span_name"]),
                     labels={"span_name": "", "median_days": t("innov.col.median_days", lang)})
    ui.chart(fig, days, "innovation_stage_days", lang, key="innov_days")

left, right = st.columns(2)
with left, ui.card(t("innov.categories", lang)):
    mix = ui.compute(context, innovation.categories, studio, filters=filters)
    fig = charts.bar(mix, "category", "projects", lang, as_of, horizontal=True, height=320,
                     labels={"category": t("col.category", lang), "projects": t("innov.col.projects", lang)})
    ui.chart(fig, mix, "innovation_categories", lang, key="innov_categories")
with right, ui.card(t("innov.awards", lang), t("innov.awards.help", lang, patents=totals["patents"])):
    prizes = ui.compute(context, innovation.awards, studio, filters=filters)
    if prizes.empty:
        st.caption(t("innov.no_awards", lang))
    else:
        fig = charts.bar(prizes, "award_level", "projects", lang, as_of, text="projects", height=300,
                         labels={"award_level": "", "projects": t("innov.col.projects", lang)})
        ui.chart(fig, prizes, "innovation_awards", lang, key="innov_awards")

with ui.card(t("innov.timeline", lang), t("innov.timeline.help", lang, n=innovation.TIMELINE_LIMIT)):
    bars = ui.compute(context, innovation.timeline, studio, as_of, filters=filters)
    fig = px.timeline(bars, x_start="start_date", x_end="finish", y="title", color="studio",
                      color_discrete_sequence=charts.PALETTE, labels={"studio": t("innov.col.studio", lang)})
    fig.update_yaxes(autorange="reversed", title=None)
    ui.chart(charts.style(fig, lang, as_of, height=max(360, 22 * len(bars))), bars, "innovation_timeline", lang,
             key="innov_timeline")
