-- Headcount: staff in scope whose status counts (在岗; no status means on duty), and how many staff
-- the roster holds at all (none: the measure asks headcount_estimate instead).
select
    (select count(*) from employees) as roster_size,
    count(*) as headcount
from employees
where coalesce(status, '在岗') = '在岗'
  and (len($orgs) = 0 or list_contains($orgs, org))
  and (len($branches) = 0 or list_contains($branches, branch))
  and (len($lines) = 0 or list_contains($lines, line))
