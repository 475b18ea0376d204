-- Who each current injury is, for the medical dashboards only: the athlete's name, the
-- clinician's note and the return date the board filters on (never copied to the analyst
-- snapshot). Built once per team instead of every page reading every version of every injury.
-- incremental: by team_id
create or replace table int_injury_names as
select team_id, record_id, athlete_id, athlete_name, notes, return_date
from injuries_latest
