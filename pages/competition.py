"""技能竞赛 Competition and grading: who takes part, who wins, who improves, which branches lag; grade mix and movements."""
import pandas as pd
import streamlit as st

from talentboard import charts, competition, metrics, ui, views
from talentboard.i18n import t
from talentboard.literal import markdown, say
from talentboard.metrics import format_number, format_percent
from talentboard.schema import display

context = ui.page_context()
lang = context.lang
focus = ui.focused("comp")
filters = context.filters.focused(focus)
as_of = context.dataset_as_of("competition")
grading_as_of = context.dataset_as_of("grading")
# a grading is a year's assessment: its charts are stamped with the year, not a calendar date
grading_stamp = t("chart.as_of_year", lang, year=grading_as_of.year) if grading_as_of else None
ALL = ""  # a selectbox choice meaning "all"
RISE, HOLD, FALL = "#009E73", "#BBBBBB", "#D55E00"


def all_or(value: str) -> str:
    return value or t("filter.all", lang)


def award_label(award: str) -> str:
    return display("competition", "award", award, lang)


def grade_label(grade: str) -> str:
    return display("grading", "grade", grade, lang)


def rows_height(rows: int, most: int = 16) -> int:
    """A table tall enough for its rows (up to `most`, then it scrolls): no empty grid, no hidden last row."""
    return 35 * (min(max(rows, 1), most) + 1) + 3


def nothing(key: str) -> None:
    """A card's empty state: one plain line, never a blank chart or a bare title."""
    st.info(t(key, lang), icon=":material/info:")


