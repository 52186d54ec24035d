-- Competition in the period and scope: distinct contestants and distinct award winners.
with entries as (
    select
        c.employee_id,
        c.award
    from competition_current as c  -- org and line from the roster beside each entry
    where c.date between $start and $end
      and (len($orgs) = 0 or list_contains($orgs, c._roster_org))
      and (len($branches) = 0 or list_contains($branches, c.branch))
      and (len($lines) = 0 or list_contains($lines, coalesce(c._roster_line, c.line)))
)
select
    count(distinct employee_id) as participants,
    count(distinct employee_id) filter (
        where award in ('特等奖', '一等奖', '二等奖', '三等奖', '优秀奖')
    ) as award_winners
from entries
