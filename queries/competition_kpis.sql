-- Competition in the period and scope: distinct contestants and distinct award winners.
with roster as (
    select employee_id, org, line from employees
),
entries as (
    select
        c.employee_id,
        c.award
    from competition as c
    left join roster as r using (employee_id)
    where c.date between $start and $end
      and (len($orgs) = 0 or list_contains($orgs, r.org))
      and (len($branches) = 0 or list_contains($branches, c.branch))
      and (len($lines) = 0 or list_contains($lines, coalesce(r.line, c.line)))
)
select
    count(distinct employee_id) as participants,
    count(distinct employee_id) filter (
        where award in ('特等奖', '一等奖', '二等奖', '三等奖', '优秀奖')
    ) as award_winners
from entries
