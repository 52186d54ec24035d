-- One person with no roster row, by their key: as their latest training, competition or grading
-- record names, places and lines them (org, position and status are the roster's: none).
with seen as (
    select * from people_seen()
),
person as (
    select *
    from seen
    where employee_id = (
        select employee_id
        from (select distinct employee_id from seen)
        where person_key(employee_id) = $key
        limit 1
    )
)
select
    employee_id,
    arg_max(name, date) filter (where name is not null) as name,
    arg_max(branch, date) filter (where branch is not null) as branch,
    null::varchar as org,
    arg_max(line, date) filter (where line is not null) as line,
    null::varchar as position,
    null::varchar as status,
    false as in_roster
from person
group by employee_id
