-- The leaderboard: results in the period and scope, optionally narrowed to one competition,
-- event and line (an empty string means all), best percentile first. A percentile is shown
-- only for a field (competition, date and event, every entry whatever the scope) of at least
-- $min_field entries: in a field of two the runner-up reads 0 though both won a first prize.
with fields as (
    select
        competition,
        date,
        event,
        count(*) as field_size
    from competition
    group by all
)
select
    r.rank,
    r.name,
    r.branch,
    r.competition,
    r.event,
    r.line,
    r.score,
    case
        when f.field_size >= $min_field then round(r.percentile, 1)
    end as percentile,
    r.award,
    f.field_size,
    r.level,
    r.employee_id
from competition_results($start, $end, $orgs, $branches, $lines) as r
join fields as f using (competition, date, event)
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
