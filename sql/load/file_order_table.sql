-- The order of the run's files (a later file's version of a record is the newer one).
create or replace temp table load_file_order (file varchar, file_order bigint)
