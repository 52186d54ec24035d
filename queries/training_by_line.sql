-- Per line (tellers, account managers, …): headcount, trained, hours, per head and coverage.
with staff as (
    select
        coalesce(p.line, '—') as line,
        count(*) as headcount,
        count(t.employee_id) as trained
    from population($orgs, $branches, $lines) as p
    left join trained_staff($start, $end) as t using (employee_id)
    group by all
),
hours as (
    select
        coalesce(line, '—') as line,
        sum(hours) as hours
    from training_records($start, $end, $orgs, $branches, $lines)
    group by all
)
select
    s.line,
    s.headcount,
    s.trained,
    coalesce(h.hours, 0) as hours,
    coalesce(h.hours, 0) / s.headcount as hours_per_head,
    s.trained / s.headcount as coverage
from staff as s
left join hours as h using (line)
order by s.headcount desc
