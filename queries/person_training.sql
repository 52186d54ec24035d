-- One person's training records up to the period's end, oldest first, wherever they were recorded.
select
    start_date,
    course,
    coalesce(category, '其他') as category,
    form,
    hours,
    organizer,
    score,
    passed,
    branch
from training
where employee_id = $employee_id
  and start_date <= $end
order by start_date, course
