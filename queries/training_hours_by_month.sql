-- Training hours and person-times per month and category, in the period and scope.
select
    date_trunc('month', start_date)::date as month,
    coalesce(category, '其他') as category,
    sum(hours) as hours,
    count(*) as person_times
from training_records($start, $end, $orgs, $branches, $lines)
group by all
order by month, category
