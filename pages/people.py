"""人员与网点 People and branches: one person's or one branch's whole record across every dataset, and branches
side by side. Reached from any list or chart naming a person or a branch (ui.open_profile), filters kept."""
import streamlit as st

from talentboard import branches, charts, innovation, people, schema, settings, training, ui
from talentboard.i18n import t
from talentboard.literal import say
from talentboard.metrics import format_number

context = ui.page_context()
lang = context.lang

st.title(t("page.people", lang))
VIEWS = ["person", "branch", "compare"]
view = ui.url_choice(st.segmented_control, t("people.view", lang), VIEWS, "view", "person",
                     lambda name: t(f"people.view.{name}", lang), lang, required=True, label_visibility="collapsed")


def person_view() -> None:
    """Search by name or id; one person's training, competitions, grades and projects, and a summary.
    The person is held in the URL by their key (person=…); every name shown comes from ui.compute, masked
    there when the privacy switch is on."""
    key = st.query_params.get("person") or ""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        text = st.text_input(t("people.search", lang), key="person_search", type="search", width=320,
                             placeholder=t("people.search.placeholder", lang), help=t("people.search.help", lang))
        text = (text or "").strip()
        if text:
            found = ui.compute(context, people.find, text)
            if found.empty:
                st.info(say("people.search.none", lang, text=text), icon=":material/person_search:")
            else:
                listed = found.head(people.FIND_LIMIT)
                labels = dict(zip(listed["person_key"], people.match_labels(listed, lang)))
                options = list(labels)
                picked = st.selectbox(say("people.pick", lang, n=len(listed)), options, format_func=labels.get,
                                      index=options.index(key) if key in options else None, key=f"person_pick_{text}",
                                      placeholder=t("people.pick.placeholder", lang), width=420)
                if picked and picked != key:
                    key = picked
                    st.query_params["person"] = key
        if text and len(found) > people.FIND_LIMIT:
            st.caption(say("people.search.more", lang, n=people.FIND_LIMIT))
    if not key:
        st.info(t("people.start", lang), icon=":material/person_search:")
        return
    profile = ui.compute(context, people.profile, key)
    if profile is None:
        st.warning(t("people.not_found", lang), icon=":material/person_off:")
        return
    end = profile.end
    as_of = context.dataset_as_of("training")
    stamp = min(as_of, end) if as_of else None

    # who: name, then branch, line, position (the id only when shown: blank while masked) and status
    with st.container(horizontal=True, vertical_alignment="center"):
        st.subheader(say("people.header", lang, name=profile.name or "—"), anchor=False, width="content")
        st.markdown(people.header_facts(profile, lang), width="content")
        if profile.branch and st.button(say("people.open_branch", lang, branch=profile.branch), type="tertiary",
                                        icon=":material/account_balance:", key="person_open_branch"):
            ui.open_profile("branch", profile.branch)
    if not profile.in_roster:
        st.caption(t("people.not_in_roster", lang))
    with st.container(border=True):
        st.markdown(people.summary(profile, lang))
        st.caption(say("people.period_note", lang, start=profile.start, end=end))
    ui.metric_grid(people.kpi_cards(profile, lang), per_row=5)

    # training: by month and category against the target's monthly share; by year against the target
    monthly_target = profile.target / 12
    title = t("people.months", lang)
    with ui.card(title, say("people.months.help", lang, end=end, target=format_number(profile.target, lang),
                            monthly=format_number(monthly_target, lang))):
        if profile.months.empty:
            st.info(say("people.no_training", lang, end=end), icon=":material/info:")
        else:
            shown = training.month_chart_data(profile.months, lang)
            fig = charts.bar(shown, "month", "hours", lang, stamp, color="category", height=360, title=title,
                             labels={"month": t("col.month", lang), "hours": t("training.axis.hours", lang),
                                     "category": t("col.category", lang)},
                             colours=charts.enum_colours("training", "category", lang), number_format=",.1~f",
                             target=monthly_target,
                             target_label=t("people.months.target", lang, hours=format_number(monthly_target, lang)))
            if shown["month"].nunique() <= charts.MAX_LABELLED_COLUMNS:
                fig.update_xaxes(dtick="M1")
            ui.chart(fig, profile.months, "person_hours_by_month", lang, key="person_months")
    left, right = st.columns(2)
    title = t("people.years", lang)
    with left, ui.card(title, say("people.years.help", lang, target=format_number(profile.target, lang)),
                       height="stretch"):
        if profile.years.empty:
            st.info(say("people.no_training", lang, end=end), icon=":material/info:")
        else:
            shown = people.years_chart_data(profile)
            fig = charts.bar(shown, "year", "hours", lang, stamp, height=340, title=title, order=list(shown["year"]),
                             labels={"year": t("col.year", lang), "hours": t("training.axis.hours", lang)},
                             target=profile.target, number_format=",.1~f",
                             target_label=t("people.years.target", lang, hours=format_number(profile.target, lang)))
            ui.chart(fig, profile.years, "person_hours_by_year", lang, key="person_years")
            if not profile.years["complete"].iat[-1]:
                st.caption(say("people.years.so_far", lang, year=shown["year"].iat[-1], end=end))
    title = t("people.compare", lang)
    with right, ui.card(title, t("people.compare.help", lang), height="stretch"):
        compared = people.comparison(profile, lang, context.privacy.min_group if context.privacy.mask else 0)
        if len(compared) == 1:  # no group to compare with: none on duty, or too small to show while masked
            if compared.attrs.get("suppressed"):
                ui.suppressed_note(compared, lang)
            else:
                st.info(t("people.compare.none", lang), icon=":material/info:")
        else:
            fig = charts.bar(compared, "who", "hours", lang, stamp, color="who", horizontal=True, height=300,
                             title=title, order=list(compared["who"]), number_format=",.1f",
                             labels={"who": " ", "hours": t("training.axis.hours", lang)},
                             colours=dict(zip(compared["who"], [charts.QUALITATIVE[0], "#9E9E9E", "#BDBDBD"])),
                             target=profile.period_target,
                             target_label=t("people.compare.target", lang,
                                            hours=format_number(profile.period_target, lang)))
            ui.chart(fig, compared, "person_against_branch_and_line", lang, key="person_compare")
            st.caption(say("people.compare.period", lang, start=profile.start, end=end))

    title = t("people.records", lang)
    with ui.card(title):
        if profile.training.empty:
            st.info(say("people.no_training", lang, end=end), icon=":material/info:")
        else:
            st.caption(say("people.records.count", lang, n=len(profile.training),
                           hours=format_number(profile.total_hours, lang)))
            label = people.column_label
            ui.table(people.training_table(profile, lang), "person_training", lang, key="person_training_table",
                     height=min(36 * len(profile.training) + 40, 400), extra=["form", "organizer", "score", "passed", "branch"],
                     column_config={
                         "start_date": st.column_config.DateColumn(t("people.col.date", lang), format="YYYY-MM-DD"),
                         "course": st.column_config.TextColumn(t("col.course", lang), width=240),
                         "category": t("col.category", lang), "hours": st.column_config.NumberColumn(
                             t("col.hours", lang), format="%.1f"),
                         **{c: label("training", c, lang) for c in ("form", "organizer", "score", "passed", "branch")}})

    title = t("people.competitions", lang)
    with ui.card(title, say("people.competitions.help", lang, min=people.MIN_FIELD_FOR_PERCENTILE)):
        if profile.competitions.empty:
            st.info(say("people.no_competitions", lang, end=end), icon=":material/info:")
        else:
            ui.table(people.competition_table(profile, lang), "person_competitions", lang,
                     key="person_competitions_table", extra=["level", "rank", "field_size", "branch", "line"],
                     column_config={
                         "competition": st.column_config.TextColumn(t("comp.col.competition", lang), width=240),
                         "event": t("comp.col.event", lang),
                         "date": st.column_config.DateColumn(t("people.col.date", lang), format="YYYY-MM-DD"),
                         "score": st.column_config.NumberColumn(t("comp.col.score", lang), format="%.1f"),
                         "percentile": st.column_config.ProgressColumn(
                             t("comp.col.percentile", lang), format="%.1f", min_value=0, max_value=100,
                             help=t("comp.leaderboard.small_field", lang, n=people.MIN_FIELD_FOR_PERCENTILE)),
                         "award": t("comp.col.award", lang), "level": people.column_label("competition", "level", lang),
                         "rank": st.column_config.NumberColumn(t("comp.col.rank", lang), format="%d"),
                         "field_size": st.column_config.NumberColumn(t("comp.col.field", lang), format="%d",
                                                                     help=t("comp.col.field.help", lang)),
                         "branch": t("col.branch", lang), "line": t("col.line", lang)})

    left, right = st.columns([1, 2])
    title = t("people.grades", lang)
    with left, ui.card(title, height="stretch"):
        if profile.grades.empty:
            st.info(say("people.no_grades", lang, year=end.year), icon=":material/info:")
        else:
            ui.table(people.grade_table(profile, lang), "person_grades", lang, key="person_grades_table",
                     extra=["branch", "line"], column_config={
                         "year": st.column_config.NumberColumn(t("col.year", lang), format="%d"),
                         "grade": t("people.col.grade", lang), "score": st.column_config.NumberColumn(
                             people.column_label("grading", "score", lang), format="%.1f"),
                         "previous_grade": t("people.col.previous_grade", lang),
                         "direction": t("people.col.change", lang),
                         "branch": t("col.branch", lang), "line": t("col.line", lang)})
    title = t("people.projects", lang)
    with right, ui.card(title, t("people.projects.help", lang), height="stretch"):
        if profile.projects.empty:
            st.info(say("people.no_projects", lang, end=end), icon=":material/info:")
        else:
            label = people.column_label
            ui.table(people.project_table(profile, lang), "person_projects", lang, key="person_projects_table",
                     extra=["project_id", "category", "end_date", "converted_date", "branch", "award_level", "benefit",
                            "patents"],
                     column_config={
                         "title": st.column_config.TextColumn(label("innovation", "title", lang), width=150),
                         "studio": st.column_config.TextColumn(label("innovation", "studio", lang), width=120),
                         "role": st.column_config.TextColumn(t("people.col.role", lang), width=50),
                         "leader": st.column_config.TextColumn(label("innovation", "leader", lang), width=60),
                         "status": st.column_config.TextColumn(label("innovation", "status", lang), width=70),
                         **{c: label("innovation", c, lang) for c in ("project_id", "category", "branch", "award_level",
                                                                      "benefit", "patents")},
                         **{c: st.column_config.DateColumn(label("innovation", c, lang), format="YYYY-MM-DD", width=90)
                            for c in ("start_date", "end_date", "converted_date")}})


