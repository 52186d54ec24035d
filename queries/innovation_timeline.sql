-- The most recent projects as bars from start to their last known date (conversion, completion,
-- or the data's as-of date while still running).
select
    title,
    studio,
    status,
    start_date,
    coalesce(converted_date, end_date, $as_of::date) as finish
from innovation_projects($end, $orgs, $branches, $studio::varchar)
order by start_date desc, title
limit $limit
