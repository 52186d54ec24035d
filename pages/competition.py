"""技能竞赛 Competition and grading: who takes part, who wins, who improves, which branches lag; grade mix and movements."""
import streamlit as st

from talentboard import charts, competition, metrics, ui
from talentboard.i18n import t
from talentboard.metrics import format_number, format_percent

context = ui.page_context()
lang = context.lang
focus = ui.focused("comp")
filters = context.filters.focused(focus)
as_of = context.dataset_as_of("competition")
grading_as_of = context.dataset_as_of("grading")
ALL = ""  # a selectbox choice meaning "all"
RISE, HOLD, FALL = "#009E73", "#BBBBBB", "#D55E00"


def all_or(value: str) -> str:
    return value or t("filter.all", lang)


def award_label(award: str) -> str:
    return t(f"comp.award.{award}", lang)


def rows_height(rows: int, most: int = 16) -> int:
    """A table tall enough for its rows (up to `most`, then it scrolls): no empty grid, no hidden last row."""
    return 35 * (min(max(rows, 1), most) + 1) + 3


st.title(t("page.competition", lang))
st.caption(t("overview.caption", lang, start=filters.start, end=filters.end, asof=as_of or grading_as_of or "—"))
if as_of is not None:
    ui.focus_bar("comp", lang)

# ---------------------------------------------------------------------------------------------
# Competition: who takes part, who wins, how scores spread, which branches lead, who improves
# ---------------------------------------------------------------------------------------------
if as_of is None:
    ui.empty(lang, "competition")
