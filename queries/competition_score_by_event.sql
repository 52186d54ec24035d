-- Score distribution per event in the period and scope: entries, mean, standard deviation,
-- and the five numbers a box plot draws (min, quartiles, median, max).
with results as (
    select
        event,
        score
    from competition_results($start, $end, $orgs, $branches, $lines, $min_field)
    where score is not null
)
select
    event,
    count(*) as entries,
    avg(score) as mean,
    stddev_samp(score) as sd,
    min(score) as min,
    quantile_cont(score, 0.25) as q1,
    quantile_cont(score, 0.5) as median,
    quantile_cont(score, 0.75) as q3,
    max(score) as max
from results
group by event
order by median desc, event
