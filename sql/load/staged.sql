-- The valid staged rows of one table (in the run's staging database, attached as `staging`),
-- shaped as its history table expects them: the view sql/load/upsert.sql reads as `staged`.
-- Record key and row hash are computed here (their expressions and the contract column list
-- are filled in from sideline/staging.py by flows/load.py), and the run's values come from two
-- temporary tables.
create or replace temp view staged as
select
    {{record_key}} as record_key,
    {{row_hash}} as row_hash,
    rows.__id,
    run.run_id,
    rows.__file as source_file,
    rows.__row as source_row,
    run.loaded_at,
    files.file_order,
    {{columns}},
    rows.__extra as extra
from staging.{relation} as rows
inner join load_file_order as files on rows.__file = files.file
cross join load_run_values as run
where rows.__id not in (
    select failed.__id from staging.failed where failed.table_name = '{relation}'
)
