-- The newest quarantined rows and files, with their reasons, as they may be shown beyond the
-- medical team (no names, no free text, no cell quoted).
select q.run_id, q.file, q.row_number, q.column_name, q.rule, q.raw_value, q.message
from quarantine_shareable as q
inner join run_log using (run_id)
order by run_log.started_at desc, q.file, q.row_number, q.column_name
limit 300
