-- Prevention process measures per team and season (CLINICAL.md v2, prevention: prompt medical
-- attention after significant muscle trauma), over the anterior-thigh contusions the risk model
-- scores: how many were first treated promptly (within `prompt_treatment_hours`, incident time
-- recorded) and before the delay limit (`delay_hours`, a missing incident time counting as the
-- end of that day, as in the model), how many had knee flexion measured at 12-48 h, and the
-- days they cost.
-- incremental: by team_id
create or replace table mo_prevention as
with limits as (
    select
        cast(mo_param('prompt_treatment_hours') as integer) as prompt_hours,
        cast(mo_param('delay_hours') as integer) as delay_hours
),

contusions as (
    select
        inputs.team_id,
        inputs.record_id,
        injuries.season,
        injuries.days_lost,
        inputs.injury_time,
        inputs.first_treatment_at,
        inputs.knee_flexion_deg,
        inputs.knee_flexion_at,
        coalesce(
            inputs.injury_date + inputs.injury_time, inputs.injury_date + interval 1 day
        ) as incident_at
    from int_mo_inputs as inputs
    inner join injuries using (team_id, record_id)
    where inputs.scope = 'quadriceps'
),

timed as (
    select
        *,
        date_diff('minute', incident_at, first_treatment_at) / 60.0 as treated_after_hours,
        date_diff('minute', incident_at, knee_flexion_at) / 60.0 as flexion_after_hours
    from contusions
),

final as (
    select
        timed.team_id,
        timed.season,
        count(*) as contusions,
        count(*) filter (
            where timed.injury_time is not null
            and timed.treated_after_hours <= limits.prompt_hours
        ) as treated_promptly,
        count(*) filter (where timed.treated_after_hours <= limits.delay_hours)
            as treated_before_delay_limit,
        count(*) filter (where timed.first_treatment_at is null) as treatment_time_missing,
        count(*) filter (where timed.injury_time is null) as incident_time_missing,
        count(*) filter (where timed.flexion_after_hours between 12 and 48)
            as flexion_measured_12_48h,
        count(*) filter (where timed.knee_flexion_deg is null) as flexion_missing,
        count(*) filter (
            where timed.knee_flexion_deg is not null and timed.knee_flexion_at is null
        ) as flexion_time_missing,
        cast(sum(timed.days_lost) as integer) as days_lost,
        any_value(limits.prompt_hours) as prompt_hours,
        any_value(limits.delay_hours) as delay_hours
    from timed
    cross join limits
    group by timed.team_id, timed.season
)

select * from final order by team_id, season
