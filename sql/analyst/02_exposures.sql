create table snap.exposures as
select team_id, athlete_id, date, period_end, session_id, activity, minutes, season
from stg_exposures
order by team_id, date, athlete_id, activity, session_id, minutes
