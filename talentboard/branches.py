"""Branch measures: one branch against the whole (its scorecard figures with rank and percentile), the
scorecard parts over time, its people and those below target, its projects, and branches side by side.

Everything that ranks a branch is the overview's branch scorecard (metrics.branch_scorecard,
queries/branch_scorecard.sql), computed over every branch in the org and line scope: a branch is ranked
against the others, whatever branches the sidebar narrows to (a field of one would score 0)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from talentboard import competition, metrics, privacy, settings, sql
from talentboard.metrics import Filters

# The scorecard's four parts, each with the column of its percentile rank (0–1) among branches.
PARTS = {"hours_per_head": "hours_rank", "coverage": "coverage_rank", "points_per_100": "points_rank",
         "results_per_100": "results_rank"}
PROFILE_MEASURES = ("headcount", *PARTS, "talent_index")
COMPARE_MOST = 4  # branches side by side: two to four


def _percent_rank(values: pd.Series) -> pd.Series:
    """SQL's percent_rank, as the scorecard ranks its parts: the share of the other branches with a lower
    value (ties share the lower rank; 0 for a field of one)."""
    n = len(values)
    return (values.rank(method="min") - 1) / (n - 1) if n > 1 else values * 0.0


def _whole(card: pd.DataFrame) -> dict[str, float]:
    """The scorecard's branches taken together: the headcount, each part over the whole headcount (each part
    is an amount per head, so the whole is the headcount-weighted mean) and the mean talent index."""
    heads = card["headcount"].sum()
    whole = {"headcount": float(heads), "talent_index": float(card["talent_index"].mean())}
    whole |= {part: float((card[part] * card["headcount"]).sum() / heads) if heads else float("nan") for part in PARTS}
    return whole


@privacy.breakdown("headcount")
def profile(con, filters: Filters, branch: str) -> pd.DataFrame:
    """One row per measure (PROFILE_MEASURES) of `branch`: its `value`, the `whole` scope's figure, its `rank`
    among the `branches` ranked (1 = highest; `tied` when another branch has the same value), its `percentile` (0–100: the share of the other branches below
    it; the scorecard's own percentile ranks for the four parts) and the branch's `headcount` (the group the
    row speaks of). Empty when the branch has nobody on duty in scope."""
    card = metrics.branch_scorecard(con, filters.ranking_scope())
    if branch not in set(card["branch"]):
        return pd.DataFrame(columns=["measure", "value", "whole", "rank", "tied", "branches", "percentile", "headcount"])
    place = card.index[card["branch"] == branch][0]
    whole = _whole(card)
    rows = []
    for measure in PROFILE_MEASURES:
        values = card[measure].astype(float)
        percent = card[PARTS[measure]] if measure in PARTS else _percent_rank(values)
        value = float(values[place])
        rows.append({"measure": measure, "value": value, "whole": whole[measure],
                     "rank": int((values > value).sum()) + 1, "tied": int((values == value).sum()) > 1,
                     "branches": len(card),
                     "percentile": 100 * float(percent[place]), "headcount": int(card.at[place, "headcount"])})
    return pd.DataFrame(rows)


def periods(filters: Filters) -> list[tuple[str, dt.date, dt.date, bool]]:
    """The steps the scorecard is followed in: quarters when the period is a year or less (the default period,
    this year so far, would otherwise be a single point), calendar years when it is longer (quarters over
    several years swing with the training calendar and crowd the axis). Each step is cut to the period:
    (label, first day, last day, whether it is the whole quarter or year)."""
    quarterly = (filters.end - filters.start).days < 366
    steps, start = [], filters.start
    while start <= filters.end:
        if quarterly:
            quarter = (start.month - 1) // 3
            label, first = f"{start.year}-Q{quarter + 1}", dt.date(start.year, 3 * quarter + 1, 1)
            following = dt.date(start.year + (quarter == 3), 3 * ((quarter + 1) % 4) + 1, 1)
        else:
            label, first, following = str(start.year), dt.date(start.year, 1, 1), dt.date(start.year + 1, 1, 1)
        end = min(following - dt.timedelta(days=1), filters.end)
        steps.append((label, start, end, start == first and end == following - dt.timedelta(days=1)))
        start = following
    return steps


@privacy.breakdown("headcount")
def scorecard_over_time(con, filters: Filters, branch: str) -> pd.DataFrame:
    """The scorecard's four parts for each step of `periods(filters)`, for the branch (scope "branch") and the
    whole ("whole", every branch in the org and line scope together): columns period, start, end, complete
    (the whole quarter or year), scope, headcount, the four parts, and the branch's percentile ranks (0–100,
    `<part>_pct`; the whole's are empty). A step in which the branch has nobody on duty has no branch row."""
    rows = []
    for label, start, end, complete in periods(filters):
        card = metrics.branch_scorecard(con, Filters(start, end, filters.orgs, (), filters.lines))
        if card.empty:
            continue
        step = {"period": label, "start": start, "end": end, "complete": complete}
        mine = card[card["branch"] == branch]
        if len(mine):
            row = mine.iloc[0]
            rows.append(step | {"scope": "branch", "headcount": int(row["headcount"])}
                        | {part: float(row[part]) for part in PARTS}
                        | {f"{part}_pct": 100 * float(row[rank]) for part, rank in PARTS.items()})
        whole = _whole(card)
        rows.append(step | {"scope": "whole", "headcount": int(whole["headcount"])} | {part: whole[part] for part in PARTS}
                    | {f"{part}_pct": float("nan") for part in PARTS})
    columns = ["period", "start", "end", "complete", "scope", "headcount", *PARTS, *(f"{part}_pct" for part in PARTS)]
    return pd.DataFrame(rows, columns=columns)


def period_share(filters: Filters) -> float:
    """The share of a year the period is, as training.prorated_target scales the annual target."""
    return min((filters.end - filters.start).days + 1, 366) / 365


def people(con, filters: Filters, branch: str) -> pd.DataFrame:
    """Everyone on duty in `branch` (within the org and line scope): person_key, name, employee_id, line,
    position, hours in the period, last_training, best_award and best_percentile in the period, grade (of
    grade_year, the latest graded), projects (led or joined), target (the line's annual target scaled to the
    period) and below_target. See queries/branch_profile_people.sql."""
    targets = settings.TRAINING_TARGET_BY_LINE
    return sql.frame(con, "branch_profile_people", filters.params() | {
        "branch": branch, "min_field": competition.MIN_FIELD_FOR_PERCENTILE,
        "point_awards": list(settings.AWARD_POINTS), "point_values": [float(v) for v in settings.AWARD_POINTS.values()],
        "target_lines": list(targets), "target_hours": [float(v) for v in targets.values()],
        "target_default": float(settings.TRAINING_TARGET_HOURS), "period_share": period_share(filters)})


def below_target(con, filters: Filters, branch: str) -> pd.DataFrame:
    """The branch's people whose hours in the period fall short of their prorated target, furthest short first."""
    return short_of_target(people(con, filters, branch))


def short_of_target(everyone: pd.DataFrame) -> pd.DataFrame:
    """Of a people() table (as computed, or as the screen shows it), those below target with their `shortfall`
    (target − hours), furthest short first: the page takes it from the people it already has, not by reading
    the training records a second time."""
    short = everyone[everyone["below_target"]]
    return short.assign(shortfall=short["target"] - short["hours"]).sort_values(
        ["shortfall", "person_key"], ascending=[False, True]).reset_index(drop=True)


def projects(con, filters: Filters, branch: str) -> pd.DataFrame:
    """The innovation projects recorded under `branch` and started by the period's end, studio by studio."""
    return sql.frame(con, "branch_profile_projects", filters.params() | {"branch": branch})


@privacy.breakdown("headcount")
def compare(con, filters: Filters, branches: tuple[str, ...]) -> pd.DataFrame:
    """`branches` (two to four) side by side, in the order given: headcount, the four parts, their percentile
    ranks among every branch in scope (0–100, `<part>_pct`) and the talent index. A branch with nobody on duty
    in scope has no row."""
    card = metrics.branch_scorecard(con, filters.ranking_scope()).set_index("branch")
    chosen = [b for b in dict.fromkeys(branches) if b in card.index]
    shown = card.loc[chosen]
    result = shown[["headcount", *PARTS]].assign(
        **{f"{part}_pct": shown[rank] * 100 for part, rank in PARTS.items()}, talent_index=shown["talent_index"])
    return result.reset_index()
