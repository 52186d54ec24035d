-- Staff on duty in scope with no training at all in the period (person_key: the link to their profile).
select
    person_key(p.employee_id) as person_key,
    p.employee_id,
    p.name,
    p.branch,
    p.line,
    p.position
from population($orgs, $branches, $lines) as p
where not exists (
    select 1
    from training as t
    where t.employee_id = p.employee_id
      and t.start_date between $start and $end
)
order by p.branch, p.employee_id
