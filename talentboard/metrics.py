"""The measures: filters in, numbers out, each computed in DuckDB by a query in queries/."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from talentboard import privacy, sql


@dataclass(frozen=True)
class Filters:
    """Period and scope as the sidebar sets them; an empty list means all."""
    start: dt.date
    end: dt.date
    orgs: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()

    def params(self) -> dict:
        return {"start": self.start, "end": self.end, "orgs": list(self.orgs),
                "branches": list(self.branches), "lines": list(self.lines)}

    def previous(self) -> "Filters":
        """The period of the same length just before this one, same scope: what changes are measured against."""
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Filters(end - length, end, self.orgs, self.branches, self.lines)

    def ranking_scope(self) -> "Filters":
        """The period and the org and line scope, every branch in it: what a branch is ranked against (narrowing
        to one branch picks its row; it does not rank it alone, where a field of one would score 0)."""
        return Filters(self.start, self.end, self.orgs, (), self.lines)

    def focused(self, branch: str | None) -> "Filters":
        """This scope narrowed to one branch (a click on a chart)."""
        return self if branch is None else Filters(self.start, self.end, self.orgs, (branch,), self.lines)


PERIODS = ("this_year", "this_month", "this_quarter", "last_year", "last_12_months", "custom")


def quick_period(name: str, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """A quick pick, anchored on the date the data runs to (data arrives a month behind the calendar)."""
    if name == "this_month":
        return as_of.replace(day=1), as_of
    if name == "this_quarter":
        return dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1), as_of
    if name == "last_year":
        return dt.date(as_of.year - 1, 1, 1), dt.date(as_of.year - 1, 12, 31)
    if name == "last_12_months":  # the as-of month and the eleven before it
        year, month = (as_of.year - 1, as_of.month + 1) if as_of.month < 12 else (as_of.year, 1)
        return dt.date(year, month, 1), as_of
    return dt.date(as_of.year, 1, 1), as_of  # this_year


@dataclass
class Overview:
    headcount: int
    headcount_is_estimate: bool
    training_hours: float
    person_times: int
    sessions: int
    trained: int
    participants: int
    award_winners: int
    active_projects: int
    converted_projects: int
    benefit: float
    funding: float
    studios: int
    extras: dict = field(default_factory=dict)

    @property
    def hours_per_head(self) -> float | None:
        return self.training_hours / self.headcount if self.headcount else None

    @property
    def coverage(self) -> float | None:
        return self.trained / self.headcount if self.headcount else None


def overview(con, filters: Filters) -> Overview:
    params = filters.params()
    head = sql.row(con, "headcount", params)
    estimate = not head["roster_size"]  # no roster: staff seen in the records, labelled as an estimate
    if estimate:
        head = sql.row(con, "headcount_estimate", params)
    training = sql.row(con, "training_kpis", params)
    competition = sql.row(con, "competition_kpis", params)
    innovation = sql.row(con, "innovation_kpis", params)
    return Overview(
        headcount=int(head["headcount"]), headcount_is_estimate=estimate,
        training_hours=float(training["hours"]), person_times=int(training["person_times"]),
        sessions=int(training["sessions"]), trained=int(training["trained"]),
        participants=int(competition["participants"]), award_winners=int(competition["award_winners"]),
        active_projects=int(innovation["active_projects"]), converted_projects=int(innovation["converted_projects"]),
        benefit=float(innovation["benefit"]), funding=float(innovation["funding"]), studios=int(innovation["studios"]),
    )


def filter_options(con) -> dict:
    """Sorted orgs, branches and lines, and each branch's orgs (`branch_orgs`)."""
    options: dict = {"org": [], "branch": [], "line": [], "branch_orgs": {}}
    for kind, value, parent in sql.frame(con, "filter_options").itertuples(index=False):
        if value not in options[kind]:
            options[kind].append(value)
        if kind == "branch" and isinstance(parent, str):
            options["branch_orgs"].setdefault(value, set()).add(parent)
    return options


def as_of_dates(con) -> dict[str, dt.date | None]:
    """Per dataset, the date its data runs to (None when it is empty)."""
    return {name: _as_date(value) for name, value in sql.frame(con, "as_of_dates").itertuples(index=False)}


def latest_date(as_of: dict[str, dt.date | None]) -> dt.date | None:
    """The newest date the dated records reach: what quick picks anchor on. Grading is left out:
    its year stands for 31 December, which may not have come yet."""
    dates = [d for name, d in as_of.items() if d is not None and name != "grading"]
    return max(dates, default=None)


def _as_date(value) -> dt.date | None:
    """A date from a result frame: pandas gives Timestamp, or NaT when a dataset is empty."""
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


# (threshold, suffix, divisor): 12345 reads 1.2万 in Chinese and 12.3k in English
SCALES = {"zh": ((1e8, "亿", 1e8), (1e4, "万", 1e4)),
          "en": ((1e9, "B", 1e9), (1e6, "M", 1e6), (1e4, "k", 1e3))}


def format_number(value: float | None, lang: str = "zh", digits: int = 1) -> str:
    """Large numbers read in 万 and 亿 (Chinese) or k, M, B (English); None shows as a dash."""
    if value is None:
        return "—"
    for threshold, suffix, divisor in SCALES["en" if lang == "en" else "zh"]:
        if abs(value) >= threshold:
            return f"{value / divisor:,.{digits}f}{suffix}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def change(current: float | None, previous: float | None) -> str | None:
    """The change against the previous period, relative: "+12.5%"; None when there is nothing to compare."""
    if current is None or previous in (None, 0):
        return None
    return f"{_signed((current - previous) / abs(previous) * 100)}%"


def change_points(current: float | None, previous: float | None, lang: str = "zh") -> str | None:
    """The change of a rate against the previous period, in percentage points: "+3.2 个百分点" / "+3.2 pp"."""
    if current is None or previous is None:
        return None
    unit = " pp" if lang == "en" else "个百分点"
    return f"{_signed((current - previous) * 100)}{unit}"


UNCHANGED = re.compile(r"^[+-]?0(\.0+)?(?![\d.])")  # "+0.0%", "+0.0个百分点": a change that rounds to nothing


def direction(delta: str | None) -> str | None:
    """Which way a change (from change() or change_points()) goes: "up", "down", or None when there is none to
    speak of (no change given, or one that rounds to nothing): the KPI cards' green, red and grey everywhere."""
    if not delta or UNCHANGED.match(delta):
        return None
    return "down" if delta.startswith("-") else "up"


def _signed(value: float) -> str:
    """+1.2 / -1.2 to one decimal; a change that rounds to nothing reads +0.0, never -0.0 (a red arrow for nothing)."""
    rounded = round(value, 1)
    return f"{0.0 if rounded == 0 else rounded:+.1f}"


def format_percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@privacy.breakdown("headcount")
def branch_scorecard(con, filters: Filters) -> pd.DataFrame:
    """Per branch: the four measures, their percentile ranks (0–1) and the talent development index (0–100)."""
    from talentboard import settings  # the weights and medal points an office may change
    weights = settings.SCORECARD_WEIGHTS
    card = sql.frame(con, "branch_scorecard", filters.params() | {
        "point_awards": list(settings.AWARD_POINTS), "point_values": [float(v) for v in settings.AWARD_POINTS.values()],
        "w_hours": float(weights["hours_per_head"]), "w_coverage": float(weights["coverage"]),
        "w_points": float(weights["competition_points"]), "w_results": float(weights["innovation_results"])})
    # the place by the index (the query's order), kept beside each row: a branch left out for privacy moves no one up
    return card.assign(rank=range(1, len(card) + 1))
