-- In the period: one person's training hours beside the hours per head of their branch and of their
-- line, over the whole roster whatever the scope, counted as the training page counts them (hours
-- recorded at the branch, or by staff of the line, over the staff on duty there).
with branch_staff as (
    select count(*) as headcount
    from population([]::varchar[], [$branch::varchar], []::varchar[])
),
line_staff as (
    select count(*) as headcount
    from population([]::varchar[], []::varchar[], [$line::varchar])
)
select
    (
        select coalesce(sum(hours), 0)
        from training
        where employee_id = $employee_id
          and start_date between $start and $end
    ) as person_hours,
    (
        select coalesce(sum(hours), 0)
        from training_records($start, $end, []::varchar[], [$branch::varchar], []::varchar[])
    ) / nullif((select headcount from branch_staff), 0) as branch_hours_per_head,
    (select headcount from branch_staff) as branch_headcount,
    (
        select coalesce(sum(hours), 0)
        from training_records($start, $end, []::varchar[], []::varchar[], [$line::varchar])
    ) / nullif((select headcount from line_staff), 0) as line_hours_per_head,
    (select headcount from line_staff) as line_headcount