else:
    summary = ui.compute(context, competition.summary, filters=filters)
    previous = ui.compute(context, competition.summary, filters=filters.previous())
    cards = [
        ("comp.participants", format_number(summary.participants, lang),
         metrics.change(summary.participants, previous.participants)),
        ("comp.award_winners", format_number(summary.award_winners, lang),
         metrics.change(summary.award_winners, previous.award_winners)),
        ("comp.award_rate", format_percent(summary.award_rate),
         metrics.change_points(summary.award_rate, previous.award_rate)),
        ("comp.improved", format_percent(summary.improved_share), None),
    ]
    points = t("comp.separator", lang).join(f"{award_label(award)} {format_number(value, lang)}"
                                            for award, value in competition.AWARD_POINTS.items())
    for column, (key, value, delta) in zip(st.columns(len(cards)), cards):
        column.metric(t(key, lang), value, delta=delta, border=True, height="stretch",
                      help=t(f"{key}.help", lang, n=format_number(summary.repeat_contestants, lang))
                      + (t("kpi.change_help", lang) if delta else ""))

    if summary.participants == 0:  # results exist, but none in this period and scope: say so, no blank charts
        st.info(t("comp.leaderboard_count", lang, n=0), icon=":material/info:")
    else:
        left, right = st.columns(2)
        participation = ui.compute(context, competition.participation, filters=filters)
        with left, ui.card(t("comp.participation", lang), t("comp.participation.help", lang)):
            shown = participation.assign(rate_pct=participation["participation_rate"] * 100,
                                         year=participation["year"].astype(str))
            fig = charts.bar(shown, "line", "rate_pct", lang, as_of, color="year", height=400,
                             labels={"line": t("col.line", lang), "rate_pct": t("comp.col.participation_rate", lang),
                                     "year": t("col.year", lang)})
            fig.update_layout(barmode="group")
            fig.update_traces(texttemplate="%{y:.0f}%", textposition="outside", cliponaxis=False, textfont_size=12)
            fig.update_yaxes(ticksuffix="%", rangemode="tozero")
            ui.chart(fig, participation, "competition_participation", lang, key="comp_participation")

        scores = ui.compute(context, competition.score_by_event, filters=filters)
        with right, ui.card(t("comp.scores", lang), t("comp.scores.help", lang)):
            if len(scores):
                fig = charts.box_summary(scores, "event", lang, as_of, height=400, hover={
                    "entries": t("comp.col.entries", lang), "mean": t("comp.col.mean", lang),
                    "sd": t("comp.col.sd", lang), "max": t("comp.col.max", lang), "q3": t("comp.col.q3", lang),
                    "median": t("comp.col.median", lang), "q1": t("comp.col.q1", lang), "min": t("comp.col.min", lang)})
                ui.chart(fig, scores, "competition_score_by_event", lang, key="comp_scores")

        with ui.card(t("comp.leaderboard", lang), t("comp.leaderboard.help", lang)):
            options = ui.compute(context, competition.choices, filters=filters)
            contests = list(dict.fromkeys(options["competition"]))
            pick_competition, pick_event, pick_line = st.columns(3)
            chosen = pick_competition.selectbox(t("comp.col.competition", lang), [ALL, *contests], key="comp_competition",
                                                index=1 if contests else 0, format_func=all_or)
            within = options[options["competition"] == chosen] if chosen else options
            event = pick_event.selectbox(t("comp.col.event", lang), [ALL, *sorted(set(within["event"]))],
                                         key="comp_event", format_func=all_or)
            line = pick_line.selectbox(t("col.line", lang), [ALL, *sorted(set(within["line"]))], key="comp_line",
                                       format_func=all_or)
            board = ui.compute(context, competition.leaderboard, chosen, event, line, filters=filters)
            note = "comp.leaderboard_limited" if len(board) >= competition.LEADERBOARD_LIMIT else "comp.leaderboard_count"
            st.caption(t(note, lang, n=format_number(len(board), lang)))
            ui.table(board.assign(award=board["award"].map(award_label, na_action="ignore")), "competition_leaderboard",
                     lang, key="comp_leaderboard_table", height=rows_height(len(board), 12), column_config={
                         "rank": st.column_config.NumberColumn(t("comp.col.rank", lang), format="%d"),
                         "name": t("col.name", lang), "branch": t("col.branch", lang),
                         "competition": t("comp.col.competition", lang), "event": t("comp.col.event", lang),
                         "line": t("col.line", lang),
                         "score": st.column_config.NumberColumn(t("comp.col.score", lang), format="%.1f"),
                         "percentile": st.column_config.ProgressColumn(t("comp.col.percentile", lang), format="%.1f",
                                                                       min_value=0, max_value=100),
                         "award": t("comp.col.award", lang), "employee_id": None,
                         **{column: None for column, picked in (("competition", chosen), ("event", event), ("line", line))
                            if picked}})

        medals = ui.compute(context, competition.medal_table, filters=filters)
        left, right = st.columns([1, 1])
        with left, ui.card(t("comp.medals", lang), t("comp.medals.help", lang, points=points)):
            if len(medals):
                by_award = ui.compute(context, competition.medal_points, filters=filters)
                shown = by_award.assign(award=by_award["award"].map(award_label))
                fig = charts.bar(shown, "branch", "points", lang, as_of, color="award", horizontal=True,
                                 order=list(medals["branch"]), height=max(360, 34 * len(medals) + 120),
                                 labels={"branch": t("col.branch", lang), "points": t("comp.col.points", lang),
                                         "award": t("comp.col.award", lang), "medals": t("comp.col.medals", lang)})
                shades = charts.ordinal_colours(len(competition.AWARD_POINTS))[::-1]  # the top award darkest
                charts.colour_traces(fig, {award_label(a): c for a, c in zip(competition.AWARD_POINTS, shades)})
                fig.update_layout(legend={"traceorder": "normal"})
                ui.chart(fig, by_award, "competition_medal_points", lang, key="comp_medals",
                         on_select=ui.focus_on_click("comp", "comp_medals", field="y"))
        with right, ui.card(t("comp.medal_table", lang), t("comp.medal_table.help", lang)):
            ui.table(medals, "competition_medal_table", lang, key="comp_medal_table", height=rows_height(len(medals)),
                     column_config={
                "branch": t("col.branch", lang),
                **{a: st.column_config.NumberColumn(t(f"comp.award_short.{a}", lang), format="%d", help=award_label(a))
                   for a in competition.AWARD_POINTS},
                "medals": st.column_config.NumberColumn(t("comp.col.medals", lang), format="%d"),
                "points": st.column_config.NumberColumn(t("comp.col.points", lang), format="%d")})

        left, right = st.columns(2)
        spread = ui.compute(context, competition.improvement_distribution, filters=filters)
        with left, ui.card(t("comp.improvement", lang), t("comp.improvement.help", lang)):
            if len(spread):
                direction = {1: t("comp.dir.rose", lang), 0: t("comp.dir.held", lang), -1: t("comp.dir.fell", lang)}
                shown = spread.assign(direction=spread["bin"].apply(lambda b: direction[(b > 0) - (b < 0)]))
                fig = charts.bar(shown, "bin", "people", lang, as_of, color="direction", height=380,
                                 labels={"bin": t("comp.col.change", lang), "people": t("comp.col.people", lang),
                                         "direction": t("comp.col.direction", lang)})
                charts.colour_traces(fig, {direction[1]: RISE, direction[0]: HOLD, direction[-1]: FALL})
                fig.update_xaxes(dtick=10)
                fig.update_traces(width=8)
                ui.chart(fig, spread, "competition_improvement_distribution", lang, key="comp_improvement")
            else:
                st.info(t("comp.no_repeat", lang), icon=":material/info:")
        with right, ui.card(t("comp.top_improvers", lang), t("comp.top_improvers.help", lang)):
            improvers = ui.compute(context, competition.improvement, filters=filters)
            risen = improvers[improvers["change"] > 0]
            ui.table(risen, "competition_top_improvers", lang, key="comp_improvers_table", height=rows_height(len(risen)),
                     column_config={
                         "employee_id": None, "name": t("col.name", lang), "branch": t("col.branch", lang),
                         "line": None, "from_year": None,
                         "to_year": st.column_config.NumberColumn(t("col.year", lang), format="%d"),
                         "from_percentile": st.column_config.NumberColumn(t("comp.col.from_percentile", lang), format="%.1f"),
                         "to_percentile": st.column_config.NumberColumn(t("comp.col.to_percentile", lang), format="%.1f"),
                         "change": st.column_config.NumberColumn(t("comp.col.change", lang), format="%+.1f")})

