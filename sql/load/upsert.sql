-- Adds this run's valid rows (registered as `staged`) as new versions of their records. A
-- version is the set of rows one file carries for a record key (one row, or an athlete's
-- sessions of one date and activity). A set identical to the record's current one adds nothing,
-- so re-sending a file's content under a new name changes no row; a changed set is a correction
-- and becomes the newest version, with the earlier ones kept.
insert into {history} by name
with units as (
    select
        record_key,
        file_order,
        string_agg(row_hash, ',' order by row_hash) as set_hash
    from staged
    group by record_key, file_order
),

current as (
    select
        record_key,
        version,
        string_agg(row_hash, ',' order by row_hash) as set_hash
    from {history}
    where record_key in (select record_key from units)
    group by record_key, version
    qualify version = max(version) over (partition by record_key)
),

ordered as (
    select
        units.*,
        coalesce(
            lag(units.set_hash) over (partition by units.record_key order by units.file_order),
            current.set_hash
        ) as previous_hash,
        coalesce(current.version, 0) as base_version
    from units
    left join current using (record_key)
),

changed as (
    select
        record_key,
        file_order,
        base_version
        + row_number() over (partition by record_key order by file_order) as version
    from ordered
    where previous_hash is distinct from set_hash
),

final as (
    select
        staged.* exclude (file_order),
        changed.version,
        row_number() over (
            partition by staged.record_key, changed.version order by staged.source_row
        ) as session_no
    from staged
    inner join changed using (record_key, file_order)
)

select * from final
