-- Rows loaded and quarantined per run, oldest first.
select started_at, status, rows_loaded, rows_quarantined, files_in
from run_log
order by started_at
