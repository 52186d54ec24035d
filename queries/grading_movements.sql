-- Grade movements between consecutive years: for each year the period touches, the staff in
-- scope graded that year and the year before, by whether their grade's rank rose, held or fell.
select
    from_year,
    to_year,
    count(*) as people,
    count(*) filter (where direction > 0) as promoted,
    count(*) filter (where direction = 0) as unchanged,
    count(*) filter (where direction < 0) as demoted
from grade_moves($orgs, $branches, $lines, $grades, $grade_ranks)
where to_year between year($start::date) and year($end::date)
group by all
order by to_year
