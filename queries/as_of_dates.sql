-- The date each dataset's data runs to: the stamp on its charts. A grading year stands for its
-- 31 December, but a year's grades can be in before the year ends: never a date still to come.
select 'training' as dataset, max(start_date) as as_of from training
union all
select 'competition' as dataset, max(date) as as_of from competition
union all
select
    'grading' as dataset,
    case
        when max(year) is not null then least(make_date(max(year), 12, 31), current_date)
    end as as_of
from grading
union all
select
    'innovation' as dataset,
    greatest(max(start_date), max(end_date), max(converted_date)) as as_of
from innovation
