-- Analyst relation `mo_risk` (CONTRACT section 4): one row per contusion in the model's scope,
-- with each reminder's status on the run day (CLINICAL.md v2, reminders):
-- - done: the data show it done;
-- - upcoming: not yet due;
-- - missed: its window closed and the data do not show it done (on the board for
--   `$missed_shown` days after closing, then only here and on the completeness page);
-- - elapsed: its window closed and the data cannot show whether it was done;
-- - overdue: past its last day, not done, still possible (imaging-triggered ones never close
--   by time alone);
-- - due: within its window.
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
            '[{"rule": "VARCHAR", "kind": "VARCHAR", "text": "VARCHAR", "trigger_on": "DATE",
               "due_from": "DATE", "due_by": "DATE", "closes_on": "DATE", "done": "BOOLEAN",
               "source": "VARCHAR"}]'
        ) as reminders
    from scores
),

with_status as (
    select
        * exclude (reminders),
        list_transform(
            reminders,
            lambda r: struct_pack(
                rule := r.rule,
                kind := r.kind,
                text := r.text,
                trigger_on := r.trigger_on,
                due_from := r.due_from,
                due_by := r.due_by,
                closes_on := r.closes_on,
                source := r.source,
                status := case
                    when r.done then 'done'
                    when r.due_from > $as_of then 'upcoming'
                    when r.closes_on < $as_of and r.done is null then 'elapsed'
                    when r.closes_on < $as_of then 'missed'
                    when r.due_by < $as_of and r.done is not null then 'overdue'
                    else 'due'
                end
            )
        ) as reminders
    from parsed
),

final as (
    select
        team_id,
        record_id,
        athlete_id,
        injury_date,
        side,
        osiics_code,
        scope,
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
        tier_on,
        suspected_on,
        atypical_imaging,
        atypical_on,
        reasons,
        missing_fields,
        list_transform(
            reminders,
            lambda r: struct_insert(
                r,
                on_board := r.status in ('due', 'overdue')
                or (r.status = 'missed' and $as_of <= r.closes_on + $missed_shown)
            )
        ) as reminders,
        model_version,
        scored_run_id
    from with_status
)

select * from final order by team_id, record_id
