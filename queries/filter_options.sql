-- The sidebar's choices: orgs, lines, and branches with the org each belongs to (parent), so
-- the branch list can follow the chosen orgs. Branches seen only in records have no parent.
select distinct 'org' as kind, org as value, null as parent from employees where org is not null
union
select distinct 'branch' as kind, branch as value, org as parent from employees where branch is not null
union
select distinct 'branch' as kind, branch as value, null as parent from training
where branch is not null and branch not in (select branch from employees where branch is not null)
union
select distinct 'branch' as kind, branch as value, null as parent from competition
where branch is not null and branch not in (select branch from employees where branch is not null)
union
select distinct 'line' as kind, line as value, null as parent from employees where line is not null
order by kind, value
