-- Subsequent-injury classification (SURVEILLANCE.md; Fuller et al. 2007).
-- An earlier injury is the same site when athlete, body region and tissue match, and the side
-- too where both record one. Before its return: exacerbation; after: early (within 2 months),
-- late (2-12 months) or delayed (over 12 months) recurrence. Same region, other tissue: local.
-- No earlier injury at all: index. Otherwise new. Diagnoses of the same event do not count as
-- earlier than each other.
create or replace table int_injury_sequence as
with injuries as (
    select
        *,
        coalesce(side, 'na') in ('na', 'unknown') as is_side_unrecorded
    from stg_injuries
),

earlier as (
    select
        later.team_id,
        later.record_id,
        prior.record_id as prior_record_id,
        prior.injury_date as prior_date,
        prior.injury_time as prior_time,
        prior.return_date as prior_return,
        later.body_region = prior.body_region
        and later.body_region not in ('unknown', 'region_unspecified', 'multiple_regions')
        and (
            later.is_side_unrecorded or prior.is_side_unrecorded
            or later.side = prior.side or 'bilateral' in (later.side, prior.side)
        ) as is_same_region,
        later.tissue = prior.tissue and later.tissue not in ('unknown', 'non_specific')
        as is_same_tissue
    from injuries as later
    inner join injuries as prior
        on later.team_id = prior.team_id
        and later.athlete_id = prior.athlete_id
        and later.event_id <> prior.event_id
        and (
            prior.injury_date < later.injury_date
            or (prior.injury_date = later.injury_date and prior.injury_time < later.injury_time)
        )
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
