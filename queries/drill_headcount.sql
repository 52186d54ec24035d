-- The people behind the headcount: staff on duty in scope (the population macro, as headcount.sql counts
-- them), each with their training hours and records in the period (wherever recorded) and their last
-- training up to the period's end; the untrained (0 hours) first. Without a roster: the staff seen in any
-- dataset at a branch in scope, as headcount_estimate.sql counts them.
with seen as (
    select employee_id, name, branch, null::varchar as line from training
    union all
    select employee_id, name, branch, line from competition
    union all
    select employee_id, name, branch, line from grading
),
staff as (
    select employee_id, name, branch, line, position
    from population($orgs, $branches, $lines)
    union all
    select
        employee_id,
        any_value(name) as name,
        min(branch) as branch,
        any_value(line) as line,
        null::varchar as position
    from seen
    where not exists (select 1 from employees)
      and (len($branches) = 0 or list_contains($branches, branch))
    group by employee_id
),
in_period as (
    select
        employee_id,
        sum(hours) as hours,
        count(*) as trainings
    from training
    where start_date between $start and $end
    group by employee_id
),
latest as (
    select
        employee_id,
        max(start_date) as last_training
    from training
    where start_date <= $end
    group by employee_id
)
select
    person_key(s.employee_id) as person_key,
    s.name,
    s.employee_id,
    s.branch,
    s.line,
    s.position,
    coalesce(p.hours, 0) as hours,
    coalesce(p.trainings, 0) as trainings,
    l.last_training
from staff as s
left join in_period as p using (employee_id)
left join latest as l using (employee_id)
order by coalesce(p.hours, 0), s.branch, s.employee_id
