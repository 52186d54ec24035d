-- Training in the period and scope: hours, person-times, sessions, and staff on duty who trained.
with roster as (
    select
        employee_id,
        org,
        line,
        coalesce(status, '在岗') = '在岗' as on_duty
    from employees
),
records as (
    select
        t.employee_id,
        t.branch,
        t.course,
        t.start_date,
        t.hours,
        r.on_duty
    from training as t
    left join roster as r using (employee_id)
    where t.start_date between $start and $end
      and (len($orgs) = 0 or list_contains($orgs, r.org))
      and (len($branches) = 0 or list_contains($branches, t.branch))
      and (len($lines) = 0 or list_contains($lines, r.line))
)
select
    coalesce(sum(hours), 0) as hours,
    count(*) as person_times,
    count(distinct (course, start_date)) as sessions,
    count(distinct employee_id) filter (
        where on_duty or (select count(*) from roster) = 0
    ) as trained
from records
