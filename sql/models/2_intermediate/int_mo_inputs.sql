-- What the myositis ossificans risk model (sideline/risk.py) reads, one row per scored
-- contusion: direct-blow thigh muscle contusions (tissue `muscle_contusion` in the thigh, or an
-- OSIICS thigh haematoma code) and injuries coded THM. Everything else is not applicable.
create or replace table int_mo_inputs as
with injuries as (
    select * from stg_injuries
),

scored as (
    select * from injuries
    where (tissue = 'muscle_contusion' and body_region = 'thigh')
        or upper(osiics_code) in ('TH1', 'THQ', 'THH', 'THT', 'THD', 'THM')
),

-- Re-injury factor (CLINICAL.md): the same athlete's same thigh hit again, before the earlier
-- injury's return (exacerbation) or within 12 months after it. Side must be recorded on both
-- to say "same thigh"; where it is not, the factor is unknown rather than absent.
prior_thigh as (
    select
        team_id,
        record_id,
        prior_record_id,
        case
            when injury_date < coalesce(prior_return, date '9999-12-31') then 'exacerbation'
            when injury_date <= prior_return + interval 12 month then 'recurrence'
        end as timing,
        is_side_unrecorded as is_side_unknown,
        is_same_side,
        prior_date,
        prior_time
    from int_prior_injuries
    where prior_body_region = 'thigh'
        and (team_id, record_id) in (select (team_id, record_id) from scored)
),

reinjury as (
    select
        team_id,
        record_id,
        max(case timing when 'exacerbation' then 2 when 'recurrence' then 1 else 0 end)
            filter (where is_same_side and not is_side_unknown) as level,
        -- the earlier injury named: the worse timing, then the latest, then the record id, so
        -- two builds of one inbox always name the same one
        arg_max(
            prior_record_id,
            (
                case timing when 'exacerbation' then 2 else 1 end,
                prior_date,
                coalesce(prior_time, time '00:00'),
                prior_record_id
            )
        )
            filter (where is_same_side and not is_side_unknown and timing is not null)
            as prior_record_id,
        bool_or(is_side_unknown and timing is not null) as is_side_unknown
    from prior_thigh
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
                'lesion_layer': lesion_layer
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
        s.side,
        s.sport,
        s.osiics_code,
        s.return_date,
        s.first_treatment_at,
        s.knee_flexion_deg,
        s.contusion_grade,
        s.knee_effusion,
        case
            when r.level = 2 then 'exacerbation'
            when r.level = 1 then 'recurrence'
            when r.is_side_unknown then 'unknown'
        end as reinjury,
        r.prior_record_id as reinjury_of,
        coalesce(e.exams, []) as exams
    from scored as s
    left join reinjury as r using (team_id, record_id)
    left join exams as e using (team_id, record_id)
)

select * from final
