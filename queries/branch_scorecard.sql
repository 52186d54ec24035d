-- The branch scorecard: per branch with staff on duty in scope, four measures for the period and
-- their percentile ranks among branches; the talent development index is their weighted mean.
--   hours per head        training hours recorded at the branch / headcount
--   coverage              headcount with any training in the period / headcount
--   competition points    medal points (bound $point_awards / $point_values) per 100 headcount
--   innovation results    projects of the branch completed or converted in the period per 100 headcount
with population as (
    select * from population($orgs, $branches, $lines)
),
headcount as (
    select branch, count(*) as headcount
    from population
    group by branch
),
trained as (
    select
        p.branch,
        count(*) as trained
    from population as p
    where exists (
        select 1
        from training as t
        where t.employee_id = p.employee_id
          and t.start_date between $start and $end
    )
    group by p.branch
),
hours as (
    select branch, sum(hours) as hours
    from training_records($start, $end, $orgs, $branches, $lines)
    group by branch
),
points as (
    select
        c.branch,
        sum(coalesce(
            list_extract($point_values::double[], list_position($point_awards::varchar[], c.award)), 0
        )) as points
    from competition_current as c
    where c.date between $start and $end
      and (len($orgs) = 0 or list_contains($orgs, c._roster_org))
      and (len($lines) = 0 or list_contains($lines, coalesce(c._roster_line, c.line)))
    group by c.branch
),
results as (
    select branch, count(*) as results
    from innovation
    where status in ('已完成', '已转化', '推广应用')
      and coalesce(end_date, converted_date) between $start and $end
    group by branch
),
measures as (
    select
        h.branch,
        h.headcount,
        coalesce(hr.hours, 0) / h.headcount as hours_per_head,
        coalesce(tr.trained, 0) / h.headcount as coverage,
        coalesce(pt.points, 0) * 100 / h.headcount as points_per_100,
        coalesce(rs.results, 0) * 100 / h.headcount as results_per_100
    from headcount as h
    left join hours as hr using (branch)
    left join trained as tr using (branch)
    left join points as pt using (branch)
    left join results as rs using (branch)
),
ranked as (
    select
        *,
        percent_rank() over (order by hours_per_head) as hours_rank,
        percent_rank() over (order by coverage) as coverage_rank,
        percent_rank() over (order by points_per_100) as points_rank,
        percent_rank() over (order by results_per_100) as results_rank
    from measures
)
select
    *,
    100 * (
        $w_hours * hours_rank
        + $w_coverage * coverage_rank
        + $w_points * points_rank
        + $w_results * results_rank
    ) / ($w_hours + $w_coverage + $w_points + $w_results) as talent_index
from ranked
order by talent_index desc, branch
