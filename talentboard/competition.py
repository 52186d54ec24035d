"""Competition and grading measures: participation, awards, scores, percentiles, medals, improvement,
grade mix and grade movements; each computed in DuckDB by a query in queries/."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from talentboard import privacy, settings, sql
from talentboard.metrics import Filters
from talentboard.schema import GRADE_SCALES

# Medal-table points per award, highest first: set in talentboard/settings.py.
AWARD_POINTS = settings.AWARD_POINTS  # one table of medal points: this page and the scorecard agree

LEADERBOARD_LIMIT = 1000  # rows a leaderboard shows when no competition is picked
TOP_IMPROVERS = 15

# The smallest field (entries in one competition and event) whose percentiles the leaderboard shows.
# In a field of two the runner-up reads 0 and the winner 100 though both may hold a first prize; one
# place moves a percentile by 100 / (n - 1) points, 25 at five entries: below that a percentile says
# more about the field's size than about the score.
MIN_FIELD_FOR_PERCENTILE = 5


def _awards() -> dict:
    return {"award_names": list(AWARD_POINTS), "award_points": [float(v) for v in AWARD_POINTS.values()]}


def _grades() -> dict:
    """Every grade in the configured order, lowest first per scale, with its rank in its scale (1 = lowest)."""
    return {"grades": [g for scale in GRADE_SCALES for g in scale],
            "grade_ranks": [rank for scale in GRADE_SCALES for rank in range(1, len(scale) + 1)]}


def grade_order() -> list[str]:
    return _grades()["grades"]


def _competition(con, name: str, filters: Filters, extra: dict | None = None) -> pd.DataFrame:
    # every percentile measure uses the same minimum field (bound only where a query asks for it)
    return sql.frame(con, name, filters.params() | {"min_field": MIN_FIELD_FOR_PERCENTILE} | (extra or {}))


def _grading(con, name: str, filters: Filters) -> pd.DataFrame:
    return sql.frame(con, name, filters.params() | _grades())


# ----------------------------------------------------------------------------------------------
# Competition
# ----------------------------------------------------------------------------------------------

@dataclass
class Summary:
    participants: int
    award_winners: int
    repeat_contestants: int  # year-to-year comparisons of one person's mean percentile
    improved: int
    mean_change: float | None

    @property
    def award_rate(self) -> float | None:
        return self.award_winners / self.participants if self.participants else None

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.repeat_contestants if self.repeat_contestants else None


def summary(con, filters: Filters) -> Summary:
    """The page's headline numbers: distinct contestants and award winners (as on the overview), and
    the repeat contestants whose mean percentile rose from one year to the next."""
    kpis = sql.row(con, "competition_kpis", filters.params())
    change = _competition(con, "competition_improvement_summary", filters).iloc[0]
    return Summary(int(kpis["participants"]), int(kpis["award_winners"]), int(change["repeat_contestants"]),
                   int(change["improved"]), None if pd.isna(change["mean_change"]) else float(change["mean_change"]))


@privacy.breakdown("headcount")
def participation(con, filters: Filters) -> pd.DataFrame:
    """Per year and line: headcount, contestants, participation rate, award winners, award rate."""
    return _competition(con, "competition_participation", filters, _awards())


@privacy.breakdown("entries")
def score_by_event(con, filters: Filters) -> pd.DataFrame:
    """Per event: entries, mean, standard deviation, min, quartiles, median, max of the scores."""
    return _competition(con, "competition_score_by_event", filters)


def choices(con, filters: Filters) -> pd.DataFrame:
    """Competitions in the period and scope (latest first) with their events and lines."""
    return _competition(con, "competition_choices", filters)


def leaderboard(con, filters: Filters, competition: str = "", event: str = "", line: str = "") -> pd.DataFrame:
    """Results, best percentile first; an empty competition, event or line means all. The percentile is
    blank in a field smaller than MIN_FIELD_FOR_PERCENTILE (field_size says how big each field is)."""
    return _competition(con, "competition_leaderboard", filters, {
        "competition": competition, "event": event, "line": line, "limit": LEADERBOARD_LIMIT})


def default_competition(options: pd.DataFrame) -> str:
    """The competition the leaderboard opens on, from choices(): the latest one with an event whose field
    is big enough for percentiles (a small city-level final says little about a percentile); when none
    is, the one with the most entries in scope (latest on a tie); "" when there is none."""
    if options.empty:
        return ""
    per = options.groupby("competition", sort=False).agg(date=("date", "max"), entries=("entries", "sum"),
                                                          field=("field_size", "max")).reset_index()
    big = per[per["field"] >= MIN_FIELD_FOR_PERCENTILE]
    if len(big):
        return str(big.sort_values(["date", "entries"], ascending=False, kind="stable")["competition"].iat[0])
    return str(per.sort_values(["entries", "date"], ascending=False, kind="stable")["competition"].iat[0])


def medal_points(con, filters: Filters) -> pd.DataFrame:
    """Long form: per branch and award, the results at that award and the points they earn."""
    return _competition(con, "competition_medals", filters, _awards())


def medal_table(con, filters: Filters) -> pd.DataFrame:
    """Wide form, one row per branch, most points first: points, results at each award, all awards (medals)."""
    columns = ["branch", "points", *AWARD_POINTS, "medals"]
    long = medal_points(con, filters)
    if long.empty:
        return pd.DataFrame(columns=columns)
    wide = long.pivot(index="branch", columns="award", values="medals").reindex(columns=list(AWARD_POINTS))
    totals = long.groupby("branch")[["medals", "points"]].sum()
    table = wide.join(totals).reset_index()
    table = table.sort_values(["points", "medals", "branch"], ascending=[False, False, True], ignore_index=True)
    return table[columns]


def improvement(con, filters: Filters, limit: int = TOP_IMPROVERS) -> pd.DataFrame:
    """The repeat contestants whose mean percentile rose most from one year to the next."""
    return _competition(con, "competition_improvement", filters, {"limit": limit})


def improvement_distribution(con, filters: Filters) -> pd.DataFrame:
    """Repeat contestants per 10-point bin of percentile change."""
    return _competition(con, "competition_improvement_distribution", filters)


# ----------------------------------------------------------------------------------------------
# Grading
# ----------------------------------------------------------------------------------------------

@privacy.breakdown("people")
def grade_mix(con, filters: Filters) -> pd.DataFrame:
    """Per year, line and grade (lowest first): people and share of the line's graded staff; every bar
    (year, line) has a row for every grade in the result, at 0 where nobody holds it."""
    return _grading(con, "grading_mix", filters)


@privacy.breakdown("people")
def grade_movements(con, filters: Filters) -> pd.DataFrame:
    """Per pair of consecutive years: people graded in both, promoted, unchanged, demoted."""
    return _grading(con, "grading_movements", filters)


@privacy.breakdown("people")
def grade_flows(con, filters: Filters) -> pd.DataFrame:
    """People from each grade to each grade between the latest pair of consecutive years."""
    return _grading(con, "grading_flows", filters)


MOVEMENTS = ("promoted", "unchanged", "demoted")


@privacy.breakdown("people")
def grade_movement_shares(con, filters: Filters) -> pd.DataFrame:
    """Long form of grade_movements for a chart: per year pair ("2025→2026") and movement, people and share
    (`people`: graded both years, the pair's group size)."""
    moves = grade_movements(con, filters)
    long = moves.assign(pair=moves["from_year"].astype(str) + "→" + moves["to_year"].astype(str)).melt(
        id_vars=["pair", "people"], value_vars=list(MOVEMENTS), var_name="movement", value_name="count")
    return long.assign(share=long["count"] / long["people"])[["pair", "movement", "count", "share", "people"]]

