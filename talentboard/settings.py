"""Numbers an office may want to change, in one place: training targets and scorecard weights."""
from __future__ import annotations

# Annual training hours each person should reach; lines may have their own.
TRAINING_TARGET_HOURS = 40.0
TRAINING_TARGET_BY_LINE: dict[str, float] = {}

# Branch scorecard: the talent development index weights its four percentile ranks by these.
SCORECARD_WEIGHTS = {"hours_per_head": 1.0, "coverage": 1.0, "competition_points": 1.0, "innovation_results": 1.0}

# Competition medal points by award (SPEC: 特等 8, 一等 5, 二等 3, 三等 2, 优秀 1).
AWARD_POINTS = {"特等奖": 8, "一等奖": 5, "二等奖": 3, "三等奖": 2, "优秀奖": 1}