def branch_view() -> None:
    """One branch against the whole: KPIs with rank and percentile, scorecard parts over time, its people,
    those below target, its studios."""
    filters = context.filters
    names = ui.branch_choices(ui.cached_options(context.db, context.version), list(filters.orgs))
    if not names:
        ui.empty(lang, "employees")
        return
    wanted = st.query_params.get("unit")
    if wanted and wanted not in names:
        st.warning(say("branch.unknown", lang, name=wanted), icon=":material/warning:")
    # with one branch picked in the sidebar, the view opens on it
    only = filters.branches[0] if len(filters.branches) == 1 and filters.branches[0] in names else None
    branch = st.selectbox(t("branch.pick", lang), names, index=None if only is None else names.index(only),
                          key="unit", bind="query-params",
                          placeholder=t("branch.pick.placeholder", lang), width=360)
    if branch is None:
        st.info(t("branch.choose", lang), icon=":material/info:")
        return
    figures = ui.compute(context, branches.profile, branch)
    if figures.empty and not figures.attrs.get("suppressed"):
        st.info(say("branch.no_staff", lang, name=branch), icon=":material/info:")
        return
    if figures.empty:  # privacy: a branch of fewer people than the minimum shows nothing of its own (its
        # people's hours would tell the figures left out), its studios' projects excepted (public work)
        st.info(say("branch.small", lang, min=settings.PRIVACY_MIN_GROUP), icon=":material/visibility_off:")
    else:
        _branch_kpis(figures.set_index("measure"))
        _branch_over_time(branch)
        _branch_people(branch)
    _branch_projects(branch)


