-- Scope macros every query may use; created on each connection (temporary, never stored).
-- An empty list means "all".

-- Staff counted in headcount: on duty (在岗; no status means on duty), in the chosen scope.
create or replace temp macro population(orgs, branches, lines) as table
    select
        employee_id,
        name,
        branch,
        org,
        line,
        position
    from employees
    where coalesce(status, '在岗') = '在岗'
      and (len(orgs) = 0 or list_contains(orgs, org))
      and (len(branches) = 0 or list_contains(branches, branch))
      and (len(lines) = 0 or list_contains(lines, line));

-- Training records in the period and scope: branch as recorded, org and line from the roster.
create or replace temp macro training_records(period_start, period_end, orgs, branches, lines) as table
    select
        t.*,
        r.org,
        r.line
    from training as t
    left join employees as r using (employee_id)
    where t.start_date between period_start and period_end
      and (len(orgs) = 0 or list_contains(orgs, r.org))
      and (len(branches) = 0 or list_contains(branches, t.branch))
      and (len(lines) = 0 or list_contains(lines, r.line));
