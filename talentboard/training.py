"""Training measures: hours, coverage and reach by month, branch, line and course; target attainment;
the headline KPIs with their change, and what each needs when it cannot be computed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from talentboard import i18n, metrics, privacy, schema, settings, sql
from talentboard.i18n import t
from talentboard.metrics import Filters, format_number, format_percent

MISSING = "—"  # a table cell with nothing recorded


@dataclass(frozen=True)
class Summary:
    records: int
    hours: float
    political_hours: float
    categorised_hours: float
    passed: int
    assessed: int
    cost: float
    costed: int
    sessions: int

    @property
    def political_share(self) -> float | None:
        """Political-study hours ÷ hours; None when no record in the period carries a category."""
        return self.political_hours / self.hours if self.hours and self.categorised_hours else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.assessed if self.assessed else None


def summary(con, filters: Filters) -> Summary:
    row = sql.row(con, "training_summary", filters.params())
    return Summary(records=int(row["records"]), hours=float(row["hours"]), political_hours=float(row["political_hours"]),
                   categorised_hours=float(row["categorised_hours"]), passed=int(row["passed"]),
                   assessed=int(row["assessed"]), cost=float(row["cost"]), costed=int(row["costed"]),
                   sessions=int(row["sessions"]))


def hours_by_month(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_hours_by_month", filters.params())


@privacy.breakdown("headcount")
def by_branch(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_by_branch", filters.params())


@privacy.breakdown("headcount")
def branch_month(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_branch_month", filters.params())


def branch_trends(con, filters: Filters) -> dict[str, list]:
    """Each branch's hours per head month by month, oldest first (the scorecard's trend line)."""
    trends = branch_month(con, filters).sort_values("month").groupby("branch")["hours_per_head"].apply(list)
    return trends.to_dict()


@privacy.breakdown("headcount")
def by_line(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_by_line", filters.params())


@privacy.breakdown("headcount")
def attainment(con, filters: Filters) -> pd.DataFrame:
    """Per calendar year and line: headcount, how many reached their annual target, the share, the target
    and how many trained at all that year."""
    targets = settings.TRAINING_TARGET_BY_LINE
    return sql.frame(con, "training_attainment", filters.params() | {
        "target_lines": list(targets), "target_hours": [float(v) for v in targets.values()],
        "target_default": float(settings.TRAINING_TARGET_HOURS)})


def top_courses(con, filters: Filters, limit: int = 15) -> pd.DataFrame:
    return sql.frame(con, "training_top_courses", filters.params() | {"limit": limit})


def untrained(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_untrained", filters.params())


def date_range(con, filters: Filters) -> tuple[dt.date | None, dt.date | None]:
    """The first and last training dates on record, whatever the filters (what an empty period points to)."""
    row = sql.row(con, "training_date_range")
    return metrics._as_date(row.get("first_date")), metrics._as_date(row.get("last_date"))


def prorated_target(filters: Filters) -> float:
    """The annual target scaled to the period's length: the bar hours per head should reach."""
    days = (filters.end - filters.start).days + 1
    return settings.TRAINING_TARGET_HOURS * min(days, 366) / 365


# ----------------------------------------------------------------------------------------------
# Headline KPIs: each with its change against the previous period (percentage points for rates,
# relative for amounts), and, when it has no value, a word saying what it needs.
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    records: int  # training records in the period and scope
    roster: bool  # a roster is loaded: headcount is exact, coverage and attainment can be computed
    headcount: int
    hours_per_head: float | None
    coverage: float | None
    political_share: float | None
    pass_rate: float | None
    cost_per_head: float | None
    attainment_year: int | None  # the latest year in the period anyone trained in
    attainment: float | None
    attainment_before: float | None  # the year before, to the same day (None when nobody trained then)


def _yearly_attainment(frame: pd.DataFrame) -> dict[int, float]:
    """Year -> share of headcount on target, for the years anyone in scope trained in."""
    years = frame.groupby("year")[["headcount", "attained", "trained"]].sum()
    return {int(y): r.attained / r.headcount for y, r in years.iterrows() if r.trained > 0 and r.headcount > 0}


def _year_so_far(con, filters: Filters, year: int, until: dt.date) -> float | None:
    """Attainment in `year` counting hours up to `until` (its last day, or the same day a year on)."""
    scope = Filters(dt.date(year, 1, 1), until, filters.orgs, filters.branches, filters.lines)
    return _yearly_attainment(attainment(con, scope)).get(year)


def headline(con, filters: Filters, with_attainment: bool = True) -> Headline:
    """The headline figures; `with_attainment=False` leaves target attainment out (the previous period's
    card compares within `attainment_before`, so the previous headline need not compute it)."""
    kpis = metrics.overview(con, filters)
    totals = summary(con, filters)
    roster = not kpis.headcount_is_estimate
    year = now = before = None
    if roster and with_attainment:
        years = _yearly_attainment(attainment(con, filters))
        year = max(years, default=None)
    if year is not None:
        # the latest year so far against the same point of the year before: a year not over yet is
        # never set against a whole one
        until = min(filters.end, dt.date(year, 12, 31))
        a_year_before = until.replace(year=year - 1, day=28) if (until.month, until.day) == (2, 29) \
            else until.replace(year=year - 1)
        now = years[year]  # whole years from 1 January to the period's end: the latest so far already
        before = _year_so_far(con, filters, year - 1, a_year_before)
    headcount = kpis.headcount
    return Headline(
        records=totals.records, roster=roster, headcount=headcount,
        hours_per_head=kpis.hours_per_head if totals.records else None,
        coverage=kpis.coverage if roster and totals.records else None,
        political_share=totals.political_share, pass_rate=totals.pass_rate,
        cost_per_head=totals.cost / headcount if totals.costed and headcount else None,
        attainment_year=year, attainment=now, attainment_before=before)


