-- Subsequent-injury classification (SURVEILLANCE.md; Fuller et al. 2007).
-- An earlier injury is the same site when athlete, body region and tissue match, and the side
-- too where both record one. Before its return: exacerbation; after: early (within 2 months),
-- late (2-12 months) or delayed (over 12 months) recurrence. Same region, other tissue: local.
-- No earlier injury at all: index. Otherwise new. Diagnoses of the same event do not count as
-- earlier than each other.
-- incremental: by team_id
create or replace table int_injury_sequence as
with injuries as (
    select * from stg_injuries
),

earlier as (
    select
        team_id,
        record_id,
        prior_record_id,
        prior_date,
        prior_time,
        prior_return,
        body_region = prior_body_region
        and body_region not in ('unknown', 'region_unspecified', 'multiple_regions')
        and (is_side_unrecorded or is_same_side) as is_same_region,
        tissue = prior_tissue and tissue not in ('unknown', 'non_specific') as is_same_tissue
    from int_prior_injuries
),

summarised as (
    select
        team_id,
        record_id,
        arg_max(
            {'record_id': prior_record_id, 'return_date': prior_return},
            (prior_date, coalesce(prior_time, time '00:00'), prior_record_id)
        ) filter (where is_same_region and is_same_tissue) as same_site,
        arg_min(
            prior_record_id, (prior_date, coalesce(prior_time, time '00:00'), prior_record_id)
        ) filter (where is_same_region and is_same_tissue) as first_same_site,
        bool_or(is_same_region and not is_same_tissue) as has_local
    from earlier
    group by team_id, record_id
),

classified as (
    select
        injuries.team_id,
        injuries.record_id,
        summarised.same_site.record_id as previous_record_id,
        summarised.first_same_site as index_record_id,
        case
            when summarised.record_id is null then 'index'
            when summarised.same_site is not null and (
                summarised.same_site.return_date is null
                or injuries.injury_date < summarised.same_site.return_date
            ) then 'exacerbation'
            when summarised.same_site is not null
                and injuries.injury_date <= summarised.same_site.return_date + interval 2 month
                then 'early_recurrence'
            when summarised.same_site is not null
                and injuries.injury_date <= summarised.same_site.return_date + interval 12 month
                then 'late_recurrence'
            when summarised.same_site is not null then 'delayed_recurrence'
            when summarised.has_local then 'local'
            else 'new'
        end as subsequent_class,
        case
            when injuries.injury_date >= summarised.same_site.return_date
                then date_diff('day', summarised.same_site.return_date, injuries.injury_date)
        end as days_to_recurrence
    from injuries
    left join summarised using (team_id, record_id)
)

select * from classified
