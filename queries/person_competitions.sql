-- One person's competition results up to the period's end, latest first, each with its percentile
-- within the whole field of its competition and event as the leaderboard has it (competition_results;
-- none in a field smaller than $min_field).
select
    r.competition,
    r.date,
    r.level,
    r.event,
    r.score,
    r.rank,
    r.award,
    round(r.percentile, 1) as percentile,
    r.field_size,
    r.branch,
    r.line
from competition_results(
    date '1900-01-01', $end, []::varchar[], []::varchar[], []::varchar[], $min_field
) as r
where r.employee_id = $employee_id
order by r.date desc, r.competition, r.event
