-- Grade mix by line and year: people at each grade and their share of the line's graded staff
-- that year, for the years the period touches; grades in the configured order, lowest first.
with records as (
    select
        year,
        coalesce(line, '—') as line,
        grade,
        grade_order
    from grading_records($orgs, $branches, $lines, $grades, $grade_ranks)
    where year between year($start::date) and year($end::date)
)
select
    year,
    line,
    grade,
    any_value(grade_order) as grade_order,
    count(*) as people,
    count(*) / sum(count(*)) over (partition by year, line) as share
from records
group by year, line, grade
order by year, line, grade_order
