-- Grade mix by line and year: people at each grade and their share of the line's graded staff
-- that year, for the years the period touches; grades in the configured order, lowest first
-- (a grade outside the configured order last). Every (year, line) bar holds a row for every
-- grade shown anywhere in the result, at 0 where the line has nobody at it, so each bar's
-- shares sum to 1 and no segment goes missing from a stacked chart.
with records as (
    select
        year,
        coalesce(line, '—') as line,
        grade,
        coalesce(grade_order, len($grades::varchar[]) + 1) as grade_order
    from grading_records($orgs, $branches, $lines, $grades, $grade_ranks)
    where year between year($start::date) and year($end::date)
),
counts as (
    select
        year,
        line,
        grade,
        count(*) as people
    from records
    group by all
),
bars as (
    select distinct year, line from records
),
grades as (
    select
        grade,
        min(grade_order) as grade_order
    from records
    group by grade
)
select
    b.year,
    b.line,
    g.grade,
    g.grade_order,
    coalesce(c.people, 0) as people,
    coalesce(c.people, 0) / sum(coalesce(c.people, 0)) over (partition by b.year, b.line)
        as share
from bars as b
cross join grades as g
left join counts as c
    on c.year = b.year
   and c.line = b.line
   and c.grade = g.grade
order by b.year, b.line, g.grade_order, g.grade
