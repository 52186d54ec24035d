-- Repeat contestants: each person's change in mean percentile from one year to the next,
-- for the years the period touches; most improved first (person_key: the link to their profile).
select
    person_key(employee_id) as person_key,
    employee_id,
    name,
    branch,
    line,
    from_year,
    to_year,
    round(from_percentile, 1) as from_percentile,
    round(to_percentile, 1) as to_percentile,
    round(change, 1) as change
from percentile_changes($start, $end, $orgs, $branches, $lines, $min_field)
order by change desc, to_year desc, employee_id
limit $limit
