-- One person's training hours from $since to $end, and how many of the staff on duty on the whole
-- roster (whatever the scope), the person aside, had fewer hours over the same span, of how many.
with hours as (
    select
        employee_id,
        sum(hours) as hours
    from training
    where start_date between $since and $end
    group by employee_id
),
mine as (
    select coalesce(sum(hours), 0) as hours
    from hours
    where employee_id = $employee_id
),
staff as (
    select coalesce(h.hours, 0) as hours
    from population([]::varchar[], []::varchar[], []::varchar[]) as p
    left join hours as h using (employee_id)
    where p.employee_id <> $employee_id  -- the others: the most trained reads "ahead of 100%"
)
select
    any_value(m.hours) as hours,
    count(s.hours) filter (where s.hours < m.hours) as below,
    count(s.hours) as staff
from mine as m
left join staff as s on true
