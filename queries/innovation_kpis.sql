-- Innovation projects in scope as of the period's last day:
--   active     started by then, not stopped, and not yet finished then (still 立项/研究中, or its
--              completion or conversion date falls after the period)
--   converted  已转化/推广应用, converted (or, without dates, completed or started) by then
--   benefit, funding, studios: of the projects started by then
-- The org filter asks whether the project's branch belongs to a chosen org (a branch name such
-- as 营业部 can exist in several orgs, so a join would count a project more than once).
with projects as (
    select
        i.status,
        i.benefit,
        i.funding,
        i.studio,
        i.start_date,
        coalesce(i.end_date, i.converted_date) as finished,
        coalesce(i.converted_date, i.end_date, i.start_date) as converted_on
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
    count(*) filter (
        where status <> '中止'
          and (status in ('立项', '研究中') or finished > $end)
    ) as active_projects,
    count(*) filter (
        where status in ('已转化', '推广应用') and converted_on <= $end
    ) as converted_projects,
    coalesce(sum(benefit), 0) as benefit,
    coalesce(sum(funding), 0) as funding,
    count(distinct studio) as studios
from projects
