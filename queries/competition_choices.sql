-- The leaderboard's choices: each competition (latest first) with its level and the events and
-- lines in it, within the period and scope; entries in scope, and the size of the event's
-- whole field (every entry of the competition and event, whatever the scope).
with fields as (
    select
        competition,
        event,
        max(field_size) as field_size
    from (
        select
            competition,
            event,
            count(*) as field_size
        from competition
        group by competition, date, event
    )
    group by all
)
select
    r.competition,
    max(r.date) as date,
    any_value(r.level) as level,
    r.event,
    coalesce(r.line, '—') as line,
    count(*) as entries,
    any_value(f.field_size) as field_size
from competition_results($start, $end, $orgs, $branches, $lines) as r
join fields as f using (competition, event)
group by r.competition, r.event, coalesce(r.line, '—')
order by date desc, r.competition, r.event, line