def _branch_kpis(figures) -> None:
    """The branch's six figures, each with its rank and percentile among the branches, and the whole's figure;
    three cards a row, so a laptop screen reads each in full."""
    n = int(figures["branches"].iloc[0])
    st.caption(say("branch.caption", lang, start=context.filters.start, end=context.filters.end, n=n,
                   asof=context.as_of or "—"))
    shown = {"headcount": lambda v: format_number(v, lang, 0), "hours_per_head": lambda v: format_number(v, lang),
             "coverage": lambda v: f"{v * 100:.1f}%", "points_per_100": lambda v: format_number(v, lang),
             "results_per_100": lambda v: format_number(v, lang), "talent_index": lambda v: f"{v:.0f}"}
    labels = {"headcount": "kpi.headcount", "hours_per_head": "kpi.hours_per_head", "coverage": "kpi.coverage",
              "points_per_100": "col.points_per_100", "results_per_100": "col.results_per_100",
              "talent_index": "col.talent_index"}
    points = t("comp.separator", lang).join(f"{schema.display('competition', 'award', award, lang)} {value}"
                                            for award, value in settings.AWARD_POINTS.items())
    helps = {"headcount": t("kpi.headcount.help", lang), "hours_per_head": t("kpi.hours_per_head.help", lang),
             "coverage": t("kpi.coverage.help", lang), "points_per_100": t("branch.points.help", lang, points=points),
             "results_per_100": t("branch.results.help", lang), "talent_index": t("branch.index.help", lang)}
    stop = ". " if lang == "en" else "。"
    per_row = 3
    rows = list(figures.iterrows())
    for first in range(0, len(rows), per_row):
        for column, (measure, row) in zip(st.columns(per_row), rows[first:first + per_row]):
            whole = say("branch.whole_index" if measure == "talent_index" else "branch.whole", lang,
                        value=shown[measure](row["whole"]))
            column.metric(t(labels[measure], lang), shown[measure](row["value"]),
                          delta=say("branch.rank_tied" if row["tied"] else "branch.rank", lang, rank=int(row["rank"]), n=n,
                                    pct=f"{row['percentile']:.0f}"),
                          delta_color="off", delta_arrow="off", border=True, height="stretch",
                          help=helps[measure] + stop + t("branch.kpi.help", lang) + " " + t("branch.whole.help", lang))
            column.caption(whole)


