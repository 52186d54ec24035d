-- Scope macros every query may use, stored with the schema (store.ensure_schema installs them again
-- whenever this text changes).
-- An empty list means "all".

-- Staff counted in headcount: on duty (在岗; no status means on duty), in the chosen scope.
create or replace macro population(orgs, branches, lines) as table
    select
        employee_id,
        name,
        branch,
        org,
        line,
        position
    from employees
    where coalesce(status, '在岗') = '在岗'
      and (len(orgs) = 0 or list_contains(orgs, org))
      and (len(branches) = 0 or list_contains(branches, branch))
      and (len(lines) = 0 or list_contains(lines, line));

-- Staff with any training in the period, wherever it was recorded (coverage's numerator).
create or replace macro trained_staff(period_start, period_end) as table
    select distinct employee_id
    from training
    where start_date between period_start and period_end;

-- Training records in the period and scope: branch as recorded, org and line from the roster (kept
-- beside each record in training_current as _roster_org and _roster_line: no join with the roster).
create or replace macro training_records(period_start, period_end, orgs, branches, lines) as table
    select
        t.* exclude (_batch_id, _row, _filled, _roster_org, _roster_line),
        t._roster_org as org,
        t._roster_line as line
    from training_current as t
    where t.start_date between period_start and period_end
      and (len(orgs) = 0 or list_contains(orgs, t._roster_org))
      and (len(branches) = 0 or list_contains(branches, t.branch))
      and (len(lines) = 0 or list_contains(lines, t._roster_line));


-- Results in the period and scope, each with its percentile (0-100) within its field: the
-- whole field of its competition and event, computed before the scope narrows it, so a
-- score's percentile does not change with the filters. A field smaller than min_field has no
-- percentile (in a field of two the runner-up reads 0 though both won a first prize); field_size
-- says how big each field is. Branch as recorded (filled from the roster); org and line from the roster.
create or replace macro competition_results(
    period_start, period_end, orgs, branches, lines, min_field
) as table
    with ranked as (
        select
            competition,
            date,
            level,
            event,
            employee_id,
            name,
            branch,
            line as entered_line,
            _roster_org,
            _roster_line,
            score,
            rank,
            award,
            case
                when count(*) over field >= greatest(min_field, 2)
                    then 100 * percent_rank() over (field order by score)
            end as percentile,
            count(*) over field as field_size
        from competition_current
        window field as (partition by competition, date, event)
    )
    select
        k.competition,
        k.date,
        year(k.date) as year,
        k.level,
        k.event,
        k.employee_id,
        k.name,
        k.branch,
        k._roster_org as org,
        coalesce(k._roster_line, k.entered_line) as line,
        k.score,
        k.rank,
        k.award,
        k.percentile,
        k.field_size
    from ranked as k
    where k.date between period_start and period_end
      and (len(orgs) = 0 or list_contains(orgs, k._roster_org))
      and (len(branches) = 0 or list_contains(branches, k.branch))
      and (len(lines) = 0 or list_contains(lines, coalesce(k._roster_line, k.entered_line)));

-- Repeat contestants: each person's mean percentile over their events in a calendar year,
-- and its change from the year before, for every year the period touches (the year before
-- may lie before the period: "this year" compares with last year). Fields smaller than min_field
-- have no percentile, so they do not count, as on the leaderboard.
create or replace macro percentile_changes(
    period_start, period_end, orgs, branches, lines, min_field
) as table
    with yearly as (
        select
            employee_id,
            year,
            any_value(name) as name,
            mode(branch) as branch,
            mode(line) as line,
            avg(percentile) as percentile,
            count(percentile) as events
        from competition_results(
            make_date(year(period_start::date) - 1, 1, 1),
            period_end, orgs, branches, lines, min_field
        )
        where percentile is not null
        group by employee_id, year
    )
    select
        later.employee_id,
        later.name,
        later.branch,
        later.line,
        earlier.year as from_year,
        later.year as to_year,
        earlier.percentile as from_percentile,
        later.percentile as to_percentile,
        later.percentile - earlier.percentile as change
    from yearly as later
    join yearly as earlier
        on earlier.employee_id = later.employee_id
       and earlier.year = later.year - 1
    where later.year >= year(period_start::date);


-- Every grading row in scope with its grade's rank in its scale (1 = lowest) and its place in
-- the configured order of all grades ($grades and $grade_ranks pair up, lowest first per scale).
-- Branch as recorded (filled from the roster); org and line from the roster.
create or replace macro grading_records(orgs, branches, lines, grades, grade_ranks) as table
    select
        g.year,
        g.employee_id,
        g.name,
        g.branch,
        g._roster_org as org,
        coalesce(g._roster_line, g.line) as line,
        g.grade,
        list_extract(grade_ranks, list_position(grades, g.grade)) as grade_rank,
        list_position(grades, g.grade) as grade_order
    from grading_current as g
    where (len(orgs) = 0 or list_contains(orgs, g._roster_org))
      and (len(branches) = 0 or list_contains(branches, g.branch))
      and (len(lines) = 0 or list_contains(lines, coalesce(g._roster_line, g.line)));

-- Grade movements of staff graded in two consecutive years: scope is that of the later year's
-- row (last year's row is the same person's, wherever they were then); direction compares the
-- grades' ranks: 1 promoted, 0 unchanged, -1 demoted.
create or replace macro grade_moves(orgs, branches, lines, grades, grade_ranks) as table
    select
        earlier.year as from_year,
        later.year as to_year,
        later.employee_id,
        later.branch,
        later.line,
        earlier.grade as from_grade,
        later.grade as to_grade,
        earlier.grade_order as from_order,
        later.grade_order as to_order,
        sign(later.grade_rank - earlier.grade_rank) as direction
    from grading_records(orgs, branches, lines, grades, grade_ranks) as later
    join grading_records(
        []::varchar[], []::varchar[], []::varchar[], grades, grade_ranks
    ) as earlier
        on earlier.employee_id = later.employee_id
       and earlier.year = later.year - 1;

-- Innovation projects in scope started by the period's end, each with the furthest funnel
-- stage it reached: 1 立项, 2 研究中, 3 已完成, 4 已转化/推广应用. A later stage counts as having
-- passed every earlier one, so a project that skipped 研究中 still counts there. A 中止 project
-- reached 已完成 if it has a completion date, else only 立项. studio_ null means every studio.
create or replace macro innovation_projects(period_end, orgs, branches, studio_) as table
    select
        i.*,
        case
            when i.status in ('已转化', '推广应用') then 4
            when i.status = '已完成' then 3
            when i.status = '研究中' then 2
            when i.status = '中止' and i.end_date is not null then 3
            else 1
        end as stage
    from innovation as i
    where i.start_date <= period_end
      and (studio_ is null or i.studio = studio_)
      and (len(branches) = 0 or list_contains(branches, i.branch))
      and (
          len(orgs) = 0
          or exists (
              select 1
              from employees as e
              where e.branch = i.branch
                and list_contains(orgs, e.org)
          )
      );

-- The key a link or a list names a person by: opaque (a hash of the employee id with this store's secret),
-- so a shared link or a masked table never shows an id. Stable for the life of the store.
create or replace macro person_key(id) as
    left(sha256(coalesce((select value from meta where key = 'privacy_salt'), '') || ':' || id), 12);

-- Every record naming a person by id, with its name, branch, line (training records carry none) and date (a
-- grading year reads as its last day): how people with no roster row are found and placed (their latest record).
create or replace macro people_seen() as table
    select employee_id, name, branch, null::varchar as line, start_date as date
    from training_current
    union all
    select employee_id, name, branch, line, date
    from competition_current
    union all
    select employee_id, name, branch, line, make_date(year, 12, 31)
    from grading_current;
