-- Current exposure sessions with their season. The one relation as large as the data: a run
-- copies in the rows of the teams whose data changed, and keeps the rest. Stored in team and
-- date order, so a reader's filter on either skips most of the file; sorting on every column
-- as well made a whole build of 10M rows take 7.7 s instead of 2.7 s.
-- incremental: by team_id
create table snap.exposures as
select team_id, athlete_id, date, period_end, session_id, activity, minutes, season
from stg_exposures
order by team_id, date
