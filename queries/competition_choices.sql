-- The leaderboard's choices: each competition (latest first) with the events and lines in it,
-- within the period and scope.
select
    competition,
    max(date) as date,
    event,
    coalesce(line, '—') as line,
    count(*) as entries
from competition_results($start, $end, $orgs, $branches, $lines)
group by all
order by date desc, competition, event, line
