-- Per studio: projects by state on the period's last day, conversion rate, members, results per
-- member, money, patents. States as the overview counts them: active = not stopped and still open
-- then; converted = converted by then; completed = finished by then and not (yet) converted.
-- Members are the distinct names or ids listed across its projects (separated by 、,，;； or spaces);
-- results are projects completed or converted; conversion = converted / (completed + converted).
with projects as (
    select
        *,
        status <> '中止'
            and (status in ('立项', '研究中') or coalesce(end_date, converted_date) > $end) as is_active,
        status in ('已转化', '推广应用')
            and coalesce(converted_date, end_date, start_date) <= $end as is_converted,
        status in ('已完成', '已转化', '推广应用')
            and coalesce(end_date, converted_date, start_date) <= $end as is_finished
    from innovation_projects($end, $orgs, $branches, $studio::varchar)
),
members as (
    select
        studio,
        count(distinct member) as members
    from (
        select studio, trim(unnest(string_split_regex(members, '[、,，;；\s]+'))) as member
        from projects
    )
    where member <> ''
    group by studio
)
select
    p.studio,
    count(*) as projects,
    count(*) filter (where p.is_active) as active,
    count(*) filter (where p.is_finished and not p.is_converted) as completed,
    count(*) filter (where p.is_converted) as converted,
    count(*) filter (where p.status = '中止') as stopped,
    count(*) filter (where p.is_converted) / nullif(count(*) filter (where p.is_finished), 0) as conversion_rate,
    coalesce(any_value(m.members), 0) as members,
    count(*) filter (where p.is_finished) / nullif(any_value(m.members), 0) as results_per_member,
    coalesce(sum(p.benefit), 0) as benefit,
    coalesce(sum(p.funding), 0) as funding,
    sum(p.benefit) / nullif(sum(p.funding), 0) as benefit_per_funding,
    coalesce(sum(p.patents), 0) as patents
from projects as p
left join members as m using (studio)
group by p.studio
order by benefit desc, p.studio
