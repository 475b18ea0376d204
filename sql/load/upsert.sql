-- Adds this run's valid rows (registered as `staged`) as new versions of their records.
-- A row identical to the record's current version adds nothing, so re-sending a file's
-- content under a new name changes no row; a changed row is a correction and becomes the
-- newest version, with the earlier ones kept.
insert into {history} by name
with latest as (
    select record_key, version, row_hash
    from {history}
    qualify row_number() over (partition by record_key order by version desc) = 1
),

ordered as (
    select
        staged.*,
        coalesce(
            lag(staged.row_hash) over (
                partition by staged.record_key order by staged.file_order, staged.source_row
            ),
            latest.row_hash
        ) as previous_hash,
        coalesce(latest.version, 0) as base_version
    from staged
    left join latest using (record_key)
),

changed as (
    select * from ordered
    where previous_hash is distinct from row_hash
),

final as (
    select
        * exclude (file_order, previous_hash, base_version),
        base_version
        + row_number() over (partition by record_key order by file_order, source_row) as version
    from changed
)

select * from final
