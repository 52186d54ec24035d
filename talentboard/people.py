"""People: find a person by name or employee id, and one person's whole record across every dataset
(training, competitions, grades, innovation) with a generated summary; each number from a queries/person_*.sql.

The period rule: a profile is a career record, so it holds everything on file up to the period's end (the
sidebar's period end); where a figure needs a span, it says which: the summary's hours and standing cover
the last three calendar years to the period's end, and the person is set against their branch's and line's
hours per head within the period itself. The scope filters (org, branch, line) do not apply: a profile is
one person's, wherever the reader's scope is; a search finds anyone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from talentboard import i18n, schema, settings, sql, training
from talentboard.competition import AWARD_POINTS, MIN_FIELD_FOR_PERCENTILE, _grades
from talentboard.i18n import t
from talentboard.literal import say
from talentboard.metrics import Filters, format_number

FIND_LIMIT = 50  # matches a search lists; one more is asked for, to say there are more
SUMMARY_YEARS = 3  # the summary's "近三年": this many calendar years up to the period's end


def find(con, filters: Filters, text: str) -> pd.DataFrame:
    """People whose name or employee id holds `text` (the roster's first, then anyone seen in the records
    without a roster row): person_key, name, employee_id, branch, line, status, in_roster; at most
    FIND_LIMIT + 1 rows (more than FIND_LIMIT: the search should be narrowed). Whatever the scope."""
    return sql.frame(con, "person_find", {"text": str(text or "").strip(), "limit": FIND_LIMIT + 1})


def annual_target(line: str | None) -> float:
    """The annual training target of a line's staff (settings: a line's own, else everyone's)."""
    return float(settings.TRAINING_TARGET_BY_LINE.get(line or "—", settings.TRAINING_TARGET_HOURS))


def span_start(end: dt.date) -> dt.date:
    """The first day of the summary's span: 1 January, SUMMARY_YEARS - 1 years before the period's end."""
    return dt.date(end.year - SUMMARY_YEARS + 1, 1, 1)


@dataclass(frozen=True)
class Profile:
    key: str
    name: str | None  # masked with privacy on (privacy.apply)
    employee_id: str | None  # blank with privacy on
    branch: str | None
    org: str | None
    line: str | None
    position: str | None
    status: str | None
    in_roster: bool
    start: dt.date  # the period: records up to `end`; the comparison with branch and line within it
    end: dt.date
    target: float  # the person's annual training target (hours)
    training: pd.DataFrame  # records: start_date, course, category, form, hours, organizer, score, passed, branch
    months: pd.DataFrame  # month, category, hours
    years: pd.DataFrame  # year, hours, target, share, complete
    competitions: pd.DataFrame  # competition, date, level, event, score, rank, award, percentile, field_size, …
    grades: pd.DataFrame  # year, grade, score, branch, line, previous_grade, direction
    projects: pd.DataFrame  # project_id, title, studio, role (leader/member), leader, status, stage, …
    span_start: dt.date  # the summary's span: span_start to end
    span_hours: float
    staff_below: int  # the other staff on duty (the whole roster) with fewer hours over the span
    staff: int  # the other staff on duty on the whole roster
    period_hours: float
    branch_hours_per_head: float | None
    branch_headcount: int
    line_hours_per_head: float | None
    line_headcount: int

    @property
    def total_hours(self) -> float:
        return float(self.training["hours"].sum()) if len(self.training) else 0.0

    @property
    def above_share(self) -> float | None:
        """The share of all staff on duty whose hours over the span are below this person's."""
        return self.staff_below / self.staff if self.staff else None

    @property
    def period_target(self) -> float:
        """The annual target scaled to the period's length, as the training page scales it."""
        days = (self.end - self.start).days + 1
        return self.target * min(days, 366) / 365

    @property
    def current_grade(self) -> tuple[int, str] | None:
        """(year, grade) of the latest grading on record."""
        if self.grades.empty:
            return None
        last = self.grades.iloc[-1]
        return int(last["year"]), str(last["grade"])

    @property
    def best_result(self) -> pd.Series | None:
        """The best competition result: the highest award (by medal points), then the highest percentile,
        then the latest."""
        if self.competitions.empty:
            return None
        ranked = self.competitions.assign(
            _points=self.competitions["award"].map(AWARD_POINTS).fillna(0),
            _percentile=self.competitions["percentile"].fillna(-1))
        ranked = ranked.sort_values(["_points", "_percentile", "date"], ascending=False, kind="stable")
        return ranked.iloc[0].drop(["_points", "_percentile"])

    @property
    def projects_led(self) -> int:
        return int((self.projects["role"] == "leader").sum()) if len(self.projects) else 0


