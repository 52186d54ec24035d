-- The distribution of repeat contestants' change in percentile: counts in 10-point bins
-- centred on multiples of 10 (bin 0 holds changes strictly between -5 and 5).
select
    (round(change / 10) * 10)::integer as bin,
    count(*) as people
from percentile_changes($start, $end, $orgs, $branches, $lines, $min_field)
group by bin
order by bin
