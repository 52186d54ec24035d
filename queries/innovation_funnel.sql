-- The stage funnel: projects that reached each stage or a later one.
with projects as (
    select stage from innovation_projects($end, $orgs, $branches, $studio::varchar)
)
select
    s.stage,
    count(p.stage) as projects
from (select unnest([1, 2, 3, 4]) as stage) as s
left join projects as p on p.stage >= s.stage
group by s.stage
order by s.stage
