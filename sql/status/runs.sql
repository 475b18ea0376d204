-- The newest runs for `sideline status`.
select run_id, started_at, finished_at, status, step, trigger, files_in, rows_loaded,
    rows_quarantined, message
from run_log
order by started_at desc
limit ?
