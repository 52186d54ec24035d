"""创新成果 Innovation: what the model-worker studios produce, how far projects get, and what they return."""
import streamlit as st

from talentboard import charts, innovation, ui, views
from talentboard.i18n import t
from talentboard.literal import markdown, say
from talentboard.schema import display



context = ui.page_context()
lang = context.lang
studio = ui.focused("innov")
filters = context.filters
as_of = context.dataset_as_of("innovation")

st.title(t("page.innovation", lang))
st.caption(say("innov.caption", lang, end=filters.end, asof=as_of or "—"))
if as_of is None:
    ui.empty(lang, "innovation")
    st.stop()
if filters.lines:
    st.caption(t("innov.no_line_filter", lang))
ui.focus_bar("innov", lang, hint_key="innov.focus_hint")

table = ui.compute(context, innovation.studios, studio, filters=filters)
if table.empty:  # nothing started by the period's end in this scope: say so, no zero cards, no blank charts
    st.info(t("innov.no_projects", lang), icon=":material/info:")
    st.stop()

# One colour per studio on every chart, from its place among all studios in the store (not the filtered ones).
studio_colours = charts.colour_map(ui.compute(context, innovation.studio_names))
now = innovation.totals(table)
before = ui.compute(context, innovation.summary, studio, filters=filters.previous())
ui.metric_grid([(t(f"innov.kpi.{name}", lang), value, delta,
                 t(f"innov.kpi.{name}.help", lang) + t("innov.kpi.change_help", lang))
                for name, value, delta in innovation.kpi_cards(now, before, lang)], per_row=3)

left, right = st.columns(2)
with left, ui.card(t("innov.funnel", lang), t("innov.funnel.help", lang)):
    stages = ui.compute(context, innovation.funnel, studio, filters=filters)
    drawn = views.project_funnel(stages, lang, as_of)
    ui.chart(drawn.figure, drawn.data, "innovation_funnel", lang, key="innov_funnel")
with right, ui.card(t("innov.benefit_vs_funding", lang), t("innov.benefit_vs_funding.help", lang)):
    if len(table) > charts.TOP_N:  # one row a studio: the builder colours the top ones, the rest grey
        st.caption(say("innov.benefit_vs_funding.more", lang, shown=charts.TOP_N, n=f"{len(table) - charts.TOP_N:,}"))
    fig = charts.bubbles(table, "funding", "benefit", "projects", "studio", lang, as_of,
                         labels={"funding": t("innov.col.funding", lang), "benefit": t("innov.col.benefit", lang),
                                 "studio": t("innov.col.studio", lang), "projects": t("innov.col.project_count", lang)},
                         title=t("innov.benefit_vs_funding", lang), colours=studio_colours, height=440, diagonal=True)
    fig.update_layout(legend_orientation="v")  # one studio a row, left: never under the as-of stamp on the right
    ui.chart(fig, table[["studio", "funding", "benefit", "projects"]], "innovation_benefit_funding", lang,
             key="innov_scatter")

# The studio table: the columns a reader needs first (the sort column, benefit, among them); the rest on demand.
MAIN = ["studio", "benefit", "projects", "active", "converted", "conversion_rate", "benefit_per_funding"]
EXTRA = ["funding", "completed", "stopped", "members", "results_per_member", "patents"]
column_names = {"studio": t("innov.col.studio", lang), "projects": t("innov.col.projects", lang),
                "active": t("innov.col.active", lang), "completed": t("innov.col.completed", lang),
                "converted": t("innov.col.converted", lang), "stopped": t("innov.col.stopped", lang),
                "conversion_rate": t("innov.conversion_rate", lang), "members": t("innov.col.members", lang),
                "results_per_member": t("innov.col.results_per_member", lang),
                "benefit": t("innov.col.benefit", lang), "funding": t("innov.col.funding", lang),
                "benefit_per_funding": t("innov.benefit_per_funding", lang), "patents": t("innov.col.patents", lang)}
with ui.card(t("innov.studio_table", lang), t("innov.studio_table.help", lang)):
    shown = innovation.table_view(table[MAIN + EXTRA])
    config = {
        "studio": st.column_config.TextColumn(column_names["studio"], pinned=True),
        "benefit": st.column_config.NumberColumn(column_names["benefit"], format="%.1f"),
        "projects": st.column_config.NumberColumn(column_names["projects"], width="small"),
        "active": st.column_config.NumberColumn(column_names["active"], width="small"),
        "converted": st.column_config.NumberColumn(column_names["converted"], width="small"),
        "conversion_rate": st.column_config.NumberColumn(column_names["conversion_rate"], format="%.1f%%"),
        "benefit_per_funding": st.column_config.NumberColumn(column_names["benefit_per_funding"], format="%.2f"),
        "funding": st.column_config.NumberColumn(column_names["funding"], format="%.1f"),
        "completed": column_names["completed"], "stopped": column_names["stopped"],
        "members": column_names["members"],
        "results_per_member": st.column_config.NumberColumn(column_names["results_per_member"], format="%.2f"),
        "patents": column_names["patents"]}
    ui.table(shown, "innovation_studios", lang, key="innov_studio_table", column_config=config, extra=EXTRA)

