-- Participation by line and year: distinct contestants, and the participation rate =
-- contestants on duty in the line's headcount population / that headcount (so it never
-- exceeds 100%); award winners (any award in $award_names) and award rate = winners /
-- contestants.
-- Every line of the roster shows for every year with a competition, at 0 when nobody took part.
with population as (
    select
        employee_id,
        coalesce(line, '—') as line
    from population($orgs, $branches, $lines)
),
headcount as (
    select
        line,
        count(*) as headcount
    from population
    group by line
),
entries as (
    select
        year,
        employee_id,
        coalesce(line, '—') as line,
        bool_or(list_contains($award_names::varchar[], award)) as won
    from competition_results($start, $end, $orgs, $branches, $lines, $min_field)
    group by all
),
participation as (
    select
        e.year,
        e.line,
        count(*) as participants,
        count(p.employee_id) as participants_on_duty,
        count(*) filter (where e.won) as award_winners
    from entries as e
    left join population as p using (employee_id, line)
    group by all
),
years as (
    select distinct year from entries
),
lines as (
    select line from headcount
    union
    select line from participation
)
select
    y.year,
    l.line,
    coalesce(h.headcount, 0) as headcount,
    coalesce(p.participants, 0) as participants,
    coalesce(p.participants_on_duty, 0) / nullif(h.headcount, 0) as participation_rate,
    coalesce(p.award_winners, 0) as award_winners,
    p.award_winners / nullif(p.participants, 0) as award_rate
from years as y
cross join lines as l
left join headcount as h using (line)
left join participation as p using (year, line)
order by y.year, coalesce(h.headcount, 0) desc, l.line
