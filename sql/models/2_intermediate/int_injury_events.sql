-- One row per injury event: several diagnoses of one event count once for incidence, with
-- the severity (days lost) of the most severe diagnosis.
-- incremental: by team_id
create or replace table int_injury_events as
with diagnoses as (
    select
        stg_injuries.*,
        int_injury_days.days_lost,
        int_injury_days.is_ongoing,
        int_injury_sequence.subsequent_class
    from stg_injuries
    inner join int_injury_days using (team_id, record_id)
    inner join int_injury_sequence using (team_id, record_id)
),

final as (
    select
        event_id,
        any_value(team_id) as team_id,
        any_value(athlete_id) as athlete_id,
        any_value(season) as season,
        min(injury_date) as injury_date,
        max(coalesce(return_date, $as_of)) as end_date,
        -- the activity of the first-recorded diagnosis: all diagnoses of an event share it
        arg_min(activity, record_id) as activity,
        count(*) as diagnoses,
        max(days_lost) as days_lost,
        bool_or(is_ongoing) as is_ongoing,
        bool_or(
            subsequent_class in (
                'exacerbation', 'early_recurrence', 'late_recurrence', 'delayed_recurrence'
            )
        ) as is_reinjury
    from diagnoses
    group by event_id
)

select * from final
