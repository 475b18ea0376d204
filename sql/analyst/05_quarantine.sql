-- Rejected rows and files with their reasons. Only what may leave the pipeline database: no
-- rows as read, no names or free text, no cell quoted in a message (quarantine_shareable).
create table snap.quarantine as
with rows as (
    select * from quarantine_shareable
),

final as (
    select
        run_id,
        file,
        row_number,
        column_name,
        rule,
        raw_value,
        message
    from rows
)

select * from final order by run_id, file, row_number, column_name, rule
