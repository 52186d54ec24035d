-- One person's grades by year up to the period's end's year, each against the one before it on record:
-- direction 1 up, 0 the same, -1 down (by the grade's rank in its scale), none for the first.
with grades as (
    select
        g.year,
        g.grade,
        g.grade_rank,
        g.branch,
        g.line,
        c.score
    from grading_records(
        []::varchar[], []::varchar[], []::varchar[], $grades, $grade_ranks
    ) as g
    left join grading_current as c
        on c.employee_id = g.employee_id
       and c.year = g.year
    where g.employee_id = $employee_id
      and g.year <= year($end::date)
)
select
    year,
    grade,
    score,
    branch,
    line,
    lag(grade) over (order by year) as previous_grade,
    sign(grade_rank - lag(grade_rank) over (order by year)) as direction
from grades
order by year
