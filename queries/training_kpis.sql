-- Training in the period and scope: hours, person-times and sessions of the records in scope, and
-- `trained`: the headcount population (roster scope, on duty) with any training in the period,
-- wherever it was recorded, so coverage never exceeds 100%. Without a roster: distinct trainees.
with roster as (
    select
        employee_id,
        org,
        branch,
        line,
        coalesce(status, '在岗') = '在岗' as on_duty
    from employees
),
population as (
    select employee_id
    from roster
    where on_duty
      and (len($orgs) = 0 or list_contains($orgs, org))
      and (len($branches) = 0 or list_contains($branches, branch))
      and (len($lines) = 0 or list_contains($lines, line))
),
in_period as (
    select
        t.employee_id,
        t.branch,
        t.course,
        t.start_date,
        t.hours,
        t._roster_org as org,
        t._roster_line as line
    from training_current as t  -- org and line from the roster beside each record
    where t.start_date between $start and $end
),
records as (
    select *
    from in_period
    where (len($orgs) = 0 or list_contains($orgs, org))
      and (len($branches) = 0 or list_contains($branches, branch))
      and (len($lines) = 0 or list_contains($lines, line))
)
select
    (select coalesce(sum(hours), 0) from records) as hours,
    (select count(*) from records) as person_times,
    (select count(distinct (course, start_date)) from records) as sessions,
    case
        when (select count(*) from roster) > 0 then (
            select count(distinct employee_id)
            from in_period
            where employee_id in (select employee_id from population)
        )
        else (select count(distinct employee_id) from records)
    end as trained
