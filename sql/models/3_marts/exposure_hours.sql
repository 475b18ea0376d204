-- Exposure hours by team, athlete, season and activity.
-- incremental: by team_id
create or replace table exposure_hours as
select
    team_id,
    athlete_id,
    season,
    activity,
    sum(minutes_exact) / 60 as exposure_hours,
    sum(sessions)::bigint as sessions
from int_exposure_months
group by all
order by all
