-- Rejected rows and files; a rejected name cell and the name inside a kept record are blanked.
create table snap.quarantine as
with rows as (
    select * from quarantine
),

final as (
    select
        run_id,
        file,
        row_number,
        column_name,
        rule,
        case when column_name = 'athlete_name' then null else raw_value end as raw_value,
        message,
        case
            when record is not null then json_merge_patch(record, '{"athlete_name": null}')
        end as record
    from rows
)

select * from final order by run_id, file, row_number, column_name
