-- Adds this run's valid rows (registered as `staged`) as new versions of their records. A
-- version is the set of rows one file carries for a record key (one row, or an athlete's
-- sessions of one date and activity). A set identical to the record's current one adds nothing,
-- so re-sending a file's content under a new name changes no row; a changed set is a correction
-- and becomes the newest version, with the earlier ones kept. A set's hash is its rows' hashes
-- sorted and joined (sorting a list per group is far cheaper in DuckDB than an ordered
-- string_agg), and only a set of several rows numbers its sessions with a window.
insert into {history} by name
with units as (
    select
        record_key,
        file_order,
        count(*) as unit_rows,
        array_to_string(list_sort(list(row_hash)), ',') as set_hash
    from staged
    group by record_key, file_order
),

current as (
    select
        record_key,
        version,
        array_to_string(list_sort(list(row_hash)), ',') as set_hash
    from {history}
    where record_key in (select record_key from units)
    group by record_key, version
    qualify version = max(version) over (partition by record_key)
),

-- how many of the run's files carry each record: most records are in one, and need no window
keys as (
    select
        record_key,
        count(*) as key_units
    from units
    group by record_key
),

single as (
    select
        units.record_key,
        units.file_order,
        units.unit_rows,
        coalesce(current.version, 0) + 1 as version
    from units
    inner join keys using (record_key)
    left join current using (record_key)
    where keys.key_units = 1 and current.set_hash is distinct from units.set_hash
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
    inner join keys using (record_key)
    left join current using (record_key)
    where keys.key_units > 1
),

changed as (
    select * from single
    union all
    select
        record_key,
        file_order,
        unit_rows,
        base_version
        + row_number() over (partition by record_key order by file_order) as version
    from ordered
    where previous_hash is distinct from set_hash
),

final as (
    select
        staged.* exclude (file_order),
        changed.version,
        1 as session_no
    from staged
    inner join changed using (record_key, file_order)
    where changed.unit_rows = 1
    union all
    select
        staged.* exclude (file_order),
        changed.version,
        row_number() over (
            partition by staged.record_key, changed.version order by staged.source_row
        ) as session_no
    from staged
    inner join changed using (record_key, file_order)
    where changed.unit_rows > 1
)

select * from final
