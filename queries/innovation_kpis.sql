-- Innovation projects in scope started by the end of the period: active, converted, benefit.
with branch_orgs as (
    select distinct branch, org from employees
),
projects as (
    select
        i.status,
        i.benefit,
        i.funding,
        i.studio
    from innovation as i
    left join branch_orgs as b using (branch)
    where i.start_date <= $end
      and (len($orgs) = 0 or list_contains($orgs, b.org))
      and (len($branches) = 0 or list_contains($branches, i.branch))
)
select
    count(*) filter (where status in ('立项', '研究中')) as active_projects,
    count(*) filter (where status in ('已转化', '推广应用')) as converted_projects,
    coalesce(sum(benefit), 0) as benefit,
    coalesce(sum(funding), 0) as funding,
    count(distinct studio) as studios
from projects
