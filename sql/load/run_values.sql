-- The values every row a run loads carries (read by the `staged` view, flows/load.py).
create or replace temp table load_run_values as
select $run_id::varchar as run_id, $loaded_at::timestamptz as loaded_at
