-- Innovation projects started by the period's end in which one person is the leader or a member. The
-- leader column holds a name (or an id); members hold ids or names separated by 、,，;； or spaces. An
-- id names the person wherever the project is; a name only in a project of their own branch (or with
-- no branch), so a namesake elsewhere is someone else: as the branch profile counts a person's projects.
with projects as (
    select *
    from innovation_projects($end, []::varchar[], []::varchar[], null::varchar)
),
members as (
    select
        project_id,
        branch,
        trim(unnest(string_split_regex(coalesce(members, ''), '[、,，;；\s]+'))) as member
    from projects
),
led as (
    select project_id
    from projects
    where trim(leader) = $employee_id::varchar
       or trim(leader) = $name::varchar and coalesce(branch, $branch::varchar) = $branch::varchar
),
joined as (
    select project_id
    from members
    where member = $employee_id::varchar
       or member = $name::varchar and coalesce(branch, $branch::varchar) = $branch::varchar
)
select
    p.project_id,
    p.title,
    p.studio,
    case when p.project_id in (select project_id from led) then 'leader' else 'member' end as role,
    p.leader,
    p.status,
    p.stage,
    p.category,
    p.start_date,
    p.end_date,
    p.converted_date,
    p.branch,
    p.award_level,
    p.benefit,
    p.patents
from projects as p
where p.project_id in (select project_id from led)
   or p.project_id in (select project_id from joined)
order by p.start_date desc, p.title
