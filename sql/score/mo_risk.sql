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
-- incremental: by team_id
create or replace table mo_risk as
with limits as (
    select
        cast(mo_param('outcome_days') as integer) as outcome_days,
        from_json(mo_param('diagnosed_codes'), '["VARCHAR"]') as diagnosed
),

-- the outcome, for calibration later (CLINICAL.md v2): calcification at the contusion site
-- within `outcome_days`, or a THM code, is MO; without an exam after day 14 the outcome is
-- unknown, never "no MO"
outcomes as (
    select
        inputs.team_id,
        inputs.record_id,
        list_bool_or(
            list_transform(
                inputs.exams,
                lambda e: date_diff('day', inputs.injury_date, e.exam_date) > 14
            )
        ) as is_imaged_after_day_14,
        case
            when list_contains(limits.diagnosed, upper(inputs.osiics_code)) then 'mo'
            when list_bool_or(
                list_transform(
                    inputs.exams,
                    lambda e: e.calcification in ('peripheral', 'central', 'diffuse')
                    and date_diff('day', inputs.injury_date, e.exam_date)
                    <= limits.outcome_days
                )
            ) then 'mo'
            when list_bool_or(
                list_transform(
                    inputs.exams,
                    lambda e: date_diff('day', inputs.injury_date, e.exam_date) > 14
                )
            ) then 'no_mo'
            else 'unknown'
        end as outcome
    from int_mo_inputs as inputs
    cross join limits
),

scores as (
    select
        mo_score.*,
        injuries.side,
        injuries.osiics_code,
        coalesce(outcomes.is_imaged_after_day_14, false) as is_imaged_after_day_14,
        coalesce(outcomes.outcome, 'unknown') as outcome
    from mo_score
    left join stg_injuries as injuries using (team_id, record_id)
    left join outcomes using (team_id, record_id)
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
        outcome,
        is_imaged_after_day_14,
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
