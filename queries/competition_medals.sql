-- Branch medal table: per branch with entries in the period and scope, the results at each
-- award ($award_names and $award_points pair up) and the points they earn; every branch gets
-- a row per award (0 when none). Ordered by the branch's total points, most first.
with entries as (
    select
        coalesce(branch, '—') as branch,
        award
    from competition_results($start, $end, $orgs, $branches, $lines, $min_field)
),
awards as (
    select
        unnest($award_names::varchar[]) as award,
        unnest($award_points::double[]) as points_each,
        unnest(range(1, len($award_names::varchar[]) + 1)) as award_order
),
branches as (
    select distinct branch from entries
),
medals as (
    select
        b.branch,
        a.award,
        a.award_order,
        count(e.award) as medals,
        count(e.award) * any_value(a.points_each) as points
    from branches as b
    cross join awards as a
    left join entries as e
        on e.branch = b.branch
       and e.award = a.award
    group by all
)
select
    branch,
    award,
    medals,
    points,
    sum(points) over (partition by branch) as branch_points,
    sum(medals) over (partition by branch) as branch_medals
from medals
order by branch_points desc, branch_medals desc, branch, award_order
