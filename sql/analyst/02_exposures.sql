-- Current exposure sessions with their season. The one relation as large as the data: a run
-- copies in the rows of the teams whose data changed, and keeps the rest.
-- incremental: by team_id
create table snap.exposures as
select team_id, athlete_id, date, period_end, session_id, activity, minutes, season
from stg_exposures
order by team_id, date, athlete_id, activity, session_id, minutes
