-- Analyst relation `injuries`: one current row per diagnosis, without names, with days lost,
-- severity and the subsequent-injury class (CONTRACT section 4).
-- incremental: by team_id
create or replace table injuries as
with injuries as (
    select * from stg_injuries
),

final as (
    select
        injuries.team_id,
        injuries.record_id,
        injuries.athlete_id,
        injuries.injury_date,
        injuries.injury_time,
        injuries.activity,
        injuries.sport,
        injuries.body_region,
        injuries.side,
        injuries.tissue,
        injuries.osiics_code,
        injuries.mechanism,
        injuries.contact_source,
        injuries.time_loss_start,
        injuries.return_date,
        injuries.first_treatment_at,
        injuries.knee_flexion_deg,
        injuries.contusion_grade,
        injuries.knee_effusion,
        injuries.notes,
        injuries.days_missed,
        days.days_lost,
        days.is_ongoing,
        days.severity,
        days.day_count,
        sequence.subsequent_class,
        sequence.previous_record_id,
        sequence.index_record_id,
        sequence.days_to_recurrence,
        injuries.event_id,
        injuries.season,
        injuries.is_filled_from_code,
        injuries.version
    from injuries
    inner join int_injury_days as days using (team_id, record_id)
    inner join int_injury_sequence as sequence using (team_id, record_id)
)

select * from final order by team_id, injury_date, record_id
