-- Every studio in the store, sorted: the fixed list its colours come from (not the filtered data).
select distinct
    studio
from innovation
where studio is not null
order by studio
