-- Adds this run's valid rows (registered as `staged`) as new versions of their records. A
-- version is the set of rows one file carries for a record key (one row, or an athlete's
-- sessions of one date and activity). A set identical to the record's current one adds nothing,
-- so re-sending a file's content under a new name changes no row; a changed set is a correction
-- and becomes the newest version, with the earlier ones kept. A set's hash is the sorted list of
-- its rows' hashes.
--
-- Most records come in one row of the run: its set is that row, and it is found again by its
-- staged id, an integer. Only the others (sessions of a day, a record in several files of the
-- run) are grouped by file and numbered with windows: at 10M rows, grouping and joining every
-- row by its text key was most of the load. A row's hash (an md5 of every column) is computed
-- where the row is written, and compared with the current version's there: hashing the rows
-- once more to group them was a third of the statement.
insert into {history} by name
with keys as (
    select
        record_key,
        count(*) as key_rows,
        min(__id) as first_id
    from staged
    group by record_key
),

current as (
    select
        record_key,
        version,
        list_sort(list(row_hash)) as set_hash
    from {history}
    where record_key in (select record_key from keys)
    group by record_key, version
    qualify version = max(version) over (partition by record_key)
),

single as (
    select
        keys.first_id,
        coalesce(current.version, 0) + 1 as version,
        current.set_hash as current_hash
    from keys
    left join current using (record_key)
    where keys.key_rows = 1
),

units as (
    select
        record_key,
        file_order,
        list_sort(list(row_hash)) as set_hash
    from staged
    where record_key in (select record_key from keys where key_rows > 1)
    group by record_key, file_order
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
        staged.* exclude (file_order, __id),
        single.version,
        1 as session_no
    from staged
    inner join single on staged.__id = single.first_id
    where single.current_hash is distinct from [staged.row_hash]
    union all
    select
        staged.* exclude (file_order, __id),
        changed.version,
        row_number() over (
            partition by staged.record_key, changed.version order by staged.source_row
        ) as session_no
    from staged
    inner join changed using (record_key, file_order)
)

select * from final
