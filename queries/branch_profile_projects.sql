-- One branch's innovation projects: those recorded under the branch and started by the period's end
-- (the portfolio as of then, as on the innovation page), studio by studio, the latest first.
select
    project_id,
    title,
    studio,
    leader,
    category,
    status,
    start_date,
    end_date,
    converted_date,
    members,
    funding,
    benefit,
    award_level
from innovation_projects($end, []::varchar[], [$branch]::varchar[], null::varchar)
order by studio, start_date desc, project_id
