-- Target attainment: for each calendar year the period touches, the share of headcount whose
-- training hours in that year, up to the period's end (the last year counts so far, earlier ones
-- whole), reach the annual target of their line ($target_lines and $target_hours pair up;
-- everyone else has $target_default). `trained`: staff with any hours that year (a year nobody
-- trained in is a year without data, not a year of zero attainment).
with population as (
    select employee_id, coalesce(line, '—') as line
    from population($orgs, $branches, $lines)
),
years as (
    select unnest(range(year($start::date), year($end::date) + 1)) as year
),
yearly_hours as (
    select
        employee_id,
        year(start_date) as year,
        sum(hours) as hours
    from training
    where start_date between make_date(year($start::date), 1, 1) and $end::date
    group by all
),
people as (
    select
        y.year,
        p.employee_id,
        p.line,
        coalesce(h.hours, 0) as hours,
        coalesce(
            list_extract($target_hours::double[], list_position($target_lines::varchar[], p.line)),
            $target_default
        ) as target
    from years as y
    cross join population as p
    left join yearly_hours as h using (employee_id, year)
)
select
    year,
    line,
    count(*) as headcount,
    count(*) filter (where hours >= target) as attained,
    count(*) filter (where hours >= target) / count(*) as attainment,
    max(target) as target,
    count(*) filter (where hours > 0) as trained
from people
group by all
order by year, line