def kpi_cards(now: Headline, before: Headline, lang: str) -> list[tuple[str, str, str | None, str]]:
    """(label, value, change, help) of the six headline cards. No change is shown against a previous
    period without training; a value that cannot be computed says what it needs instead of 0 or a dash."""
    compare = before.records > 0
    change_note = t("kpi.change_help", lang) if compare else ""
    needs_roster, not_recorded = t("training.value.needs_roster", lang), t("training.value.not_recorded", lang)
    target = settings.TRAINING_TARGET_HOURS

    def column(name: str) -> str:
        return i18n.label(schema.DATASETS["training"].column(name), lang)

    def missing(value, why: str, help_key: str, **values) -> tuple[str, str | None]:
        return (why, t(help_key, lang, **values)) if value is None else ("", None)

    cards = []
    # hours per head: an estimate over the staff seen in the data when there is no roster
    label = "training.hours_per_head_estimate" if not now.roster else "kpi.hours_per_head"
    cards.append((t(label, lang), format_number(now.hours_per_head, lang),
                  metrics.change(now.hours_per_head, before.hours_per_head) if compare else None,
                  t(f"{label}.help", lang, n=format_number(now.headcount, lang)) + change_note))
    # coverage
    why, note = missing(now.coverage, needs_roster, "training.needs_roster.help")
    cards.append((t("kpi.coverage", lang), why or format_percent(now.coverage),
                  metrics.change_points(now.coverage, before.coverage, lang) if compare else None,
                  note or t("kpi.coverage.help", lang) + change_note))
    # political share
    why, note = missing(now.political_share, not_recorded, "training.not_recorded.help", column=column("category"))
    cards.append((t("training.political_share", lang), why or format_percent(now.political_share),
                  metrics.change_points(now.political_share, before.political_share, lang) if compare else None,
                  note or t("training.political_share.help", lang) + change_note))
    # target attainment: the latest year trained in, against the year before it
    if now.attainment is None:
        why, note = (needs_roster, t("training.needs_roster.help", lang)) if not now.roster else \
            (not_recorded, t("training.attainment.help", lang, target=target))
    else:
        why, note = "", None
    label = t("training.attainment", lang) + (f" · {now.attainment_year}" if now.attainment_year else "")
    cards.append((label, why or format_percent(now.attainment),
                  metrics.change_points(now.attainment, now.attainment_before, lang),
                  note or t("training.attainment.help", lang, target=target) + t("training.attainment.change_help", lang)))
    # pass rate
    why, note = missing(now.pass_rate, not_recorded, "training.not_recorded.help", column=column("passed"))
    cards.append((t("training.pass_rate", lang), why or format_percent(now.pass_rate),
                  metrics.change_points(now.pass_rate, before.pass_rate, lang) if compare else None,
                  note or t("training.pass_rate.help", lang) + change_note))
    # cost per head
    label = "training.cost_per_head_estimate" if not now.roster else "training.cost_per_head"
    why, note = missing(now.cost_per_head, not_recorded, "training.not_recorded.help", column=column("cost"))
    cards.append((t(label, lang), why or format_number(now.cost_per_head, lang, digits=0),
                  metrics.change(now.cost_per_head, before.cost_per_head) if compare else None,
                  note or t(f"{label}.help", lang, n=format_number(now.headcount, lang)) + change_note))
    return cards


# ----------------------------------------------------------------------------------------------
# Display frames: canonical enum values shown in the reader's language, nothing reads None or nan.
# ----------------------------------------------------------------------------------------------

CATEGORY_ORDER = schema.enum_values("training", "category")


def month_chart_data(monthly: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Hours per month and category, categories in the registry's order (the stack and legend keep it)
    and named in `lang`."""
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    shown = monthly.assign(rank=monthly["category"].map(lambda c: rank.get(c, len(rank))))
    shown = shown.sort_values(["rank", "month"]).drop(columns="rank")
    return shown.assign(category=shown["category"].map(lambda c: schema.display("training", "category", c, lang)))


def for_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table as shown: categories and forms named in `lang`, empty text cells as a dash."""
    shown = frame.copy()
    for column in ("category", "form"):
        if column in shown:
            shown[column] = shown[column].map(lambda v: schema.display("training", column, v, lang))
    for column in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = shown[column].astype(object).where(shown[column].notna(), MISSING)
    return shown


def attainment_chart_data(frame: pd.DataFrame) -> pd.DataFrame:
    """Attainment by line for the years anyone in scope trained in, in percent, the year as a label."""
    trained = frame.groupby("year")["trained"].transform("sum") if len(frame) else frame.get("trained")
    shown = frame[trained > 0] if len(frame) else frame
    return shown.assign(attainment_pct=shown["attainment"] * 100, year=shown["year"].astype(str))
