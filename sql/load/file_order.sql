-- The order of the run's files (registered as `incoming`): a later file's version of a record
-- is the newer one. Read by the `staged` view.
create or replace temp table load_file_order as
select file::varchar as file, file_order::bigint as file_order from incoming