def _person(con, key: str) -> dict | None:
    found = sql.row(con, "person_roster", {"key": key}) or sql.row(con, "person_seen", {"key": key})
    return {k: (None if pd.isna(v) else v) for k, v in found.items()} if found else None


def profile(con, filters: Filters, key: str) -> Profile | None:
    """One person's record by their key (person_key of the employee id), up to the period's end; None when
    no one has that key."""
    person = _person(con, str(key or ""))
    if person is None:
        return None
    end, start = filters.end, filters.start
    target = annual_target(person["line"])
    who = {"employee_id": person["employee_id"], "end": end}
    since = span_start(end)
    standing = sql.row(con, "person_standing", who | {"since": since})
    peers = sql.row(con, "person_peers", who | {"start": start, "branch": person["branch"], "line": person["line"]})

    def number(value) -> float | None:
        return None if value is None or pd.isna(value) else float(value)

    return Profile(
        key=str(key), name=person["name"], employee_id=person["employee_id"], branch=person["branch"],
        org=person["org"], line=person["line"], position=person["position"], status=person["status"],
        in_roster=bool(person["in_roster"]), start=start, end=end, target=target,
        training=sql.frame(con, "person_training", who),
        months=sql.frame(con, "person_training_months", who),
        years=sql.frame(con, "person_training_years", who | {"target": target}),
        competitions=sql.frame(con, "person_competitions", who | {"min_field": MIN_FIELD_FOR_PERCENTILE}),
        grades=sql.frame(con, "person_grades", who | _grades()),
        projects=sql.frame(con, "person_projects", who | {"name": person["name"], "branch": person["branch"]}),
        span_start=since, span_hours=float(standing["hours"]), staff_below=int(standing["below"]),
        staff=int(standing["staff"]), period_hours=float(peers["person_hours"]),
        branch_hours_per_head=number(peers["branch_hours_per_head"]), branch_headcount=int(peers["branch_headcount"]),
        line_hours_per_head=number(peers["line_hours_per_head"]), line_headcount=int(peers["line_headcount"]))


# ----------------------------------------------------------------------------------------------
# Words: the summary paragraph, and the comparison with branch and line as a chart's data
# ----------------------------------------------------------------------------------------------

def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def best_result_text(profile: Profile, lang: str) -> str | None:
    """The best result in words (Markdown, values escaped): its competition, event and award, or its
    percentile when it won no award."""
    best = profile.best_result
    if best is None:
        return None
    values = {"competition": best["competition"], "event": best["event"]}
    if best["award"] in AWARD_POINTS:
        return say("people.summary.best_award", lang, award=schema.display("competition", "award", best["award"], lang),
                   **values)
    if pd.notna(best["percentile"]):
        return say("people.summary.best_percentile", lang, percentile=f"{best['percentile']:.0f}", **values)
    return None


