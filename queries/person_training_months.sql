-- One person's training hours per month and category up to the period's end.
select
    date_trunc('month', start_date)::date as month,
    coalesce(category, '其他') as category,
    sum(hours) as hours
from training
where employee_id = $employee_id
  and start_date <= $end
group by all
order by month, category
