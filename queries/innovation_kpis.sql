-- Innovation projects in scope started by the end of the period: active, converted, benefit.
-- The org filter asks whether the project's branch belongs to a chosen org (a branch name such
-- as 营业部 can exist in several orgs, so a join would count a project more than once).
with projects as (
    select
        i.status,
        i.benefit,
        i.funding,
        i.studio
    from innovation as i
    where i.start_date <= $end
      and (len($branches) = 0 or list_contains($branches, i.branch))
      and (
          len($orgs) = 0
          or exists (
              select 1
              from employees as e
              where e.branch = i.branch
                and list_contains($orgs, e.org)
          )
      )
)
select
    count(*) filter (where status in ('立项', '研究中')) as active_projects,
    count(*) filter (where status in ('已转化', '推广应用')) as converted_projects,
    coalesce(sum(benefit), 0) as benefit,
    coalesce(sum(funding), 0) as funding,
    count(distinct studio) as studios
from projects
