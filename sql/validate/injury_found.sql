-- The reference rule as a join: for each staged imaging row, whether the injury it follows up
-- exists, stored or staged valid by this run. An exam that names no injury passes; the rule is
-- about the ones that name a missing one. Run with the staging database attached as `staging`,
-- after the injuries' failures are recorded in `staging.failed`.
update staging.imaging as exams
set injury_found = exams.injury_record_id is null
    or exists (
        select 1
        from injuries_latest as stored
        where stored.team_id = exams.team_id and stored.record_id = exams.injury_record_id
    )
    or exists (
        select 1
        from staging.injuries as run
        where
            run.team_id = exams.team_id
            and run.record_id = exams.injury_record_id
            and run.__id not in (
                select failed.__id from staging.failed where failed.table_name = 'injuries'
            )
    )
