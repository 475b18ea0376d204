-- What the myositis ossificans risk model v2 (sideline/risk.py) reads, one row per contusion in
-- its scope (CLINICAL.md v2), with the codes and windows of its parameter table (`mo_param`):
-- - `quadriceps`: a thigh muscle contusion coded with a scored code or not coded: scored;
-- - `other_compartment`: coded to the hamstring or adductor: tier not_validated;
-- - `diagnosed`: coded myositis ossificans.
-- Everything else is not applicable. Both the risk model and data_completeness read this scope.
-- incremental: by team_id
create or replace table int_mo_inputs as
with injuries as (
    select * from stg_injuries
),

codes as (
    select
        from_json(mo_param('scored_codes'), '["VARCHAR"]') as scored,
        from_json(mo_param('not_validated_codes'), '["VARCHAR"]') as not_validated,
        from_json(mo_param('diagnosed_codes'), '["VARCHAR"]') as diagnosed,
        cast(mo_param('recurrence_months') as integer) as recurrence_months,
        cast(mo_param('open_prior_days') as integer) as open_prior_days
),

in_scope as (
    select
        injuries.*,
        case
            when list_contains(codes.diagnosed, upper(injuries.osiics_code)) then 'diagnosed'
            when list_contains(codes.not_validated, upper(injuries.osiics_code))
                then 'other_compartment'
            else 'quadriceps'
        end as scope
    from injuries
    cross join codes
    where list_contains(codes.diagnosed, upper(injuries.osiics_code))
        or list_contains(codes.scored, upper(injuries.osiics_code))
        or list_contains(codes.not_validated, upper(injuries.osiics_code))
        or (
            injuries.tissue = 'muscle_contusion'
            and injuries.body_region = 'thigh'
            and coalesce(upper(injuries.osiics_code), 'UNKNOWN') = 'UNKNOWN'
        )
),

-- Re-injury factor: an earlier anterior-thigh contusion (or MO) of the same athlete, never a
-- strain or another tissue. Before its return: exacerbation; within the recurrence window
-- after it: recurrence; no return date: exacerbation within `open_prior_days` of it, unknown
-- after. Side must be recorded on both and equal (bilateral covers either thigh).
prior_contusions as (
    select
        pairs.team_id,
        pairs.record_id,
        pairs.prior_record_id,
        pairs.prior_date,
        pairs.prior_time,
        pairs.is_side_unrecorded,
        pairs.is_same_side,
        case
            when pairs.prior_return is null
                then
                    case
                        when date_diff('day', pairs.prior_date, pairs.injury_date)
                            <= codes.open_prior_days
                            then 'exacerbation'
                        else 'unknown_return'
                    end
            when pairs.injury_date < pairs.prior_return then 'exacerbation'
            when pairs.injury_date <= pairs.prior_return + to_months(codes.recurrence_months)
                then 'recurrence'
        end as timing
    from int_prior_injuries as pairs
    cross join codes
    inner join in_scope as earlier
        on pairs.team_id = earlier.team_id
        and pairs.prior_record_id = earlier.record_id
        and earlier.scope in ('quadriceps', 'diagnosed')
    where (pairs.team_id, pairs.record_id) in (
        select (team_id, record_id) from in_scope where scope = 'quadriceps'
    )
),

reinjury as (
    select
        team_id,
        record_id,
        max(case timing when 'exacerbation' then 2 when 'recurrence' then 1 else 0 end)
            filter (where is_same_side and not is_side_unrecorded) as level,
        -- the earlier contusion named: the worse timing, then the latest, then the record id,
        -- so two builds of one inbox always name the same one
        arg_max(
            prior_record_id,
            (
                case timing when 'exacerbation' then 2 else 1 end,
                prior_date,
                coalesce(prior_time, time '00:00'),
                prior_record_id
            )
        )
            filter (
                where is_same_side and not is_side_unrecorded
                and timing in ('exacerbation', 'recurrence')
            ) as prior_record_id,
        arg_max(prior_record_id, (prior_date, prior_record_id))
            filter (where is_side_unrecorded and timing is not null) as side_unknown_of,
        arg_max(prior_record_id, (prior_date, prior_record_id))
            filter (
                where is_same_side and not is_side_unrecorded and timing = 'unknown_return'
            ) as return_unknown_of
    from prior_contusions
    group by team_id, record_id
),

exams as (
    select
        team_id,
        injury_record_id as record_id,
        list(
            {
                'record_id': record_id,
                'exam_date': exam_date,
                'modality': modality,
                'echogenicity': echogenicity,
                'calcification': calcification,
                'lesion_layer': lesion_layer,
                'lesion_size_mm': lesion_size_mm
            }
            order by exam_date, record_id
        ) as exams
    from imaging_latest
    where injury_record_id is not null
    group by team_id, injury_record_id
),

final as (
    select
        s.team_id,
        s.record_id,
        s.athlete_id,
        s.injury_date,
        s.injury_time,
        s.scope,
        s.side,
        s.sport,
        s.osiics_code,
        s.return_date,
        s.first_treatment_at,
        s.knee_flexion_deg,
        s.knee_flexion_at,
        s.contusion_grade,
        s.knee_effusion,
        case
            when r.level = 2 then 'exacerbation'
            when r.level = 1 then 'recurrence'
            when r.side_unknown_of is not null then 'unknown_side'
            when r.return_unknown_of is not null then 'unknown_return'
        end as reinjury,
        case
            when r.level > 0 then r.prior_record_id
            else coalesce(r.side_unknown_of, r.return_unknown_of)
        end as reinjury_of,
        coalesce(e.exams, []) as exams
    from in_scope as s
    left join reinjury as r using (team_id, record_id)
    left join exams as e using (team_id, record_id)
)

select * from final
