"""Drill-down from numbers to people: the people behind each people-based KPI (headcount, trained, untrained,
competition participants and award winners), each list as long as its KPI's number, from queries/drill_*.sql
on the same scope macros the KPI queries use."""
from __future__ import annotations

import pandas as pd

from talentboard import sql
from talentboard.metrics import Filters

# The measures, each a query queries/drill_<measure>.sql binding the filters only (award winners: the
# participants with an award); each list's own columns follow person_key, name, employee_id, branch, line
# and position:
#   headcount       hours, trainings, last_training (the period's hours and records; untrained first)
#   trained         hours, trainings, last_training (most hours first)
#   untrained       last_training (before the period; empty when never trained)
#   participants    competitions, entries, best_award (best first; none: no award)
#   award_winners   as participants, those with an award only
MEASURES = ("headcount", "trained", "untrained", "participants", "award_winners")
PERSON_COLUMNS = ["person_key", "name", "employee_id", "branch", "line", "position"]
OWN_COLUMNS = {"headcount": ["hours", "trainings", "last_training"], "trained": ["hours", "trainings", "last_training"],
               "untrained": ["last_training"],
               "participants": ["competitions", "entries", "best_award"],
               "award_winners": ["competitions", "entries", "best_award"]}


def people_behind(con, filters: Filters, measure: str) -> pd.DataFrame:
    """The people a KPI counts in `filters`' period and scope, one row each (see MEASURES for the columns)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; one of {', '.join(MEASURES)}")
    # each query binds the filters only (as a page's KPI query does); award winners are the participants
    # with an award, as competition_kpis.sql counts them
    frame = sql.frame(con, "drill_participants" if measure == "award_winners" else f"drill_{measure}", filters.params())
    if measure == "award_winners":
        frame = frame[frame["best_award"].notna()].reset_index(drop=True)
    if "last_training" in frame:
        frame["last_training"] = pd.to_datetime(frame["last_training"]).dt.date
    return frame[PERSON_COLUMNS + OWN_COLUMNS[measure]]