# ---------------------------------------------------------------------------------------------
# Grading: the grade mix and who moved up or down
# ---------------------------------------------------------------------------------------------
st.subheader(t("comp.grading", lang))
if grading_as_of is None:
    ui.empty(lang, "grading")
else:
    mix = ui.compute(context, competition.grade_mix, filters=filters)
    if mix.empty:  # grades exist, but none in the period's years
        st.info(t("comp.no_grades", lang), icon=":material/info:")
    else:
        with ui.card(t("comp.grade_mix", lang), t("comp.grade_mix.help", lang)):
            fig = charts.stacked_shares(mix, "line", "year", "grade", "share", lang, grading_as_of,
                                        order=competition.grade_order(), count="people", height=440,
                                        count_label=t("comp.col.people", lang))
            ui.chart(fig, mix, "grading_mix", lang, key="comp_grade_mix")

        left, right = st.columns([2, 3])
        moves = ui.compute(context, competition.grade_movement_shares, filters=filters)
        with left, ui.card(t("comp.movements", lang), t("comp.movements.help", lang)):
            if len(moves):
                names = {m: t(f"comp.col.{m}", lang) for m in competition.MOVEMENTS}
                shown = moves.assign(movement=moves["movement"].map(names), share_pct=moves["share"] * 100,
                                     count_text=moves["count"].map(lambda n: format_number(n, lang)))
                fig = charts.bar(shown, "pair", "share_pct", lang, grading_as_of, color="movement", horizontal=True,
                                 text="count_text", height=160 + 70 * moves["pair"].nunique(),
                                 labels={"pair": t("comp.col.pair", lang), "share_pct": t("comp.col.share", lang) + " %",
                                         "movement": t("comp.col.movement", lang), "count_text": t("comp.col.people", lang)})
                charts.colour_traces(fig, {names["promoted"]: RISE, names["unchanged"]: HOLD, names["demoted"]: FALL})
                fig.update_traces(textposition="inside", insidetextanchor="middle")
                fig.update_layout(uniformtext={"minsize": 11, "mode": "hide"})
                fig.update_xaxes(range=[0, 101], dtick=25, ticksuffix="%")
                last_pair = moves["pair"].max()  # "2025→2026" sorts by year
                latest = moves[moves["pair"] == last_pair].set_index("movement")
                st.caption(t("comp.movements.latest", lang, pair=last_pair, **{
                    m: format_number(latest.at[m, "count"], lang) for m in competition.MOVEMENTS}, **{
                    f"{m}_share": format_percent(latest.at[m, "share"]) for m in competition.MOVEMENTS}))
                ui.chart(fig, moves, "grading_movements", lang, key="comp_movements")
            else:
                st.info(t("comp.no_moves", lang), icon=":material/info:")
        flows = ui.compute(context, competition.grade_flows, filters=filters)
        with right, ui.card(t("comp.sankey", lang), t("comp.sankey.help", lang)):
            if len(flows):
                first, last = int(flows["from_year"].iat[0]), int(flows["to_year"].iat[0])
                fig = charts.sankey(flows, "from_grade", "to_grade", "people", lang, grading_as_of,
                                    order=competition.grade_order(), height=max(420, 60 * flows["to_grade"].nunique()),
                                    source_title=t("comp.year", lang, year=first), target_title=t("comp.year", lang, year=last),
                                    link_colour="direction", value_label=t("comp.col.people", lang),
                                    colours={1: "rgba(0, 158, 115, 0.55)", 0: "rgba(160, 160, 160, 0.3)",
                                             -1: "rgba(213, 94, 0, 0.6)"})
                st.caption(t("comp.sankey.legend", lang))
                ui.chart(fig, flows, "grading_flows", lang, key="comp_sankey")
            else:
                st.info(t("comp.no_moves", lang), icon=":material/info:")
