-- The people behind `trained` (training_kpis.sql): staff on duty in scope with any training in the period,
-- wherever it was recorded (trained_staff); without a roster, the distinct trainees of the records in
-- scope. Each with their hours and records in the period (wherever recorded) and their last training in
-- it; most hours first.
with in_period as (
    select
        employee_id,
        any_value(name) as name,
        sum(hours) as hours,
        count(*) as trainings,
        max(start_date) as last_training
    from training
    where start_date between $start and $end
    group by employee_id
),
staff as (
    select p.employee_id, p.name, p.branch, p.line, p.position
    from population($orgs, $branches, $lines) as p
    where p.employee_id in (select employee_id from trained_staff($start, $end))
    union all
    select
        r.employee_id,
        any_value(r.name) as name,
        mode(r.branch) as branch,
        any_value(r.line) as line,
        null::varchar as position
    from training_records($start, $end, $orgs, $branches, $lines) as r
    where not exists (select 1 from employees)
    group by r.employee_id
)
select
    person_key(s.employee_id) as person_key,
    coalesce(s.name, t.name) as name,
    s.employee_id,
    s.branch,
    s.line,
    s.position,
    t.hours,
    t.trainings,
    t.last_training
from staff as s
join in_period as t using (employee_id)
order by t.hours desc, s.branch, s.employee_id
