-- The leaderboard's choices: each competition (latest first) with its level and the events and
-- lines in it, within the period and scope; entries in scope, and the size of the event's
-- whole field (every entry of the competition and event, whatever the scope).
select
    r.competition,
    max(r.date) as date,
    any_value(r.level) as level,
    r.event,
    coalesce(r.line, '—') as line,
    count(*) as entries,
    max(r.field_size) as field_size
from competition_results($start, $end, $orgs, $branches, $lines, $min_field) as r
group by r.competition, r.event, coalesce(r.line, '—')
order by date desc, r.competition, r.event, line
