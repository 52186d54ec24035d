"""Numbers an office may want to change, in one place: training targets and scorecard weights."""
from __future__ import annotations

# Annual training hours each person should reach; lines may have their own.
TRAINING_TARGET_HOURS = 40.0
TRAINING_TARGET_BY_LINE: dict[str, float] = {}

# Branch scorecard: the talent development index weights its four percentile ranks by these.
SCORECARD_WEIGHTS = {"hours_per_head": 1.0, "coverage": 1.0, "competition_points": 1.0, "innovation_results": 1.0}
