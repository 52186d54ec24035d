-- Headcount without a roster: distinct staff seen in any dataset, at a branch in scope (an estimate).
with seen as (
    select employee_id, branch from training
    union
    select employee_id, branch from competition
    union
    select employee_id, branch from grading
)
select count(distinct employee_id) as headcount
from seen
where len($branches) = 0 or list_contains($branches, branch)
