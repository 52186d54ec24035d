-- The leaderboard: results in the period and scope, optionally narrowed to one competition,
-- event and line (an empty string means all), best percentile first.
select
    rank,
    name,
    branch,
    competition,
    event,
    line,
    score,
    round(percentile, 1) as percentile,
    award,
    employee_id
from competition_results($start, $end, $orgs, $branches, $lines)
where ($competition = '' or competition = $competition)
  and ($event = '' or event = $event)
  and ($line = '' or line = $line)
order by
    percentile desc nulls last,
    score desc,
    rank nulls last,
    competition,
    event,
    employee_id
limit $limit
