-- Per branch: headcount (roster, on duty), staff on duty who trained in the period (coverage),
-- and hours recorded at the branch (hours per head). Branches with no roster staff have no ratios.
with staff as (
    select
        p.branch,
        count(*) as headcount,
        count(t.employee_id) as trained
    from population($orgs, $branches, $lines) as p
    left join trained_staff($start, $end) as t using (employee_id)
    group by p.branch
),
hours as (
    select
        branch,
        sum(hours) as hours,
        count(*) as person_times
    from training_records($start, $end, $orgs, $branches, $lines)
    group by branch
)
select
    coalesce(s.branch, h.branch) as branch,
    coalesce(s.headcount, 0) as headcount,
    coalesce(s.trained, 0) as trained,
    coalesce(h.hours, 0) as hours,
    coalesce(h.person_times, 0) as person_times,
    coalesce(h.hours, 0) / nullif(s.headcount, 0) as hours_per_head,
    s.trained / nullif(s.headcount, 0) as coverage
from staff as s
full join hours as h using (branch)
where coalesce(s.branch, h.branch) is not null
order by hours_per_head nulls last, branch