def summary(profile: Profile, lang: str) -> str:
    """A short paragraph in the reader's language (Markdown, values escaped): hours over the last three
    years and where they stand among all staff, competitions and the best result, the current grade,
    innovation projects. A part with no data is left out; with nothing at all, it says so."""
    parts = []
    if profile.span_hours > 0:
        hours = say("people.summary.hours", lang, start=profile.span_start.year, end=profile.end.year,
                    hours=format_number(profile.span_hours, lang))
        if profile.above_share is not None:
            hours += say("people.summary.above", lang, share=_percent(profile.above_share))
        parts.append(hours)
    if len(profile.competitions):
        entries = say("people.summary.competitions" + ("_one" if len(profile.competitions) == 1 else ""), lang,
                      n=len(profile.competitions))
        best = best_result_text(profile, lang)
        parts.append(entries + (say("people.summary.best", lang, best=best) if best else ""))
    if profile.current_grade is not None:
        year, grade = profile.current_grade
        parts.append(say("people.summary.grade", lang, grade=schema.display("grading", "grade", grade, lang), year=year))
    if len(profile.projects):
        n, led = len(profile.projects), profile.projects_led
        one = "_one" if n == 1 else ""
        if led == n:  # leads every one: "12 projects (12 as leader)" would say it twice
            parts.append(say(f"people.summary.projects_all_led{one}", lang, n=n))
        else:
            parts.append(say(f"people.summary.projects{one}", lang, n=n)
                         + (say("people.summary.projects_led", lang, n=led) if led else ""))
    if not parts:
        return t("people.summary.nothing", lang)
    text = t("people.summary.join", lang).join(parts) + t("people.summary.end", lang)
    return text[0].upper() + text[1:] if lang == "en" else text


def comparison(profile: Profile, lang: str, min_group: int = 0) -> pd.DataFrame:
    """The person's hours in the period beside their branch's and line's hours per head (who, hours, staff:
    the staff on duty the average is over); a group with no staff on duty is left out, and so is one of fewer
    than `min_group` (privacy on: beside the person's own hours, a small group's average would tell the
    others' hours); attrs["suppressed"] counts those."""
    rows = [(t("people.compare.person", lang), profile.period_hours, 1)]
    groups = [(t("people.compare.branch", lang, branch=profile.branch), profile.branch_hours_per_head,
               profile.branch_headcount),
              (t("people.compare.line", lang, line=profile.line), profile.line_hours_per_head, profile.line_headcount)]
    shown = [group for group in groups if group[1] is not None]
    rows += [group for group in shown if group[2] >= min_group]
    frame = pd.DataFrame(rows, columns=["who", "hours", "staff"])
    if len(rows) - 1 < len(shown):
        frame.attrs["suppressed"] = len(shown) - (len(rows) - 1)
    return frame


# ----------------------------------------------------------------------------------------------
# Display frames: enum values in the reader's language, the latest first where a table lists records
# ----------------------------------------------------------------------------------------------

def _display(frame: pd.DataFrame, dataset: str, columns: tuple[str, ...], lang: str) -> pd.DataFrame:
    shown = frame.copy()
    for column in columns:
        if column in shown:
            shown[column] = shown[column].map(lambda v: schema.display(dataset, column, v, lang), na_action="ignore")
    return shown


def training_table(profile: Profile, lang: str) -> pd.DataFrame:
    """The training records, the latest first, categories and forms named in `lang`."""
    return training.for_display(profile.training.iloc[::-1].reset_index(drop=True), lang)


def competition_table(profile: Profile, lang: str) -> pd.DataFrame:
    return _display(profile.competitions, "competition", ("level", "award"), lang)


def grade_table(profile: Profile, lang: str) -> pd.DataFrame:
    """The grade history, the latest first, each with its change from the grade before it in words."""
    words = {1: t("people.direction.up", lang), 0: t("people.direction.same", lang),
             -1: t("people.direction.down", lang)}
    shown = profile.grades.copy()
    for column in ("grade", "previous_grade"):
        shown[column] = shown[column].map(lambda v: schema.display("grading", "grade", v, lang), na_action="ignore")
    shown["direction"] = shown["direction"].map(lambda v: words.get(int(v)), na_action="ignore").astype(object)
    return shown.iloc[::-1].reset_index(drop=True)


def project_table(profile: Profile, lang: str) -> pd.DataFrame:
    """The projects, the latest first, the person's role (leader or member) and the states named in `lang`."""
    shown = _display(profile.projects, "innovation", ("status", "category", "award_level"), lang)
    shown["role"] = shown["role"].map(lambda role: t(f"people.role.{role}", lang))
    return shown.drop(columns="stage")


