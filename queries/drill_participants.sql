-- The people behind the competition KPIs (competition_kpis.sql, same entries and scope: branch as recorded,
-- org and line from the roster beside each entry): distinct contestants with results in the period, each
-- with the competitions and entries they took part in and their best award (the KPI's awards, highest
-- first; none: no award), best first. Award winners are those with a best award. Name and position from
-- the roster where it knows them.
with entries as (
    select
        c.employee_id,
        c.name,
        c.branch,
        coalesce(c._roster_line, c.line) as line,
        c.competition,
        c.date,
        list_position(['特等奖', '一等奖', '二等奖', '三等奖', '优秀奖'], c.award) as place
    from competition_current as c
    where c.date between $start and $end
      and (len($orgs) = 0 or list_contains($orgs, c._roster_org))
      and (len($branches) = 0 or list_contains($branches, c.branch))
      and (len($lines) = 0 or list_contains($lines, coalesce(c._roster_line, c.line)))
),
people as (
    select
        employee_id,
        any_value(name) as name,
        mode(branch) as branch,
        mode(line) as line,
        count(distinct (competition, date)) as competitions,
        count(*) as entries,
        min(place) as best_place
    from entries
    group by employee_id
)
select
    person_key(p.employee_id) as person_key,
    coalesce(e.name, p.name) as name,
    p.employee_id,
    p.branch,
    p.line,
    e.position,
    p.competitions,
    p.entries,
    list_extract(['特等奖', '一等奖', '二等奖', '三等奖', '优秀奖'], p.best_place) as best_award
from people as p
left join employees as e using (employee_id)
order by p.best_place nulls last, p.entries desc, p.branch, p.employee_id