def _branch_over_time(branch: str) -> None:
    """The four scorecard parts step by step, the branch against the whole, one small chart each."""
    steps = ui.compute(context, branches.scorecard_over_time, branch)
    quarterly = "Q" in str(steps["period"].iloc[0]) if len(steps) else True
    help_key = "branch.over_time.help_quarter" if quarterly else "branch.over_time.help_year"
    with ui.card(t("branch.over_time", lang), t(help_key, lang)):
        parts = {"hours_per_head": ("kpi.hours_per_head", "branch.unit.hours"),
                 "coverage": ("kpi.coverage", "branch.unit.percent"),
                 "points_per_100": ("col.points_per_100", "branch.unit.points"),
                 "results_per_100": ("col.results_per_100", "branch.unit.results")}
        whole = t("branch.scope.whole", lang)
        marked = steps["period"].where(steps["complete"], steps["period"] + "*")  # a step cut to the period
        long = steps.assign(coverage=steps["coverage"] * 100, period=marked,
                            scope=[branch if s == "branch" else whole for s in steps["scope"]]).melt(
            id_vars=["period", "scope"], value_vars=list(parts), var_name="part", value_name="value")
        step = t("branch.col.quarter" if quarterly else "branch.col.year", lang)
        fig = charts.small_multiples(long, "period", "value", "part", "scope", lang, context.as_of,
                                     panels=list(parts), panel_titles={p: t(k, lang) for p, (k, _) in parts.items()},
                                     y_titles={p: t(u, lang) for p, (_, u) in parts.items()},
                                     colours={branch: charts.QUALITATIVE[0], whole: charts.OTHERS_COLOUR},
                                     title=t("branch.over_time", lang), x_title=step)
        ui.chart(fig, steps, "branch_over_time", lang, key="branch_over_time")
        cut = steps[~steps["complete"]].drop_duplicates("period")
        if len(cut):
            st.caption(say("branch.partial", lang, step=t("branch.step.quarter" if quarterly else "branch.step.year", lang),
                           steps=t("hl.scope_sep", lang).join(f"{p}* {s} — {e}" for p, s, e
                                                              in cut[["period", "start", "end"]].itertuples(index=False))))