st.title(t("page.competition", lang))
st.caption(say("overview.caption", lang, start=filters.start, end=filters.end, asof=as_of or "—"))
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
         metrics.change_points(summary.award_rate, previous.award_rate, lang)),
        ("comp.improved", format_percent(summary.improved_share),
         metrics.change_points(summary.improved_share, previous.improved_share, lang)),
    ]
    points = t("comp.separator", lang).join(f"{award_label(award)} {format_number(value, lang)}"
                                            for award, value in competition.AWARD_POINTS.items())
    ui.metric_grid([(t(key, lang), value, delta, t(f"{key}.help", lang, n=format_number(summary.repeat_contestants, lang))
                     + (t("kpi.change_help", lang) if delta else "")) for key, value, delta in cards], per_row=len(cards))
    # who is behind the numbers: a click lists them (names open their records)
    ui.people_buttons(context, [("participants", summary.participants), ("award_winners", summary.award_winners)],
                      filters, key="comp_people")
    ui.branch_people(context, "comp", "participants")  # a click on a branch's medal bar: its contestants

    if summary.participants == 0:  # results exist, but none in this period and scope: say so, no blank charts
        nothing("comp.no_results")
    else:
        left, right = st.columns(2)
        participation = ui.compute(context, competition.participation, filters=filters)
        with left, ui.card(t("comp.participation", lang), t("comp.participation.help", lang)):
            drawn = views.participation_by_line(participation, lang, as_of)
            ui.chart(drawn.figure, drawn.data, "competition_participation", lang, key="comp_participation")

        scores = ui.compute(context, competition.score_by_event, filters=filters)
        with right, ui.card(t("comp.scores", lang), t("comp.scores.help", lang)):
            # no scores: ui.chart says so (an empty figure has nothing to draw)
            fig = charts.box_summary(scores, "event", lang, as_of, height=400, title=t("comp.scores", lang),
                                     x_title=t("comp.col.event", lang), y_title=t("comp.axis.score", lang),
                                     hover={
                "entries": t("comp.col.entries", lang), "mean": t("comp.col.mean", lang),
                "sd": t("comp.col.sd", lang), "max": t("comp.col.max", lang), "q3": t("comp.col.q3", lang),
                "median": t("comp.col.median", lang), "q1": t("comp.col.q1", lang), "min": t("comp.col.min", lang)})
            ui.chart(fig, scores, "competition_score_by_event", lang, key="comp_scores")

        with ui.card(t("comp.leaderboard", lang), t("comp.leaderboard.help", lang)):
            options = ui.compute(context, competition.choices, filters=filters)
            contests = list(dict.fromkeys(options["competition"]))
            opening = competition.default_competition(options)
            pick_competition, pick_event, pick_line = st.columns(3)
            chosen = pick_competition.selectbox(t("comp.col.competition", lang), [ALL, *contests], key="comp_competition",
                                                index=contests.index(opening) + 1 if opening in contests else 0,
                                                format_func=all_or)
            within = options[options["competition"] == chosen] if chosen else options
            event = pick_event.selectbox(t("comp.col.event", lang), [ALL, *sorted(set(within["event"]))],
                                         key="comp_event", format_func=all_or)
            line = pick_line.selectbox(t("col.line", lang), [ALL, *sorted(set(within["line"]))], key="comp_line",
                                       format_func=all_or)
            board = ui.compute(context, competition.leaderboard, chosen, event, line, filters=filters)
            if board.empty:
                nothing("comp.no_board")
            else:
                if chosen:  # the picked competition, its level and date say once what the hidden columns would repeat
                    picked = within.iloc[0]
                    level = display("competition", "level", picked["level"], lang) if pd.notna(picked["level"]) else "—"
                    st.caption(say("comp.leaderboard.picked", lang, competition=" · ".join(filter(None, (chosen, event, line))),
                                 level=level, date=pd.Timestamp(picked["date"]).date()))
                note = "comp.leaderboard_limited" if len(board) >= competition.LEADERBOARD_LIMIT else "comp.leaderboard_count"
                small = board["field_size"].lt(competition.MIN_FIELD_FOR_PERCENTILE).any()
                st.caption(say(note, lang, n=format_number(len(board), lang)) + (
                    t("comp.separator", lang) + say("comp.leaderboard.small_field", lang,
                                                  n=competition.MIN_FIELD_FOR_PERCENTILE) if small else ""))
                shown = board.assign(award=board["award"].map(award_label, na_action="ignore"))
                # columns a pick makes the same on every row go to the caption; across all competitions the
                # line gives way to the competition's name (a competition is one line's), so the board fits 1366 px
                hidden = {"employee_id", "level", *(c for c, picked in (("competition", chosen), ("event", event),
                                                                          ("line", line or not chosen)) if picked)}
                order = [c for c in ("rank", "name", "branch", "competition", "event", "line", "score", "percentile",
                                     "award", "field_size", "person_key") if c not in hidden]
                ui.table(shown[order], "competition_leaderboard", lang, key="comp_leaderboard_table",
                         height=rows_height(len(board), 12), download_data=board,
                         profiles={"name": "person", "branch": "branch"}, column_config={
                                 "rank": st.column_config.NumberColumn(t("comp.col.rank", lang), format="%d", width=56),
                                 "name": st.column_config.TextColumn(t("col.name", lang), width=80),
                                 "branch": st.column_config.TextColumn(t("col.branch", lang), width=100),
                                 "competition": st.column_config.TextColumn(t("comp.col.competition", lang), width=240),
                                 "event": st.column_config.TextColumn(t("comp.col.event", lang), width=80),
                                 "line": st.column_config.TextColumn(t("col.line", lang), width=80),
                                 "score": st.column_config.NumberColumn(t("comp.col.score", lang), format="%.1f",
                                                                        width=64),
                                 "percentile": st.column_config.ProgressColumn(
                                     t("comp.col.percentile", lang), format="%.1f", min_value=0, max_value=100,
                                     width=100, help=t("comp.leaderboard.small_field", lang,
                                                       n=competition.MIN_FIELD_FOR_PERCENTILE)),
                                 "award": st.column_config.TextColumn(t("comp.col.award", lang), width=100),
                                 "field_size": st.column_config.NumberColumn(t("comp.col.field", lang), format="%d",
                                                                             width=60, help=t("comp.col.field.help", lang))})

        medals = ui.compute(context, competition.medal_table, filters=filters)
        left, right = st.columns([1, 1])
        with left, ui.card(t("comp.medals", lang), say("comp.medals.help", lang, points=points)):
            if medals["medals"].sum() > 0:
                by_award = ui.compute(context, competition.medal_points, filters=filters)
                drawn = views.medal_points(by_award, medals, lang, as_of)
                if drawn.note:
                    st.caption(markdown(drawn.note))
                ui.chart(drawn.figure, drawn.data, "competition_medal_points", lang, key="comp_medals",
                         on_select=ui.focus_on_click("comp", "comp_medals", field="y", skip=drawn.others, people=True))
            else:
                nothing("comp.no_medals")
        with right, ui.card(t("comp.medal_table", lang), t("comp.medal_table.help", lang)):
            if medals["medals"].sum() > 0:
                # the sum of the award columns (获奖项次) is left out so every column fits at 1366 px
                ui.table(medals.drop(columns="medals"), "competition_medal_table", lang, key="comp_medal_table",
                         height=rows_height(len(medals)), download_data=medals, profiles={"branch": "branch"},
                         column_config={
                    "branch": st.column_config.TextColumn(t("col.branch", lang), width=96),
                    **{a: st.column_config.NumberColumn(t(f"comp.award_short.{a}", lang), format="%d",
                                                        help=award_label(a), width=48)
                       for a in competition.AWARD_POINTS},
                    "points": st.column_config.NumberColumn(t("comp.col.points", lang), format="%d", width=60)})
            else:
                nothing("comp.no_medals")

        left, right = st.columns(2)
        spread = ui.compute(context, competition.improvement_distribution, filters=filters)
        with left, ui.card(t("comp.improvement", lang), t("comp.improvement.help", lang)):
            if len(spread):
                direction = {1: t("comp.dir.rose", lang), 0: t("comp.dir.held", lang), -1: t("comp.dir.fell", lang)}
                shown = spread.assign(direction=spread["bin"].apply(lambda b: direction[(b > 0) - (b < 0)]))
                fig = charts.bar(shown, "bin", "people", lang, as_of, color="direction", height=380,
                                 title=t("comp.improvement", lang), number_format=",.0f", stacked_labels=False,
                                 colours={direction[1]: RISE, direction[0]: HOLD, direction[-1]: FALL},
                                 labels={"bin": t("comp.axis.percentile_change", lang),
                                         "people": t("comp.col.people", lang),
                                         "direction": t("comp.col.direction", lang)})
                fig.update_xaxes(dtick=10)
                fig.update_traces(width=8)
                ui.chart(fig, spread, "competition_improvement_distribution", lang, key="comp_improvement")
            else:
                nothing("comp.no_repeat")
        with right, ui.card(t("comp.top_improvers", lang), t("comp.top_improvers.help", lang)):
            improvers = ui.compute(context, competition.improvement, filters=filters)
            risen = improvers[improvers["change"] > 0]
            if len(risen):
                # four columns fit half a 1366 px screen: the sort column (change) next to the name, the two
                # percentiles as one "before → after", the year only when the period holds several
                several_years = risen["to_year"].nunique() > 1
                compact = risen.assign(percentiles=[f"{a:.1f} → {b:.1f}" for a, b in
                                                    zip(risen["from_percentile"], risen["to_percentile"])])
                compact = compact[["name", "branch", "change", "percentiles", *(["to_year"] if several_years else []),
                                   "person_key"]]
                if not several_years:
                    st.caption(say("comp.improvers.years", lang, before=int(risen["from_year"].iat[0]),
                                 after=int(risen["to_year"].iat[0])))
                ui.table(compact, "competition_top_improvers", lang, key="comp_improvers_table",
                         height=rows_height(len(risen)), download_data=risen,
                         profiles={"name": "person", "branch": "branch"}, column_config={
                             "name": st.column_config.TextColumn(t("col.name", lang), width=64),
                             "branch": st.column_config.TextColumn(t("col.branch", lang), width=90),
                             "change": st.column_config.NumberColumn(t("comp.col.change", lang), format="%+.1f",
                                                                     width=96, help=t("comp.col.change.help", lang)),
                             "percentiles": st.column_config.TextColumn(t("comp.col.percentiles", lang), width=106,
                                                                         help=t("comp.col.percentiles.help", lang)),
                             "to_year": st.column_config.NumberColumn(t("col.year", lang), format="%d", width=52)})
            else:
                nothing("comp.no_repeat" if improvers.empty else "comp.no_improvers")