left, right = st.columns(2)
with left, ui.card(t("innov.benefit_by_studio", lang), t("innov.benefit_by_studio.help", lang)):
    drawn = views.benefit_by_studio(table, studio_colours, lang, as_of)
    if drawn.note:
        st.caption(markdown(drawn.note))
    ui.chart(drawn.figure, drawn.data, "innovation_benefit_by_studio", lang, key="innov_benefit",
             on_select=ui.focus_on_click("innov", "innov_benefit", skip=drawn.others))
with right, ui.card(t("innov.stage_days", lang), t("innov.stage_days.help", lang)):
    days = ui.compute(context, innovation.stage_days, studio, filters=filters)
    overall = innovation.overall_stage_days(days).assign(
        span_name=lambda d: [t(f"innov.span.{s}", lang) for s in d["span"]])
    if overall.empty:
        st.info(t("innov.no_stage_days", lang), icon=":material/info:")
    else:
        fig = charts.bar(overall, "span_name", "median_days", lang, as_of, height=300, horizontal=True,
                         title=t("innov.stage_days", lang), number_format=",.0f", suffix=t("innov.unit.days", lang),
                         labels={"span_name": t("innov.col.stage", lang),
                                 "median_days": t("innov.col.median_days", lang)})
        ui.chart(fig, days, "innovation_stage_days", lang, key="innov_days")

left, right = st.columns(2)
with left, ui.card(t("innov.categories", lang)):
    mix = ui.compute(context, innovation.categories, studio, filters=filters)
    mix = mix.assign(category=[display("innovation", "category", c, lang) for c in mix["category"]])
    fig = charts.bar(mix, "category", "projects", lang, as_of, horizontal=True, color="category",
                     colours=charts.enum_colours("innovation", "category", lang), order=list(mix["category"]),
                     height=max(300, 40 * len(mix)), title=t("innov.categories", lang), number_format=",.0f",
                     labels={"category": t("innov.col.category", lang),
                             "projects": t("innov.col.project_count", lang)})
    ui.chart(fig, mix, "innovation_categories", lang, key="innov_categories")
with right, ui.card(t("innov.awards", lang), say("innov.awards.help", lang, patents=now["patents"])):
    prizes = ui.compute(context, innovation.awards, studio, filters=filters)
    if prizes.empty:
        st.info(t("innov.no_awards", lang), icon=":material/info:")
    else:
        prizes = prizes.assign(award_level=[display("innovation", "award_level", a, lang)
                                            for a in prizes["award_level"]])
        fig = charts.bar(prizes, "award_level", "projects", lang, as_of, height=300, number_format=",.0f",
                         title=t("innov.awards", lang), order=list(prizes["award_level"]),
                         labels={"award_level": t("innov.col.award_level", lang),
                                 "projects": t("innov.col.project_count", lang)})
        ui.chart(fig, prizes, "innovation_awards", lang, key="innov_awards")

with ui.card(t("innov.timeline", lang), say("innov.timeline.help", lang, n=innovation.TIMELINE_LIMIT)):
    bars = ui.compute(context, innovation.timeline, studio, as_of, filters=filters)
    bars = bars.assign(status=[display("innovation", "status", s, lang) for s in bars["status"]])
    leaders = set(charts.top(table, "studio", "benefit", lang).data["studio"])  # the studios of the charts above
    coloured = set(bars["studio"]) & leaders
    if bars["studio"].nunique() > charts.TOP_N:  # those keep their colours, the rest are grey
        st.caption(say("innov.timeline.more", lang, shown=charts.TOP_N, n=f"{bars['studio'].nunique() - len(coloured):,}"))
    fig = charts.timeline(bars, "start_date", "finish", "title", "studio", lang, as_of,
                          labels={"studio": t("innov.col.studio", lang), "title": t("innov.col.title", lang),
                                  "start_date": t("innov.col.start", lang), "finish": t("innov.col.finish", lang),
                                  "date": t("innov.col.date", lang)},
                          title=t("innov.timeline", lang), colours=studio_colours,
                          height=max(360, 22 * len(bars) + 120), order=list(bars["title"]),  # newest on top
                          named=sorted(coloured))
    fig.update_layout(legend_orientation="v")  # one studio a row, left: never under the as-of stamp on the right
    ui.chart(fig, bars, "innovation_timeline", lang, key="innov_timeline")
