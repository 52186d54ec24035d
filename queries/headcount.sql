-- Headcount: staff in scope whose status counts (在岗; no status means on duty).
-- Without a roster: distinct staff seen in any dataset in scope, flagged as an estimate.
with scoped_roster as (
    select employee_id
    from employees
    where coalesce(status, '在岗') = '在岗'
      and (len($orgs) = 0 or list_contains($orgs, org))
      and (len($branches) = 0 or list_contains($branches, branch))
      and (len($lines) = 0 or list_contains($lines, line))
),
seen as (
    select employee_id, branch from training
    union
    select employee_id, branch from competition
    union
    select employee_id, branch from grading
)
select
    (select count(*) from employees) = 0 as is_estimate,
    case
        when (select count(*) from employees) > 0 then (select count(*) from scoped_roster)
        else (
            select count(distinct employee_id)
            from seen
            where len($branches) = 0 or list_contains($branches, branch)
        )
    end as headcount
