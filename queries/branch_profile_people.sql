-- One branch's people: every person on duty in the branch (within the org and line scope), with
--   hours            training hours in the period, wherever recorded
--   last_training    the latest training date up to the period's end (before the period too)
--   best_award       the highest award in the period by medal points ($point_awards / $point_values)
--   best_percentile  the best percentile in the period (0-100, within the whole field of its competition
--                    and event; fields smaller than $min_field have none, as on the leaderboard)
--   grade            the grade of the latest year graded (grade_year)
--   projects         innovation projects started by the period's end that the person leads or is a member
--                    of: by employee id anywhere; by name only in the branch's own projects or projects
--                    with no branch, so a namesake elsewhere is not counted
--   target           the annual target of the person's line ($target_lines / $target_hours, else
--                    $target_default) scaled to the period's length ($period_share)
with people as (
    select employee_id, name, line, position
    from population($orgs, [$branch]::varchar[], $lines)
),
trained as (
    select
        employee_id,
        sum(hours) filter (where start_date >= $start) as hours,
        max(start_date) as last_training
    from training
    where start_date <= $end
      and employee_id in (select employee_id from people)
    group by employee_id
),
contests as (
    select
        employee_id,
        max(percentile) as best_percentile,
        arg_max(award, points) filter (where points > 0) as best_award
    from (
        select
            employee_id,
            award,
            percentile,
            coalesce(list_extract($point_values::double[], list_position($point_awards::varchar[], award)), 0)
                as points
        from competition_results($start, $end, []::varchar[], []::varchar[], []::varchar[], $min_field)
        where employee_id in (select employee_id from people)
    )
    group by employee_id
),
grades as (
    select employee_id, arg_max(grade, year) as grade, max(year) as grade_year
    from grading
    where employee_id in (select employee_id from people)
      and year <= year($end::date)  -- as of the period's end, as the person's own grade history
    group by employee_id
),
projects as (
    select
        branch,
        leader,
        list_filter(
            list_transform(string_split_regex(coalesce(members, ''), '[、,，;；\s]+'), lambda m: trim(m)), lambda m: m <> ''
        ) as listed
    from innovation_projects($end, []::varchar[], []::varchar[], null::varchar)
),
involved as (
    select p.employee_id, count(*) as projects
    from people as p
    join projects as i
        on i.leader = p.employee_id
        or list_contains(i.listed, p.employee_id)
        or ((i.leader = p.name or list_contains(i.listed, p.name)) and coalesce(i.branch, $branch) = $branch)
    group by p.employee_id
)
select
    person_key(p.employee_id) as person_key,
    p.name,
    p.employee_id,
    p.line,
    p.position,
    coalesce(t.hours, 0) as hours,
    t.last_training,
    c.best_award,
    c.best_percentile,
    g.grade,
    g.grade_year,
    coalesce(v.projects, 0) as projects,
    coalesce(
        list_extract($target_hours::double[], list_position($target_lines::varchar[], p.line)), $target_default
    ) * $period_share as target,
    coalesce(t.hours, 0) < coalesce(
        list_extract($target_hours::double[], list_position($target_lines::varchar[], p.line)), $target_default
    ) * $period_share as below_target
from people as p
left join trained as t using (employee_id)
left join contests as c using (employee_id)
left join grades as g using (employee_id)
left join involved as v using (employee_id)
order by hours desc, p.employee_id
