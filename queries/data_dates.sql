-- The first and last dates the data covers, across datasets: the default period and the as-of stamp.
with dates as (
    select min(start_date) as first_date, max(start_date) as last_date from training
    union all
    select min(date) as first_date, max(date) as last_date from competition
    union all
    select
        min(start_date) as first_date,
        greatest(max(start_date), max(end_date), max(converted_date)) as last_date
    from innovation
)
select
    min(first_date) as first_date,
    max(last_date) as last_date
from dates
