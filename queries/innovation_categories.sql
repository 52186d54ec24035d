-- Projects and converted results by innovation category.
select
    coalesce(category, '其他') as category,
    count(*) as projects,
    count(*) filter (where status in ('已转化', '推广应用')) as converted
from innovation_projects($end, $orgs, $branches, $studio::varchar)
group by all
order by projects desc, category
