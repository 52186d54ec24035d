"""Training measures: hours, coverage and reach by month, branch, line and course; target attainment."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from talentboard import settings, sql
from talentboard.metrics import Filters


@dataclass
class Summary:
    hours: float
    political_hours: float
    passed: int
    assessed: int
    cost: float
    sessions: int

    @property
    def political_share(self) -> float | None:
        return self.political_hours / self.hours if self.hours else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.assessed if self.assessed else None


def summary(con, filters: Filters) -> Summary:
    row = sql.row(con, "training_summary", filters.params())
    return Summary(float(row["hours"]), float(row["political_hours"]), int(row["passed"]), int(row["assessed"]),
                   float(row["cost"]), int(row["sessions"]))


def hours_by_month(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_hours_by_month", filters.params())


def by_branch(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_by_branch", filters.params())


def branch_month(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_branch_month", filters.params())


def by_line(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_by_line", filters.params())


def attainment(con, filters: Filters) -> pd.DataFrame:
    """Per calendar year and line: headcount, how many reached their annual target, and the share."""
    targets = settings.TRAINING_TARGET_BY_LINE
    return sql.frame(con, "training_attainment", filters.params() | {
        "target_lines": list(targets), "target_hours": [float(v) for v in targets.values()],
        "target_default": float(settings.TRAINING_TARGET_HOURS)})


def top_courses(con, filters: Filters, limit: int = 15) -> pd.DataFrame:
    return sql.frame(con, "training_top_courses", filters.params() | {"limit": limit})


def untrained(con, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, "training_untrained", filters.params())


def prorated_target(filters: Filters) -> float:
    """The annual target scaled to the period's length: the bar hours per head should reach."""
    days = (filters.end - filters.start).days + 1
    return settings.TRAINING_TARGET_HOURS * min(days, 366) / 365
