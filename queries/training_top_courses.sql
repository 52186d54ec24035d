-- The courses that reached most people in the period and scope.
select
    course,
    mode(category) as category,
    count(distinct start_date) as sessions,
    count(*) as person_times,
    sum(hours) as hours
from training_records($start, $end, $orgs, $branches, $lines)
group by course
order by person_times desc, hours desc, course
limit $limit
