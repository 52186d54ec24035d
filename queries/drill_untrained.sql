-- The people behind "untrained" (headcount - trained): staff on duty in scope with no training at all in
-- the period, wherever recorded, each with their last training before it (none: never trained).
select
    person_key(p.employee_id) as person_key,
    p.name,
    p.employee_id,
    p.branch,
    p.line,
    p.position,
    (
        select max(t.start_date)
        from training as t
        where t.employee_id = p.employee_id
          and t.start_date < $start
    ) as last_training
from population($orgs, $branches, $lines) as p
where p.employee_id not in (select employee_id from trained_staff($start, $end))
order by p.branch, p.employee_id