def years_chart_data(profile: Profile) -> pd.DataFrame:
    """Hours per year with the year as a label (a bar per year, however few)."""
    return profile.years.assign(year=profile.years["year"].astype(str))


def column_label(dataset: str, column: str, lang: str) -> str:
    """A registry column's name in `lang` (表头 as the templates have it)."""
    return i18n.label(schema.DATASETS[dataset].column(column), lang)


def match_labels(found: pd.DataFrame, lang: str) -> list[str]:
    """How a search's matches read in the pick list: name · branch · line (and the id when shown), a status
    other than on duty and "not on the roster" said; namesakes the rest cannot tell apart numbered."""
    labels = []
    for row in found.to_dict("records"):
        parts = [row.get("name") or "—", row.get("branch") or "—", row.get("line") or "—"]
        if row.get("employee_id"):
            parts.append(row["employee_id"])
        label = " · ".join(str(p) for p in parts)
        if row.get("status") and row["status"] != "在岗":
            label += t("people.pick.status", lang, status=schema.display("employees", "status", row["status"], lang))
        if not row.get("in_roster", True):
            label += t("people.pick.not_in_roster", lang)
        labels.append(label)
    seen: dict[str, int] = {}
    numbered = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        numbered.append(label if labels.count(label) == 1 else f"{label} ({seen[label]})")
    return numbered


def header_facts(profile: Profile, lang: str) -> str:
    """Org · branch · line · position (· the id, when shown) (· the latest grade) (· a status other than on
    duty), as Markdown."""
    facts = [say("people.header.value", lang, value=v) for v in (profile.org, profile.branch) if v]
    if profile.line:
        facts.append(say("people.header.line", lang, line=profile.line))
    if profile.position:
        facts.append(say("people.header.value", lang, value=profile.position))
    if profile.employee_id:
        facts.append(say("people.header.id", lang, id=profile.employee_id))
    if profile.current_grade is not None:
        year, grade = profile.current_grade
        facts.append(say("people.header.grade", lang, grade=schema.display("grading", "grade", grade, lang), year=year))
    if profile.status and profile.status != "在岗":
        facts.append(say("people.header.status", lang,
                         status=schema.display("employees", "status", profile.status, lang)))
    return " · ".join(facts)


def kpi_cards(profile: Profile, lang: str) -> list[tuple[str, str, str | None, str]]:
    """(label, value, change, help) of the profile's five cards: hours over the summary's span and in the
    period, competition results and the best percentile among them, projects (the grade, a word that may not
    fit a card, is in the header). A card without data says so, not 0."""
    none = t("people.kpi.none", lang)
    end = profile.end
    share = profile.above_share
    span_help = say("people.kpi.span_hours.help", lang, start=profile.span_start, end=end) + (
        say("people.kpi.span_hours.share", lang, share=_percent(share)) if share is not None else "")
    cards = [(t("people.kpi.span_hours", lang),
              format_number(profile.span_hours, lang), None, span_help),
             (t("people.kpi.period_hours", lang), format_number(profile.period_hours, lang), None,
              say("people.kpi.period_hours.help", lang, start=profile.start, end=end,
                  target=format_number(profile.period_target, lang)))]
    best = best_result_text(profile, lang)
    cards.append((t("people.kpi.competitions", lang),
                  format_number(len(profile.competitions), lang) if len(profile.competitions) else none, None,
                  say("people.kpi.competitions.help", lang, end=end) + (
                      say("people.kpi.best", lang, best=best) if best else "")))
    best_percentile = profile.competitions["percentile"].max() if len(profile.competitions) else None
    cards.append((t("people.kpi.best_percentile", lang),
                  none if best_percentile is None or pd.isna(best_percentile) else f"{best_percentile:.0f}", None,
                  say("people.kpi.best_percentile.help", lang, min=MIN_FIELD_FOR_PERCENTILE)))
    cards.append((t("people.kpi.projects", lang),
                  format_number(len(profile.projects), lang) if len(profile.projects) else none, None,
                  say("people.kpi.projects.help", lang, end=end, led=profile.projects_led)))
    return cards