def _branch_people(branch: str) -> None:
    """The branch's people, and those below their prorated target."""
    def readable(frame):
        """Awards and grades named in the reader's language, dates without a time."""
        return frame.assign(best_award=frame["best_award"].map(lambda a: schema.display("competition", "award", a, lang)),
                            grade=frame["grade"].map(lambda g: schema.display("grading", "grade", g, lang)),
                            last_training=frame["last_training"].dt.date)

    everyone = ui.compute(context, branches.people, branch)
    shown = readable(everyone)
    columns = {
        "name": st.column_config.TextColumn(t("col.name", lang), pinned=True),
        "employee_id": st.column_config.TextColumn(t("col.employee_id", lang)),
        "line": st.column_config.TextColumn(t("col.line", lang)),
        "position": st.column_config.TextColumn(t("col.position", lang)),
        "hours": st.column_config.NumberColumn(t("col.hours", lang), format="%.1f"),
        "last_training": st.column_config.DateColumn(t("branch.col.last_training", lang), format="YYYY-MM-DD"),
        "best_award": st.column_config.TextColumn(t("branch.col.best_award", lang)),
        "best_percentile": st.column_config.NumberColumn(t("branch.col.best_percentile", lang), format="%.0f"),
        "grade": st.column_config.TextColumn(t("branch.col.grade", lang)),
        "grade_year": st.column_config.NumberColumn(t("branch.col.grade_year", lang), format="%d"),
        "projects": st.column_config.NumberColumn(t("branch.col.projects", lang), format="%d"),
        "target": st.column_config.NumberColumn(t("branch.col.target", lang), format="%.1f"),
        "below_target": st.column_config.CheckboxColumn(t("branch.col.below", lang)),
        "shortfall": st.column_config.NumberColumn(t("branch.col.shortfall", lang), format="%.1f"),
    }
    with ui.card(say("branch.people", lang, n=len(everyone)), t("branch.people.help", lang)):
        ui.table(shown, "branch_people", lang, key="branch_people", column_config=columns,
                 extra=["position", "grade_year", "target"], profiles={"name": "person"}, most=charts.TABLE_ROWS,
                 height=min(35 * (min(len(shown), 12) + 1) + 3, 460))
    below = branches.short_of_target(shown)
    below = below[[c for c in ("person_key", "name", "employee_id", "line", "hours", "target", "shortfall",
                               "last_training") if c in below.columns]]
    with ui.card(say("branch.below", lang, n=len(below)),
                 say("branch.below.help", lang, target=format_number(settings.TRAINING_TARGET_HOURS, lang))):
        if below.empty:
            st.success(t("branch.below.none", lang), icon=":material/check_circle:")
        else:
            ui.table(below, "branch_below_target", lang, key="branch_below", column_config=columns,
                     profiles={"name": "person"}, most=charts.TABLE_ROWS,
                     height=min(35 * (min(len(below), 10) + 1) + 3, 390))


def _branch_projects(branch: str) -> None:
    """The innovation projects recorded under the branch, studio by studio."""
    found = ui.compute(context, branches.projects, branch)
    help_text = say("branch.projects.help", lang, studios=found["studio"].nunique(), n=len(found))
    with ui.card(t("branch.projects", lang), help_text):
        if found.empty:
            st.info(t("branch.projects.none", lang), icon=":material/info:")
            return
        # its studios first, as the innovation page counts them (the branch's projects, to the period's end)
        studios = ui.compute(context, innovation.studios, filters=context.filters.focused(branch))
        ui.table(studios[["studio", "projects", "converted", "conversion_rate", "members", "benefit"]].assign(
                     conversion_rate=studios["conversion_rate"] * 100),
                 "branch_studios", lang, key="branch_studios", column_config={
                     "studio": st.column_config.TextColumn(t("innov.col.studio", lang), width="medium"),
                     "projects": st.column_config.NumberColumn(t("innov.col.projects", lang), format="%d"),
                     "converted": st.column_config.NumberColumn(t("innov.col.converted", lang), format="%d"),
                     "conversion_rate": st.column_config.NumberColumn(t("innov.conversion_rate", lang),
                                                                      format="%.0f%%"),
                     "members": st.column_config.NumberColumn(t("innov.col.members", lang), format="%d"),
                     "benefit": st.column_config.NumberColumn(t("innov.col.benefit", lang), format="%.1f")})
        shown = found.assign(**{c: found[c].map(lambda v, c=c: schema.display("innovation", c, v, lang))
                                for c in ("status", "category", "award_level")},
                             **{c: found[c].dt.date for c in ("start_date", "end_date", "converted_date")})
        label = {c: schema.DATASETS["innovation"].column(c) for c in shown.columns}
        config = {c: st.column_config.Column(label[c].label_en if lang == "en" else label[c].label_zh)
                  for c in shown.columns}
        ui.table(shown, "branch_projects", lang, key="branch_projects", column_config=config,
                 extra=["project_id", "category", "converted_date", "members", "funding", "award_level"],
                 height=min(35 * (min(len(shown), 10) + 1) + 3, 390))


