-- The leaderboard: results in the period and scope, optionally narrowed to one competition,
-- event and line (an empty string means all), best percentile first. A percentile is shown
-- only for a field of at least $min_field entries (competition_results leaves the rest empty);
-- field_size is the whole field's size, whatever the scope; person_key links a row to its profile.
select
    r.rank,
    r.name,
    r.branch,
    r.competition,
    r.event,
    r.line,
    r.score,
    round(r.percentile, 1) as percentile,
    r.award,
    r.field_size,
    r.level,
    r.employee_id,
    person_key(r.employee_id) as person_key
from competition_results($start, $end, $orgs, $branches, $lines, $min_field) as r
where ($competition = '' or r.competition = $competition)
  and ($event = '' or r.event = $event)
  and ($line = '' or coalesce(r.line, '—') = $line)
order by
    percentile desc nulls last,
    r.score desc,
    r.rank nulls last,
    r.competition,
    r.event,
    r.employee_id
limit $limit
