-- What the latest run rejected ("last night's quarantine"), without a join to run_log: the
-- rows of `quarantine` for the newest run, with when it started.
create table snap.quarantine_last_run as
with last_run as (
    select run_id, started_at from run_log order by started_at desc limit 1
),

final as (
    select
        q.run_id,
        last_run.started_at as run_started_at,
        q.file,
        q.row_number,
        q.column_name,
        q.rule,
        q.raw_value,
        q.message
    from quarantine_shareable as q
    inner join last_run using (run_id)
)

select * from final order by file, row_number, column_name, rule
