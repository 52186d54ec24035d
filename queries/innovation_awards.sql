-- Awards by level (highest first) and the patents of the awarded projects.
select
    award_level,
    count(*) as projects,
    coalesce(sum(patents), 0) as patents
from innovation_projects($end, $orgs, $branches, $studio::varchar)
where award_level is not null and award_level <> '无'
group by award_level
order by list_position(['国家级', '省级', '市级', '县级'], award_level)
