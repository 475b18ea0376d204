-- injurytools::prepare_inj columns (person_id, date_injured, date_recovered, injury) and
-- context. `injury` is built from structured fields only (the OSIICS diagnosis, or region and
-- tissue), never from the clinician's notes, which can hold names.
select
    injuries.athlete_id as person_id,
    injuries.injury_date as date_injured,
    injuries.return_date as date_recovered,
    coalesce(
        diagnosis.description,
        replace(injuries.body_region, '_', ' ') || ' ' || replace(injuries.tissue, '_', ' ')
    ) as injury,
    injuries.team_id,
    injuries.record_id,
    injuries.season,
    injuries.activity,
    injuries.body_region,
    injuries.tissue,
    injuries.osiics_code,
    injuries.mechanism,
    injuries.days_lost,
    injuries.day_count,
    injuries.severity,
    injuries.subsequent_class
from injuries
left join ref_osiics_diagnosis as diagnosis
    on upper(injuries.osiics_code) = diagnosis.osiics_code
order by injuries.team_id, person_id, date_injured, injuries.record_id
