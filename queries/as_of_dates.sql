-- The date each dataset's data runs to: the stamp on its charts.
select 'training' as dataset, max(start_date) as as_of from training
union all
select 'competition' as dataset, max(date) as as_of from competition
union all
select 'grading' as dataset, make_date(max(year), 12, 31) as as_of from grading
union all
select
    'innovation' as dataset,
    greatest(max(start_date), max(end_date), max(converted_date)) as as_of
from innovation
