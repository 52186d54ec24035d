-- The Sankey of grade movements: people from each grade to each grade between the latest
-- pair of consecutive years the period touches (the year before the period's first year may
-- be the "from" year).
with moves as (
    select *
    from grade_moves($orgs, $branches, $lines, $grades, $grade_ranks)
    where to_year between year($start::date) and year($end::date)
)
select
    from_year,
    to_year,
    from_grade,
    to_grade,
    any_value(from_order) as from_order,
    any_value(to_order) as to_order,
    any_value(direction) as direction,
    count(*) as people
from moves
where to_year = (select max(to_year) from moves)
group by all
order by from_order, to_order
