-- injurytools::prepare_exp columns (person_id, date, time_expo in minutes) and context.
select
    athlete_id as person_id,
    date,
    minutes as time_expo,
    team_id,
    season,
    activity,
    period_end
from exposures
order by team_id, person_id, date, activity
