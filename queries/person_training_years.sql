-- One person's training hours per calendar year against their annual target ($target), from the
-- first year they trained to the period's end (a year without training reads 0); the last year counts
-- up to the period's end (`complete` is false while it is not over).
with yearly as (
    select
        year(start_date) as year,
        sum(hours) as hours
    from training
    where employee_id = $employee_id
      and start_date <= $end
    group by all
),
years as (
    select unnest(range(min(year), year($end::date) + 1)) as year
    from yearly
)
select
    y.year,
    coalesce(h.hours, 0) as hours,
    $target::double as target,
    coalesce(h.hours, 0) / nullif($target::double, 0) as share,
    make_date(y.year, 12, 31) <= $end::date as complete
from years as y
left join yearly as h using (year)
order by y.year
