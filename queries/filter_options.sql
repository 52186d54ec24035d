-- The org, branch and line choices the sidebar offers: the roster's, and any branch seen in records.
select distinct 'org' as kind, org as value from employees where org is not null
union
select distinct 'branch' as kind, branch as value from employees where branch is not null
union
select distinct 'branch' as kind, branch as value from training where branch is not null
union
select distinct 'branch' as kind, branch as value from competition where branch is not null
union
select distinct 'line' as kind, line as value from employees where line is not null
order by kind, value
