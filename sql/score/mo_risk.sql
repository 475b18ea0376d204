-- Analyst relation `mo_risk` (CONTRACT section 4): one row per scored contusion, reminders
-- with due dates and their status on the run day: done, due, overdue (not done by its last
-- day), elapsed (its window has passed and the data cannot show whether it was done), upcoming.
create or replace table mo_risk as
with scores as (
    select
        mo_score.*,
        injuries.side,
        injuries.osiics_code
    from mo_score
    left join stg_injuries as injuries using (team_id, record_id)
),

parsed as (
    select
        * exclude (reasons, missing, reminders),
        from_json(reasons, '["VARCHAR"]') as reasons,
        from_json(missing, '["VARCHAR"]') as missing_fields,
        from_json(
            reminders,
            '[{"rule": "VARCHAR", "text": "VARCHAR", "due_from": "DATE", "due_by": "DATE",
               "done": "BOOLEAN", "source": "VARCHAR"}]'
        ) as reminders
    from scores
),

final as (
    select
        team_id,
        record_id,
        athlete_id,
        injury_date,
        side,
        osiics_code,
        date_diff('day', injury_date, $as_of) as days_since_incident,
        deep_contusion,
        reinjury,
        delayed_treatment,
        knee_effusion,
        collision_sport,
        deep_contusion_points,
        reinjury_points,
        delayed_treatment_points,
        knee_effusion_points,
        collision_sport_points,
        incomplete,
        score,
        points_tier,
        tier,
        tier_max,
        atypical_imaging,
        reasons,
        missing_fields,
        list_transform(
            reminders,
            lambda r: struct_pack(
                rule := r.rule,
                text := r.text,
                due_from := r.due_from,
                due_by := r.due_by,
                source := r.source,
                status := case
                    when r.done then 'done'
                    when r.due_by is not null and r.due_by < $as_of and r.done is null
                        then 'elapsed'
                    when r.due_by is not null and r.due_by < $as_of then 'overdue'
                    when r.due_from <= $as_of then 'due'
                    else 'upcoming'
                end
            )
        ) as reminders,
        model_version,
        scored_run_id
    from parsed
)

select * from final order by team_id, record_id
