-- Days in each stage, per studio and overall (studio null): start to completion, and completion
-- to conversion; a converted project with no completion date counts start to conversion instead.
with projects as (
    select * from innovation_projects($end, $orgs, $branches, $studio::varchar)
),
spans as (
    select studio, 'to_complete' as span, end_date - start_date as days
    from projects where end_date is not null
    union all
    select studio, 'to_convert' as span, converted_date - end_date as days
    from projects where converted_date is not null and end_date is not null
    union all
    select studio, 'start_to_convert' as span, converted_date - start_date as days
    from projects where converted_date is not null and end_date is null
)
select
    studio,
    span,
    count(*) as projects,
    median(days) as median_days,
    avg(days) as mean_days
from spans
group by grouping sets ((studio, span), (span))
order by studio nulls first, span
