-- injurytools::prepare_inj columns (person_id, date_injured, date_recovered) and context.
select
    athlete_id as person_id,
    injury_date as date_injured,
    return_date as date_recovered,
    team_id,
    record_id,
    season,
    activity,
    body_region,
    tissue,
    mechanism,
    days_lost,
    day_count,
    severity,
    subsequent_class
from injuries
order by team_id, person_id, date_injured, record_id
