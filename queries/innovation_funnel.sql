-- The stage funnel: projects that reached each stage or a later one by the period's last day, as the studio
-- table counts them then: converted = converted by then, finished = completed (or converted) by then; a project
-- finished or converted later was still in research then. A stopped project (中止) with an end date counts as
-- having passed research once it ended; without one, it stays at 立项.
with projects as (
    select
        case
            when status in ('已转化', '推广应用') and coalesce(converted_date, end_date, start_date) <= $end then 4
            when status in ('已完成', '已转化', '推广应用') and coalesce(end_date, converted_date, start_date) <= $end then 3
            when status = '中止' and end_date <= $end then 3
            when status in ('研究中', '已完成', '已转化', '推广应用') or status = '中止' and end_date is not null then 2
            else 1
        end as stage
    from innovation_projects($end, $orgs, $branches, $studio::varchar)
)
select
    s.stage,
    count(p.stage) as projects
from (select unnest([1, 2, 3, 4]) as stage) as s
left join projects as p on p.stage >= s.stage
group by s.stage
order by s.stage
