-- Current injuries without athlete names (health data stays in the pipeline database).
create table snap.injuries as
with latest as (
    select * from injuries_latest
),

final as (
    select
        team_id,
        record_id,
        athlete_id,
        injury_date,
        injury_time,
        activity,
        sport,
        body_region,
        side,
        tissue,
        osiics_code,
        mechanism,
        contact_source,
        time_loss_start,
        return_date,
        first_treatment_at,
        knee_flexion_deg,
        contusion_grade,
        knee_effusion,
        notes,
        version,
        season_label(injury_date, $season_start_month) as season
    from latest
)

select * from final order by team_id, injury_date, record_id
