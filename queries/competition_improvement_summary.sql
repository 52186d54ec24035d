-- Repeat contestants in the period and scope: how many year-to-year comparisons, how many
-- rose, fell or held, and the mean change in percentile points.
select
    count(*) as repeat_contestants,
    count(*) filter (where change > 0) as improved,
    count(*) filter (where change < 0) as declined,
    count(*) filter (where change = 0) as unchanged,
    avg(change) as mean_change
from percentile_changes($start, $end, $orgs, $branches, $lines, $min_field)
