-- One person by their key (person_key of the employee id), as the roster has them.
select
    employee_id,
    name,
    branch,
    org,
    line,
    position,
    status,
    true as in_roster
from employees
where person_key(employee_id) = $key
