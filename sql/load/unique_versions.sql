-- Rows this run wrote twice under one key (record, version, session): none, or the run stops
-- before it commits. A new version is numbered after the record's newest, so only the run's
-- own rows can collide.
select count(*) - count(distinct (record_key, version, session_no))
from {history}
where run_id = (select run_id from load_run_values)