# ---------------------------------------------------------------------------------------------
# Grading: the grade mix and who moved up or down
# ---------------------------------------------------------------------------------------------
st.subheader(t("comp.grading", lang))
if grading_as_of is None:
    ui.empty(lang, "grading")
else:
    mix = ui.compute(context, competition.grade_mix, filters=filters)
    if mix.empty:  # grades exist, but none in the period's years
        nothing("comp.no_grades")
    else:
        with ui.card(t("comp.grade_mix", lang), t("comp.grade_mix.help", lang)):
            shown = mix.assign(grade=mix["grade"].map(grade_label))
            fig = charts.stacked_shares(shown, "line", "year", "grade", "share", lang, grading_stamp,
                                        order=[grade_label(g) for g in competition.grade_order()], count="people",
                                        height=500, title=t("comp.grade_mix", lang),
                                        share_label=t("comp.axis.share", lang), x_title=t("comp.axis.line_year", lang),
                                        count_label=t("comp.col.people", lang))
            ui.chart(fig, mix, "grading_mix", lang, key="comp_grade_mix")

        left, right = st.columns(2)
        moves = ui.compute(context, competition.grade_movement_shares, filters=filters)
        with left, ui.card(t("comp.movements", lang), t("comp.movements.help", lang)):
            if len(moves):
                names = {m: t(f"comp.col.{m}", lang) for m in competition.MOVEMENTS}
                shown = moves.assign(movement=moves["movement"].map(names), share_pct=moves["share"] * 100,
                                     count_text=moves["count"].map(lambda n: format_number(n, lang)))
                fig = charts.bar(shown, "pair", "share_pct", lang, grading_stamp, color="movement", horizontal=True,
                                 text="count_text", height=250 + 60 * moves["pair"].nunique(),
                                 title=t("comp.movements", lang),
                                 colours={names["promoted"]: RISE, names["unchanged"]: HOLD, names["demoted"]: FALL},
                                 labels={"pair": t("comp.col.pair", lang), "share_pct": t("comp.axis.share", lang),
                                         "movement": t("comp.col.movement", lang), "count_text": t("comp.col.people", lang)})
                fig.update_traces(textposition="inside", insidetextanchor="middle",
                                  textfont={"size": charts.TICK_SIZE, "color": charts.INK})
                fig.update_layout(uniformtext={"minsize": charts.TICK_SIZE, "mode": "hide"})
                fig.update_xaxes(range=[0, 101], dtick=25, ticksuffix="%")
                last_pair = moves["pair"].max()  # "2025→2026" sorts by year
                latest = moves[moves["pair"] == last_pair].set_index("movement")
                st.caption(say("comp.movements.latest", lang, pair=last_pair, **{
                    m: format_number(latest.at[m, "count"], lang) for m in competition.MOVEMENTS}, **{
                    f"{m}_share": format_percent(latest.at[m, "share"]) for m in competition.MOVEMENTS}))
                ui.chart(fig, moves, "grading_movements", lang, key="comp_movements")
            else:
                nothing("comp.no_moves")
        flows = ui.compute(context, competition.grade_flows, filters=filters)
        with right, ui.card(t("comp.sankey", lang), t("comp.sankey.help", lang)):
            if len(flows):
                first, last = int(flows["from_year"].iat[0]), int(flows["to_year"].iat[0])
                shown = flows.assign(from_grade=flows["from_grade"].map(grade_label),
                                     to_grade=flows["to_grade"].map(grade_label))
                fig = charts.sankey(shown, "from_grade", "to_grade", "people", lang, grading_stamp,
                                    order=[grade_label(g) for g in competition.grade_order()],
                                    height=max(420, 60 * flows["to_grade"].nunique()), title=t("comp.sankey", lang),
                                    source_title=t("comp.year", lang, year=first), target_title=t("comp.year", lang, year=last),
                                    link_colour="direction", value_label=t("comp.col.people", lang),
                                    colours={1: "rgba(0, 158, 115, 0.55)", 0: "rgba(160, 160, 160, 0.3)",
                                             -1: "rgba(213, 94, 0, 0.6)"})
                st.caption(t("comp.sankey.legend", lang))
                ui.chart(fig, flows, "grading_flows", lang, key="comp_sankey")
            else:
                nothing("comp.no_moves")
