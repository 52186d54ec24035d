-- Training page headline figures in the period and scope (headcount and coverage come from
-- the overview's measures): political-study hours, assessments passed, cost, sessions, and how
-- many records carry a category or a cost (a share of nothing recorded is not a zero).
select
    count(*) as records,
    coalesce(sum(hours), 0) as hours,
    coalesce(sum(hours) filter (where category = '思想政治'), 0) as political_hours,
    coalesce(sum(hours) filter (where category is not null), 0) as categorised_hours,
    count(*) filter (where passed) as passed,
    count(passed) as assessed,
    coalesce(sum(cost), 0) as cost,
    count(cost) as costed,
    count(distinct (course, start_date)) as sessions
from training_records($start, $end, $orgs, $branches, $lines)
