-- Hours per head per branch and month: the heatmap of who trains when.
with headcount as (
    select branch, count(*) as headcount
    from population($orgs, $branches, $lines)
    group by branch
),
monthly as (
    select
        branch,
        date_trunc('month', start_date)::date as month,
        sum(hours) as hours
    from training_records($start, $end, $orgs, $branches, $lines)
    group by all
)
select
    m.branch,
    m.month,
    m.hours / h.headcount as hours_per_head,
    h.headcount
from monthly as m
join headcount as h using (branch)
order by m.branch, m.month
