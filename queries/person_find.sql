-- People whose name or employee id holds $text (any case): the roster's staff, and anyone seen in the
-- training, competition or grading records with no roster row (named, placed and lined as their latest
-- record has them; innovation names people by name only, with no id to tell them by). Exact matches
-- first, then the roster's, then by name and branch; at most $limit. Namesakes differ by branch and line.
with wanted as (
    select lower(trim($text::varchar)) as text
),
roster as (
    select
        e.employee_id,
        e.name,
        e.branch,
        e.line,
        e.status,
        true as in_roster
    from employees as e, wanted as w
    where w.text <> ''
      and (contains(lower(e.name), w.text) or contains(lower(e.employee_id), w.text))
),
seen as (
    select * from people_seen()
),
unrostered_ids as (
    select distinct s.employee_id
    from seen as s, wanted as w
    where w.text <> ''
      and (contains(lower(s.name), w.text) or contains(lower(s.employee_id), w.text))
      and s.employee_id not in (select employee_id from employees)
),
unrostered as (
    select
        s.employee_id,
        arg_max(s.name, s.date) filter (where s.name is not null) as name,
        arg_max(s.branch, s.date) filter (where s.branch is not null) as branch,
        arg_max(s.line, s.date) filter (where s.line is not null) as line,
        null::varchar as status,
        false as in_roster
    from seen as s
    where s.employee_id in (select employee_id from unrostered_ids)
    group by s.employee_id
),
found as (
    select * from roster
    union all
    select * from unrostered
)
select
    person_key(f.employee_id) as person_key,
    f.name,
    f.employee_id,
    f.branch,
    f.line,
    f.status,
    f.in_roster
from found as f, wanted as w
order by
    (lower(f.name) = w.text or lower(f.employee_id) = w.text) desc,
    f.in_roster desc,
    f.name,
    f.branch,
    f.employee_id
limit $limit
