-- What the data lacks, one row per finding: athletes with injuries but no exposure, injuries
-- outside any exposure period of their athlete, open injuries older than the setting, fields
-- the myositis ossificans risk model needs, and OSIICS codes not in the reference tables.
-- incremental: by team_id
create or replace table data_completeness as
with injuries as (
    select * from stg_injuries
),

spans as (
    select
        team_id,
        athlete_id,
        min(first_day) as first_day,
        max(last_day) as last_day
    from int_exposure_months
    group by all
),

-- the contusions the risk model scores, in its own scope (int_mo_inputs)
contusions as (
    select injuries.*
    from injuries
    inner join int_mo_inputs as scored using (team_id, record_id)
    where scored.scope = 'quadriceps'
),

findings as (
    select
        injuries.team_id, injuries.athlete_id, injuries.record_id,
        'injury_without_exposure' as check_name,
        'the athlete has no exposure rows' as detail
    from injuries
    left join spans using (team_id, athlete_id)
    where spans.athlete_id is null

    union all
    select
        injuries.team_id, injuries.athlete_id, injuries.record_id,
        'injury_outside_exposure_period',
        'injury on ' || injuries.injury_date || ', exposures from ' || spans.first_day
        || ' to ' || spans.last_day
    from injuries
    inner join spans using (team_id, athlete_id)
    where injuries.injury_date < spans.first_day or injuries.injury_date > spans.last_day

    union all
    select
        team_id, athlete_id, record_id,
        'return_date_missing',
        'no return date ' || date_diff('day', injury_date, $as_of) || ' days after the injury'
    from injuries
    where return_date is null and days_missed is null
        and date_diff('day', injury_date, $as_of) > $open_injury_days

    union all
    select team_id, athlete_id, record_id, 'risk_field_missing',
        'knee flexion within ' || cast(mo_param('flexion_grading_days') as integer)
        || ' days (or a contusion grade) not recorded'
    from contusions
    where knee_flexion_deg is null and coalesce(contusion_grade, 'unknown') = 'unknown'

    union all
    select team_id, athlete_id, record_id, 'risk_field_missing',
        'time of first treatment not recorded'
    from contusions
    where first_treatment_at is null

    union all
    select team_id, athlete_id, record_id, 'risk_field_missing', 'knee effusion not recorded'
    from contusions
    where knee_effusion is null

    union all
    select team_id, athlete_id, record_id, 'risk_field_missing', 'sport not recorded'
    from contusions
    where sport is null or sport = 'unknown'

    union all
    select
        injuries.team_id, injuries.athlete_id, injuries.record_id,
        'osiics_code_unknown',
        'OSIICS code ' || injuries.osiics_code || ' is not in the reference tables'
    from injuries
    left join ref_osiics_diagnosis as codes on upper(injuries.osiics_code) = codes.osiics_code
    where injuries.osiics_code is not null and codes.osiics_code is null
)

select * from findings order by all