def compare_view() -> None:
    """Two to four branches side by side on the scorecard parts."""
    names = ui.branch_choices(ui.cached_options(context.db, context.version), list(context.filters.orgs))
    if not names:
        ui.empty(lang, "employees")
        return
    chosen = st.multiselect(t("compare.pick", lang), names, key="compare", bind="query-params",
                            placeholder=t("branch.pick.placeholder", lang), width=720)
    most = branches.COMPARE_MOST
    if len(chosen) < 2:
        st.info(say("compare.too_few", lang, n=len(chosen)), icon=":material/info:")
        return
    if len(chosen) > most:
        st.warning(say("compare.too_many", lang, n=len(chosen), extra=len(chosen) - most), icon=":material/warning:")
        return
    side = ui.compute(context, branches.compare, tuple(chosen))
    if side.empty and not side.attrs.get("suppressed"):
        st.info(say("compare.left", lang, names=t("hl.scope_sep", lang).join(chosen)), icon=":material/info:")
        return
    left = [b for b in chosen if b not in set(side["branch"])] if not side.attrs.get("suppressed") else []
    if left:
        st.info(say("compare.left", lang, names=t("hl.scope_sep", lang).join(left)), icon=":material/info:")
    parts = {"hours_per_head": "kpi.hours_per_head", "coverage": "kpi.coverage",
             "points_per_100": "col.points_per_100", "results_per_100": "col.results_per_100"}
    part_names = {p: t(k, lang) for p, k in parts.items()}
    with ui.card(t("compare.chart", lang), t("compare.chart.help", lang)):
        long = side.melt(id_vars=["branch"], value_vars=[f"{p}_pct" for p in parts], var_name="part",
                         value_name="percentile")
        long["part"] = long["part"].str.removesuffix("_pct").map(part_names)
        # colours by place in the choice: the first four of the palette stay apart (a branch's place in the full
        # list could give two of four much the same green)
        colours = charts.colour_map(side["branch"])
        fig = charts.bar(long, "part", "percentile", lang, context.as_of, color="branch", colours=colours,
                         stacked_labels=False, number_format=".0f", order=list(part_names.values()),
                         title=t("compare.chart", lang), height=440,
                         labels={"part": t("branch.col.part", lang), "percentile": t("compare.axis", lang),
                                 "branch": t("col.branch", lang)})
        fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.06)
        fig.update_yaxes(range=[0, 112], tickvals=[0, 25, 50, 75, 100])
        ui.chart(fig, side, "branch_compare", lang, key="compare_chart")
    with ui.card(t("compare.table", lang)):
        table = side.assign(coverage=side["coverage"] * 100)
        config = {"branch": st.column_config.TextColumn(t("col.branch", lang), pinned=True),
                  "headcount": st.column_config.NumberColumn(t("branch.col.headcount", lang), format="%d"),
                  "hours_per_head": st.column_config.NumberColumn(part_names["hours_per_head"], format="%.1f"),
                  "coverage": st.column_config.NumberColumn(part_names["coverage"], format="%.1f%%"),
                  "points_per_100": st.column_config.NumberColumn(part_names["points_per_100"], format="%.1f"),
                  "results_per_100": st.column_config.NumberColumn(part_names["results_per_100"], format="%.1f"),
                  "talent_index": st.column_config.ProgressColumn(t("col.talent_index", lang), format="%.0f",
                                                                  min_value=0, max_value=100, width=110)}
        config |= {f"{p}_pct": st.column_config.NumberColumn(t("compare.col.pct", lang, part=name), format="%.0f")
                   for p, name in part_names.items()}
        ui.table(table, "branch_compare", lang, key="compare_table", column_config=config,
                 extra=[f"{p}_pct" for p in parts], profiles={"branch": "branch"})


{"person": person_view, "branch": branch_view, "compare": compare_view}[view]()
